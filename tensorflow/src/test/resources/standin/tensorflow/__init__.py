"""Stand-in for TensorFlow, which cannot be installed on the test machines.

It implements the few calls the SageMaker TensorFlow launch logic makes (ClusterSpec, distribute.Server,
compat.v1.ConfigProto), checks what it is given, and records each server it starts as a JSON file in
$STANDIN_RECORD_DIR, so that tests can see which processes ran where and with what. A server really
listens on its task's address, as TensorFlow's does, so hosts can watch each other's ports.
"""
import json
import os
import socket
import time

__version__ = "0.0-standin"


def _record(kind, **data):
    directory = os.environ.get("STANDIN_RECORD_DIR")
    if not directory:
        return
    host = os.environ.get("CURRENT_HOST") or socket.gethostname()
    data.update(pid=os.getpid(), host=host, tf_config=os.environ.get("TF_CONFIG"))
    path = os.path.join(directory, "%s-%s-%d.json" % (host, kind, os.getpid()))
    with open(path + ".tmp", "w") as f:
        json.dump(data, f)
    os.rename(path + ".tmp", path)


class train:  # noqa: N801 - mirrors the tf.train namespace
    class ClusterSpec:
        def __init__(self, cluster):
            if not isinstance(cluster, dict) or not cluster:
                raise ValueError("ClusterSpec needs a dict of job name to addresses, got %r" % (cluster,))
            for job, addresses in cluster.items():
                if not isinstance(addresses, list) or not all(":" in a for a in addresses):
                    raise ValueError("job %r has bad addresses %r" % (job, addresses))
            self.cluster = cluster


class compat:  # noqa: N801
    class v1:  # noqa: N801
        class ConfigProto:
            def __init__(self, device_count=None):
                self.device_count = dict(device_count or {})


class distribute:  # noqa: N801
    class Server:
        def __init__(self, spec, job_name, task_index, config=None):
            if not isinstance(spec, train.ClusterSpec):
                raise TypeError("Server needs a ClusterSpec")
            if job_name not in spec.cluster:
                raise ValueError("job %r is not in the cluster %r" % (job_name, spec.cluster))
            address = spec.cluster[job_name][task_index]
            host, port = address.rsplit(":", 1)
            self._socket = socket.socket()
            self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._socket.bind((host, int(port)))
            self._socket.listen()
            _record("server-" + job_name, job_name=job_name, task_index=task_index, address=address,
                    device_count=config.device_count if config else None)

        def join(self):
            while True:
                time.sleep(3600)
