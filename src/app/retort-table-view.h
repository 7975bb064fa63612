/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "retort-table.h"

G_BEGIN_DECLS

#define RETORT_TYPE_TABLE_VIEW (retort_table_view_get_type ())

G_DECLARE_FINAL_TYPE (RetortTableView, retort_table_view, RETORT, TABLE_VIEW, GtkWidget)

/* A table of any size in a column view: rows are made only for the lines
 * in view, sorting (a click on a header) happens on a worker thread, rows
 * can be selected and copied (Ctrl+C, tab-separated), the table exported
 * as CSV, and a side panel shows the statistics of a column.
 *
 * Actions (group "table"): copy, select-all, export-csv, show-statistics
 * (stateful), sort (ub: column, descending), show-column-statistics (u). */
GtkWidget   *retort_table_view_new                (void);
void         retort_table_view_set_table          (RetortTableView  *self,
                                                   RetortTable      *table);
RetortTable *retort_table_view_get_table          (RetortTableView  *self);

/* Sorts by @column as a click on its header does (asynchronously). */
void         retort_table_view_sort_by_column     (RetortTableView  *self,
                                                   guint             column,
                                                   GtkSortType       direction);
/* TRUE while a sort runs on its worker thread. */
gboolean     retort_table_view_is_sorting         (RetortTableView  *self);
/* The table row shown at line @position of the view (they differ once sorted). */
gsize        retort_table_view_get_table_row      (RetortTableView  *self,
                                                   guint             position);

void         retort_table_view_set_show_statistics (RetortTableView *self,
                                                    gboolean         show);
gboolean     retort_table_view_get_show_statistics (RetortTableView *self);

/* The selected rows as text: a header line, then one line per row, cells
 * separated by tabs, missing cells empty. NULL when nothing is selected. */
char        *retort_table_view_dup_selection_text (RetortTableView  *self);

/* Writes the table (all its rows, in the table's order) as CSV. */
gboolean     retort_table_view_export_csv         (RetortTableView  *self,
                                                   GFile            *file,
                                                   GError          **error);

G_END_DECLS
