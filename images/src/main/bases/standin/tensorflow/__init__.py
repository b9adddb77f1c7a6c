"""Stand-in for TensorFlow in smtk's test images: records what a training process was given.

Importing it writes one JSON record (argv, the TF_* / S3_* / SM_* variables, pid, hostname) to
$SMTK_STANDIN_RECORD_DIR (default /opt/ml/output/data/standin), so tests can check what the
toolkit handed to TensorFlow without the real framework.
"""
import json
import os
import socket
import sys

__version__ = "0.0.0+smtk.standin"


def _record():
    directory = os.environ.get("SMTK_STANDIN_RECORD_DIR", "/opt/ml/output/data/standin")
    env = {k: v for k, v in os.environ.items() if k.startswith(("TF_", "S3_", "SM_", "SAGEMAKER_"))}
    entry = {"framework": "tensorflow", "argv": sys.argv, "pid": os.getpid(),
             "hostname": socket.gethostname(), "env": env}
    try:
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "tensorflow-%d.json" % os.getpid()), "w") as f:
            json.dump(entry, f, sort_keys=True)
    except OSError as e:
        print("tensorflow stand-in: cannot record to %s: %s" % (directory, e), file=sys.stderr)


_record()
