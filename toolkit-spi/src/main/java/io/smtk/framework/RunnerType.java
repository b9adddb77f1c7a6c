package io.smtk.framework;

/**
 * The launchers a training job can be run with, as chosen from its distribution hyperparameters.
 */
public enum RunnerType {
  /** One user process per host, no launcher. */
  PROCESS,
  /** OpenMPI: the master runs mpirun, the other hosts serve SSH. */
  MPI,
  /** SageMaker distributed data parallel: mpirun with smddprun on the master. */
  SMDDP,
  /** torchrun on every host. */
  TORCH_DISTRIBUTED,
  /** PyTorch XLA's xla_spawn on every host. */
  PYTORCH_XLA
}
