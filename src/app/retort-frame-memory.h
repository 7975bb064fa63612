/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Tells the C library to keep the memory a frame frees for the next one.
 * Call once, first thing in main(), in a process that draws windows. */
void retort_frame_memory_init (void);

G_END_DECLS
