"""SAGEMAKER_TRAINING_MODULE=my_framework.training:main: reads the job through smtk's Python API, records what it
saw in the model folder, and runs the user's entry point with entry_point.run. MY_FRAMEWORK_REFUSE=<text> makes
it raise a ClientError with that text instead (the failure test)."""
import json
import os

from sagemaker_training import entry_point, environment, errors, runner


def main():
    env = environment.Environment()
    with open(os.path.join(env.model_dir, "framework.json"), "w") as f:
        json.dump({"framework_module": env.framework_module, "user_entry_point": env.user_entry_point,
                   "module_dir": env.module_dir, "hyperparameters": env.hyperparameters, "hosts": env.hosts},
                  f, sort_keys=True)
    refusal = os.environ.get("MY_FRAMEWORK_REFUSE")
    if refusal:
        raise errors.ClientError("my_framework refuses to train: %s" % refusal)
    env_vars = env.to_env_vars()
    env_vars["MY_FRAMEWORK"] = "1"
    entry_point.run(uri=env.module_dir, user_entry_point=env.user_entry_point, args=env.to_cmd_args(),
                    env_vars=env_vars, capture_error=True, runner_type=runner.ProcessRunnerType)
