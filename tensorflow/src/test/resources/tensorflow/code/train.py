"""Script-mode job on the TensorFlow stand-in: imports tensorflow (which records what it was given), writes a model."""
import time

STARTED = time.time()

import argparse
import json
import os
import sys

import tensorflow
import sagemaker_training
from sagemaker_training import environment

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=1)
parser.add_argument("--exit-code", type=int, default=0, help="exit with this code (failure test)")
args, _ = parser.parse_known_args()

with open(os.path.join(os.environ["SM_OUTPUT_DATA_DIR"], "run.json"), "w") as f:
    json.dump({"started": STARTED, "env": dict(os.environ)}, f, sort_keys=True)
if args.exit_code:
    print("giving up with exit code %d" % args.exit_code, file=sys.stderr)
    sys.exit(args.exit_code)

# What smtk's Python API (sagemaker_training, a view over the toolkit) says about this job; the image test
# compares it with the job it set up.
env = environment.Environment()
with open(os.path.join(env.model_dir, "environment.json"), "w") as f:
    json.dump({"hyperparameters": env.hyperparameters, "channel": env.channel_input_dirs["training"],
               "cmd_args": env.to_cmd_args(), "current_host": env.current_host,
               "package": sagemaker_training.__file__}, f, sort_keys=True)

# A SavedModel-shaped folder (numeric version, saved_model.pb), as TensorFlow Serving expects.
version_dir = os.path.join(os.environ["SM_MODEL_DIR"], "1")
os.makedirs(version_dir, exist_ok=True)
with open(os.path.join(version_dir, "saved_model.pb"), "w") as f:
    json.dump({"framework": "tensorflow", "version": tensorflow.__version__, "epochs": args.epochs}, f, sort_keys=True)
print("tensorflow %s, %d epochs" % (tensorflow.__version__, args.epochs))
