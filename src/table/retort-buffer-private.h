/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "retort-buffer.h"

G_BEGIN_DECLS

typedef enum
{
  BUFFER_HEAP,
  BUFFER_MAPPED,
  BUFFER_WRAPPED,
} RetortBufferKind;

struct _RetortBuffer
{
  gatomicrefcount   ref_count;
  RetortBufferKind  kind;
  gpointer          data;
  gsize             size;
  gsize             capacity;   /* bytes mapped or allocated */
  int               fd;         /* the memfd of a mapped buffer (owned), or the
                                 * descriptor a wrapped one lies in (not owned);
                                 * -1: none */
  guint64           fd_offset;  /* where the data starts in @fd */
  gboolean          anonymous;  /* mapped without a memfd until one is asked for */
  GDestroyNotify    notify;
  gpointer          notify_data;
};

/* For buffers written a lot and sent to another process rarely (CSV import's):
 * an anonymous mapping when large, whose pages cost less than a memfd's, moved
 * into a memfd (one copy) the first time retort_buffer_get_fd() is asked. */
RetortBuffer *_retort_buffer_new_full (gsize    size,
                                       gboolean zeroed,
                                       gboolean anonymous);
#define _retort_buffer_new_anonymous(size) (_retort_buffer_new_full ((size), FALSE, TRUE))
#define _retort_buffer_new_anonymous_zeroed(size) (_retort_buffer_new_full ((size), TRUE, TRUE))

/* For the parser's inner loops, where a call per field shows up in profiles. */
#define _retort_buffer_data(buffer) ((buffer)->data)

G_END_DECLS
