"""What the stand-in framework packages next to this file (tensorflow/, mxnet/) share: how they record what a
process gave them. See README.md in this folder.

Two kinds of record, each a JSON file written whole (a temporary file renamed into place):

- an import record, ``<framework>-<pid>.json``, for every import of a stand-in package: argv, pid, hostname and
  the framework's variables. It goes to $SMTK_STANDIN_RECORD_DIR, or, when that is unset and /opt/ml/output
  exists (inside a training container), to /opt/ml/output/data/standin; elsewhere nothing is written. The
  image tests read these.
- a role record, ``<host>-<role>-<pid>.json``, for every parameter-server role a process takes (a TensorFlow
  server, an MXNet scheduler, server or worker), to $STANDIN_RECORD_DIR when it is set. The parameter-server
  integration tests read these (io.smtk.testing.StandinRecords).
"""
import json
import os
import socket
import sys

_OUTPUT = "/opt/ml/output"


def _write(path, data):
    with open(path + ".tmp", "w") as f:
        json.dump(data, f, sort_keys=True)
    os.rename(path + ".tmp", path)


def host():
    """The SageMaker host name this process runs as: $CURRENT_HOST, else the machine's name."""
    return os.environ.get("CURRENT_HOST") or socket.gethostname()


def record_import(framework, prefixes):
    """Records an import of the stand-in ``framework`` with the variables whose names start with ``prefixes``."""
    directory = os.environ.get("SMTK_STANDIN_RECORD_DIR")
    if not directory:
        if not os.path.isdir(_OUTPUT):
            return
        directory = os.path.join(_OUTPUT, "data", "standin")
    env = {k: v for k, v in os.environ.items() if k.startswith(tuple(prefixes) + ("SM_", "SAGEMAKER_"))}
    entry = {"framework": framework, "argv": sys.argv, "pid": os.getpid(),
             "hostname": socket.gethostname(), "env": env}
    try:
        os.makedirs(directory, exist_ok=True)
        _write(os.path.join(directory, "%s-%d.json" % (framework, os.getpid())), entry)
    except OSError as e:
        print("%s stand-in: cannot record to %s: %s" % (framework, directory, e), file=sys.stderr)


def record_role(role, **data):
    """Records that this process took a parameter-server role, with ``data``, when $STANDIN_RECORD_DIR is set."""
    directory = os.environ.get("STANDIN_RECORD_DIR")
    if not directory:
        return
    name = host()
    data.update(pid=os.getpid(), host=name)
    _write(os.path.join(directory, "%s-%s-%d.json" % (name, role, os.getpid())), data)


def listen(address, port):
    """Listens on address:port as the real framework's process would, so that peers can watch the port."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((address, int(port)))
    listener.listen()
    return listener
