/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-column-builder"

#include "config.h"

#include <math.h>
#include <string.h>

#include "retort-bitmap-private.h"
#include "retort-column-private.h"

struct _RetortColumnBuilder
{
  RetortColumnType  type;
  gsize             length;
  gsize             capacity;    /* rows */
  gsize             data_length; /* string bytes used */
  RetortBuffer     *validity;    /* created at the first missing value */
  RetortBuffer     *values;
  RetortBuffer     *data;
};

RetortColumnBuilder *
retort_column_builder_new (RetortColumnType type,
                           gsize            reserve)
{
  RetortColumnBuilder *builder = g_new0 (RetortColumnBuilder, 1);
  gsize width = _retort_column_type_width (type);

  builder->type = type;
  builder->capacity = MAX (reserve, 64);

  if (type == RETORT_COLUMN_TYPE_STRING)
    {
      builder->values = retort_buffer_new ((builder->capacity + 1) * sizeof (gint64));
      ((gint64 *) retort_buffer_get_data (builder->values))[0] = 0;
      builder->data = retort_buffer_new (builder->capacity * 8);
    }
  else
    builder->values = retort_buffer_new (builder->capacity * width);

  return builder;
}

void
retort_column_builder_free (RetortColumnBuilder *builder)
{
  if (builder == NULL)
    return;

  g_clear_pointer (&builder->validity, retort_buffer_unref);
  g_clear_pointer (&builder->values, retort_buffer_unref);
  g_clear_pointer (&builder->data, retort_buffer_unref);
  g_free (builder);
}

gsize
retort_column_builder_get_length (RetortColumnBuilder *builder)
{
  return builder->length;
}

static void
reserve_row (RetortColumnBuilder *builder)
{
  if (builder->length < builder->capacity)
    return;

  builder->capacity *= 2;
  if (builder->type == RETORT_COLUMN_TYPE_STRING)
    retort_buffer_resize (builder->values, (builder->capacity + 1) * sizeof (gint64));
  else
    retort_buffer_resize (builder->values,
                          builder->capacity * _retort_column_type_width (builder->type));

  if (builder->validity != NULL)
    {
      gsize old_size = retort_buffer_get_size (builder->validity);

      retort_buffer_resize (builder->validity, _retort_bitmap_size (builder->capacity));
      memset ((guint8 *) retort_buffer_get_data (builder->validity) + old_size, 0,
              retort_buffer_get_size (builder->validity) - old_size);
    }
}

static void
mark_valid (RetortColumnBuilder *builder)
{
  if (builder->validity != NULL)
    _retort_bitmap_set (retort_buffer_get_data (builder->validity), builder->length);
}

#define APPEND_FIXED(builder, ctype, expected_type, value)             \
  G_STMT_START {                                                       \
    g_return_if_fail ((builder)->type == (expected_type));             \
    reserve_row (builder);                                             \
    ((ctype *) retort_buffer_get_data ((builder)->values))[(builder)->length] = (value); \
    mark_valid (builder);                                              \
    (builder)->length++;                                               \
  } G_STMT_END

void
retort_column_builder_append_float64 (RetortColumnBuilder *builder,
                                      double               value)
{
  /* NaN is how pandas spells missing in a float column. */
  if (isnan (value))
    {
      retort_column_builder_append_null (builder);
      return;
    }

  APPEND_FIXED (builder, double, RETORT_COLUMN_TYPE_FLOAT64, value);
}

void
retort_column_builder_append_int64 (RetortColumnBuilder *builder,
                                    gint64               value)
{
  APPEND_FIXED (builder, gint64, RETORT_COLUMN_TYPE_INT64, value);
}

void
retort_column_builder_append_datetime (RetortColumnBuilder *builder,
                                       gint64               ns_since_epoch)
{
  APPEND_FIXED (builder, gint64, RETORT_COLUMN_TYPE_DATETIME, ns_since_epoch);
}

void
retort_column_builder_append_bool (RetortColumnBuilder *builder,
                                   gboolean             value)
{
  APPEND_FIXED (builder, guint8, RETORT_COLUMN_TYPE_BOOL, value ? 1 : 0);
}

void
retort_column_builder_append_string (RetortColumnBuilder *builder,
                                     const char          *utf8,
                                     gssize               length)
{
  gint64 *offsets;
  gsize size;

  g_return_if_fail (builder->type == RETORT_COLUMN_TYPE_STRING);
  g_return_if_fail (utf8 != NULL || length == 0);

  size = length < 0 ? strlen (utf8) : (gsize) length;
  reserve_row (builder);

  if (builder->data_length + size > retort_buffer_get_size (builder->data))
    retort_buffer_resize (builder->data,
                          MAX (builder->data_length + size,
                               2 * retort_buffer_get_size (builder->data)));
  if (size > 0)
    memcpy ((char *) retort_buffer_get_data (builder->data) + builder->data_length, utf8, size);
  builder->data_length += size;

  offsets = retort_buffer_get_data (builder->values);
  offsets[builder->length + 1] = (gint64) builder->data_length;
  mark_valid (builder);
  builder->length++;
}

void
retort_column_builder_append_null (RetortColumnBuilder *builder)
{
  reserve_row (builder);

  if (builder->validity == NULL)
    {
      builder->validity = retort_buffer_new_zeroed (_retort_bitmap_size (builder->capacity));
      _retort_bitmap_set_range (retort_buffer_get_data (builder->validity), 0, builder->length);
    }

  switch (builder->type)
    {
    case RETORT_COLUMN_TYPE_FLOAT64:
      ((double *) retort_buffer_get_data (builder->values))[builder->length] = NAN;
      break;
    case RETORT_COLUMN_TYPE_INT64:
    case RETORT_COLUMN_TYPE_DATETIME:
      ((gint64 *) retort_buffer_get_data (builder->values))[builder->length] = 0;
      break;
    case RETORT_COLUMN_TYPE_BOOL:
      ((guint8 *) retort_buffer_get_data (builder->values))[builder->length] = 0;
      break;
    case RETORT_COLUMN_TYPE_STRING:
      {
        gint64 *offsets = retort_buffer_get_data (builder->values);

        offsets[builder->length + 1] = offsets[builder->length];
      }
      break;
    default:
      g_assert_not_reached ();
    }

  builder->length++;
}

RetortColumn *
retort_column_builder_finish (RetortColumnBuilder *builder)
{
  RetortColumn *column;
  RetortBuffer *data = NULL;

  if (builder->data != NULL)
    {
      retort_buffer_resize (builder->data, builder->data_length);
      data = g_steal_pointer (&builder->data);
    }

  if (builder->type == RETORT_COLUMN_TYPE_STRING)
    retort_buffer_resize (builder->values, (builder->length + 1) * sizeof (gint64));
  else
    retort_buffer_resize (builder->values,
                          builder->length * _retort_column_type_width (builder->type));

  column = _retort_column_new (builder->type, builder->length,
                               g_steal_pointer (&builder->validity),
                               g_steal_pointer (&builder->values),
                               data);
  retort_column_builder_free (builder);

  return column;
}
