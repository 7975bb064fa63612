/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness of the CSV reader: any input either fails with a GError
 * or gives a table that summarizes, exports and reads back with the same shape. */
#define G_LOG_DOMAIN "retort-fuzz"

#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include <glib.h>

#include "retort-table-lib.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static const char delimiters[] = { 0, ',', ';', '\t' };

/* The first byte chooses the options: bits 0-1 the delimiter (detected, ',',
 * ';', tab), bit 2 no header, bit 3 two threads, bits 4-5 == 3 a field size
 * limit small enough to be hit. */
static void
options_from_byte (guint8            byte,
                   RetortCsvOptions *options)
{
  retort_csv_options_init (options);
  options->delimiter = delimiters[byte & 3];
  options->has_header = (byte & 4) == 0;
  options->n_threads = (byte & 8) ? 2 : 1;
  if (((byte >> 4) & 3) == 3)
    options->max_field_size = 1 + (byte >> 6) * 8;
}

static void
check_round_trip (RetortTable            *table,
                  const RetortCsvOptions *options)
{
  char delimiter = options->delimiter != 0 ? options->delimiter : ',';
  g_autoptr(GString) csv = retort_csv_write_string (table, delimiter);
  g_autoptr(RetortTable) again = NULL;
  g_autoptr(GError) error = NULL;
  RetortCsvOptions reread;

  retort_csv_options_init (&reread);
  reread.delimiter = delimiter;
  reread.n_threads = options->n_threads;
  again = retort_csv_read_data (csv->str, csv->len, "fuzz-export.csv", &reread, &error);

  if (again == NULL)
    {
      g_printerr ("export does not read back: %s\n--- export (%" G_GSIZE_FORMAT " bytes):\n%s\n",
                  error->message, csv->len, csv->str);
      abort ();
    }

  if (retort_table_get_n_rows (again) != retort_table_get_n_rows (table) ||
      retort_table_get_n_columns (again) != retort_table_get_n_columns (table))
    {
      g_printerr ("export reads back as %" G_GSIZE_FORMAT " x %u, not %" G_GSIZE_FORMAT " x %u\n"
                  "--- export (%" G_GSIZE_FORMAT " bytes):\n%s\n",
                  retort_table_get_n_rows (again), retort_table_get_n_columns (again),
                  retort_table_get_n_rows (table), retort_table_get_n_columns (table),
                  csv->len, csv->str);
      abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(RetortTable) table = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(GError) error = NULL;
  RetortCsvOptions options;

  if (size == 0)
    return 0;

  options_from_byte (data[0], &options);
  table = retort_csv_read_data ((const char *) data + 1, size - 1, "fuzz.csv", &options, &error);
  if (table == NULL)
    {
      /* Every failure must say why, as a table error. */
      if (error == NULL || error->domain != RETORT_TABLE_ERROR || error->message == NULL)
        abort ();
      return 0;
    }

  summaries = retort_table_summarize (table);
  if (summaries->len != retort_table_get_n_columns (table))
    abort ();

  /* Cell text is what the grid and the export show. */
  for (gsize row = 0; row < MIN (retort_table_get_n_rows (table), 64); row++)
    for (guint column = 0; column < retort_table_get_n_columns (table); column++)
      g_free (retort_table_dup_cell_text (table, row, column));

  if (retort_table_get_n_columns (table) > 0)
    check_round_trip (table, &options);

  return 0;
}
