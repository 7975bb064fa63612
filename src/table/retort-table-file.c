/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-table-file"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "retort-bitmap-private.h"
#include "retort-column-private.h"
#include "retort-table-file.h"

/* On-disk layout, little-endian (doc/table-file-format.md). */
typedef struct
{
  char    magic[8];
  guint32 version;
  guint32 n_columns;
  guint64 n_rows;
  guint64 file_size;
  guint8  reserved[32];
} FileHeader;

typedef struct
{
  guint32 type;
  guint32 name_length;
  guint64 name_offset;
  guint64 null_count;
  guint64 validity_offset;   /* 0: nothing missing */
  guint64 values_offset;
  guint64 values_size;
  guint64 data_offset;       /* strings only */
  guint64 data_size;
} ColumnEntry;

G_STATIC_ASSERT (sizeof (FileHeader) == RETORT_TABLE_FILE_HEADER_SIZE);
G_STATIC_ASSERT (sizeof (ColumnEntry) == RETORT_TABLE_FILE_ENTRY_SIZE);
G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN);

static guint64
align64 (guint64 offset)
{
  return (offset + 63) & ~(guint64) 63;
}

/* Writing ------------------------------------------------------------------ */

static gboolean
write_all (int           fd,
           const void   *data,
           gsize         size,
           guint64      *position)
{
  const char *p = data;

  while (size > 0)
    {
      gssize n = write (fd, p, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      p += n;
      size -= (gsize) n;
      *position += (guint64) n;
    }

  return TRUE;
}

static gboolean
pad_to (int      fd,
        guint64  offset,
        guint64 *position)
{
  static const char zeros[64];

  return write_all (fd, zeros, (gsize) (offset - *position), position);
}

gboolean
retort_table_write_file (RetortTable  *table,
                         const char   *path,
                         GError      **error)
{
  guint n_columns = retort_table_get_n_columns (table);
  gsize n_rows = retort_table_get_n_rows (table);
  g_autofree ColumnEntry *entries = g_new0 (ColumnEntry, MAX (n_columns, 1));
  g_autofree char *display_name = g_filename_display_name (path);
  FileHeader header = { { 0 } };
  guint64 offset;
  guint64 position = 0;
  int fd;

  /* Lay out names, then each column's buffers. */
  offset = RETORT_TABLE_FILE_HEADER_SIZE + (guint64) n_columns * RETORT_TABLE_FILE_ENTRY_SIZE;
  for (guint i = 0; i < n_columns; i++)
    {
      entries[i].name_length = (guint32) strlen (retort_table_get_column_name (table, i));
      entries[i].name_offset = offset;
      offset += entries[i].name_length;
    }
  for (guint i = 0; i < n_columns; i++)
    {
      RetortColumn *column = retort_table_get_column (table, i);
      RetortColumnType type = retort_column_get_data_type (column);
      ColumnEntry *entry = &entries[i];

      entry->type = type;
      entry->null_count = retort_column_get_null_count (column);
      if (retort_column_get_validity (column) != NULL)
        {
          entry->validity_offset = align64 (offset);
          offset = entry->validity_offset + _retort_bitmap_size (n_rows);
        }
      entry->values_offset = align64 (offset);
      entry->values_size = type == RETORT_COLUMN_TYPE_STRING
        ? (n_rows + 1) * sizeof (gint64)
        : n_rows * _retort_column_type_width (type);
      offset = entry->values_offset + entry->values_size;
      if (type == RETORT_COLUMN_TYPE_STRING)
        {
          entry->data_offset = align64 (offset);
          entry->data_size = (guint64) retort_column_get_string_offsets (column)[n_rows];
          offset = entry->data_offset + entry->data_size;
        }
    }

  memcpy (header.magic, RETORT_TABLE_FILE_MAGIC, 8);
  header.version = RETORT_TABLE_FILE_VERSION;
  header.n_columns = n_columns;
  header.n_rows = n_rows;
  header.file_size = offset;

  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    goto fail;

  if (!write_all (fd, &header, sizeof header, &position) ||
      !write_all (fd, entries, (gsize) n_columns * sizeof (ColumnEntry), &position))
    goto fail;
  for (guint i = 0; i < n_columns; i++)
    if (!write_all (fd, retort_table_get_column_name (table, i), entries[i].name_length, &position))
      goto fail;

  for (guint i = 0; i < n_columns; i++)
    {
      RetortColumn *column = retort_table_get_column (table, i);
      ColumnEntry *entry = &entries[i];

      if (entry->validity_offset != 0 &&
          (!pad_to (fd, entry->validity_offset, &position) ||
           !write_all (fd, retort_column_get_validity (column), _retort_bitmap_size (n_rows),
                       &position)))
        goto fail;
      if (!pad_to (fd, entry->values_offset, &position) ||
          !write_all (fd, retort_buffer_get_data (retort_column_get_values_buffer (column)),
                      entry->values_size, &position))
        goto fail;
      if (entry->data_offset != 0 &&
          (!pad_to (fd, entry->data_offset, &position) ||
           !write_all (fd, retort_column_get_string_data (column), entry->data_size, &position)))
        goto fail;
    }

  if (close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }

  return TRUE;

fail:
  {
    int saved_errno = errno;

    if (fd >= 0)
      close (fd);
    g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_IO,
                 "Cannot write the table file %s: %s", display_name, g_strerror (saved_errno));
    return FALSE;
  }
}

/* Reading ------------------------------------------------------------------ */

typedef struct
{
  gatomicrefcount ref_count;
  void           *data;
  gsize           size;
  int             fd;        /* kept open for retort_buffer_get_fd(); -1: closed */
} Mapping;

static Mapping *
mapping_ref (Mapping *mapping)
{
  g_atomic_ref_count_inc (&mapping->ref_count);
  return mapping;
}

static void
mapping_unref (gpointer data)
{
  Mapping *mapping = data;

  if (!g_atomic_ref_count_dec (&mapping->ref_count))
    return;
  if (mapping->size > 0)
    munmap (mapping->data, mapping->size);
  if (mapping->fd >= 0)
    close (mapping->fd);
  g_free (mapping);
}

static RetortBuffer *
wrap (Mapping *mapping,
      guint64  offset,
      guint64  size)
{
  /* Nothing to point at; a view of an empty column needs no mapping. */
  if (size == 0)
    return retort_buffer_new (0);
  if (mapping->fd >= 0)
    return retort_buffer_new_wrapped_fd ((char *) mapping->data + offset, (gsize) size,
                                         mapping->fd, offset, mapping_unref, mapping_ref (mapping));
  return retort_buffer_new_wrapped ((char *) mapping->data + offset, (gsize) size,
                                    mapping_unref, mapping_ref (mapping));
}

static gboolean
in_bounds (guint64 offset,
           guint64 size,
           guint64 file_size)
{
  return offset <= file_size && size <= file_size - offset;
}

/* What must hold of a column's bytes wherever they lie: string offsets in
 * order and within the bytes, the bytes UTF-8, bools 0 or 1. */
static gboolean
check_contents (RetortColumnType  type,
                guint64           n_rows,
                const guint8     *values,
                const guint8     *data,
                guint64           data_size)
{
  if (type == RETORT_COLUMN_TYPE_STRING)
    {
      const gint64 *offsets = (const gint64 *) values;

      if (offsets[0] != 0 || (guint64) offsets[n_rows] != data_size)
        return FALSE;
      for (guint64 i = 0; i < n_rows; i++)
        if (offsets[i + 1] < offsets[i])
          return FALSE;
      if (!g_utf8_validate_len ((const char *) data, data_size, NULL))
        return FALSE;
    }

  if (type == RETORT_COLUMN_TYPE_BOOL)
    {
      for (guint64 i = 0; i < n_rows; i++)
        if (values[i] > 1)
          return FALSE;
    }

  return TRUE;
}

static guint64
values_size (RetortColumnType type,
             guint64          n_rows)
{
  return type == RETORT_COLUMN_TYPE_STRING
    ? (n_rows + 1) * sizeof (gint64)
    : n_rows * _retort_column_type_width (type);
}

static gboolean
check_entry (const ColumnEntry *entry,
             guint64            n_rows,
             guint64            file_size,
             const guint8      *base)
{
  if (entry->type > RETORT_COLUMN_TYPE_DATETIME)
    return FALSE;
  if (!in_bounds (entry->name_offset, entry->name_length, file_size) ||
      !g_utf8_validate_len ((const char *) base + entry->name_offset, entry->name_length, NULL))
    return FALSE;
  if (entry->validity_offset != 0 &&
      (entry->validity_offset % 64 != 0 ||
       !in_bounds (entry->validity_offset, _retort_bitmap_size (n_rows), file_size)))
    return FALSE;
  if (entry->validity_offset == 0 && entry->null_count != 0)
    return FALSE;

  if (entry->values_offset % 64 != 0 ||
      entry->values_size != values_size (entry->type, n_rows) ||
      !in_bounds (entry->values_offset, entry->values_size, file_size))
    return FALSE;

  if (entry->type == RETORT_COLUMN_TYPE_STRING)
    {
      if (entry->data_offset % 64 != 0 || !in_bounds (entry->data_offset, entry->data_size, file_size))
        return FALSE;
    }
  else if (entry->data_offset != 0 || entry->data_size != 0)
    return FALSE;

  return check_contents (entry->type, n_rows, base + entry->values_offset,
                         base + entry->data_offset, entry->data_size);
}

RetortTable *
retort_table_read_file (const char  *path,
                        GError     **error)
{
  return retort_table_read_file_full (path, RETORT_TABLE_FILE_READ_ONLY, error);
}

RetortTable *
retort_table_read_file_full (const char            *path,
                             RetortTableFileFlags   flags,
                             GError               **error)
{
  g_autofree char *display_name = g_filename_display_name (path);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func ((GDestroyNotify) retort_column_unref);
  const FileHeader *header;
  const ColumnEntry *entries;
  const guint8 *base;
  Mapping *mapping;
  RetortTable *table = NULL;
  struct stat st;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_IO,
                   "Cannot read the table file %s: %s", display_name, g_strerror (saved_errno));
      return NULL;
    }

  mapping = g_new0 (Mapping, 1);
  g_atomic_ref_count_init (&mapping->ref_count);
  mapping->size = (gsize) st.st_size;
  mapping->fd = -1;
  if (mapping->size >= sizeof (FileHeader))
    mapping->data = mmap (NULL, mapping->size,
                          PROT_READ | (flags & RETORT_TABLE_FILE_COPY_ON_WRITE ? PROT_WRITE : 0),
                          MAP_PRIVATE, fd, 0);
  /* A read-only mapping shows what the file holds, so the descriptor can
   * stand for the data; a copy-on-write one may not. */
  if (!(flags & RETORT_TABLE_FILE_COPY_ON_WRITE) && mapping->size >= sizeof (FileHeader) &&
      mapping->data != MAP_FAILED)
    mapping->fd = fd;
  else
    close (fd);
  if (mapping->size < sizeof (FileHeader) || mapping->data == MAP_FAILED)
    {
      mapping->size = 0;
      mapping->fd = -1;
      mapping_unref (mapping);
      g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_PARSE,
                   "%s is not a table file: it is too short or cannot be mapped", display_name);
      return NULL;
    }

  base = mapping->data;
  header = mapping->data;
  entries = (const ColumnEntry *) (base + sizeof (FileHeader));

  if (memcmp (header->magic, RETORT_TABLE_FILE_MAGIC, 8) != 0 ||
      header->version != RETORT_TABLE_FILE_VERSION ||
      header->file_size != mapping->size ||
      !in_bounds (sizeof (FileHeader), (guint64) header->n_columns * sizeof (ColumnEntry),
                  mapping->size) ||
      header->n_rows > mapping->size * 8)
    {
      g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_PARSE,
                   "%s is not a Retort table file of version %d, or it is damaged",
                   display_name, RETORT_TABLE_FILE_VERSION);
      goto out;
    }

  for (guint i = 0; i < header->n_columns; i++)
    {
      const ColumnEntry *entry = &entries[i];
      RetortBuffer *validity = NULL;

      if (!check_entry (entry, header->n_rows, mapping->size, base))
        {
          g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_PARSE,
                       "The table file %s is damaged (column %u)", display_name, i + 1);
          goto out;
        }

      if (entry->validity_offset != 0)
        validity = wrap (mapping, entry->validity_offset, _retort_bitmap_size (header->n_rows));
      g_ptr_array_add (names, g_strndup ((const char *) base + entry->name_offset, entry->name_length));
      g_ptr_array_add (columns,
                       _retort_column_new ((RetortColumnType) entry->type, header->n_rows, validity,
                                           wrap (mapping, entry->values_offset, entry->values_size),
                                           entry->type == RETORT_COLUMN_TYPE_STRING
                                             ? wrap (mapping, entry->data_offset, entry->data_size)
                                             : NULL));
    }

  table = retort_table_new (header->n_columns, (const char * const *) names->pdata,
                            (RetortColumn * const *) columns->pdata, error);

out:
  mapping_unref (mapping);
  return table;
}

/* Regions ------------------------------------------------------------------ */

static Mapping *
map_fd (int                    fd,
        RetortTableFileFlags   flags,
        GError               **error)
{
  Mapping *mapping;
  struct stat st;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_IO,
                   "A table descriptor is not a regular file");
      return NULL;
    }

  mapping = g_new0 (Mapping, 1);
  g_atomic_ref_count_init (&mapping->ref_count);
  mapping->fd = -1;
  if (st.st_size > 0)
    {
      void *data;

      /* Private even when read-only: the pages are the file's all the same,
       * and before Linux 6.7 a shared mapping of a write-sealed memfd is
       * refused however it is protected. */
      data = mmap (NULL, (gsize) st.st_size,
                   PROT_READ | (flags & RETORT_TABLE_FILE_COPY_ON_WRITE ? PROT_WRITE : 0),
                   MAP_PRIVATE, fd, 0);
      if (data == MAP_FAILED)
        {
          int saved_errno = errno;

          close (fd);
          g_free (mapping);
          g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_IO,
                       "Cannot map a table descriptor: %s", g_strerror (saved_errno));
          return NULL;
        }
      mapping->data = data;
      mapping->size = (gsize) st.st_size;
    }

  if (flags & RETORT_TABLE_FILE_COPY_ON_WRITE)
    close (fd);
  else
    mapping->fd = fd;

  return mapping;
}

/* An empty region needs no descriptor (an empty column, say): only a
 * non-empty one must name a mapped descriptor and lie inside it. */
static gboolean
region_in_bounds (const RetortTableRegion *region,
                  guint64                  size,
                  Mapping * const         *mappings,
                  guint                    n_fds)
{
  return region->size == size &&
         (size == 0 ||
          (region->fd_index < n_fds && in_bounds (region->offset, size, mappings[region->fd_index]->size)));
}

static const guint8 *
region_data (const RetortTableRegion *region,
             Mapping * const         *mappings)
{
  return region->size > 0
    ? (const guint8 *) mappings[region->fd_index]->data + region->offset : NULL;
}

static RetortBuffer *
region_wrap (const RetortTableRegion *region,
             Mapping * const         *mappings)
{
  return region->size > 0
    ? wrap (mappings[region->fd_index], region->offset, region->size) : retort_buffer_new (0);
}

RetortTable *
retort_table_map_regions (guint64                          n_rows,
                          guint                            n_columns,
                          const RetortTableColumnRegions  *columns,
                          const int                       *fds,
                          guint                            n_fds,
                          RetortTableFileFlags             flags,
                          GError                         **error)
{
  g_autofree Mapping **mappings = g_new0 (Mapping *, MAX (n_fds, 1));
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) built = g_ptr_array_new_with_free_func ((GDestroyNotify) retort_column_unref);
  RetortTable *table = NULL;
  guint i;

  for (i = 0; i < n_fds; i++)
    {
      mappings[i] = map_fd (fds[i], flags, error);
      if (mappings[i] == NULL)
        {
          for (guint j = i + 1; j < n_fds; j++)
            close (fds[j]);
          goto out;
        }
    }

  for (i = 0; i < n_columns; i++)
    {
      const RetortTableColumnRegions *column = &columns[i];
      guint64 size = column->type <= RETORT_COLUMN_TYPE_DATETIME ? values_size (column->type, n_rows) : 0;
      const RetortTableRegion *data = column->type == RETORT_COLUMN_TYPE_STRING ? &column->data : NULL;
      RetortBuffer *validity = NULL;

      if (column->type > RETORT_COLUMN_TYPE_DATETIME || n_rows > G_MAXSIZE / 8 ||
          !g_utf8_validate (column->name, -1, NULL) ||
          (column->has_validity &&
           !region_in_bounds (&column->validity, _retort_bitmap_size (n_rows), mappings, n_fds)) ||
          !region_in_bounds (&column->values, size, mappings, n_fds) ||
          column->values.offset % 8 != 0 ||
          (data != NULL && !region_in_bounds (data, data->size, mappings, n_fds)) ||
          !check_contents (column->type, n_rows, region_data (&column->values, mappings),
                           data != NULL ? region_data (data, mappings) : NULL,
                           data != NULL ? data->size : 0))
        {
          g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_PARSE,
                       "The table descriptor is damaged (column %u)", i + 1);
          goto out;
        }

      if (column->has_validity)
        validity = region_wrap (&column->validity, mappings);
      g_ptr_array_add (names, (gpointer) column->name);
      g_ptr_array_add (built,
                       _retort_column_new (column->type, n_rows, validity,
                                           region_wrap (&column->values, mappings),
                                           data != NULL ? region_wrap (data, mappings) : NULL));
    }

  table = retort_table_new (n_columns, (const char * const *) names->pdata,
                            (RetortColumn * const *) built->pdata, error);

out:
  for (i = 0; i < n_fds; i++)
    g_clear_pointer (&mappings[i], mapping_unref);
  return table;
}
