/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Validity bitmaps in Arrow's layout: bit i of byte i / 8, LSB first. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

static inline gboolean
_retort_bitmap_get (const guint8 *bitmap,
                    gsize         i)
{
  return (bitmap[i >> 3] >> (i & 7)) & 1;
}

static inline void
_retort_bitmap_set (guint8 *bitmap,
                    gsize   i)
{
  bitmap[i >> 3] |= (guint8) (1u << (i & 7));
}

static inline void
_retort_bitmap_clear (guint8 *bitmap,
                      gsize   i)
{
  bitmap[i >> 3] &= (guint8) ~(1u << (i & 7));
}

static inline gsize
_retort_bitmap_size (gsize n_bits)
{
  return (n_bits + 7) / 8;
}

/* Copies @n bits from @src starting at bit @src_offset to @dst at @dst_offset. */
void  _retort_bitmap_copy        (guint8       *dst,
                                  gsize         dst_offset,
                                  const guint8 *src,
                                  gsize         src_offset,
                                  gsize         n);
/* Sets bits [@offset, @offset + @n). */
void  _retort_bitmap_set_range   (guint8       *dst,
                                  gsize         offset,
                                  gsize         n);
gsize _retort_bitmap_count_unset (const guint8 *bitmap,
                                  gsize         n_bits);

G_END_DECLS
