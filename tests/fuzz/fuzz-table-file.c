/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for the table file reader. The result file of a Python
 * run is written by the run's own process, where user code runs: it must
 * be read as hostile. Every input is either refused with a table error or
 * gives a table whose every cell can be read. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "retort-table-lib.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static char *path;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(RetortTable) table = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    path = g_strdup_printf ("%s/retort-fuzz-table-%d.rtbl", g_get_tmp_dir (), (int) getpid ());

  if (!g_file_set_contents (path, (const char *) data, (gssize) size, NULL))
    abort ();

  table = retort_table_read_file (path, &error);
  if (table == NULL)
    {
      if (error == NULL || error->domain != RETORT_TABLE_ERROR)
        abort ();
      return 0;
    }

  for (guint column = 0; column < retort_table_get_n_columns (table); column++)
    for (gsize row = 0; row < retort_table_get_n_rows (table); row++)
      g_free (retort_table_dup_cell_text (table, row, column));
  g_ptr_array_unref (retort_table_summarize (table));

  return 0;
}
