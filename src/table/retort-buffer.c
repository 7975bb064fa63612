/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-buffer"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "retort-buffer-private.h"

/* Below this size a buffer comes from the allocator; above it from a memfd
 * mapped shared: page-aligned, grown with ftruncate() + mremap() without
 * copying, and passable to another process (the Python runner) as a
 * descriptor instead of being copied into a file. */
#define MMAP_THRESHOLD ((gsize) 256 * 1024)

G_DEFINE_BOXED_TYPE (RetortBuffer, retort_buffer, retort_buffer_ref, retort_buffer_unref)

static gsize
page_round (gsize size)
{
  static gsize page_size;

  if (page_size == 0)
    page_size = (gsize) sysconf (_SC_PAGESIZE);

  return (size + page_size - 1) & ~(page_size - 1);
}

/* A table with many columns holds a descriptor per large buffer: the soft
 * limit (often 1024) would run out long before memory does. */
static void
raise_fd_limit (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      struct rlimit limit;

      if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
        {
          limit.rlim_cur = limit.rlim_max;
          setrlimit (RLIMIT_NOFILE, &limit);
        }
      g_once_init_leave (&done, 1);
    }
}

static gpointer
allocate (RetortBufferKind *kind,
          gsize       size,
          gsize      *capacity,
          gboolean    anonymous,
          int        *fd)
{
  gpointer data;

  *fd = -1;
  if (size >= MMAP_THRESHOLD)
    {
      raise_fd_limit ();
      *capacity = page_round (size);
      *fd = anonymous ? -1 : memfd_create ("retort-buffer", MFD_CLOEXEC);
      if (*fd >= 0 && ftruncate (*fd, (off_t) *capacity) == 0)
        {
          data = mmap (NULL, *capacity, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
          if (data != MAP_FAILED)
            {
              *kind = BUFFER_MAPPED;
              return data;
            }
        }
      /* Asked for, or out of descriptors: an anonymous mapping still
       * works, it only gets a memfd (a copy) when it has to cross to
       * another process (retort_buffer_get_fd()). */
      if (*fd >= 0)
        close (*fd);
      *fd = -1;
      data = mmap (NULL, *capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (data == MAP_FAILED)
        g_error ("Failed to map %" G_GSIZE_FORMAT " bytes", size);
      *kind = BUFFER_MAPPED;
      return data;
    }

  *capacity = MAX (size, 1);
  *capacity = (*capacity + RETORT_BUFFER_ALIGNMENT - 1) & ~(gsize) (RETORT_BUFFER_ALIGNMENT - 1);
  data = aligned_alloc (RETORT_BUFFER_ALIGNMENT, *capacity);
  if (data == NULL)
    g_error ("Failed to allocate %" G_GSIZE_FORMAT " bytes", size);
  *kind = BUFFER_HEAP;
  return data;
}

RetortBuffer *
_retort_buffer_new_full (gsize    size,
                         gboolean zeroed,
                         gboolean anonymous)
{
  RetortBuffer *buffer = g_new0 (RetortBuffer, 1);

  g_atomic_ref_count_init (&buffer->ref_count);
  buffer->anonymous = anonymous;
  buffer->data = allocate (&buffer->kind, size, &buffer->capacity, anonymous, &buffer->fd);
  buffer->size = size;

  /* Fresh mappings (memfd or anonymous) are already zero. */
  if (zeroed && buffer->kind == BUFFER_HEAP)
    memset (buffer->data, 0, buffer->capacity);

  return buffer;
}

RetortBuffer *
retort_buffer_new (gsize size)
{
  return _retort_buffer_new_full (size, FALSE, FALSE);
}

RetortBuffer *
retort_buffer_new_zeroed (gsize size)
{
  return _retort_buffer_new_full (size, TRUE, FALSE);
}

RetortBuffer *
retort_buffer_new_wrapped (gpointer       data,
                           gsize          size,
                           GDestroyNotify notify,
                           gpointer       notify_data)
{
  RetortBuffer *buffer = g_new0 (RetortBuffer, 1);

  g_atomic_ref_count_init (&buffer->ref_count);
  buffer->kind = BUFFER_WRAPPED;
  buffer->data = data;
  buffer->size = size;
  buffer->capacity = size;
  buffer->fd = -1;
  buffer->notify = notify;
  buffer->notify_data = notify_data;

  return buffer;
}

RetortBuffer *
retort_buffer_new_wrapped_fd (gpointer       data,
                              gsize          size,
                              int            fd,
                              guint64        offset,
                              GDestroyNotify notify,
                              gpointer       notify_data)
{
  RetortBuffer *buffer = retort_buffer_new_wrapped (data, size, notify, notify_data);

  buffer->fd = fd;
  buffer->fd_offset = offset;

  return buffer;
}

RetortBuffer *
retort_buffer_ref (RetortBuffer *buffer)
{
  g_return_val_if_fail (buffer != NULL, NULL);

  g_atomic_ref_count_inc (&buffer->ref_count);

  return buffer;
}

void
retort_buffer_unref (RetortBuffer *buffer)
{
  g_return_if_fail (buffer != NULL);

  if (!g_atomic_ref_count_dec (&buffer->ref_count))
    return;

  switch (buffer->kind)
    {
    case BUFFER_HEAP:
      free (buffer->data);
      break;
    case BUFFER_MAPPED:
      munmap (buffer->data, buffer->capacity);
      if (buffer->fd >= 0)
        close (buffer->fd);
      break;
    case BUFFER_WRAPPED:
      if (buffer->notify != NULL)
        buffer->notify (buffer->notify_data);
      break;
    default:
      g_assert_not_reached ();
    }

  g_free (buffer);
}

gpointer
retort_buffer_get_data (RetortBuffer *buffer)
{
  g_return_val_if_fail (buffer != NULL, NULL);

  return buffer->data;
}

gsize
retort_buffer_get_size (RetortBuffer *buffer)
{
  g_return_val_if_fail (buffer != NULL, 0);

  return buffer->size;
}

/* An anonymous mapping moves into a memfd: its bytes are copied in, and the
 * memfd is mapped over the same addresses (MAP_FIXED replaces the old pages
 * in one step), so the data pointer stays valid for every reader and the
 * bytes never differ. */
static void
promote (RetortBuffer *buffer)
{
  static GMutex lock;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&lock);
  const char *data = buffer->data;
  gsize done = 0;
  int fd;

  if (buffer->fd >= 0)
    return;
  fd = memfd_create ("retort-buffer", MFD_CLOEXEC);
  if (fd < 0 || ftruncate (fd, (off_t) buffer->capacity) != 0)
    goto fail;
  while (done < buffer->size)
    {
      ssize_t n = pwrite (fd, data + done, buffer->size - done, (off_t) done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        goto fail;
      done += (gsize) n;
    }
  if (mmap (buffer->data, buffer->capacity, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0)
      == MAP_FAILED)
    goto fail;
  buffer->fd = fd;
  return;

fail:
  if (fd >= 0)
    close (fd);
}

int
retort_buffer_get_fd (RetortBuffer *buffer,
                      guint64      *offset)
{
  g_return_val_if_fail (buffer != NULL, -1);

  if (buffer->kind == BUFFER_MAPPED && buffer->fd < 0)
    promote (buffer);

  if (offset != NULL)
    *offset = buffer->fd >= 0 ? buffer->fd_offset : 0;

  return buffer->fd;
}

void
retort_buffer_resize (RetortBuffer *buffer,
                      gsize         new_size)
{
  g_return_if_fail (buffer != NULL);
  g_return_if_fail (buffer->kind != BUFFER_WRAPPED);

  if (new_size <= buffer->capacity)
    {
      buffer->size = new_size;
      return;
    }

  if (buffer->kind == BUFFER_MAPPED)
    {
      gsize capacity = page_round (new_size);
      gpointer data;

      /* The file first: a shared mapping beyond its end would fault. */
      if (buffer->fd >= 0 && ftruncate (buffer->fd, (off_t) capacity) != 0)
        g_error ("Failed to grow a buffer to %" G_GSIZE_FORMAT " bytes: %s", new_size,
                 g_strerror (errno));
      data = mremap (buffer->data, buffer->capacity, capacity, MREMAP_MAYMOVE);
      if (data == MAP_FAILED)
        g_error ("Failed to grow a mapping to %" G_GSIZE_FORMAT " bytes", new_size);
      buffer->data = data;
      buffer->capacity = capacity;
    }
  else
    {
      RetortBufferKind kind;
      gsize capacity;
      int fd;
      gpointer data = allocate (&kind, new_size, &capacity, buffer->anonymous, &fd);

      memcpy (data, buffer->data, buffer->size);
      free (buffer->data);
      buffer->data = data;
      buffer->kind = kind;
      buffer->capacity = capacity;
      buffer->fd = fd;
    }

  buffer->size = new_size;
}
