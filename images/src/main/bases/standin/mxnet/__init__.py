"""Stand-in for MXNet (see ../README.md): not the real framework, which cannot be installed here.

Importing it records the import (smtk_standin: argv and the DMLC_* / PS_* / SM_* variables) and acts like
importing MXNet with DMLC_ROLE set: as in ps-lite, workers and servers register with the scheduler (a TCP
connection to DMLC_PS_ROOT_URI:DMLC_PS_ROOT_PORT) and wait until all DMLC_NUM_WORKER + DMLC_NUM_SERVER have;
then a worker returns while a scheduler or server blocks, serving the parameter-server protocol. Each role
is recorded with the DMLC_* variables it saw; anything missing or inconsistent is an error. Without
DMLC_ROLE an import only records.
"""
import os
import socket
import time

import smtk_standin

__version__ = "0.0.0+smtk.standin"

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
    smtk_standin.record_role(role, **{name: os.environ[name] for name in _REQUIRED})
    address = (os.environ["DMLC_PS_ROOT_URI"], int(os.environ["DMLC_PS_ROOT_PORT"]))
    if role == "scheduler":
        nodes = int(os.environ["DMLC_NUM_WORKER"]) + int(os.environ["DMLC_NUM_SERVER"])
        _schedule(smtk_standin.listen(*address), nodes)
    else:
        _register(address, role)
    if role == "server":
        while True:
            time.sleep(3600)


def _schedule(listener, nodes):
    """Like ps-lite's scheduler: answers the workers and servers once all of them have registered, then any
    latecomer at once; never returns."""
    waiting = []
    while True:
        connection, _ = listener.accept()
        connection.recv(64)
        waiting.append(connection)
        if len(waiting) >= nodes:
            for c in waiting:
                c.sendall(b"ready\n")
                c.close()
            waiting = []
            nodes = 1


def _register(address, role):
    """Like a ps-lite node: registers with the scheduler and waits until every node has (at most 120 s)."""
    deadline = time.time() + 120
    while True:
        try:
            with socket.create_connection(address, timeout=max(deadline - time.time(), 1)) as connection:
                connection.sendall(role.encode() + b"\n")
                if connection.recv(64).startswith(b"ready"):
                    return
        except OSError:
            pass
        if time.time() > deadline:
            raise RuntimeError("%s: no answer from the scheduler at %s:%d" % ((role,) + address))
        time.sleep(0.1)


smtk_standin.record_import("mxnet", ("DMLC_", "PS_"))
_start()
