/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-cli"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#include "retort-cli-private.h"
#include "retort-engine-lib.h"
#include "retort-run-command.h"
#include "retort-table-lib.h"

#define COMMAND_NAME "run"

typedef struct
{
  RetortExperiment *experiment;
  RetortScheduler  *scheduler;
  GMainLoop        *loop;
  GCancellable     *cancellable;
  FILE             *status;      /* where status lines go: stderr with --json */
  gboolean          succeeded;
  GError           *error;
} RunContext;

static const char *
module_label (RetortExperiment *experiment,
              const char       *module_id,
              char            **storage)
{
  RetortModule *module = retort_experiment_find_module (experiment, module_id);

  *storage = g_strdup_printf ("%s (%s)", retort_module_get_title (module), module_id);
  return *storage;
}

static void
state_changed_cb (RetortScheduler   *scheduler,
                  const char        *module_id,
                  int                state,
                  RunContext        *ctx)
{
  g_autofree char *label = NULL;
  const GError *error = retort_scheduler_get_error (scheduler, module_id);

  module_label (ctx->experiment, module_id, &label);

  switch ((RetortModuleState) state)
    {
    case RETORT_MODULE_STATE_FINISHED:
      fprintf (ctx->status, "✓ %s  %.2f s\n", label,
               retort_scheduler_get_elapsed_us (scheduler, module_id) / 1e6);
      break;
    case RETORT_MODULE_STATE_CACHED:
      fprintf (ctx->status, "✓ %s  %s\n", label, _("cached"));
      break;
    case RETORT_MODULE_STATE_FAILED:
      {
        /* The first line here; the whole error (a traceback) at the end. */
        g_autofree char *message = g_strdup (error != NULL ? error->message : "");

        *strchrnul (message, '\n') = '\0';
        fprintf (ctx->status, "✗ %s  %s\n", label, message);
      }
      break;
    case RETORT_MODULE_STATE_NOT_RUN:
    case RETORT_MODULE_STATE_CANCELLED:
      fprintf (ctx->status, "– %s  %s\n", label,
               error != NULL ? error->message : retort_module_state_to_string (state));
      break;
    case RETORT_MODULE_STATE_QUEUED:
    case RETORT_MODULE_STATE_RUNNING:
    default:
      return;
    }
  fflush (ctx->status);
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  RunContext *ctx = user_data;

  ctx->succeeded = retort_scheduler_run_finish (RETORT_SCHEDULER (object), result, &ctx->error);
  g_main_loop_quit (ctx->loop);
}

static gboolean
interrupt_cb (gpointer user_data)
{
  RunContext *ctx = user_data;

  g_cancellable_cancel (ctx->cancellable);
  return G_SOURCE_CONTINUE;
}

static RetortModule *
find_module (RetortExperiment  *experiment,
             const char        *name,
             GError           **error)
{
  RetortModule *found = retort_experiment_find_module (experiment, name);
  guint n_found = 0;

  if (found != NULL)
    return found;

  for (guint i = 0; i < retort_experiment_get_n_modules (experiment); i++)
    {
      RetortModule *module = retort_experiment_get_module (experiment, i);

      if (g_strcmp0 (retort_module_get_title (module), name) == 0)
        {
          found = module;
          n_found++;
        }
    }

  if (n_found == 1)
    return found;

  g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
               n_found == 0 ? _("no module has the id or title “%s”")
                            : _("several modules have the title “%s”: use the module’s id"),
               name);
  return NULL;
}

/* MODULE.PARAM=VALUE: VALUE is JSON when it parses (numbers, true, lists),
 * else a string, so that --set m1.sql='SELECT 1' needs no JSON quoting. */
static gboolean
apply_setting (RetortExperiment  *experiment,
               const char        *setting,
               GError           **error)
{
  const char *equals = strchr (setting, '=');
  g_autofree char *target = NULL;
  const char *dot;
  g_autofree char *module_name = NULL;
  const char *param;
  const char *value;
  RetortModule *module;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;

  if (equals == NULL || (dot = memrchr (setting, '.', equals - setting)) == NULL
      || dot == setting || dot + 1 == equals)
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("“%s” is not MODULE.PARAMETER=VALUE"), setting);
      return FALSE;
    }

  target = g_strndup (setting, equals - setting);
  module_name = g_strndup (setting, dot - setting);
  param = target + (dot - setting) + 1;
  value = equals + 1;

  module = find_module (experiment, module_name, error);
  if (module == NULL)
    return FALSE;

  node = json_from_string (value, NULL);
  if (node != NULL
      && retort_experiment_set_parameter (experiment, retort_module_get_id (module), param, node,
                                          &local_error))
    return TRUE;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_clear_pointer (&node, json_node_unref);
      g_clear_error (&local_error);
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, value);
      if (retort_experiment_set_parameter (experiment, retort_module_get_id (module), param,
                                           node, &local_error))
        return TRUE;
    }

  g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "--set %s: ", setting);
  return FALSE;
}

/* A title as a folder name: no separators, not hidden. */
static char *
folder_name (const char *title)
{
  g_autofree char *name = g_strdup (title != NULL && title[0] != '\0' ? title : "module");

  g_strdelimit (name, "/\\", '_');
  if (name[0] == '.')
    name[0] = '_';

  return g_steal_pointer (&name);
}

static gboolean
write_file (const char  *dir,
            const char  *name,
            GBytes      *bytes,
            const char  *text,
            JsonBuilder *paths,
            GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  gsize size = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &size) : text;

  if (bytes == NULL)
    size = strlen (text);
  if (!g_file_set_contents (path, data != NULL ? data : "", size, error))
    return FALSE;
  json_builder_add_string_value (paths, path);

  return TRUE;
}

/* DIR/<module title>/output-N.csv, image-N.png, console.txt. */
static gboolean
write_module_outputs (RetortModuleRun  *run,
                      const char       *dir,
                      JsonBuilder      *paths,
                      GError          **error)
{
  const RetortModuleKind *kind = retort_module_run_get_kind (run);
  guint n_images = 0;
  g_autoptr(GString) console = g_string_new (NULL);
  gboolean has_device = FALSE;

  if (kind->n_outputs == 0)
    return TRUE;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  for (guint port = 0; port < kind->n_outputs; port++)
    {
      switch (kind->outputs[port].type)
        {
        case RETORT_PORT_DATASET:
          {
            RetortTable *table = retort_module_run_get_output_table (run, port);
            g_autofree char *name = g_strdup_printf ("output-%u.csv", port + 1);
            g_autofree char *path = g_build_filename (dir, name, NULL);

            if (table == NULL)
              break;
            /* No columns: an empty file, not a lone line end. */
            if (retort_table_get_n_columns (table) == 0)
              {
                if (!g_file_set_contents (path, "", 0, error))
                  return FALSE;
              }
            else if (!retort_csv_write_file (table, path, ',', error))
              return FALSE;
            json_builder_add_string_value (paths, path);
          }
          break;
        case RETORT_PORT_ZIP:
          {
            GBytes *bytes = retort_module_run_get_output_bytes (run, port);
            g_autofree char *name = g_strdup_printf ("output-%u.zip", port + 1);

            if (bytes != NULL && !write_file (dir, name, bytes, NULL, paths, error))
              return FALSE;
          }
          break;
        case RETORT_PORT_DEVICE:
          {
            GPtrArray *images = retort_module_run_get_output_images (run, port);
            const char *text = retort_module_run_get_output_console (run, port);

            has_device = TRUE;
            if (text != NULL)
              g_string_append (console, text);
            for (guint i = 0; images != NULL && i < images->len; i++)
              {
                g_autofree char *name = g_strdup_printf ("image-%u.png", ++n_images);

                if (!write_file (dir, name, g_ptr_array_index (images, i), NULL, paths, error))
                  return FALSE;
              }
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }

  if (has_device && !write_file (dir, "console.txt", NULL, console->str, paths, error))
    return FALSE;

  return TRUE;
}

static const char *
output_folder (RetortExperiment *experiment,
               RetortModule     *module,
               char            **storage)
{
  const char *title = retort_module_get_title (module);
  guint n_same = 0;
  g_autofree char *name = folder_name (title);

  /* Two modules with one title get their ids too, so neither overwrites
   * the other. */
  for (guint i = 0; i < retort_experiment_get_n_modules (experiment); i++)
    {
      if (g_strcmp0 (retort_module_get_title (retort_experiment_get_module (experiment, i)),
                     title) == 0)
        n_same++;
    }

  if (n_same > 1)
    *storage = g_strdup_printf ("%s (%s)", name, retort_module_get_id (module));
  else
    *storage = g_steal_pointer (&name);

  return *storage;
}

static gboolean
report_modules (RunContext   *ctx,
                const char   *output_dir,
                JsonBuilder  *builder,
                GError      **error)
{
  g_autoptr(GPtrArray) order = retort_experiment_topological_order (ctx->experiment);

  json_builder_set_member_name (builder, "modules");
  json_builder_begin_array (builder);
  for (guint i = 0; i < order->len; i++)
    {
      RetortModule *module = g_ptr_array_index (order, i);
      const char *id = retort_module_get_id (module);
      RetortModuleState state = retort_scheduler_get_state (ctx->scheduler, id);
      const GError *module_error = retort_scheduler_get_error (ctx->scheduler, id);
      RetortModuleRun *run = retort_scheduler_get_run (ctx->scheduler, id);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, id);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, retort_module_get_title (module));
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, retort_module_get_kind (module)->id);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, retort_module_state_to_string (state));
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder,
                                     retort_scheduler_get_elapsed_us (ctx->scheduler, id) / 1e6);
      json_builder_set_member_name (builder, "error");
      if (module_error != NULL)
        json_builder_add_string_value (builder, module_error->message);
      else
        json_builder_add_null_value (builder);

      json_builder_set_member_name (builder, "outputs");
      json_builder_begin_array (builder);
      if (output_dir != NULL && run != NULL
          && (state == RETORT_MODULE_STATE_FINISHED || state == RETORT_MODULE_STATE_CACHED))
        {
          g_autofree char *folder = NULL;
          g_autofree char *dir = g_build_filename (output_dir,
                                                   output_folder (ctx->experiment, module, &folder),
                                                   NULL);

          if (!write_module_outputs (run, dir, builder, error))
            return FALSE;
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return TRUE;
}

int
retort_run_command_run (int    argc,
                        char **argv)
{
  g_auto(GStrv) settings = NULL;
  g_autofree char *output_dir = NULL;
  gboolean json = FALSE;
  gboolean no_cache = FALSE;
  const GOptionEntry entries[] = {
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &settings,
      N_("Set a module’s parameter for this run (MODULE is its id or title; VALUE is JSON or "
         "text); may be repeated"), N_("MODULE.PARAM=VALUE") },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output_dir,
      N_("Write each module’s outputs to DIR/<module title>/ (output-N.csv, image-N.png, "
         "console.txt)"), N_("DIR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print a JSON report of every module on standard output"), NULL },
    { "no-cache", 0, 0, G_OPTION_ARG_NONE, &no_cache,
      N_("Run every module, neither reading nor writing cached outputs"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(RetortExperiment) experiment = NULL;
  g_autoptr(RetortScheduler) scheduler = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  RunContext ctx = { 0 };
  guint sigint_id, sigterm_id;
  int status;

  context = g_option_context_new (_("EXPERIMENT.retort"));
  g_option_context_set_summary (context,
                                _("Runs an experiment without a display: one line per module as "
                                  "it finishes.\nOutputs come from the cache when nothing they "
                                  "depend on changed.\nExits with status 1 when a module failed."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!_retort_cli_parse_options (context, COMMAND_NAME, &argc, &argv))
    return RETORT_CLI_EXIT_USAGE;

  if (argc != 2)
    return _retort_cli_usage_error (COMMAND_NAME, argc < 2 ? _("no experiment given")
                                                           : _("more than one experiment given"));

  file = g_file_new_for_commandline_arg (argv[1]);
  experiment = retort_experiment_load (file, &error);
  if (experiment == NULL)
    return _retort_cli_failure (COMMAND_NAME, error);

  for (guint i = 0; settings != NULL && settings[i] != NULL; i++)
    {
      if (!apply_setting (experiment, settings[i], &error))
        return _retort_cli_usage_error (COMMAND_NAME, "%s", error->message);
    }

  scheduler = retort_scheduler_new (experiment);
  if (no_cache)
    retort_scheduler_set_cache_dir (scheduler, NULL);

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  ctx.experiment = experiment;
  ctx.scheduler = scheduler;
  ctx.loop = loop;
  ctx.cancellable = cancellable;
  ctx.status = json ? stderr : stdout;

  g_signal_connect (scheduler, "state-changed", G_CALLBACK (state_changed_cb), &ctx);
  sigint_id = g_unix_signal_add (SIGINT, interrupt_cb, &ctx);
  sigterm_id = g_unix_signal_add (SIGTERM, interrupt_cb, &ctx);
  retort_scheduler_run_async (scheduler, NULL, cancellable, run_cb, &ctx);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "experiment");
  json_builder_add_string_value (builder, argv[1]);
  json_builder_set_member_name (builder, "succeeded");
  json_builder_add_boolean_value (builder, ctx.succeeded);
  json_builder_set_member_name (builder, "error");
  if (ctx.error != NULL)
    json_builder_add_string_value (builder, ctx.error->message);
  else
    json_builder_add_null_value (builder);
  status = RETORT_CLI_EXIT_SUCCESS;
  if (!report_modules (&ctx, output_dir, builder, &error))
    status = _retort_cli_failure (COMMAND_NAME, error);
  json_builder_end_object (builder);

  if (json)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      g_autofree char *text = NULL;

      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      if (!_retort_cli_write_stdout (text, strlen (text)) || !_retort_cli_write_stdout ("\n", 1))
        status = RETORT_CLI_EXIT_FAILURE;
    }

  if (!ctx.succeeded)
    {
      status = _retort_cli_failure (COMMAND_NAME, ctx.error);
      g_clear_error (&ctx.error);
    }

  return status;
}
