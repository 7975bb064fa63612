/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "retort-column-summary.h"
#include "retort-module-run-private.h"

static const RetortPortSpec inputs[] = {
  { N_("Dataset"), RETORT_PORT_DATASET, FALSE },
};

static const RetortPortSpec outputs[] = {
  { N_("Summary"), RETORT_PORT_DATASET, FALSE },
};

enum
{
  COL_FEATURE,
  COL_TYPE,
  COL_COUNT,
  COL_MISSING,
  COL_DISTINCT,
  COL_MIN,
  COL_MAX,
  COL_MEAN,
  COL_STD,
  COL_TOP,
  N_COLS
};

/* Stable names: scripts and SQL downstream refer to them. */
static const char * const column_names[N_COLS] = {
  "Feature", "Type", "Count", "Missing", "Distinct", "Min", "Max", "Mean", "Std", "Top",
};

static const RetortColumnType column_types[N_COLS] = {
  RETORT_COLUMN_TYPE_STRING, RETORT_COLUMN_TYPE_STRING,
  RETORT_COLUMN_TYPE_INT64, RETORT_COLUMN_TYPE_INT64, RETORT_COLUMN_TYPE_INT64,
  RETORT_COLUMN_TYPE_FLOAT64, RETORT_COLUMN_TYPE_FLOAT64,
  RETORT_COLUMN_TYPE_FLOAT64, RETORT_COLUMN_TYPE_FLOAT64,
  RETORT_COLUMN_TYPE_STRING,
};

static void
append_stat (RetortColumnBuilder *builder,
             gboolean             applicable,
             double               value)
{
  /* NaN (a std of one value) is missing too: there is no such statistic. */
  if (applicable && !isnan (value))
    retort_column_builder_append_float64 (builder, value);
  else
    retort_column_builder_append_null (builder);
}

static gboolean
summarize (RetortModuleRun  *run,
           GCancellable     *cancellable,
           GError          **error)
{
  RetortTable *table = _retort_module_run_require_table (run, 0, error);
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(RetortTable) result = NULL;
  RetortColumnBuilder *builders[N_COLS];
  RetortColumn *columns[N_COLS];

  if (table == NULL)
    return FALSE;

  summaries = retort_table_summarize (table);
  for (guint c = 0; c < N_COLS; c++)
    builders[c] = retort_column_builder_new (column_types[c], summaries->len);

  for (guint i = 0; i < summaries->len; i++)
    {
      RetortColumnSummary *summary = g_ptr_array_index (summaries, i);
      const char *type = retort_column_type_to_string (summary->type);
      /* Nanoseconds as a float mean nothing to a reader: datetimes get
       * counts and the most frequent value only. */
      gboolean numeric = summary->has_numeric_stats
                         && summary->type != RETORT_COLUMN_TYPE_DATETIME
                         && summary->count > 0;

      retort_column_builder_append_string (builders[COL_FEATURE], summary->name, -1);
      retort_column_builder_append_string (builders[COL_TYPE], type, -1);
      retort_column_builder_append_int64 (builders[COL_COUNT], summary->count);
      retort_column_builder_append_int64 (builders[COL_MISSING], summary->missing);
      retort_column_builder_append_int64 (builders[COL_DISTINCT], summary->distinct);
      append_stat (builders[COL_MIN], numeric, summary->min);
      append_stat (builders[COL_MAX], numeric, summary->max);
      append_stat (builders[COL_MEAN], numeric, summary->mean);
      append_stat (builders[COL_STD], numeric, summary->std);
      if (summary->top_values != NULL && summary->top_values->len > 0)
        {
          RetortValueCount *top = g_ptr_array_index (summary->top_values, 0);

          retort_column_builder_append_string (builders[COL_TOP], top->value, -1);
        }
      else
        retort_column_builder_append_null (builders[COL_TOP]);
    }

  for (guint c = 0; c < N_COLS; c++)
    columns[c] = retort_column_builder_finish (builders[c]);
  result = retort_table_new (N_COLS, column_names, columns, error);
  for (guint c = 0; c < N_COLS; c++)
    retort_column_unref (columns[c]);
  if (result == NULL)
    return FALSE;

  retort_module_run_set_output_table (run, 0, result);
  return TRUE;
}

static void
summarize_run_async (RetortModuleRun     *run,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  _retort_module_run_in_thread (run, summarize_run_async, summarize, cancellable,
                                callback, user_data);
}

const RetortModuleKind retort_summarize_module_kind = {
  .id = "summarize",
  .title = N_("Summarize Data"),
  .category = N_("Statistical Functions"),
  .description = N_("Statistics of every column: counts, range, mean, spread, top value"),
  .icon_name = "retort-statistics-symbolic",
  .inputs = inputs,
  .n_inputs = G_N_ELEMENTS (inputs),
  .outputs = outputs,
  .n_outputs = G_N_ELEMENTS (outputs),
  .run_async = summarize_run_async,
  .run_finish = _retort_module_run_task_finish,
};
