/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "retort-command.h"
#include "retort-experiment-private.h"
#include "retort-module-private.h"

struct _RetortExperiment
{
  GObject        parent_instance;

  GPtrArray     *modules;       /* RetortModule*, in the order they were added */
  GPtrArray     *connections;   /* RetortConnection* */
  GHashTable    *datasets;      /* name -> GBytes */
  GFile         *file;
  guint          next_id;       /* module ids are never reused in a document */

  GPtrArray     *undo_stack;    /* RetortCommand*, the last done at the end */
  GPtrArray     *redo_stack;    /* RetortCommand*, the next to redo at the end */
  RetortCommand *group;
  guint          group_depth;
  /* The undo depth the document on disk matches; -1 when no undo or redo
   * can get back there (a new edit after undoing past a save). */
  gint           clean_depth;
  /* The last command may still absorb typing into the same parameter. */
  gboolean       merge_open;
};

G_DEFINE_FINAL_TYPE (RetortExperiment, retort_experiment, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (RetortConnection, retort_connection,
                     retort_connection_copy, retort_connection_free)

enum {
  PROP_0,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_MODIFIED,
  PROP_FILE,
  N_PROPS
};

enum {
  MODULE_ADDED,
  MODULE_REMOVED,
  CONNECTION_ADDED,
  CONNECTION_REMOVED,
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

RetortConnection *
retort_connection_copy (const RetortConnection *connection)
{
  RetortConnection *copy = g_new0 (RetortConnection, 1);

  copy->from_module = g_strdup (connection->from_module);
  copy->from_port = connection->from_port;
  copy->to_module = g_strdup (connection->to_module);
  copy->to_port = connection->to_port;

  return copy;
}

void
retort_connection_free (RetortConnection *connection)
{
  if (connection == NULL)
    return;

  g_free (connection->from_module);
  g_free (connection->to_module);
  g_free (connection);
}

static gboolean
connection_equal (const RetortConnection *a,
                  const RetortConnection *b)
{
  return g_str_equal (a->from_module, b->from_module) && a->from_port == b->from_port &&
         g_str_equal (a->to_module, b->to_module) && a->to_port == b->to_port;
}

static void
retort_experiment_finalize (GObject *object)
{
  RetortExperiment *self = RETORT_EXPERIMENT (object);

  /* Nothing here refers back to the experiment, so all of it can wait for
   * finalize: a disposed experiment still answers questions. */
  g_clear_pointer (&self->undo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->redo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->group, _retort_command_free);
  g_clear_pointer (&self->modules, g_ptr_array_unref);
  g_clear_pointer (&self->connections, g_ptr_array_unref);
  g_clear_pointer (&self->datasets, g_hash_table_unref);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (retort_experiment_parent_class)->finalize (object);
}

static void
retort_experiment_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  RetortExperiment *self = RETORT_EXPERIMENT (object);

  switch (prop_id)
    {
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, retort_experiment_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, retort_experiment_can_redo (self));
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, retort_experiment_get_modified (self));
      break;
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
retort_experiment_class_init (RetortExperimentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = retort_experiment_finalize;
  object_class->get_property = retort_experiment_get_property;

  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[MODULE_ADDED] =
    g_signal_new ("module-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, RETORT_TYPE_MODULE);
  signals[MODULE_REMOVED] =
    g_signal_new ("module-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, RETORT_TYPE_MODULE);
  signals[CONNECTION_ADDED] =
    g_signal_new ("connection-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  retort_connection_get_type () | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[CONNECTION_REMOVED] =
    g_signal_new ("connection-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  retort_connection_get_type () | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
retort_experiment_init (RetortExperiment *self)
{
  self->modules = g_ptr_array_new_with_free_func (g_object_unref);
  self->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) retort_connection_free);
  self->datasets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_bytes_unref);
  self->undo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) _retort_command_free);
  self->redo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) _retort_command_free);
  self->next_id = 1;
}

RetortExperiment *
retort_experiment_new (void)
{
  return g_object_new (RETORT_TYPE_EXPERIMENT, NULL);
}

/* Reading */

guint
retort_experiment_get_n_modules (RetortExperiment *self)
{
  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), 0);

  return self->modules->len;
}

RetortModule *
retort_experiment_get_module (RetortExperiment *self,
                              guint             index)
{
  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), NULL);
  g_return_val_if_fail (index < self->modules->len, NULL);

  return g_ptr_array_index (self->modules, index);
}

RetortModule *
retort_experiment_find_module (RetortExperiment *self,
                               const char       *id)
{
  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), NULL);

  for (guint i = 0; id != NULL && i < self->modules->len; i++)
    {
      RetortModule *module = g_ptr_array_index (self->modules, i);

      if (g_str_equal (retort_module_get_id (module), id))
        return module;
    }

  return NULL;
}

GPtrArray *
retort_experiment_get_connections (RetortExperiment *self)
{
  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), NULL);

  return self->connections;
}

const RetortConnection *
retort_experiment_find_source (RetortExperiment *self,
                               const char       *module_id,
                               guint             port)
{
  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), NULL);
  g_return_val_if_fail (module_id != NULL, NULL);

  for (guint i = 0; i < self->connections->len; i++)
    {
      const RetortConnection *connection = g_ptr_array_index (self->connections, i);

      if (connection->to_port == port && g_str_equal (connection->to_module, module_id))
        return connection;
    }

  return NULL;
}

GBytes *
retort_experiment_get_dataset (RetortExperiment *self,
                               const char       *name)
{
  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->datasets, name);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
retort_experiment_list_datasets (RetortExperiment *self)
{
  GPtrArray *names;
  GHashTableIter iter;
  gpointer name;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), NULL);

  names = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->datasets);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    g_ptr_array_add (names, name);
  g_ptr_array_sort (names, compare_names);

  return names;
}

GFile *
retort_experiment_get_file (RetortExperiment *self)
{
  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), NULL);

  return self->file;
}

/* Primitives (retort-experiment-private.h) */

void
_retort_experiment_insert_module (RetortExperiment *self,
                                  RetortModule     *module,
                                  guint             index)
{
  g_ptr_array_insert (self->modules, MIN (index, self->modules->len), g_object_ref (module));
  g_signal_emit (self, signals[MODULE_ADDED], 0, module);
}

void
_retort_experiment_take_module (RetortExperiment *self,
                                RetortModule     *module)
{
  g_autoptr(RetortModule) kept = g_object_ref (module);

  if (g_ptr_array_remove (self->modules, module))
    g_signal_emit (self, signals[MODULE_REMOVED], 0, module);
}

void
_retort_experiment_insert_connection (RetortExperiment       *self,
                                      const RetortConnection *connection)
{
  RetortConnection *copy = retort_connection_copy (connection);

  g_ptr_array_add (self->connections, copy);
  g_signal_emit (self, signals[CONNECTION_ADDED], 0, copy);
}

void
_retort_experiment_delete_connection (RetortExperiment       *self,
                                      const RetortConnection *connection)
{
  for (guint i = 0; i < self->connections->len; i++)
    {
      RetortConnection *existing = g_ptr_array_index (self->connections, i);

      if (connection_equal (existing, connection))
        {
          g_ptr_array_steal_index (self->connections, i);
          g_signal_emit (self, signals[CONNECTION_REMOVED], 0, existing);
          retort_connection_free (existing);
          return;
        }
    }
}

void
_retort_experiment_put_dataset (RetortExperiment *self,
                                const char       *name,
                                GBytes           *contents)
{
  if (contents != NULL)
    g_hash_table_replace (self->datasets, g_strdup (name), g_bytes_ref (contents));
  else
    g_hash_table_remove (self->datasets, name);
}

gboolean
_retort_dataset_name_is_valid (const char *name)
{
  if (name == NULL || name[0] == '\0' || name[0] == '.' || strlen (name) > 255)
    return FALSE;
  if (!g_utf8_validate (name, -1, NULL))
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '/' || *p == '\\' || g_ascii_iscntrl (*p))
        return FALSE;
    }

  return TRUE;
}

guint
_retort_experiment_get_next_id (RetortExperiment *self)
{
  return self->next_id;
}

void
_retort_experiment_set_next_id (RetortExperiment *self,
                                guint             next_id)
{
  self->next_id = next_id;
}

/* The undo stack */

typedef struct
{
  gboolean can_undo;
  gboolean can_redo;
  gboolean modified;
} UndoState;

static UndoState
undo_state (RetortExperiment *self)
{
  return (UndoState) {
    retort_experiment_can_undo (self),
    retort_experiment_can_redo (self),
    retort_experiment_get_modified (self),
  };
}

static void
notify_undo_state (RetortExperiment *self,
                   UndoState         before)
{
  UndoState after = undo_state (self);

  if (before.can_undo != after.can_undo)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (before.can_redo != after.can_redo)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
  if (before.modified != after.modified)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

/* Puts @command (already applied) on the undo stack, or into the open
 * group, or into the last command when it continues the same typing. */
static void
record (RetortExperiment *self,
        RetortCommand    *command,
        gboolean          mergeable)
{
  UndoState before = undo_state (self);
  gboolean at_clean = self->clean_depth == (gint) self->undo_stack->len;

  if (self->group != NULL)
    {
      _retort_command_append (self->group, command);
      _retort_command_free (command);
      return;
    }

  /* Typing right after a save starts a new step, so undo returns to
   * exactly what was saved. */
  if (mergeable && self->merge_open && !at_clean && self->undo_stack->len > 0 &&
      _retort_command_merge (g_ptr_array_index (self->undo_stack, self->undo_stack->len - 1),
                             command))
    {
      _retort_command_free (command);
    }
  else
    {
      if (self->clean_depth > (gint) self->undo_stack->len)
        self->clean_depth = -1;
      g_ptr_array_set_size (self->redo_stack, 0);
      g_ptr_array_add (self->undo_stack, command);
    }

  self->merge_open = mergeable;
  notify_undo_state (self, before);
}

void
retort_experiment_end_typing (RetortExperiment *self)
{
  g_return_if_fail (RETORT_IS_EXPERIMENT (self));

  self->merge_open = FALSE;
}

/* Does @command and records it as one step. */
static void
execute (RetortExperiment *self,
         RetortCommand    *command,
         gboolean          mergeable)
{
  _retort_command_apply (command, self);
  record (self, command, mergeable);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
retort_experiment_begin_group (RetortExperiment *self,
                               const char       *label)
{
  g_return_if_fail (RETORT_IS_EXPERIMENT (self));

  if (self->group_depth++ == 0)
    self->group = _retort_command_new (label);
}

void
retort_experiment_end_group (RetortExperiment *self)
{
  RetortCommand *group;

  g_return_if_fail (RETORT_IS_EXPERIMENT (self));
  g_return_if_fail (self->group_depth > 0);

  if (--self->group_depth > 0)
    return;

  group = g_steal_pointer (&self->group);
  if (_retort_command_is_empty (group))
    {
      _retort_command_free (group);
      return;
    }

  /* The edits inside emitted "changed" while undo was not yet possible:
   * once more now that the group is one undo step. */
  record (self, group, FALSE);
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
retort_experiment_can_undo (RetortExperiment *self)
{
  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), FALSE);

  return self->group_depth == 0 && self->undo_stack->len > 0;
}

gboolean
retort_experiment_can_redo (RetortExperiment *self)
{
  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), FALSE);

  return self->group_depth == 0 && self->redo_stack->len > 0;
}

static const char *
top_label (GPtrArray *stack)
{
  if (stack->len == 0)
    return NULL;

  return _retort_command_get_label (g_ptr_array_index (stack, stack->len - 1));
}

const char *
retort_experiment_get_undo_label (RetortExperiment *self)
{
  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), NULL);

  return top_label (self->undo_stack);
}

const char *
retort_experiment_get_redo_label (RetortExperiment *self)
{
  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), NULL);

  return top_label (self->redo_stack);
}

/* Moves the top command of @from to @to, undoing or redoing it. */
static gboolean
replay (RetortExperiment *self,
        GPtrArray        *from,
        GPtrArray        *to,
        gboolean          forward)
{
  UndoState before = undo_state (self);
  RetortCommand *command;

  if (self->group_depth > 0 || from->len == 0)
    return FALSE;

  command = g_ptr_array_steal_index (from, from->len - 1);
  if (forward)
    _retort_command_apply (command, self);
  else
    _retort_command_revert (command, self);
  g_ptr_array_add (to, command);
  self->merge_open = FALSE;

  notify_undo_state (self, before);
  g_signal_emit (self, signals[CHANGED], 0);

  return TRUE;
}

gboolean
retort_experiment_undo (RetortExperiment *self)
{
  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), FALSE);

  return replay (self, self->undo_stack, self->redo_stack, FALSE);
}

gboolean
retort_experiment_redo (RetortExperiment *self)
{
  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), FALSE);

  return replay (self, self->redo_stack, self->undo_stack, TRUE);
}

gboolean
retort_experiment_get_modified (RetortExperiment *self)
{
  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), FALSE);

  return self->clean_depth != (gint) self->undo_stack->len;
}

void
_retort_experiment_mark_saved (RetortExperiment *self,
                               GFile            *file)
{
  UndoState before = undo_state (self);

  self->clean_depth = self->undo_stack->len;
  self->merge_open = FALSE;
  if (file != self->file)
    {
      g_set_object (&self->file, file);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
    }
  notify_undo_state (self, before);
}

void
retort_experiment_mark_unsaved (RetortExperiment *self,
                                GFile            *file)
{
  UndoState before;

  g_return_if_fail (RETORT_IS_EXPERIMENT (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  before = undo_state (self);
  /* No point of the undo history matches what is on disk. */
  self->clean_depth = -1;
  self->merge_open = FALSE;
  if (file != self->file)
    {
      g_set_object (&self->file, file);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
    }
  notify_undo_state (self, before);
}

/* Edits */

static RetortModule *
lookup_module (RetortExperiment  *self,
               const char        *module_id,
               GError           **error)
{
  RetortModule *module = retort_experiment_find_module (self, module_id);

  if (module == NULL)
    g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                 _("There is no module “%s” in this experiment"),
                 module_id != NULL ? module_id : "");

  return module;
}

RetortModule *
retort_experiment_add_module (RetortExperiment  *self,
                              const char        *kind_id,
                              double             x,
                              double             y,
                              GError           **error)
{
  const RetortModuleKind *kind;
  g_autoptr(RetortModule) module = NULL;
  g_autofree char *id = NULL;
  g_autofree char *label = NULL;
  RetortCommand *command;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), NULL);
  g_return_val_if_fail (kind_id != NULL, NULL);

  kind = retort_module_kind_lookup (kind_id);
  if (kind == NULL)
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("There is no kind of module called “%s”"), kind_id);
      return NULL;
    }

  id = g_strdup_printf ("m%u", self->next_id++);
  module = _retort_module_new (kind, id);
  _retort_module_set_position (module, x, y);

  label = g_strdup_printf (_("Add %s"), _(kind->title));
  command = _retort_command_new (label);
  _retort_command_add_module (command, module, self->modules->len);
  execute (self, command, FALSE);

  return module;
}

gboolean
retort_experiment_remove_module (RetortExperiment  *self,
                                 const char        *module_id,
                                 GError           **error)
{
  RetortModule *module;
  g_autofree char *label = NULL;
  RetortCommand *command;
  guint index = 0;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), FALSE);

  if (!(module = lookup_module (self, module_id, error)))
    return FALSE;

  label = g_strdup_printf (_("Remove %s"), retort_module_get_title (module));
  command = _retort_command_new (label);

  /* Connections first: undo brings the module back before them. */
  for (guint i = 0; i < self->connections->len; i++)
    {
      const RetortConnection *connection = g_ptr_array_index (self->connections, i);

      if (g_str_equal (connection->from_module, module_id) ||
          g_str_equal (connection->to_module, module_id))
        _retort_command_disconnect (command, connection);
    }

  g_ptr_array_find (self->modules, module, &index);
  _retort_command_remove_module (command, module, index);
  execute (self, command, FALSE);

  return TRUE;
}

gboolean
retort_experiment_move_module (RetortExperiment  *self,
                               const char        *module_id,
                               double             x,
                               double             y,
                               GError           **error)
{
  RetortModule *module;
  g_autofree char *label = NULL;
  RetortCommand *command;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), FALSE);

  if (!(module = lookup_module (self, module_id, error)))
    return FALSE;
  if (!isfinite (x) || !isfinite (y))
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("%s cannot be moved to a position that is not a number"),
                   retort_module_get_title (module));
      return FALSE;
    }
  if (retort_module_get_x (module) == x && retort_module_get_y (module) == y)
    return TRUE;

  label = g_strdup_printf (_("Move %s"), retort_module_get_title (module));
  command = _retort_command_new (label);
  _retort_command_move (command, module, x, y);
  execute (self, command, FALSE);

  return TRUE;
}

gboolean
retort_experiment_set_title (RetortExperiment  *self,
                             const char        *module_id,
                             const char        *title,
                             GError           **error)
{
  RetortModule *module;
  g_autofree char *label = NULL;
  RetortCommand *command;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), FALSE);

  if (!(module = lookup_module (self, module_id, error)))
    return FALSE;

  /* An empty title gives the module its kind's name back. */
  if (title == NULL || title[0] == '\0')
    title = _(retort_module_get_kind (module)->title);
  if (!g_utf8_validate (title, -1, NULL))
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("The new title of %s is not valid UTF-8 text"),
                   retort_module_get_title (module));
      return FALSE;
    }
  if (g_str_equal (title, retort_module_get_title (module)))
    return TRUE;

  label = g_strdup_printf (_("Rename %s"), retort_module_get_title (module));
  command = _retort_command_new (label);
  _retort_command_set_title (command, module, title);
  execute (self, command, FALSE);

  return TRUE;
}

gboolean
retort_experiment_set_parameter (RetortExperiment  *self,
                                 const char        *module_id,
                                 const char        *name,
                                 JsonNode          *value,
                                 GError           **error)
{
  RetortModule *module;
  const RetortParamSpec *spec;
  g_autofree char *label = NULL;
  RetortCommand *command;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!(module = lookup_module (self, module_id, error)))
    return FALSE;
  if (!_retort_module_check_parameter (module, name, value, error))
    return FALSE;
  if (json_node_equal (value, retort_module_get_parameter (module, name)))
    return TRUE;

  spec = retort_module_kind_find_param (retort_module_get_kind (module), name);
  if (spec->type == RETORT_PARAM_SCRIPT)
    label = g_strdup_printf (_("Edit %s"), _(spec->label));
  else
    label = g_strdup_printf (_("Change %s"), _(spec->label));

  command = _retort_command_new (label);
  _retort_command_set_parameter (command, module, name, value);
  execute (self, command, spec->type == RETORT_PARAM_TEXT || spec->type == RETORT_PARAM_SCRIPT);

  return TRUE;
}

/* The title, with the id when another module has the same title:
 * "Apply SQL Transformation (m4)". */
static char *
module_name (RetortExperiment *self,
             RetortModule     *module)
{
  const char *title = retort_module_get_title (module);

  for (guint i = 0; i < self->modules->len; i++)
    {
      RetortModule *other = g_ptr_array_index (self->modules, i);

      if (other != module && g_str_equal (retort_module_get_title (other), title))
        return g_strdup_printf ("%s (%s)", title, retort_module_get_id (module));
    }

  return g_strdup (title);
}

/* "Import Data’s output 1 (dataset)", "Execute Python Script’s input 3
 * (Script Bundle, zip)": the name only when it says more than the type. */
static char *
describe_port (RetortExperiment     *self,
               RetortModule         *module,
               const RetortPortSpec *port,
               guint                 index,
               gboolean              output)
{
  const char *type = retort_port_type_to_string (port->type);
  g_autofree char *name = module_name (self, module);
  g_autofree char *what = NULL;

  if (port->name == NULL || g_ascii_strcasecmp (port->name, type) == 0)
    what = g_strdup (type);
  else
    what = g_strdup_printf ("%s, %s", _(port->name), type);

  return output
    ? g_strdup_printf (_("%s’s output %u (%s)"), name, index + 1, what)
    : g_strdup_printf (_("%s’s input %u (%s)"), name, index + 1, what);
}

/* Does a path of connections lead from module @from_id to @to_id? */
static gboolean
leads_to (RetortExperiment *self,
          const char       *from_id,
          const char       *to_id)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) pending = g_ptr_array_new ();

  g_ptr_array_add (pending, (gpointer) from_id);
  while (pending->len > 0)
    {
      const char *id = g_ptr_array_steal_index_fast (pending, pending->len - 1);

      if (g_str_equal (id, to_id))
        return TRUE;
      if (!g_hash_table_add (seen, (gpointer) id))
        continue;

      for (guint i = 0; i < self->connections->len; i++)
        {
          const RetortConnection *connection = g_ptr_array_index (self->connections, i);

          if (g_str_equal (connection->from_module, id))
            g_ptr_array_add (pending, connection->to_module);
        }
    }

  return FALSE;
}

gboolean
retort_experiment_can_connect (RetortExperiment  *self,
                               const char        *from_module,
                               guint              from_port,
                               const char        *to_module,
                               guint              to_port,
                               GError           **error)
{
  RetortModule *from;
  RetortModule *to;
  const RetortModuleKind *from_kind;
  const RetortModuleKind *to_kind;
  const RetortConnection *source;
  g_autofree char *output = NULL;
  g_autofree char *input = NULL;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), FALSE);

  if (!(from = lookup_module (self, from_module, error)) ||
      !(to = lookup_module (self, to_module, error)))
    return FALSE;

  from_kind = retort_module_get_kind (from);
  to_kind = retort_module_get_kind (to);
  if (from_port >= from_kind->n_outputs)
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE, "%s has no output %u: it has %u output",
                                "%s has no output %u: it has %u outputs", from_kind->n_outputs),
                   retort_module_get_title (from), from_port + 1, from_kind->n_outputs);
      return FALSE;
    }
  if (to_port >= to_kind->n_inputs)
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE, "%s has no input %u: it has %u input",
                                "%s has no input %u: it has %u inputs", to_kind->n_inputs),
                   retort_module_get_title (to), to_port + 1, to_kind->n_inputs);
      return FALSE;
    }

  output = describe_port (self, from, &from_kind->outputs[from_port], from_port, TRUE);
  input = describe_port (self, to, &to_kind->inputs[to_port], to_port, FALSE);

  if (from_kind->outputs[from_port].type != to_kind->inputs[to_port].type)
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_TYPE_MISMATCH,
                   _("%s cannot feed %s"), output, input);
      return FALSE;
    }

  if ((source = retort_experiment_find_source (self, to_module, to_port)) != NULL)
    {
      RetortModule *other = retort_experiment_find_module (self, source->from_module);
      g_autofree char *other_name = other != NULL ? module_name (self, other)
                                                  : g_strdup (source->from_module);

      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_PORT_TAKEN,
                   _("%s already comes from %s’s output %u; disconnect it first"),
                   input, other_name, source->from_port + 1);
      return FALSE;
    }

  if (from == to)
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_CYCLE,
                   _("%s cannot feed %s: a module cannot feed itself"), output, input);
      return FALSE;
    }
  if (leads_to (self, to_module, from_module))
    {
      g_autofree char *from_name = module_name (self, from);
      g_autofree char *to_name = module_name (self, to);

      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_CYCLE,
                   _("%s cannot feed %s: %s already depends on %s, and an experiment cannot loop"),
                   output, input, from_name, to_name);
      return FALSE;
    }

  return TRUE;
}

gboolean
retort_experiment_connect (RetortExperiment  *self,
                           const char        *from_module,
                           guint              from_port,
                           const char        *to_module,
                           guint              to_port,
                           GError           **error)
{
  RetortConnection connection = {
    (char *) from_module, from_port, (char *) to_module, to_port,
  };
  RetortCommand *command;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), FALSE);

  if (!retort_experiment_can_connect (self, from_module, from_port, to_module, to_port, error))
    return FALSE;

  command = _retort_command_new (_("Connect"));
  _retort_command_connect (command, &connection);
  execute (self, command, FALSE);

  return TRUE;
}

gboolean
retort_experiment_disconnect (RetortExperiment  *self,
                              const char        *to_module,
                              guint              to_port,
                              GError           **error)
{
  RetortModule *module;
  const RetortConnection *source;
  RetortCommand *command;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), FALSE);

  if (!(module = lookup_module (self, to_module, error)))
    return FALSE;

  source = retort_experiment_find_source (self, to_module, to_port);
  if (source == NULL)
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("%s’s input %u is not connected"),
                   retort_module_get_title (module), to_port + 1);
      return FALSE;
    }

  command = _retort_command_new (_("Disconnect"));
  _retort_command_disconnect (command, source);
  execute (self, command, FALSE);

  return TRUE;
}

gboolean
retort_experiment_set_dataset (RetortExperiment  *self,
                               const char        *name,
                               GBytes            *contents,
                               GError           **error)
{
  GBytes *old;
  g_autofree char *label = NULL;
  RetortCommand *command;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), FALSE);

  if (!_retort_dataset_name_is_valid (name))
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("“%s” cannot name a dataset: use a file name without “/” that does not start with “.”"),
                   name != NULL ? name : "");
      return FALSE;
    }

  old = g_hash_table_lookup (self->datasets, name);
  if (old == contents || (old != NULL && contents != NULL && g_bytes_equal (old, contents)))
    return TRUE;

  label = contents != NULL ? g_strdup_printf (_("Embed %s"), name)
                           : g_strdup_printf (_("Remove %s"), name);
  command = _retort_command_new (label);
  _retort_command_set_dataset (command, name, old, contents);
  execute (self, command, FALSE);

  return TRUE;
}

/* Kahn's algorithm; among the modules ready at each step, the one added
 * first goes first, so the order is stable as the graph is edited. */
GPtrArray *
retort_experiment_topological_order (RetortExperiment *self)
{
  g_autoptr(GHashTable) index_of = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree guint *pending_inputs = NULL;
  g_autofree gboolean *done = NULL;
  GPtrArray *order;
  guint n;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), NULL);

  n = self->modules->len;
  pending_inputs = g_new0 (guint, n);
  done = g_new0 (gboolean, n);
  order = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_hash_table_insert (index_of,
                         (gpointer) retort_module_get_id (g_ptr_array_index (self->modules, i)),
                         GUINT_TO_POINTER (i));
  for (guint i = 0; i < self->connections->len; i++)
    {
      const RetortConnection *connection = g_ptr_array_index (self->connections, i);

      pending_inputs[GPOINTER_TO_UINT (g_hash_table_lookup (index_of, connection->to_module))]++;
    }

  while (order->len < n)
    {
      guint next = n;
      RetortModule *module;

      for (guint i = 0; i < n && next == n; i++)
        {
          if (!done[i] && pending_inputs[i] == 0)
            next = i;
        }
      /* Validation refuses cycles; should one slip in, keep every module. */
      for (guint i = 0; i < n && next == n; i++)
        {
          if (!done[i])
            next = i;
        }

      module = g_ptr_array_index (self->modules, next);
      done[next] = TRUE;
      g_ptr_array_add (order, g_object_ref (module));

      for (guint i = 0; i < self->connections->len; i++)
        {
          const RetortConnection *connection = g_ptr_array_index (self->connections, i);

          if (g_str_equal (connection->from_module, retort_module_get_id (module)))
            {
              guint to = GPOINTER_TO_UINT (g_hash_table_lookup (index_of, connection->to_module));

              if (pending_inputs[to] > 0)
                pending_inputs[to]--;
            }
        }
    }

  return order;
}
