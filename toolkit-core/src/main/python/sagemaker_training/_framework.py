"""Runs a Python framework module for smtk: SAGEMAKER_TRAINING_MODULE=<module>:<function>.

smtk's Java core starts this with the job's Python and the SM_* variables; it imports the module,
calls the function with no arguments (as the Python toolkit's trainer does) and reports how it ended
over SMTK_API_SOCKET, so that the toolkit writes the failure file and chooses the exit status.
"""
import importlib
import sys
import traceback

from sagemaker_training import _bridge, errors

# What an import or a bad value exits with when the report cannot reach the toolkit (2: configuration).
CONFIGURATION_EXIT = 2


def _report(kind, text, failure_id=None, exit_code=1):
    try:
        _bridge.call({"op": "framework_failed", "kind": kind, "text": text, "failure_id": failure_id,
                      "exit_code": exit_code})
    except Exception as e:  # pylint: disable=broad-except
        sys.stderr.write("smtk: could not report the failure to the toolkit: %s\n" % e)
        sys.stderr.write(text + "\n")


def _load(value):
    if value.count(":") != 1:
        return None, "SAGEMAKER_TRAINING_MODULE=%r must be <module>:<function>" % value
    module_name, function_name = value.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        missing = getattr(e, "name", None)
        if missing and (module_name == missing or module_name.startswith(missing + ".")):
            return None, ("Cannot import the training module %r (SAGEMAKER_TRAINING_MODULE=%s): %s; "
                          "the Python path searched was %s" % (module_name, value, e, sys.path))
        raise
    function = getattr(module, function_name, None)
    if not callable(function):
        return None, ("The training module %r (%s) has no function %r (SAGEMAKER_TRAINING_MODULE=%s)"
                      % (module_name, getattr(module, "__file__", "?"), function_name, value))
    return function, None


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    # `python -c` puts the working directory first on sys.path; the reference's trainer never has it.
    if sys.path and sys.path[0] in ("", "."):
        del sys.path[0]
    value = argv[0] if argv else ""
    # The reference calls the function inside its `train` process: the module sees no arguments.
    sys.argv = ["train"]
    try:
        function, problem = _load(value)
        if problem:
            _report("configuration", problem, exit_code=CONFIGURATION_EXIT)
            return CONFIGURATION_EXIT
        function()
    except errors.ClientError as e:
        if getattr(e, "smtk_failure_id", None) is None:
            traceback.print_exc()  # a failure of the toolkit's own was shown when it happened
        _report("client", str(e), getattr(e, "smtk_failure_id", None))
        return 1
    except SystemExit as e:
        code = e.code
        if code is None or code == 0:
            return 0
        if not isinstance(code, int):
            sys.stderr.write("%s\n" % code)
            code = 1
        _report("exit", "The training module %s exited with status %s" % (value, e.code), exit_code=code)
        return code
    except BaseException as e:  # pylint: disable=broad-except
        trace = traceback.format_exc()
        sys.stderr.write(trace)
        _report("framework", "Framework Error: \n%s\n%s" % (trace, e), getattr(e, "smtk_failure_id", None))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
