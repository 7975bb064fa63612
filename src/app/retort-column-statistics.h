/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "retort-table.h"

G_BEGIN_DECLS

#define RETORT_TYPE_COLUMN_STATISTICS (retort_column_statistics_get_type ())

G_DECLARE_FINAL_TYPE (RetortColumnStatistics, retort_column_statistics, RETORT, COLUMN_STATISTICS, GtkWidget)

/* The statistics of one column of a table, like Azure ML's "Visualize":
 * counts, missing values, range, mean and deviation for numbers, and a
 * histogram; for text and booleans the distinct values and a chart of the
 * most frequent. Computed on a worker thread; a dropdown picks the column. */
GtkWidget   *retort_column_statistics_new        (void);
void         retort_column_statistics_set_table  (RetortColumnStatistics *self,
                                                  RetortTable            *table);
RetortTable *retort_column_statistics_get_table  (RetortColumnStatistics *self);
void         retort_column_statistics_set_column (RetortColumnStatistics *self,
                                                  guint                   column);
/* G_MAXUINT when there is no table or it has no columns. */
guint        retort_column_statistics_get_column (RetortColumnStatistics *self);
/* TRUE while the statistics on show are being computed. */
gboolean     retort_column_statistics_is_busy    (RetortColumnStatistics *self);

G_END_DECLS
