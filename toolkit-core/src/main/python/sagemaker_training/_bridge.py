"""How the Python view reaches smtk's Java core.

Inside a job, a Python framework module gets SMTK_API_SOCKET from the toolkit that started it: requests
go over that Unix socket to the running toolkit, which owns the job (signals, failure file, runners).
Anywhere else (a script started by hand in the container) the same request is answered by a new
`smtk api` process. Either way the answer is computed once, in Java.
"""
import json
import os

SOCKET_VARIABLE = "SMTK_API_SOCKET"
LAUNCHER_VARIABLE = "SMTK_LAUNCHER"
_MAX_REPLY = 64 * 1024 * 1024


class BridgeError(RuntimeError):
    """smtk's Java core could not be reached or gave no answer."""


def call(request):
    """Sends one request (a dict) to the Java core and returns its reply (a dict)."""
    path = os.environ.get(SOCKET_VARIABLE)
    if path:
        return _call_socket(path, request)
    return _call_process(request)


def _call_socket(path, request):
    import socket
    data = (json.dumps(request, ensure_ascii=True) + "\n").encode("ascii")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.connect(path)
        except OSError as e:
            raise BridgeError("Cannot reach the smtk toolkit at %s=%s: %s" % (SOCKET_VARIABLE, path, e))
        sock.sendall(data)
        chunks = []
        size = 0
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if chunk.endswith(b"\n"):
                break
            if size > _MAX_REPLY:
                raise BridgeError("The smtk toolkit's reply is larger than %d bytes" % _MAX_REPLY)
    text = b"".join(chunks).decode("utf-8")
    if not text.strip():
        raise BridgeError("The smtk toolkit at %s closed the connection without a reply" % path)
    return json.loads(text)


def launcher():
    """Returns the smtk launcher: SMTK_LAUNCHER, else bin/smtk above this package (image or checkout)."""
    configured = os.environ.get(LAUNCHER_VARIABLE)
    if configured:
        return configured
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    directory = here
    for _ in range(6):
        candidate = os.path.join(directory, "bin", "smtk")
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    raise BridgeError(
        "Cannot find the smtk launcher (bin/smtk above %s); set %s to its path" % (here, LAUNCHER_VARIABLE))


def _call_process(request):
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory(prefix="smtk-api-") as folder:
        request_file = os.path.join(folder, "request.json")
        reply_file = os.path.join(folder, "reply.json")
        with open(request_file, "w", encoding="ascii") as f:
            json.dump(request, f, ensure_ascii=True)
        command = [launcher(), "api", "--request", request_file, "--reply", reply_file]
        # The user's entry point shares our stdout/stderr, as it would under the toolkit.
        completed = subprocess.run(command, stdin=subprocess.DEVNULL)
        if not os.path.exists(reply_file):
            raise BridgeError("%s exited with code %d and gave no reply" % (" ".join(command), completed.returncode))
        with open(reply_file, encoding="utf-8") as f:
            return json.load(f)
