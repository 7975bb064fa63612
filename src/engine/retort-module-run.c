/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "retort-experiment.h"
#include "retort-module-run-private.h"
#include "retort-parameter-private.h"

typedef struct
{
  RetortTable *table;
  GBytes      *bytes;
  char        *console;
  GPtrArray   *images;
} Port;

struct _RetortModuleRun
{
  gatomicrefcount         ref_count;
  const RetortModuleKind *kind;
  char                   *module_id;
  char                   *title;
  /* Every parameter of the kind, defaults filled in, so getters never
   * need the kind's specs (and a run is a complete snapshot). */
  JsonObject             *parameters;
  RetortExperiment       *experiment;
  GFile                  *base_dir;
  Port                   *inputs;
  Port                   *outputs;
  /* Outputs may be set from a kind's worker thread while the scheduler
   * looks at other runs; one lock keeps the ports consistent. */
  GMutex                  mutex;
  RetortPythonRunner     *python;
  RetortConsoleFunc       console_func;
  gpointer                console_data;
  /* What the run printed as it ran, a ConsoleChunk per change of stream. */
  GPtrArray              *console_chunks;
  RetortProgressFunc      progress_func;
  gpointer                progress_data;
  GMainContext           *progress_context;
  RetortScriptResult     *script_result;
};

typedef struct
{
  gboolean  is_stderr;
  GString  *text;
} ConsoleChunk;

static void
console_chunk_free (ConsoleChunk *chunk)
{
  g_string_free (chunk->text, TRUE);
  g_free (chunk);
}

static void
port_clear (Port *port)
{
  g_clear_pointer (&port->table, retort_table_unref);
  g_clear_pointer (&port->bytes, g_bytes_unref);
  g_clear_pointer (&port->console, g_free);
  g_clear_pointer (&port->images, g_ptr_array_unref);
}

RetortModuleRun *
retort_module_run_new (const RetortModuleKind *kind,
                       const char             *module_id,
                       const char             *title,
                       JsonObject             *parameters,
                       RetortExperiment       *experiment)
{
  RetortModuleRun *run;

  g_return_val_if_fail (kind != NULL, NULL);

  run = g_new0 (RetortModuleRun, 1);
  g_atomic_ref_count_init (&run->ref_count);
  g_mutex_init (&run->mutex);
  run->kind = kind;
  run->module_id = g_strdup (module_id != NULL ? module_id : kind->id);
  run->title = g_strdup (title != NULL ? title : _(kind->title));
  run->parameters = json_object_new ();
  if (parameters != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, parameters);
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (run->parameters, name, json_node_copy (value));
    }
  for (guint i = 0; i < kind->n_params; i++)
    {
      const RetortParamSpec *spec = &kind->params[i];
      JsonNode *value;

      if (json_object_has_member (run->parameters, spec->name))
        continue;
      value = json_from_string (spec->default_json, NULL);
      if (value != NULL)
        json_object_set_member (run->parameters, spec->name, value);
    }

  if (experiment != NULL)
    {
      GFile *file = retort_experiment_get_file (experiment);

      run->experiment = g_object_ref (experiment);
      if (file != NULL)
        run->base_dir = g_file_get_parent (file);
    }

  run->inputs = g_new0 (Port, MAX (kind->n_inputs, 1));
  run->outputs = g_new0 (Port, MAX (kind->n_outputs, 1));

  return run;
}

RetortModuleRun *
retort_module_run_ref (RetortModuleRun *run)
{
  g_return_val_if_fail (run != NULL, NULL);

  g_atomic_ref_count_inc (&run->ref_count);
  return run;
}

void
retort_module_run_unref (RetortModuleRun *run)
{
  g_return_if_fail (run != NULL);

  if (!g_atomic_ref_count_dec (&run->ref_count))
    return;

  for (guint i = 0; i < run->kind->n_inputs; i++)
    port_clear (&run->inputs[i]);
  for (guint i = 0; i < run->kind->n_outputs; i++)
    port_clear (&run->outputs[i]);
  g_free (run->inputs);
  g_free (run->outputs);
  g_free (run->module_id);
  g_free (run->title);
  json_object_unref (run->parameters);
  g_clear_object (&run->experiment);
  g_clear_object (&run->base_dir);
  g_clear_object (&run->python);
  g_clear_pointer (&run->script_result, retort_script_result_unref);
  g_clear_pointer (&run->console_chunks, g_ptr_array_unref);
  g_clear_pointer (&run->progress_context, g_main_context_unref);
  g_mutex_clear (&run->mutex);
  g_free (run);
}

const RetortModuleKind *
retort_module_run_get_kind (RetortModuleRun *run)
{
  return run->kind;
}

const char *
retort_module_run_get_module_id (RetortModuleRun *run)
{
  return run->module_id;
}

const char *
retort_module_run_get_title (RetortModuleRun *run)
{
  return run->title;
}

JsonObject *
retort_module_run_get_parameters (RetortModuleRun *run)
{
  return run->parameters;
}

static JsonNode *
get_value (RetortModuleRun *run,
           const char      *name)
{
  JsonNode *node = json_object_get_member (run->parameters, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  return node;
}

const char *
retort_module_run_get_string (RetortModuleRun *run,
                              const char      *name)
{
  return _retort_parameter_string (get_value (run, name));
}

gint64
retort_module_run_get_int (RetortModuleRun *run,
                           const char      *name)
{
  return _retort_parameter_int (get_value (run, name));
}

double
retort_module_run_get_double (RetortModuleRun *run,
                              const char      *name)
{
  return _retort_parameter_double (get_value (run, name));
}

gboolean
retort_module_run_get_bool (RetortModuleRun *run,
                            const char      *name)
{
  return _retort_parameter_bool (get_value (run, name));
}

char **
retort_module_run_dup_strv (RetortModuleRun *run,
                            const char      *name)
{
  return _retort_parameter_dup_strv (get_value (run, name));
}

static void
replace_table (RetortModuleRun  *run,
               RetortTable     **slot,
               RetortTable      *table)
{
  g_mutex_lock (&run->mutex);
  g_clear_pointer (slot, retort_table_unref);
  if (table != NULL)
    *slot = retort_table_ref (table);
  g_mutex_unlock (&run->mutex);
}

static void
replace_bytes (RetortModuleRun  *run,
               GBytes          **slot,
               GBytes           *bytes)
{
  g_mutex_lock (&run->mutex);
  g_clear_pointer (slot, g_bytes_unref);
  if (bytes != NULL)
    *slot = g_bytes_ref (bytes);
  g_mutex_unlock (&run->mutex);
}

void
retort_module_run_set_input_table (RetortModuleRun *run,
                                   guint            port,
                                   RetortTable     *table)
{
  g_return_if_fail (port < run->kind->n_inputs);

  replace_table (run, &run->inputs[port].table, table);
}

void
retort_module_run_set_input_bytes (RetortModuleRun *run,
                                   guint            port,
                                   GBytes          *zip)
{
  g_return_if_fail (port < run->kind->n_inputs);

  replace_bytes (run, &run->inputs[port].bytes, zip);
}

RetortTable *
retort_module_run_get_input_table (RetortModuleRun *run,
                                   guint            port)
{
  g_return_val_if_fail (port < run->kind->n_inputs, NULL);

  return run->inputs[port].table;
}

GBytes *
retort_module_run_get_input_bytes (RetortModuleRun *run,
                                   guint            port)
{
  g_return_val_if_fail (port < run->kind->n_inputs, NULL);

  return run->inputs[port].bytes;
}

GBytes *
retort_module_run_get_dataset (RetortModuleRun *run,
                               const char      *name)
{
  if (run->experiment == NULL || name == NULL)
    return NULL;

  return retort_experiment_get_dataset (run->experiment, name);
}

GFile *
retort_module_run_get_base_dir (RetortModuleRun *run)
{
  return run->base_dir;
}

void
retort_module_run_set_python (RetortModuleRun    *run,
                              RetortPythonRunner *python)
{
  g_set_object (&run->python, python);
}

RetortPythonRunner *
retort_module_run_get_python (RetortModuleRun *run)
{
  return run->python;
}

void
retort_module_run_set_output_table (RetortModuleRun *run,
                                    guint            port,
                                    RetortTable     *table)
{
  g_return_if_fail (port < run->kind->n_outputs);

  replace_table (run, &run->outputs[port].table, table);
}

void
retort_module_run_set_output_bytes (RetortModuleRun *run,
                                    guint            port,
                                    GBytes          *zip)
{
  g_return_if_fail (port < run->kind->n_outputs);

  replace_bytes (run, &run->outputs[port].bytes, zip);
}

void
retort_module_run_set_output_device (RetortModuleRun *run,
                                     guint            port,
                                     const char      *console,
                                     GPtrArray       *images)
{
  Port *out;

  g_return_if_fail (port < run->kind->n_outputs);

  g_mutex_lock (&run->mutex);
  out = &run->outputs[port];
  g_clear_pointer (&out->console, g_free);
  g_clear_pointer (&out->images, g_ptr_array_unref);
  out->console = g_strdup (console != NULL ? console : "");
  out->images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = 0; images != NULL && i < images->len; i++)
    g_ptr_array_add (out->images, g_bytes_ref (g_ptr_array_index (images, i)));
  g_mutex_unlock (&run->mutex);
}

RetortTable *
retort_module_run_get_output_table (RetortModuleRun *run,
                                    guint            port)
{
  g_return_val_if_fail (port < run->kind->n_outputs, NULL);

  return run->outputs[port].table;
}

GBytes *
retort_module_run_get_output_bytes (RetortModuleRun *run,
                                    guint            port)
{
  g_return_val_if_fail (port < run->kind->n_outputs, NULL);

  return run->outputs[port].bytes;
}

const char *
retort_module_run_get_output_console (RetortModuleRun *run,
                                      guint            port)
{
  g_return_val_if_fail (port < run->kind->n_outputs, NULL);

  return run->outputs[port].console;
}

GPtrArray *
retort_module_run_get_output_images (RetortModuleRun *run,
                                     guint            port)
{
  g_return_val_if_fail (port < run->kind->n_outputs, NULL);

  return run->outputs[port].images;
}

void
retort_module_run_set_console_func (RetortModuleRun   *run,
                                    RetortConsoleFunc  func,
                                    gpointer           user_data)
{
  run->console_func = func;
  run->console_data = user_data;
}

static void
record_console (RetortModuleRun *run,
                gboolean         is_stderr,
                const char      *text,
                gsize            length)
{
  ConsoleChunk *last;

  if (length == 0)
    return;

  if (run->console_chunks == NULL)
    run->console_chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) console_chunk_free);
  last = run->console_chunks->len > 0
         ? g_ptr_array_index (run->console_chunks, run->console_chunks->len - 1)
         : NULL;
  if (last == NULL || last->is_stderr != is_stderr)
    {
      last = g_new0 (ConsoleChunk, 1);
      last->is_stderr = is_stderr;
      last->text = g_string_new (NULL);
      g_ptr_array_add (run->console_chunks, last);
    }
  g_string_append_len (last->text, text, (gssize) length);
}

void
retort_module_run_console (RetortModuleRun *run,
                           const char      *stream,
                           const char      *text)
{
  if (text != NULL)
    record_console (run, g_strcmp0 (stream, "stderr") == 0, text, strlen (text));

  if (run->console_func != NULL)
    run->console_func (run, stream, text, run->console_data);
}

GArray *
_retort_module_run_dup_stderr_ranges (RetortModuleRun *run,
                                      const char      *console)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint64 offset = 0;
  gsize length;

  if (run->console_chunks == NULL || console == NULL)
    return NULL;

  length = strlen (console);
  for (guint i = 0; i < run->console_chunks->len; i++)
    {
      ConsoleChunk *chunk = g_ptr_array_index (run->console_chunks, i);

      if (offset + chunk->text->len > length
          || memcmp (console + offset, chunk->text->str, chunk->text->len) != 0)
        return NULL;
      if (chunk->is_stderr)
        {
          guint64 end = offset + chunk->text->len;

          g_array_append_val (ranges, offset);
          g_array_append_val (ranges, end);
        }
      offset += chunk->text->len;
    }
  if (offset != length)
    return NULL;

  return g_steal_pointer (&ranges);
}

void
_retort_module_run_restore_console (RetortModuleRun *run,
                                    const char      *console,
                                    GArray          *ranges)
{
  gsize length = strlen (console), offset = 0;

  g_clear_pointer (&run->console_chunks, g_ptr_array_unref);
  for (guint i = 0; i + 1 < ranges->len; i += 2)
    {
      guint64 start = g_array_index (ranges, guint64, i);
      guint64 end = g_array_index (ranges, guint64, i + 1);

      if (start < offset || end < start || end > length)
        break;
      record_console (run, FALSE, console + offset, start - offset);
      record_console (run, TRUE, console + start, end - start);
      offset = end;
    }
  record_console (run, FALSE, console + offset, length - offset);
}

const char *
retort_module_run_get_console_chunk (RetortModuleRun *run,
                                     guint            index,
                                     gboolean        *is_stderr)
{
  ConsoleChunk *chunk;

  if (run->console_chunks == NULL || index >= run->console_chunks->len)
    return NULL;

  chunk = g_ptr_array_index (run->console_chunks, index);
  if (is_stderr != NULL)
    *is_stderr = chunk->is_stderr;
  return chunk->text->str;
}

void
retort_module_run_set_progress_func (RetortModuleRun    *run,
                                     RetortProgressFunc  func,
                                     gpointer            user_data)
{
  run->progress_func = func;
  run->progress_data = user_data;
  g_clear_pointer (&run->progress_context, g_main_context_unref);
  run->progress_context = g_main_context_ref_thread_default ();
}

typedef struct
{
  RetortModuleRun *run;
  double           fraction;
} ProgressReport;

static gboolean
report_progress (gpointer data)
{
  ProgressReport *report = data;

  if (report->run->progress_func != NULL)
    report->run->progress_func (report->run, report->fraction, report->run->progress_data);

  return G_SOURCE_REMOVE;
}

static void
progress_report_free (gpointer data)
{
  ProgressReport *report = data;

  retort_module_run_unref (report->run);
  g_free (report);
}

void
retort_module_run_set_progress (RetortModuleRun *run,
                                double           fraction)
{
  ProgressReport *report;

  if (run->progress_func == NULL)
    return;

  /* Kinds report from their worker threads; the scheduler listens on its
   * main context. */
  report = g_new0 (ProgressReport, 1);
  report->run = retort_module_run_ref (run);
  report->fraction = CLAMP (fraction, 0.0, 1.0);
  g_main_context_invoke_full (run->progress_context, G_PRIORITY_DEFAULT, report_progress,
                              report, progress_report_free);
}

void
retort_module_run_set_script_result (RetortModuleRun    *run,
                                     RetortScriptResult *result)
{
  g_clear_pointer (&run->script_result, retort_script_result_unref);
  if (result != NULL)
    run->script_result = retort_script_result_ref (result);
}

RetortScriptResult *
retort_module_run_get_script_result (RetortModuleRun *run)
{
  return run->script_result;
}

/* Helpers for the kinds ---------------------------------------------------- */

const char * const _retort_delimiter_choices[] = { "auto", ",", ";", "tab", "|", NULL };
const char * const _retort_write_delimiter_choices[] = { ",", ";", "tab", "|", NULL };

static void
thread_func (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  RetortModuleRun *run = task_data;
  RetortModuleThreadFunc func = g_object_get_data (G_OBJECT (task), "retort-func");
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (func (run, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static GTask *
new_task (RetortModuleRun        *run,
          gpointer                source_tag,
          RetortModuleThreadFunc  func,
          GCancellable           *cancellable,
          GAsyncReadyCallback     callback,
          gpointer                user_data)
{
  /* A run is no GObject: the task has no source object, and the run
   * travels as its data. */
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, retort_module_run_ref (run),
                        (GDestroyNotify) retort_module_run_unref);
  g_object_set_data (G_OBJECT (task), "retort-func", func);

  return task;
}

void
_retort_module_run_in_thread (RetortModuleRun        *run,
                              gpointer                source_tag,
                              RetortModuleThreadFunc  func,
                              GCancellable           *cancellable,
                              GAsyncReadyCallback     callback,
                              gpointer                user_data)
{
  g_autoptr(GTask) task = new_task (run, source_tag, func, cancellable, callback, user_data);

  g_task_run_in_thread (task, thread_func);
}

void
_retort_module_run_in_place (RetortModuleRun        *run,
                             gpointer                source_tag,
                             RetortModuleThreadFunc  func,
                             GCancellable           *cancellable,
                             GAsyncReadyCallback     callback,
                             gpointer                user_data)
{
  g_autoptr(GTask) task = new_task (run, source_tag, func, cancellable, callback, user_data);

  thread_func (task, NULL, run, cancellable);
}

gboolean
_retort_module_run_task_finish (RetortModuleRun  *run,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

RetortTable *
_retort_module_run_require_table (RetortModuleRun  *run,
                                  guint             port,
                                  GError          **error)
{
  RetortTable *table = retort_module_run_get_input_table (run, port);

  if (table == NULL)
    g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_MISSING_INPUT,
                 _("Input %u (%s) of “%s” is not connected: connect a dataset to it"),
                 port + 1, _(run->kind->inputs[port].name), run->title);

  return table;
}

char *
_retort_module_run_resolve_path (RetortModuleRun  *run,
                                 const char       *param,
                                 GError          **error)
{
  const char *path = retort_module_run_get_string (run, param);
  g_autofree char *cwd = NULL;

  if (path == NULL || path[0] == '\0')
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("“%s” has no file: set its “%s” parameter"), run->title, param);
      return NULL;
    }
  if (g_path_is_absolute (path))
    return g_strdup (path);
  if (run->base_dir != NULL)
    {
      g_autoptr(GFile) file = g_file_resolve_relative_path (run->base_dir, path);

      return g_file_get_path (file);
    }

  cwd = g_get_current_dir ();
  return g_build_filename (cwd, path, NULL);
}

char
_retort_module_run_get_delimiter (RetortModuleRun *run,
                                  const char      *param)
{
  const char *text = retort_module_run_get_string (run, param);

  if (text == NULL || text[0] == '\0' || g_str_equal (text, "auto"))
    return 0;
  if (g_str_equal (text, "tab") || g_str_equal (text, "\\t"))
    return '\t';

  return text[0];
}
