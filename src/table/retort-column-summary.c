/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-column-summary"

#include "config.h"

#include <math.h>
#include <string.h>

#include "retort-column-summary.h"

#define N_TOP_VALUES 5
#define EMPTY_SLOT G_MAXSIZE

/* Distinct values are counted in an open-addressing table of row indices:
 * each slot holds the first row with a value and how often it occurs. */
typedef struct
{
  gsize row;
  gsize count;
} Slot;

typedef struct
{
  RetortColumn *column;
  Slot         *slots;
  gsize         mask;
  gsize         n_used;
} ValueCounter;

static guint64
mix (guint64 x)
{
  x ^= x >> 33;
  x *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  x ^= x >> 33;
  x *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
  x ^= x >> 33;
  return x;
}

/* The value of @row as 64 bits for fixed-width columns (-0.0 counts as 0.0). */
static guint64
value_bits (RetortColumn *column,
            gsize         row)
{
  switch (retort_column_get_data_type (column))
    {
    case RETORT_COLUMN_TYPE_FLOAT64:
      {
        double value = retort_column_get_float64_data (column)[row];
        guint64 bits;

        if (value == 0)
          value = 0;
        memcpy (&bits, &value, 8);
        return bits;
      }
    case RETORT_COLUMN_TYPE_INT64:
      return (guint64) retort_column_get_int64_data (column)[row];
    case RETORT_COLUMN_TYPE_DATETIME:
      return (guint64) retort_column_get_datetime_data (column)[row];
    case RETORT_COLUMN_TYPE_BOOL:
      return retort_column_get_bool_data (column)[row];
    case RETORT_COLUMN_TYPE_STRING:
    default:
      g_assert_not_reached ();
    }
}

static guint64
hash_row (RetortColumn *column,
          gsize         row)
{
  if (retort_column_get_data_type (column) == RETORT_COLUMN_TYPE_STRING)
    {
      gsize length;
      const char *text = retort_column_get_string (column, row, &length);
      guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325);

      for (gsize i = 0; i < length; i++)
        hash = (hash ^ (guchar) text[i]) * G_GUINT64_CONSTANT (0x100000001b3);
      return mix (hash);
    }

  return mix (value_bits (column, row));
}

static gboolean
rows_equal (RetortColumn *column,
            gsize         a,
            gsize         b)
{
  if (retort_column_get_data_type (column) == RETORT_COLUMN_TYPE_STRING)
    {
      gsize length_a, length_b;
      const char *text_a = retort_column_get_string (column, a, &length_a);
      const char *text_b = retort_column_get_string (column, b, &length_b);

      return length_a == length_b && memcmp (text_a, text_b, length_a) == 0;
    }

  return value_bits (column, a) == value_bits (column, b);
}

static void
counter_insert (ValueCounter *counter,
                gsize         row,
                guint64       hash)
{
  for (gsize i = hash & counter->mask;; i = (i + 1) & counter->mask)
    {
      Slot *slot = &counter->slots[i];

      if (slot->row == EMPTY_SLOT)
        {
          slot->row = row;
          slot->count = 1;
          counter->n_used++;
          return;
        }
      if (rows_equal (counter->column, slot->row, row))
        {
          slot->count++;
          return;
        }
    }
}

static void
counter_grow (ValueCounter *counter)
{
  Slot *old = counter->slots;
  gsize old_size = counter->mask + 1;

  counter->mask = old_size * 2 - 1;
  counter->slots = g_new (Slot, old_size * 2);
  for (gsize i = 0; i <= counter->mask; i++)
    counter->slots[i].row = EMPTY_SLOT;

  for (gsize i = 0; i < old_size; i++)
    if (old[i].row != EMPTY_SLOT)
      for (gsize j = hash_row (counter->column, old[i].row) & counter->mask;;
           j = (j + 1) & counter->mask)
        if (counter->slots[j].row == EMPTY_SLOT)
          {
            counter->slots[j] = old[i];
            break;
          }

  g_free (old);
}

static int
compare_slots (gconstpointer a,
               gconstpointer b)
{
  const Slot *slot_a = a;
  const Slot *slot_b = b;

  /* Most frequent first; ties in order of first appearance. */
  if (slot_a->count != slot_b->count)
    return slot_a->count > slot_b->count ? -1 : 1;
  return slot_a->row < slot_b->row ? -1 : slot_a->row > slot_b->row;
}

static void
count_values (RetortColumnSummary *summary,
              RetortColumn        *column)
{
  ValueCounter counter = { column, NULL, 1023, 0 };
  gsize n_rows = retort_column_get_length (column);
  g_autofree Slot *used = NULL;
  gsize n = 0;

  counter.slots = g_new (Slot, counter.mask + 1);
  for (gsize i = 0; i <= counter.mask; i++)
    counter.slots[i].row = EMPTY_SLOT;

  for (gsize row = 0; row < n_rows; row++)
    {
      if (!retort_column_is_valid (column, row))
        continue;
      if (counter.n_used * 2 > counter.mask)
        counter_grow (&counter);
      counter_insert (&counter, row, hash_row (column, row));
    }

  summary->distinct = counter.n_used;

  used = g_new (Slot, MAX (counter.n_used, 1));
  for (gsize i = 0; i <= counter.mask; i++)
    if (counter.slots[i].row != EMPTY_SLOT)
      used[n++] = counter.slots[i];
  g_free (counter.slots);

  qsort (used, n, sizeof (Slot), compare_slots);
  for (gsize i = 0; i < MIN (n, N_TOP_VALUES); i++)
    {
      RetortValueCount *top = g_new0 (RetortValueCount, 1);

      top->value = retort_column_dup_text (column, used[i].row);
      top->count = used[i].count;
      g_ptr_array_add (summary->top_values, top);
    }
}

static double
numeric_value (RetortColumn *column,
               gsize         row)
{
  switch (retort_column_get_data_type (column))
    {
    case RETORT_COLUMN_TYPE_FLOAT64:
      return retort_column_get_float64_data (column)[row];
    case RETORT_COLUMN_TYPE_INT64:
      return (double) retort_column_get_int64_data (column)[row];
    case RETORT_COLUMN_TYPE_DATETIME:
      return (double) retort_column_get_datetime_data (column)[row];
    case RETORT_COLUMN_TYPE_BOOL:
      return retort_column_get_bool_data (column)[row];
    case RETORT_COLUMN_TYPE_STRING:
    default:
      g_assert_not_reached ();
    }
}

/* Neumaier's compensated sum keeps the mean exact to the last bits or so. */
static void
add_compensated (double *sum,
                 double *compensation,
                 double  value)
{
  double t = *sum + value;

  if (fabs (*sum) >= fabs (value))
    *compensation += (*sum - t) + value;
  else
    *compensation += (value - t) + *sum;
  *sum = t;
}

static void
compute_numeric_stats (RetortColumnSummary *summary,
                       RetortColumn        *column)
{
  gsize n_rows = retort_column_get_length (column);
  double sum = 0, compensation = 0;
  double squares = 0, squares_compensation = 0;

  summary->has_numeric_stats = TRUE;
  summary->min = NAN;
  summary->max = NAN;
  summary->mean = NAN;
  summary->std = NAN;

  if (summary->count == 0)
    return;

  summary->min = INFINITY;
  summary->max = -INFINITY;
  for (gsize row = 0; row < n_rows; row++)
    {
      double value;

      if (!retort_column_is_valid (column, row))
        continue;
      value = numeric_value (column, row);
      summary->min = MIN (summary->min, value);
      summary->max = MAX (summary->max, value);
      add_compensated (&sum, &compensation, value);
    }
  /* With infinities the compensation is meaningless (inf - inf). */
  summary->mean = (isfinite (sum) ? sum + compensation : sum) / (double) summary->count;

  if (summary->count < 2 || !isfinite (summary->mean))
    return;

  for (gsize row = 0; row < n_rows; row++)
    {
      double deviation;

      if (!retort_column_is_valid (column, row))
        continue;
      deviation = numeric_value (column, row) - summary->mean;
      add_compensated (&squares, &squares_compensation, deviation * deviation);
    }
  summary->std = sqrt ((squares + squares_compensation) / (double) (summary->count - 1));
}

static void
value_count_free (gpointer data)
{
  RetortValueCount *value_count = data;

  g_free (value_count->value);
  g_free (value_count);
}

RetortColumnSummary *
retort_column_summary_new (RetortColumn *column,
                           const char   *name)
{
  RetortColumnSummary *summary = g_new0 (RetortColumnSummary, 1);

  g_return_val_if_fail (column != NULL, NULL);

  summary->name = g_strdup (name);
  summary->type = retort_column_get_data_type (column);
  summary->missing = retort_column_get_null_count (column);
  summary->count = retort_column_get_length (column) - summary->missing;
  summary->top_values = g_ptr_array_new_with_free_func (value_count_free);
  summary->min = summary->max = summary->mean = summary->std = NAN;

  if (summary->type != RETORT_COLUMN_TYPE_STRING)
    compute_numeric_stats (summary, column);
  count_values (summary, column);

  return summary;
}

void
retort_column_summary_free (RetortColumnSummary *summary)
{
  if (summary == NULL)
    return;

  g_free (summary->name);
  g_clear_pointer (&summary->top_values, g_ptr_array_unref);
  g_free (summary);
}

GPtrArray *
retort_table_summarize (RetortTable *table)
{
  GPtrArray *summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) retort_column_summary_free);

  g_return_val_if_fail (table != NULL, NULL);

  for (guint i = 0; i < retort_table_get_n_columns (table); i++)
    g_ptr_array_add (summaries,
                     retort_column_summary_new (retort_table_get_column (table, i),
                                                retort_table_get_column_name (table, i)));

  return summaries;
}
