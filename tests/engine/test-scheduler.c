/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "retort-engine-lib.h"

typedef struct
{
  char             *cache_dir;
  RetortExperiment *experiment;
  RetortScheduler  *scheduler;
  GPtrArray        *events;     /* "id:state" strings, in order */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->cache_dir = g_dir_make_tmp ("retort-scheduler-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->experiment = retort_experiment_new ();
  fixture->events = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", fixture->cache_dir);

  g_clear_object (&fixture->scheduler);
  g_clear_object (&fixture->experiment);
  g_ptr_array_unref (fixture->events);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
  g_free (fixture->cache_dir);
}

static void
state_changed_cb (RetortScheduler *scheduler,
                  const char      *module_id,
                  int              state,
                  Fixture         *fixture)
{
  g_ptr_array_add (fixture->events,
                   g_strdup_printf ("%s:%s", module_id, retort_module_state_to_string (state)));
}

static RetortScheduler *
new_scheduler (Fixture *fixture)
{
  RetortScheduler *scheduler = retort_scheduler_new (fixture->experiment);

  retort_scheduler_set_cache_dir (scheduler, fixture->cache_dir);
  g_signal_connect (scheduler, "state-changed", G_CALLBACK (state_changed_cb), fixture);
  return scheduler;
}

static guint
count_events (Fixture    *fixture,
              const char *state)
{
  guint n = 0;

  for (guint i = 0; i < fixture->events->len; i++)
    {
      const char *event = g_ptr_array_index (fixture->events, i);

      if (g_str_equal (strchr (event, ':') + 1, state))
        n++;
    }
  return n;
}

static gboolean
has_event (Fixture      *fixture,
           RetortModule *module,
           const char   *state)
{
  g_autofree char *event = g_strdup_printf ("%s:%s", retort_module_get_id (module), state);

  for (guint i = 0; i < fixture->events->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (fixture->events, i), event))
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Wait;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = retort_scheduler_run_finish (RETORT_SCHEDULER (object), result, &wait->error);
  wait->done = TRUE;
}

static gboolean
run_sync (RetortScheduler  *scheduler,
          GCancellable     *cancellable,
          GError          **error)
{
  Wait wait = { 0 };

  retort_scheduler_run_async (scheduler, NULL, cancellable, run_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.ok;
}

static RetortModule *
add (Fixture    *fixture,
     const char *kind)
{
  g_autoptr(GError) error = NULL;
  RetortModule *module = retort_experiment_add_module (fixture->experiment, kind, 0, 0, &error);

  g_assert_no_error (error);
  return module;
}

static void
set_json (Fixture      *fixture,
          RetortModule *module,
          const char   *name,
          const char   *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (node);
  retort_experiment_set_parameter (fixture->experiment, retort_module_get_id (module), name, node,
                                   &error);
  g_assert_no_error (error);
}

static void
set_string (Fixture      *fixture,
            RetortModule *module,
            const char   *name,
            const char   *value)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autoptr(GError) error = NULL;

  json_node_set_string (node, value);
  retort_experiment_set_parameter (fixture->experiment, retort_module_get_id (module), name, node,
                                   &error);
  g_assert_no_error (error);
}

static void
connect (Fixture      *fixture,
         RetortModule *from,
         guint         from_port,
         RetortModule *to,
         guint         to_port)
{
  g_autoptr(GError) error = NULL;

  retort_experiment_connect (fixture->experiment, retort_module_get_id (from), from_port,
                             retort_module_get_id (to), to_port, &error);
  g_assert_no_error (error);
}

static RetortModule *
add_data (Fixture *fixture)
{
  RetortModule *module = add (fixture, "enter-data");

  set_string (fixture, module, "data", "a,b,c\n1,2,x\n3,4,y\n5,6,z\n");
  return module;
}

static RetortModule *
add_python (Fixture    *fixture,
            const char *body)
{
  RetortModule *module = add (fixture, "python-script");
  g_autofree char *script = g_strdup_printf ("import time\n\n"
                                             "def azureml_main(dataframe1=None, dataframe2=None):\n"
                                             "%s\n", body);

  set_string (fixture, module, "script", script);
  return module;
}

#define STATE(f, m) retort_scheduler_get_state ((f)->scheduler, retort_module_get_id (m))

static void
test_parallel (Fixture       *fixture,
               gconstpointer  data)
{
  RetortModule *one = add_python (fixture, "    return None");
  RetortModule *two = add_python (fixture, "    return None");
  g_autoptr(GError) error = NULL;
  gint64 start;
  double seconds;

  fixture->scheduler = new_scheduler (fixture);
  retort_scheduler_set_max_parallel (fixture->scheduler, 2);

  /* A first run starts the two runners: what is timed is the work. */
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_no_error (error);

  set_string (fixture, one, "script",
              "import time\n\ndef azureml_main(dataframe1=None, dataframe2=None):\n"
              "    time.sleep(1)\n    return None\n");
  set_string (fixture, two, "script",
              "import time\n\ndef azureml_main(dataframe1=None, dataframe2=None):\n"
              "    time.sleep(1.0)\n    return None\n");
  start = g_get_monotonic_time ();
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_no_error (error);
  seconds = (g_get_monotonic_time () - start) / 1e6;

  g_test_message ("two 1 s modules: %.2f s", seconds);
  g_assert_cmpfloat (seconds, <, 1.8);
  g_assert_cmpint (STATE (fixture, one), ==, RETORT_MODULE_STATE_FINISHED);
  g_assert_cmpint (STATE (fixture, two), ==, RETORT_MODULE_STATE_FINISHED);
}

/* prepare() starts the runner before any run, only for an experiment with
 * Python in it, and the first run uses that runner, already warm. */
static void
test_prepare (Fixture       *fixture,
              gconstpointer  data)
{
  RetortModule *script;
  g_autoptr(GError) error = NULL;
  RetortPythonRunner *python;
  gint64 start;
  GPid pid;

  add_data (fixture);
  fixture->scheduler = new_scheduler (fixture);
  g_assert_cmpint (retort_scheduler_prepare (fixture->scheduler), ==, 0);
  g_clear_object (&fixture->scheduler);

  script = add_python (fixture, "    return None");
  fixture->scheduler = new_scheduler (fixture);
  pid = retort_scheduler_prepare (fixture->scheduler);
  g_assert_cmpint (pid, >, 0);
  /* Again: the same runner. */
  g_assert_cmpint (retort_scheduler_prepare (fixture->scheduler), ==, pid);

  /* Once it is warm (its hello came), a run takes no startup. */
  g_usleep (3 * G_USEC_PER_SEC);
  start = g_get_monotonic_time ();
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("first run after prepare: %.0f ms", (g_get_monotonic_time () - start) / 1000.0);
  python = retort_module_run_get_python (retort_scheduler_get_run (fixture->scheduler,
                                                                   retort_module_get_id (script)));
  g_assert_nonnull (python);
  g_assert_cmpint (retort_python_runner_get_pid (python), ==, pid);
}

/* The console's pieces, "[stderr]" before those that came on stderr. */
static char *
console_pieces (RetortModuleRun *run)
{
  GString *pieces = g_string_new (NULL);
  gboolean is_stderr;
  const char *text;

  for (guint i = 0; (text = retort_module_run_get_console_chunk (run, i, &is_stderr)) != NULL; i++)
    g_string_append_printf (pieces, "%s%s", is_stderr ? "[stderr]" : "", text);
  return g_string_free (pieces, FALSE);
}

/* A cached script's console keeps its streams apart, as the run that
 * printed it did (a new scheduler reads it from the disk). */
static void
test_cache_console_streams (Fixture       *fixture,
                            gconstpointer  data)
{
  RetortModule *script = add_python (fixture,
                                     "    import sys\n"
                                     "    print('one', flush=True)\n"
                                     "    print('oops', file=sys.stderr, flush=True)\n"
                                     "    print('two', flush=True)\n"
                                     "    return None");
  const char *id = retort_module_get_id (script);
  g_autoptr(GError) error = NULL;
  g_autofree char *ran = NULL;
  g_autofree char *cached = NULL;

  fixture->scheduler = new_scheduler (fixture);
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_no_error (error);
  ran = console_pieces (retort_scheduler_get_run (fixture->scheduler, id));
  g_assert_nonnull (strstr (ran, "[stderr]oops\n"));

  g_clear_object (&fixture->scheduler);
  fixture->scheduler = new_scheduler (fixture);
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (STATE (fixture, script), ==, RETORT_MODULE_STATE_CACHED);
  cached = console_pieces (retort_scheduler_get_run (fixture->scheduler, id));
  g_assert_cmpstr (cached, ==, ran);
}

static void
test_cache (Fixture       *fixture,
            gconstpointer  data)
{
  RetortModule *source = add_data (fixture);
  RetortModule *select = add (fixture, "select-columns");
  RetortModule *script = add_python (fixture, "    return dataframe1 * 2,");
  RetortModule *other = add_data (fixture);
  g_autoptr(GError) error = NULL;
  RetortTable *table;

  set_json (fixture, select, "columns", "[\"a\", \"b\"]");
  connect (fixture, source, 0, select, 0);
  connect (fixture, select, 0, script, 0);

  fixture->scheduler = new_scheduler (fixture);
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_events (fixture, "running"), ==, 4);
  g_assert_cmpuint (count_events (fixture, "finished"), ==, 4);
  table = retort_module_run_get_output_table (retort_scheduler_get_run (fixture->scheduler,
                                                                        retort_module_get_id (script)), 0);
  g_assert_cmpuint (retort_table_get_n_columns (table), ==, 2);
  g_assert_cmpuint (retort_table_get_n_rows (table), ==, 3);

  /* Nothing changed: nothing runs. */
  g_ptr_array_set_size (fixture->events, 0);
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_events (fixture, "running"), ==, 0);
  g_assert_cmpuint (count_events (fixture, "cached"), ==, 4);
  g_assert_cmpint (retort_scheduler_get_elapsed_us (fixture->scheduler,
                                                    retort_module_get_id (script)), ==, 0);

  /* One parameter: that module and what is downstream of it. */
  g_ptr_array_set_size (fixture->events, 0);
  set_json (fixture, select, "columns", "[\"a\"]");
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_events (fixture, "running"), ==, 2);
  g_assert_cmpint (STATE (fixture, source), ==, RETORT_MODULE_STATE_CACHED);
  g_assert_cmpint (STATE (fixture, other), ==, RETORT_MODULE_STATE_CACHED);
  g_assert_cmpint (STATE (fixture, select), ==, RETORT_MODULE_STATE_FINISHED);
  g_assert_cmpint (STATE (fixture, script), ==, RETORT_MODULE_STATE_FINISHED);
  table = retort_module_run_get_output_table (retort_scheduler_get_run (fixture->scheduler,
                                                                        retort_module_get_id (script)), 0);
  g_assert_cmpuint (retort_table_get_n_columns (table), ==, 1);

  /* Reopening (a new scheduler) finds the outputs on disk. */
  g_clear_object (&fixture->scheduler);
  g_ptr_array_set_size (fixture->events, 0);
  fixture->scheduler = new_scheduler (fixture);
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_events (fixture, "running"), ==, 0);
  g_assert_cmpuint (count_events (fixture, "cached"), ==, 4);
  table = retort_module_run_get_output_table (retort_scheduler_get_run (fixture->scheduler,
                                                                        retort_module_get_id (script)), 0);
  g_assert_cmpuint (retort_table_get_n_columns (table), ==, 1);
  g_assert_cmpuint (retort_table_get_n_rows (table), ==, 3);
  g_assert_nonnull (retort_module_run_get_output_console (retort_scheduler_get_run (fixture->scheduler,
                                                                                    retort_module_get_id (script)), 1));

  /* Without a cache everything runs. */
  g_clear_object (&fixture->scheduler);
  g_ptr_array_set_size (fixture->events, 0);
  fixture->scheduler = new_scheduler (fixture);
  retort_scheduler_set_cache_dir (fixture->scheduler, NULL);
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_events (fixture, "running"), ==, 4);
}

static void
test_failure (Fixture       *fixture,
              gconstpointer  data)
{
  RetortModule *source = add_data (fixture);
  RetortModule *failing = add_python (fixture, "    x = 1\n    raise ValueError('boom')");
  RetortModule *after = add (fixture, "select-columns");
  RetortModule *independent = add_data (fixture);
  RetortModule *unconnected = add (fixture, "select-columns");
  g_autoptr(GError) error = NULL;
  RetortModuleRun *run;
  RetortScriptResult *result;
  g_autofree char *report = NULL;
  const GError *module_error;

  connect (fixture, source, 0, failing, 0);
  connect (fixture, failing, 0, after, 0);

  fixture->scheduler = new_scheduler (fixture);
  g_assert_false (run_sync (fixture->scheduler, NULL, &error));
  g_assert_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_FAILED);

  g_assert_cmpint (STATE (fixture, source), ==, RETORT_MODULE_STATE_FINISHED);
  g_assert_cmpint (STATE (fixture, independent), ==, RETORT_MODULE_STATE_FINISHED);
  g_assert_cmpint (STATE (fixture, failing), ==, RETORT_MODULE_STATE_FAILED);
  g_assert_cmpint (STATE (fixture, after), ==, RETORT_MODULE_STATE_NOT_RUN);
  g_assert_false (has_event (fixture, after, "running"));
  g_assert_error ((GError *) retort_scheduler_get_error (fixture->scheduler,
                                                         retort_module_get_id (after)),
                  RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_UPSTREAM);

  module_error = retort_scheduler_get_error (fixture->scheduler, retort_module_get_id (failing));
  g_assert_nonnull (module_error);
  run = retort_scheduler_get_run (fixture->scheduler, retort_module_get_id (failing));
  g_assert_nonnull (run);
  result = retort_module_run_get_script_result (run);
  g_assert_nonnull (result);
  g_assert_cmpint (retort_script_result_get_line (result), ==, 5);
  report = retort_script_result_format_error (result);
  g_assert_nonnull (strstr (report, "boom"));
  g_assert_nonnull (strstr (report, "line 5"));

  /* A required input left unconnected names the port. */
  g_assert_cmpint (STATE (fixture, unconnected), ==, RETORT_MODULE_STATE_FAILED);
  module_error = retort_scheduler_get_error (fixture->scheduler, retort_module_get_id (unconnected));
  g_assert_error ((GError *) module_error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_MISSING_INPUT);
  g_assert_nonnull (strstr (module_error->message, "Dataset"));

  /* Failures are not cached: the next run tries again. */
  g_ptr_array_set_size (fixture->events, 0);
  g_clear_error (&error);
  g_assert_false (run_sync (fixture->scheduler, NULL, &error));
  g_assert_true (has_event (fixture, failing, "running"));
}

/* Import Data's outputs depend on the file: editing the CSV re-runs it. */
static void
test_import_file_changed (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *csv = g_build_filename (fixture->cache_dir, "input.csv", NULL);
  RetortModule *import = add (fixture, "import-data");
  g_autoptr(GError) error = NULL;
  RetortTable *table;

  g_file_set_contents (csv, "a,b\n1,2\n", -1, &error);
  g_assert_no_error (error);
  set_string (fixture, import, "path", csv);
  fixture->scheduler = new_scheduler (fixture);
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_cmpint (STATE (fixture, import), ==, RETORT_MODULE_STATE_FINISHED);
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_cmpint (STATE (fixture, import), ==, RETORT_MODULE_STATE_CACHED);

  g_file_set_contents (csv, "a,b\n1,2\n3,4\n", -1, &error);
  g_assert_no_error (error);
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_cmpint (STATE (fixture, import), ==, RETORT_MODULE_STATE_FINISHED);
  table = retort_module_run_get_output_table (retort_scheduler_get_run (fixture->scheduler,
                                                                        retort_module_get_id (import)), 0);
  g_assert_cmpuint (retort_table_get_n_rows (table), ==, 2);
}

/* Export Data acts outside Retort: it runs every time. */
static void
test_export_always_runs (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *csv = g_build_filename (fixture->cache_dir, "exported.csv", NULL);
  RetortModule *source = add_data (fixture);
  RetortModule *export = add (fixture, "export-data");
  g_autoptr(GError) error = NULL;

  set_string (fixture, export, "path", csv);
  connect (fixture, source, 0, export, 0);
  fixture->scheduler = new_scheduler (fixture);
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_true (g_file_test (csv, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_unlink (csv), ==, 0);

  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (STATE (fixture, source), ==, RETORT_MODULE_STATE_CACHED);
  g_assert_cmpint (STATE (fixture, export), ==, RETORT_MODULE_STATE_FINISHED);
  g_assert_true (g_file_test (csv, G_FILE_TEST_IS_REGULAR));
}

/* Running some modules runs what they need and nothing else; one run at
 * a time. */
static void
test_subset (Fixture       *fixture,
             gconstpointer  data)
{
  RetortModule *source = add_data (fixture);
  RetortModule *select = add (fixture, "select-columns");
  RetortModule *other = add_data (fixture);
  const char *ids[] = { retort_module_get_id (select), NULL };
  g_autoptr(GError) error = NULL;
  Wait wait = { 0 };
  Wait busy = { 0 };

  set_json (fixture, select, "columns", "[\"b\"]");
  connect (fixture, source, 0, select, 0);
  fixture->scheduler = new_scheduler (fixture);

  retort_scheduler_run_async (fixture->scheduler, ids, NULL, run_cb, &wait);
  retort_scheduler_run_async (fixture->scheduler, NULL, NULL, run_cb, &busy);
  while (!wait.done || !busy.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
  g_assert_false (busy.ok);
  g_assert_error (busy.error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&busy.error);

  g_assert_cmpint (STATE (fixture, source), ==, RETORT_MODULE_STATE_FINISHED);
  g_assert_cmpint (STATE (fixture, select), ==, RETORT_MODULE_STATE_FINISHED);
  g_assert_cmpint (STATE (fixture, other), ==, RETORT_MODULE_STATE_NOT_RUN);
  g_assert_false (has_event (fixture, other, "queued"));
}

/* A run uses the parameters as they were when it started: an edit made
 * meanwhile is the next run's, and never stored under the old hash. */
static void
test_edit_while_running (Fixture       *fixture,
                         gconstpointer  data)
{
  RetortModule *source = add_data (fixture);
  RetortModule *select = add (fixture, "select-columns");
  g_autoptr(GError) error = NULL;
  Wait wait = { 0 };
  RetortTable *table;

  set_json (fixture, select, "columns", "[\"a\"]");
  connect (fixture, source, 0, select, 0);
  fixture->scheduler = new_scheduler (fixture);

  retort_scheduler_run_async (fixture->scheduler, NULL, NULL, run_cb, &wait);
  set_json (fixture, select, "columns", "[\"b\", \"c\"]");
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (wait.error);
  table = retort_module_run_get_output_table (retort_scheduler_get_run (fixture->scheduler,
                                                                        retort_module_get_id (select)), 0);
  g_assert_cmpstr (retort_table_get_column_name (table, 0), ==, "a");

  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_cmpint (STATE (fixture, select), ==, RETORT_MODULE_STATE_FINISHED);
  table = retort_module_run_get_output_table (retort_scheduler_get_run (fixture->scheduler,
                                                                        retort_module_get_id (select)), 0);
  g_assert_cmpuint (retort_table_get_n_columns (table), ==, 2);

  set_json (fixture, select, "columns", "[\"a\"]");
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_cmpint (STATE (fixture, select), ==, RETORT_MODULE_STATE_CACHED);
  table = retort_module_run_get_output_table (retort_scheduler_get_run (fixture->scheduler,
                                                                        retort_module_get_id (select)), 0);
  g_assert_cmpuint (retort_table_get_n_columns (table), ==, 1);
  g_assert_cmpstr (retort_table_get_column_name (table, 0), ==, "a");
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
cancel_when_running_cb (RetortScheduler *scheduler,
                        const char      *module_id,
                        int              state,
                        GCancellable    *cancellable)
{
  if (state == RETORT_MODULE_STATE_RUNNING)
    g_timeout_add (500, cancel_cb, cancellable);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  RetortModule *forever = add_python (fixture, "    while True:\n        pass");
  RetortModule *after = add (fixture, "select-columns");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Wait wait = { 0 };
  gint64 cancelled_at;
  double seconds;

  connect (fixture, forever, 0, after, 0);
  fixture->scheduler = new_scheduler (fixture);
  g_signal_connect (fixture->scheduler, "state-changed", G_CALLBACK (cancel_when_running_cb),
                    cancellable);

  retort_scheduler_run_async (fixture->scheduler, NULL, cancellable, run_cb, &wait);
  while (!g_cancellable_is_cancelled (cancellable))
    g_main_context_iteration (NULL, TRUE);
  cancelled_at = g_get_monotonic_time ();
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  seconds = (g_get_monotonic_time () - cancelled_at) / 1e6;

  g_test_message ("stopped %.2f s after cancel", seconds);
  g_assert_cmpfloat (seconds, <, 1.0);
  g_assert_false (wait.ok);
  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&wait.error);
  g_assert_cmpint (STATE (fixture, forever), ==, RETORT_MODULE_STATE_CANCELLED);
  g_assert_cmpint (STATE (fixture, after), ==, RETORT_MODULE_STATE_CANCELLED);
}

static void
test_states (Fixture       *fixture,
             gconstpointer  data)
{
  RetortModule *source = add_data (fixture);
  RetortModule *select = add (fixture, "select-columns");
  const char *id = retort_module_get_id (select);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mine = g_ptr_array_new ();

  set_json (fixture, select, "columns", "[\"a\"]");
  connect (fixture, source, 0, select, 0);
  fixture->scheduler = new_scheduler (fixture);
  run_sync (fixture->scheduler, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < fixture->events->len; i++)
    {
      const char *event = g_ptr_array_index (fixture->events, i);

      if (g_str_has_prefix (event, id) && event[strlen (id)] == ':')
        g_ptr_array_add (mine, (gpointer) (event + strlen (id) + 1));
    }
  g_assert_cmpuint (mine->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (mine, 0), ==, "queued");
  g_assert_cmpstr (g_ptr_array_index (mine, 1), ==, "running");
  g_assert_cmpstr (g_ptr_array_index (mine, 2), ==, "finished");
  g_assert_cmpint (retort_scheduler_get_elapsed_us (fixture->scheduler, id), >, 0);
}

static void
progress_cb (RetortScheduler *scheduler,
             const char      *module_id,
             double           fraction,
             GPtrArray       *reports)
{
  g_ptr_array_add (reports, g_strdup_printf ("%s:%.1f", module_id, fraction));
}

/* Every module reports its start (0) and end (1); a cached one its end. */
static void
test_progress (Fixture       *fixture,
               gconstpointer  data)
{
  RetortModule *source = add_data (fixture);
  RetortModule *select = add (fixture, "select-columns");
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *start = g_strdup_printf ("%s:0.0", retort_module_get_id (select));
  g_autofree char *end = g_strdup_printf ("%s:1.0", retort_module_get_id (select));
  g_autoptr(GError) error = NULL;

  set_json (fixture, select, "columns", "[\"a\"]");
  connect (fixture, source, 0, select, 0);
  fixture->scheduler = new_scheduler (fixture);
  g_signal_connect (fixture->scheduler, "progress", G_CALLBACK (progress_cb), reports);

  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reports->len, ==, 4);
  {
    guint start_index, end_index;

    g_assert_true (g_ptr_array_find_with_equal_func (reports, start, g_str_equal, &start_index));
    g_assert_true (g_ptr_array_find_with_equal_func (reports, end, g_str_equal, &end_index));
    g_assert_cmpuint (start_index, <, end_index);
  }

  g_ptr_array_set_size (reports, 0);
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reports->len, ==, 2);
  g_assert_true (g_ptr_array_find_with_equal_func (reports, end, g_str_equal, NULL));
}

static void
console_cb (RetortScheduler *scheduler,
            const char      *module_id,
            const char      *stream,
            const char      *text,
            GString         *console)
{
  g_string_append_printf (console, "%s %s %s", module_id, stream, text);
}

/* What a script prints reaches the scheduler's "console" signal live. */
static void
test_console (Fixture       *fixture,
              gconstpointer  data)
{
  RetortModule *script = add_python (fixture, "    print('hello console', flush=True)\n"
                                              "    return None");
  g_autoptr(GString) console = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_strdup_printf ("%s stdout hello console",
                                               retort_module_get_id (script));

  fixture->scheduler = new_scheduler (fixture);
  g_signal_connect (fixture->scheduler, "console", G_CALLBACK (console_cb), console);
  g_assert_true (run_sync (fixture->scheduler, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (console->str, expected));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cache_home = g_dir_make_tmp ("retort-cache-XXXXXX", NULL);
  int status;

  /* Nothing may land in the user's cache. */
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/scheduler/states", test_states);
  ADD ("/scheduler/progress", test_progress);
  ADD ("/scheduler/cache", test_cache);
  ADD ("/scheduler/prepare", test_prepare);
  ADD ("/scheduler/cache-console-streams", test_cache_console_streams);
  ADD ("/scheduler/failure", test_failure);
  ADD ("/scheduler/import-file-changed", test_import_file_changed);
  ADD ("/scheduler/export-always-runs", test_export_always_runs);
  ADD ("/scheduler/console", test_console);
  ADD ("/scheduler/subset", test_subset);
  ADD ("/scheduler/edit-while-running", test_edit_while_running);
  ADD ("/scheduler/parallel", test_parallel);
  ADD ("/scheduler/cancel", test_cancel);
#undef ADD

  status = g_test_run ();
  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", cache_home);

    g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  }
  return status;
}
