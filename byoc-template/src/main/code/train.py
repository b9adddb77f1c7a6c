"""Example training script of the BYOC template: fits a straight line to the `train` channel's CSV files.

Replace it with your own code; everything in src/main/code lands in /opt/ml/code, and SAGEMAKER_PROGRAM
(byoc-template/pom.xml) names the file SageMaker runs. Hyperparameters arrive as --name value arguments,
channels as SM_CHANNEL_<NAME>, the model folder as SM_MODEL_DIR; or ask smtk's Python API, as below
(`from sagemaker_training import environment`: the same package as the Python toolkit's, in every smtk image).
"""
import time

STARTED = time.time()

import argparse
import csv
import json
import os

from sagemaker_training import environment


def main():
    env = environment.Environment()
    parser = argparse.ArgumentParser()
    parser.add_argument("--fail-with", default=None, help="raise this error instead of training (tests)")
    parser.add_argument("--model-dir", default=env.model_dir)
    parser.add_argument("--train", default=env.channel_input_dirs.get("train", "/opt/ml/input/data/train"))
    args, _ = parser.parse_known_args()

    # What this run saw (start time, environment), kept with the job's output data for diagnosis.
    output_data = env.output_data_dir
    os.makedirs(output_data, exist_ok=True)
    with open(os.path.join(output_data, "run.json"), "w") as f:
        json.dump({"started": STARTED, "env": dict(os.environ)}, f, sort_keys=True)

    if args.fail_with:
        raise RuntimeError(args.fail_with)

    xs, ys = [], []
    for name in sorted(os.listdir(args.train)):
        if name.endswith(".csv"):
            with open(os.path.join(args.train, name)) as f:
                for row in csv.reader(f):
                    xs.append(float(row[0]))
                    ys.append(float(row[1]))
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)
    model = {"slope": slope, "intercept": mean_y - slope * mean_x, "rows": n,
             "host": env.current_host, "hyperparameters": env.hyperparameters}
    with open(os.path.join(args.model_dir, "model.json"), "w") as f:
        json.dump(model, f, sort_keys=True)
    print("trained on %d rows: %s" % (n, model))


if __name__ == "__main__":
    main()
