/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define RETORT_TABLE_ERROR (retort_table_error_quark ())

typedef enum
{
  RETORT_TABLE_ERROR_INVALID,   /* API misuse: mismatched lengths, index out of range */
  RETORT_TABLE_ERROR_IO,        /* the file cannot be opened or read */
  RETORT_TABLE_ERROR_EMPTY,     /* the file has no header and no data */
  RETORT_TABLE_ERROR_PARSE,     /* malformed CSV: ragged rows, unterminated quote */
  RETORT_TABLE_ERROR_ENCODING,  /* invalid UTF-8 or NUL bytes */
  RETORT_TABLE_ERROR_TOO_LARGE, /* a field or line beyond the size limit */
} RetortTableError;

GQuark retort_table_error_quark (void);

/* Column data types; the memory layout of each is described in retort-column.h. */
typedef enum
{
  RETORT_COLUMN_TYPE_FLOAT64,
  RETORT_COLUMN_TYPE_INT64,
  RETORT_COLUMN_TYPE_BOOL,
  RETORT_COLUMN_TYPE_STRING,
  RETORT_COLUMN_TYPE_DATETIME,
} RetortColumnType;

/* "float64", "int64", "bool", "string", "datetime" */
const char *retort_column_type_to_string   (RetortColumnType  type);
gboolean    retort_column_type_from_string (const char       *text,
                                            RetortColumnType *type);

G_END_DECLS
