/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "retort-table.h"

G_BEGIN_DECLS

/* The columnar file in which tables cross the process boundary to the
 * Python runner and back (doc/table-file-format.md): a header, a column
 * directory, then the Arrow-layout buffers at 64-byte aligned offsets, so a
 * reader maps the file and uses the buffers where they lie. */
#define RETORT_TABLE_FILE_MAGIC "RTRTBL01"
#define RETORT_TABLE_FILE_VERSION 1
#define RETORT_TABLE_FILE_HEADER_SIZE 64
#define RETORT_TABLE_FILE_ENTRY_SIZE 64

gboolean     retort_table_write_file (RetortTable  *table,
                                      const char   *path,
                                      GError      **error);

typedef enum
{
  RETORT_TABLE_FILE_READ_ONLY     = 0,
  /* The mapping is private and writable: a process may change the values
   * in place (pandas' inplace=True, df.loc[...] = ...) without copying the
   * whole table first, and the changes never reach the file or anyone else
   * (pages are copied on the first write). */
  RETORT_TABLE_FILE_COPY_ON_WRITE = 1 << 0,
} RetortTableFileFlags;

/* Maps @path; the table's buffers point into the mapping (no copy), which
 * lives as long as any of them. Every offset, size and string is checked:
 * a damaged or hostile file gives an error, never a crash. */
RetortTable *retort_table_read_file      (const char            *path,
                                          GError               **error);
RetortTable *retort_table_read_file_full (const char            *path,
                                          RetortTableFileFlags   flags,
                                          GError               **error);

G_END_DECLS
