"""Stand-in for PyTorch/XLA (torch_xla), which cannot be installed on the test machines.

Only what the SageMaker launch path uses: `python -m torch_xla.distributed.xla_spawn --num_gpus N
script args`. It checks its arguments and the XRT_* environment the toolkit sets, records them in
$SM_MODEL_DIR/xla_spawn.json, and runs the script as xla_spawn would run it in each process.
"""
__version__ = "0.0-standin"
