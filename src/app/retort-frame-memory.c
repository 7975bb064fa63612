/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "retort-frame-memory.h"

/* After a libc header, which defines __GLIBC__. */
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* Every frame of the canvas allocates and frees images of a few megabytes
 * (the frame's own surface in GTK's cairo renderer, the connections' image,
 * cards drawn again at a new zoom). glibc hands blocks that big to mmap, or
 * gives the heap's freed top back to the kernel, so the next frame faults
 * every page in again, each fault a zeroed page and, with two threads, a
 * TLB shootdown across cores: on a 2-core VM that was more than half of a
 * zoom step (bench/canvas: render median 7 ms → 3 ms over 750 steps). Fixed
 * thresholds keep such blocks on the heap and up to 64 MiB of free heap
 * mapped; they also stop glibc's dynamic threshold, which would otherwise
 * rise and fall with what the window last freed. */
#define MMAP_THRESHOLD (32 << 20)
#define TRIM_THRESHOLD (64 << 20)

void
retort_frame_memory_init (void)
{
#ifdef __GLIBC__
  mallopt (M_MMAP_THRESHOLD, MMAP_THRESHOLD);
  mallopt (M_TRIM_THRESHOLD, TRIM_THRESHOLD);
#endif
}
