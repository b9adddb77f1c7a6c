package io.smtk.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtk.process.StopCheck;
import io.smtk.process.TrainingStoppedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link SafeTarExtractor}. */
class SafeTarExtractorTest {

  private final SafeTarExtractor extractor = SafeTarExtractor.create();

  @TempDir Path tmp;

  private Path sourceTarball() {
    Path archive = tmp.resolve("sourcedir.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.dir("./", 0755)
          .file("./train.py", "print('hi')\n")
          .file("./run.sh", 0755, "#!/bin/sh\necho run\n".getBytes(StandardCharsets.UTF_8))
          .dir("./pkg", 0750)
          .file("./pkg/__init__.py", "")
          .file("./pkg/sub/deep/data.bin", 0600, new byte[] {0, 1, 2, 3, (byte) 255});
    }
    return archive;
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }

  private List<String> leftovers() throws IOException {
    try (Stream<Path> list = Files.list(tmp)) {
      return list.map(p -> p.getFileName().toString())
          .filter(n -> n.contains(".extract-"))
          .toList();
    }
  }

  @Test
  void extract_gzipWithScriptAndNestedDirs_keepsContentModesAndTimes() throws Exception {
    Path code = tmp.resolve("code");

    ExtractionResult result = extractor.extract(sourceTarball(), code);

    assertThat(code.resolve("train.py")).hasContent("print('hi')");
    assertThat(Files.readAllBytes(code.resolve("pkg/sub/deep/data.bin")))
        .containsExactly(0, 1, 2, 3, 255);
    assertThat(mode(code.resolve("run.sh"))).isEqualTo("rwxr-xr-x");
    assertThat(Files.isExecutable(code.resolve("run.sh"))).isTrue();
    assertThat(mode(code.resolve("train.py"))).isEqualTo("rw-r--r--");
    assertThat(mode(code.resolve("pkg/sub/deep/data.bin"))).isEqualTo("rw-------");
    assertThat(mode(code.resolve("pkg"))).isEqualTo("rwxr-x---");
    assertThat(Files.getLastModifiedTime(code.resolve("train.py")).toInstant())
        .isEqualTo(TarFixture.MTIME);
    assertThat(result.files()).isEqualTo(4);
    assertThat(result.bytes()).isEqualTo(12 + 19 + 0 + 5);
    assertThat(result.replacedEntries()).isEmpty();
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void extract_plainTarNamedTgz_isDetectedByMagic() throws Exception {
    Path archive = tmp.resolve("looks-compressed.tar.gz");
    try (TarFixture tar = TarFixture.plain(archive)) {
      tar.file("a.txt", "plain");
    }

    extractor.extract(archive, tmp.resolve("out"));

    assertThat(tmp.resolve("out/a.txt")).hasContent("plain");
  }

  @Test
  void extract_gzipNamedTxt_isDetectedByMagic() throws Exception {
    Path archive = tmp.resolve("archive.txt");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.file("a.txt", "zipped");
    }

    extractor.extract(archive, tmp.resolve("out"));

    assertThat(tmp.resolve("out/a.txt")).hasContent("zipped");
  }

  @Test
  void extract_existingEmptyTarget_extractsIntoIt() throws Exception {
    Path code = Files.createDirectory(tmp.resolve("code"));
    Files.setPosixFilePermissions(code, PosixFilePermissions.fromString("rwxrwxr-x"));

    extractor.extract(sourceTarball(), code);

    assertThat(code.resolve("pkg/__init__.py")).exists();
    assertThat(mode(code)).as("the target keeps its own mode").isEqualTo("rwxrwxr-x");
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void extract_nonEmptyTarget_replacesSameNamedTopLevelEntriesWhole() throws Exception {
    Files.createDirectories(tmp.resolve("code/pkg"));
    Files.writeString(tmp.resolve("code/pkg/stale.py"), "old");
    Files.writeString(tmp.resolve("code/train.py"), "old train");
    Files.writeString(tmp.resolve("code/baked.txt"), "from the image");

    ExtractionResult result = extractor.extract(sourceTarball(), tmp.resolve("code"));

    assertThat(result.replacedEntries()).containsExactlyInAnyOrder("pkg", "train.py");
    assertThat(tmp.resolve("code/train.py")).hasContent("print('hi')");
    assertThat(tmp.resolve("code/pkg/stale.py")).as("replaced whole, not merged").doesNotExist();
    assertThat(tmp.resolve("code/baked.txt")).hasContent("from the image");
  }

  @Test
  void extract_dotDotEntry_throwsNamingEntryAndWritesNothing() throws Exception {
    Path archive = tmp.resolve("evil.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.file("ok.txt", "fine").file("a/../../escaped.txt", "evil");
    }
    Path code = tmp.resolve("code");

    assertThatThrownBy(() -> extractor.extract(archive, code))
        .isInstanceOf(UnsafeArchiveEntryException.class)
        .hasMessageContaining("'a/../../escaped.txt'")
        .hasMessageContaining(archive.toString())
        .hasMessageContaining("'..'");
    assertThat(code).doesNotExist();
    assertThat(tmp.resolve("escaped.txt")).doesNotExist();
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void extract_absoluteEntry_throwsNamingEntry() throws Exception {
    Path archive = tmp.resolve("abs.tar.gz");
    String absolute = tmp.resolve("owned.txt").toString();
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.file(absolute, "evil");
    }

    assertThatThrownBy(() -> extractor.extract(archive, tmp.resolve("code")))
        .isInstanceOf(UnsafeArchiveEntryException.class)
        .hasMessageContaining("'" + absolute + "'")
        .hasMessageContaining("absolute");
    assertThat(tmp.resolve("owned.txt")).doesNotExist();
  }

  @Test
  void extract_symlinkOutside_throwsNamingEntry() throws Exception {
    Path archive = tmp.resolve("link.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.dir("sub", 0755).symlink("sub/up", "../../..");
    }

    assertThatThrownBy(() -> extractor.extract(archive, tmp.resolve("code")))
        .isInstanceOf(UnsafeArchiveEntryException.class)
        .hasMessageContaining("'sub/up'")
        .hasMessageContaining("outside the target");
    assertThat(tmp.resolve("code")).doesNotExist();
  }

  @Test
  void extract_absoluteSymlink_throwsNamingEntry() throws Exception {
    Path archive = tmp.resolve("link.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.symlink("passwd", "/etc/passwd");
    }

    assertThatThrownBy(() -> extractor.extract(archive, tmp.resolve("code")))
        .isInstanceOf(UnsafeArchiveEntryException.class)
        .hasMessageContaining("'passwd'")
        .hasMessageContaining("absolute symbolic link target '/etc/passwd'");
  }

  @Test
  void extract_symlinkClimbingThroughAnotherLink_throws() throws Exception {
    // "d" is the target dir itself, so "d/e -> .." is lexically inside but really points above it.
    Path archive = tmp.resolve("chain.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.symlink("d", ".").symlink("d/e", "..").file("d/e/escaped.txt", "evil");
    }

    assertThatThrownBy(() -> extractor.extract(archive, tmp.resolve("code")))
        .isInstanceOf(UnsafeArchiveEntryException.class)
        .hasMessageContaining("'d/e'");
    assertThat(tmp.resolve("escaped.txt")).doesNotExist();
  }

  @Test
  void extract_symlinkWithDotDotAfterName_throws() throws Exception {
    Path archive = tmp.resolve("chain.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.symlink("c", ".").symlink("x", "c/../..");
    }

    assertThatThrownBy(() -> extractor.extract(archive, tmp.resolve("code")))
        .isInstanceOf(UnsafeArchiveEntryException.class)
        .hasMessageContaining("'x'")
        .hasMessageContaining("'..' after a name");
  }

  @Test
  void extract_symlinksInside_areCreatedAndUsable() throws Exception {
    Path archive = tmp.resolve("links.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.file("lib/real.py", "x = 1")
          .symlink("lib/alias.py", "real.py")
          .symlink("top", "lib")
          .dir("bin", 0755)
          .symlink("bin/up.py", "../lib/real.py")
          .file("top/through.txt", "via link");
    }
    Path code = tmp.resolve("code");

    ExtractionResult result = extractor.extract(archive, code);

    assertThat(Files.readSymbolicLink(code.resolve("lib/alias.py"))).isEqualTo(Path.of("real.py"));
    assertThat(code.resolve("bin/up.py")).hasContent("x = 1");
    assertThat(code.resolve("lib/through.txt")).hasContent("via link");
    assertThat(result.symlinks()).isEqualTo(3);
  }

  @Test
  void extract_hardLinkInside_sharesContent() throws Exception {
    Path archive = tmp.resolve("hard.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.file("a.txt", "same").hardLink("b.txt", "a.txt");
    }

    extractor.extract(archive, tmp.resolve("code"));

    assertThat(tmp.resolve("code/b.txt")).hasContent("same");
  }

  @Test
  void extract_manySmallFilesWithRepeatsAndLinks_keepsArchiveOrder() throws Exception {
    // Enough small files for the parallel writers; repeated paths and links must still see archive
    // order.
    Path archive = tmp.resolve("many.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      for (int i = 0; i < 500; i++) {
        tar.file("d" + (i % 7) + "/f" + i + ".txt", "first " + i);
      }
      for (int i = 0; i < 500; i += 3) {
        tar.file("d" + (i % 7) + "/f" + i + ".txt", "second " + i);
      }
      tar.hardLink("linked.txt", "d0/f0.txt")
          .symlink("alias", "d1/f1.txt")
          .file("d2/f2.txt", 0700, new byte[] {7});
    }

    ExtractionResult result = extractor.extract(archive, tmp.resolve("code"));

    for (int i = 0; i < 500; i++) {
      if (i == 2) {
        continue; // replaced by the last entry, checked below
      }
      String expected = (i % 3 == 0 ? "second " : "first ") + i;
      assertThat(tmp.resolve("code/d" + (i % 7) + "/f" + i + ".txt")).hasContent(expected);
    }
    assertThat(tmp.resolve("code/linked.txt")).hasContent("second 0");
    assertThat(tmp.resolve("code/alias")).hasContent("first 1");
    assertThat(Files.readAllBytes(tmp.resolve("code/d2/f2.txt")))
        .as("the later entry wins")
        .containsExactly(7);
    assertThat(mode(tmp.resolve("code/d2/f2.txt"))).isEqualTo("rwx------");
    assertThat(result.files()).isEqualTo(500 + 167 + 2);
  }

  @Test
  void extract_fileReachedThroughLinkOverEarlierFile_laterEntryWins() throws Exception {
    // "l/f.txt" names the file "d/f.txt" made before it under another name: the writer must see
    // that it exists although it never made a path called "l/f.txt".
    Path archive = tmp.resolve("through-link.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.file("d/f.txt", "first").symlink("l", "d").file("l/f.txt", "second");
    }

    extractor.extract(archive, tmp.resolve("code"));

    assertThat(tmp.resolve("code/d/f.txt")).hasContent("second");
    assertThat(Files.isSymbolicLink(tmp.resolve("code/l"))).isTrue();
  }

  @Test
  void extract_fileEntryOverImplicitParent_refusedAsNonEmptyDirectory() throws Exception {
    // "a/b" was made as the parent of "a/b/c.txt", never as an entry of its own.
    Path archive = tmp.resolve("over-parent.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.file("a/b/c.txt", "inner").file("a/b", "file");
    }

    assertThatThrownBy(() -> extractor.extract(archive, tmp.resolve("code")))
        .isInstanceOf(UnsafeArchiveEntryException.class)
        .hasMessageContaining("a/b")
        .hasMessageContaining("non-empty directory");
  }

  @Test
  void extract_fileEntry_accessTimeIsModificationTimeAsPythonSetsIt() throws Exception {
    Path code = tmp.resolve("code");

    extractor.extract(sourceTarball(), code);

    var attributes =
        Files.readAttributes(
            code.resolve("train.py"), java.nio.file.attribute.BasicFileAttributes.class);
    assertThat(attributes.lastModifiedTime().toInstant()).isEqualTo(TarFixture.MTIME);
    assertThat(attributes.lastAccessTime().toInstant()).isEqualTo(TarFixture.MTIME);
  }

  @Test
  void extract_worldWritableMode_isKeptDespiteUmask() throws Exception {
    Path archive = tmp.resolve("shared.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.file("shared.txt", 0666, new byte[] {1}).dir("open", 0777);
    }

    extractor.extract(archive, tmp.resolve("code"));

    assertThat(mode(tmp.resolve("code/shared.txt"))).isEqualTo("rw-rw-rw-");
    assertThat(mode(tmp.resolve("code/open"))).isEqualTo("rwxrwxrwx");
  }

  @Test
  void extract_hardLinkOutside_throwsNamingEntry() throws Exception {
    Files.writeString(tmp.resolve("secret.txt"), "secret");
    Path archive = tmp.resolve("hard.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.hardLink("copy.txt", "../secret.txt");
    }

    assertThatThrownBy(() -> extractor.extract(archive, tmp.resolve("code")))
        .isInstanceOf(UnsafeArchiveEntryException.class)
        .hasMessageContaining("'copy.txt'");
    assertThat(tmp.resolve("code")).doesNotExist();
  }

  @Test
  void extract_fifoEntry_throwsNamingEntry() throws Exception {
    Path archive = tmp.resolve("fifo.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.fifo("pipe");
    }

    assertThatThrownBy(() -> extractor.extract(archive, tmp.resolve("code")))
        .isInstanceOf(UnsafeArchiveEntryException.class)
        .hasMessageContaining("'pipe'");
  }

  @Test
  void extract_setuidBit_isDropped() throws Exception {
    Path archive = tmp.resolve("suid.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.file("tool", 04755, new byte[] {1});
    }

    extractor.extract(archive, tmp.resolve("code"));

    assertThat(Files.getAttribute(tmp.resolve("code/tool"), "unix:mode")).isEqualTo(0100755);
  }

  @Test
  void extract_truncatedGzip_throwsNamingFileAndLeavesTargetEmpty() throws Exception {
    Path archive = sourceTarballWithBulk();
    byte[] bytes = Files.readAllBytes(archive);
    Path truncated = tmp.resolve("truncated.tar.gz");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length * 2 / 3));
    Path code = Files.createDirectory(tmp.resolve("code"));

    assertThatThrownBy(() -> extractor.extract(truncated, code))
        .isInstanceOf(ArchiveExtractionException.class)
        .hasMessageContaining(truncated.toString())
        .hasMessageContaining("truncated or corrupt");
    try (Stream<Path> list = Files.list(code)) {
      assertThat(list).isEmpty();
    }
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void extract_gzipCutAtTheTarEnd_throwsBecauseTheTrailerIsMissing() throws Exception {
    // All tar entries are intact; only the gzip trailer (CRC and length) is lost.
    Path archive = sourceTarball();
    byte[] bytes = Files.readAllBytes(archive);
    Path truncated = tmp.resolve("no-trailer.tar.gz");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 8));

    assertThatThrownBy(() -> extractor.extract(truncated, tmp.resolve("code")))
        .isInstanceOf(ArchiveExtractionException.class)
        .hasMessageContaining("truncated or corrupt");
    assertThat(tmp.resolve("code")).doesNotExist();
  }

  @Test
  void extract_corruptGzip_throwsNamingFile() throws Exception {
    Path archive = sourceTarballWithBulk();
    byte[] bytes = Files.readAllBytes(archive);
    for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
      bytes[i] ^= (byte) 0x5a;
    }
    Path corrupt = tmp.resolve("corrupt.tar.gz");
    Files.write(corrupt, bytes);

    assertThatThrownBy(() -> extractor.extract(corrupt, tmp.resolve("code")))
        .isInstanceOf(ArchiveExtractionException.class)
        .hasMessageContaining(corrupt.toString())
        .hasMessageContaining("truncated or corrupt");
    assertThat(tmp.resolve("code")).doesNotExist();
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void extract_notAnArchive_throwsNamingFile() throws Exception {
    Path text = tmp.resolve("sourcedir.tar.gz");
    Files.writeString(text, "this is not an archive at all, just some text\n".repeat(40));

    assertThatThrownBy(() -> extractor.extract(text, tmp.resolve("code")))
        .isInstanceOf(ArchiveExtractionException.class)
        .hasMessage("Not a gzip-compressed or plain tar archive: " + text);
    assertThat(tmp.resolve("code")).doesNotExist();
  }

  @Test
  void extract_emptyFile_throwsSayingSo() throws Exception {
    Path empty = Files.createFile(tmp.resolve("empty.tar.gz"));

    assertThatThrownBy(() -> extractor.extract(empty, tmp.resolve("code")))
        .isInstanceOf(ArchiveExtractionException.class)
        .hasMessageContaining("the file is empty");
  }

  @Test
  void extract_missingArchive_throwsNamingFile() {
    Path missing = tmp.resolve("missing.tar.gz");

    assertThatThrownBy(() -> extractor.extract(missing, tmp.resolve("code")))
        .isInstanceOf(ArchiveExtractionException.class)
        .hasMessageContaining(missing.toString());
  }

  private Path sourceTarballWithBulk() {
    Path archive = tmp.resolve("bulk.tar.gz");
    java.util.Random random = new java.util.Random(42);
    try (TarFixture tar = TarFixture.gzip(archive)) {
      for (int i = 0; i < 20; i++) {
        byte[] content = new byte[20_000];
        random.nextBytes(content);
        tar.file("data/file" + i + ".bin", 0644, content);
      }
    }
    return archive;
  }

  @Test
  void extract_pastTheUnpackedLimit_refusedByNameBeforeWritingIt() throws Exception {
    Path archive = ZeroArchive.write(tmp.resolve("bomb.tar.gz"), "zeros.bin", 2048);
    Path code = tmp.resolve("code");

    assertThatThrownBy(
            () -> extractor.withLimit(1 << 20, "SMTK_MAX_UNPACKED_BYTES").extract(archive, code))
        .isInstanceOf(ArchiveTooLargeException.class)
        .hasMessageContaining("Refusing to extract " + archive)
        .hasMessageContaining("more than 1048576 bytes (SMTK_MAX_UNPACKED_BYTES)")
        .hasMessageContaining("entry 'zeros.bin'");
    assertThat(code).doesNotExist();
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void extract_atTheUnpackedLimit_extracted() throws Exception {
    Path archive = ZeroArchive.write(tmp.resolve("exact.tar.gz"), "zeros.bin", 2);

    extractor.withLimit(2 << 20, "SMTK_MAX_UNPACKED_BYTES").extract(archive, tmp.resolve("code"));

    assertThat(tmp.resolve("code/zeros.bin")).hasSize(2 << 20);
  }

  @Test
  void extract_stopRequestedMidEntry_stopsAndLeavesNothing() throws Exception {
    Path archive = ZeroArchive.write(tmp.resolve("long.tar.gz"), "zeros.bin", 64);
    Path code = tmp.resolve("code");
    int[] asked = {0};
    // Stops at the tenth question: inside the one 64 MiB entry, which is asked about per 64 KiB.
    StopCheck stopAfterTen =
        detail -> {
          if (++asked[0] >= 10) {
            throw new TrainingStoppedException(15, detail);
          }
        };

    assertThatThrownBy(() -> extractor.stoppedBy(stopAfterTen).extract(archive, code))
        .isInstanceOf(TrainingStoppedException.class)
        .hasMessageContaining("while extracting " + archive);
    assertThat(asked[0]).isEqualTo(10);
    assertThat(code).doesNotExist();
    assertThat(leftovers()).isEmpty();
  }
}
