package io.smtk.distributed.cluster;

import java.util.Set;

/**
 * The SageMaker instance types whose EFA network adapters change launcher flags (spec section 16).
 */
public final class EfaInstanceTypes {

  /** Instance types where NCCL runs over EFA ({@code SM_EFA_NCCL_INSTANCES}). */
  public static final Set<String> NCCL =
      Set.of(
          "ml.g4dn.8xlarge",
          "ml.g4dn.12xlarge",
          "ml.g5.48xlarge",
          "ml.p3dn.24xlarge",
          "ml.p4d.24xlarge",
          "ml.p4de.24xlarge",
          "ml.p5.48xlarge",
          "ml.trn1.32xlarge",
          "ml.p6e-gb200.36xlarge");

  /** Instance types whose EFA supports device RDMA ({@code SM_EFA_RDMA_INSTANCES}). */
  public static final Set<String> RDMA =
      Set.of("ml.p4d.24xlarge", "ml.p4de.24xlarge", "ml.trn1.32xlarge", "ml.p6e-gb200.36xlarge");

  private EfaInstanceTypes() {}

  /**
   * Tells whether NCCL uses EFA on an instance type; the match is exact, as in the Python toolkit.
   *
   * @param instanceType for example {@code ml.p4d.24xlarge}
   * @return true for the types in {@link #NCCL}
   */
  public static boolean isNccl(String instanceType) {
    return NCCL.contains(instanceType);
  }

  /**
   * Tells whether EFA device RDMA is available on an instance type; the match is exact.
   *
   * @param instanceType for example {@code ml.p4d.24xlarge}
   * @return true for the types in {@link #RDMA}
   */
  public static boolean isRdma(String instanceType) {
    return RDMA.contains(instanceType);
  }
}
