"""The legacy package name of the toolkit (`sagemaker_containers.training_env()`), served by smtk."""
from sagemaker_training import __version__, training_env  # noqa: F401
from sagemaker_training import entry_point, environment, errors, mapping, runner  # noqa: F401
