/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `retort script` as a user runs it: the real executable, no display,
 * the real runner ($RETORT_RUNNER). */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "retort-test-command.h"

static char *
write_file (const char *dir,
            const char *name,
            const char *content)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, content, -1, NULL));
  return path;
}

static char *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *content = NULL;

  if (!g_file_get_contents (path, &content, NULL, NULL))
    return NULL;
  return content;
}

static char *tmp_dir;

static void
test_success (void)
{
  g_autofree char *csv = write_file (tmp_dir, "in.csv", "a,b\n1,x\n2,y\n");
  g_autofree char *script = write_file (tmp_dir, "ok.py",
    "import matplotlib.pyplot as plt\n"
    "def azureml_main(df):\n"
    "    print('rows', len(df))\n"
    "    plt.plot(df['a'])\n"
    "    return df.assign(c=df['a'] * 10),\n");
  g_autofree char *out = g_build_filename (tmp_dir, "out", NULL);
  g_autoptr(RetortTestResult) run = retort_test_run_retort ("script", script, "--in1", csv, "--out", out, NULL);
  g_autofree char *result = NULL;
  g_autofree char *log = NULL;
  g_autofree char *png = NULL;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->out, ==, "rows 2\n");
  result = read_file (out, "result.csv");
  g_assert_cmpstr (result, ==, "a,b,c\n1,x,10\n2,y,20\n");
  log = read_file (out, "log.txt");
  g_assert_cmpstr (log, ==, "rows 2\n");
  png = read_file (out, "image-1.png");
  g_assert_nonnull (png);
  g_assert_true (g_str_has_prefix (png, "\x89PNG"));
}

static void
test_empty_result (void)
{
  g_autofree char *script = write_file (tmp_dir, "none.py", "def azureml_main():\n    return None\n");
  g_autofree char *out = g_build_filename (tmp_dir, "out-empty", NULL);
  g_autoptr(RetortTestResult) run = retort_test_run_retort ("script", script, "--out", out, "--no-sandbox", NULL);
  g_autofree char *result = NULL;

  g_assert_cmpint (run->status, ==, 0);
  /* None gives an empty file: no header, no line end. */
  result = read_file (out, "result.csv");
  g_assert_cmpstr (result, ==, "");
}

static void
test_script_error (void)
{
  g_autofree char *script = write_file (tmp_dir, "broken.py",
    "def azureml_main():\n"
    "    print('about to fail')\n"
    "    return {}['missing']\n");
  g_autoptr(RetortTestResult) run = retort_test_run_retort ("script", script, NULL);

  g_assert_cmpint (run->status, ==, 1);
  g_assert_true (g_str_has_prefix (run->out, "about to fail\n"));
  g_assert_nonnull (strstr (run->err, "Error 0085: Error during evaluation of script."));
  g_assert_nonnull (strstr (run->err, "File \"broken.py\", line 3, in azureml_main"));
  g_assert_nonnull (strstr (run->err, "KeyError"));
  g_assert_nonnull (strstr (run->err, "line 3\n"));
}

static void
test_bad_arguments (void)
{
  g_autoptr(RetortTestResult) none = retort_test_run_retort ("script", NULL);
  g_autoptr(RetortTestResult) unknown = retort_test_run_retort ("script", "--frobnicate", "x.py", NULL);
  g_autoptr(RetortTestResult) timeout = retort_test_run_retort ("script", "x.py", "--timeout", "0", NULL);
  g_autoptr(RetortTestResult) missing = NULL;
  g_autofree char *script = write_file (tmp_dir, "fine.py", "def azureml_main():\n    pass\n");

  g_assert_cmpint (none->status, ==, 2);
  g_assert_cmpint (unknown->status, ==, 2);
  g_assert_cmpint (timeout->status, ==, 2);
  g_assert_nonnull (strstr (timeout->err, "--timeout"));

  /* A missing input is a failure naming the file, not a usage error. */
  missing = retort_test_run_retort ("script", script, "--in1", "/nonexistent/in.csv", NULL);
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_nonnull (strstr (missing->err, "/nonexistent/in.csv"));
}

/* Run from the build tree without RETORT_RUNNER, `retort` finds the
 * runner built beside it (as build-aux/dev run and developers do). */
static void
test_finds_build_runner (void)
{
  g_autofree char *script = write_file (tmp_dir, "hello.py",
    "def azureml_main():\n"
    "    print('hello from the build tree')\n");
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_subprocess_launcher_unsetenv (launcher, "RETORT_RUNNER");
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("RETORT_EXE"), "script",
                                         script, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("stderr: %s", err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_cmpstr (out, ==, "hello from the build tree\n");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("retort-script-test-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/script-command/success", test_success);
  g_test_add_func ("/script-command/finds-build-runner", test_finds_build_runner);
  g_test_add_func ("/script-command/empty-result", test_empty_result);
  g_test_add_func ("/script-command/script-error", test_script_error);
  g_test_add_func ("/script-command/bad-arguments", test_bad_arguments);

  status = g_test_run ();

  {
    g_autofree char *quoted = g_shell_quote (tmp_dir);
    g_autofree char *command = g_strdup_printf ("rm -rf %s", quoted);

    g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  }
  g_free (tmp_dir);

  return status;
}
