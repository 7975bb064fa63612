/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The scheduler's speed (issue 4, §7): a chain of 200 cheap modules (Enter
 * Data Manually, then Select Columns, Apply SQL Transformation and a
 * trivial Execute Python Script in turn) run end to end with an empty
 * cache; then the last module's parameter changes and the chain runs again:
 * only that module may run. Target: the re-run takes at most 5% of the
 * full run. */

#include "config.h"

#include <stdlib.h>

#include "retort-engine-lib.h"

#define N_MODULES 200

typedef struct
{
  gboolean done;
  GError  *error;
  guint    n_running;
} Wait;

static void
run_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Wait *wait = user_data;

  retort_scheduler_run_finish (RETORT_SCHEDULER (source), result, &wait->error);
  wait->done = TRUE;
}

static void
state_changed (RetortScheduler *scheduler,
               const char      *module_id,
               int              state,
               Wait            *wait)
{
  if (state == RETORT_MODULE_STATE_RUNNING)
    wait->n_running++;
}

/* Runs every module; returns the wall time in seconds and how many ran. */
static double
run (RetortScheduler *scheduler,
     guint           *n_ran)
{
  Wait wait = { 0 };
  gint64 start = g_get_monotonic_time ();
  gulong id = g_signal_connect (scheduler, "state-changed", G_CALLBACK (state_changed), &wait);

  retort_scheduler_run_async (scheduler, NULL, NULL, run_done, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (scheduler, id);
  if (wait.error != NULL)
    g_error ("the run failed: %s", wait.error->message);

  *n_ran = wait.n_running;
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
set_string (RetortExperiment *experiment,
            RetortModule     *module,
            const char       *name,
            const char       *value)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autoptr(GError) error = NULL;

  json_node_set_string (node, value);
  if (!retort_experiment_set_parameter (experiment, retort_module_get_id (module), name, node,
                                        &error))
    g_error ("%s", error->message);
}

static void
set_last (RetortExperiment *experiment,
          RetortModule     *module,
          const char       *change)
{
  const char *kind = retort_module_get_kind (module)->id;

  if (g_str_equal (kind, "select-columns"))
    {
      g_autoptr(JsonNode) node = json_from_string (change[0] == '\0' ? "[\"a\", \"b\", \"c\"]"
                                                                      : "[\"a\", \"b\"]", NULL);
      g_autoptr(GError) error = NULL;

      if (!retort_experiment_set_parameter (experiment, retort_module_get_id (module), "columns",
                                            node, &error))
        g_error ("%s", error->message);
    }
  else if (g_str_equal (kind, "sql"))
    {
      g_autofree char *query = g_strdup_printf ("SELECT * FROM t1;%s", change);

      set_string (experiment, module, "query", query);
    }
  else
    {
      g_autofree char *script = g_strdup_printf ("def azureml_main(dataframe1=None, "
                                                 "dataframe2=None):\n"
                                                 "    return dataframe1,\n%s", change);

      set_string (experiment, module, "script", script);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
  g_autoptr(RetortScheduler) scheduler = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = g_dir_make_tmp ("retort-bench-engine-XXXXXX", NULL);
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", cache);
  static const char * const kinds[] = { "select-columns", "sql", "python-script" };
  RetortModule *previous = NULL;
  double full, again;
  guint n_full, n_again;

  g_setenv ("RETORT_RUNNER", RETORT_BENCH_RUNNER, FALSE);

  for (guint i = 0; i < N_MODULES; i++)
    {
      const char *kind = i == 0 ? "enter-data" : kinds[(i - 1) % G_N_ELEMENTS (kinds)];
      RetortModule *module = retort_experiment_add_module (experiment, kind, 0, i * 80.0, &error);

      if (module == NULL)
        g_error ("%s", error->message);
      if (i == 0)
        set_string (experiment, module, "data", "a,b,c,d\n1,2.5,x,true\n2,3.5,y,false\n");
      else
        {
          set_last (experiment, module, "");
          if (!retort_experiment_connect (experiment, retort_module_get_id (previous), 0,
                                          retort_module_get_id (module), 0, &error))
            g_error ("%s", error->message);
        }
      previous = module;
    }

  scheduler = retort_scheduler_new (experiment);
  retort_scheduler_set_cache_dir (scheduler, cache);

  full = run (scheduler, &n_full);
  set_last (experiment, previous, "\n-- changed\n");
  if (g_str_equal (retort_module_get_kind (previous)->id, "python-script"))
    set_last (experiment, previous, "\n# changed\n");
  again = run (scheduler, &n_again);

  g_print ("engine: %u-module chain, full run: %.3f s (%u modules ran, %.1f ms each)\n",
           N_MODULES, full, n_full, full * 1000 / MAX (n_full, 1));
  g_print ("engine: re-run after changing the last module: %.4f s (%u module ran)\n",
           again, n_again);
  g_print ("engine: re-run / full run: %.2f%% (target: <= 5%%)\n", again * 100 / full);

  g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  return n_again == 1 && again <= full * 0.05 ? EXIT_SUCCESS : EXIT_FAILURE;
}
