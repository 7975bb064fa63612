/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading a parameter's JSON value, shared by RetortModule (the model)
 * and RetortModuleRun (the snapshot a run sees). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A number, a boolean or a string; NULL for anything else (null included). */
static inline JsonNode *
_retort_parameter_scalar (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? node : NULL;
}

static inline const char *
_retort_parameter_string (JsonNode *node)
{
  node = _retort_parameter_scalar (node);
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* The numeric readers accept 600.0 as well as 600: JSON has one kind of
 * number. */
static inline gint64
_retort_parameter_int (JsonNode *node)
{
  node = _retort_parameter_scalar (node);
  return node != NULL ? json_node_get_int (node) : 0;
}

static inline double
_retort_parameter_double (JsonNode *node)
{
  node = _retort_parameter_scalar (node);
  return node != NULL ? json_node_get_double (node) : 0.0;
}

static inline gboolean
_retort_parameter_bool (JsonNode *node)
{
  node = _retort_parameter_scalar (node);
  return node != NULL ? json_node_get_boolean (node) : FALSE;
}

/* A list of names: a JSON array of strings, or one comma-separated string
 * (what `retort run --set M.columns=a,b` gives). Free with g_strfreev. */
static inline char **
_retort_parameter_dup_strv (JsonNode *node)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *text = _retort_parameter_string (node);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *item = _retort_parameter_string (json_array_get_element (array, i));

          if (item != NULL)
            g_strv_builder_add (builder, item);
        }
    }
  else if (text != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (text, ",", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        {
          g_strstrip (parts[i]);
          if (parts[i][0] != '\0')
            g_strv_builder_add (builder, parts[i]);
        }
    }

  return g_strv_builder_end (builder);
}

G_END_DECLS
