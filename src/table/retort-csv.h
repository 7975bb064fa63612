/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "retort-table.h"

G_BEGIN_DECLS

/* CSV import follows RFC 4180 and pandas.read_csv's defaults: its missing
 * value tokens and its type inference (int64, float64, bool, else string;
 * an int64 column with missing values becomes float64). */
typedef struct
{
  char      delimiter;       /* ',' ';' '\t' '|', or 0 to detect it (default) */
  gboolean  has_header;      /* default TRUE */
  guint     n_threads;       /* 0: one per core for large inputs (default) */
  gsize     max_field_size;  /* bytes; default RETORT_CSV_DEFAULT_MAX_FIELD_SIZE */
} RetortCsvOptions;

#define RETORT_CSV_DEFAULT_MAX_FIELD_SIZE ((gsize) 1 << 30)

void         retort_csv_options_init  (RetortCsvOptions        *options);

/* Errors (RETORT_TABLE_ERROR) name the file, the line and the column. */
RetortTable *retort_csv_read_file     (const char              *path,
                                       const RetortCsvOptions  *options,
                                       GError                 **error);
/* @display_name is used in error messages in place of a file name. */
RetortTable *retort_csv_read_data     (const char              *data,
                                       gsize                    length,
                                       const char              *display_name,
                                       const RetortCsvOptions  *options,
                                       GError                 **error);

/* Export: header line, then one line per row, LF line ends, quoting only
 * where needed, missing values as empty fields, floats in the shortest form
 * that reads back to the same double (Python's repr). */
GString     *retort_csv_write_string  (RetortTable             *table,
                                       char                     delimiter);
gboolean     retort_csv_write_file    (RetortTable             *table,
                                       const char              *path,
                                       char                     delimiter,
                                       GError                 **error);
/* The rows in @order (a permutation of the table's rows: n_rows row
 * indices; NULL: the table's own order), as a sorted view shows them. */
gboolean     retort_csv_write_file_in_order (RetortTable       *table,
                                             const guint32     *order,
                                             const char        *path,
                                             char               delimiter,
                                             GError           **error);

G_END_DECLS
