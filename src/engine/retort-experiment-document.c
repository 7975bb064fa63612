/* SPDX-License-Identifier: GPL-3.0-or-later */
/* .retort documents: a zip of experiment.json, scripts/ and datasets/
 * (doc/experiment-format.md). */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "retort-experiment-private.h"
#include "retort-module-private.h"

#define FORMAT_NAME    "retort-experiment"
#define FORMAT_VERSION 1
#define EXPERIMENT_ENTRY "experiment.json"
/* A bound on what one entry may expand to, so a crafted zip cannot
 * exhaust memory; far above any real experiment.json or script. */
#define MAX_TEXT_ENTRY (64 * 1024 * 1024)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (zip_t, zip_discard)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (zip_file_t, zip_fclose)

static gboolean
document_error (GError     **error,
                int          code,
                GFile       *file,
                const char  *format,
                ...) G_GNUC_PRINTF (4, 5);

static gboolean
document_error (GError     **error,
                int          code,
                GFile       *file,
                const char  *format,
                ...)
{
  g_autofree char *reason = NULL;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *display = g_filename_display_name (name);
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, RETORT_ENGINE_ERROR, code, _("Cannot open “%s”: %s"), display, reason);
  return FALSE;
}

/* Loading */

typedef struct
{
  GFile *file;
  zip_t *zip;
} Reader;

static GBytes *
read_entry (Reader      *reader,
            const char  *name,
            guint64      max_size,
            GError     **error)
{
  zip_int64_t index = zip_name_locate (reader->zip, name, 0);
  g_autoptr(zip_file_t) entry = NULL;
  g_autofree char *data = NULL;
  zip_stat_t st;
  zip_int64_t n;

  if (index < 0)
    {
      document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                      _("%s is missing from the document"), name);
      return NULL;
    }

  zip_stat_init (&st);
  if (zip_stat_index (reader->zip, index, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
    {
      document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                      _("%s cannot be read: %s"), name, zip_strerror (reader->zip));
      return NULL;
    }
  if (st.size > max_size)
    {
      document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                      _("%s is too large (%" G_GUINT64_FORMAT " bytes)"), name, (guint64) st.size);
      return NULL;
    }

  entry = zip_fopen_index (reader->zip, index, 0);
  if (entry == NULL)
    {
      document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                      _("%s cannot be read: %s"), name, zip_strerror (reader->zip));
      return NULL;
    }

  data = g_malloc (st.size + 1);
  n = st.size > 0 ? zip_fread (entry, data, st.size) : 0;
  /* Reading to the end is what makes libzip check the CRC. */
  if (n == (zip_int64_t) st.size && st.size > 0)
    {
      char extra;

      if (zip_fread (entry, &extra, 1) != 0)
        n = -1;
    }
  if (n != (zip_int64_t) st.size)
    {
      document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                      _("%s is damaged: %s"), name, zip_file_strerror (entry));
      return NULL;
    }

  data[st.size] = '\0';
  return g_bytes_new_take (g_steal_pointer (&data), st.size);
}

static char *
read_text_entry (Reader      *reader,
                 const char  *name,
                 GError     **error)
{
  g_autoptr(GBytes) bytes = read_entry (reader, name, MAX_TEXT_ENTRY, error);
  gsize size;
  const char *data;

  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &size);
  if (!g_utf8_validate_len (data, size, NULL) || memchr (data, '\0', size) != NULL)
    {
      document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                      _("%s is not UTF-8 text"), name);
      return NULL;
    }

  return g_strndup (data, size);
}

static gboolean
node_is_type (JsonNode *node,
              GType     type)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (type == G_TYPE_DOUBLE)
    return json_node_get_value_type (node) == G_TYPE_DOUBLE ||
           json_node_get_value_type (node) == G_TYPE_INT64;

  return json_node_get_value_type (node) == type;
}

static JsonNode *
member (JsonObject *object,
        const char *name)
{
  return json_object_has_member (object, name) ? json_object_get_member (object, name) : NULL;
}

static gboolean
load_script (Reader        *reader,
             RetortModule  *module,
             const char    *name,
             JsonNode      *reference,
             JsonNode     **value,
             GError       **error)
{
  JsonNode *path_node = NULL;
  const char *path;
  g_autofree char *text = NULL;

  if (reference != NULL && JSON_NODE_HOLDS_OBJECT (reference))
    path_node = member (json_node_get_object (reference), "file");
  if (!node_is_type (path_node, G_TYPE_STRING))
    return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                           _("in %s, module “%s”: the script “%s” must be {\"file\": \"scripts/…\"}"),
                           EXPERIMENT_ENTRY, retort_module_get_id (module), name);

  path = json_node_get_string (path_node);
  if (!g_str_has_prefix (path, "scripts/"))
    return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                           _("in %s, module “%s”: the script “%s” must be under scripts/"),
                           EXPERIMENT_ENTRY, retort_module_get_id (module), path);

  if (!(text = read_text_entry (reader, path, error)))
    return FALSE;

  *value = json_node_init_string (json_node_alloc (), text);
  return TRUE;
}

static gboolean
load_module (Reader            *reader,
             RetortExperiment  *experiment,
             JsonNode          *node,
             guint              position,
             guint             *max_id,
             GError           **error)
{
  JsonObject *object;
  JsonNode *id_node, *kind_node, *title_node, *x_node, *y_node, *params_node;
  const char *id;
  const RetortModuleKind *kind;
  g_autoptr(RetortModule) module = NULL;
  guint64 number;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                           _("in %s, module %u is not an object"), EXPERIMENT_ENTRY, position + 1);
  object = json_node_get_object (node);

  id_node = member (object, "id");
  kind_node = member (object, "kind");
  if (!node_is_type (id_node, G_TYPE_STRING) || !node_is_type (kind_node, G_TYPE_STRING))
    return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                           _("in %s, module %u has no “id” or no “kind”"),
                           EXPERIMENT_ENTRY, position + 1);

  id = json_node_get_string (id_node);
  /* Ids name files (scripts/<id>.py). */
  if (!_retort_dataset_name_is_valid (id))
    return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                           _("in %s, “%s” is not a module id"), EXPERIMENT_ENTRY, id);
  if (retort_experiment_find_module (experiment, id) != NULL)
    return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                           _("in %s, two modules have the id “%s”"), EXPERIMENT_ENTRY, id);

  kind = retort_module_kind_lookup (json_node_get_string (kind_node));
  if (kind == NULL)
    return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                           _("in %s, module “%s” is of a kind this version does not know: “%s”"),
                           EXPERIMENT_ENTRY, id, json_node_get_string (kind_node));

  module = _retort_module_new (kind, id);

  title_node = member (object, "title");
  if (title_node != NULL && !node_is_type (title_node, G_TYPE_STRING))
    return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                           _("in %s, the title of module “%s” is not text"), EXPERIMENT_ENTRY, id);
  if (title_node != NULL && json_node_get_string (title_node)[0] != '\0')
    _retort_module_set_title (module, json_node_get_string (title_node));

  x_node = member (object, "x");
  y_node = member (object, "y");
  if ((x_node != NULL && !node_is_type (x_node, G_TYPE_DOUBLE)) ||
      (y_node != NULL && !node_is_type (y_node, G_TYPE_DOUBLE)))
    return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                           _("in %s, the position of module “%s” is not a number"),
                           EXPERIMENT_ENTRY, id);
  _retort_module_set_position (module,
                               x_node != NULL ? json_node_get_double (x_node) : 0,
                               y_node != NULL ? json_node_get_double (y_node) : 0);

  params_node = member (object, "parameters");
  if (params_node != NULL && !JSON_NODE_HOLDS_OBJECT (params_node))
    return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                           _("in %s, the parameters of module “%s” are not an object"),
                           EXPERIMENT_ENTRY, id);

  /* Parameters the document leaves out keep their defaults. */
  if (params_node != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init_ordered (&iter, json_node_get_object (params_node));
      while (json_object_iter_next_ordered (&iter, &name, &value))
        {
          const RetortParamSpec *spec = retort_module_kind_find_param (kind, name);
          g_autoptr(JsonNode) loaded = NULL;
          g_autoptr(GError) local_error = NULL;

          if (spec != NULL && spec->type == RETORT_PARAM_SCRIPT)
            {
              if (!load_script (reader, module, name, value, &loaded, error))
                return FALSE;
            }
          else
            {
              loaded = json_node_ref (value);
            }

          if (!_retort_module_check_parameter (module, name, loaded, &local_error))
            return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                                   _("in %s, module “%s”: %s"),
                                   EXPERIMENT_ENTRY, id, local_error->message);
          _retort_module_set_parameter (module, name, loaded);
        }
    }

  if (id[0] == 'm' && g_ascii_string_to_unsigned (id + 1, 10, 1, G_MAXUINT - 1, &number, NULL))
    *max_id = MAX (*max_id, (guint) number);

  _retort_experiment_insert_module (experiment, module, retort_experiment_get_n_modules (experiment));
  return TRUE;
}

static gboolean
load_connection (Reader            *reader,
                 RetortExperiment  *experiment,
                 JsonNode          *node,
                 guint              position,
                 GError           **error)
{
  JsonObject *object;
  JsonNode *from, *from_port, *to, *to_port;
  g_autoptr(GError) local_error = NULL;
  RetortConnection connection;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      object = json_node_get_object (node);
      from = member (object, "from");
      from_port = member (object, "from_port");
      to = member (object, "to");
      to_port = member (object, "to_port");
    }
  else
    {
      from = from_port = to = to_port = NULL;
    }

  if (!node_is_type (from, G_TYPE_STRING) || !node_is_type (to, G_TYPE_STRING) ||
      !node_is_type (from_port, G_TYPE_INT64) || !node_is_type (to_port, G_TYPE_INT64) ||
      json_node_get_int (from_port) < 0 || json_node_get_int (from_port) > G_MAXINT ||
      json_node_get_int (to_port) < 0 || json_node_get_int (to_port) > G_MAXINT)
    return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                           _("in %s, connection %u needs “from”, “from_port”, “to” and “to_port”"),
                           EXPERIMENT_ENTRY, position + 1);

  connection.from_module = (char *) json_node_get_string (from);
  connection.from_port = json_node_get_int (from_port);
  connection.to_module = (char *) json_node_get_string (to);
  connection.to_port = json_node_get_int (to_port);

  /* The same checks as an edit: a file cannot hold what the app refuses. */
  if (!retort_experiment_can_connect (experiment,
                                      connection.from_module, connection.from_port,
                                      connection.to_module, connection.to_port, &local_error))
    return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                           _("in %s, connection %u: %s"),
                           EXPERIMENT_ENTRY, position + 1, local_error->message);

  _retort_experiment_insert_connection (experiment, &connection);
  return TRUE;
}

static gboolean
load_experiment (Reader            *reader,
                 RetortExperiment  *experiment,
                 GError           **error)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonNode *format, *version, *modules, *connections, *datasets, *next_id;
  guint max_id = 0;

  if (!(text = read_text_entry (reader, EXPERIMENT_ENTRY, error)))
    return FALSE;

  if (!json_parser_load_from_data (parser, text, -1, &local_error))
    return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                           _("%s is not valid JSON: %s"), EXPERIMENT_ENTRY, local_error->message);

  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                           _("%s is not a Retort experiment"), EXPERIMENT_ENTRY);
  root = json_node_get_object (json_parser_get_root (parser));

  format = member (root, "format");
  version = member (root, "version");
  if (!node_is_type (format, G_TYPE_STRING) ||
      !g_str_equal (json_node_get_string (format), FORMAT_NAME) ||
      !node_is_type (version, G_TYPE_INT64) || json_node_get_int (version) < 1)
    return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                           _("%s is not a Retort experiment (no “format” and “version”)"),
                           EXPERIMENT_ENTRY);

  /* Checked before anything else: a newer format may mean anything. */
  if (json_node_get_int (version) > FORMAT_VERSION)
    return document_error (error, RETORT_ENGINE_ERROR_NEWER_FORMAT, reader->file,
                           _("it was made by a newer Retort (format %" G_GINT64_FORMAT "); "
                             "this version reads format %d"),
                           json_node_get_int (version), FORMAT_VERSION);

  modules = member (root, "modules");
  connections = member (root, "connections");
  datasets = member (root, "datasets");
  next_id = member (root, "next_id");
  if ((modules != NULL && !JSON_NODE_HOLDS_ARRAY (modules)) ||
      (connections != NULL && !JSON_NODE_HOLDS_ARRAY (connections)) ||
      (datasets != NULL && !JSON_NODE_HOLDS_ARRAY (datasets)) ||
      (next_id != NULL && (!node_is_type (next_id, G_TYPE_INT64) ||
                           json_node_get_int (next_id) < 1 ||
                           json_node_get_int (next_id) > G_MAXUINT)))
    return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                           _("in %s, “modules”, “connections” and “datasets” must be lists "
                             "and “next_id” a positive number"), EXPERIMENT_ENTRY);

  for (guint i = 0; modules != NULL && i < json_array_get_length (json_node_get_array (modules)); i++)
    {
      if (!load_module (reader, experiment, json_array_get_element (json_node_get_array (modules), i),
                        i, &max_id, error))
        return FALSE;
    }

  for (guint i = 0; connections != NULL && i < json_array_get_length (json_node_get_array (connections)); i++)
    {
      if (!load_connection (reader, experiment,
                            json_array_get_element (json_node_get_array (connections), i), i, error))
        return FALSE;
    }

  for (guint i = 0; datasets != NULL && i < json_array_get_length (json_node_get_array (datasets)); i++)
    {
      JsonNode *name = json_array_get_element (json_node_get_array (datasets), i);
      g_autofree char *path = NULL;
      g_autoptr(GBytes) contents = NULL;

      if (!node_is_type (name, G_TYPE_STRING) || !_retort_dataset_name_is_valid (json_node_get_string (name)))
        return document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, reader->file,
                               _("in %s, dataset %u has no valid name"), EXPERIMENT_ENTRY, i + 1);

      path = g_strconcat ("datasets/", json_node_get_string (name), NULL);
      if (!(contents = read_entry (reader, path, G_MAXUINT64, error)))
        return FALSE;
      _retort_experiment_put_dataset (experiment, json_node_get_string (name), contents);
    }

  /* Never reuse an id, even if "next_id" was lost or edited by hand. */
  _retort_experiment_set_next_id (experiment,
                                  MAX (max_id + 1, next_id != NULL ? (guint) json_node_get_int (next_id) : 1));

  return TRUE;
}

RetortExperiment *
retort_experiment_load (GFile   *file,
                        GError **error)
{
  g_autoptr(RetortExperiment) experiment = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(zip_t) zip = NULL;
  g_autoptr(GError) local_error = NULL;
  zip_source_t *source;
  zip_error_t zip_error;
  Reader reader;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  /* The whole file in memory, opened read-only: loading never writes. */
  bytes = g_file_load_bytes (file, NULL, NULL, &local_error);
  if (bytes == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Cannot open “%s”: "), name);
      return NULL;
    }

  zip_error_init (&zip_error);
  source = zip_source_buffer_create (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                     0, &zip_error);
  if (source != NULL)
    {
      zip = zip_open_from_source (source, ZIP_RDONLY | ZIP_CHECKCONS, &zip_error);
      if (zip == NULL)
        zip_source_free (source);
    }
  if (zip == NULL)
    {
      document_error (error, RETORT_ENGINE_ERROR_DOCUMENT, file,
                      _("it is not a Retort document, or it is damaged (%s)"),
                      zip_error_strerror (&zip_error));
      zip_error_fini (&zip_error);
      return NULL;
    }
  zip_error_fini (&zip_error);

  experiment = retort_experiment_new ();
  reader.file = file;
  reader.zip = zip;
  if (!load_experiment (&reader, experiment, error))
    return NULL;

  _retort_experiment_mark_saved (experiment, file);

  return g_steal_pointer (&experiment);
}

/* Saving */

typedef struct
{
  char   *name;
  GBytes *contents;
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->name);
  g_bytes_unref (entry->contents);
  g_free (entry);
}

static Entry *
entry_new (const char *name,
           GBytes     *contents)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->name = g_strdup (name);
  entry->contents = g_bytes_ref (contents);

  return entry;
}

static void
add_entry (GPtrArray  *entries,
           const char *name,
           GBytes     *contents)
{
  g_ptr_array_add (entries, entry_new (name, contents));
}

/* experiment.json, and the scripts and datasets it refers to. */
static GPtrArray *
serialize (RetortExperiment *self)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GPtrArray) datasets = retort_experiment_list_datasets (self);
  g_autoptr(JsonNode) root = NULL;
  GPtrArray *connections = retort_experiment_get_connections (self);
  g_autofree char *json = NULL;
  g_autoptr(GBytes) json_bytes = NULL;
  gsize json_length;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, FORMAT_NAME);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, FORMAT_VERSION);

  json_builder_set_member_name (builder, "modules");
  json_builder_begin_array (builder);
  for (guint i = 0; i < retort_experiment_get_n_modules (self); i++)
    {
      RetortModule *module = retort_experiment_get_module (self, i);
      const RetortModuleKind *kind = retort_module_get_kind (module);
      const char *id = retort_module_get_id (module);
      gboolean first_script = TRUE;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, id);
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
          const RetortParamSpec *spec = &kind->params[p];
          JsonNode *value = retort_module_get_parameter (module, spec->name);

          json_builder_set_member_name (builder, spec->name);
          if (spec->type == RETORT_PARAM_SCRIPT)
            {
              /* Scripts live in their own files, to be read and diffed
               * outside the app. */
              g_autofree char *path = first_script
                ? g_strdup_printf ("scripts/%s.py", id)
                : g_strdup_printf ("scripts/%s-%s.py", id, spec->name);
              const char *text = json_node_get_string (value);
              g_autoptr(GBytes) contents = g_bytes_new (text, strlen (text));

              first_script = FALSE;
              add_entry (entries, path, contents);
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "file");
              json_builder_add_string_value (builder, path);
              json_builder_end_object (builder);
            }
          else
            {
              json_builder_add_value (builder, json_node_copy (value));
            }
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "connections");
  json_builder_begin_array (builder);
  for (guint i = 0; i < connections->len; i++)
    {
      const RetortConnection *connection = g_ptr_array_index (connections, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "from");
      json_builder_add_string_value (builder, connection->from_module);
      json_builder_set_member_name (builder, "from_port");
      json_builder_add_int_value (builder, connection->from_port);
      json_builder_set_member_name (builder, "to");
      json_builder_add_string_value (builder, connection->to_module);
      json_builder_set_member_name (builder, "to_port");
      json_builder_add_int_value (builder, connection->to_port);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "datasets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < datasets->len; i++)
    {
      const char *name = g_ptr_array_index (datasets, i);
      g_autofree char *path = g_strconcat ("datasets/", name, NULL);

      json_builder_add_string_value (builder, name);
      add_entry (entries, path, retort_experiment_get_dataset (self, name));
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "next_id");
  json_builder_add_int_value (builder, _retort_experiment_get_next_id (self));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json = json_generator_to_data (generator, &json_length);
  json_bytes = g_bytes_new_take (g_steal_pointer (&json), json_length);
  /* First in the zip: what a reader (or a person with unzip) looks for. */
  g_ptr_array_insert (entries, 0, entry_new (EXPERIMENT_ENTRY, json_bytes));

  return g_steal_pointer (&entries);
}

static gboolean
zip_failed (GError     **error,
            GFile       *file,
            zip_error_t *zip_error)
{
  g_autofree char *name = g_file_get_parse_name (file);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot save “%s”: %s"),
               name, zip_error_strerror (zip_error));
  return FALSE;
}

/* The whole document as zip bytes, built in memory. */
static GBytes *
build_zip (GPtrArray  *entries,
           GFile      *file,
           GError    **error)
{
  zip_error_t zip_error;
  zip_source_t *buffer;
  zip_t *zip;
  zip_stat_t st;
  g_autofree char *data = NULL;

  zip_error_init (&zip_error);
  buffer = zip_source_buffer_create (NULL, 0, 0, &zip_error);
  if (buffer == NULL)
    {
      zip_failed (error, file, &zip_error);
      zip_error_fini (&zip_error);
      return NULL;
    }
  /* The archive is read back from @buffer after zip_close(). */
  zip_source_keep (buffer);

  zip = zip_open_from_source (buffer, ZIP_TRUNCATE, &zip_error);
  if (zip == NULL)
    {
      zip_failed (error, file, &zip_error);
      zip_error_fini (&zip_error);
      zip_source_free (buffer);
      zip_source_free (buffer);
      return NULL;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);
      gsize size;
      const void *contents = g_bytes_get_data (entry->contents, &size);
      zip_source_t *source = zip_source_buffer (zip, contents, size, 0);

      if (source == NULL || zip_file_add (zip, entry->name, source, ZIP_FL_ENC_UTF_8) < 0)
        {
          zip_source_free (source);
          zip_failed (error, file, zip_get_error (zip));
          zip_discard (zip);
          zip_source_free (buffer);
          return NULL;
        }
    }

  if (zip_close (zip) != 0)
    {
      zip_failed (error, file, zip_get_error (zip));
      zip_discard (zip);
      zip_source_free (buffer);
      return NULL;
    }

  zip_stat_init (&st);
  if (zip_source_stat (buffer, &st) != 0 || zip_source_open (buffer) != 0)
    {
      zip_failed (error, file, zip_source_error (buffer));
      zip_source_free (buffer);
      return NULL;
    }
  data = g_malloc (MAX (st.size, 1));
  if (zip_source_read (buffer, data, st.size) != (zip_int64_t) st.size)
    {
      zip_failed (error, file, zip_source_error (buffer));
      zip_source_close (buffer);
      zip_source_free (buffer);
      return NULL;
    }
  zip_source_close (buffer);
  zip_source_free (buffer);

  return g_bytes_new_take (g_steal_pointer (&data), st.size);
}

static gboolean
save_failed (GError     **error,
             GFile       *file,
             int          saved_errno,
             const char  *temporary)
{
  g_autofree char *name = g_file_get_parse_name (file);

  if (temporary != NULL)
    g_unlink (temporary);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _("Cannot save “%s”: %s; the document on disk was not changed"),
               name, g_strerror (saved_errno));
  return FALSE;
}

/* Temporary file in the same folder, fsync, rename over the target, fsync
 * the folder: at every moment the target is the old document or the new
 * one, whole, even on a full disk or a crash. */
static gboolean
write_atomically (GFile       *file,
                  GBytes      *contents,
                  GError     **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *temporary = NULL;
  const char *data;
  gsize size, done = 0;
  struct stat st;
  int fd, dir_fd;

  if (path == NULL)
    return save_failed (error, file, EOPNOTSUPP, NULL);

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  temporary = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);

  fd = g_mkstemp_full (temporary, O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0)
    return save_failed (error, file, errno, NULL);

  /* Keep the permissions of the document being replaced. */
  if (stat (path, &st) == 0)
    (void) fchmod (fd, st.st_mode & 07777);

  data = g_bytes_get_data (contents, &size);
  while (done < size)
    {
      ssize_t n = write (fd, data + done, size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved_errno = n < 0 ? errno : ENOSPC;

          close (fd);
          return save_failed (error, file, saved_errno, temporary);
        }
      done += n;
    }

  if (fsync (fd) != 0)
    {
      int saved_errno = errno;

      close (fd);
      return save_failed (error, file, saved_errno, temporary);
    }
  if (close (fd) != 0)
    return save_failed (error, file, errno, temporary);

  if (rename (temporary, path) != 0)
    return save_failed (error, file, errno, temporary);

  /* The rename itself must survive a crash. */
  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0)
    {
      (void) fsync (dir_fd);
      close (dir_fd);
    }

  return TRUE;
}

gboolean
retort_experiment_save (RetortExperiment  *self,
                        GFile             *file,
                        GError           **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) zip = NULL;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  entries = serialize (self);
  if (!(zip = build_zip (entries, file, error)))
    return FALSE;
  if (!write_atomically (file, zip, error))
    return FALSE;

  _retort_experiment_mark_saved (self, file);
  return TRUE;
}

gboolean
retort_experiment_save_copy (RetortExperiment  *self,
                             GFile             *file,
                             GError           **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) zip = NULL;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  entries = serialize (self);
  if (!(zip = build_zip (entries, file, error)))
    return FALSE;

  return write_atomically (file, zip, error);
}
