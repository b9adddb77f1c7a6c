"""Fits y = 2x + 1 with PyTorch on the `train` channel's CSV and saves the model's state with torch.save."""
import time

STARTED = time.time()

import argparse
import json
import os

import sagemaker_training
import torch
from sagemaker_training import environment

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=300)
parser.add_argument("--bad-shape", type=int, default=0, help="multiply mismatched shapes (failure test)")
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

rows = [line.split(",") for line in open(os.path.join(os.environ["SM_CHANNEL_TRAIN"], "points.csv")) if line.strip()]
x = torch.tensor([[float(r[0])] for r in rows])
y = torch.tensor([[float(r[1])] for r in rows])
if args.bad_shape:
    torch.ones(2, 3) @ torch.ones(4, 5)

torch.manual_seed(0)
model = torch.nn.Linear(1, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
for _ in range(args.epochs):
    optimizer.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
torch.save(model.state_dict(), os.path.join(os.environ["SM_MODEL_DIR"], "model.pt"))
with open(os.path.join(os.environ["SM_MODEL_DIR"], "metrics.json"), "w") as f:
    json.dump({"loss": loss.item(), "weight": model.weight.item(), "bias": model.bias.item(),
               "torch": torch.__version__, "num_gpus": os.environ.get("SM_NUM_GPUS")}, f, sort_keys=True)
print("loss=%.5f" % loss.item())
