package io.smtk.framework;

/**
 * The job settings a framework entry may branch on, each turned on by one of SageMaker's {@code
 * sagemaker_*} hyperparameters (the toolkit maps them; a framework never spells a hyperparameter).
 */
public enum Feature {
  /** MPI ({@code sagemaker_mpi_enabled}). */
  MPI,
  /** Parameter servers ({@code sagemaker_parameter_server_enabled}). */
  PARAMETER_SERVER,
  /** SageMaker distributed data parallel ({@code sagemaker_distributed_dataparallel_enabled}). */
  SMDDP,
  /** PyTorch DDP ({@code sagemaker_pytorch_ddp_enabled}). */
  PYTORCH_DDP,
  /** torchrun ({@code sagemaker_torch_distributed_enabled}). */
  TORCH_DISTRIBUTED,
  /** PyTorch XLA ({@code sagemaker_pytorch_xla_multi_worker_enabled}). */
  PYTORCH_XLA,
  /**
   * TensorFlow MultiWorkerMirroredStrategy ({@code
   * sagemaker_multi_worker_mirrored_strategy_enabled}).
   */
  MULTI_WORKER_MIRRORED,
  /** A hyperparameter tuning job ({@code _tuning_objective_metric} is set). */
  HYPERPARAMETER_TUNING
}
