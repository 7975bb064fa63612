/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define RETORT_TYPE_TABLE_ROW (retort_table_row_get_type ())

G_DECLARE_FINAL_TYPE (RetortTableRow, retort_table_row, RETORT, TABLE_ROW, GObject)

/* An item of RetortTableRowModel: which row of the table a line of the
 * table view shows. It holds no data; cells read the table when bound. */
RetortTableRow *retort_table_row_new       (gsize           index);
gsize           retort_table_row_get_index (RetortTableRow *self);

G_END_DECLS
