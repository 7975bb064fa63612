/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-python"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-script-result-private.h"

struct _RetortScriptResult
{
  gatomicrefcount  ref_count;
  RetortTable     *table;
  GPtrArray       *images;
  char            *console;
  guint64          elapsed_ms;

  GError          *error;
  char            *error_type;
  char            *message;
  GPtrArray       *traceback;
  int              line;
  int              column;
  int              signal;
};

G_DEFINE_BOXED_TYPE (RetortScriptResult, retort_script_result,
                     retort_script_result_ref, retort_script_result_unref)

G_DEFINE_QUARK (retort-python-error-quark, retort_python_error)

static const struct
{
  const char *kind;
  int         code;
} kinds[] = {
  { "script", RETORT_PYTHON_ERROR_SCRIPT },
  { "syntax", RETORT_PYTHON_ERROR_SYNTAX },
  { "contract", RETORT_PYTHON_ERROR_CONTRACT },
  { "timeout", RETORT_PYTHON_ERROR_TIMEOUT },
  { "memory", RETORT_PYTHON_ERROR_MEMORY },
  { "crash", RETORT_PYTHON_ERROR_CRASHED },
};

int
_retort_python_error_from_kind (const char *kind)
{
  for (guint i = 0; kind != NULL && i < G_N_ELEMENTS (kinds); i++)
    {
      if (g_str_equal (kinds[i].kind, kind))
        return kinds[i].code;
    }

  return -1;
}

static void
traceback_frame_free (RetortTracebackFrame *frame)
{
  g_free (frame->file);
  g_free (frame->function);
  g_free (frame->code);
  g_free (frame);
}

static RetortTable *
empty_table (void)
{
  return retort_table_new (0, NULL, NULL, NULL);
}

/* Protocol fields are optional and may have any JSON type: take only what
 * has the expected one. */
static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static int
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;

  return (int) CLAMP (json_node_get_int (node), G_MININT, G_MAXINT);
}

RetortScriptResult *
_retort_script_result_new (RetortTable *table,
                           GPtrArray   *images,
                           const char  *console,
                           guint64      elapsed_ms,
                           JsonObject  *error_event)
{
  RetortScriptResult *result = g_new0 (RetortScriptResult, 1);

  g_atomic_ref_count_init (&result->ref_count);
  result->table = table != NULL ? retort_table_ref (table) : empty_table ();
  result->images = images != NULL ? images : g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  result->console = g_strdup (console != NULL ? console : "");
  result->elapsed_ms = elapsed_ms;
  result->traceback = g_ptr_array_new_with_free_func ((GDestroyNotify) traceback_frame_free);

  if (error_event != NULL)
    {
      const char *text = member_string (error_event, "text");
      int code = _retort_python_error_from_kind (member_string (error_event, "kind"));
      JsonNode *frames = json_object_get_member (error_event, "traceback");

      if (code < 0)
        code = RETORT_PYTHON_ERROR_CRASHED;
      result->error = g_error_new_literal (RETORT_PYTHON_ERROR, code,
                                           text != NULL ? text : _("The Python script failed."));
      result->error_type = g_strdup (member_string (error_event, "error_type"));
      result->message = g_strdup (member_string (error_event, "message"));
      result->line = member_int (error_event, "line");
      result->column = member_int (error_event, "column");
      result->signal = member_int (error_event, "signal");

      if (frames != NULL && JSON_NODE_HOLDS_ARRAY (frames))
        {
          JsonArray *array = json_node_get_array (frames);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *node = json_array_get_element (array, i);
              JsonObject *object;
              RetortTracebackFrame *frame;

              if (!JSON_NODE_HOLDS_OBJECT (node))
                continue;
              object = json_node_get_object (node);
              frame = g_new0 (RetortTracebackFrame, 1);
              frame->file = g_strdup (member_string (object, "file"));
              frame->line = member_int (object, "line");
              frame->function = g_strdup (member_string (object, "function"));
              frame->code = g_strdup (member_string (object, "code"));
              g_ptr_array_add (result->traceback, frame);
            }
        }
    }

  return result;
}

RetortScriptResult *
retort_script_result_ref (RetortScriptResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  g_atomic_ref_count_inc (&result->ref_count);
  return result;
}

void
retort_script_result_unref (RetortScriptResult *result)
{
  g_return_if_fail (result != NULL);

  if (!g_atomic_ref_count_dec (&result->ref_count))
    return;

  retort_table_unref (result->table);
  g_ptr_array_unref (result->images);
  g_free (result->console);
  g_clear_error (&result->error);
  g_free (result->error_type);
  g_free (result->message);
  g_ptr_array_unref (result->traceback);
  g_free (result);
}

RetortTable *
retort_script_result_get_table (RetortScriptResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return result->table;
}

GPtrArray *
retort_script_result_get_images (RetortScriptResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return result->images;
}

const char *
retort_script_result_get_console (RetortScriptResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return result->console;
}

guint64
retort_script_result_get_elapsed_ms (RetortScriptResult *result)
{
  g_return_val_if_fail (result != NULL, 0);

  return result->elapsed_ms;
}

gboolean
retort_script_result_get_failed (RetortScriptResult *result)
{
  g_return_val_if_fail (result != NULL, FALSE);

  return result->error != NULL;
}

const GError *
retort_script_result_get_error (RetortScriptResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return result->error;
}

const char *
retort_script_result_get_error_type (RetortScriptResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return result->error_type;
}

const char *
retort_script_result_get_message (RetortScriptResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return result->message;
}

GPtrArray *
retort_script_result_get_traceback (RetortScriptResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return result->traceback;
}

int
retort_script_result_get_line (RetortScriptResult *result)
{
  g_return_val_if_fail (result != NULL, 0);

  return result->line;
}

int
retort_script_result_get_column (RetortScriptResult *result)
{
  g_return_val_if_fail (result != NULL, 0);

  return result->column;
}

int
retort_script_result_get_signal (RetortScriptResult *result)
{
  g_return_val_if_fail (result != NULL, 0);

  return result->signal;
}

char *
retort_script_result_format_error (RetortScriptResult *result)
{
  GString *text;

  g_return_val_if_fail (result != NULL, NULL);

  if (result->error == NULL)
    return NULL;

  text = g_string_new (result->error->message);
  if (text->len > 0 && text->str[text->len - 1] != '\n')
    g_string_append_c (text, '\n');

  if (result->traceback->len > 0)
    {
      g_string_append (text, "Traceback (most recent call last):\n");
      for (guint i = 0; i < result->traceback->len; i++)
        {
          RetortTracebackFrame *frame = g_ptr_array_index (result->traceback, i);

          g_string_append_printf (text, "  File \"%s\", line %d, in %s\n",
                                  frame->file != NULL ? frame->file : "?", frame->line,
                                  frame->function != NULL ? frame->function : "?");
          if (frame->code != NULL && frame->code[0] != '\0')
            g_string_append_printf (text, "    %s\n", frame->code);
        }
      if (result->error_type != NULL)
        g_string_append_printf (text, "%s: %s\n", result->error_type,
                                result->message != NULL ? result->message : "");
    }

  if (result->line > 0 && result->column > 0)
    /* Translators: where the editor jumps, e.g. "line 3, column 7" */
    g_string_append_printf (text, _("line %d, column %d\n"), result->line, result->column);
  else if (result->line > 0)
    g_string_append_printf (text, _("line %d\n"), result->line);

  return g_string_free (text, FALSE);
}
