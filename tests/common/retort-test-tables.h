/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tables the tests build and compare, shared by the test programs (each
 * includes this once; everything is static). */
#pragma once

#include <glib.h>

#include "retort-table-lib.h"

/* No missing value at all (retort_test_make_column's @missing_phase). */
#define RETORT_TEST_NO_MISSING G_MAXUINT

/* @n_rows values of @type: row / 3.0, -row, row % 2, "é" (unless row % 7 is
 * 0) followed by row, row * 1000000007 ns; every fifth is missing, from
 * @missing_phase on (rows where (row + phase) % 5 == 0). */
static inline RetortColumn *
retort_test_make_column (RetortColumnType type,
                         gsize            n_rows,
                         guint            missing_phase)
{
  /* No size hint: the buffers grow as the rows come, as in CSV import. */
  g_autoptr(RetortColumnBuilder) builder = retort_column_builder_new (type, 0);

  for (gsize row = 0; row < n_rows; row++)
    {
      if (missing_phase != RETORT_TEST_NO_MISSING && (row + missing_phase) % 5 == 0)
        {
          retort_column_builder_append_null (builder);
          continue;
        }
      switch (type)
        {
        case RETORT_COLUMN_TYPE_FLOAT64:
          retort_column_builder_append_float64 (builder, row / 3.0);
          break;
        case RETORT_COLUMN_TYPE_INT64:
          retort_column_builder_append_int64 (builder, -(gint64) row);
          break;
        case RETORT_COLUMN_TYPE_BOOL:
          retort_column_builder_append_bool (builder, row % 2);
          break;
        case RETORT_COLUMN_TYPE_STRING:
          {
            char text[32];
            int length = g_snprintf (text, sizeof text, "%s%" G_GSIZE_FORMAT,
                                     row % 7 ? "é" : "", row);

            retort_column_builder_append_string (builder, text, length);
          }
          break;
        case RETORT_COLUMN_TYPE_DATETIME:
        default:
          retort_column_builder_append_datetime (builder, (gint64) row * 1000000007);
          break;
        }
    }

  return retort_column_builder_finish (g_steal_pointer (&builder));
}

/* Columns f, i, b, s, t: one of each type, column c missing from phase c. */
static inline RetortTable *
retort_test_make_all_types_table (gsize n_rows)
{
  const char *names[] = { "f", "i", "b", "s", "t" };
  RetortColumnType types[] = { RETORT_COLUMN_TYPE_FLOAT64, RETORT_COLUMN_TYPE_INT64,
                               RETORT_COLUMN_TYPE_BOOL, RETORT_COLUMN_TYPE_STRING,
                               RETORT_COLUMN_TYPE_DATETIME };
  RetortColumn *columns[G_N_ELEMENTS (types)];
  RetortTable *table;

  for (guint c = 0; c < G_N_ELEMENTS (types); c++)
    columns[c] = retort_test_make_column (types[c], n_rows, c);
  table = retort_table_new (G_N_ELEMENTS (columns), names, columns, NULL);
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    retort_column_unref (columns[c]);

  return table;
}

/* Same names, same missing counts, same text in every @row_step-th row. */
static inline void
retort_test_assert_tables_equal (RetortTable *a,
                                 RetortTable *b,
                                 gsize        row_step)
{
  g_assert_cmpuint (retort_table_get_n_rows (a), ==, retort_table_get_n_rows (b));
  g_assert_cmpuint (retort_table_get_n_columns (a), ==, retort_table_get_n_columns (b));
  for (guint c = 0; c < retort_table_get_n_columns (a); c++)
    {
      g_assert_cmpstr (retort_table_get_column_name (a, c), ==, retort_table_get_column_name (b, c));
      g_assert_cmpuint (retort_column_get_null_count (retort_table_get_column (a, c)), ==,
                        retort_column_get_null_count (retort_table_get_column (b, c)));
      for (gsize row = 0; row < retort_table_get_n_rows (a); row += row_step)
        {
          g_autofree char *x = retort_table_dup_cell_text (a, row, c);
          g_autofree char *y = retort_table_dup_cell_text (b, row, c);

          g_assert_cmpstr (x, ==, y);
        }
    }
}
