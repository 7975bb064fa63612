/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "retort-table.h"

G_BEGIN_DECLS

typedef struct
{
  char  *value;
  gsize  count;
} RetortValueCount;

/* Per-column statistics, like Azure ML's "Summarize Data" and pandas' describe(). */
typedef struct
{
  char             *name;
  RetortColumnType  type;
  gsize             count;        /* present values */
  gsize             missing;
  gsize             distinct;     /* distinct present values */
  /* float64, int64, bool (as 0/1) and datetime (ns) columns; NaN values are
   * ignored (they are missing). min/max may be infinite. */
  gboolean          has_numeric_stats;
  double            min;
  double            max;
  double            mean;
  double            std;          /* sample standard deviation (ddof = 1), NaN when count < 2 */
  GPtrArray        *top_values;   /* of RetortValueCount*, most frequent first, at most 5 */
} RetortColumnSummary;

RetortColumnSummary *retort_column_summary_new  (RetortColumn        *column,
                                                 const char          *name);
void                 retort_column_summary_free (RetortColumnSummary *summary);

/* A GPtrArray of RetortColumnSummary*, one per column (owns them). */
GPtrArray           *retort_table_summarize     (RetortTable         *table);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortColumnSummary, retort_column_summary_free)

G_END_DECLS
