/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include "retort-command.h"
#include "retort-experiment-private.h"
#include "retort-module-private.h"

typedef enum
{
  CHANGE_ADD_MODULE,
  CHANGE_REMOVE_MODULE,
  CHANGE_CONNECT,
  CHANGE_DISCONNECT,
  CHANGE_MOVE,
  CHANGE_TITLE,
  CHANGE_PARAMETER,
  CHANGE_DATASET,
} ChangeType;

/* Each change keeps both its before and its after, so it runs either way. */
typedef struct
{
  ChangeType        type;
  RetortModule     *module;
  guint             index;
  RetortConnection *connection;
  char             *name;
  double            old_x, old_y, x, y;
  char             *old_title, *title;
  JsonNode         *old_value, *value;
  GBytes           *old_bytes, *bytes;
} Change;

struct _RetortCommand
{
  char      *label;
  GPtrArray *changes;
};

static void
change_free (Change *change)
{
  g_clear_object (&change->module);
  g_clear_pointer (&change->connection, retort_connection_free);
  g_free (change->name);
  g_free (change->old_title);
  g_free (change->title);
  g_clear_pointer (&change->old_value, json_node_unref);
  g_clear_pointer (&change->value, json_node_unref);
  g_clear_pointer (&change->old_bytes, g_bytes_unref);
  g_clear_pointer (&change->bytes, g_bytes_unref);
  g_free (change);
}

RetortCommand *
_retort_command_new (const char *label)
{
  RetortCommand *self = g_new0 (RetortCommand, 1);

  self->label = g_strdup (label);
  self->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);

  return self;
}

void
_retort_command_free (RetortCommand *self)
{
  if (self == NULL)
    return;

  g_free (self->label);
  g_ptr_array_unref (self->changes);
  g_free (self);
}

const char *
_retort_command_get_label (RetortCommand *self)
{
  return self->label;
}

gboolean
_retort_command_is_empty (RetortCommand *self)
{
  return self->changes->len == 0;
}

static Change *
add_change (RetortCommand *self,
            ChangeType     type,
            RetortModule  *module)
{
  Change *change = g_new0 (Change, 1);

  change->type = type;
  change->module = module != NULL ? g_object_ref (module) : NULL;
  g_ptr_array_add (self->changes, change);

  return change;
}

void
_retort_command_add_module (RetortCommand *self,
                            RetortModule  *module,
                            guint          index)
{
  add_change (self, CHANGE_ADD_MODULE, module)->index = index;
}

void
_retort_command_remove_module (RetortCommand *self,
                               RetortModule  *module,
                               guint          index)
{
  add_change (self, CHANGE_REMOVE_MODULE, module)->index = index;
}

void
_retort_command_connect (RetortCommand          *self,
                         const RetortConnection *connection)
{
  add_change (self, CHANGE_CONNECT, NULL)->connection = retort_connection_copy (connection);
}

void
_retort_command_disconnect (RetortCommand          *self,
                            const RetortConnection *connection)
{
  add_change (self, CHANGE_DISCONNECT, NULL)->connection = retort_connection_copy (connection);
}

void
_retort_command_move (RetortCommand *self,
                      RetortModule  *module,
                      double         x,
                      double         y)
{
  Change *change = add_change (self, CHANGE_MOVE, module);

  change->old_x = retort_module_get_x (module);
  change->old_y = retort_module_get_y (module);
  change->x = x;
  change->y = y;
}

void
_retort_command_set_title (RetortCommand *self,
                           RetortModule  *module,
                           const char    *title)
{
  Change *change = add_change (self, CHANGE_TITLE, module);

  change->old_title = g_strdup (retort_module_get_title (module));
  change->title = g_strdup (title);
}

void
_retort_command_set_parameter (RetortCommand *self,
                               RetortModule  *module,
                               const char    *name,
                               JsonNode      *value)
{
  Change *change = add_change (self, CHANGE_PARAMETER, module);

  change->name = g_strdup (name);
  change->old_value = json_node_copy (retort_module_get_parameter (module, name));
  change->value = json_node_copy (value);
}

void
_retort_command_set_dataset (RetortCommand *self,
                             const char    *name,
                             GBytes        *old_contents,
                             GBytes        *contents)
{
  Change *change = add_change (self, CHANGE_DATASET, NULL);

  change->name = g_strdup (name);
  change->old_bytes = old_contents != NULL ? g_bytes_ref (old_contents) : NULL;
  change->bytes = contents != NULL ? g_bytes_ref (contents) : NULL;
}

void
_retort_command_append (RetortCommand *self,
                        RetortCommand *other)
{
  for (guint i = 0; i < other->changes->len; i++)
    g_ptr_array_add (self->changes, g_ptr_array_index (other->changes, i));

  g_ptr_array_set_free_func (other->changes, NULL);
  g_ptr_array_set_size (other->changes, 0);
  g_ptr_array_set_free_func (other->changes, (GDestroyNotify) change_free);
}

static void
change_run (Change           *change,
            RetortExperiment *experiment,
            gboolean          forward)
{
  switch (change->type)
    {
    case CHANGE_ADD_MODULE:
    case CHANGE_REMOVE_MODULE:
      if (forward == (change->type == CHANGE_ADD_MODULE))
        _retort_experiment_insert_module (experiment, change->module, change->index);
      else
        _retort_experiment_take_module (experiment, change->module);
      break;

    case CHANGE_CONNECT:
    case CHANGE_DISCONNECT:
      if (forward == (change->type == CHANGE_CONNECT))
        _retort_experiment_insert_connection (experiment, change->connection);
      else
        _retort_experiment_delete_connection (experiment, change->connection);
      break;

    case CHANGE_MOVE:
      _retort_module_set_position (change->module,
                                   forward ? change->x : change->old_x,
                                   forward ? change->y : change->old_y);
      break;

    case CHANGE_TITLE:
      _retort_module_set_title (change->module, forward ? change->title : change->old_title);
      break;

    case CHANGE_PARAMETER:
      _retort_module_set_parameter (change->module, change->name,
                                    forward ? change->value : change->old_value);
      break;

    case CHANGE_DATASET:
      _retort_experiment_put_dataset (experiment, change->name,
                                      forward ? change->bytes : change->old_bytes);
      break;

    default:
      g_assert_not_reached ();
    }
}

void
_retort_command_apply (RetortCommand    *self,
                       RetortExperiment *experiment)
{
  for (guint i = 0; i < self->changes->len; i++)
    change_run (g_ptr_array_index (self->changes, i), experiment, TRUE);
}

void
_retort_command_revert (RetortCommand    *self,
                        RetortExperiment *experiment)
{
  for (guint i = self->changes->len; i > 0; i--)
    change_run (g_ptr_array_index (self->changes, i - 1), experiment, FALSE);
}

static Change *
single_text_parameter (RetortCommand *self)
{
  const RetortParamSpec *spec;
  Change *change;

  if (self->changes->len != 1)
    return NULL;

  change = g_ptr_array_index (self->changes, 0);
  if (change->type != CHANGE_PARAMETER)
    return NULL;

  spec = retort_module_kind_find_param (retort_module_get_kind (change->module), change->name);
  if (spec == NULL || (spec->type != RETORT_PARAM_TEXT && spec->type != RETORT_PARAM_SCRIPT))
    return NULL;

  return change;
}

gboolean
_retort_command_merge (RetortCommand *self,
                       RetortCommand *next)
{
  Change *change = single_text_parameter (self);
  Change *next_change = single_text_parameter (next);

  if (change == NULL || next_change == NULL ||
      change->module != next_change->module ||
      !g_str_equal (change->name, next_change->name))
    return FALSE;

  g_clear_pointer (&change->value, json_node_unref);
  change->value = json_node_ref (next_change->value);

  return TRUE;
}
