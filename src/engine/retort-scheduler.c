/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "retort-output-cache.h"
#include "retort-scheduler.h"

/* Changes whenever what a hash is made of changes, so that old entries are
 * never mistaken for new ones. */
#define CACHE_KEY_VERSION 1

typedef struct
{
  RetortModuleState  state;
  RetortModuleRun   *run;         /* the last run: outputs, Python details */
  GError            *error;
  gint64             elapsed_us;
  char              *hash;        /* of the outputs @run holds, when it has them */
} Entry;

struct _RetortScheduler
{
  GObject            parent_instance;

  RetortExperiment  *experiment;
  char              *cache_dir;
  guint              max_parallel;
  GHashTable        *entries;      /* module id -> Entry */
  /* Warm Python runners, at most one per parallel slot: a runner runs one
   * script at a time, so independent Python modules need one each to run
   * side by side; each stays up between runs and between scheduler runs. */
  GPtrArray         *runners;
  GPtrArray         *idle_runners;
  GTask             *task;         /* the run in progress (weak) */
};

G_DEFINE_FINAL_TYPE (RetortScheduler, retort_scheduler, G_TYPE_OBJECT)

enum {
  SIGNAL_STATE_CHANGED,
  SIGNAL_CONSOLE,
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One module of the run in progress. */
typedef struct _Pending Pending;
struct _Pending
{
  RetortModule       *module;
  const char         *id;
  /* As they were when the run started: edits made while it runs must not
   * be stored under the hash of what was there before. */
  JsonObject         *parameters;
  char               *hash;
  gboolean            cacheable;
  guint               n_waiting;    /* sources not done yet */
  GPtrArray          *sources;      /* Pending* per input port, or NULL (not connected) */
  GPtrArray          *downstream;   /* Pending*, once per connection */
  gboolean            considered;
  gboolean            done;
  gboolean            ok;           /* done with outputs */
  RetortModuleRun    *run;
  GCancellable       *cancellable;
  RetortPythonRunner *python;
  gint64              started_us;
};

typedef struct
{
  RetortScheduler *self;
  GHashTable      *pending;         /* module id -> Pending */
  GPtrArray       *order;           /* Pending*, topological */
  GQueue           ready;           /* queued Pending* */
  guint            n_running;
  guint            n_remaining;     /* not done */
  guint            n_writes;        /* cache entries being written */
  GError          *first_error;
  GCancellable    *cancellable;
  gulong           cancelled_id;
  gint             cancelled;       /* atomic */
  gboolean         completed;
} RunData;

static void
entry_free (Entry *entry)
{
  g_clear_pointer (&entry->run, retort_module_run_unref);
  g_clear_error (&entry->error);
  g_free (entry->hash);
  g_free (entry);
}

static void
pending_free (Pending *p)
{
  g_clear_object (&p->module);
  g_clear_pointer (&p->parameters, json_object_unref);
  g_free (p->hash);
  g_clear_pointer (&p->sources, g_ptr_array_unref);
  g_clear_pointer (&p->downstream, g_ptr_array_unref);
  g_clear_pointer (&p->run, retort_module_run_unref);
  g_clear_object (&p->cancellable);
  g_clear_object (&p->python);
  g_free (p);
}

static void
run_data_free (RunData *data)
{
  if (data->cancelled_id != 0)
    g_cancellable_disconnect (data->cancellable, data->cancelled_id);
  g_clear_object (&data->cancellable);
  g_queue_clear (&data->ready);
  g_clear_pointer (&data->order, g_ptr_array_unref);
  g_clear_pointer (&data->pending, g_hash_table_unref);
  g_clear_error (&data->first_error);
  g_clear_object (&data->self);
  g_free (data);
}

static void
retort_scheduler_dispose (GObject *object)
{
  RetortScheduler *self = RETORT_SCHEDULER (object);

  g_clear_object (&self->experiment);
  g_clear_pointer (&self->idle_runners, g_ptr_array_unref);
  g_clear_pointer (&self->runners, g_ptr_array_unref);

  G_OBJECT_CLASS (retort_scheduler_parent_class)->dispose (object);
}

static void
retort_scheduler_finalize (GObject *object)
{
  RetortScheduler *self = RETORT_SCHEDULER (object);

  g_free (self->cache_dir);
  g_hash_table_unref (self->entries);

  G_OBJECT_CLASS (retort_scheduler_parent_class)->finalize (object);
}

static void
retort_scheduler_class_init (RetortSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = retort_scheduler_dispose;
  object_class->finalize = retort_scheduler_finalize;

  /* RetortModuleState has no GType; it travels as an int. */
  signals[SIGNAL_STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);
  signals[SIGNAL_CONSOLE] =
    g_signal_new ("console", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_DOUBLE);
}

static void
retort_scheduler_init (RetortScheduler *self)
{
  self->cache_dir = g_build_filename (g_get_user_cache_dir (), "retort", "outputs", NULL);
  self->max_parallel = MAX (g_get_num_processors (), 1);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) entry_free);
  self->runners = g_ptr_array_new_with_free_func (g_object_unref);
  self->idle_runners = g_ptr_array_new ();
}

RetortScheduler *
retort_scheduler_new (RetortExperiment *experiment)
{
  RetortScheduler *self;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (experiment), NULL);

  self = g_object_new (RETORT_TYPE_SCHEDULER, NULL);
  self->experiment = g_object_ref (experiment);

  return self;
}

void
retort_scheduler_set_cache_dir (RetortScheduler *self,
                                const char      *dir)
{
  g_return_if_fail (RETORT_IS_SCHEDULER (self));

  g_free (self->cache_dir);
  self->cache_dir = g_strdup (dir);
}

void
retort_scheduler_set_max_parallel (RetortScheduler *self,
                                   guint            n)
{
  g_return_if_fail (RETORT_IS_SCHEDULER (self));

  self->max_parallel = MAX (n, 1);
}

static Entry *
lookup_entry (RetortScheduler *self,
              const char      *module_id)
{
  Entry *entry = g_hash_table_lookup (self->entries, module_id);

  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      entry->state = RETORT_MODULE_STATE_NOT_RUN;
      g_hash_table_insert (self->entries, g_strdup (module_id), entry);
    }

  return entry;
}

RetortExperiment *
retort_scheduler_get_experiment (RetortScheduler *self)
{
  g_return_val_if_fail (RETORT_IS_SCHEDULER (self), NULL);

  return self->experiment;
}

RetortModuleState
retort_scheduler_get_state (RetortScheduler *self,
                            const char      *module_id)
{
  Entry *entry;

  g_return_val_if_fail (RETORT_IS_SCHEDULER (self), RETORT_MODULE_STATE_NOT_RUN);
  g_return_val_if_fail (module_id != NULL, RETORT_MODULE_STATE_NOT_RUN);

  entry = g_hash_table_lookup (self->entries, module_id);
  return entry != NULL ? entry->state : RETORT_MODULE_STATE_NOT_RUN;
}

RetortModuleRun *
retort_scheduler_get_run (RetortScheduler *self,
                          const char      *module_id)
{
  Entry *entry;

  g_return_val_if_fail (RETORT_IS_SCHEDULER (self), NULL);
  g_return_val_if_fail (module_id != NULL, NULL);

  entry = g_hash_table_lookup (self->entries, module_id);
  return entry != NULL ? entry->run : NULL;
}

const GError *
retort_scheduler_get_error (RetortScheduler *self,
                            const char      *module_id)
{
  Entry *entry;

  g_return_val_if_fail (RETORT_IS_SCHEDULER (self), NULL);
  g_return_val_if_fail (module_id != NULL, NULL);

  entry = g_hash_table_lookup (self->entries, module_id);
  return entry != NULL ? entry->error : NULL;
}

gint64
retort_scheduler_get_elapsed_us (RetortScheduler *self,
                                 const char      *module_id)
{
  Entry *entry;

  g_return_val_if_fail (RETORT_IS_SCHEDULER (self), 0);
  g_return_val_if_fail (module_id != NULL, 0);

  entry = g_hash_table_lookup (self->entries, module_id);
  return entry != NULL ? entry->elapsed_us : 0;
}

/* Cache keys */

static JsonNode *
canonical_node (JsonNode *node)
{
  /* json-glib writes members in insertion order: a copy with sorted keys
   * gives the same text for the same parameters however they were set. */
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(JsonObject) sorted = json_object_new ();
      g_autoptr(GList) members = g_list_sort (json_object_get_members (object),
                                              (GCompareFunc) g_strcmp0);
      JsonNode *copy = json_node_new (JSON_NODE_OBJECT);

      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (sorted, l->data,
                                canonical_node (json_object_get_member (object, l->data)));
      json_node_set_object (copy, sorted);
      return copy;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(JsonArray) copy_array = json_array_new ();
      JsonNode *copy = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < json_array_get_length (array); i++)
        json_array_add_element (copy_array, canonical_node (json_array_get_element (array, i)));
      json_node_set_array (copy, copy_array);
      return copy;
    }

  return json_node_copy (node);
}

static char *
dup_base_dir (RetortScheduler *self)
{
  GFile *file = retort_experiment_get_file (self->experiment);
  g_autoptr(GFile) parent = NULL;

  if (file == NULL)
    return NULL;
  parent = g_file_get_parent (file);
  return parent != NULL ? g_file_get_path (parent) : NULL;
}

/* What a parameter refers to outside its text: a file's size and time of
 * change (editing the CSV re-runs Import Data), embedded data's bytes. */
static char *
describe_reference (RetortScheduler       *self,
                    const RetortParamSpec *spec,
                    JsonNode              *value)
{
  const char *text;

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value)
      || json_node_get_value_type (value) != G_TYPE_STRING)
    return NULL;
  text = json_node_get_string (value);

  if (spec->type == RETORT_PARAM_PATH)
    {
      g_autofree char *base = dup_base_dir (self);
      g_autofree char *path = NULL;
      GStatBuf st;

      if (text[0] == '\0')
        return NULL;
      path = g_path_is_absolute (text) || base == NULL
             ? g_strdup (text) : g_build_filename (base, text, NULL);
      if (g_stat (path, &st) != 0)
        return g_strdup_printf ("%s missing", path);
      return g_strdup_printf ("%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT ".%09ld", path,
                              (gint64) st.st_size, (gint64) st.st_mtim.tv_sec,
                              (long) st.st_mtim.tv_nsec);
    }

  if (spec->type == RETORT_PARAM_DATASET)
    {
      GBytes *bytes = retort_experiment_get_dataset (self->experiment, text);

      if (bytes == NULL)
        return g_strdup ("missing");
      return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
    }

  return NULL;
}

static char *
compute_hash (RetortScheduler *self,
              Pending         *p)
{
  const RetortModuleKind *kind = retort_module_get_kind (p->module);
  JsonObject *parameters = p->parameters;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) params_node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_node_set_object (params_node, parameters);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, CACHE_KEY_VERSION);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind->id);
  json_builder_set_member_name (builder, "parameters");
  json_builder_add_value (builder, canonical_node (params_node));

  json_builder_set_member_name (builder, "references");
  json_builder_begin_object (builder);
  for (guint i = 0; i < kind->n_params; i++)
    {
      g_autofree char *reference =
        describe_reference (self, &kind->params[i],
                            json_object_get_member (parameters, kind->params[i].name));

      if (reference == NULL)
        continue;
      json_builder_set_member_name (builder, kind->params[i].name);
      json_builder_add_string_value (builder, reference);
    }
  json_builder_end_object (builder);

  /* A dataset input's hash is its source's output hash and port. */
  json_builder_set_member_name (builder, "inputs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < kind->n_inputs; i++)
    {
      const RetortConnection *connection =
        retort_experiment_find_source (self->experiment, p->id, i);
      Pending *source = g_ptr_array_index (p->sources, i);

      if (connection == NULL || source == NULL)
        json_builder_add_null_value (builder);
      else
        {
          g_autofree char *input = g_strdup_printf ("%s:%u", source->hash, connection->from_port);

          json_builder_add_string_value (builder, input);
        }
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

/* Kinds that act outside Retort (Export Data writes a file) run every
 * time: their effect may have been undone (the exported file deleted)
 * where no hash can see it. RetortModuleKind has no flag for this, and
 * only one kind needs it. */
static gboolean
kind_is_cacheable (const RetortModuleKind *kind)
{
  return g_strcmp0 (kind->id, "export-data") != 0;
}

/* Kinds with a Python Device output run their script in the runner. */
static gboolean
kind_needs_python (const RetortModuleKind *kind)
{
  for (guint i = 0; i < kind->n_outputs; i++)
    {
      if (kind->outputs[i].type == RETORT_PORT_DEVICE)
        return TRUE;
    }

  return FALSE;
}

/* Running */

static void pump (GTask *task);

static gboolean
pump_idle_cb (gpointer user_data)
{
  pump (G_TASK (user_data));
  return G_SOURCE_REMOVE;
}

static void
schedule_pump (GTask *task)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, pump_idle_cb, g_object_ref (task), g_object_unref);
  g_source_set_static_name (source, "[retort] scheduler");
  g_source_attach (source, g_task_get_context (task));
}

static void
set_state (RetortScheduler   *self,
           const char        *module_id,
           RetortModuleState  state)
{
  Entry *entry = lookup_entry (self, module_id);

  entry->state = state;
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, module_id, (int) state);

  /* Every module reports its start and its end; kinds that know more
   * report in between (retort_module_run_set_progress). */
  if (state == RETORT_MODULE_STATE_RUNNING)
    g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, module_id, 0.0);
  else if (state == RETORT_MODULE_STATE_FINISHED || state == RETORT_MODULE_STATE_CACHED)
    g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, module_id, 1.0);
}

static void
progress_cb (RetortModuleRun *run,
             double           fraction,
             gpointer         user_data)
{
  RetortScheduler *self = user_data;
  Entry *entry = lookup_entry (self, retort_module_run_get_module_id (run));

  /* A report that arrives after the module ended says nothing new. */
  if (entry->state == RETORT_MODULE_STATE_RUNNING)
    g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, retort_module_run_get_module_id (run),
                   fraction);
}

static void
finish_module (GTask             *task,
               Pending           *p,
               RetortModuleState  state,
               GError            *error)
{
  RunData *data = g_task_get_task_data (task);
  Entry *entry = lookup_entry (data->self, p->id);

  p->done = TRUE;
  p->ok = state == RETORT_MODULE_STATE_FINISHED || state == RETORT_MODULE_STATE_CACHED;
  data->n_remaining--;

  g_clear_error (&entry->error);
  entry->error = error;
  if (state == RETORT_MODULE_STATE_FAILED && data->first_error == NULL)
    data->first_error = g_error_new (RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_FAILED,
                                     _("“%s” failed: %s"),
                                     retort_module_get_title (p->module), error->message);

  set_state (data->self, p->id, state);

  for (guint i = 0; i < p->downstream->len; i++)
    {
      Pending *next = g_ptr_array_index (p->downstream, i);

      next->n_waiting--;
    }
}

static RetortModuleRun *
new_run (RunData *data,
         Pending *p)
{
  return retort_module_run_new (retort_module_get_kind (p->module), p->id,
                                retort_module_get_title (p->module), p->parameters,
                                data->self->experiment);
}

static gboolean
try_cache (RunData *data,
           Pending *p)
{
  RetortScheduler *self = data->self;
  Entry *entry = lookup_entry (self, p->id);
  g_autoptr(RetortCachedOutputs) outputs = NULL;
  g_autoptr(GError) error = NULL;
  RetortModuleRun *run;

  if (!p->cacheable)
    return FALSE;

  if (entry->run != NULL && g_strcmp0 (entry->hash, p->hash) == 0)
    {
      entry->elapsed_us = 0;
      return TRUE;
    }

  if (self->cache_dir == NULL)
    return FALSE;

  outputs = _retort_output_cache_read (self->cache_dir, p->hash,
                                       retort_module_get_kind (p->module), &error);
  if (outputs == NULL)
    {
      /* A damaged entry is recomputed (and written again). */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_warning ("%s", error->message);
      return FALSE;
    }

  run = new_run (data, p);
  _retort_cached_outputs_apply (outputs, run);
  g_clear_pointer (&entry->run, retort_module_run_unref);
  entry->run = run;
  g_free (entry->hash);
  entry->hash = g_strdup (p->hash);
  entry->elapsed_us = 0;

  return TRUE;
}

static void
consider (GTask   *task,
          Pending *p)
{
  RunData *data = g_task_get_task_data (task);
  const RetortModuleKind *kind = retort_module_get_kind (p->module);

  p->considered = TRUE;

  if (g_atomic_int_get (&data->cancelled))
    {
      finish_module (task, p, RETORT_MODULE_STATE_CANCELLED,
                     g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));
      return;
    }

  for (guint i = 0; i < kind->n_inputs; i++)
    {
      Pending *source = g_ptr_array_index (p->sources, i);

      if (source != NULL && !source->ok)
        {
          finish_module (task, p, RETORT_MODULE_STATE_NOT_RUN,
                         g_error_new (RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_UPSTREAM,
                                      _("Not run: “%s” upstream did not finish"),
                                      retort_module_get_title (source->module)));
          return;
        }
      if (source == NULL && !kind->inputs[i].optional)
        {
          finish_module (task, p, RETORT_MODULE_STATE_FAILED,
                         g_error_new (RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_MISSING_INPUT,
                                      _("The input “%s” (port %u) is not connected: connect a "
                                        "module’s output to it"),
                                      _(kind->inputs[i].name), i + 1));
          return;
        }
    }

  if (try_cache (data, p))
    {
      finish_module (task, p, RETORT_MODULE_STATE_CACHED, NULL);
      return;
    }

  set_state (data->self, p->id, RETORT_MODULE_STATE_QUEUED);
  g_queue_push_tail (&data->ready, p);
}

static void
console_cb (RetortModuleRun *run,
            const char      *stream,
            const char      *text,
            gpointer         user_data)
{
  RetortScheduler *self = user_data;

  g_signal_emit (self, signals[SIGNAL_CONSOLE], 0, retort_module_run_get_module_id (run),
                 stream, text);
}

typedef struct
{
  GTask   *task;
  Pending *p;
} RunCallbackData;

static void
cache_written_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* A full disk costs a recomputation later, not this run. */
  if (!_retort_output_cache_write_finish (result, &error))
    g_warning ("Cannot cache outputs: %s", error->message);

  data->n_writes--;
  pump (task);
}

static void
module_run_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autofree RunCallbackData *cb_data = user_data;
  g_autoptr(GTask) task = cb_data->task;
  Pending *p = cb_data->p;
  RunData *data = g_task_get_task_data (task);
  RetortScheduler *self = data->self;
  const RetortModuleKind *kind = retort_module_run_get_kind (p->run);
  Entry *entry = lookup_entry (self, p->id);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = kind->run_finish (p->run, result, &error);
  data->n_running--;
  /* Reports still on their way must not reach a scheduler that may be gone. */
  retort_module_run_set_progress_func (p->run, NULL, NULL);

  if (p->python != NULL)
    {
      g_ptr_array_add (self->idle_runners, p->python);
      p->python = NULL;
    }

  entry->elapsed_us = g_get_monotonic_time () - p->started_us;
  g_clear_pointer (&entry->run, retort_module_run_unref);
  entry->run = retort_module_run_ref (p->run);
  g_clear_pointer (&entry->hash, g_free);

  if (ok)
    {
      entry->hash = g_strdup (p->hash);
      if (p->cacheable && self->cache_dir != NULL)
        {
          data->n_writes++;
          _retort_output_cache_write_async (self->cache_dir, p->hash,
                                            _retort_cached_outputs_from_run (p->run), NULL,
                                            cache_written_cb, g_object_ref (task));
        }
      finish_module (task, p, RETORT_MODULE_STATE_FINISHED, NULL);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
           || g_atomic_int_get (&data->cancelled))
    finish_module (task, p, RETORT_MODULE_STATE_CANCELLED, g_steal_pointer (&error));
  else
    finish_module (task, p, RETORT_MODULE_STATE_FAILED, g_steal_pointer (&error));

  pump (task);
}

static RetortPythonRunner *
take_runner (RetortScheduler *self)
{
  if (self->idle_runners->len > 0)
    return g_ptr_array_steal_index (self->idle_runners, self->idle_runners->len - 1);

  g_ptr_array_add (self->runners, retort_python_runner_new ());
  return g_ptr_array_index (self->runners, self->runners->len - 1);
}

GPid
retort_scheduler_prepare (RetortScheduler *self)
{
  RetortPythonRunner *runner;
  gboolean needs_python = FALSE;

  g_return_val_if_fail (RETORT_IS_SCHEDULER (self), 0);

  for (guint i = 0; i < retort_experiment_get_n_modules (self->experiment) && !needs_python; i++)
    needs_python = kind_needs_python (retort_module_get_kind (retort_experiment_get_module (self->experiment, i)));
  if (!needs_python)
    return 0;

  if (self->runners->len > 0)
    runner = g_ptr_array_index (self->runners, 0);
  else
    {
      runner = take_runner (self);
      g_ptr_array_add (self->idle_runners, runner);
    }
  retort_python_runner_prepare (runner);
  return retort_python_runner_get_pid (runner);
}

static void
start (GTask   *task,
       Pending *p)
{
  RunData *data = g_task_get_task_data (task);
  RetortScheduler *self = data->self;
  const RetortModuleKind *kind = retort_module_get_kind (p->module);
  RunCallbackData *cb_data;

  p->run = new_run (data, p);
  for (guint i = 0; i < kind->n_inputs; i++)
    {
      const RetortConnection *connection = retort_experiment_find_source (self->experiment,
                                                                          p->id, i);
      Pending *source = g_ptr_array_index (p->sources, i);
      RetortModuleRun *source_run;

      if (connection == NULL || source == NULL)
        continue;
      source_run = lookup_entry (self, source->id)->run;
      if (kind->inputs[i].type == RETORT_PORT_DATASET)
        retort_module_run_set_input_table (p->run, i,
                                           retort_module_run_get_output_table (source_run,
                                                                               connection->from_port));
      else if (kind->inputs[i].type == RETORT_PORT_ZIP)
        retort_module_run_set_input_bytes (p->run, i,
                                           retort_module_run_get_output_bytes (source_run,
                                                                               connection->from_port));
    }

  if (kind_needs_python (kind))
    {
      p->python = g_object_ref (take_runner (self));
      retort_module_run_set_python (p->run, p->python);
    }
  retort_module_run_set_console_func (p->run, console_cb, self);
  retort_module_run_set_progress_func (p->run, progress_cb, self);

  p->cancellable = g_cancellable_new ();
  p->started_us = g_get_monotonic_time ();
  data->n_running++;
  set_state (self, p->id, RETORT_MODULE_STATE_RUNNING);

  cb_data = g_new0 (RunCallbackData, 1);
  cb_data->task = g_object_ref (task);
  cb_data->p = p;
  kind->run_async (p->run, p->cancellable, module_run_cb, cb_data);
}

static void
pump (GTask *task)
{
  RunData *data = g_task_get_task_data (task);
  gboolean progress = TRUE;

  if (data->completed)
    return;

  /* Consider every module whose sources are done; that may finish more
   * (cached, not run), so go round until nothing changes. */
  while (progress)
    {
      progress = FALSE;
      for (guint i = 0; i < data->order->len; i++)
        {
          Pending *p = g_ptr_array_index (data->order, i);

          if (!p->considered && p->n_waiting == 0)
            {
              consider (task, p);
              progress = TRUE;
            }
        }
    }

  if (g_atomic_int_get (&data->cancelled))
    {
      Pending *p;

      while ((p = g_queue_pop_head (&data->ready)) != NULL)
        finish_module (task, p, RETORT_MODULE_STATE_CANCELLED,
                       g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));
    }

  while (data->n_running < data->self->max_parallel && !g_queue_is_empty (&data->ready))
    start (task, g_queue_pop_head (&data->ready));

  if (data->n_remaining == 0 && data->n_running == 0 && data->n_writes == 0)
    {
      data->completed = TRUE;
      if (data->self->task == task)
        data->self->task = NULL;

      if (g_atomic_int_get (&data->cancelled))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The run was cancelled"));
      else if (data->first_error != NULL)
        g_task_return_error (task, g_steal_pointer (&data->first_error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static void
cancelled_cb (GCancellable *cancellable,
              GTask        *task)
{
  RunData *data = g_task_get_task_data (task);

  /* May be called from another thread: only flag it, and let the pump on
   * the scheduler's context act; the running modules' cancellables stop
   * them now (the Python runner kills its process). */
  g_atomic_int_set (&data->cancelled, TRUE);
  for (guint i = 0; i < data->order->len; i++)
    {
      Pending *p = g_ptr_array_index (data->order, i);

      if (p->cancellable != NULL)
        g_cancellable_cancel (p->cancellable);
    }
  schedule_pump (task);
}

void
retort_scheduler_run_async (RetortScheduler     *self,
                            const char * const  *module_ids,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) order = NULL;
  g_autoptr(GHashTable) wanted = NULL;
  RunData *data;

  g_return_if_fail (RETORT_IS_SCHEDULER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, retort_scheduler_run_async);

  if (self->task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("The experiment is already running"));
      return;
    }

  order = retort_experiment_topological_order (self->experiment);

  /* What to run: the modules asked for and everything they need. */
  wanted = g_hash_table_new (g_str_hash, g_str_equal);
  if (module_ids == NULL)
    {
      for (guint i = 0; i < order->len; i++)
        g_hash_table_add (wanted, (gpointer) retort_module_get_id (g_ptr_array_index (order, i)));
    }
  else
    {
      for (guint i = 0; module_ids[i] != NULL; i++)
        {
          RetortModule *module = retort_experiment_find_module (self->experiment, module_ids[i]);

          if (module == NULL)
            {
              g_task_return_new_error (task, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                                       _("There is no module “%s”"), module_ids[i]);
              return;
            }
          g_hash_table_add (wanted, (gpointer) retort_module_get_id (module));
        }

      for (guint i = order->len; i > 0; i--)
        {
          RetortModule *module = g_ptr_array_index (order, i - 1);
          const RetortModuleKind *kind = retort_module_get_kind (module);
          const char *id = retort_module_get_id (module);

          if (!g_hash_table_contains (wanted, id))
            continue;
          for (guint port = 0; port < kind->n_inputs; port++)
            {
              const RetortConnection *connection =
                retort_experiment_find_source (self->experiment, id, port);

              if (connection != NULL)
                {
                  RetortModule *source = retort_experiment_find_module (self->experiment,
                                                                        connection->from_module);

                  g_hash_table_add (wanted, (gpointer) retort_module_get_id (source));
                }
            }
        }
    }

  data = g_new0 (RunData, 1);
  data->self = g_object_ref (self);
  data->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) pending_free);
  data->order = g_ptr_array_new ();
  g_queue_init (&data->ready);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  for (guint i = 0; i < order->len; i++)
    {
      RetortModule *module = g_ptr_array_index (order, i);
      const RetortModuleKind *kind = retort_module_get_kind (module);
      Pending *p;

      if (!g_hash_table_contains (wanted, retort_module_get_id (module)))
        continue;

      p = g_new0 (Pending, 1);
      p->module = g_object_ref (module);
      p->id = retort_module_get_id (module);
      p->parameters = retort_module_dup_parameters (module);
      p->cacheable = kind_is_cacheable (kind);
      p->downstream = g_ptr_array_new ();
      p->sources = g_ptr_array_new ();
      for (guint port = 0; port < kind->n_inputs; port++)
        {
          const RetortConnection *connection =
            retort_experiment_find_source (self->experiment, p->id, port);
          Pending *source = connection != NULL
                            ? g_hash_table_lookup (data->pending, connection->from_module)
                            : NULL;

          g_ptr_array_add (p->sources, source);
          if (source != NULL)
            {
              p->n_waiting++;
              g_ptr_array_add (source->downstream, p);
            }
        }
      p->hash = compute_hash (self, p);

      g_hash_table_insert (data->pending, (gpointer) p->id, p);
      g_ptr_array_add (data->order, p);
      data->n_remaining++;
    }

  self->task = task;

  if (cancellable != NULL)
    {
      data->cancellable = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb),
                                                  task, NULL);
    }

  /* States change from the main loop, never inside this call. */
  schedule_pump (task);
}

gboolean
retort_scheduler_run_finish (RetortScheduler  *self,
                             GAsyncResult     *result,
                             GError          **error)
{
  g_return_val_if_fail (RETORT_IS_SCHEDULER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == retort_scheduler_run_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
