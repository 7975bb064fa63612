/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-table"

#include "config.h"

#include <string.h>

#include "retort-table.h"

struct _RetortTable
{
  gatomicrefcount   ref_count;
  gsize             n_rows;
  guint             n_columns;
  char            **names;
  RetortColumn    **columns;
};

G_DEFINE_BOXED_TYPE (RetortTable, retort_table, retort_table_ref, retort_table_unref)

void
retort_table_make_names_unique (GPtrArray *names)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  /* First pass: the names as given, so "a", "a (2)", "a" keeps "a (2)"
   * for the column that was called that and renames the second "a". */
  for (guint i = 0; i < names->len; i++)
    g_hash_table_add (seen, g_ptr_array_index (names, i));

  {
    g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < names->len; i++)
      {
        char *name = g_ptr_array_index (names, i);

        if (!g_hash_table_contains (used, name))
          {
            g_hash_table_add (used, g_strdup (name));
            continue;
          }

        for (guint n = 2;; n++)
          {
            char *candidate = g_strdup_printf ("%s (%u)", name, n);

            if (!g_hash_table_contains (used, candidate) && !g_hash_table_contains (seen, candidate))
              {
                g_hash_table_add (used, g_strdup (candidate));
                g_free (name);
                names->pdata[i] = candidate;
                break;
              }
            g_free (candidate);
          }
      }
  }
}

RetortTable *
retort_table_new (guint                 n_columns,
                  const char * const   *names,
                  RetortColumn * const *columns,
                  GError              **error)
{
  g_autoptr(GPtrArray) unique = g_ptr_array_new_with_free_func (g_free);
  RetortTable *table;
  gsize n_rows = n_columns > 0 ? retort_column_get_length (columns[0]) : 0;

  for (guint i = 0; i < n_columns; i++)
    {
      if (retort_column_get_length (columns[i]) != n_rows)
        {
          g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_INVALID,
                       "Column “%s” has %" G_GSIZE_FORMAT " rows, but column “%s” has %"
                       G_GSIZE_FORMAT,
                       names[i], retort_column_get_length (columns[i]), names[0], n_rows);
          return NULL;
        }
      if (names[i] == NULL || !g_utf8_validate (names[i], -1, NULL))
        {
          g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_INVALID,
                       "The name of column %u is not valid UTF-8 text", i + 1);
          return NULL;
        }
      g_ptr_array_add (unique, g_strdup (names[i]));
    }

  retort_table_make_names_unique (unique);

  table = g_new0 (RetortTable, 1);
  g_atomic_ref_count_init (&table->ref_count);
  table->n_rows = n_rows;
  table->n_columns = n_columns;
  table->names = g_new0 (char *, n_columns + 1);
  table->columns = g_new0 (RetortColumn *, n_columns + 1);
  for (guint i = 0; i < n_columns; i++)
    {
      table->names[i] = g_steal_pointer (&unique->pdata[i]);
      table->columns[i] = retort_column_ref (columns[i]);
    }

  return table;
}

RetortTable *
retort_table_ref (RetortTable *table)
{
  g_return_val_if_fail (table != NULL, NULL);

  g_atomic_ref_count_inc (&table->ref_count);

  return table;
}

void
retort_table_unref (RetortTable *table)
{
  g_return_if_fail (table != NULL);

  if (!g_atomic_ref_count_dec (&table->ref_count))
    return;

  for (guint i = 0; i < table->n_columns; i++)
    retort_column_unref (table->columns[i]);
  g_free (table->columns);
  g_strfreev (table->names);
  g_free (table);
}

gsize
retort_table_get_n_rows (RetortTable *table)
{
  return table->n_rows;
}

guint
retort_table_get_n_columns (RetortTable *table)
{
  return table->n_columns;
}

RetortColumn *
retort_table_get_column (RetortTable *table,
                         guint        index)
{
  g_return_val_if_fail (index < table->n_columns, NULL);

  return table->columns[index];
}

const char *
retort_table_get_column_name (RetortTable *table,
                              guint        index)
{
  g_return_val_if_fail (index < table->n_columns, NULL);

  return table->names[index];
}

int
retort_table_find_column (RetortTable *table,
                          const char  *name)
{
  for (guint i = 0; i < table->n_columns; i++)
    if (strcmp (table->names[i], name) == 0)
      return (int) i;

  return -1;
}

RetortTable *
retort_table_slice (RetortTable *table,
                    gsize        offset,
                    gsize        length)
{
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func ((GDestroyNotify) retort_column_unref);

  g_return_val_if_fail (offset <= table->n_rows, NULL);

  for (guint i = 0; i < table->n_columns; i++)
    g_ptr_array_add (columns, retort_column_slice (table->columns[i], offset, length));

  return retort_table_new (table->n_columns, (const char * const *) table->names,
                           (RetortColumn * const *) columns->pdata, NULL);
}

RetortTable *
retort_table_select (RetortTable *table,
                     const guint *indices,
                     guint        n_indices)
{
  g_autofree const char **names = g_new0 (const char *, n_indices + 1);
  g_autofree RetortColumn **columns = g_new0 (RetortColumn *, n_indices + 1);

  for (guint i = 0; i < n_indices; i++)
    {
      g_return_val_if_fail (indices[i] < table->n_columns, NULL);
      names[i] = table->names[indices[i]];
      columns[i] = table->columns[indices[i]];
    }

  return retort_table_new (n_indices, names, columns, NULL);
}

char *
retort_table_dup_cell_text (RetortTable *table,
                            gsize        row,
                            guint        column)
{
  g_return_val_if_fail (column < table->n_columns, NULL);
  g_return_val_if_fail (row < table->n_rows, NULL);

  return retort_column_dup_text (table->columns[column], row);
}
