"""The legacy `sagemaker_containers.beta` namespace."""
