package io.smtk.distributed.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Tests for {@link HostNames}. */
class HostNamesTest {

  @Test
  void resolves_localhostAndReservedInvalidName_trueAndFalse() {
    assertThat(HostNames.resolves("localhost")).isTrue();
    // RFC 6761: names under .invalid never resolve.
    assertThat(HostNames.resolves("algo-1.smtk.invalid")).isFalse();
  }
}
