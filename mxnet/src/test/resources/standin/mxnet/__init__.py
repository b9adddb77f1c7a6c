"""Stand-in for MXNet, which cannot be installed on the test machines.

Importing it acts like importing MXNet with DMLC_ROLE set: a scheduler or server blocks serving the
parameter-server protocol (here: listening on the scheduler port, or just staying alive), a worker
returns. Every import is recorded as a JSON file in $STANDIN_RECORD_DIR with the DMLC_* variables it
saw, and anything missing or inconsistent is an error.
"""
import json
import os
import socket
import time

__version__ = "0.0-standin"

_REQUIRED = ("DMLC_NUM_WORKER", "DMLC_NUM_SERVER", "DMLC_ROLE", "DMLC_PS_ROOT_URI", "DMLC_PS_ROOT_PORT", "PS_VERBOSE")


def _start():
    role = os.environ.get("DMLC_ROLE")
    if role is None:
        return
    missing = [name for name in _REQUIRED if name not in os.environ]
    if missing:
        raise RuntimeError("DMLC_ROLE=%s without %s" % (role, ", ".join(missing)))
    if role not in ("scheduler", "server", "worker"):
        raise RuntimeError("unknown DMLC_ROLE %r" % role)
    socket.inet_aton(os.environ["DMLC_PS_ROOT_URI"])  # an IP address, as the container resolves it
    host = os.environ.get("CURRENT_HOST") or socket.gethostname()
    directory = os.environ.get("STANDIN_RECORD_DIR")
    if directory:
        record = {name: os.environ[name] for name in _REQUIRED}
        record.update(pid=os.getpid(), host=host)
        path = os.path.join(directory, "%s-%s-%d.json" % (host, role, os.getpid()))
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
    if role == "scheduler":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((os.environ["DMLC_PS_ROOT_URI"], int(os.environ["DMLC_PS_ROOT_PORT"])))
        listener.listen()
    if role in ("scheduler", "server"):
        while True:
            time.sleep(3600)


_start()
