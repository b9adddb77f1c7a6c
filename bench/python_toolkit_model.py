"""A MODEL of the Python SageMaker Training Toolkit's fixed work for a script-mode job (a benchmark aid).

Why: the real toolkit (`sagemaker-training` from PyPI) cannot be installed on the bench machines (no
PyPI), and figures recorded on another machine are unfair to compare with. This script does, on the
same machine and in the same rounds as `bin/smtk train`, what the toolkit's `train` entry
(sagemaker_training 4.x: cli/train.py -> trainer.train -> entry_point.run) does before and after the
user's script, with the toolkit's own third-party libraries (boto3, paramiko, psutil, retrying, six:
Debian's python3-* packages here), and then runs the script:
  - the imports the toolkit's modules make at start (standard library and third-party);
  - the job's "environment" built 4 times, as the toolkit constructs environment.Environment() 4 times
    on this path: the three configuration files read with json, the CPU count, `nvidia-smi --list-gpus`
    and `neuron-ls -j` (missing here: caught), a boto3 session's region, `which smddpmprun`;
  - logging configured with the toolkit's format, its log lines (to stderr), the environment logged
    once with json.dumps(indent=4) as log_script_invocation does, the SM_* variables;
  - code from s3:// (sagemaker_submit_directory) when the code folder is empty: boto3's resource and
    download_file into a temporary folder, the toolkit's path check of every member, tarfile's
    extractall, the temporary folder removed (stderr lines "MODEL client_ms=", "MODEL download_ms="
    (client included), "MODEL extract_ms=" for the bench);
  - the script run with sys.executable, cwd = the code folder, PYTHONPATH = the code folder; output/success
    written on status 0; the exit with the script's status through os._exit, as trainer.train ends (no
    interpreter teardown, which sys.exit would add with boto3 loaded).
It is a LOWER BOUND of the real toolkit's work: it leaves out the import of the toolkit's own modules,
its C extension (gethostname), the DNS look-up of every host (retrying), the script's output relayed
through asyncio pipes, and whatever else was not modelled. inotify_simple is not packaged by Debian:
ctypes.util (what it imports) stands in for it.
Usage: python3 python_toolkit_model.py (SAGEMAKER_BASE_DIR, SAGEMAKER_PROGRAM as for the toolkit).
"""
# The imports of the toolkit's modules (cli/train.py, trainer, environment, files, entry_point, runner,
# process, modules, mpi, intermediate_output, ...), at module level as there; time is the model's own.
import importlib, os, sys, traceback, json, logging, multiprocessing, shlex, socket, subprocess  # noqa: E401
import collections, itertools, contextlib, shutil, tarfile, tempfile, textwrap, re, enum  # noqa: E401
import argparse, inspect, signal, asyncio, asyncio.subprocess, concurrent.futures, time  # noqa: E401

import six, six.moves.urllib.parse, retrying  # noqa: E401
import boto3, boto3.session, boto3.s3.transfer, paramiko, psutil  # noqa: E401

try:
    import inotify_simple  # noqa: F401 (the toolkit's intermediate output sync imports it)
except ImportError:
    import ctypes.util  # noqa: F401 (what inotify_simple imports)

BASE_DIR = os.environ.get("SAGEMAKER_BASE_DIR", "/opt/ml")
CONFIG_DIR = os.path.join(BASE_DIR, "input", "config")
CODE_DIR = os.path.join(BASE_DIR, "code")
OUTPUT_DIR = os.path.join(BASE_DIR, "output")
logger = logging.getLogger("sagemaker-training-toolkit")


def read_json(name):
    with open(os.path.join(CONFIG_DIR, name)) as f:
        return json.load(f)


def count_devices(command, parse):
    try:
        return parse(subprocess.check_output(command, stderr=subprocess.DEVNULL).decode("utf-8", "replace"))
    except (OSError, subprocess.CalledProcessError):
        return 0


def environment():
    """What one environment.Environment() does on this path."""
    resource_config = read_json("resourceconfig.json")
    input_data_config = read_json("inputdataconfig.json")
    hyperparameters = read_json("hyperparameters.json")
    sagemaker_hps = {k: v for k, v in hyperparameters.items() if k.startswith("sagemaker_")}
    user_hps = {k: v for k, v in hyperparameters.items() if not k.startswith("sagemaker_")}
    num_cpus = multiprocessing.cpu_count()
    num_gpus = count_devices(["nvidia-smi", "--list-gpus"], lambda out: len(out.strip().splitlines()))
    num_neurons = count_devices(["neuron-ls", "-j"], lambda out: len(json.loads(out)))
    region = boto3.session.Session().region_name
    smddpmprun = subprocess.run(["which", "smddpmprun"], capture_output=True).returncode == 0
    hosts = resource_config.get("hosts", ["algo-1"])
    return {
        "additional_framework_parameters": {}, "channel_input_dirs": {
            c: os.path.join(BASE_DIR, "input", "data", c) for c in input_data_config},
        "current_host": resource_config.get("current_host", "algo-1"), "hosts": hosts,
        "hyperparameters": user_hps, "input_config_dir": CONFIG_DIR, "input_data_config": input_data_config,
        "input_dir": os.path.join(BASE_DIR, "input"), "job_name": os.environ.get("TRAINING_JOB_NAME"),
        "log_level": 20, "master_hostname": sorted(hosts)[0], "model_dir": os.path.join(BASE_DIR, "model"),
        "module_dir": sagemaker_hps.get("sagemaker_submit_directory", CODE_DIR),
        "module_name": os.path.splitext(sagemaker_hps.get("sagemaker_program") or
                                        os.environ.get("SAGEMAKER_PROGRAM", ""))[0],
        "network_interface_name": "eth0", "num_cpus": num_cpus, "num_gpus": num_gpus,
        "num_neurons": num_neurons, "output_data_dir": os.path.join(OUTPUT_DIR, "data"),
        "output_dir": OUTPUT_DIR, "output_intermediate_dir": os.path.join(OUTPUT_DIR, "intermediate"),
        "region": region, "resource_config": resource_config, "smddpmprun_installed": smddpmprun,
        "user_entry_point": sagemaker_hps.get("sagemaker_program") or os.environ.get("SAGEMAKER_PROGRAM"),
    }


def download_and_extract(uri):
    """files.download_and_extract + files.s3_download for an s3:// URI and an empty code folder."""
    os.makedirs(CODE_DIR, exist_ok=True)
    if os.listdir(CODE_DIR):
        return
    tmp = tempfile.mkdtemp(prefix="tmp")
    url = six.moves.urllib.parse.urlparse(uri)
    bucket, key = url.netloc, url.path.lstrip("/")
    start = time.perf_counter()
    s3 = boto3.resource("s3", region_name=os.environ.get("AWS_REGION"),
                        endpoint_url=os.environ.get("S3_ENDPOINT_URL"))
    print("MODEL client_ms=%.0f" % ((time.perf_counter() - start) * 1000), file=sys.stderr)
    dst = os.path.join(tmp, "tar_file")
    s3.Bucket(bucket).download_file(key, dst)
    print("MODEL download_ms=%.0f" % ((time.perf_counter() - start) * 1000), file=sys.stderr)
    start = time.perf_counter()
    with tarfile.open(name=dst, mode="r:gz") as t:
        root = os.path.abspath(CODE_DIR)
        for member in t.getmembers():  # the toolkit's path traversal check, member by member
            target = os.path.abspath(os.path.join(CODE_DIR, member.name))
            if os.path.commonprefix([root, target]) != root:
                raise Exception("Attempted Path Traversal in Tar File")
        # Python 3.12+ would warn without a filter; the toolkit passes none (the old behaviour).
        t.extractall(CODE_DIR, **({"filter": "fully_trusted"} if hasattr(tarfile, "data_filter") else {}))
    print("MODEL extract_ms=%.0f" % ((time.perf_counter() - start) * 1000), file=sys.stderr)
    shutil.rmtree(tmp)


def main():
    exit_code = 0
    try:
        env = environment()  # sagemaker_training.training_env()
        logging.basicConfig(format="%(asctime)s %(name)-12s %(levelname)-8s %(message)s", level=logging.INFO)
        module_dir = env["module_dir"]
        if module_dir.startswith("s3://"):
            download_and_extract(module_dir)
        env_vars = {"SM_" + k.upper(): v if isinstance(v, str) else json.dumps(v) for k, v in env.items()}
        env_vars["SM_TRAINING_ENV"] = json.dumps(env)
        env_vars["SM_USER_ARGS"] = json.dumps(["--%s" % k for k in env["hyperparameters"]])
        os.environ.update(env_vars)  # environment.write_env_vars
        os.environ["PYTHONPATH"] = CODE_DIR
        environment()  # _wait_hostname_resolution (its DNS look-ups are left out)
        cmd = [sys.executable, env["user_entry_point"]] + list(itertools.chain.from_iterable(
            ("--" + k, str(v)) for k, v in env["hyperparameters"].items()))
        log_env = environment()  # log_script_invocation
        logger.info("Invoking user script\n")
        logger.info("Training Env:\n\n%s\n", json.dumps(log_env, indent=4, sort_keys=True))
        logger.info("Invoking script with the following command:\n\n%s\n", " ".join(shlex.quote(c) for c in cmd))
        environment()  # the process runner's
        status = subprocess.Popen(cmd, cwd=CODE_DIR, env=dict(os.environ)).wait()
        if status != 0:
            exit_code = status if status > 0 else 1
            raise RuntimeError("ExecuteUserScriptError: exit status %d" % status)
        logger.info("Reporting training SUCCESS")
        with open(os.path.join(OUTPUT_DIR, "success"), "w") as f:
            f.write("")
    except Exception as e:  # noqa: BLE001 (as trainer.train)
        logger.error("Reporting training FAILURE\n%s\n%s", traceback.format_exc(), e)
        exit_code = exit_code or 1
    finally:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exit_code)  # as trainer._exit_processes


if __name__ == "__main__":
    main()
