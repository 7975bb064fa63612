/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-column"

#include "config.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "retort-bitmap-private.h"
#include "retort-column-private.h"
#include "retort-float-private.h"

G_DEFINE_BOXED_TYPE (RetortColumn, retort_column, retort_column_ref, retort_column_unref)

gsize
_retort_column_type_width (RetortColumnType type)
{
  switch (type)
    {
    case RETORT_COLUMN_TYPE_FLOAT64:
    case RETORT_COLUMN_TYPE_INT64:
    case RETORT_COLUMN_TYPE_DATETIME:
      return 8;
    case RETORT_COLUMN_TYPE_BOOL:
      return 1;
    case RETORT_COLUMN_TYPE_STRING:
      return 0;
    default:
      g_assert_not_reached ();
    }
}

RetortColumn *
_retort_column_new (RetortColumnType  type,
                    gsize             length,
                    RetortBuffer     *validity,
                    RetortBuffer     *values,
                    RetortBuffer     *data)
{
  RetortColumn *column = g_new0 (RetortColumn, 1);

  g_assert (values != NULL);
  g_assert ((type == RETORT_COLUMN_TYPE_STRING) == (data != NULL));

  g_atomic_ref_count_init (&column->ref_count);
  column->type = type;
  column->length = length;
  column->values = values;
  column->data = data;

  if (validity != NULL)
    {
      column->null_count = _retort_bitmap_count_unset (retort_buffer_get_data (validity), length);
      if (column->null_count > 0)
        column->validity = validity;
      else
        retort_buffer_unref (validity);
    }

  return column;
}

RetortColumn *
retort_column_ref (RetortColumn *column)
{
  g_return_val_if_fail (column != NULL, NULL);

  g_atomic_ref_count_inc (&column->ref_count);

  return column;
}

void
retort_column_unref (RetortColumn *column)
{
  g_return_if_fail (column != NULL);

  if (!g_atomic_ref_count_dec (&column->ref_count))
    return;

  g_clear_pointer (&column->validity, retort_buffer_unref);
  g_clear_pointer (&column->values, retort_buffer_unref);
  g_clear_pointer (&column->data, retort_buffer_unref);
  g_free (column);
}

RetortColumnType
retort_column_get_data_type (RetortColumn *column)
{
  return column->type;
}

gsize
retort_column_get_length (RetortColumn *column)
{
  return column->length;
}

gsize
retort_column_get_null_count (RetortColumn *column)
{
  return column->null_count;
}

gboolean
retort_column_is_valid (RetortColumn *column,
                        gsize         row)
{
  g_return_val_if_fail (row < column->length, FALSE);

  return column->validity == NULL ||
         _retort_bitmap_get (retort_buffer_get_data (column->validity), row);
}

const guint8 *
retort_column_get_validity (RetortColumn *column)
{
  return column->validity != NULL ? retort_buffer_get_data (column->validity) : NULL;
}

RetortBuffer *
retort_column_get_validity_buffer (RetortColumn *column)
{
  return column->validity;
}

RetortBuffer *
retort_column_get_values_buffer (RetortColumn *column)
{
  return column->values;
}

RetortBuffer *
retort_column_get_data_buffer (RetortColumn *column)
{
  return column->data;
}

const double *
retort_column_get_float64_data (RetortColumn *column)
{
  g_return_val_if_fail (column->type == RETORT_COLUMN_TYPE_FLOAT64, NULL);

  return retort_buffer_get_data (column->values);
}

const gint64 *
retort_column_get_int64_data (RetortColumn *column)
{
  g_return_val_if_fail (column->type == RETORT_COLUMN_TYPE_INT64, NULL);

  return retort_buffer_get_data (column->values);
}

const gint64 *
retort_column_get_datetime_data (RetortColumn *column)
{
  g_return_val_if_fail (column->type == RETORT_COLUMN_TYPE_DATETIME, NULL);

  return retort_buffer_get_data (column->values);
}

const guint8 *
retort_column_get_bool_data (RetortColumn *column)
{
  g_return_val_if_fail (column->type == RETORT_COLUMN_TYPE_BOOL, NULL);

  return retort_buffer_get_data (column->values);
}

const gint64 *
retort_column_get_string_offsets (RetortColumn *column)
{
  g_return_val_if_fail (column->type == RETORT_COLUMN_TYPE_STRING, NULL);

  return retort_buffer_get_data (column->values);
}

const char *
retort_column_get_string_data (RetortColumn *column)
{
  g_return_val_if_fail (column->type == RETORT_COLUMN_TYPE_STRING, NULL);

  return retort_buffer_get_data (column->data);
}

const char *
retort_column_get_string (RetortColumn *column,
                          gsize         row,
                          gsize        *length)
{
  const gint64 *offsets;

  g_return_val_if_fail (column->type == RETORT_COLUMN_TYPE_STRING, NULL);
  g_return_val_if_fail (row < column->length, NULL);

  if (!retort_column_is_valid (column, row))
    {
      if (length != NULL)
        *length = 0;
      return NULL;
    }

  offsets = retort_buffer_get_data (column->values);
  if (length != NULL)
    *length = (gsize) (offsets[row + 1] - offsets[row]);

  return (const char *) retort_buffer_get_data (column->data) + offsets[row];
}

static char *
format_datetime (gint64 ns)
{
  gint64 seconds = ns / G_GINT64_CONSTANT (1000000000);
  gint64 fraction = ns % G_GINT64_CONSTANT (1000000000);
  time_t t;
  struct tm tm;
  char text[64];

  if (fraction < 0)
    {
      fraction += G_GINT64_CONSTANT (1000000000);
      seconds -= 1;
    }

  t = (time_t) seconds;
  gmtime_r (&t, &tm);
  strftime (text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);

  if (fraction == 0)
    return g_strdup (text);

  {
    /* Like pandas: the fraction with trailing zeros dropped. */
    char digits[16];
    int end;

    g_snprintf (digits, sizeof digits, "%09" G_GINT64_FORMAT, fraction);
    for (end = 9; end > 0 && digits[end - 1] == '0'; end--)
      ;
    digits[end] = '\0';

    return g_strdup_printf ("%s.%s", text, digits);
  }
}

char *
retort_column_dup_text (RetortColumn *column,
                        gsize         row)
{
  g_return_val_if_fail (row < column->length, NULL);

  if (!retort_column_is_valid (column, row))
    return NULL;

  switch (column->type)
    {
    case RETORT_COLUMN_TYPE_FLOAT64:
      {
        char text[RETORT_FORMAT_DOUBLE_SIZE];

        _retort_format_double (retort_column_get_float64_data (column)[row], text);
        return g_strdup (text);
      }

    case RETORT_COLUMN_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, retort_column_get_int64_data (column)[row]);

    case RETORT_COLUMN_TYPE_BOOL:
      return g_strdup (retort_column_get_bool_data (column)[row] ? "True" : "False");

    case RETORT_COLUMN_TYPE_STRING:
      {
        gsize length;
        const char *text = retort_column_get_string (column, row, &length);

        return g_strndup (text, length);
      }

    case RETORT_COLUMN_TYPE_DATETIME:
      return format_datetime (retort_column_get_datetime_data (column)[row]);

    default:
      g_assert_not_reached ();
    }
}

RetortColumn *
retort_column_slice (RetortColumn *column,
                     gsize         offset,
                     gsize         length)
{
  RetortBuffer *validity = NULL;
  RetortBuffer *values;
  RetortBuffer *data = NULL;

  g_return_val_if_fail (column != NULL, NULL);
  g_return_val_if_fail (offset <= column->length, NULL);

  length = MIN (length, column->length - offset);

  if (offset == 0 && length == column->length)
    return retort_column_ref (column);

  if (column->validity != NULL)
    {
      validity = retort_buffer_new_zeroed (_retort_bitmap_size (length));
      _retort_bitmap_copy (retort_buffer_get_data (validity), 0,
                           retort_buffer_get_data (column->validity), offset, length);
    }

  if (column->type == RETORT_COLUMN_TYPE_STRING)
    {
      const gint64 *src = retort_buffer_get_data (column->values);
      gint64 *dst;
      gint64 start = src[offset];
      gsize n_bytes = (gsize) (src[offset + length] - start);

      values = retort_buffer_new ((length + 1) * sizeof (gint64));
      dst = retort_buffer_get_data (values);
      for (gsize i = 0; i <= length; i++)
        dst[i] = src[offset + i] - start;

      data = retort_buffer_new (n_bytes);
      memcpy (retort_buffer_get_data (data),
              (const char *) retort_buffer_get_data (column->data) + start, n_bytes);
    }
  else
    {
      gsize width = _retort_column_type_width (column->type);

      values = retort_buffer_new (length * width);
      memcpy (retort_buffer_get_data (values),
              (const char *) retort_buffer_get_data (column->values) + offset * width,
              length * width);
    }

  return _retort_column_new (column->type, length, validity, values, data);
}
