package io.smtk.testing;

import io.smtk.distributed.NetnsCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one SageMaker job across the hosts of a {@link NetnsCluster}: a job tree per host (its own
 * resourceconfig), {@code bin/smtk train} started inside every host's namespace, and each host's
 * exit status and output collected.
 */
public final class NamespaceJobs {

  private final NetnsCluster cluster;
  private final List<JobTree> trees = new ArrayList<>();

  private NamespaceJobs(NetnsCluster cluster) {
    this.cluster = cluster;
  }

  /** One host's outcome. */
  public record HostResult(String host, int exitCode, String output, long endedAtMillis) {}

  /**
   * Lays out the job on every host: the same hyperparameters and code, each host's own
   * resourceconfig.
   *
   * @param cluster the hosts
   * @param hyperparameters hyperparameters.json
   * @param code file name to content, written into every host's code directory
   * @return the job
   * @throws IOException when a file cannot be written
   */
  public static NamespaceJobs layOut(
      NetnsCluster cluster, String hyperparameters, Map<String, String> code) throws IOException {
    return layOut(cluster, cluster.size(), hyperparameters, code);
  }

  /**
   * Lays out a job on the first {@code jobHosts} hosts of the cluster; the others are not part of
   * the job (they may play attackers on the job's network).
   *
   * @param cluster the hosts
   * @param jobHosts how many hosts the job has, from algo-1
   * @param hyperparameters hyperparameters.json
   * @param code file name to content, written into every host's code directory
   * @return the job
   * @throws IOException when a file cannot be written
   */
  public static NamespaceJobs layOut(
      NetnsCluster cluster, int jobHosts, String hyperparameters, Map<String, String> code)
      throws IOException {
    NamespaceJobs jobs = new NamespaceJobs(cluster);
    List<String> hosts = new ArrayList<>();
    for (int i = 1; i <= jobHosts; i++) {
      hosts.add("\"" + cluster.hostname(i) + "\"");
    }
    for (int i = 1; i <= jobHosts; i++) {
      JobTree tree =
          JobTree.create(cluster.baseDir(i))
              .config("hyperparameters.json", hyperparameters)
              .config(
                  "resourceconfig.json",
                  "{\"current_host\": \""
                      + cluster.hostname(i)
                      + "\", \"current_instance_type\": "
                      + "\"ml.c5.xlarge\", \"current_group_name\": \"homogeneousCluster\", \"hosts\": "
                      + hosts
                      + ", "
                      + "\"instance_groups\": [{\"instance_group_name\": \"homogeneousCluster\", \"instance_type\": "
                      + "\"ml.c5.xlarge\", \"hosts\": "
                      + hosts
                      + "}], \"network_interface_name\": \"eth0\"}");
      for (Map.Entry<String, String> file : code.entrySet()) {
        tree.code(file.getKey(), file.getValue());
      }
      jobs.trees.add(tree);
    }
    return jobs;
  }

  /**
   * Returns host K's job tree.
   *
   * @param host 1-based host number
   * @return its tree
   */
  public JobTree tree(int host) {
    return trees.get(host - 1);
  }

  /**
   * Starts {@code bin/smtk train} on one host of the job, in its namespace.
   *
   * @param host 1-based host number
   * @param extra variables besides the job tree's
   * @return the running host
   * @throws IOException when it cannot be started
   */
  public Host start(int host, Map<String, String> extra) throws IOException {
    Map<String, String> env = new LinkedHashMap<>(tree(host).environment());
    env.put("SM_STUDIO_LOCAL_MODE", "false");
    env.putAll(extra);
    Path log = cluster.hostDir(host).resolve("train.log");
    return new Host(
        cluster.hostname(host),
        cluster.start(host, List.of(JobTree.smtk().toString(), "train"), env, log, log),
        log);
  }

  /** One host's toolkit, started by {@link #start}. */
  public static final class Host {
    private final String name;
    private final Process process;
    private final Path log;

    private Host(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.log = log;
    }

    /**
     * Returns what the toolkit printed so far (stdout and stderr).
     *
     * @return the output
     */
    public String output() throws IOException {
      return read(log);
    }

    /**
     * Waits until the toolkit printed a text.
     *
     * @param text the text
     * @param timeout how long to wait
     */
    public void awaitOutput(String text, Duration timeout)
        throws IOException, InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!output().contains(text)) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new AssertionError(
              name
                  + (process.isAlive() ? " never printed '" : " ended before printing '")
                  + text
                  + "':\n"
                  + output());
        }
        Thread.sleep(50);
      }
    }

    /** Sends the toolkit SIGTERM, as StopTrainingJob does. */
    public void stop() {
      process.destroy();
    }

    /**
     * Waits for the toolkit to end.
     *
     * @param timeout how long it may take
     * @return its result
     */
    public HostResult await(Duration timeout) throws IOException, InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " did not end within " + timeout + ":\n" + output());
      }
      return new HostResult(name, process.exitValue(), output(), System.currentTimeMillis());
    }
  }

  /**
   * Runs {@code bin/smtk train} on every host at once and waits for all of them.
   *
   * @param extra variables for every host (besides the job tree's)
   * @param timeout how long the job may take
   * @return each host's result, host 1 first
   * @throws IOException when a host cannot be started
   * @throws InterruptedException when interrupted
   */
  public List<HostResult> train(Map<String, String> extra, Duration timeout)
      throws IOException, InterruptedException {
    List<Process> processes = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    for (int i = 1; i <= trees.size(); i++) {
      Map<String, String> env = new LinkedHashMap<>(tree(i).environment());
      env.put("SM_STUDIO_LOCAL_MODE", "false");
      env.putAll(extra);
      Path log = cluster.hostDir(i).resolve("train.log");
      logs.add(log);
      processes.add(cluster.start(i, List.of(JobTree.smtk().toString(), "train"), env, log, log));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    List<HostResult> results = new ArrayList<>();
    long[] ended = new long[processes.size()];
    boolean[] done = new boolean[processes.size()];
    int remaining = processes.size();
    while (remaining > 0) {
      for (int i = 0; i < processes.size(); i++) {
        if (!done[i] && !processes.get(i).isAlive()) {
          done[i] = true;
          ended[i] = System.currentTimeMillis();
          remaining--;
        }
      }
      if (remaining > 0) {
        if (System.nanoTime() > deadline) {
          StringBuilder output = new StringBuilder();
          for (int i = 0; i < logs.size(); i++) {
            output
                .append("--- ")
                .append(cluster.hostname(i + 1))
                .append('\n')
                .append(read(logs.get(i)));
          }
          throw new AssertionError("the job did not end within " + timeout + ":\n" + output);
        }
        processes.get(0).waitFor(50, TimeUnit.MILLISECONDS);
      }
    }
    for (int i = 0; i < processes.size(); i++) {
      results.add(
          new HostResult(
              cluster.hostname(i + 1), processes.get(i).exitValue(), read(logs.get(i)), ended[i]));
    }
    return results;
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }
}
