/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-clipboard"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "retort-engine-types.h"
#include "retort-module-clipboard.h"
#include "retort-module-kind.h"

#define CLIPBOARD_FORMAT 1

static int
index_of (const char * const *ids,
          const char         *id)
{
  for (int i = 0; ids[i] != NULL; i++)
    if (g_str_equal (ids[i], id))
      return i;

  return -1;
}

char *
retort_module_clipboard_serialize (RetortExperiment   *experiment,
                                   const char * const *module_ids)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GPtrArray *connections;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (experiment), NULL);
  g_return_val_if_fail (module_ids != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "retort-modules");
  json_builder_add_int_value (builder, CLIPBOARD_FORMAT);

  json_builder_set_member_name (builder, "modules");
  json_builder_begin_array (builder);
  for (guint i = 0; module_ids[i] != NULL; i++)
    {
      RetortModule *module = retort_experiment_find_module (experiment, module_ids[i]);
      const RetortModuleKind *kind;

      if (module == NULL)
        continue;

      kind = retort_module_get_kind (module);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, module_ids[i]);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, kind->id);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, retort_module_get_title (module));
      json_builder_set_member_name (builder, "x");
      json_builder_add_double_value (builder, retort_module_get_x (module));
      json_builder_set_member_name (builder, "y");
      json_builder_add_double_value (builder, retort_module_get_y (module));
      json_builder_set_member_name (builder, "parameters");
      json_builder_begin_object (builder);
      for (guint p = 0; p < kind->n_params; p++)
        {
          json_builder_set_member_name (builder, kind->params[p].name);
          json_builder_add_value (builder,
                                  json_node_copy (retort_module_get_parameter (module,
                                                                               kind->params[p].name)));
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  /* Only the connections inside the selection: a pasted copy starts loose. */
  json_builder_set_member_name (builder, "connections");
  json_builder_begin_array (builder);
  connections = retort_experiment_get_connections (experiment);
  for (guint i = 0; i < connections->len; i++)
    {
      const RetortConnection *connection = g_ptr_array_index (connections, i);

      if (index_of (module_ids, connection->from_module) < 0
          || index_of (module_ids, connection->to_module) < 0)
        continue;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "from");
      json_builder_add_string_value (builder, connection->from_module);
      json_builder_set_member_name (builder, "from-port");
      json_builder_add_int_value (builder, connection->from_port);
      json_builder_set_member_name (builder, "to");
      json_builder_add_string_value (builder, connection->to_module);
      json_builder_set_member_name (builder, "to-port");
      json_builder_add_int_value (builder, connection->to_port);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static gboolean
not_modules (GError **error)
{
  g_set_error_literal (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                       _("The clipboard does not hold Retort modules"));
  return FALSE;
}

/* Checks the shape of everything before the first edit, so that a damaged
 * clipboard changes nothing. */
static gboolean
check_clipboard (JsonNode  *root,
                 GError   **error)
{
  JsonObject *object;
  JsonArray *modules;
  JsonArray *connections;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return not_modules (error);

  object = json_node_get_object (root);
  if (json_object_get_int_member_with_default (object, "retort-modules", 0) != CLIPBOARD_FORMAT
      || !json_object_has_member (object, "modules")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "modules"))
      || !json_object_has_member (object, "connections")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "connections")))
    return not_modules (error);

  modules = json_object_get_array_member (object, "modules");
  for (guint i = 0; i < json_array_get_length (modules); i++)
    {
      JsonNode *node = json_array_get_element (modules, i);
      JsonObject *module;
      const char *kind_id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return not_modules (error);
      module = json_node_get_object (node);
      kind_id = json_object_get_string_member_with_default (module, "kind", NULL);
      if (json_object_get_string_member_with_default (module, "id", NULL) == NULL
          || json_object_get_string_member_with_default (module, "title", NULL) == NULL
          || !json_object_has_member (module, "parameters")
          || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (module, "parameters")))
        return not_modules (error);
      if (kind_id == NULL || retort_module_kind_lookup (kind_id) == NULL)
        {
          g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                       _("The clipboard holds a module of an unknown kind (“%s”)"),
                       kind_id != NULL ? kind_id : "");
          return FALSE;
        }
    }

  connections = json_object_get_array_member (object, "connections");
  for (guint i = 0; i < json_array_get_length (connections); i++)
    {
      JsonNode *node = json_array_get_element (connections, i);
      JsonObject *connection;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return not_modules (error);
      connection = json_node_get_object (node);
      if (json_object_get_string_member_with_default (connection, "from", NULL) == NULL
          || json_object_get_string_member_with_default (connection, "to", NULL) == NULL
          || json_object_get_int_member_with_default (connection, "from-port", -1) < 0
          || json_object_get_int_member_with_default (connection, "to-port", -1) < 0)
        return not_modules (error);
    }

  return TRUE;
}

static gboolean
paste_modules (RetortExperiment *experiment,
               JsonObject       *clipboard,
               double            dx,
               double            dy,
               GHashTable       *new_ids,
               GPtrArray        *added,
               GError          **error)
{
  JsonArray *modules = json_object_get_array_member (clipboard, "modules");
  JsonArray *connections = json_object_get_array_member (clipboard, "connections");

  for (guint i = 0; i < json_array_get_length (modules); i++)
    {
      JsonObject *object = json_array_get_object_element (modules, i);
      JsonObject *parameters = json_object_get_object_member (object, "parameters");
      const char *kind_id = json_object_get_string_member (object, "kind");
      double x = json_object_get_double_member_with_default (object, "x", 0) + dx;
      double y = json_object_get_double_member_with_default (object, "y", 0) + dy;
      RetortModule *module;
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;
      const char *id;

      module = retort_experiment_add_module (experiment, kind_id, x, y, error);
      if (module == NULL)
        return FALSE;
      id = retort_module_get_id (module);
      g_ptr_array_add (added, g_strdup (id));
      g_hash_table_insert (new_ids, g_strdup (json_object_get_string_member (object, "id")),
                           g_strdup (id));

      if (!g_str_equal (json_object_get_string_member (object, "title"),
                        retort_module_get_title (module))
          && !retort_experiment_set_title (experiment, id,
                                           json_object_get_string_member (object, "title"),
                                           error))
        return FALSE;

      json_object_iter_init (&iter, parameters);
      while (json_object_iter_next (&iter, &name, &value))
        {
          if (json_node_equal (value, retort_module_get_parameter (module, name)))
            continue;
          if (!retort_experiment_set_parameter (experiment, id, name, value, error))
            return FALSE;
        }
    }

  for (guint i = 0; i < json_array_get_length (connections); i++)
    {
      JsonObject *object = json_array_get_object_element (connections, i);
      const char *from = g_hash_table_lookup (new_ids, json_object_get_string_member (object, "from"));
      const char *to = g_hash_table_lookup (new_ids, json_object_get_string_member (object, "to"));

      if (from == NULL || to == NULL)
        continue;
      if (!retort_experiment_connect (experiment,
                                      from, json_object_get_int_member (object, "from-port"),
                                      to, json_object_get_int_member (object, "to-port"),
                                      error))
        return FALSE;
    }

  return TRUE;
}

GPtrArray *
retort_module_clipboard_paste (RetortExperiment  *experiment,
                               const char        *json,
                               double             dx,
                               double             dy,
                               GError           **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) new_ids = NULL;
  g_autoptr(GPtrArray) added = NULL;
  gboolean pasted;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (experiment), NULL);
  g_return_val_if_fail (json != NULL, NULL);

  root = json_from_string (json, NULL);
  if (root == NULL || !check_clipboard (root, error))
    {
      if (root == NULL)
        not_modules (error);
      return NULL;
    }

  new_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  added = g_ptr_array_new_with_free_func (g_free);

  retort_experiment_begin_group (experiment, _("Paste"));
  pasted = paste_modules (experiment, json_node_get_object (root), dx, dy, new_ids, added, error);
  retort_experiment_end_group (experiment);

  /* A refused edit half-way: take back what was added. */
  if (!pasted)
    {
      if (added->len > 0)
        retort_experiment_undo (experiment);
      return NULL;
    }

  return g_steal_pointer (&added);
}
