package io.smtk.archive;

import io.smtk.process.StopCheck;
import io.smtk.process.TrainingStoppedException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;

/**
 * Extracts a gzip-compressed or plain tar archive into a directory, refusing entries that would
 * land outside it and never leaving a partly extracted tree behind.
 *
 * <p>The format is detected from the file's first bytes, not its name. Entries are refused (with an
 * {@link UnsafeArchiveEntryException} naming them) when their name is absolute or has a {@code ..}
 * segment, when a symbolic link is absolute or resolves outside the target, when a hard link names
 * an entry outside the target, and when they are devices or FIFOs. Permission bits ({@code 0777})
 * and modification times are kept; set-user-ID, set-group-ID and sticky bits and owners are not.
 *
 * <p>The archive is first extracted into a hidden temporary directory next to the target (inside it
 * when the parent is not writable) and moved into place only once the whole archive, including the
 * gzip trailer, has been read. A missing target is created by one rename. When the target already
 * has content, each top-level entry of the archive replaces the entry of the same name whole (it is
 * never merged), and the other entries are kept; {@link ExtractionResult#replacedEntries()} lists
 * the replaced names.
 */
public final class SafeTarExtractor {

  private static final int GZIP_MAGIC_0 = 0x1f;
  private static final int GZIP_MAGIC_1 = 0x8b;
  private static final int TAR_HEADER_SIZE = 512;
  private static final int BUFFER_SIZE = 1 << 16;
  private static final int PERMISSION_MASK = 0777;
  private static final int DEFAULT_DIRECTORY_MODE = 0755;
  private static final int DEFAULT_FILE_MODE = 0644;
  private static final int SMALL_FILE_LIMIT = 1 << 20;
  private static final int MAX_BUFFERED_BYTES = 64 << 20;
  private static final int MAX_WRITER_THREADS = 4;
  private static final Set<OpenOption> CREATE_NEW_NOFOLLOW =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

  private enum Format {
    GZIP,
    TAR
  }

  private final long maxUnpackedBytes;
  private final String limitSetting;
  private final StopCheck stop;

  private SafeTarExtractor(long maxUnpackedBytes, String limitSetting, StopCheck stop) {
    this.maxUnpackedBytes = maxUnpackedBytes;
    this.limitSetting = limitSetting;
    this.stop = stop;
  }

  /**
   * Returns an extractor without a size limit that is never stopped; it holds no state and may be
   * shared.
   *
   * @return an extractor
   */
  public static SafeTarExtractor create() {
    return new SafeTarExtractor(Long.MAX_VALUE, "", StopCheck.NEVER);
  }

  /**
   * Returns an extractor that refuses an archive whose regular files hold more than {@code
   * maxUnpackedBytes} in all (a tar bomb), before writing the entry that passes the limit.
   *
   * @param maxUnpackedBytes the most bytes of file content, at least 0
   * @param setting what sets the limit, named in the refusal (e.g. an environment variable)
   * @return an extractor
   * @throws IllegalArgumentException if the limit is negative
   */
  public SafeTarExtractor withLimit(long maxUnpackedBytes, String setting) {
    if (maxUnpackedBytes < 0) {
      throw new IllegalArgumentException("negative unpacked-size limit: " + maxUnpackedBytes);
    }
    return new SafeTarExtractor(maxUnpackedBytes, setting, stop);
  }

  /**
   * Returns an extractor that asks {@code stop} before each entry and each 64 KiB written, and
   * leaves nothing behind when told to stop.
   *
   * @param stop the job's stop check
   * @return an extractor
   */
  public SafeTarExtractor stoppedBy(StopCheck stop) {
    return new SafeTarExtractor(maxUnpackedBytes, limitSetting, stop);
  }

  /**
   * Returns the most bytes of file content this extractor writes.
   *
   * @return the limit, {@link Long#MAX_VALUE} for none
   */
  public long maxUnpackedBytes() {
    return maxUnpackedBytes;
  }

  /**
   * Extracts {@code archive} into {@code targetDir}, which is created if it is missing.
   *
   * @param archive a gzip-compressed or plain tar file
   * @param targetDir the directory to extract into; missing, empty or not (see the class comment)
   * @return what was written
   * @throws UnsafeArchiveEntryException if an entry would be written outside {@code targetDir};
   *     nothing is extracted then
   * @throws ArchiveExtractionException if the file is not a tar or gzip archive, is truncated or
   *     corrupt, unpacks to more than the limit, or the tree cannot be written; nothing is
   *     extracted then
   * @throws TrainingStoppedException when the job was told to stop; nothing is extracted then
   */
  public ExtractionResult extract(Path archive, Path targetDir)
      throws ArchiveExtractionException, TrainingStoppedException {
    return extract(archive, () -> Files.newInputStream(archive), targetDir);
  }

  /**
   * Extracts an archive read through {@code input} as {@link #extract(Path, Path)} does; {@code
   * archive} names it in messages. Nothing is moved into {@code targetDir} before {@code input} has
   * given its last byte, so a stream that fails part-way (a download that failed) leaves the target
   * as it was.
   *
   * @param archive the archive's name in messages
   * @param input opens the archive's bytes from the start (twice: the format, then the content)
   * @param targetDir the directory to extract into
   * @return counts and the replaced top-level entries
   * @throws ArchiveExtractionException as for {@link #extract(Path, Path)}, also when {@code input}
   *     fails
   * @throws TrainingStoppedException when the job was told to stop; nothing is extracted then
   */
  public ExtractionResult extract(Path archive, ArchiveInput input, Path targetDir)
      throws ArchiveExtractionException, TrainingStoppedException {
    Path target = targetDir.toAbsolutePath().normalize();
    Format format = detectFormat(archive, input);
    Path staging = createStaging(archive, target);
    try {
      Counts counts = extractInto(archive, input, format, staging);
      List<String> replaced = moveIntoPlace(archive, staging, target);
      return new ExtractionResult(
          counts.files, counts.directories, counts.symlinks, counts.bytes, replaced);
    } finally {
      // Present only when something failed (a success moved or emptied it); never leave it behind.
      deleteQuietly(staging);
    }
  }

  private static Format detectFormat(Path archive, ArchiveInput input)
      throws ArchiveExtractionException {
    byte[] header = new byte[TAR_HEADER_SIZE];
    int read;
    try (InputStream in = input.open()) {
      read = in.readNBytes(header, 0, header.length);
    } catch (IOException e) {
      throw new ArchiveExtractionException(
          archive, "Cannot read archive " + archive + ": " + describe(e), e);
    }
    if (read >= 2 && (header[0] & 0xff) == GZIP_MAGIC_0 && (header[1] & 0xff) == GZIP_MAGIC_1) {
      return Format.GZIP;
    }
    // ustar/GNU magic first; old (v7) headers have no magic, so a valid header checksum also
    // counts.
    if (TarArchiveInputStream.matches(header, read) || isV7TarHeader(header, read)) {
      return Format.TAR;
    }
    throw new ArchiveExtractionException(
        archive,
        "Not a gzip-compressed or plain tar archive: "
            + archive
            + (read == 0 ? " (the file is empty)" : ""));
  }

  private static boolean isV7TarHeader(byte[] header, int read) {
    if (read < TAR_HEADER_SIZE || header[0] == 0) {
      return false;
    }
    try {
      return TarUtils.verifyCheckSum(header);
    } catch (IllegalArgumentException e) {
      return false; // the checksum field is not even octal
    }
  }

  private static Path createStaging(Path archive, Path target) throws ArchiveExtractionException {
    Path parent = target.getParent();
    String prefix =
        "." + (target.getFileName() == null ? "root" : target.getFileName()) + ".extract-";
    try {
      if (parent != null) {
        Files.createDirectories(parent);
        try {
          return Files.createTempDirectory(parent, prefix);
        } catch (AccessDeniedException e) {
          // The parent (say /opt/ml) may belong to someone else while the target is ours: stage
          // inside it.
          if (!Files.isDirectory(target)) {
            throw e;
          }
        }
      }
      Files.createDirectories(target);
      return Files.createTempDirectory(target, ".smtk-extract-");
    } catch (IOException e) {
      throw new ArchiveExtractionException(
          archive, "Cannot create a staging directory for " + target + ": " + describe(e), e);
    }
  }

  private Counts extractInto(Path archive, ArchiveInput input, Format format, Path staging)
      throws ArchiveExtractionException, TrainingStoppedException {
    Counts counts = new Counts();
    String detail = "while extracting " + archive;
    try (InputStream file = new BufferedInputStream(input.open(), BUFFER_SIZE);
        InputStream decompressed = openDecompressed(file, format)) {
      try (Writer writer = new Writer(archive, staging.toRealPath(), counts, this, detail)) {
        TarArchiveInputStream tar = new TarArchiveInputStream(decompressed);
        TarArchiveEntry entry;
        while ((entry = nextEntry(tar)) != null) {
          stop.checkStopped(detail);
          writer.write(entry, tar);
        }
        extractTail(decompressed);
        writer.finish();
      }
      return counts;
    } catch (ArchiveExtractionException e) {
      throw e;
    } catch (StoppedWhileWriting e) {
      throw e.stopped;
    } catch (ArchiveReadException e) {
      throw new ArchiveExtractionException(
          archive, "Archive " + archive + " is truncated or corrupt: " + describe(e.getCause()), e);
    } catch (IOException e) {
      throw new ArchiveExtractionException(
          archive, "Cannot write the content of " + archive + " to disk: " + describe(e), e);
    }
  }

  /**
   * Reads what follows the end-of-archive blocks, so that the gzip trailer (CRC and length) is
   * checked and a truncated or corrupt stream is noticed.
   */
  private static void extractTail(InputStream decompressed) throws ArchiveReadException {
    try {
      decompressed.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new ArchiveReadException(e);
    }
  }

  private static InputStream openDecompressed(InputStream file, Format format) throws IOException {
    if (format == Format.TAR) {
      return file;
    }
    try {
      // Buffered after inflating too: commons-compress reads PAX headers one byte at a time, and
      // each such read of a bare GZIPInputStream is a call into zlib (Python's tarfile writes a PAX
      // header with every entry). Content reads of a whole buffer or more bypass the buffer.
      return new BufferedInputStream(new GZIPInputStream(file, BUFFER_SIZE), BUFFER_SIZE);
    } catch (IOException e) {
      throw new ArchiveReadException(e);
    }
  }

  private static TarArchiveEntry nextEntry(TarArchiveInputStream tar) throws ArchiveReadException {
    try {
      return tar.getNextEntry();
    } catch (IOException | RuntimeException e) {
      // commons-compress reports bad headers as IOException or IllegalArgumentException.
      throw new ArchiveReadException(e);
    }
  }

  private static int readContent(InputStream content, byte[] buffer) throws ArchiveReadException {
    try {
      return content.read(buffer);
    } catch (IOException | RuntimeException e) {
      throw new ArchiveReadException(e);
    }
  }

  /** Carries a stop out of the write loop, whose callers only declare IOException. */
  private static final class StoppedWhileWriting extends IOException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // never serialized: caught within this class
    final TrainingStoppedException stopped;

    StoppedWhileWriting(TrainingStoppedException stopped) {
      super(stopped.getMessage(), stopped);
      this.stopped = stopped;
    }
  }

  /**
   * Marks a failure to read the archive, to tell a corrupt archive from a file that cannot be
   * written.
   */
  private static final class ArchiveReadException extends IOException {
    private static final long serialVersionUID = 1L;

    ArchiveReadException(Throwable cause) {
      super(cause);
    }
  }

  private static List<String> moveIntoPlace(Path archive, Path staging, Path target)
      throws ArchiveExtractionException {
    try {
      boolean stagedInside = staging.getParent().equals(target);
      if (!stagedInside && !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        // createTempDirectory made it 0700; a new code directory should be readable like any other.
        Files.setPosixFilePermissions(staging, modeToPermissions(DEFAULT_DIRECTORY_MODE));
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        return List.of();
      }
      if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new ArchiveExtractionException(
            archive, "Cannot extract " + archive + " into " + target + ": it is not a directory");
      }
      List<String> replaced = new ArrayList<>();
      List<Path> children;
      try (Stream<Path> list = Files.list(staging)) {
        children = list.sorted().toList();
      }
      for (Path child : children) {
        Path destination = target.resolve(child.getFileName().toString());
        if (Files.exists(destination, LinkOption.NOFOLLOW_LINKS)) {
          deleteRecursively(destination);
          replaced.add(child.getFileName().toString());
        }
        moveEntry(child, destination);
      }
      return replaced;
    } catch (IOException e) {
      throw new ArchiveExtractionException(
          archive,
          "Cannot move the extracted content of "
              + archive
              + " into "
              + target
              + ": "
              + describe(e),
          e);
    }
  }

  private static void moveEntry(Path source, Path destination) throws IOException {
    try {
      Files.move(source, destination, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      // Only when the target is on another file system than its parent (a mount point).
      Files.move(source, destination);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      deleteRecursively(path);
    } catch (IOException e) {
      // Best effort: the staging directory is hidden and named as such; the original error matters
      // more.
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> walk = Files.walk(path)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    } else {
      Files.deleteIfExists(path);
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank()
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + message;
  }

  static int permissionsToMode(Set<PosixFilePermission> permissions) {
    return UnixModes.toMode(permissions);
  }

  static Set<PosixFilePermission> modeToPermissions(int mode) {
    return UnixModes.toPermissions(mode);
  }

  /** Running totals of one extraction. */
  private static final class Counts {
    long declaredBytes;
    int files;
    int directories;
    int symlinks;
    long bytes;
  }

  /**
   * Writes the entries of one archive into the staging directory, checking each before it is
   * written.
   *
   * <p>Reading, checking and creating directories happen on the caller's thread, in archive order.
   * Small regular files are then written by a few threads, because a source tree of thousands of
   * small files is bound by file-creation system calls, not bytes; every link entry, and any entry
   * whose path is still being written, first waits for the pending writes, so the archive's order
   * still holds.
   */
  private static final class Writer implements AutoCloseable {
    private final Path archive;
    private final Path root;
    private final Counts counts;
    private final SafeTarExtractor limits;
    private final String detail;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private final int umask;
    private final ExecutorService pool;
    private final Semaphore bufferedBytes = new Semaphore(MAX_BUFFERED_BYTES);
    private final Set<Path> pending = ConcurrentHashMap.newKeySet();
    private final List<Future<?>> writes = new ArrayList<>();
    // Parent directories already created and checked to resolve inside root; cleared whenever a
    // link or a replaced directory could change where a path leads.
    private final Set<Path> checkedParents = new HashSet<>();
    private final Map<Path, TarArchiveEntry> directories = new HashMap<>();
    // Every path this writer made (entries and the parents made for them). The staging directory
    // starts empty, so until a symbolic link is made (through which one name can reach another's
    // file) a path not in here does not exist: no lookup per entry on the reading thread.
    private final Set<Path> made = new HashSet<>();
    private boolean madeSymlink;

    Writer(Path archive, Path root, Counts counts, SafeTarExtractor limits, String detail)
        throws IOException {
      this.archive = archive;
      this.root = root;
      this.counts = counts;
      this.limits = limits;
      this.detail = detail;
      this.umask = probeUmask(root);
      int threads = Math.min(MAX_WRITER_THREADS, Runtime.getRuntime().availableProcessors());
      AtomicInteger created = new AtomicInteger();
      this.pool =
          threads < 2
              ? null
              : Executors.newFixedThreadPool(
                  threads,
                  task -> {
                    Thread t = new Thread(task, "smtk-extract-" + created.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                  });
    }

    /** The process umask, which clears bits from the mode a file is created with. */
    private static int probeUmask(Path dir) throws IOException {
      Path probe = dir.resolve(".umask-probe");
      Files.createFile(probe, PosixFilePermissions.asFileAttribute(modeToPermissions(0777)));
      try {
        return 0777 & ~permissionsToMode(Files.getPosixFilePermissions(probe));
      } finally {
        Files.delete(probe);
      }
    }

    /** Waits for every pending write; rethrows the first failure. */
    private void awaitWrites() throws IOException {
      try {
        for (Future<?> write : writes) {
          write.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while extracting");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        throw new IOException(e.getCause());
      } finally {
        writes.clear();
      }
    }

    void finish() throws IOException {
      awaitWrites();
      applyDirectoryAttributes();
    }

    /** Stops the writer threads; on failure waits for them, so the staging tree can be deleted. */
    @Override
    public void close() {
      if (pool != null) {
        pool.shutdownNow();
        try {
          pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    void write(TarArchiveEntry entry, InputStream content)
        throws IOException, ArchiveExtractionException {
      if (entry.isGlobalPaxHeader()) {
        return;
      }
      String name = entry.getName();
      Path relative = safeRelativePath(name);
      if (relative == null) {
        // "./": the target directory itself; its attributes stay those of the target.
        return;
      }
      Path destination = root.resolve(relative);
      ensureParent(name, destination);
      if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
        throw new UnsafeArchiveEntryException(
            archive, name, "devices, FIFOs and other special files are not extracted");
      } else if (entry.isDirectory()) {
        writeDirectory(destination, entry);
      } else if (entry.isSymbolicLink()) {
        awaitWrites();
        writeSymlink(name, destination, entry.getLinkName());
      } else if (entry.isLink()) {
        awaitWrites();
        writeHardLink(name, destination, entry.getLinkName());
      } else if (entry.isFile()) {
        writeFile(name, destination, entry, content);
      } else {
        throw new UnsafeArchiveEntryException(
            archive, name, "devices, FIFOs and other special files are not extracted");
      }
    }

    private Path safeRelativePath(String name) throws UnsafeArchiveEntryException {
      if (name.isEmpty()) {
        throw new UnsafeArchiveEntryException(archive, name, "the entry has an empty name");
      }
      if (name.startsWith("/")) {
        throw new UnsafeArchiveEntryException(archive, name, "absolute paths are not allowed");
      }
      List<String> segments = new ArrayList<>();
      for (String segment : name.split("/", -1)) {
        if (segment.equals("..")) {
          throw new UnsafeArchiveEntryException(archive, name, "'..' segments are not allowed");
        }
        if (!segment.isEmpty() && !segment.equals(".")) {
          segments.add(segment);
        }
      }
      if (segments.isEmpty()) {
        return null;
      }
      try {
        return Path.of(
            segments.get(0), segments.subList(1, segments.size()).toArray(String[]::new));
      } catch (InvalidPathException e) {
        throw new UnsafeArchiveEntryException(archive, name, "invalid path: " + e.getReason());
      }
    }

    private void ensureParent(String name, Path destination)
        throws IOException, UnsafeArchiveEntryException {
      Path parent = destination.getParent();
      if (checkedParents.contains(parent)) {
        return;
      }
      try {
        Files.createDirectories(parent);
        for (Path dir = parent; dir != null && !dir.equals(root); dir = dir.getParent()) {
          made.add(dir);
        }
      } catch (FileAlreadyExistsException e) {
        throw new UnsafeArchiveEntryException(
            archive, name, "a parent path is not a directory: " + root.relativize(parent));
      }
      // A parent reached through a symbolic link from an earlier entry must still be inside root.
      if (!parent.toRealPath().startsWith(root)) {
        throw new UnsafeArchiveEntryException(
            archive, name, "its parent directory resolves outside the target directory");
      }
      checkedParents.add(parent);
    }

    private void writeDirectory(Path destination, TarArchiveEntry entry) throws IOException {
      if (pending.contains(destination)) {
        awaitWrites();
      }
      if (Files.exists(destination, LinkOption.NOFOLLOW_LINKS)
          && !Files.isDirectory(destination, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(destination);
        checkedParents.clear();
      }
      Files.createDirectories(destination);
      made.add(destination);
      directories.put(destination, entry);
      counts.directories++;
    }

    private void writeSymlink(String name, Path destination, String linkName)
        throws IOException, UnsafeArchiveEntryException {
      if (linkName == null || linkName.isEmpty()) {
        throw new UnsafeArchiveEntryException(
            archive, name, "the symbolic link has an empty target");
      }
      if (linkName.startsWith("/")) {
        throw new UnsafeArchiveEntryException(
            archive, name, "absolute symbolic link target '" + linkName + "' is not allowed");
      }
      // Resolve against the real parent. '..' is allowed only before the first name: after a name
      // it could climb out of a directory reached through another link, which no lexical check can
      // see.
      Path resolved = destination.getParent().toRealPath();
      boolean seenName = false;
      for (String segment : linkName.split("/", -1)) {
        if (segment.isEmpty() || segment.equals(".")) {
          continue;
        }
        if (segment.equals("..")) {
          if (seenName) {
            throw new UnsafeArchiveEntryException(
                archive, name, "symbolic link target '" + linkName + "' has '..' after a name");
          }
          resolved = resolved.getParent();
          if (resolved == null || !resolved.startsWith(root)) {
            throw new UnsafeArchiveEntryException(
                archive,
                name,
                "symbolic link target '" + linkName + "' resolves outside the target directory");
          }
        } else {
          seenName = true;
          resolved = resolved.resolve(segment);
        }
      }
      prepareDestination(name, destination);
      Files.createSymbolicLink(destination, Path.of(linkName));
      madeSymlink = true;
      checkedParents.clear();
      counts.symlinks++;
    }

    private void writeHardLink(String name, Path destination, String linkName)
        throws IOException, UnsafeArchiveEntryException {
      Path relativeSource;
      try {
        relativeSource = linkName == null ? null : safeRelativePath(linkName);
      } catch (UnsafeArchiveEntryException e) {
        throw new UnsafeArchiveEntryException(
            archive, name, "hard link target '" + linkName + "' is outside the target directory");
      }
      if (relativeSource == null) {
        throw new UnsafeArchiveEntryException(archive, name, "the hard link has no target");
      }
      Path source = root.resolve(relativeSource);
      Path realSource;
      try {
        realSource = source.toRealPath();
      } catch (NoSuchFileException e) {
        throw new UnsafeArchiveEntryException(
            archive,
            name,
            "hard link target '" + linkName + "' is not an earlier entry of the archive");
      }
      if (!realSource.startsWith(root)
          || !Files.isRegularFile(realSource, LinkOption.NOFOLLOW_LINKS)) {
        throw new UnsafeArchiveEntryException(
            archive,
            name,
            "hard link target '"
                + linkName
                + "' is not a regular file inside the target directory");
      }
      prepareDestination(name, destination);
      try {
        Files.createLink(destination, realSource);
      } catch (UnsupportedOperationException | FileSystemException e) {
        Files.copy(realSource, destination, StandardCopyOption.COPY_ATTRIBUTES);
      }
      counts.files++;
    }

    private void writeFile(
        String name, Path destination, TarArchiveEntry entry, InputStream content)
        throws IOException, ArchiveExtractionException {
      long size = entry.getSize();
      // The declared size is all an entry can hold: a bomb is refused before its bytes are written.
      if (size > limits.maxUnpackedBytes - counts.declaredBytes) {
        throw new ArchiveTooLargeException(
            archive, name, limits.maxUnpackedBytes, limits.limitSetting);
      }
      counts.declaredBytes += size;
      prepareDestination(name, destination);
      int bits = entry.getMode() & PERMISSION_MASK;
      int mode = bits == 0 ? DEFAULT_FILE_MODE : bits;
      FileTime time = entry.getLastModifiedTime();
      if (pool != null && size <= SMALL_FILE_LIMIT) {
        byte[] data = readFully(content, (int) size);
        try {
          bufferedBytes.acquire(data.length);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while extracting");
        }
        pending.add(destination);
        writes.add(
            pool.submit(
                () -> {
                  try {
                    createFile(destination, mode, time, ByteBuffer.wrap(data), null);
                  } finally {
                    pending.remove(destination);
                    bufferedBytes.release(data.length);
                  }
                  return null;
                }));
        counts.bytes += data.length;
      } else {
        counts.bytes += createFile(destination, mode, time, null, content);
      }
      counts.files++;
    }

    private byte[] readFully(InputStream content, int size) throws ArchiveReadException {
      byte[] data = new byte[size];
      int offset = 0;
      while (offset < size) {
        int n;
        try {
          n = content.read(data, offset, size - offset);
        } catch (IOException | RuntimeException e) {
          throw new ArchiveReadException(e);
        }
        if (n == -1) {
          throw new ArchiveReadException(new java.io.EOFException("entry content ends early"));
        }
        offset += n;
      }
      return data;
    }

    /**
     * Creates one file with its content and attributes; writes either {@code data} or {@code
     * stream}.
     */
    private long createFile(
        Path destination, int mode, FileTime time, ByteBuffer data, InputStream stream)
        throws IOException {
      Set<PosixFilePermission> permissions = modeToPermissions(mode);
      long written = 0;
      // CREATE_NEW + NOFOLLOW_LINKS: never write through a link that appeared at this path.
      try (SeekableByteChannel channel =
          Files.newByteChannel(
              destination,
              CREATE_NEW_NOFOLLOW,
              PosixFilePermissions.asFileAttribute(permissions))) {
        if (data != null) {
          while (data.hasRemaining()) {
            written += channel.write(data);
          }
        } else {
          int n;
          while ((n = readContent(stream, buffer)) != -1) {
            checkStopped();
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
            while (chunk.hasRemaining()) {
              channel.write(chunk);
            }
            written += n;
          }
        }
      }
      if ((mode & umask) != 0) {
        Files.setPosixFilePermissions(destination, permissions); // the umask cleared some bits
      }
      if (time != null) {
        // Access time = modification time, as Python's tarfile sets them; given both, the JDK need
        // not read the file's attributes first to keep the access time.
        Files.getFileAttributeView(
                destination, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setTimes(time, time, null);
      }
      return written;
    }

    private void checkStopped() throws StoppedWhileWriting {
      try {
        limits.stop.checkStopped(detail);
      } catch (TrainingStoppedException e) {
        throw new StoppedWhileWriting(e);
      }
    }

    /**
     * Removes what an earlier entry left at this path, since a later tar entry replaces an earlier
     * one.
     */
    private void prepareDestination(String name, Path destination)
        throws IOException, UnsafeArchiveEntryException {
      if (pending.contains(destination)) {
        awaitWrites(); // the same path twice: the later entry must win
      }
      boolean madeBefore = !made.add(destination);
      boolean exists =
          madeSymlink ? Files.exists(destination, LinkOption.NOFOLLOW_LINKS) : madeBefore;
      if (!exists) {
        return;
      }
      // It may be a directory whose files are still being written: only once they are can it be
      // told whether it is empty.
      awaitWrites();
      try {
        Files.delete(destination);
      } catch (DirectoryNotEmptyException e) {
        throw new UnsafeArchiveEntryException(
            archive, name, "it would replace a non-empty directory of an earlier entry");
      }
      checkedParents.clear();
    }

    private void applyDirectoryAttributes() throws IOException {
      // Deepest first, and only now: a read-only directory mode must not stop its own files being
      // written.
      List<Path> paths = new ArrayList<>(directories.keySet());
      paths.sort(Comparator.comparingInt(Path::getNameCount).reversed());
      for (Path path : paths) {
        TarArchiveEntry entry = directories.get(path);
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          continue; // replaced by a later entry
        }
        int mode = entry.getMode() & PERMISSION_MASK;
        Files.setPosixFilePermissions(
            path, modeToPermissions(mode == 0 ? DEFAULT_DIRECTORY_MODE : mode));
        setModifiedTime(path, entry);
      }
    }

    private static void setModifiedTime(Path path, TarArchiveEntry entry) throws IOException {
      FileTime time = entry.getLastModifiedTime();
      if (time != null) {
        Files.setLastModifiedTime(path, time);
      }
    }
  }
}
