"""Stand-in for torch_xla.distributed.xla_spawn: records what it was given, then runs the script."""
import argparse
import json
import os
import runpy
import sys

REQUIRED = ("XRT_HOST_ORDINAL", "XRT_SHARD_WORLD_SIZE", "XRT_WORKERS", "GPU_NUM_DEVICES", "NCCL_PROTO")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--num_gpus", type=int, required=True)
    parser.add_argument("script")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    missing = [name for name in REQUIRED if name not in os.environ]
    if missing:
        raise SystemExit("xla_spawn stand-in: missing %s" % ", ".join(missing))
    if options.num_gpus < 1 or str(options.num_gpus) != os.environ["GPU_NUM_DEVICES"]:
        raise SystemExit("xla_spawn stand-in: --num_gpus %d but GPU_NUM_DEVICES=%s"
                         % (options.num_gpus, os.environ["GPU_NUM_DEVICES"]))
    record = {name: os.environ.get(name) for name in REQUIRED + ("XRT_MESH_SERVICE_ADDRESS", "OFI_NCCL_NIC_DUP_CONNS")}
    record.update(num_gpus=options.num_gpus, script=options.script, args=options.args)
    with open(os.path.join(os.environ["SM_MODEL_DIR"], "xla_spawn.json"), "w") as f:
        json.dump(record, f, sort_keys=True)
    sys.argv = [options.script] + options.args
    runpy.run_path(options.script, run_name="__main__")


if __name__ == "__main__":
    main()
