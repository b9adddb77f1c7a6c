package io.smtk.local;

import java.nio.charset.StandardCharsets;

/** Puts the host's name in front of every line it prints: {@code algo-1 | ...}. */
final class HostPrefix implements io.smtk.process.LineTransformer {

  private final byte[] prefix;

  HostPrefix(String host) {
    this.prefix = String.format("%-6s | ", host).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] transform(byte[] buffer, int offset, int length) {
    byte[] line = new byte[prefix.length + length];
    System.arraycopy(prefix, 0, line, 0, prefix.length);
    System.arraycopy(buffer, offset, line, prefix.length, length);
    return line;
  }
}
