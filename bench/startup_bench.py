#!/usr/bin/env python3
"""Benchmark (not a test): a job's fixed cost under `bin/smtk train`, side by side with the floor.

Run through bench/startup-bench.sh, which builds what it needs first. Every variant runs the same
no-op Python script, interleaved in a shuffled order round after round, so that a busy machine
slows all of them alike; figures are min/median/max over the rounds. Asserts nothing.

  no-op job   `bin/smtk train` with SAGEMAKER_PROGRAM=noop.py, against `python3 noop.py` run
              directly (the floor: what any toolkit must pay at least).
  S3 job      the same, with the code from s3://bucket/code/sourcedir.tar.gz on a standalone S3
              server (S3Mock on 127.0.0.1): 10,000 small files and two large ones, ~95 MB.

For each variant: the wall time of the whole job, the time to the script's first line and after its
last line (the script stamps both), CPU time (user + system, the whole process tree), peak RSS.
Overhead is a variant's median minus the floor's median. The Python toolkit cannot be installed
here; its figures are the ones recorded in issue 16 on another, slower machine, labelled so, and
python_toolkit_model.py (a model of its fixed work with its own third-party libraries: a LOWER
BOUND of the real toolkit's) runs in the same rounds, so that ratios are also against something
measured on this machine. The model's row is left out when its libraries are not installed.
"""
import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

# Issue 16, measured side by side on the 2-core development machine (not measurable here: the
# Python toolkit is not installed): the no-op job's overhead over `python3 noop.py`, and the S3
# job's time less the same toolkit's no-op job.
RECORDED_PYTHON_TOOLKIT_OVERHEAD_MS = 506
RECORDED_PYTHON_TOOLKIT_S3_MS = 3380

# python_toolkit_model.py: the Python toolkit's fixed work with its own third-party libraries (Debian's
# python3-* packages here), measured in the same rounds; a lower bound of the real toolkit's.
MODEL_NAME = "Python toolkit model (measured here)"
MODEL_LIBRARIES = ("boto3", "paramiko", "psutil", "retrying", "six")

NOOP = """import os, time
stamp = os.environ.get("BENCH_STAMP")
if stamp:
    with open(stamp, "w") as f:
        f.write("%d\\n" % time.time_ns())
# a training script's work would be here
if stamp:
    with open(stamp, "a") as f:
        f.write("%d\\n" % time.time_ns())
"""

LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) sagemaker-training-toolkit")


def job_tree(root, hyperparameters):
    for sub in ("input/config", "input/data/train", "code", "model", "output"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    with open(os.path.join(root, "input/config/hyperparameters.json"), "w") as f:
        json.dump(hyperparameters, f)
    with open(os.path.join(root, "input/config/inputdataconfig.json"), "w") as f:
        f.write('{"train": {}}')
    with open(os.path.join(root, "input/config/resourceconfig.json"), "w") as f:
        f.write('{"current_host": "algo-1", "hosts": ["algo-1"]}')


def run_once(command, env, cwd, stamp, log_file=None):
    """Runs one job; returns wall, first-line and after-last-line times (ms), CPU (ms), max RSS (KB)."""
    if os.path.exists(stamp):
        os.remove(stamp)
    out = open(log_file, "wb") if log_file else subprocess.DEVNULL
    start_ns = time.time_ns()
    t0 = time.perf_counter_ns()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(process.pid, 0)
    wall = (time.perf_counter_ns() - t0) / 1e6
    end_ns = start_ns + (time.perf_counter_ns() - t0)
    if log_file:
        out.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError("%s exited with %d (log: %s)" % (command, process.returncode, log_file))
    with open(stamp) as f:
        first, last = (int(line) for line in f.read().split())
    return {
        "wall": wall,
        "first": (first - start_ns) / 1e6,
        "after": (end_ns - last) / 1e6,
        "cpu": (usage.ru_utime + usage.ru_stime) * 1000,
        "rss": usage.ru_maxrss,
        "end_ns": end_ns,
    }


def toolkit_log_phases(log_file, end_ns):
    """Client creation and exit from the toolkit's own log lines (ms stamps, local time)."""
    phases = {}
    success = None
    with open(log_file, errors="replace") as f:
        for line in f:
            match = re.search(r"S3 client ready in (\d+) ms", line)
            if match:
                phases["client"] = float(match.group(1))
            match = re.search(r"Downloaded \S+ \([^)]*\) in (\d+) ms", line)
            if match:
                phases["download"] = float(match.group(1))
            match = re.search(r"Extracted .* in (\d+) ms", line)
            if match:
                phases["extract"] = float(match.group(1))
            match = re.match(r"MODEL (\w+)_ms=(\d+)$", line.strip())  # python_toolkit_model.py's lines
            if match:
                phases[match.group(1)] = float(match.group(2))
            if "Reporting training SUCCESS" in line:
                stamp = LOG_TIME.match(line)
                if stamp:
                    success = time.mktime(time.strptime(stamp.group(1)[:19], "%Y-%m-%d %H:%M:%S"))
                    success += int(stamp.group(1)[20:]) / 1000
    if success is not None:
        phases["exit"] = end_ns / 1e6 - success * 1000
    return phases


def ratio(value, reference):
    return "%.2fx" % (value / reference) if reference > 0 else "(no ratio: %.0f ms against %.0f)" % (
        value, reference)


def summary(values):
    ordered = sorted(values)
    return ordered[0], statistics.median(ordered), ordered[-1]


def fmt_row(name, samples, floor):
    walls = [s["wall"] for s in samples]
    lo, med, hi = summary(walls)
    first = statistics.median(s["first"] for s in samples)
    after = statistics.median(s["after"] for s in samples)
    cpu = statistics.median(s["cpu"] for s in samples)
    rss = max(s["rss"] for s in samples) / 1024
    row = "%-36s %6.0f %6.0f %6.0f | %7.0f %7.0f | %6.0f %6.1f" % (
        name, lo, med, hi, first, after, cpu, rss)
    if floor is not None:
        row += " | %+6.0f" % (med - floor)
    return row


def variants_for(checkouts, javas, commands):
    """(name, command, JAVA_HOME or None) per toolkit variant."""
    variants = []
    for label, root in checkouts:
        for java in javas:
            name = "smtk train (%s%s)" % (label, "" if java is None else ", " + java_label(java))
            variants.append((name, [os.path.join(root, "bin/smtk"), "train"], java))
    for label, command in commands:
        variants.append((label, command.split(), None))
    return variants


def java_label(home):
    try:
        with open(os.path.join(home, "release")) as f:
            for line in f:
                if line.startswith("JAVA_VERSION="):
                    return "JDK " + line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return home


def model_variant(python, here):
    """The Python toolkit model's (name, command, None), or None (with a line saying why) where the
    toolkit's third-party libraries are missing under this interpreter."""
    check = subprocess.run([python, "-c", "import " + ", ".join(MODEL_LIBRARIES)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if check.returncode != 0:
        print("%s skipped: %s cannot import %s (on Debian: apt-get install %s)" % (
            MODEL_NAME, python, ", ".join(MODEL_LIBRARIES), " ".join("python3-" + m for m in MODEL_LIBRARIES)))
        return None
    return MODEL_NAME, [python, os.path.join(here, "python_toolkit_model.py")], None


def toolkit_env(python, java, base_dir, stamp, extra):
    env = {
        "PATH": os.environ.get("BENCH_PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "SAGEMAKER_BASE_DIR": base_dir,
        "SM_STUDIO_LOCAL_MODE": "true",
        "SMTK_PYTHON": python,
        "BENCH_STAMP": stamp,
    }
    if java is not None:
        env["JAVA_HOME"] = java
    env.update(extra)
    return env


def s3_fixture(work):
    """sourcedir.tar.gz: noop.py, 10,000 small files and two large incompressible ones (~95 MB)."""
    archive = os.path.join(work, "sourcedir.tar.gz")
    if os.path.exists(archive):
        return archive
    staging = os.path.join(work, "sourcedir")
    os.makedirs(staging, exist_ok=True)
    with open(os.path.join(staging, "noop.py"), "w") as f:
        f.write(NOOP)
    rng = random.Random(16)
    for i in range(10_000):
        sub = os.path.join(staging, "pkg%02d" % (i % 50))
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, "module%05d.py" % i), "w") as f:
            f.write("# generated\nVALUE_%d = %r\n" % (i, [rng.random() for _ in range(20)]))
    for name in ("weights-a.bin", "weights-b.bin"):
        with open(os.path.join(staging, name), "wb") as f:
            f.write(os.urandom(45 * 1024 * 1024))
    with tarfile.open(archive + ".part", "w:gz", compresslevel=1) as tar:
        for entry in sorted(os.listdir(staging)):
            tar.add(os.path.join(staging, entry), arcname=entry)
    os.replace(archive + ".part", archive)
    shutil.rmtree(staging)
    return archive


def start_s3(bench_classpath, work, archive):
    port_file = os.path.join(work, "s3.port")
    if os.path.exists(port_file):
        os.remove(port_file)
    server = subprocess.Popen(
        ["java", "-cp", bench_classpath, "io.smtk.bench.S3MockServer", port_file,
         "code/sourcedir.tar.gz=" + archive],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "s3.log"), "wb"))
    deadline = time.time() + 300
    while not os.path.exists(port_file):
        if server.poll() is not None or time.time() > deadline:
            raise RuntimeError("the S3 server did not start (see %s/s3.log)" % work)
        time.sleep(0.2)
    with open(port_file) as f:
        return server, int(f.read())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="rounds of the no-op job (default 20)")
    parser.add_argument("--s3-runs", type=int, default=8, help="rounds of the S3 job (default 8; 0: none)")
    parser.add_argument("--compare", action="append", default=[], metavar="DIR",
                        help="another built checkout whose bin/smtk runs side by side (repeatable)")
    parser.add_argument("--java", action="append", default=[], metavar="JAVA_HOME",
                        help="also run each checkout with this JDK (repeatable)")
    parser.add_argument("--command", action="append", default=[], metavar="LABEL=COMMAND",
                        help="also run this toolkit command (e.g. an image's train launcher, inside the"
                             " container) with the job's environment (repeatable)")
    parser.add_argument("--no-checkout", action="store_true", help="leave this checkout's bin/smtk out")
    parser.add_argument("--python", default="/usr/bin/python3", help="the interpreter (default /usr/bin/python3)")
    parser.add_argument("--s3-endpoint", help="an S3 server already holding s3://bucket/code/sourcedir.tar.gz"
                                              " (default: start one with --bench-classpath)")
    parser.add_argument("--bench-classpath", help="class path of the bench module (the S3 server)")
    parser.add_argument("--work", help="work folder (default: a new temporary one)")
    args = parser.parse_args()

    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    checkouts = ([] if args.no_checkout else [("this checkout", root)]) + [
        ("compare %d: %s" % (i + 1, os.path.abspath(d)), os.path.abspath(d)) for i, d in enumerate(args.compare)]
    javas = [None] + [os.path.abspath(j) for j in args.java]
    commands = [tuple(c.split("=", 1)) for c in args.command]
    work = args.work or tempfile.mkdtemp(prefix="smtk-startup-bench-")
    os.makedirs(work, exist_ok=True)
    python = args.python
    stamp = os.path.join(work, "stamp")
    rng = random.Random(16)

    print("machine: %d CPUs, load average %s; %s" % (
        os.cpu_count(), " ".join("%.1f" % x for x in os.getloadavg()), time.strftime("%Y-%m-%d %H:%M")))
    model = model_variant(python, here)
    variants = variants_for(checkouts, javas, commands) + ([model] if model else [])
    # Builds on first use, makes the class archives, and warms the page cache.
    for _, command, java in variants:
        env = toolkit_env(python, java, os.path.join(work, "warm"), stamp, {"SAGEMAKER_PROGRAM": "noop.py"})
        job_tree(os.path.join(work, "warm"), {})
        with open(os.path.join(work, "warm/code/noop.py"), "w") as f:
            f.write(NOOP)
        for _ in range(2):
            run_once(command, env, work, stamp, os.path.join(work, "warm.log"))

    # The no-op job.
    noop_dir = os.path.join(work, "noop")
    job_tree(noop_dir, {})
    with open(os.path.join(noop_dir, "code/noop.py"), "w") as f:
        f.write(NOOP)
    floor_name = "python3 noop.py (the floor)"
    rows = [(floor_name, None, None)] + variants
    samples = {name: [] for name, _, _ in rows}
    for _ in range(args.runs):
        order = rows[:]
        rng.shuffle(order)
        for name, command, java in order:
            if command is None:
                env = {"PATH": os.environ.get("BENCH_PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "BENCH_STAMP": stamp}
                samples[name].append(run_once([python, "noop.py"], env, os.path.join(noop_dir, "code"), stamp))
            else:
                for leftover in ("success", "failure"):
                    path = os.path.join(noop_dir, "output", leftover)
                    if os.path.exists(path):
                        os.remove(path)
                env = toolkit_env(python, java, noop_dir, stamp, {"SAGEMAKER_PROGRAM": "noop.py"})
                samples[name].append(run_once(command, env, work, stamp))

    floor = statistics.median(s["wall"] for s in samples[floor_name])
    header = "%-36s %6s %6s %6s | %7s %7s | %6s %6s | %6s" % (
        "no-op job, %d rounds (ms)" % args.runs, "min", "median", "max", "1st line", "after", "CPU", "RSS MB",
        "overhead")
    print()
    print(header)
    print("-" * len(header))
    for name, _, _ in rows:
        print(fmt_row(name, samples[name], None if name == floor_name else floor))
    floor_first = statistics.median(s["first"] for s in samples[floor_name])
    floor_after = statistics.median(s["after"] for s in samples[floor_name])
    noop_medians = {name: statistics.median(s["wall"] for s in samples[name]) for name, _, _ in rows}
    model_overhead = noop_medians[MODEL_NAME] - floor if model else None
    print()
    for name, _, _ in rows[1:]:
        med = noop_medians[name]
        first = statistics.median(s["first"] for s in samples[name]) - floor_first
        after = statistics.median(s["after"] for s in samples[name]) - floor_after
        line = "%s: overhead %.0f ms (start %.0f, exit %.0f), %.2fx the Python toolkit's recorded %d ms" % (
            name, med - floor, first, after, (med - floor) / RECORDED_PYTHON_TOOLKIT_OVERHEAD_MS,
            RECORDED_PYTHON_TOOLKIT_OVERHEAD_MS)
        if model and name != MODEL_NAME:
            line += "; %s the measured Python toolkit model's %.0f ms (a lower bound of the real toolkit's)" % (
                ratio(med - floor, model_overhead), model_overhead)
        print(line)

    if args.s3_runs <= 0:
        return
    server = None
    if args.s3_endpoint:
        endpoint = args.s3_endpoint
    elif args.bench_classpath:
        server, port = start_s3(args.bench_classpath, work, s3_fixture(work))
        endpoint = "http://127.0.0.1:%d" % port
    else:
        print("\nS3 job skipped: no --bench-classpath or --s3-endpoint (bench/startup-bench.sh gives them)")
        return
    try:
        s3_dir = os.path.join(work, "s3")
        job_tree(s3_dir, {"sagemaker_submit_directory": "s3://bucket/code/sourcedir.tar.gz",
                          "sagemaker_program": "noop.py"})
        s3_env = {"S3_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1",
                  "AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret"}
        s3_rows = variants  # the model's code folder is removed before each round like the others'
        s3_samples = {name: [] for name, _, _ in s3_rows}
        s3_phases = {name: [] for name, _, _ in s3_rows}
        for _ in range(args.s3_runs):
            order = s3_rows[:]
            rng.shuffle(order)
            for name, command, java in order:
                shutil.rmtree(os.path.join(s3_dir, "code"), ignore_errors=True)
                for leftover in ("success", "failure"):
                    path = os.path.join(s3_dir, "output", leftover)
                    if os.path.exists(path):
                        os.remove(path)
                env = toolkit_env(python, java, s3_dir, stamp, s3_env)
                log = os.path.join(work, "s3-job.log")
                sample = run_once(command, env, work, stamp, log)
                s3_samples[name].append(sample)
                s3_phases[name].append(toolkit_log_phases(log, sample["end_ns"]))
    finally:
        if server is not None:
            server.stdin.close()
            server.wait(timeout=60)

    print()
    header = "%-36s %6s %6s %6s | %7s %7s | %6s %6s | %6s" % (
        "S3 job, %d rounds (ms)" % args.s3_runs, "min", "median", "max", "1st line", "after", "CPU", "RSS MB",
        "-no-op")
    print(header)
    print("-" * len(header))
    for name, _, _ in s3_rows:
        print(fmt_row(name, s3_samples[name], noop_medians[name]))
    print()
    s3_wholes = {name: statistics.median(s["wall"] for s in s3_samples[name]) for name, _, _ in s3_rows}
    if model:
        model_whole = s3_wholes[MODEL_NAME]
        model_s3_part = model_whole - noop_medians[MODEL_NAME]
    python_whole = RECORDED_PYTHON_TOOLKIT_S3_MS + RECORDED_PYTHON_TOOLKIT_OVERHEAD_MS + noop_medians[floor_name]
    for name, _, _ in s3_rows:
        def med(key):
            values = [p[key] for p in s3_phases[name] if key in p]
            return "%.0f" % statistics.median(values) if values else "?"
        whole = s3_wholes[name]
        s3_part = whole - noop_medians[name]
        line = ("%s: S3 client %s ms, download %s ms (client included), extraction %s ms, exit after the"
                " success line %s ms; S3 part (job less its no-op job) %.0f ms = " % (
                    name, med("client"), med("download"), med("extract"), med("exit"), s3_part))
        if model and name != MODEL_NAME:
            line += "%s the measured Python toolkit model's %.0f ms, " % (ratio(s3_part, model_s3_part), model_s3_part)
        line += "%.2fx the Python toolkit's recorded %d ms; whole job %.0f ms = " % (
            s3_part / RECORDED_PYTHON_TOOLKIT_S3_MS, RECORDED_PYTHON_TOOLKIT_S3_MS, whole)
        if model and name != MODEL_NAME:
            line += "%s the measured model's %.0f ms (a lower bound of the real toolkit's), " % (
                ratio(whole, model_whole), model_whole)
        line += "1/%.1f of the Python toolkit's (recorded, ~%.0f ms)" % (python_whole / whole, python_whole)
        print(line)


if __name__ == "__main__":
    sys.exit(main())
