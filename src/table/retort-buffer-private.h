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
  GDestroyNotify    notify;
  gpointer          notify_data;
};

/* For the parser's inner loops, where a call per field shows up in profiles. */
#define _retort_buffer_data(buffer) ((buffer)->data)

G_END_DECLS
