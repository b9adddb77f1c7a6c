"""Trains a random forest on the iris data set scikit-learn ships; runs unchanged on SageMaker.

Reads the SageMaker script-mode contract: hyperparameters as command-line arguments, the model
folder in SM_MODEL_DIR, output files in SM_OUTPUT_DATA_DIR. With a 'train' channel holding a CSV
(label in the first column) it trains on that instead of the built-in data.
"""
import argparse
import glob
import json
import os

import joblib
import numpy as np
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split


def load_data(channel):
    files = sorted(glob.glob(os.path.join(channel, "*.csv"))) if channel else []
    if not files:
        data = load_iris()
        return data.data, data.target
    table = np.concatenate([np.loadtxt(f, delimiter=",") for f in files])
    return table[:, 1:], table[:, 0].astype(int)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-estimators", type=int, default=100)
    parser.add_argument("--max-depth", type=int, default=None)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR", "model"))
    parser.add_argument("--output-data-dir", default=os.environ.get("SM_OUTPUT_DATA_DIR", "output"))
    parser.add_argument("--train", default=os.environ.get("SM_CHANNEL_TRAIN"))
    args = parser.parse_args()

    features, labels = load_data(args.train)
    x_train, x_test, y_train, y_test = train_test_split(
        features, labels, test_size=0.3, random_state=args.random_state, stratify=labels)
    model = RandomForestClassifier(
        n_estimators=args.n_estimators, max_depth=args.max_depth, random_state=args.random_state)
    model.fit(x_train, y_train)
    accuracy = float(model.score(x_test, y_test))
    print(f"host={os.environ.get('SM_CURRENT_HOST')} n_estimators={args.n_estimators} "
          f"test accuracy={accuracy:.3f}")

    os.makedirs(args.model_dir, exist_ok=True)
    joblib.dump(model, os.path.join(args.model_dir, "model.joblib"))
    os.makedirs(args.output_data_dir, exist_ok=True)
    with open(os.path.join(args.output_data_dir, "metrics.json"), "w") as f:
        json.dump({"accuracy": accuracy, "n_estimators": args.n_estimators}, f)


if __name__ == "__main__":
    main()
