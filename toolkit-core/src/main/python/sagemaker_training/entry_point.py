"""entry_point.run and entry_point.install, carried out by smtk's Java core.

The request goes to the toolkit that runs the job (or to a new `smtk api` process outside a job): it
fetches and installs the code and runs the entry point with the runner asked for, without a shell,
whole lines, the error captured for the failure file and SIGTERM forwarded to the user's processes.
"""
import os

from sagemaker_training import _bridge, errors, runner as _runner

_ERROR_CLASSES = {
    "ExecuteUserScriptError": errors.ExecuteUserScriptError,
    "InstallModuleError": errors.InstallModuleError,
    "InstallRequirementsError": errors.InstallRequirementsError,
}


class CompletedEntryPoint(object):
    """What run() returns: the entry point's command and exit status (it has ended)."""

    def __init__(self, args, returncode):
        self.args = args
        self.returncode = returncode

    def poll(self):
        return self.returncode

    def wait(self, timeout=None):  # pylint: disable=unused-argument
        return self.returncode

    def __repr__(self):
        return "CompletedEntryPoint(args=%r, returncode=%r)" % (self.args, self.returncode)


def run(uri, user_entry_point, args, env_vars=None, wait=True, capture_error=False,
        runner_type=_runner.ProcessRunnerType, extra_opts=None):
    """Downloads and installs the code at uri and runs user_entry_point with args.

    Args:
        uri (str): the code: an s3:// URI, a local folder or a .tar.gz.
        user_entry_point (str): the script, command or package module to run.
        args (list): its arguments (an empty list means the job's hyperparameters).
        env_vars (dict): variables exported for it (empty means the job's SM_* variables).
        wait (bool): with False a failing entry point does not raise (it still runs to its end).
        capture_error (bool): kept for compatibility; smtk always captures the error text.
        runner_type (runner.RunnerType): Process, MPI, SMDataParallel, TorchDistributed or PyTorchXLA.
        extra_opts (dict): sagemaker_mpi_* options that win over the hyperparameters.

    Returns:
        CompletedEntryPoint: the command and its exit status.

    Raises:
        errors.ExecuteUserScriptError: the entry point failed (with its error text).
        errors.InstallModuleError, errors.InstallRequirementsError: pip failed.
        errors.ClientError: the request was invalid (e.g. an unknown runner type).
    """
    env_vars = dict(env_vars or {})
    write_env = {str(k): str(v) for k, v in env_vars.items()}
    request = {
        "op": "run",
        "uri": None if uri is None else str(uri),
        "user_entry_point": None if user_entry_point is None else str(user_entry_point),
        "args": [str(a) for a in (args or [])],
        "env_vars": write_env,
        "environ": dict(os.environ),
        "wait": bool(wait),
        "capture_error": bool(capture_error),
        "runner_type": _runner_name(runner_type),
        "extra_opts": dict(extra_opts or {}),
    }
    # The reference exports env_vars into this process too (environment.write_env_vars).
    for key, value in write_env.items():
        os.environ[key] = value
    return _outcome(_bridge.call(request), wait)


def install(name, path=None, capture_error=False):
    """Installs the code in path (default: the code directory) for entry point name, as run() does."""
    request = {"op": "install", "user_entry_point": str(name), "path": None if path is None else str(path),
               "capture_error": bool(capture_error), "environ": dict(os.environ)}
    _outcome(_bridge.call(request), True)


def _runner_name(runner_type):
    if isinstance(runner_type, _runner.RunnerType):
        return runner_type.value
    if isinstance(runner_type, str):
        return runner_type
    raise errors.ClientError("Invalid runner_type %r: use one of sagemaker_training.runner's RunnerType values"
                             % (runner_type,))


def _outcome(reply, wait):
    status = reply.get("status")
    if status == "ok":
        return CompletedEntryPoint(reply.get("cmd"), reply.get("exit_code", 0))
    if status == "failed":
        if not wait and reply.get("error_class") == "ExecuteUserScriptError":
            return CompletedEntryPoint(reply.get("cmd"), reply.get("exit_code"))
        error_class = _ERROR_CLASSES.get(reply.get("error_class"), errors.ExecuteUserScriptError)
        error = error_class(cmd=reply.get("cmd"), return_code=reply.get("exit_code"),
                            output=reply.get("output"), info=reply.get("info"))
        error.smtk_failure_id = reply.get("failure_id")
        raise error
    if status == "stopped":
        error = errors.TrainingStoppedError(reply.get("message") or "The job was stopped")
        error.smtk_failure_id = reply.get("failure_id")
        raise error
    error = errors.ClientError(reply.get("message") or "smtk could not run the entry point: %r" % (reply,))
    error.smtk_failure_id = reply.get("failure_id")
    raise error
