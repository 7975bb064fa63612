/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-csv-writer"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "retort-csv.h"
#include "retort-float-private.h"

/* The output is flushed to the file in pieces of this size. */
#define FLUSH_SIZE ((gsize) 1 << 20)

typedef struct
{
  GString  *out;
  int       fd;        /* -1: everything stays in @out */
  int       error_number;
} Sink;

static void
sink_flush (Sink *sink)
{
  gsize written = 0;

  if (sink->fd < 0 || sink->error_number != 0)
    return;

  while (written < sink->out->len)
    {
      gssize n = write (sink->fd, sink->out->str + written, sink->out->len - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          sink->error_number = errno;
          break;
        }
      written += (gsize) n;
    }
  g_string_truncate (sink->out, 0);
}

/* Quotes only where needed (RFC 4180): the delimiter, a quote or a line
 * break, or when @quote_bom and the text starts with a byte-order mark (at the
 * start of the file a reader would take it for the file's BOM and drop it). */
static void
append_text (GString    *out,
             const char *text,
             gsize       length,
             char        delimiter,
             gboolean    quote_bom)
{
  gboolean needs_quotes = quote_bom && length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0;

  for (gsize i = 0; i < length && !needs_quotes; i++)
    needs_quotes = text[i] == delimiter || text[i] == '"' || text[i] == '\n' || text[i] == '\r';

  if (!needs_quotes)
    {
      g_string_append_len (out, text, (gssize) length);
      return;
    }

  g_string_append_c (out, '"');
  for (gsize i = 0; i < length; i++)
    {
      if (text[i] == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, text[i]);
    }
  g_string_append_c (out, '"');
}

static void
append_cell (GString      *out,
             RetortColumn *column,
             gsize         row,
             char          delimiter)
{
  if (!retort_column_is_valid (column, row))
    return;

  switch (retort_column_get_data_type (column))
    {
    case RETORT_COLUMN_TYPE_FLOAT64:
      {
        char text[RETORT_FORMAT_DOUBLE_SIZE];
        gsize length = _retort_format_double (retort_column_get_float64_data (column)[row], text);

        g_string_append_len (out, text, (gssize) length);
      }
      break;

    case RETORT_COLUMN_TYPE_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, retort_column_get_int64_data (column)[row]);
      break;

    case RETORT_COLUMN_TYPE_BOOL:
      g_string_append (out, retort_column_get_bool_data (column)[row] ? "True" : "False");
      break;

    case RETORT_COLUMN_TYPE_STRING:
      {
        gsize length;
        const char *text = retort_column_get_string (column, row, &length);

        append_text (out, text, length, delimiter, FALSE);
      }
      break;

    case RETORT_COLUMN_TYPE_DATETIME:
      {
        g_autofree char *text = retort_column_dup_text (column, row);

        g_string_append (out, text);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
is_blank (const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (text[i] != ' ' && text[i] != '\t')
      return FALSE;

  return TRUE;
}

/* A line that is empty or all blanks would be skipped by readers (pandas'
 * skip_blank_lines): such a one-field line is quoted, as Python's csv does. */
static void
end_line (GString *out,
          gsize    line_start,
          guint    n_columns)
{
  if (n_columns == 1 && is_blank (out->str + line_start, out->len - line_start))
    {
      g_string_insert_c (out, (gssize) line_start, '"');
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, '\n');
}

static void
write_table (RetortTable   *table,
             const guint32 *order,
             char           delimiter,
             Sink          *sink)
{
  guint n_columns = retort_table_get_n_columns (table);
  gsize n_rows = retort_table_get_n_rows (table);

  for (guint i = 0; i < n_columns; i++)
    {
      const char *name = retort_table_get_column_name (table, i);

      if (i > 0)
        g_string_append_c (sink->out, delimiter);
      append_text (sink->out, name, strlen (name), delimiter, i == 0);
    }
  end_line (sink->out, 0, n_columns);

  for (gsize line = 0; line < n_rows; line++)
    {
      gsize line_start = sink->out->len;
      gsize row = order != NULL ? order[line] : line;

      for (guint i = 0; i < n_columns; i++)
        {
          if (i > 0)
            g_string_append_c (sink->out, delimiter);
          append_cell (sink->out, retort_table_get_column (table, i), row, delimiter);
        }

      end_line (sink->out, line_start, n_columns);

      if (sink->out->len >= FLUSH_SIZE)
        sink_flush (sink);
    }
}

GString *
retort_csv_write_string (RetortTable *table,
                         char         delimiter)
{
  Sink sink = { g_string_new (NULL), -1, 0 };

  g_return_val_if_fail (table != NULL, NULL);

  write_table (table, NULL, delimiter != 0 ? delimiter : ',', &sink);

  return sink.out;
}

/* Written to a temporary file next to @path, then renamed over it: a crash
 * or a full disk never leaves a half-written file. */
gboolean
retort_csv_write_file (RetortTable  *table,
                       const char   *path,
                       char          delimiter,
                       GError      **error)
{
  return retort_csv_write_file_in_order (table, NULL, path, delimiter, error);
}

gboolean
retort_csv_write_file_in_order (RetortTable    *table,
                                const guint32  *order,
                                const char     *path,
                                char            delimiter,
                                GError        **error)
{
  g_autofree char *display_name = NULL;
  g_autofree char *tmp_path = NULL;
  Sink sink = { NULL, -1, 0 };

  g_return_val_if_fail (table != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  display_name = g_filename_display_basename (path);
  tmp_path = g_strdup_printf ("%s.XXXXXX", path);
  sink.fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0644);
  if (sink.fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_IO,
                   "Cannot write %s: %s", display_name, g_strerror (saved_errno));
      return FALSE;
    }

  sink.out = g_string_sized_new (FLUSH_SIZE + 4096);
  write_table (table, order, delimiter != 0 ? delimiter : ',', &sink);
  sink_flush (&sink);
  g_string_free (sink.out, TRUE);

  if (sink.error_number == 0 && fsync (sink.fd) != 0)
    sink.error_number = errno;
  if (close (sink.fd) != 0 && sink.error_number == 0)
    sink.error_number = errno;
  if (sink.error_number == 0 && g_rename (tmp_path, path) != 0)
    sink.error_number = errno;

  if (sink.error_number != 0)
    {
      g_unlink (tmp_path);
      g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_IO,
                   "Cannot write %s: %s", display_name, g_strerror (sink.error_number));
      return FALSE;
    }

  return TRUE;
}
