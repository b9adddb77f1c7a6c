"""Trains a decision tree on the iris data in the `train` channel and saves it with joblib."""
import time

STARTED = time.time()

import argparse
import json
import os

import joblib
import numpy as np
import sagemaker_training
import sklearn
from sagemaker_training import environment
from sklearn.tree import DecisionTreeClassifier

parser = argparse.ArgumentParser()
parser.add_argument("--max-depth", type=int, default=3)
parser.add_argument("--model-dir", default=os.environ["SM_MODEL_DIR"])
parser.add_argument("--train", default=os.environ["SM_CHANNEL_TRAIN"])
args = parser.parse_args()

with open(os.path.join(os.environ["SM_OUTPUT_DATA_DIR"], "run.json"), "w") as f:
    json.dump({"started": STARTED, "env": dict(os.environ)}, f, sort_keys=True)

# What smtk's Python API (sagemaker_training, a view over the toolkit) says about this job; the image test
# compares it with the job it set up.
env = environment.Environment()
with open(os.path.join(env.model_dir, "environment.json"), "w") as f:
    json.dump({"hyperparameters": env.hyperparameters, "channel": env.channel_input_dirs["train"],
               "cmd_args": env.to_cmd_args(), "current_host": env.current_host,
               "package": sagemaker_training.__file__}, f, sort_keys=True)

# sklearn's iris.csv: a header line "150,4,<class names>", then four features and the class per row.
data = np.loadtxt(os.path.join(args.train, "iris.csv"), delimiter=",", skiprows=1)
features, labels = data[:, :4], data[:, 4].astype(int)
model = DecisionTreeClassifier(max_depth=args.max_depth, random_state=0).fit(features, labels)
accuracy = model.score(features, labels)
joblib.dump(model, os.path.join(args.model_dir, "model.joblib"))
with open(os.path.join(args.model_dir, "metrics.json"), "w") as f:
    json.dump({"accuracy": accuracy, "sklearn": sklearn.__version__, "rows": len(labels)}, f, sort_keys=True)
print("accuracy=%.3f" % accuracy)
