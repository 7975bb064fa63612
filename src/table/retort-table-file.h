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

/* A table whose buffers lie in descriptors rather than in one file: how
 * tables cross to the Python runner and back when descriptors can be
 * passed (doc/runner-protocol.md). Sizes must be what the column type and
 * the number of rows call for (strings: @data's size is the last offset). */
typedef struct
{
  guint   fd_index;
  guint64 offset;
  guint64 size;
} RetortTableRegion;

typedef struct
{
  const char        *name;
  RetortColumnType   type;
  gboolean           has_validity;
  RetortTableRegion  validity;
  RetortTableRegion  values;
  RetortTableRegion  data;        /* strings only */
} RetortTableColumnRegions;

/* Maps each of @fds once (read-only, or writable and copy-on-write with
 * RETORT_TABLE_FILE_COPY_ON_WRITE) and builds the table over the
 * regions without copying; checks them as retort_table_read_file() checks
 * a file. Takes @fds, whatever the outcome. Read-only tables keep the
 * descriptors, so their buffers report them (retort_buffer_get_fd()). */
RetortTable *retort_table_map_regions    (guint64                          n_rows,
                                          guint                            n_columns,
                                          const RetortTableColumnRegions  *columns,
                                          const int                       *fds,
                                          guint                            n_fds,
                                          RetortTableFileFlags             flags,
                                          GError                         **error);

G_END_DECLS
