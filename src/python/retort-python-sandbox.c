/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-python"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-python-sandbox.h"

RetortPythonSandboxMode
_retort_python_sandbox_choose (gboolean   enabled,
                               char     **program)
{
  const char *off = g_getenv ("RETORT_NO_SANDBOX");

  *program = NULL;

  if (!enabled || (off != NULL && g_str_equal (off, "1")))
    {
      g_message ("Python scripts run without a sandbox: turned off");
      return RETORT_PYTHON_SANDBOX_NONE;
    }

  /* Inside Flatpak the app is already in a bwrap sandbox, which cannot nest;
   * the portal starts a further-confined process instead. */
  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    {
      *program = g_find_program_in_path ("flatpak-spawn");
      if (*program != NULL)
        return RETORT_PYTHON_SANDBOX_FLATPAK;
      g_message ("Python scripts run without a sandbox: flatpak-spawn is not installed");
      return RETORT_PYTHON_SANDBOX_NONE;
    }

  *program = g_find_program_in_path ("bwrap");
  if (*program == NULL)
    {
      g_message ("Python scripts run without a sandbox: bubblewrap (bwrap) is not installed");
      return RETORT_PYTHON_SANDBOX_NONE;
    }

  return RETORT_PYTHON_SANDBOX_BWRAP;
}

static void
add (GPtrArray  *argv,
     const char *first,
     ...) G_GNUC_NULL_TERMINATED;

static void
add (GPtrArray  *argv,
     const char *first,
     ...)
{
  va_list args;

  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
}

static void
add_runner (GPtrArray          *argv,
            const char         *runner,
            const char * const *runner_args)
{
  g_ptr_array_add (argv, g_strdup (runner));
  for (guint i = 0; runner_args != NULL && runner_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (runner_args[i]));
}

static void
build_bwrap (GPtrArray          *argv,
             const char         *program,
             const char         *runner,
             const char * const *runner_args,
             const char         *session_dir,
             const char         *font_cache)
{
  g_autofree char *runner_dir = g_path_get_dirname (runner);

  /* PLATFORM.md: as root --cap-drop ALL is what keeps a script from
   * remounting / read-write; --unshare-all takes the network away. */
  add (argv, program,
       "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
       "--ro-bind", "/usr", "/usr",
       "--symlink", "usr/lib", "/lib",
       "--symlink", "usr/lib64", "/lib64",
       "--symlink", "usr/bin", "/bin",
       "--symlink", "usr/sbin", "/sbin",
       /* numpy's BLAS is a symlink into /etc/alternatives. */
       "--ro-bind", "/etc/alternatives", "/etc/alternatives",
       "--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache",
       /* Debian's matplotlib reads its defaults from /etc/matplotlibrc and
        * refuses to import without them; fonts where fontconfig is installed. */
       "--ro-bind-try", "/etc/matplotlibrc", "/etc/matplotlibrc",
       "--ro-bind-try", "/etc/fonts", "/etc/fonts",
       "--proc", "/proc",
       "--dev", "/dev",
       "--tmpfs", "/tmp",
       NULL);

  /* An uninstalled runner (build tree) must be visible at its own path. */
  if (!g_str_has_prefix (runner_dir, "/usr/"))
    add (argv, "--ro-bind", runner_dir, runner_dir, NULL);

  if (font_cache != NULL)
    add (argv, "--ro-bind", font_cache, font_cache,
         "--setenv", "RETORT_MPL_CACHE", font_cache, NULL);

  add (argv,
       "--bind", session_dir, session_dir,
       "--setenv", "HOME", session_dir,
       "--setenv", "TMPDIR", "/tmp",
       "--setenv", "MPLBACKEND", "Agg",
       "--unsetenv", "XDG_RUNTIME_DIR",
       "--unsetenv", "DBUS_SESSION_BUS_ADDRESS",
       "--unsetenv", "DISPLAY",
       "--unsetenv", "WAYLAND_DISPLAY",
       /* The sandbox's own root (a tmpfs) must not be a place to write to either. */
       "--remount-ro", "/",
       "--chdir", session_dir,
       "--",
       NULL);
  add_runner (argv, runner, runner_args);
}

/* Untestable here (no Flatpak runtime): kept to the documented options of
 * flatpak-spawn. The session directory must be in a place the app can
 * share, which inside Flatpak the temporary directory is not: the caller
 * puts it under $XDG_RUNTIME_DIR/app/$FLATPAK_ID. */
static void
build_flatpak (GPtrArray          *argv,
               const char         *program,
               const char         *runner,
               const char * const *runner_args,
               const char         *session_dir,
               const char         *font_cache)
{
  g_autofree char *expose = g_strdup_printf ("--sandbox-expose-path=%s", session_dir);
  g_autofree char *home = g_strdup_printf ("--env=HOME=%s", session_dir);
  g_autofree char *directory = g_strdup_printf ("--directory=%s", session_dir);

  add (argv, program, "--sandbox", "--no-network", "--watch-bus",
       expose, home, directory, "--env=MPLBACKEND=Agg", NULL);
  if (font_cache != NULL)
    {
      g_autofree char *expose_ro = g_strdup_printf ("--sandbox-expose-path-ro=%s", font_cache);
      g_autofree char *env = g_strdup_printf ("--env=RETORT_MPL_CACHE=%s", font_cache);

      add (argv, expose_ro, env, NULL);
    }
  add (argv, "--", NULL);
  add_runner (argv, runner, runner_args);
}

GStrv
_retort_python_sandbox_build_argv (RetortPythonSandboxMode  mode,
                                   const char              *program,
                                   const char              *runner,
                                   const char * const      *runner_args,
                                   const char              *session_dir,
                                   const char              *font_cache)
{
  GPtrArray *argv = g_ptr_array_new ();

  switch (mode)
    {
    case RETORT_PYTHON_SANDBOX_BWRAP:
      build_bwrap (argv, program, runner, runner_args, session_dir, font_cache);
      break;

    case RETORT_PYTHON_SANDBOX_FLATPAK:
      build_flatpak (argv, program, runner, runner_args, session_dir, font_cache);
      break;

    case RETORT_PYTHON_SANDBOX_NONE:
    default:
      add_runner (argv, runner, runner_args);
      break;
    }

  g_ptr_array_add (argv, NULL);
  return (GStrv) g_ptr_array_free (argv, FALSE);
}
