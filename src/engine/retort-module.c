/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-experiment-private.h"
#include "retort-module-private.h"
#include "retort-parameter-private.h"

struct _RetortModule
{
  GObject                 parent_instance;

  const RetortModuleKind *kind;
  char                   *id;
  char                   *title;
  double                  x;
  double                  y;
  /* Every parameter of the kind, defaults included: a document always says
   * what a module ran with, even after a later version changes a default. */
  JsonObject             *parameters;
};

G_DEFINE_FINAL_TYPE (RetortModule, retort_module, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_X,
  PROP_Y,
  N_PROPS
};

enum {
  PARAMETER_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
retort_module_finalize (GObject *object)
{
  RetortModule *self = RETORT_MODULE (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->parameters, json_object_unref);

  G_OBJECT_CLASS (retort_module_parent_class)->finalize (object);
}

static void
retort_module_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  RetortModule *self = RETORT_MODULE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_X:
      g_value_set_double (value, self->x);
      break;
    case PROP_Y:
      g_value_set_double (value, self->y);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
retort_module_class_init (RetortModuleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = retort_module_finalize;
  object_class->get_property = retort_module_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_X] =
    g_param_spec_double ("x", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_Y] =
    g_param_spec_double ("y", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PARAMETER_CHANGED] =
    g_signal_new ("parameter-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
retort_module_init (RetortModule *self)
{
  self->parameters = json_object_new ();
}

RetortModule *
_retort_module_new (const RetortModuleKind *kind,
                    const char             *id)
{
  RetortModule *self;

  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  self = g_object_new (RETORT_TYPE_MODULE, NULL);
  self->kind = kind;
  self->id = g_strdup (id);
  self->title = g_strdup (_(kind->title));

  for (guint i = 0; i < kind->n_params; i++)
    {
      const RetortParamSpec *spec = &kind->params[i];
      g_autoptr(GError) error = NULL;
      JsonNode *value = json_from_string (spec->default_json, &error);

      /* A kind's own default is a programming error, not a user's. */
      if (value == NULL)
        {
          g_critical ("Module kind %s: the default of %s is not JSON: %s",
                      kind->id, spec->name, error != NULL ? error->message : "empty");
          value = json_node_new (JSON_NODE_NULL);
        }
      json_object_set_member (self->parameters, spec->name, value);
    }

  return self;
}

const char *
retort_module_get_id (RetortModule *self)
{
  g_return_val_if_fail (RETORT_IS_MODULE (self), NULL);

  return self->id;
}

const RetortModuleKind *
retort_module_get_kind (RetortModule *self)
{
  g_return_val_if_fail (RETORT_IS_MODULE (self), NULL);

  return self->kind;
}

const char *
retort_module_get_title (RetortModule *self)
{
  g_return_val_if_fail (RETORT_IS_MODULE (self), NULL);

  return self->title;
}

double
retort_module_get_x (RetortModule *self)
{
  g_return_val_if_fail (RETORT_IS_MODULE (self), 0);

  return self->x;
}

double
retort_module_get_y (RetortModule *self)
{
  g_return_val_if_fail (RETORT_IS_MODULE (self), 0);

  return self->y;
}

JsonNode *
retort_module_get_parameter (RetortModule *self,
                             const char   *name)
{
  g_return_val_if_fail (RETORT_IS_MODULE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!json_object_has_member (self->parameters, name))
    return NULL;

  return json_object_get_member (self->parameters, name);
}

const char *
retort_module_get_string (RetortModule *self,
                          const char   *name)
{
  return _retort_parameter_string (retort_module_get_parameter (self, name));
}

gint64
retort_module_get_int (RetortModule *self,
                       const char   *name)
{
  return _retort_parameter_int (retort_module_get_parameter (self, name));
}

double
retort_module_get_double (RetortModule *self,
                          const char   *name)
{
  return _retort_parameter_double (retort_module_get_parameter (self, name));
}

gboolean
retort_module_get_bool (RetortModule *self,
                        const char   *name)
{
  return _retort_parameter_bool (retort_module_get_parameter (self, name));
}

char **
retort_module_dup_strv (RetortModule *self,
                        const char   *name)
{
  return _retort_parameter_dup_strv (retort_module_get_parameter (self, name));
}

JsonObject *
retort_module_dup_parameters (RetortModule *self)
{
  JsonObject *copy;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  g_return_val_if_fail (RETORT_IS_MODULE (self), NULL);

  copy = json_object_new ();
  json_object_iter_init_ordered (&iter, self->parameters);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    json_object_set_member (copy, name, json_node_copy (value));

  return copy;
}

void
_retort_module_set_title (RetortModule *self,
                          const char   *title)
{
  g_return_if_fail (RETORT_IS_MODULE (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;

  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
_retort_module_set_position (RetortModule *self,
                             double        x,
                             double        y)
{
  g_return_if_fail (RETORT_IS_MODULE (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->x != x)
    {
      self->x = x;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_X]);
    }
  if (self->y != y)
    {
      self->y = y;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_Y]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
_retort_module_set_parameter (RetortModule *self,
                              const char   *name,
                              JsonNode     *value)
{
  g_return_if_fail (RETORT_IS_MODULE (self));
  g_return_if_fail (json_object_has_member (self->parameters, name));

  json_object_set_member (self->parameters, name, json_node_ref (value));
  g_signal_emit (self, signals[PARAMETER_CHANGED], 0, name);
}

static gboolean
node_is_string (JsonNode *value)
{
  return JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING;
}

static const char *
param_type_expectation (RetortParamType type)
{
  switch (type)
    {
    case RETORT_PARAM_INT:
      return _("a whole number");
    case RETORT_PARAM_DOUBLE:
      return _("a number");
    case RETORT_PARAM_BOOL:
      return _("true or false");
    case RETORT_PARAM_COLUMNS:
      return _("a list of column names");
    case RETORT_PARAM_STRING:
    case RETORT_PARAM_TEXT:
    case RETORT_PARAM_SCRIPT:
    case RETORT_PARAM_CHOICE:
    case RETORT_PARAM_PATH:
    case RETORT_PARAM_DATASET:
    default:
      return _("text");
    }
}

static gboolean
value_has_type (JsonNode        *value,
                RetortParamType  type)
{
  switch (type)
    {
    case RETORT_PARAM_INT:
      return JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_INT64;
    case RETORT_PARAM_DOUBLE:
      return JSON_NODE_HOLDS_VALUE (value) &&
             (json_node_get_value_type (value) == G_TYPE_INT64 ||
              json_node_get_value_type (value) == G_TYPE_DOUBLE);
    case RETORT_PARAM_BOOL:
      return JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN;
    case RETORT_PARAM_COLUMNS:
      if (!JSON_NODE_HOLDS_ARRAY (value))
        return FALSE;
      for (guint i = 0; i < json_array_get_length (json_node_get_array (value)); i++)
        {
          if (!node_is_string (json_array_get_element (json_node_get_array (value), i)))
            return FALSE;
        }
      return TRUE;
    case RETORT_PARAM_STRING:
    case RETORT_PARAM_TEXT:
    case RETORT_PARAM_SCRIPT:
    case RETORT_PARAM_CHOICE:
    case RETORT_PARAM_PATH:
    case RETORT_PARAM_DATASET:
    default:
      return node_is_string (value);
    }
}

gboolean
_retort_module_check_parameter (RetortModule  *self,
                                const char    *name,
                                JsonNode      *value,
                                GError       **error)
{
  const RetortParamSpec *spec;

  g_return_val_if_fail (RETORT_IS_MODULE (self), FALSE);

  spec = retort_module_kind_find_param (self->kind, name);
  if (spec == NULL)
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("%s has no parameter “%s”"), self->title, name);
      return FALSE;
    }

  if (value == NULL || !value_has_type (value, spec->type))
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("%s’s parameter “%s” must be %s"),
                   self->title, _(spec->label), param_type_expectation (spec->type));
      return FALSE;
    }

  if (spec->type == RETORT_PARAM_CHOICE && spec->choices != NULL &&
      !g_strv_contains (spec->choices, json_node_get_string (value)))
    {
      g_autofree char *choices = g_strjoinv ("”, “", (char **) spec->choices);

      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("%s’s parameter “%s” cannot be “%s”: choose one of “%s”"),
                   self->title, _(spec->label), json_node_get_string (value), choices);
      return FALSE;
    }

  /* The name becomes a path in the document's zip (datasets/NAME). */
  if (spec->type == RETORT_PARAM_DATASET && json_node_get_string (value)[0] != '\0' &&
      !_retort_dataset_name_is_valid (json_node_get_string (value)))
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("%s’s parameter “%s”: “%s” is not a dataset name (no “/”, no leading “.”)"),
                   self->title, _(spec->label), json_node_get_string (value));
      return FALSE;
    }

  return TRUE;
}
