/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Buffers are 64-byte aligned (the Apache Arrow recommendation) and
 * reference-counted. Large buffers are shared mappings of a memfd, so they
 * grow with mremap() without copying and another process can map them from
 * the descriptor; a buffer may also wrap memory owned elsewhere (an mmap'd
 * file, a memfd) and release it through a destroy notify. */
#define RETORT_BUFFER_ALIGNMENT 64

typedef struct _RetortBuffer RetortBuffer;

GType         retort_buffer_get_type     (void) G_GNUC_CONST;
RetortBuffer *retort_buffer_new          (gsize           size);
RetortBuffer *retort_buffer_new_zeroed   (gsize           size);
RetortBuffer *retort_buffer_new_wrapped  (gpointer        data,
                                          gsize           size,
                                          GDestroyNotify  notify,
                                          gpointer        notify_data);
/* Like retort_buffer_new_wrapped(), for data mapped from @fd at @offset
 * (which the notify keeps open): retort_buffer_get_fd() reports them, so
 * the data can cross to another process as a descriptor. Only for data
 * that is what @fd holds (a read-only or shared mapping). */
RetortBuffer *retort_buffer_new_wrapped_fd (gpointer        data,
                                            gsize           size,
                                            int             fd,
                                            guint64         offset,
                                            GDestroyNotify  notify,
                                            gpointer        notify_data);
RetortBuffer *retort_buffer_ref          (RetortBuffer   *buffer);
void          retort_buffer_unref        (RetortBuffer   *buffer);
gpointer      retort_buffer_get_data     (RetortBuffer   *buffer);
gsize         retort_buffer_get_size     (RetortBuffer   *buffer);
/* The descriptor holding the buffer's bytes (from @offset, when not NULL),
 * or -1 (heap buffers, wrapped memory). It stays owned by the buffer. A large
 * buffer without one yet (CSV import's) gets one here, at the cost of a copy
 * the first time. */
int           retort_buffer_get_fd       (RetortBuffer   *buffer,
                                          guint64        *offset);
/* Only for a buffer this code owns and nobody else references yet. */
void          retort_buffer_resize       (RetortBuffer   *buffer,
                                          gsize           new_size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortBuffer, retort_buffer_unref)

G_END_DECLS
