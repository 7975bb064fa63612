/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "retort-table.h"

G_BEGIN_DECLS

#define RETORT_TYPE_TABLE_ROW_MODEL (retort_table_row_model_get_type ())

G_DECLARE_FINAL_TYPE (RetortTableRowModel, retort_table_row_model, RETORT, TABLE_ROW_MODEL, GObject)

/* A GListModel of RetortTableRow over a RetortTable, made lazily: an item
 * exists only while a widget asks for it, so a table of ten million rows
 * costs nothing more than its own buffers. An order (a guint32 permutation,
 * as retort_table_sort() makes) maps the lines of the view to table rows. */
RetortTableRowModel *retort_table_row_model_new           (void);
void                 retort_table_row_model_set_table     (RetortTableRowModel *self,
                                                           RetortTable         *table);
RetortTable         *retort_table_row_model_get_table     (RetortTableRowModel *self);
/* @order: guint32[n_rows] or NULL for the table's own order. */
void                 retort_table_row_model_set_order     (RetortTableRowModel *self,
                                                           GBytes              *order);
/* The order set, or NULL (transfer none). */
GBytes              *retort_table_row_model_get_order     (RetortTableRowModel *self);
gsize                retort_table_row_model_get_table_row (RetortTableRowModel *self,
                                                           guint                position);

G_END_DECLS
