"""smtk's Python view of the SageMaker training toolkit: `from sagemaker_training import environment`.

The values come from smtk's Java core, which runs the job; see docs/PYTHON-API.md.
"""
__version__ = "5.1.0+smtk"


def training_env(resource_config=None, input_data_config=None, hyperparameters=None):
    """Returns the job's environment.Environment (the toolkit guide's older spelling)."""
    from sagemaker_training import environment

    return environment.Environment(resource_config=resource_config, input_data_config=input_data_config,
                                   hyperparameters=hyperparameters)
