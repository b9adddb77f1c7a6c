"""Stand-in for the Python SageMaker Training Toolkit (pip package sagemaker-training) in smtk's test bases.

The AWS Deep Learning Container bases pip-install the Python toolkit into their conda environment; this
stand-in sits in the same place so that smtk's images are tested against that layout. Importing it, or
running its `train`, leaves a record under $SAGEMAKER_BASE_DIR/output/data/python-toolkit-standin (default
base /opt/ml) and a line on stderr: inside an smtk image neither may happen, because smtk's own `train` runs
and smtk's own sagemaker_training package comes first on the user's PYTHONPATH.
"""
import json
import os
import sys

__version__ = "4.8.3+smtk.standin"


def record(event):
    """Writes one record of what happened (event, argv, pid) and says so on stderr."""
    directory = os.path.join(os.environ.get("SAGEMAKER_BASE_DIR") or "/opt/ml", "output", "data",
                             "python-toolkit-standin")
    print("python-toolkit stand-in: %s (pid %d, argv %r)" % (event, os.getpid(), sys.argv), file=sys.stderr)
    try:
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "%s-%d.json" % (event, os.getpid())), "w") as f:
            json.dump({"event": event, "argv": sys.argv, "pid": os.getpid()}, f, sort_keys=True)
    except OSError as e:
        print("python-toolkit stand-in: cannot record to %s: %s" % (directory, e), file=sys.stderr)


record("imported")
