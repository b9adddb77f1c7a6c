"""Stand-in for TensorFlow (see ../README.md): not the real framework, which cannot be installed here.

It imitates what the SageMaker TensorFlow launch logic uses of TensorFlow (train.ClusterSpec,
distribute.Server, compat.v1.ConfigProto), checks what it is given, and records (smtk_standin):
every import, with argv and the TF_* / S3_* / SM_* variables, and every server it starts, with its job,
task, address and device count. A server really listens on its task's address, as TensorFlow's does, so
hosts can watch each other's ports.
"""
import os
import time

import smtk_standin

__version__ = "0.0.0+smtk.standin"


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
            self._socket = smtk_standin.listen(host, port)
            smtk_standin.record_role("server-" + job_name, job_name=job_name, task_index=task_index,
                                     address=address, device_count=config.device_count if config else None,
                                     tf_config=os.environ.get("TF_CONFIG"))

        def join(self):
            while True:
                time.sleep(3600)


smtk_standin.record_import("tensorflow", ("TF_", "S3_"))
