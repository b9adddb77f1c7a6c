package io.smtk.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for the {@code libsmtkhostname.so} LD_PRELOAD shim built from {@code gethostname.c}. */
class HostnameShimTest {

  private static final String PYTHON = "/usr/bin/python3";
  private static final String PYTHON_PROBE = "import socket; print(socket.gethostname())";
  private static final int ENAMETOOLONG = 36;
  private static final Pattern PROBE_OUTPUT =
      Pattern.compile("rc=(-?\\d+) errno=(\\d+) bytes=([0-9a-f]*)");

  // Calls gethostname(buf, len) on a buffer with 16 guard bytes (0xaa) past len and prints all of
  // it.
  private static final String C_PROBE =
      String.join(
          "\n",
          "#include <errno.h>",
          "#include <stdio.h>",
          "#include <stdlib.h>",
          "#include <string.h>",
          "#include <unistd.h>",
          "int main(int argc, char **argv) {",
          "  size_t len = argc > 1 ? strtoul(argv[1], NULL, 10) : 256;",
          "  unsigned char *buf = malloc(len + 16);",
          "  memset(buf, 0xaa, len + 16);",
          "  errno = 0;",
          "  int rc = gethostname((char *)buf, len);",
          "  int err = errno;",
          "  printf(\"rc=%d errno=%d bytes=\", rc, err);",
          "  for (size_t i = 0; i < len + 16; i++) printf(\"%02x\", buf[i]);",
          "  printf(\"\\n\");",
          "  return 0;",
          "}",
          "");

  @TempDir static Path probeDir;
  private static Path shim;
  private static Path cProbe;
  private static String realHostname;

  @TempDir Path baseDir;

  @BeforeAll
  static void buildProbe() throws Exception {
    shim = Paths.get(System.getProperty("smtk.hostnameShim", "target/native/libsmtkhostname.so"));
    assertThat(shim)
        .as("the shim is built by the compile phase of the images module")
        .isRegularFile();
    Path source = probeDir.resolve("probe.c");
    Files.writeString(source, C_PROBE);
    cProbe = probeDir.resolve("probe");
    ProcessResult gcc =
        run(
            List.of("gcc", "-Wall", "-Werror", "-o", cProbe.toString(), source.toString()),
            Map.of());
    assertThat(gcc.exitCode()).as("gcc: %s", gcc.output()).isZero();
    realHostname = run(List.of(PYTHON, "-c", PYTHON_PROBE), Map.of()).output().strip();
    assertThat(realHostname).isNotEmpty();
  }

  @Test
  void gethostname_configUnderBaseDir_returnsCurrentHost() throws Exception {
    writeConfig("{\"current_host\":\"algo-7\",\"hosts\":[\"algo-1\",\"algo-7\"]}");

    assertThat(pythonHostname()).isEqualTo("algo-7");
  }

  @Test
  void gethostname_cProgram_returnsCurrentHostWithTerminator() throws Exception {
    writeConfig("{\"current_host\":\"algo-2\"}");

    Probe probe = cProbe(64);

    assertThat(probe.rc()).isZero();
    assertThat(probe.cString()).isEqualTo("algo-2");
    assertThat(probe.guardIntact(64)).isTrue();
  }

  @Test
  void gethostname_missingConfig_returnsRealHostname() throws Exception {
    assertThat(pythonHostname()).isEqualTo(realHostname);
  }

  @Test
  void gethostname_missingConfig_leavesErrnoUnchanged() throws Exception {
    // The failed open() of the missing file must not leak ENOENT to a successful caller.
    Probe probe = cProbe(256);

    assertThat(probe.rc()).isZero();
    assertThat(probe.errno()).isZero();
    assertThat(probe.cString()).isEqualTo(realHostname);
  }

  @Test
  void gethostname_hugeConfig_returnsCurrentHost() throws Exception {
    StringBuilder json = new StringBuilder("{\"hosts\":[");
    for (int i = 1; i <= 5000; i++) {
      json.append(i == 1 ? "" : ",").append("\"algo-").append(i).append('"');
    }
    json.append("],\"instance_groups\":[{\"instance_group_name\":\"g\",\"hosts\":[");
    for (int i = 1; i <= 5000; i++) {
      json.append(i == 1 ? "" : ", ").append("\"algo-").append(i).append('"');
    }
    json.append("]}],\"current_host\":\"algo-4999\"}");
    writeConfig(json.toString());

    assertThat(pythonHostname()).isEqualTo("algo-4999");
  }

  @Test
  void gethostname_currentHostNestedAndAsValueFirst_usesTopLevelKey() throws Exception {
    writeConfig(
        "{\"note\": \"current_host\", \"instance_groups\": [{\"current_host\": \"wrong-1\"}],"
            + " \"nested\": {\"current_host\": \"wrong-2\", \"deeper\": {\"current_host\":"
            + " \"wrong-3\"}}, \"current_host\": \"algo-3\"}");

    assertThat(pythonHostname()).isEqualTo("algo-3");
  }

  @Test
  void gethostname_whitespaceAndEscapes_decodesLikeJson() throws Exception {
    // A key that only starts with current_host, an escaped quote inside strings, a \\u escape in
    // the value.
    writeConfig(
        " \n\t{ \"current_host\\\"\" : \"wrong\" ,\r\n  \"say \\\"current_host\\\"\"\t:\t\"x\\\\\","
            + "\n  \"current_host\"\n :\n \"algo-\\u0031\\u0032\"\n}\n ");

    assertThat(pythonHostname()).isEqualTo("algo-12");
  }

  @Test
  void gethostname_duplicateKey_lastWinsLikeJsonParsers() throws Exception {
    writeConfig("{\"current_host\":\"algo-1\",\"current_host\":\"algo-2\"}");

    assertThat(pythonHostname()).isEqualTo("algo-2");
  }

  @Test
  void gethostname_truncatedConfig_returnsRealHostname() throws Exception {
    // A file caught half-written must not be trusted even though current_host was already seen.
    writeConfig("{\"current_host\":\"algo-1\",\"hosts\":[\"algo-1\",");

    assertThat(pythonHostname()).isEqualTo(realHostname);
  }

  @Test
  void gethostname_invalidJson_returnsRealHostname() throws Exception {
    writeConfig("current_host: algo-1");

    assertThat(pythonHostname()).isEqualTo(realHostname);
  }

  @Test
  void gethostname_noCurrentHost_returnsRealHostname() throws Exception {
    writeConfig("{\"hosts\":[\"algo-1\"]}");

    assertThat(pythonHostname()).isEqualTo(realHostname);
  }

  @Test
  void gethostname_nonStringOrEmptyCurrentHost_returnsRealHostname() throws Exception {
    writeConfig("{\"current_host\":5}");
    assertThat(pythonHostname()).isEqualTo(realHostname);

    writeConfig("{\"current_host\":\"\"}");
    assertThat(pythonHostname()).isEqualTo(realHostname);

    writeConfig("{\"current_host\":\"algo-1\",\"current_host\":null}");
    assertThat(pythonHostname()).isEqualTo(realHostname);
  }

  @Test
  void gethostname_shortBuffer_copiesLenBytesAndFailsWithoutOverflow() throws Exception {
    writeConfig("{\"current_host\":\"algo-1\"}");

    Probe probe = cProbe(4);

    assertThat(probe.rc()).isEqualTo(-1);
    assertThat(probe.errno()).isEqualTo(ENAMETOOLONG);
    assertThat(probe.bytes()).startsWith("616c676f"); // "algo", no terminator, as glibc does
    assertThat(probe.guardIntact(4)).as("no byte written past len").isTrue();
  }

  @Test
  void gethostname_bufferWithoutRoomForTerminator_failsWithNameTooLong() throws Exception {
    writeConfig("{\"current_host\":\"algo-1\"}");

    Probe exact = cProbe(7);
    Probe oneShort = cProbe(6);

    assertThat(exact.rc()).isZero();
    assertThat(exact.cString()).isEqualTo("algo-1");
    assertThat(oneShort.rc()).isEqualTo(-1);
    assertThat(oneShort.errno()).isEqualTo(ENAMETOOLONG);
    assertThat(oneShort.guardIntact(6)).isTrue();
  }

  @Test
  void gethostname_zeroLength_writesNothing() throws Exception {
    writeConfig("{\"current_host\":\"algo-1\"}");

    Probe probe = cProbe(0);

    assertThat(probe.rc()).isEqualTo(-1);
    assertThat(probe.errno()).isEqualTo(ENAMETOOLONG);
    assertThat(probe.guardIntact(0)).isTrue();
  }

  @Test
  void gethostname_pythonCtypesShortBuffer_doesNotOverflow() throws Exception {
    writeConfig("{\"current_host\":\"algo-1\"}");
    String script =
        String.join(
            "\n",
            "import ctypes",
            "libc = ctypes.CDLL(None, use_errno=True)",
            "buf = ctypes.create_string_buffer(b'\\xaa' * 16, 16)",
            "rc = libc.gethostname(buf, ctypes.c_size_t(4))",
            "print(rc, ctypes.get_errno(), buf.raw.hex())");

    String output = runProbe(List.of(PYTHON, "-c", script));

    assertThat(output.strip()).isEqualTo("-1 36 616c676f" + "aa".repeat(12));
  }

  private void writeConfig(String json) throws IOException {
    Path config = baseDir.resolve("input/config/resourceconfig.json");
    Files.createDirectories(config.getParent());
    Files.writeString(config, json);
  }

  private String pythonHostname() throws Exception {
    return runProbe(List.of(PYTHON, "-c", PYTHON_PROBE)).strip();
  }

  private Probe cProbe(int len) throws Exception {
    String output = runProbe(List.of(cProbe.toString(), Integer.toString(len)));
    Matcher matcher = PROBE_OUTPUT.matcher(output.strip());
    assertThat(matcher.matches()).as("probe output: %s", output).isTrue();
    return new Probe(
        Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)), matcher.group(3));
  }

  private String runProbe(List<String> command) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("LD_PRELOAD", shim.toAbsolutePath().toString());
    env.put("SAGEMAKER_BASE_DIR", baseDir.toString());
    ProcessResult result = run(command, env);
    assertThat(result.exitCode()).as("%s: %s", command, result.output()).isZero();
    // ld.so reports a preload it cannot load on stderr and carries on; that must not go unnoticed.
    assertThat(result.output()).doesNotContain("cannot be preloaded");
    return result.output();
  }

  private static ProcessResult run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
    builder.environment().remove("LD_PRELOAD");
    builder.environment().remove("SAGEMAKER_BASE_DIR");
    builder.environment().putAll(env);
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    return new ProcessResult(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  private record ProcessResult(int exitCode, String output) {}

  /** What the C probe saw: gethostname's return value, errno, and the whole buffer in hex. */
  private record Probe(int rc, int errno, String bytes) {

    String cString() {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i + 2 <= bytes.length(); i += 2) {
        int b = Integer.parseInt(bytes.substring(i, i + 2), 16);
        if (b == 0) {
          return text.toString();
        }
        text.append((char) b);
      }
      throw new AssertionError("no NUL terminator in " + bytes);
    }

    boolean guardIntact(int len) {
      return bytes.substring(len * 2).equals("aa".repeat(16));
    }
  }
}
