/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "retort-buffer.h"
#include "retort-table-types.h"

G_BEGIN_DECLS

/* An immutable, reference-counted column laid out like Apache Arrow:
 *  - validity: a bitmap, bit i (LSB first) set when row i is present;
 *    NULL when no value is missing;
 *  - float64: double[n]; int64 and datetime (ns since the Unix epoch, UTC): gint64[n];
 *  - bool: one byte per value, 0 or 1 (NumPy's layout, so it crosses without copying);
 *  - string: gint64 offsets[n + 1] into UTF-8 data (not NUL-terminated).
 * The value slot of a missing row holds 0 (NaN for float64). */
typedef struct _RetortColumn RetortColumn;

GType             retort_column_get_type            (void) G_GNUC_CONST;
RetortColumn     *retort_column_ref                 (RetortColumn *column);
void              retort_column_unref               (RetortColumn *column);

RetortColumnType  retort_column_get_data_type       (RetortColumn *column);
gsize             retort_column_get_length          (RetortColumn *column);
gsize             retort_column_get_null_count      (RetortColumn *column);
gboolean          retort_column_is_valid            (RetortColumn *column,
                                                     gsize         row);

const guint8     *retort_column_get_validity        (RetortColumn *column);
RetortBuffer     *retort_column_get_validity_buffer (RetortColumn *column);
RetortBuffer     *retort_column_get_values_buffer   (RetortColumn *column);
RetortBuffer     *retort_column_get_data_buffer     (RetortColumn *column);

const double     *retort_column_get_float64_data    (RetortColumn *column);
const gint64     *retort_column_get_int64_data      (RetortColumn *column);
const gint64     *retort_column_get_datetime_data   (RetortColumn *column);
const guint8     *retort_column_get_bool_data       (RetortColumn *column);
const gint64     *retort_column_get_string_offsets  (RetortColumn *column);
const char       *retort_column_get_string_data     (RetortColumn *column);

/* The UTF-8 bytes of row @row (not NUL-terminated); NULL when missing. */
const char       *retort_column_get_string          (RetortColumn *column,
                                                     gsize         row,
                                                     gsize        *length);

/* The cell as text, as CSV export writes it (floats in their shortest
 * round-tripping form, datetimes as ISO 8601); NULL when missing. */
char             *retort_column_dup_text            (RetortColumn *column,
                                                     gsize         row);

RetortColumn     *retort_column_slice               (RetortColumn *column,
                                                     gsize         offset,
                                                     gsize         length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortColumn, retort_column_unref)


/* Builds a column value by value. */
typedef struct _RetortColumnBuilder RetortColumnBuilder;

RetortColumnBuilder *retort_column_builder_new            (RetortColumnType     type,
                                                           gsize                reserve);
void                 retort_column_builder_append_float64 (RetortColumnBuilder *builder,
                                                           double               value);
void                 retort_column_builder_append_int64   (RetortColumnBuilder *builder,
                                                           gint64               value);
void                 retort_column_builder_append_datetime (RetortColumnBuilder *builder,
                                                           gint64               ns_since_epoch);
void                 retort_column_builder_append_bool    (RetortColumnBuilder *builder,
                                                           gboolean             value);
void                 retort_column_builder_append_string  (RetortColumnBuilder *builder,
                                                           const char          *utf8,
                                                           gssize               length);
void                 retort_column_builder_append_null    (RetortColumnBuilder *builder);
gsize                retort_column_builder_get_length     (RetortColumnBuilder *builder);
/* Consumes the builder. */
RetortColumn        *retort_column_builder_finish         (RetortColumnBuilder *builder);
void                 retort_column_builder_free           (RetortColumnBuilder *builder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortColumnBuilder, retort_column_builder_free)

G_END_DECLS
