/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "retort-output-cache.h"
#include "retort-module-run-private.h"
#include "retort-script-bundle.h"
#include "retort-table-lib.h"

#define MANIFEST_NAME "outputs.json"

static void
cached_output_clear (RetortCachedOutput *output)
{
  g_clear_pointer (&output->table, retort_table_unref);
  g_clear_pointer (&output->bytes, g_bytes_unref);
  g_clear_pointer (&output->console, g_free);
  g_clear_pointer (&output->stderr_ranges, g_array_unref);
  g_clear_pointer (&output->images, g_ptr_array_unref);
}

void
_retort_cached_outputs_free (RetortCachedOutputs *outputs)
{
  if (outputs == NULL)
    return;

  for (guint i = 0; i < outputs->n_outputs; i++)
    cached_output_clear (&outputs->outputs[i]);
  g_free (outputs->outputs);
  g_free (outputs);
}

static RetortCachedOutputs *
cached_outputs_new (const RetortModuleKind *kind)
{
  RetortCachedOutputs *outputs = g_new0 (RetortCachedOutputs, 1);

  outputs->n_outputs = kind->n_outputs;
  outputs->outputs = g_new0 (RetortCachedOutput, MAX (kind->n_outputs, 1));
  for (guint i = 0; i < kind->n_outputs; i++)
    outputs->outputs[i].type = kind->outputs[i].type;

  return outputs;
}

RetortCachedOutputs *
_retort_cached_outputs_from_run (RetortModuleRun *run)
{
  const RetortModuleKind *kind = retort_module_run_get_kind (run);
  RetortCachedOutputs *outputs = cached_outputs_new (kind);

  for (guint i = 0; i < kind->n_outputs; i++)
    {
      RetortCachedOutput *output = &outputs->outputs[i];

      switch (output->type)
        {
        case RETORT_PORT_DATASET:
          {
            RetortTable *table = retort_module_run_get_output_table (run, i);

            output->table = table != NULL ? retort_table_ref (table) : NULL;
          }
          break;
        case RETORT_PORT_ZIP:
          {
            GBytes *bytes = retort_module_run_get_output_bytes (run, i);

            output->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
          }
          break;
        case RETORT_PORT_DEVICE:
          {
            GPtrArray *images = retort_module_run_get_output_images (run, i);

            output->console = g_strdup (retort_module_run_get_output_console (run, i));
            output->stderr_ranges = _retort_module_run_dup_stderr_ranges (run, output->console);
            output->images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
            for (guint j = 0; images != NULL && j < images->len; j++)
              g_ptr_array_add (output->images, g_bytes_ref (g_ptr_array_index (images, j)));
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }

  return outputs;
}

void
_retort_cached_outputs_apply (RetortCachedOutputs *outputs,
                              RetortModuleRun     *run)
{
  for (guint i = 0; i < outputs->n_outputs; i++)
    {
      RetortCachedOutput *output = &outputs->outputs[i];

      switch (output->type)
        {
        case RETORT_PORT_DATASET:
          if (output->table != NULL)
            retort_module_run_set_output_table (run, i, output->table);
          break;
        case RETORT_PORT_ZIP:
          if (output->bytes != NULL)
            retort_module_run_set_output_bytes (run, i, output->bytes);
          break;
        case RETORT_PORT_DEVICE:
          retort_module_run_set_output_device (run, i, output->console, output->images);
          if (output->stderr_ranges != NULL && output->console != NULL)
            _retort_module_run_restore_console (run, output->console, output->stderr_ranges);
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

static gboolean
write_bytes (const char  *dir,
             const char  *name,
             const void  *data,
             gsize        size,
             GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_set_contents (path, data != NULL ? data : "", size, error);
}

gboolean
_retort_output_cache_write (const char           *dir,
                            const char           *hash,
                            RetortCachedOutputs  *outputs,
                            GError              **error)
{
  g_autofree char *final = g_build_filename (dir, hash, NULL);
  g_autofree char *tmp = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *manifest = NULL;

  if (g_file_test (final, G_FILE_TEST_IS_DIR))
    return TRUE;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create the cache folder “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  tmp = g_strdup_printf ("%s/.tmp-%s-XXXXXX", dir, hash);
  if (g_mkdtemp (tmp) == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot write to the cache folder “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "outputs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < outputs->n_outputs; i++)
    {
      RetortCachedOutput *output = &outputs->outputs[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, retort_port_type_to_string (output->type));

      if (output->type == RETORT_PORT_DATASET && output->table != NULL)
        {
          g_autofree char *name = g_strdup_printf ("output-%u.rtbl", i + 1);
          g_autofree char *path = g_build_filename (tmp, name, NULL);

          if (!retort_table_write_file (output->table, path, error))
            goto fail;
          json_builder_set_member_name (builder, "file");
          json_builder_add_string_value (builder, name);
        }
      else if (output->type == RETORT_PORT_ZIP && output->bytes != NULL)
        {
          g_autofree char *name = g_strdup_printf ("output-%u.zip", i + 1);
          gsize size;
          const void *data = g_bytes_get_data (output->bytes, &size);

          if (!write_bytes (tmp, name, data, size, error))
            goto fail;
          json_builder_set_member_name (builder, "file");
          json_builder_add_string_value (builder, name);
        }
      else if (output->type == RETORT_PORT_DEVICE)
        {
          g_autofree char *name = g_strdup_printf ("output-%u-console.txt", i + 1);
          const char *console = output->console != NULL ? output->console : "";

          if (!write_bytes (tmp, name, console, strlen (console), error))
            goto fail;
          json_builder_set_member_name (builder, "console");
          json_builder_add_string_value (builder, name);
          if (output->stderr_ranges != NULL)
            {
              json_builder_set_member_name (builder, "stderr");
              json_builder_begin_array (builder);
              for (guint j = 0; j + 1 < output->stderr_ranges->len; j += 2)
                {
                  json_builder_begin_array (builder);
                  json_builder_add_int_value (builder, g_array_index (output->stderr_ranges, guint64, j));
                  json_builder_add_int_value (builder, g_array_index (output->stderr_ranges, guint64, j + 1));
                  json_builder_end_array (builder);
                }
              json_builder_end_array (builder);
            }
          json_builder_set_member_name (builder, "images");
          json_builder_begin_array (builder);
          for (guint j = 0; output->images != NULL && j < output->images->len; j++)
            {
              g_autofree char *image = g_strdup_printf ("output-%u-image-%u.png", i + 1, j + 1);
              gsize size;
              const void *data = g_bytes_get_data (g_ptr_array_index (output->images, j), &size);

              if (!write_bytes (tmp, image, data, size, error))
                goto fail;
              json_builder_add_string_value (builder, image);
            }
          json_builder_end_array (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  manifest = json_generator_to_data (generator, NULL);
  /* The manifest last: an entry without one is never read. */
  if (!write_bytes (tmp, MANIFEST_NAME, manifest, strlen (manifest), error))
    goto fail;

  if (g_rename (tmp, final) != 0)
    {
      /* Someone else (another Retort) wrote the same entry first: theirs
       * holds the same outputs. */
      if (errno != EEXIST && errno != ENOTEMPTY)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot write to the cache folder “%s”: %s"), dir,
                       g_strerror (saved_errno));
          goto fail;
        }
      _retort_python_delete_tree (tmp, NULL);
    }

  return TRUE;

fail:
  _retort_python_delete_tree (tmp, NULL);
  return FALSE;
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  char **dir_hash = task_data;
  RetortCachedOutputs *outputs = g_object_get_data (G_OBJECT (task), "outputs");
  GError *error = NULL;

  if (_retort_output_cache_write (dir_hash[0], dir_hash[1], outputs, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
_retort_output_cache_write_async (const char          *dir,
                                  const char          *hash,
                                  RetortCachedOutputs *outputs,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  char *dir_hash[] = { g_strdup (dir), g_strdup (hash), NULL };

  g_task_set_source_tag (task, _retort_output_cache_write_async);
  g_task_set_task_data (task, g_strdupv (dir_hash), (GDestroyNotify) g_strfreev);
  g_free (dir_hash[0]);
  g_free (dir_hash[1]);
  g_object_set_data_full (G_OBJECT (task), "outputs", outputs,
                          (GDestroyNotify) _retort_cached_outputs_free);
  g_task_run_in_thread (task, write_thread);
}

gboolean
_retort_output_cache_write_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static GBytes *
read_bytes (const char  *entry,
            const char  *name,
            GError     **error)
{
  g_autofree char *path = NULL;
  char *data = NULL;
  gsize size = 0;

  /* Names come from the manifest: never leave the entry. */
  if (name == NULL || strchr (name, '/') != NULL || name[0] == '.')
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_DOCUMENT,
                   _("The cache entry “%s” is damaged"), entry);
      return NULL;
    }

  path = g_build_filename (entry, name, NULL);
  if (!g_file_get_contents (path, &data, &size, error))
    return NULL;

  return g_bytes_new_take (data, size);
}

static gboolean
is_integer (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

/* The "stderr" ranges of a device port: ascending, within @length bytes;
 * NULL when there are none or they make no sense (the console is then one
 * text, as from a cache written before they were kept). */
static GArray *
read_stderr_ranges (JsonObject *port,
                    gsize       length)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (guint64));
  JsonNode *node = json_object_get_member (port, "stderr");
  JsonArray *array;
  guint64 previous_end = 0;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *pair = json_array_get_element (array, i);
      gint64 start, end;

      if (!JSON_NODE_HOLDS_ARRAY (pair) || json_array_get_length (json_node_get_array (pair)) != 2
          || !is_integer (json_array_get_element (json_node_get_array (pair), 0))
          || !is_integer (json_array_get_element (json_node_get_array (pair), 1)))
        return NULL;
      start = json_array_get_int_element (json_node_get_array (pair), 0);
      end = json_array_get_int_element (json_node_get_array (pair), 1);
      if (start < (gint64) previous_end || end < start || (guint64) end > length)
        return NULL;
      g_array_append_val (ranges, start);
      g_array_append_val (ranges, end);
      previous_end = end;
    }

  return g_steal_pointer (&ranges);
}

RetortCachedOutputs *
_retort_output_cache_read (const char              *dir,
                           const char              *hash,
                           const RetortModuleKind  *kind,
                           GError                 **error)
{
  g_autofree char *entry = g_build_filename (dir, hash, NULL);
  g_autofree char *manifest_path = g_build_filename (entry, MANIFEST_NAME, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(RetortCachedOutputs) outputs = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonArray *array;

  if (!g_file_test (manifest_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No cache entry %s", hash);
      return NULL;
    }

  if (!json_parser_load_from_file (parser, manifest_path, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto damaged;
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "outputs")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "outputs")))
    goto damaged;
  array = json_object_get_array_member (object, "outputs");
  if (json_array_get_length (array) != kind->n_outputs)
    goto damaged;

  outputs = cached_outputs_new (kind);
  for (guint i = 0; i < kind->n_outputs; i++)
    {
      RetortCachedOutput *output = &outputs->outputs[i];
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *port;
      const char *type;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto damaged;
      port = json_node_get_object (node);
      type = json_object_get_string_member_with_default (port, "type", "");
      if (g_strcmp0 (type, retort_port_type_to_string (output->type)) != 0)
        goto damaged;

      if (output->type == RETORT_PORT_DATASET && json_object_has_member (port, "file"))
        {
          const char *name = json_object_get_string_member_with_default (port, "file", NULL);
          g_autofree char *path = NULL;

          if (name == NULL || strchr (name, '/') != NULL || name[0] == '.')
            goto damaged;
          path = g_build_filename (entry, name, NULL);
          output->table = retort_table_read_file (path, error);
          if (output->table == NULL)
            return NULL;
        }
      else if (output->type == RETORT_PORT_ZIP && json_object_has_member (port, "file"))
        {
          output->bytes = read_bytes (entry, json_object_get_string_member_with_default (port, "file", NULL),
                                      error);
          if (output->bytes == NULL)
            return NULL;
        }
      else if (output->type == RETORT_PORT_DEVICE)
        {
          g_autoptr(GBytes) console = NULL;
          JsonArray *images;

          console = read_bytes (entry, json_object_get_string_member_with_default (port, "console", NULL),
                                error);
          if (console == NULL)
            return NULL;
          output->console = g_strndup (g_bytes_get_data (console, NULL), g_bytes_get_size (console));
          output->stderr_ranges = read_stderr_ranges (port, strlen (output->console));

          if (!json_object_has_member (port, "images")
              || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (port, "images")))
            goto damaged;
          images = json_object_get_array_member (port, "images");
          output->images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
          for (guint j = 0; j < json_array_get_length (images); j++)
            {
              GBytes *png = read_bytes (entry, json_array_get_string_element (images, j), error);

              if (png == NULL)
                return NULL;
              g_ptr_array_add (output->images, png);
            }
        }
    }

  return g_steal_pointer (&outputs);

damaged:
  g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_DOCUMENT,
               _("The cache entry “%s” is damaged"), entry);
  return NULL;
}
