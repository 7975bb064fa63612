/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-cli"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "retort-cli-private.h"
#include "retort-python-lib.h"
#include "retort-script-command.h"
#include "retort-table-lib.h"

#define COMMAND_NAME "script"

typedef struct
{
  GMainLoop          *loop;
  RetortScriptResult *result;
  GError             *error;
  gboolean            stdout_failed;
} ScriptRun;

static void
console_cb (RetortPythonRunner *runner,
            const char         *stream,
            const char         *text,
            ScriptRun          *run)
{
  /* Both streams go to stdout as they arrive, as a terminal would show them;
   * stderr is kept for this command's own messages. */
  if (!run->stdout_failed && !_retort_cli_write_stdout (text, strlen (text)))
    run->stdout_failed = TRUE;
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  ScriptRun *run = user_data;

  run->result = retort_python_runner_run_finish (RETORT_PYTHON_RUNNER (object), result,
                                                 &run->error);
  g_main_loop_quit (run->loop);
}

static RetortTable *
read_input (const char  *path,
            GError     **error)
{
  RetortCsvOptions options;

  retort_csv_options_init (&options);
  return retort_csv_read_file (path, &options, error);
}

static gboolean
write_outputs (const char          *dir,
               RetortScriptResult  *result,
               GError             **error)
{
  RetortTable *table = retort_script_result_get_table (result);
  GPtrArray *images = retort_script_result_get_images (result);
  const char *console = retort_script_result_get_console (result);
  g_autofree char *csv = g_build_filename (dir, "result.csv", NULL);
  g_autofree char *log = g_build_filename (dir, "log.txt", NULL);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  if (!g_file_set_contents (log, console, -1, error))
    return FALSE;

  if (retort_script_result_get_failed (result))
    return TRUE;

  /* No columns (None or an empty sequence returned): an empty file, not
   * a lone line end, so that "nothing" reads back as nothing. */
  if (retort_table_get_n_columns (table) == 0)
    {
      if (!g_file_set_contents (csv, "", 0, error))
        return FALSE;
    }
  else if (!retort_csv_write_file (table, csv, ',', error))
    return FALSE;

  for (guint i = 0; i < images->len; i++)
    {
      GBytes *png = g_ptr_array_index (images, i);
      g_autofree char *name = g_strdup_printf ("image-%u.png", i + 1);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      gsize size = 0;
      const char *data = g_bytes_get_data (png, &size);

      if (!g_file_set_contents (path, data, size, error))
        return FALSE;
    }

  return TRUE;
}

int
retort_script_command_run (int    argc,
                           char **argv)
{
  g_autofree char *in1 = NULL;
  g_autofree char *in2 = NULL;
  g_autofree char *bundle = NULL;
  g_autofree char *out = NULL;
  int timeout = RETORT_SCRIPT_JOB_DEFAULT_TIMEOUT_S;
  int memory = RETORT_SCRIPT_JOB_DEFAULT_MEMORY_MB;
  gboolean no_sandbox = FALSE;
  const GOptionEntry entries[] = {
    { "in1", 0, 0, G_OPTION_ARG_FILENAME, &in1, N_("Dataset1: a CSV file"), N_("FILE.csv") },
    { "in2", 0, 0, G_OPTION_ARG_FILENAME, &in2, N_("Dataset2: a CSV file"), N_("FILE.csv") },
    { "bundle", 0, 0, G_OPTION_ARG_FILENAME, &bundle,
      N_("Script Bundle: a zip unpacked next to the script and importable"), N_("FILE.zip") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out,
      N_("Write result.csv, image-1.png… and log.txt to DIR (without it nothing is written)"),
      N_("DIR") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, N_("Wall-time limit (default 600)"),
      N_("SECONDS") },
    { "memory", 0, 0, G_OPTION_ARG_INT, &memory, N_("Memory limit (default 4096)"), N_("MB") },
    { "no-sandbox", 0, 0, G_OPTION_ARG_NONE, &no_sandbox,
      N_("Run the script without the bubblewrap sandbox"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(RetortPythonRunner) runner = NULL;
  g_autoptr(RetortScriptJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *script = NULL;
  g_autofree char *script_name = NULL;
  ScriptRun run = { 0 };
  int status;

  context = g_option_context_new (_("SCRIPT.py"));
  g_option_context_set_summary (context,
                                _("Runs an Execute Python Script module's script: its azureml_main "
                                  "gets the datasets as pandas DataFrames.\nConsole output is "
                                  "printed as it comes; a script error exits with status 1 and "
                                  "its traceback on stderr.\nA result of None writes an empty "
                                  "result.csv."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!_retort_cli_parse_options (context, COMMAND_NAME, &argc, &argv))
    return RETORT_CLI_EXIT_USAGE;

  if (argc != 2)
    return _retort_cli_usage_error (COMMAND_NAME, argc < 2 ? _("no script given")
                                                           : _("more than one script given"));
  if (timeout <= 0)
    return _retort_cli_usage_error (COMMAND_NAME, _("--timeout must be a positive number of seconds"));
  if (memory <= 0)
    return _retort_cli_usage_error (COMMAND_NAME, _("--memory must be a positive number of megabytes"));

  if (!g_file_get_contents (argv[1], &script, NULL, &error))
    return _retort_cli_failure (COMMAND_NAME, error);
  if (!g_utf8_validate (script, -1, NULL))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is not UTF-8 text"), argv[1]);
      return _retort_cli_failure (COMMAND_NAME, error);
    }

  job = retort_script_job_new (script);
  script_name = g_path_get_basename (argv[1]);
  retort_script_job_set_script_name (job, script_name);
  retort_script_job_set_timeout (job, timeout);
  retort_script_job_set_memory_limit (job, memory);
  if (bundle != NULL)
    {
      if (!g_file_test (bundle, G_FILE_TEST_IS_REGULAR))
        return _retort_cli_usage_error (COMMAND_NAME, _("the bundle “%s” is not a file"), bundle);
      retort_script_job_set_bundle (job, bundle);
    }

  for (guint port = 1; port <= 2; port++)
    {
      const char *path = port == 1 ? in1 : in2;
      g_autoptr(RetortTable) table = NULL;

      if (path == NULL)
        continue;
      table = read_input (path, &error);
      if (table == NULL)
        return _retort_cli_failure (COMMAND_NAME, error);
      retort_script_job_set_input (job, port, table);
    }

  runner = retort_python_runner_new ();
  if (no_sandbox)
    retort_python_runner_set_sandbox_enabled (runner, FALSE);

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  g_signal_connect (runner, "console", G_CALLBACK (console_cb), &run);
  retort_python_runner_run_async (runner, job, NULL, run_cb, &run);
  g_main_loop_run (loop);

  if (run.result == NULL)
    {
      status = _retort_cli_failure (COMMAND_NAME, run.error);
      g_clear_error (&run.error);
      return status;
    }

  status = RETORT_CLI_EXIT_SUCCESS;
  if (out != NULL && !write_outputs (out, run.result, &error))
    status = _retort_cli_failure (COMMAND_NAME, error);

  if (retort_script_result_get_failed (run.result))
    {
      g_autofree char *report = retort_script_result_format_error (run.result);

      g_printerr ("%s", report);
      status = RETORT_CLI_EXIT_FAILURE;
    }
  else if (run.stdout_failed)
    status = RETORT_CLI_EXIT_FAILURE;

  g_clear_pointer (&run.result, retort_script_result_unref);
  return status;
}
