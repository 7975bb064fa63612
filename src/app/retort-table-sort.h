/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "retort-table.h"

G_BEGIN_DECLS

/* The order of a table's rows by one column, as a permutation: guint32[n]
 * of table rows, the first one first. Equal values keep the table's order
 * and missing values come last in both directions (as pandas sorts). Only
 * the permutation is made: the table is never copied. Numbers, booleans
 * and datetimes are radix sorted; strings compare by code point. Fails with
 * G_IO_ERROR_CANCELLED when cancelled, RETORT_TABLE_ERROR_TOO_LARGE past
 * G_MAXUINT32 rows. */
GBytes *retort_table_sort        (RetortTable          *table,
                                  guint                 column,
                                  gboolean              descending,
                                  GCancellable         *cancellable,
                                  GError              **error);

/* The same on a worker thread. */
void    retort_table_sort_async  (RetortTable          *table,
                                  guint                 column,
                                  gboolean              descending,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data);
GBytes *retort_table_sort_finish (GAsyncResult         *result,
                                  GError              **error);

G_END_DECLS
