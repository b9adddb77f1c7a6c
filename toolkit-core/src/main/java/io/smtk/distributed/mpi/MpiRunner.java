package io.smtk.distributed.mpi;

import io.smtk.ToolkitException;
import io.smtk.distributed.cluster.HostNames;
import io.smtk.distributed.cluster.HostUnreachableException;
import io.smtk.distributed.cluster.JobProcesses;
import io.smtk.distributed.cluster.LaunchPlan;
import io.smtk.distributed.control.ChannelKey;
import io.smtk.distributed.control.ControlClient;
import io.smtk.distributed.control.ControlServer;
import io.smtk.distributed.control.DistributedJobFailedException;
import io.smtk.distributed.control.JobOutcome;
import io.smtk.distributed.ssh.SshClient;
import io.smtk.distributed.ssh.SshDaemon;
import io.smtk.environment.ToolkitSettings;
import io.smtk.launch.UserLaunch;
import io.smtk.logging.ToolkitLog;
import io.smtk.process.CommandLine;
import io.smtk.process.ProcessResult;
import io.smtk.process.TrainingStoppedException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs an MPI job (plain MPI or SMDDP) on this host: the master runs mpirun once every worker's
 * sshd serves the job, the workers serve SSH until the master tells them how the job ended.
 *
 * <p>Unlike the Python toolkit there are no fixed sleeps and no status files: the hosts talk over
 * the job control channel ({@link ControlServer}, {@link ControlClient}). When mpirun ends the
 * master sends the outcome (who failed first and their error text) to every worker, and each host
 * exits with it at once; a worker that goes silent fails the master, and a silent master fails the
 * workers, both after {@link ToolkitSettings#peerTimeout()}.
 */
public final class MpiRunner {

  private final LaunchPlan plan;
  private final boolean smddp;
  private final ToolkitSettings settings;
  private final ToolkitLog log;
  private final UserLaunch launch;
  private final JobProcesses processes;
  private final ChannelKey channelKey;

  public MpiRunner(
      LaunchPlan plan,
      boolean smddp,
      ToolkitSettings settings,
      ToolkitLog log,
      UserLaunch launch,
      JobProcesses processes,
      ChannelKey channelKey) {
    this.plan = plan;
    this.smddp = smddp;
    this.settings = settings;
    this.log = log;
    this.launch = launch;
    this.processes = processes;
    this.channelKey = channelKey;
  }

  /**
   * Runs this host's part of the job.
   *
   * @throws ToolkitException when the job fails on any host, a host is lost, or the toolkit is
   *     stopped
   */
  public void run() throws ToolkitException {
    if (plan.currentHost().equals(plan.masterHost())) {
      runMaster();
    } else {
      runWorker();
    }
  }

  /**
   * Returns the mpirun command with {@code -mca plm_rsh_args "-F <config>"} right after {@code
   * mpirun}, so the launcher's ssh uses the job's client config.
   *
   * @param command the command from {@link MpiCommand} or {@link SmddpCommand}
   * @param sshConfig the ssh client config, or null for ssh's defaults
   * @return the command
   */
  public static List<String> withSshConfig(List<String> command, String sshConfig) {
    if (sshConfig == null) {
      return command;
    }
    List<String> result = new ArrayList<>(command.size() + 3);
    result.add(command.get(0));
    result.addAll(List.of("-mca", "plm_rsh_args", "-F " + sshConfig));
    result.addAll(command.subList(1, command.size()));
    return List.copyOf(result);
  }

  private void runMaster() throws ToolkitException {
    List<String> workers = new ArrayList<>(plan.hosts());
    workers.remove(plan.masterHost());
    log.info("Starting MPI run as master node " + plan.masterHost() + " with workers " + workers);
    if (workers.isEmpty()) {
      // One host needs no ssh; a name that does not resolve (smtk local's process mode, where hosts
      // are plain processes) would make mpirun take it for a remote host and try.
      runMpirun(null, null, !HostNames.resolves(plan.masterHost()));
      return;
    }
    InetAddress address = bindAddress();
    log.info(
        "Job control channel on "
            + address.getHostAddress()
            + ":"
            + settings.controlPort()
            + ", "
            + keyDescription());
    try (SshClient ssh = SshClient.create(settings);
        ControlServer control =
            ControlServer.open(
                address,
                settings.controlPort(),
                channelKey,
                workers,
                ssh.publicKey(),
                settings.peerTimeout(),
                log)) {
      log.info(
          "Waiting for workers "
              + workers
              + " (at most "
              + settings.startupTimeout().toSeconds()
              + " s)");
      Map<String, String> hostKeys;
      try {
        hostKeys = control.awaitReady(settings.startupTimeout(), processes);
        ssh.writeConfig(hostKeys);
        for (String worker : workers) {
          ssh.checkLogin(worker, launch.environment(), processes);
        }
      } catch (ToolkitException e) {
        control.finish(
            new JobOutcome(
                1,
                plan.masterHost(),
                -1,
                "the master could not start the job: " + e.getMessage(),
                ""));
        throw e;
      }
      runMpirun(ssh, control, false);
    }
  }

  /** Says where the channel key comes from, with its fingerprint to compare between hosts. */
  private String keyDescription() {
    return "key "
        + channelKey.fingerprint()
        + (channelKey.fromSecret()
            ? " (from SMTK_JOB_SECRET)"
            : " (derived from the job's configuration; set SMTK_JOB_SECRET on every host for a"
                + " secret one)");
  }

  /**
   * Returns the address the control channel listens on: the one the master's name resolves to,
   * which is where the workers connect. Should that be a loopback address while the workers' are
   * not (a host file that maps the host's own name to 127.0.1.1), every address is used instead,
   * with a warning, as the workers could not reach it otherwise.
   */
  private InetAddress bindAddress() throws ToolkitException {
    InetAddress master;
    try {
      master = InetAddress.getByName(plan.masterHost());
    } catch (UnknownHostException e) {
      throw new HostUnreachableException(
          plan.masterHost(),
          "The master's host name " + plan.masterHost() + " does not resolve",
          e);
    }
    if (!master.isLoopbackAddress()) {
      return master;
    }
    for (String host : plan.hosts()) {
      try {
        if (!InetAddress.getByName(host).isLoopbackAddress()) {
          log.warning(
              "The master's name "
                  + plan.masterHost()
                  + " resolves to the loopback address "
                  + master.getHostAddress()
                  + " but worker "
                  + host
                  + "'s does not: the job control channel listens on every address");
          return new InetSocketAddress(0).getAddress();
        }
      } catch (UnknownHostException e) {
        // The control server names the worker that does not resolve.
      }
    }
    return master;
  }

  /**
   * Returns the command with the single host named {@code localhost} in {@code --host}: mpirun
   * starts the ranks of a host it cannot match to this machine (by name or address) through ssh.
   *
   * @param command the command from {@link MpiCommand} or {@link SmddpCommand}
   * @param host the job's only host, e.g. {@code algo-1}
   * @return the command, with {@code --host localhost} or {@code --host localhost:N}
   */
  static List<String> onThisMachine(List<String> command, String host) {
    List<String> result = new ArrayList<>(command);
    int index = result.indexOf("--host");
    if (index >= 0 && index + 1 < result.size()) {
      String hosts = result.get(index + 1);
      if (hosts.equals(host) || hosts.startsWith(host + ":")) {
        result.set(index + 1, "localhost" + hosts.substring(host.length()));
      }
    }
    return List.copyOf(result);
  }

  private void runMpirun(SshClient ssh, ControlServer control, boolean unresolvedSingleHost)
      throws ToolkitException {
    List<String> built = smddp ? SmddpCommand.build(plan) : MpiCommand.build(plan);
    if (unresolvedSingleHost) {
      log.info(
          "Host name "
              + plan.masterHost()
              + " does not resolve: mpirun runs the ranks on localhost");
      built = onThisMachine(built, plan.masterHost());
    }
    List<String> command = withSshConfig(built, ssh == null ? null : ssh.config().toString());
    if (smddp && !plan.smddprunInstalled()) {
      log.warning(SmddpCommand.SMDDPRUN_MISSING_WARNING);
    }
    log.info(
        "Invoking script with the following command:\n\n" + CommandLine.render(command) + "\n");
    MpiOutputMonitor monitor = new MpiOutputMonitor(plan.hosts(), plan.processesPerHost());
    LostWorker lost = new LostWorker(Thread.currentThread());
    if (control != null) {
      control.onLost(lost::report);
    }
    ProcessResult result;
    try {
      result = processes.run(command, launch.codeDir(), launch.environment(), monitor);
    } catch (TrainingStoppedException e) {
      lost.done();
      tell(
          control,
          new JobOutcome(
              e.exitCode(),
              plan.masterHost(),
              -1,
              "the master was stopped: " + e.getMessage(),
              ""));
      throw e;
    } catch (ToolkitException e) {
      String lostHost = lost.done();
      if (lostHost != null) {
        String reason =
            "Lost contact with worker "
                + lostHost
                + " while mpirun ran: "
                + lost.reason()
                + "; mpirun was stopped";
        tell(control, new JobOutcome(1, lostHost, -1, reason, ""));
        throw new HostUnreachableException(lostHost, reason, e);
      }
      tell(
          control,
          new JobOutcome(
              1,
              plan.masterHost(),
              -1,
              "mpirun could not run on the master: " + e.getMessage(),
              ""));
      throw e;
    }
    lost.done();
    if (result.exitCode() == 0) {
      tell(control, JobOutcome.success());
      return;
    }
    JobOutcome outcome = monitor.failure(result.exitCode(), result.errorText());
    tell(control, outcome);
    throw new MpiJobFailedException(
        command,
        result.exitCode(),
        outcome.errorText(),
        outcome.summary(),
        outcome.failedRank() < 0 ? null : outcome.failedRank(),
        outcome.failedHost().isEmpty() ? null : outcome.failedHost());
  }

  private void tell(ControlServer control, JobOutcome outcome) {
    if (control != null) {
      control.finish(outcome);
    }
  }

  private void runWorker() throws ToolkitException {
    log.info(
        "Starting MPI run as worker node "
            + plan.currentHost()
            + " of master "
            + plan.masterHost()
            + ", job control channel "
            + keyDescription());
    JobOutcome outcome;
    try (SshDaemon sshd = SshDaemon.ensure(plan.currentHost(), settings, log, processes);
        ControlClient control =
            ControlClient.connect(
                plan.masterHost(),
                settings.controlPort(),
                channelKey,
                plan.currentHost(),
                settings.startupTimeout(),
                processes,
                log)) {
      String key = control.publicKey();
      if (key != null) {
        if (sshd.started()) {
          List<String> from = control.masterAddresses();
          sshd.authorize(key, from);
          log.info(
              "Authorized the master's SSH key for connections from "
                  + String.join(", ", from)
                  + " until the job ends");
        } else {
          log.info(
              "The job's SSH key is not added to the SSH daemon the toolkit did not start; its own"
                  + " authorized keys decide whether the master gets in");
        }
      }
      control.ready(sshd.hostKey());
      log.info("Waiting for the master " + plan.masterHost() + " to run the job");
      outcome = control.awaitEnd(settings.peerTimeout(), processes);
    }
    if (!outcome.succeeded()) {
      throw new DistributedJobFailedException(plan.masterHost(), outcome);
    }
    log.info(
        "MPI training job finished on every host (reported by the master "
            + plan.masterHost()
            + ")");
  }

  /**
   * Remembers the first worker lost while mpirun runs and interrupts the thread running it, which
   * the process runner answers by killing mpirun's process group.
   */
  private static final class LostWorker {
    private final Thread runner;
    private boolean running = true; // guarded by this
    private String host; // guarded by this
    private String reason; // guarded by this

    LostWorker(Thread runner) {
      this.runner = runner;
    }

    synchronized void report(String host, String reason) {
      if (running && this.host == null) {
        this.host = host;
        this.reason = reason;
        runner.interrupt();
      }
    }

    /** Ends the watch; clears an interrupt it caused. Returns the lost host, or null. */
    synchronized String done() {
      running = false;
      if (host != null) {
        Thread.interrupted();
      }
      return host;
    }

    synchronized String reason() {
      return reason;
    }
  }
}
