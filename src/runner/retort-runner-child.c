/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-runner"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <glib-unix.h>

#include "retort-runner-child.h"
#include "retort-runner-protocol.h"
#include "retort-runner-python.h"

/* The status of a child whose harness failed before it could answer. */
#define EXIT_HARNESS_FAILED 70

static int
open_pidfd (GPid pid)
{
#ifdef SYS_pidfd_open
  int fd = syscall (SYS_pidfd_open, pid, 0);

  if (fd >= 0)
    fcntl (fd, F_SETFD, FD_CLOEXEC);
  return fd;
#else
  return -1;
#endif
}

static void
write_all_or_exit (int         fd,
                   const char *data,
                   gsize       size)
{
  while (size > 0)
    {
      ssize_t n = write (fd, data, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        _exit (EXIT_HARNESS_FAILED);
      data += n;
      size -= n;
    }
}

/* The limit counts what the script adds: the warm server already maps
 * hundreds of MB of address space (libraries, BLAS buffers) that a plain
 * RLIMIT_AS of memory_mb would leave no room beyond. */
static void
limit_memory (guint64 memory_mb)
{
  struct rlimit limit;
  unsigned long long pages = 0;
  FILE *statm;

  if (memory_mb == 0)
    return;
  statm = fopen ("/proc/self/statm", "r");
  if (statm != NULL)
    {
      if (fscanf (statm, "%llu", &pages) != 1)
        pages = 0;
      fclose (statm);
    }
  if (pages == 0)
    {
      /* Without /proc (a sandbox that does not mount it) the baseline is
       * unknown, and a limit of memory_mb alone would fail every run. */
      g_printerr ("retort-runner: /proc/self/statm is unreadable; no memory limit\n");
      return;
    }
  limit.rlim_cur = limit.rlim_max = pages * (guint64) sysconf (_SC_PAGESIZE)
                                    + memory_mb * 1024 * 1024;
  setrlimit (RLIMIT_AS, &limit);
}

G_GNUC_NORETURN static void
run_in_child (const char *request_json,
              guint64     memory_mb,
              int         stdout_fd,
              int         stderr_fd,
              int         event_fd)
{
  g_autofree char *answer = NULL;

  /* fd 1 and 2 themselves, so that C libraries and subprocesses write to the
   * console too, not only Python's sys.stdout. */
  if (dup2 (stdout_fd, STDOUT_FILENO) < 0 || dup2 (stderr_fd, STDERR_FILENO) < 0)
    _exit (EXIT_HARNESS_FAILED);
  close (stdout_fd);
  close (stderr_fd);
  setvbuf (stdout, NULL, _IOLBF, 0);

  limit_memory (memory_mb);

  answer = retort_runner_python_run (request_json);
  fflush (NULL);
  if (answer == NULL)
    _exit (EXIT_HARNESS_FAILED);
  write_all_or_exit (event_fd, answer, strlen (answer));
  /* No atexit handlers, no Python finalization: this process is disposable
   * and shares its state with the server. */
  _exit (0);
}

RetortRunnerChild *
retort_runner_child_spawn (const char  *request_json,
                           guint64      memory_mb,
                           const int   *inherited_fds,
                           guint        n_inherited_fds,
                           GError     **error)
{
  int out_pipe[2], err_pipe[2], event_pipe[2];
  RetortRunnerChild *child;
  GPid pid;

  if (!g_unix_open_pipe (out_pipe, FD_CLOEXEC, error))
    return NULL;
  if (!g_unix_open_pipe (err_pipe, FD_CLOEXEC, error))
    {
      close (out_pipe[0]);
      close (out_pipe[1]);
      return NULL;
    }
  if (!g_unix_open_pipe (event_pipe, FD_CLOEXEC, error))
    {
      close (out_pipe[0]);
      close (out_pipe[1]);
      close (err_pipe[0]);
      close (err_pipe[1]);
      return NULL;
    }

  retort_runner_python_before_fork ();
  pid = fork ();
  if (pid == 0)
    {
      retort_runner_python_after_fork (TRUE);
      /* Its own process group, so that cancel and timeout also kill what
       * the script started. */
      setpgid (0, 0);
      for (guint i = 0; i < n_inherited_fds; i++)
        close (inherited_fds[i]);
      close (out_pipe[0]);
      close (err_pipe[0]);
      close (event_pipe[0]);
      run_in_child (request_json, memory_mb, out_pipe[1], err_pipe[1], event_pipe[1]);
    }
  retort_runner_python_after_fork (FALSE);

  close (out_pipe[1]);
  close (err_pipe[1]);
  close (event_pipe[1]);

  if (pid < 0)
    {
      int saved_errno = errno;

      close (out_pipe[0]);
      close (err_pipe[0]);
      close (event_pipe[0]);
      g_set_error (error, RETORT_RUNNER_ERROR, RETORT_RUNNER_ERROR_IO,
                   "Could not start a Python process: %s", g_strerror (saved_errno));
      return NULL;
    }

  /* Also here: a kill right after fork must not miss the group. */
  setpgid (pid, pid);

  child = g_new0 (RetortRunnerChild, 1);
  child->pid = pid;
  child->pidfd = open_pidfd (pid);
  child->stdout_fd = out_pipe[0];
  child->stderr_fd = err_pipe[0];
  child->event_fd = event_pipe[0];
  child->fd_socket = -1;
  g_unix_set_fd_nonblocking (child->stdout_fd, TRUE, NULL);
  g_unix_set_fd_nonblocking (child->stderr_fd, TRUE, NULL);
  g_unix_set_fd_nonblocking (child->event_fd, TRUE, NULL);
  return child;
}

void
retort_runner_child_kill (RetortRunnerChild *child)
{
  if (kill (-child->pid, SIGKILL) < 0)
    kill (child->pid, SIGKILL);
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

void
retort_runner_child_free (RetortRunnerChild *child)
{
  if (child == NULL)
    return;
  close_fd (&child->pidfd);
  close_fd (&child->stdout_fd);
  close_fd (&child->stderr_fd);
  close_fd (&child->event_fd);
  close_fd (&child->fd_socket);
  g_free (child);
}
