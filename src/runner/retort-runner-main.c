/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-runner"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "retort-runner-protocol.h"
#include "retort-runner-python.h"
#include "retort-runner-server.h"

/* matplotlib's font cache takes about a second to build. A sandboxed runner
 * gets a prebuilt one (RETORT_MPL_CACHE, read-only) and copies it into a
 * private, writable MPLCONFIGDIR, because matplotlib wants to write there. */
static char *
use_prebuilt_font_cache (const char *cache_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *config_dir = NULL;
  const char *name;

  config_dir = g_dir_make_tmp ("retort-mpl-XXXXXX", &error);
  if (config_dir == NULL)
    {
      g_warning ("No private matplotlib directory: %s", error->message);
      return NULL;
    }

  dir = g_dir_open (cache_dir, 0, &error);
  if (dir == NULL)
    g_warning ("The prebuilt font cache is not usable: %s", error->message);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *from = NULL;
      g_autofree char *to = NULL;
      g_autofree char *contents = NULL;
      gsize size;

      if (!g_str_has_prefix (name, "fontlist") || !g_str_has_suffix (name, ".json"))
        continue;
      from = g_build_filename (cache_dir, name, NULL);
      to = g_build_filename (config_dir, name, NULL);
      if (!g_file_get_contents (from, &contents, &size, &error)
          || !g_file_set_contents (to, contents, size, &error))
        {
          g_warning ("Could not copy %s: %s", from, error->message);
          g_clear_error (&error);
        }
    }

  g_setenv ("MPLCONFIGDIR", config_dir, TRUE);
  return g_steal_pointer (&config_dir);
}

static void
remove_private_dir (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_remove (child);
    }
  g_rmdir (path);
}

/* Nothing Python or a library prints may reach the protocol: it moves to
 * private descriptors (not inherited by anything exec'd), fd 1 becomes a
 * second stderr and fd 0 reads nothing. */
static gboolean
take_protocol_fds (int *in_fd,
                   int *out_fd)
{
  int null_fd;

  *in_fd = fcntl (STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
  *out_fd = fcntl (STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (*in_fd < 0 || *out_fd < 0)
    return FALSE;
  if (dup2 (STDERR_FILENO, STDOUT_FILENO) < 0)
    return FALSE;
  null_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0 || dup2 (null_fd, STDIN_FILENO) < 0)
    return FALSE;
  close (null_fd);
  return TRUE;
}

/* The descriptor named by --fd-channel, when it is a unix socket; -1
 * otherwise. Tables then cross as descriptors (every input and the result
 * may bring hundreds: the soft limit of open files goes up to the hard one). */
static int
check_fd_channel (const char *text)
{
  struct rlimit limit;
  gint64 fd;
  int type = 0;
  socklen_t length = sizeof type;

  if (!g_ascii_string_to_signed (text, 10, 3, G_MAXINT, &fd, NULL) ||
      getsockopt ((int) fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0 ||
      type != SOCK_SEQPACKET)
    return -1;
  fcntl ((int) fd, F_SETFD, FD_CLOEXEC);
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
  return (int) fd;
}

static int
prepare_font_cache (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) versions = NULL;

  if (g_mkdir_with_parents (dir, 0755) < 0)
    {
      g_printerr ("retort-runner: cannot create %s: %s\n", dir, g_strerror (errno));
      return EXIT_FAILURE;
    }
  g_setenv ("MPLCONFIGDIR", dir, TRUE);
  versions = retort_runner_python_start (&error);
  if (versions == NULL)
    {
      g_printerr ("retort-runner: %s\n", error->message);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) hello = NULL;
  g_autofree char *private_mpl_dir = NULL;
  const char *cache_dir;
  int in_fd, out_fd;
  int fd_channel = -1;
  gboolean ok;

  /* A vanished client must end us through a failed write, not a signal. */
  signal (SIGPIPE, SIG_IGN);
  g_setenv ("MPLBACKEND", "Agg", TRUE);

  if (argc == 3 && g_str_equal (argv[1], "--prepare-font-cache"))
    return prepare_font_cache (argv[2]);
  if (argc == 3 && g_str_equal (argv[1], "--fd-channel"))
    fd_channel = check_fd_channel (argv[2]);
  if ((argc != 1 && fd_channel < 0) || argc > 3)
    {
      g_printerr ("Usage: retort-runner [--prepare-font-cache DIR | --fd-channel FD]\n"
                  "Speaks doc/runner-protocol.md on its standard input and output;\n"
                  "with --fd-channel, passes tables as descriptors over the unix socket FD.\n");
      return EXIT_FAILURE;
    }

  if (!take_protocol_fds (&in_fd, &out_fd))
    {
      g_printerr ("retort-runner: cannot set up the protocol descriptors: %s\n",
                  g_strerror (errno));
      return EXIT_FAILURE;
    }

  cache_dir = g_getenv ("RETORT_MPL_CACHE");
  if (cache_dir != NULL && *cache_dir != '\0')
    private_mpl_dir = use_prebuilt_font_cache (cache_dir);

  hello = retort_runner_python_start (&error);
  if (hello == NULL)
    {
      g_autoptr(JsonObject) failure = json_object_new ();

      json_object_set_string_member (failure, "type", "error");
      json_object_set_string_member (failure, "kind", "internal");
      json_object_set_string_member (failure, "text", error->message);
      retort_runner_send (out_fd, failure, NULL);
      g_printerr ("retort-runner: %s\n", error->message);
      remove_private_dir (private_mpl_dir);
      return EXIT_FAILURE;
    }

  json_object_set_string_member (hello, "type", "hello");
  json_object_set_int_member (hello, "protocol", RETORT_RUNNER_PROTOCOL_VERSION);
  json_object_set_int_member (hello, "pid", getpid ());
  json_object_set_boolean_member (hello, "fd_passing", fd_channel >= 0);
  ok = retort_runner_send (out_fd, hello, &error)
       && retort_runner_server_run (in_fd, out_fd, fd_channel, &error);
  if (!ok)
    g_printerr ("retort-runner: %s\n", error->message);

  remove_private_dir (private_mpl_dir);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
