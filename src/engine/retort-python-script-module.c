/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "retort-module-run-private.h"

static const RetortPortSpec inputs[] = {
  { N_("Dataset1"), RETORT_PORT_DATASET, TRUE },
  { N_("Dataset2"), RETORT_PORT_DATASET, TRUE },
  { N_("Script Bundle"), RETORT_PORT_ZIP, TRUE },
};

static const RetortPortSpec outputs[] = {
  { N_("Result Dataset"), RETORT_PORT_DATASET, FALSE },
  { N_("Python Device"), RETORT_PORT_DEVICE, FALSE },
};

/* The script a new module starts with (a JSON string: it is the
 * parameter's default). */
#define TEMPLATE_JSON \
  "\"# The script must contain a function named azureml_main,\\n" \
  "# the entry point of this module.\\n" \
  "\\n" \
  "# Imports up here can be used anywhere in the script.\\n" \
  "import pandas as pd\\n" \
  "\\n" \
  "\\n" \
  "# The entry point takes up to two arguments:\\n" \
  "#   dataframe1: the dataset on input port 1 (Dataset1), a pandas DataFrame\\n" \
  "#   dataframe2: the dataset on input port 2 (Dataset2)\\n" \
  "# The first connected port is passed first; an unconnected one is None.\\n" \
  "# A zip on input port 3 (Script Bundle) is unpacked into ./Script Bundle,\\n" \
  "# which is on sys.path: `import my_module` finds the modules inside it.\\n" \
  "def azureml_main(dataframe1=None, dataframe2=None):\\n" \
  "\\n" \
  "    # Everything printed shows in the console of output port 2\\n" \
  "    # (Python Device), with every matplotlib figure and every PNG saved\\n" \
  "    # in the working directory.\\n" \
  "    print(f'Input pandas.DataFrame #1: {dataframe1}')\\n" \
  "\\n" \
  "    # Return a sequence whose first element is a pandas DataFrame: it\\n" \
  "    # becomes output port 1 (Result Dataset). Return None for no result.\\n" \
  "    return dataframe1,\\n\""

static const RetortParamSpec params[] = {
  { "script", N_("Python Script"), RETORT_PARAM_SCRIPT, TEMPLATE_JSON, NULL,
    N_("The script: azureml_main(dataframe1, dataframe2) returns the result dataset") },
  { "timeout", N_("Time Limit (s)"), RETORT_PARAM_INT, "600", NULL,
    N_("The script is stopped after this many seconds") },
  { "memory", N_("Memory Limit (MB)"), RETORT_PARAM_INT, "4096", NULL,
    N_("The script is stopped when it uses more memory than this") },
};

/* Console lines to the run they belong to. The runner emits "console"
 * without saying which run wrote it, but it runs them one at a time in the
 * order they were asked for: the oldest unfinished run of a runner is the
 * one writing. */
typedef struct
{
  GQueue runs;   /* RetortModuleRun*, not owned: each task holds its run */
} ConsoleRoute;

static void
console_route_free (gpointer data)
{
  ConsoleRoute *route = data;

  g_queue_clear (&route->runs);
  g_free (route);
}

static void
console_cb (RetortPythonRunner *runner,
            const char         *stream,
            const char         *text,
            gpointer            user_data)
{
  ConsoleRoute *route = user_data;
  RetortModuleRun *run = g_queue_peek_head (&route->runs);

  if (run != NULL)
    retort_module_run_console (run, stream, text);
}

static ConsoleRoute *
get_console_route (RetortPythonRunner *runner)
{
  ConsoleRoute *route = g_object_get_data (G_OBJECT (runner), "retort-console-route");

  if (route == NULL)
    {
      route = g_new0 (ConsoleRoute, 1);
      g_queue_init (&route->runs);
      g_object_set_data_full (G_OBJECT (runner), "retort-console-route", route,
                              console_route_free);
      g_signal_connect (runner, "console", G_CALLBACK (console_cb), route);
    }

  return route;
}

typedef struct
{
  RetortModuleRun    *run;
  RetortPythonRunner *runner;
  char               *bundle_path;
} PythonRun;

static void
python_run_free (gpointer data)
{
  PythonRun *state = data;

  if (state->bundle_path != NULL)
    g_unlink (state->bundle_path);
  g_free (state->bundle_path);
  g_object_unref (state->runner);
  retort_module_run_unref (state->run);
  g_free (state);
}

static void
python_done_cb (GObject      *object,
                GAsyncResult *async_result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PythonRun *state = g_task_get_task_data (task);
  RetortModuleRun *run = state->run;
  ConsoleRoute *route = get_console_route (state->runner);
  g_autoptr(RetortScriptResult) result = NULL;
  GError *error = NULL;

  g_queue_remove (&route->runs, run);

  result = retort_python_runner_run_finish (state->runner, async_result, &error);
  if (result == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  retort_module_run_set_script_result (run, result);
  /* What the script printed before it failed helps to see why. */
  retort_module_run_set_output_device (run, 1, retort_script_result_get_console (result),
                                       retort_script_result_get_images (result));

  if (retort_script_result_get_failed (result))
    {
      const GError *script_error = retort_script_result_get_error (result);
      g_autofree char *report = retort_script_result_format_error (result);

      g_task_return_new_error (task, script_error->domain, script_error->code, "%s",
                               report != NULL ? report : script_error->message);
      return;
    }

  retort_module_run_set_output_table (run, 0, retort_script_result_get_table (result));
  g_task_return_boolean (task, TRUE);
}

static char *
write_bundle (GBytes  *bundle,
              GError **error)
{
  g_autofree char *path = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bundle, &size);
  int fd;

  fd = g_file_open_tmp ("retort-bundle-XXXXXX.zip", &path, error);
  if (fd < 0)
    return NULL;
  close (fd);
  if (!g_file_set_contents (path, data != NULL ? data : "", size, error))
    {
      g_unlink (path);
      return NULL;
    }

  return g_steal_pointer (&path);
}

static void
python_script_run_async (RetortModuleRun     *run,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  const char *script = retort_module_run_get_string (run, "script");
  g_autoptr(RetortScriptJob) job = retort_script_job_new (script != NULL ? script : "");
  g_autofree char *script_name = g_strdup_printf ("%s.py", retort_module_run_get_module_id (run));
  RetortPythonRunner *runner = retort_module_run_get_python (run);
  GBytes *bundle = retort_module_run_get_input_bytes (run, 2);
  gint64 timeout = retort_module_run_get_int (run, "timeout");
  gint64 memory = retort_module_run_get_int (run, "memory");
  GTask *task;
  PythonRun *state;
  GError *error = NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, python_script_run_async);

  if (runner == NULL)
    {
      /* Without a scheduler to share one, the run gets its own. */
      g_autoptr(RetortPythonRunner) own = retort_python_runner_new ();

      retort_module_run_set_python (run, own);
      runner = own;
    }

  state = g_new0 (PythonRun, 1);
  state->run = retort_module_run_ref (run);
  state->runner = g_object_ref (runner);
  g_task_set_task_data (task, state, python_run_free);

  /* Tracebacks name the script as the document stores it. */
  retort_script_job_set_script_name (job, script_name);
  retort_script_job_set_input (job, 1, retort_module_run_get_input_table (run, 0));
  retort_script_job_set_input (job, 2, retort_module_run_get_input_table (run, 1));
  if (timeout > 0)
    retort_script_job_set_timeout (job, MIN (timeout, G_MAXUINT));
  if (memory > 0)
    retort_script_job_set_memory_limit (job, MIN (memory, G_MAXUINT));
  if (bundle != NULL)
    {
      state->bundle_path = write_bundle (bundle, &error);
      if (state->bundle_path == NULL)
        {
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
      retort_script_job_set_bundle (job, state->bundle_path);
    }

  g_queue_push_tail (&get_console_route (runner)->runs, run);
  retort_python_runner_run_async (runner, job, cancellable, python_done_cb, task);
}

const RetortModuleKind retort_python_script_module_kind = {
  .id = "python-script",
  .title = N_("Execute Python Script"),
  .category = N_("Python Language"),
  .description = N_("Runs azureml_main(dataframe1, dataframe2) on up to two datasets"),
  .icon_name = "retort-script-symbolic",
  .inputs = inputs,
  .n_inputs = G_N_ELEMENTS (inputs),
  .outputs = outputs,
  .n_outputs = G_N_ELEMENTS (outputs),
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .run_async = python_script_run_async,
  .run_finish = _retort_module_run_task_finish,
};
