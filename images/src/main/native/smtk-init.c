/*
 * smtk-init: a minimal init for smtk images, run as PID 1 (the image's ENTRYPOINT).
 *
 * Why: as PID 1 the kernel delivers only signals that have a handler, and nobody adopts orphans. A
 * training job leaves orphans (MPI daemons, data loaders, shells that exit before their children), whose
 * zombies would fill the process table. smtk-init starts the command as its only child, forwards the
 * signals `docker stop` / StopTrainingJob send, reaps every zombie, and exits with the child's status
 * (128+N when signal N killed it), so the container's exit code is the toolkit's.
 *
 * When it is not PID 1 (an engine's own --init, a test), it makes itself the child subreaper, so orphans
 * still come to it to be reaped.
 *
 * usage: smtk-init [--] COMMAND [ARG...]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};

int main(int argc, char **argv) {
  int first = 1;
  if (argc > 1 && strcmp(argv[1], "--") == 0) {
    first = 2;
  }
  if (first >= argc) {
    fprintf(stderr, "smtk-init: usage: smtk-init [--] COMMAND [ARG...]\n");
    return 2;
  }

  if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    perror("smtk-init: prctl(PR_SET_CHILD_SUBREAPER)");
  }

  /* Block the signals we handle before forking, so none is lost between fork and sigwaitinfo. */
  sigset_t handled, previous;
  sigemptyset(&handled);
  sigaddset(&handled, SIGCHLD);
  for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
    sigaddset(&handled, forwarded[i]);
  }
  if (sigprocmask(SIG_BLOCK, &handled, &previous) != 0) {
    perror("smtk-init: sigprocmask");
    return 1;
  }

  pid_t child = fork();
  if (child < 0) {
    perror("smtk-init: fork");
    return 1;
  }
  if (child == 0) {
    sigprocmask(SIG_SETMASK, &previous, NULL);
    execvp(argv[first], &argv[first]);
    fprintf(stderr, "smtk-init: cannot run %s: %s\n", argv[first], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }

  for (;;) {
    siginfo_t info;
    int signal = sigwaitinfo(&handled, &info);
    if (signal < 0) {
      if (errno == EINTR) {
        continue;
      }
      perror("smtk-init: sigwaitinfo");
      return 1;
    }
    if (signal != SIGCHLD) {
      kill(child, signal);
      continue;
    }
    /* One SIGCHLD may stand for several exits: reap until none is left. */
    for (;;) {
      int status;
      pid_t reaped = waitpid(-1, &status, WNOHANG);
      if (reaped <= 0) {
        break;
      }
      if (reaped == child) {
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
    }
  }
}
