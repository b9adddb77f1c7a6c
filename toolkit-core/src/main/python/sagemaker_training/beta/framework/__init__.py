"""The toolkit guide's older spelling: `from sagemaker_training.beta.framework import training_env, entry_point`."""
from sagemaker_training import entry_point, environment, errors, mapping, runner, training_env  # noqa: F401
from sagemaker_training import environment as env  # noqa: F401
