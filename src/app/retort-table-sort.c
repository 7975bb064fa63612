/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-table-sort"

#include "config.h"

#include <math.h>
#include <string.h>

#include "retort-table-sort.h"

/* 16-bit digits: four passes over 64-bit keys, and passes over a digit that
 * every key shares (small integers, booleans) are skipped. */
#define RADIX_BITS    16
#define RADIX_BUCKETS (1u << RADIX_BITS)

/* Keys whose unsigned order is the order of the values. */
static inline guint64
float64_key (double value)
{
  guint64 bits;

  /* -0.0 equals 0.0: the same key keeps them in table order. */
  if (value == 0)
    value = 0;
  memcpy (&bits, &value, sizeof bits);

  return (bits & G_GUINT64_CONSTANT (0x8000000000000000))
    ? ~bits : bits ^ G_GUINT64_CONSTANT (0x8000000000000000);
}

static inline guint64
int64_key (gint64 value)
{
  return (guint64) value ^ G_GUINT64_CONSTANT (0x8000000000000000);
}

/* Stable LSD radix sort of @keys with @rows alongside. */
static gboolean
radix_sort (guint64      *keys,
            guint32      *rows,
            gsize         n,
            GCancellable *cancellable)
{
  g_autofree guint64 *other_keys = g_new (guint64, n);
  g_autofree guint32 *other_rows = g_new (guint32, n);
  g_autofree gsize *counts = g_new (gsize, RADIX_BUCKETS);
  guint64 *from_keys = keys, *to_keys = other_keys;
  guint32 *from_rows = rows, *to_rows = other_rows;

  for (guint shift = 0; shift < 64; shift += RADIX_BITS)
    {
      gsize sum = 0;
      guint64 *swap_keys;
      guint32 *swap_rows;

      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;

      memset (counts, 0, RADIX_BUCKETS * sizeof *counts);
      for (gsize i = 0; i < n; i++)
        counts[(from_keys[i] >> shift) & (RADIX_BUCKETS - 1)]++;

      if (n > 0 && counts[(from_keys[0] >> shift) & (RADIX_BUCKETS - 1)] == n)
        continue;

      for (guint b = 0; b < RADIX_BUCKETS; b++)
        {
          gsize count = counts[b];

          counts[b] = sum;
          sum += count;
        }

      for (gsize i = 0; i < n; i++)
        {
          gsize at = counts[(from_keys[i] >> shift) & (RADIX_BUCKETS - 1)]++;

          to_keys[at] = from_keys[i];
          to_rows[at] = from_rows[i];
        }

      swap_keys = from_keys, from_keys = to_keys, to_keys = swap_keys;
      swap_rows = from_rows, from_rows = to_rows, to_rows = swap_rows;
    }

  if (from_rows != rows)
    memcpy (rows, from_rows, n * sizeof *rows);

  return TRUE;
}

typedef struct
{
  const gint64 *offsets;
  const char   *data;
  gboolean      descending;
} StringOrder;

static int
compare_strings (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const StringOrder *order = user_data;
  guint32 row_a = *(const guint32 *) a;
  guint32 row_b = *(const guint32 *) b;
  gint64 start_a = order->offsets[row_a], length_a = order->offsets[row_a + 1] - start_a;
  gint64 start_b = order->offsets[row_b], length_b = order->offsets[row_b + 1] - start_b;
  int result;

  /* Byte order of UTF-8 is code point order. */
  result = memcmp (order->data + start_a, order->data + start_b, MIN (length_a, length_b));
  if (result == 0)
    result = (length_a > length_b) - (length_a < length_b);
  if (order->descending)
    result = -result;
  if (result == 0)
    result = (row_a > row_b) - (row_a < row_b);

  return result;
}

GBytes *
retort_table_sort (RetortTable   *table,
                   guint          column_index,
                   gboolean       descending,
                   GCancellable  *cancellable,
                   GError       **error)
{
  RetortColumn *column;
  RetortColumnType type;
  gsize n_rows, n_present = 0, n_missing = 0;
  g_autofree guint32 *order = NULL;
  g_autofree guint32 *missing = NULL;

  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (column_index < retort_table_get_n_columns (table), NULL);

  n_rows = retort_table_get_n_rows (table);
  if (n_rows > G_MAXUINT32)
    {
      g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_TOO_LARGE,
                   "Tables of more than %u rows cannot be sorted", G_MAXUINT32);
      return NULL;
    }

  column = retort_table_get_column (table, column_index);
  type = retort_column_get_data_type (column);
  order = g_new (guint32, MAX (n_rows, 1));
  missing = g_new (guint32, MAX (n_rows, 1));

  if (type == RETORT_COLUMN_TYPE_STRING)
    {
      StringOrder string_order = {
        retort_column_get_string_offsets (column),
        retort_column_get_string_data (column),
        descending,
      };

      for (gsize row = 0; row < n_rows; row++)
        {
          if (retort_column_is_valid (column, row))
            order[n_present++] = row;
          else
            missing[n_missing++] = row;
        }

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      g_qsort_with_data (order, n_present, sizeof *order, compare_strings, &string_order);
    }
  else
    {
      g_autofree guint64 *keys = g_new (guint64, MAX (n_rows, 1));
      guint64 flip = descending ? G_MAXUINT64 : 0;

      for (gsize row = 0; row < n_rows; row++)
        {
          guint64 key;

          if (!retort_column_is_valid (column, row))
            {
              missing[n_missing++] = row;
              continue;
            }

          switch (type)
            {
            case RETORT_COLUMN_TYPE_FLOAT64:
              {
                double value = retort_column_get_float64_data (column)[row];

                if (isnan (value))
                  {
                    missing[n_missing++] = row;
                    continue;
                  }
                key = float64_key (value);
              }
              break;
            case RETORT_COLUMN_TYPE_INT64:
              key = int64_key (retort_column_get_int64_data (column)[row]);
              break;
            case RETORT_COLUMN_TYPE_DATETIME:
              key = int64_key (retort_column_get_datetime_data (column)[row]);
              break;
            case RETORT_COLUMN_TYPE_BOOL:
              key = retort_column_get_bool_data (column)[row];
              break;
            case RETORT_COLUMN_TYPE_STRING:
            default:
              g_assert_not_reached ();
            }

          /* Inverted keys sort backwards and stay stable: ties keep table order. */
          keys[n_present] = key ^ flip;
          order[n_present++] = row;
        }

      if (!radix_sort (keys, order, n_present, cancellable))
        {
          g_cancellable_set_error_if_cancelled (cancellable, error);
          return NULL;
        }
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  memcpy (order + n_present, missing, n_missing * sizeof *missing);

  return g_bytes_new_take (g_steal_pointer (&order), n_rows * sizeof (guint32));
}

typedef struct
{
  RetortTable *table;
  guint        column;
  gboolean     descending;
} SortJob;

static void
sort_job_free (SortJob *job)
{
  retort_table_unref (job->table);
  g_free (job);
}

static void
sort_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SortJob *job = task_data;
  GError *error = NULL;
  GBytes *order;

  order = retort_table_sort (job->table, job->column, job->descending, cancellable, &error);
  if (order == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, order, (GDestroyNotify) g_bytes_unref);
}

void
retort_table_sort_async (RetortTable         *table,
                         guint                column,
                         gboolean             descending,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SortJob *job;

  g_return_if_fail (table != NULL);
  g_return_if_fail (column < retort_table_get_n_columns (table));

  job = g_new0 (SortJob, 1);
  job->table = retort_table_ref (table);
  job->column = column;
  job->descending = descending;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, retort_table_sort_async);
  g_task_set_task_data (task, job, (GDestroyNotify) sort_job_free);
  g_task_run_in_thread (task, sort_thread);
}

GBytes *
retort_table_sort_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == retort_table_sort_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
