package io.smtk.s3;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.transfer.s3.model.UploadFileRequest;

/**
 * Uploads every file written under the intermediate output directory ({@code
 * /opt/ml/output/intermediate}) to {@code <s3 output>/<job>/output/intermediate/<relative path>}
 * while training runs, and flushes what is left when the job ends.
 *
 * <p>Java's {@link WatchService} reports creations and modifications but not "closed after
 * writing", so a file counts as complete once its size, modification time and inode have stayed the
 * same for the settle time ({@link Builder#settleTime}, 1 s by default), or its modification time
 * is already that old. A file that changes again is uploaded again, and the last upload wins; a
 * file renamed into the tree and directories created later (watched recursively, then walked to
 * catch files written before the watch) are picked up the same way. A periodic rescan covers events
 * the watch service drops.
 *
 * <p>Uploads run on their own daemon threads, {@link Builder#uploadConcurrency} files at a time,
 * and never block the training process; files above the part size use multipart uploads through the
 * {@link software.amazon.awssdk.transfer.s3.S3TransferManager}. Each file is first copied to a
 * staging directory outside the watched tree, and the copy is uploaded only if the file did not
 * change while it was copied, so a file rewritten meanwhile never yields a torn object. Files
 * larger than {@link Builder#snapshotMaxBytes} are uploaded in place instead (the SDK fails the
 * upload if the file changes under it) and checked again afterwards. Only one upload of a given
 * file runs at a time, so an older version can never overwrite a newer one.
 *
 * <p>{@link #stopAndFlush} (called when the job ends: success, failure or SIGTERM) stops watching,
 * walks the whole tree, uploads everything not yet in S3 in its final state without waiting for it
 * to settle, waits for the uploads, and returns a {@link SyncSummary} naming any file whose final
 * content could not be uploaded. Differences from the Python toolkit: renamed-in files are
 * uploaded; uploads are parallel and retried; a deleted file's object stays in S3 (nothing is
 * deleted there); symbolic links are not followed; empty directories are not represented.
 */
public final class IntermediateOutputSync {

  private static final Logger LOG = LoggerFactory.getLogger(IntermediateOutputSync.class);

  private static final Duration SCAN_INTERVAL = Duration.ofMillis(100);
  private static final long MAX_RETRY_DELAY_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final int FLUSH_ATTEMPTS = 3;

  private final Path root;
  private final S3Uri prefix;
  private final S3Clients clients;
  private final long settleNanos;
  private final long rescanNanos;
  private final int uploadConcurrency;
  private final long snapshotMaxBytes;
  private final Path stagingParent;

  private final Object lock = new Object();
  // Guarded by lock.
  private final Map<Path, Entry> entries = new HashMap<>();
  private int inFlight;
  private long uploads;
  private long uploadedBytes;
  private long failedAttempts;
  private boolean flushing;
  private State state = State.NEW;

  // Owned by the watcher thread (and by start() before the thread exists).
  private final Map<WatchKey, Path> keys = new HashMap<>();
  private volatile boolean rescanRequested;

  private WatchService watchService;
  private Thread watcher;
  private ExecutorService uploaders;
  private Path staging;

  private enum State {
    NEW,
    RUNNING,
    STOPPED
  }

  private enum Outcome {
    UPLOADED,
    CHANGED,
    GONE,
    FAILED
  }

  private IntermediateOutputSync(Builder builder) {
    this.root = builder.intermediateDir.toAbsolutePath().normalize();
    this.prefix = builder.prefix;
    this.clients = builder.clients;
    this.settleNanos = builder.settleTime.toNanos();
    this.rescanNanos = builder.rescanInterval.toNanos();
    this.uploadConcurrency = builder.uploadConcurrency;
    this.snapshotMaxBytes = builder.snapshotMaxBytes;
    this.stagingParent = builder.stagingDir;
  }

  /**
   * Returns a builder.
   *
   * @param intermediateDir the directory to watch, usually {@code /opt/ml/output/intermediate}; it
   *     is created by {@link #start()} if missing
   * @param prefix where the files go, see {@link #prefixFor}
   * @param clients the job's S3 clients
   * @return the builder
   */
  public static Builder builder(Path intermediateDir, S3Uri prefix, S3Clients clients) {
    return new Builder(intermediateDir, prefix, clients);
  }

  /**
   * Returns the S3 prefix of a job's intermediate output, as the Python toolkit builds it: {@code
   * <output location>/<job name>/output/intermediate}.
   *
   * @param outputLocation the job's S3 output location ({@code sagemaker_s3_output})
   * @param trainingJobName the job's name ({@code TRAINING_JOB_NAME}); may be empty
   * @return the prefix
   */
  public static S3Uri prefixFor(S3Uri outputLocation, String trainingJobName) {
    return outputLocation.resolve(trainingJobName).resolve("output/intermediate");
  }

  /**
   * Starts watching and uploading; returns at once.
   *
   * @throws IntermediateSyncException if the directory or the staging directory cannot be created
   *     or watched
   * @throws IllegalStateException if called twice
   */
  public void start() throws IntermediateSyncException {
    synchronized (lock) {
      if (state != State.NEW) {
        throw new IllegalStateException("already started");
      }
      state = State.RUNNING;
    }
    try {
      Files.createDirectories(root);
      staging =
          stagingParent == null
              ? Files.createTempDirectory("smtk-intermediate-")
              : Files.createTempDirectory(
                  Files.createDirectories(stagingParent), "smtk-intermediate-");
      if (staging.toRealPath().startsWith(root.toRealPath())) {
        throw new IntermediateSyncException(
            "The staging directory " + staging + " must not be inside " + root);
      }
      watchService = root.getFileSystem().newWatchService();
    } catch (IOException e) {
      throw new IntermediateSyncException(
          "Cannot start the intermediate output sync of " + root + ": " + e, e);
    }
    AtomicInteger threads = new AtomicInteger();
    uploaders =
        Executors.newFixedThreadPool(
            uploadConcurrency,
            task -> {
              Thread t = new Thread(task, "smtk-sync-upload-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    registerTree(root);
    watcher = new Thread(this::watchLoop, "smtk-sync-watch");
    watcher.setDaemon(true);
    watcher.start();
    LOG.info("Syncing {} to {} while the job runs", root, prefix);
  }

  /**
   * Stops watching, uploads everything not yet in S3 in its final state, and waits for the uploads.
   *
   * <p>Call it once the training process has ended. Files that keep changing, or whose upload keeps
   * failing, are reported in the summary rather than retried forever.
   *
   * @param timeout how long to wait for the final uploads
   * @return what was uploaded, and what could not be
   */
  public SyncSummary stopAndFlush(Duration timeout) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    synchronized (lock) {
      if (state != State.RUNNING) {
        return summary(Duration.ZERO);
      }
      state = State.STOPPED;
    }
    try {
      watchService.close(); // ends the watcher's poll
      watcher.join(TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime())) + 1);
    } catch (IOException e) {
      LOG.debug("Closing the watch service failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lock) {
      flushing = true;
    }
    rescan(); // anything the watcher did not see yet, or that changed after its last upload
    boolean interrupted = false;
    synchronized (lock) {
      while (true) {
        scan(System.nanoTime());
        if (inFlight == 0 && !hasPendingWork()) {
          break;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          break;
        }
        try {
          lock.wait(Math.max(1, Math.min(SCAN_INTERVAL.toMillis(), remaining / 1_000_000)));
        } catch (InterruptedException e) {
          interrupted = true;
          break;
        }
      }
    }
    uploaders.shutdownNow(); // only stragglers past the deadline are left; they count as unsynced
    SyncSummary summary = summary(Duration.ofNanos(System.nanoTime() - start));
    deleteStaging();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (summary.complete()) {
      LOG.info(
          "Intermediate output sync to {} done: {} uploads ({}), {} failed attempts",
          prefix,
          summary.uploads(),
          TransferProgress.size(summary.uploadedBytes()),
          summary.failedAttempts());
    } else {
      LOG.error(
          "Intermediate output sync to {} incomplete: {} file(s) not uploaded in their final state:"
              + " {}",
          prefix,
          summary.unsynced().size(),
          summary.unsynced());
    }
    return summary;
  }

  private void watchLoop() {
    long nextRescan = System.nanoTime() + rescanNanos;
    try {
      while (true) {
        WatchKey key = watchService.poll(SCAN_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        while (key != null) {
          handle(key);
          key = watchService.poll();
        }
        long now = System.nanoTime();
        if (rescanRequested || now >= nextRescan) {
          rescanRequested = false;
          nextRescan = now + rescanNanos;
          rescan();
        }
        synchronized (lock) {
          if (state != State.RUNNING) {
            return;
          }
          scan(now);
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // stopAndFlush closed the service: the final flush takes over.
    } catch (RuntimeException e) {
      // Keep the job alive; the final flush walks the tree anyway.
      LOG.error("The intermediate output watcher of {} stopped", root, e);
    }
  }

  private void handle(WatchKey key) {
    Path dir = keys.get(key);
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        rescanRequested = true;
        continue;
      }
      if (dir == null || event.kind() == StandardWatchEventKinds.ENTRY_DELETE) {
        continue; // a deletion changes nothing in S3; the scan drops the entry
      }
      Path child = dir.resolve((Path) event.context());
      BasicFileAttributes attributes = attributes(child);
      if (attributes == null) {
        continue;
      }
      if (attributes.isDirectory()) {
        if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
          registerTree(child); // created or renamed in: watch it and catch what is already inside
        }
      } else if (attributes.isRegularFile()) {
        markDirty(child);
      }
    }
    if (!key.reset()) {
      keys.remove(key);
    }
  }

  private void registerTree(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
              try {
                WatchKey key =
                    d.register(
                        watchService,
                        StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
                keys.put(key, d); // a directory renamed within the tree keeps its key: repoint it
              } catch (IOException | ClosedWatchServiceException e) {
                // Out of inotify watches, or stopping: the periodic rescan still finds its files.
                LOG.warn("Cannot watch {}: {}", d, e.toString());
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile()) {
                markDirty(file);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE; // deleted meanwhile
            }
          });
    } catch (IOException e) {
      LOG.debug("Cannot walk {}", dir, e);
    }
  }

  /**
   * Marks every regular file under the root as possibly changed; the scan checks it against S3's
   * copy.
   */
  private void rescan() {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile()) {
                markDirty(file);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.warn("Cannot walk {}: {}", root, e.toString());
    }
  }

  private void markDirty(Path file) {
    Path relative = root.relativize(file);
    synchronized (lock) {
      entries.computeIfAbsent(relative, Entry::new).dirty = true;
    }
  }

  /** Starts the uploads that are due. Caller holds the lock. */
  private void scan(long now) {
    List<Entry> snapshot = new ArrayList<>(entries.values());
    for (Entry entry : snapshot) {
      if (!entry.dirty || entry.inFlight || entry.gaveUp || now < entry.retryAtNanos) {
        continue;
      }
      FileSig sig = FileSig.read(root.resolve(entry.relative));
      if (sig == null) {
        entries.remove(entry.relative); // deleted, or no longer a regular file
        continue;
      }
      if (sig.equals(entry.uploaded)) {
        entry.dirty = false;
        entry.seen = sig;
        continue;
      }
      boolean stable = sig.equals(entry.seen);
      if (!stable) {
        entry.seen = sig;
        entry.seenAtNanos = now;
      }
      boolean settled =
          stable
              && (now - entry.seenAtNanos >= settleNanos
                  || System.currentTimeMillis() * 1_000_000L - sig.modifiedNanos() >= settleNanos);
      if (flushing || settled) {
        entry.inFlight = true;
        inFlight++;
        uploaders.execute(() -> upload(entry));
      }
    }
  }

  private boolean hasPendingWork() {
    for (Entry entry : entries.values()) {
      if (entry.dirty && !entry.gaveUp) {
        return true;
      }
    }
    return false;
  }

  private void upload(Entry entry) {
    Path file = root.resolve(entry.relative);
    Path copy = null;
    Outcome outcome;
    FileSig uploadedSig = null;
    Throwable error = null;
    try {
      FileSig before = FileSig.read(file);
      if (before == null) {
        outcome = Outcome.GONE;
      } else {
        Path source = file;
        boolean unchanged = true;
        if (before.size() <= snapshotMaxBytes) {
          copy = staging.resolve(UUID.randomUUID().toString());
          Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
          unchanged = before.equals(FileSig.read(file));
          source = copy;
        }
        if (!unchanged) {
          outcome = Outcome.CHANGED;
        } else {
          S3Uri target = prefix.resolve(key(entry.relative));
          clients
              .transferManager()
              .uploadFile(
                  UploadFileRequest.builder()
                      .putObjectRequest(b -> b.bucket(target.bucket()).key(target.key()))
                      .source(source)
                      .build())
              .completionFuture()
              .get();
          // In place: the SDK fails on most changes during the upload; this catches the rest.
          if (source == file && !before.equals(FileSig.read(file))) {
            outcome = Outcome.CHANGED;
          } else {
            outcome = Outcome.UPLOADED;
            uploadedSig = before;
          }
        }
      }
    } catch (NoSuchFileException e) {
      outcome = Outcome.GONE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = Outcome.FAILED;
      error = e;
    } catch (ExecutionException | IOException | RuntimeException e) {
      outcome = Outcome.FAILED;
      error = S3Failures.unwrap(e);
    } finally {
      if (copy != null) {
        try {
          Files.deleteIfExists(copy);
        } catch (IOException e) {
          LOG.debug("Cannot delete {}", copy, e);
        }
      }
    }
    complete(entry, outcome, uploadedSig, error);
  }

  private void complete(Entry entry, Outcome outcome, FileSig uploadedSig, Throwable error) {
    synchronized (lock) {
      entry.inFlight = false;
      inFlight--;
      long now = System.nanoTime();
      switch (outcome) {
        case UPLOADED -> {
          entry.uploaded = uploadedSig;
          entry.failures = 0;
          entry.lastError = null;
          uploads++;
          uploadedBytes += uploadedSig.size();
          LOG.debug("Uploaded {} ({} bytes)", entry.relative, uploadedSig.size());
        }
        case CHANGED -> {
          entry.seen = null; // changed while being copied or uploaded: let it settle again
          entry.retryAtNanos = now + SCAN_INTERVAL.toNanos();
        }
        case GONE -> {
          if (entries.get(entry.relative) == entry
              && FileSig.read(root.resolve(entry.relative)) == null) {
            entries.remove(entry.relative);
          }
        }
        case FAILED -> {
          failedAttempts++;
          entry.failures++;
          entry.lastError = describe(error);
          long delay =
              Math.min(
                  MAX_RETRY_DELAY_NANOS,
                  TimeUnit.SECONDS.toNanos(1L << Math.min(5, entry.failures)));
          entry.retryAtNanos = now + (flushing ? TimeUnit.MILLISECONDS.toNanos(500) : delay);
          if (flushing && ++entry.flushFailures >= FLUSH_ATTEMPTS) {
            entry.gaveUp = true;
          }
          LOG.warn(
              "Upload of {} to {} failed (attempt {}): {}",
              entry.relative,
              prefix.resolve(key(entry.relative)),
              entry.failures,
              entry.lastError);
        }
        default -> throw new IllegalStateException(outcome.toString());
      }
      lock.notifyAll();
    }
  }

  private SyncSummary summary(Duration flushTime) {
    synchronized (lock) {
      List<String> unsynced = new ArrayList<>();
      for (Entry entry : entries.values()) {
        if (entry.inFlight) {
          unsynced.add(entry.relative + " (upload still running at the deadline)");
        } else if (entry.dirty) {
          String reason =
              entry.lastError != null
                  ? entry.lastError
                  : entry.uploaded == null ? "never uploaded" : "changed after its last upload";
          unsynced.add(entry.relative + " (" + reason + ")");
        }
      }
      unsynced.sort(null);
      return new SyncSummary(prefix, uploads, uploadedBytes, failedAttempts, unsynced, flushTime);
    }
  }

  private void deleteStaging() {
    try (var files = Files.list(staging)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(staging);
    } catch (IOException e) {
      // An upload thread past the deadline may still hold a copy; it is in the temp dir, named as
      // ours.
      LOG.debug("Cannot delete {}", staging, e);
    }
  }

  private static String key(Path relative) {
    StringBuilder key = new StringBuilder();
    for (Path part : relative) {
      if (key.length() > 0) {
        key.append('/');
      }
      key.append(part);
    }
    return key.toString();
  }

  private static String describe(Throwable error) {
    if (error == null) {
      return "unknown error";
    }
    return LoggingRetryStrategy.describe(error);
  }

  private static BasicFileAttributes attributes(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
  }

  /** Identity of one version of a file: size, modification time and inode. */
  private record FileSig(long size, long modifiedNanos, Object fileKey) {
    static FileSig read(Path path) {
      BasicFileAttributes attributes = attributes(path);
      if (attributes == null || !attributes.isRegularFile()) {
        return null;
      }
      return new FileSig(
          attributes.size(),
          attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
          attributes.fileKey());
    }
  }

  /** What the sync knows about one file. Guarded by the lock. */
  private static final class Entry {
    final Path relative;
    boolean dirty;
    boolean inFlight;
    boolean gaveUp;
    FileSig seen;
    long seenAtNanos;
    FileSig uploaded;
    long retryAtNanos;
    int failures;
    int flushFailures;
    String lastError;

    Entry(Path relative) {
      this.relative = relative;
    }
  }

  /** Configures an {@link IntermediateOutputSync}. */
  public static final class Builder {
    private final Path intermediateDir;
    private final S3Uri prefix;
    private final S3Clients clients;
    private Duration settleTime = Duration.ofSeconds(1);
    private Duration rescanInterval = Duration.ofSeconds(30);
    private int uploadConcurrency = 8;
    private long snapshotMaxBytes = 64L * 1024 * 1024;
    private Path stagingDir;

    private Builder(Path intermediateDir, S3Uri prefix, S3Clients clients) {
      this.intermediateDir = Objects.requireNonNull(intermediateDir, "intermediateDir");
      this.prefix = Objects.requireNonNull(prefix, "prefix");
      this.clients = Objects.requireNonNull(clients, "clients");
    }

    /**
     * Sets how long a file must stay unchanged before it is uploaded. Default 1 s.
     *
     * @param settleTime a positive duration
     * @return this builder
     */
    public Builder settleTime(Duration settleTime) {
      if (settleTime.isNegative() || settleTime.isZero()) {
        throw new IllegalArgumentException("settleTime must be positive, got " + settleTime);
      }
      this.settleTime = settleTime;
      return this;
    }

    /**
     * Sets how often the whole tree is walked to catch events the watch service dropped. Default 30
     * s.
     *
     * @param rescanInterval a positive duration
     * @return this builder
     */
    public Builder rescanInterval(Duration rescanInterval) {
      if (rescanInterval.isNegative() || rescanInterval.isZero()) {
        throw new IllegalArgumentException(
            "rescanInterval must be positive, got " + rescanInterval);
      }
      this.rescanInterval = rescanInterval;
      return this;
    }

    /**
     * Sets how many files are uploaded at once. Default 8: small files are bound by request latency
     * (the Python toolkit uploads one at a time); each large file also uploads its parts in
     * parallel.
     *
     * @param files at least 1
     * @return this builder
     */
    public Builder uploadConcurrency(int files) {
      if (files < 1) {
        throw new IllegalArgumentException("uploadConcurrency must be at least 1, got " + files);
      }
      this.uploadConcurrency = files;
      return this;
    }

    /**
     * Sets the largest file that is copied to the staging directory before upload. Default 64 MiB,
     * so the staging copies stay small; larger files are uploaded in place (the SDK fails the
     * upload if the file changes while it is read) and checked for changes afterwards.
     *
     * @param bytes zero or more
     * @return this builder
     */
    public Builder snapshotMaxBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("snapshotMaxBytes must not be negative, got " + bytes);
      }
      this.snapshotMaxBytes = bytes;
      return this;
    }

    /**
     * Sets where the staging directory for snapshots is created. Default {@code java.io.tmpdir}; it
     * must not be inside the watched directory.
     *
     * @param dir the parent of the staging directory
     * @return this builder
     */
    public Builder stagingDir(Path dir) {
      this.stagingDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * Builds the sync; nothing happens until {@link IntermediateOutputSync#start()}.
     *
     * @return the sync
     */
    public IntermediateOutputSync build() {
      return new IntermediateOutputSync(this);
    }
  }
}
