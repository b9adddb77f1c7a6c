"""The job as the Python toolkit's `environment.Environment` shows it, read from smtk's Java core.

Inside a job the toolkit has already rendered everything: SM_TRAINING_ENV holds every Environment
property, SM_USER_ARGS the command-line arguments and the SM_* variables their values. Environment()
reads those, so it costs a JSON parse. Without them (a script started by hand in the container, or
explicit configuration passed in) it asks smtk's Java core once (`smtk api`). Nothing here reads the
configuration files or renders the contract a second time.
"""
import collections.abc
import json
import os

SAGEMAKER_BASE_PATH = os.path.join("/opt", "ml")
base_dir = os.environ.get("SAGEMAKER_BASE_DIR", SAGEMAKER_BASE_PATH)
code_dir = os.path.join(base_dir, "code")
model_dir = os.path.join(base_dir, "model")
input_dir = os.path.join(base_dir, "input")
input_config_dir = os.path.join(input_dir, "config")
input_data_dir = os.path.join(input_dir, "data")
output_dir = os.path.join(base_dir, "output")
output_data_dir = os.path.join(output_dir, "data")
output_intermediate_dir = os.path.join(output_dir, "intermediate")
hyperparameters_file_dir = os.path.join(input_config_dir, "hyperparameters.json")
input_data_config_file_dir = os.path.join(input_config_dir, "inputdataconfig.json")
resource_config_file_dir = os.path.join(input_config_dir, "resourceconfig.json")

# The SM_* names of Environment.to_env_vars() besides SM_CHANNEL_<name>, SM_HP_<key> and SM_TOPOLOGY,
# in the reference's order. smtk's Java core renders their values; the test
# PythonApiIntegrationTest checks them against the variables the Java core gives a script.
_CONTRACT_VARIABLES = (
    "SM_HOSTS", "SM_NETWORK_INTERFACE_NAME", "SM_HPS", "SM_USER_ENTRY_POINT", "SM_FRAMEWORK_PARAMS",
    "SM_RESOURCE_CONFIG", "SM_INPUT_DATA_CONFIG", "SM_OUTPUT_DATA_DIR", "SM_CHANNELS", "SM_CURRENT_HOST",
    "SM_CURRENT_INSTANCE_TYPE", "SM_CURRENT_INSTANCE_GROUP", "SM_CURRENT_INSTANCE_GROUP_HOSTS",
    "SM_INSTANCE_GROUPS", "SM_INSTANCE_GROUPS_DICT", "SM_DISTRIBUTION_INSTANCE_GROUPS", "SM_IS_HETERO",
    "SM_MODULE_NAME", "SM_LOG_LEVEL", "SM_FRAMEWORK_MODULE", "SM_INPUT_DIR", "SM_INPUT_CONFIG_DIR",
    "SM_OUTPUT_DIR", "SM_NUM_CPUS", "SM_NUM_GPUS", "SM_NUM_NEURONS", "SM_MODEL_DIR", "SM_MODULE_DIR",
    "SM_TRAINING_ENV", "SM_USER_ARGS", "SM_OUTPUT_INTERMEDIATE_DIR",
)
_UNSET = object()


def _environment_request(resource_config=None, input_data_config=None, hyperparameters=None):
    request = {"op": "environment"}
    if resource_config:
        request["resource_config"] = resource_config
    if input_data_config:
        request["input_data_config"] = input_data_config
    if hyperparameters:
        request["hyperparameters"] = hyperparameters
    from sagemaker_training import _bridge  # only outside a job: keeps Environment() import-light

    reply = _bridge.call(request)
    if reply.get("status") != "ok":
        from sagemaker_training import errors

        raise errors.ClientError(reply.get("message") or "smtk could not read the training environment")
    return reply


class Environment(collections.abc.Mapping):
    """The training job's environment: every property of the Python toolkit's Environment.

    Args:
        resource_config (dict): used instead of resourceconfig.json when given.
        input_data_config (dict): used instead of inputdataconfig.json when given.
        hyperparameters (dict): used instead of hyperparameters.json when given (decoded values).
    """

    def __init__(self, resource_config=None, input_data_config=None, hyperparameters=None):
        explicit = resource_config or input_data_config or hyperparameters
        rendered = None if explicit else os.environ.get("SM_TRAINING_ENV")
        if rendered:
            self._properties = json.loads(rendered)
            self._env_vars = None
            self._cmd_args = None
            self._s3_output = _UNSET
        else:
            reply = _environment_request(resource_config, input_data_config, hyperparameters)
            self._properties = reply["properties"]
            self._env_vars = reply["env_vars"]
            self._cmd_args = reply["cmd_args"]
            self._s3_output = reply.get("sagemaker_s3_output")

    # Mapping: the keys are the property names, as in the reference.
    def __getitem__(self, key):
        if key not in self._properties:
            raise KeyError("Trying to access non property %s" % key)
        return self._properties[key]

    def __iter__(self):
        return iter(sorted(self._properties))

    def __len__(self):
        return len(self._properties)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        properties = self.__dict__.get("_properties", {})
        if name in properties:
            return properties[name]
        raise AttributeError("'Environment' object has no attribute '%s'" % name)

    def __dir__(self):
        return sorted(set(super(Environment, self).__dir__()) | set(self._properties))

    def properties(self):
        """Returns the names of the Environment's properties."""
        return sorted(self._properties)

    def sagemaker_s3_output(self):
        """Returns the S3 URI the intermediate output is synced to (a method, as in the reference)."""
        if self._s3_output is _UNSET:
            self._s3_output = _environment_request().get("sagemaker_s3_output")
        return self._s3_output

    def get_current_instance_group(self):
        """Returns resourceconfig.json's current_instance_group (KeyError when absent, as the reference)."""
        return self._properties["resource_config"]["current_instance_group"]

    def to_cmd_args(self):
        """Returns the user's hyperparameters as command-line arguments, as the toolkit passes them."""
        if self._cmd_args is None:
            rendered = os.environ.get("SM_USER_ARGS")
            self._cmd_args = json.loads(rendered) if rendered is not None else self._from_java("cmd_args")
        return list(self._cmd_args)

    def to_env_vars(self):
        """Returns the SM_* variables of the job, as the toolkit gives them to the user's process."""
        if self._env_vars is None:
            names = list(_CONTRACT_VARIABLES)
            if self._properties.get("topology"):
                names.append("SM_TOPOLOGY")
            names.extend("SM_CHANNEL_%s" % str(c).upper() for c in self._properties.get("channel_input_dirs", {}))
            names.extend("SM_HP_%s" % str(k).upper() for k in self._properties.get("hyperparameters", {}))
            if all(name in os.environ for name in names):
                self._env_vars = {name: os.environ[name] for name in names}
            else:
                self._env_vars = self._from_java("env_vars")
        return dict(self._env_vars)

    def _from_java(self, key):
        return _environment_request()[key]


def write_env_vars(env_vars=None):
    """Exports the variables into this process's environment (os.environ), as the reference does."""
    for key, value in (env_vars or {}).items():
        os.environ[key] = value
