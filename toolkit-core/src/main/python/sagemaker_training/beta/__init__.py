"""The toolkit guide's older `sagemaker_training.beta` namespace."""
