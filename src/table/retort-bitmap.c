/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-bitmap"

#include "config.h"

#include <string.h>

#include "retort-bitmap-private.h"

void
_retort_bitmap_copy (guint8       *dst,
                     gsize         dst_offset,
                     const guint8 *src,
                     gsize         src_offset,
                     gsize         n)
{
  gsize i = 0;

  /* Byte-aligned on both sides: whole bytes at once. */
  if ((dst_offset & 7) == 0 && (src_offset & 7) == 0)
    {
      gsize n_bytes = n / 8;

      memcpy (dst + dst_offset / 8, src + src_offset / 8, n_bytes);
      i = n_bytes * 8;
    }

  for (; i < n; i++)
    {
      if (_retort_bitmap_get (src, src_offset + i))
        _retort_bitmap_set (dst, dst_offset + i);
      else
        _retort_bitmap_clear (dst, dst_offset + i);
    }
}

void
_retort_bitmap_set_range (guint8 *dst,
                          gsize   offset,
                          gsize   n)
{
  gsize i = offset;
  gsize end = offset + n;

  for (; i < end && (i & 7) != 0; i++)
    _retort_bitmap_set (dst, i);
  if (end - i >= 8)
    {
      memset (dst + i / 8, 0xff, (end - i) / 8);
      i += ((end - i) / 8) * 8;
    }
  for (; i < end; i++)
    _retort_bitmap_set (dst, i);
}

gsize
_retort_bitmap_count_unset (const guint8 *bitmap,
                            gsize         n_bits)
{
  gsize set = 0;
  gsize n_bytes = n_bits / 8;

  for (gsize i = 0; i < n_bytes; i++)
    set += (gsize) __builtin_popcount (bitmap[i]);
  for (gsize i = n_bytes * 8; i < n_bits; i++)
    set += _retort_bitmap_get (bitmap, i);

  return n_bits - set;
}
