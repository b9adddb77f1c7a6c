"""`from sagemaker_containers.beta.framework import training_env, entry_point`, served by smtk."""
from sagemaker_training import entry_point, environment, errors, mapping, runner, training_env  # noqa: F401
from sagemaker_training import environment as env  # noqa: F401
