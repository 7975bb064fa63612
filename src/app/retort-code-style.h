/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtksourceview/gtksource.h>

G_BEGIN_DECLS

/* Gives @buffer the Adwaita style scheme of the light or dark style, now
 * and whenever the style changes, for as long as @buffer lives. */
void retort_code_style_follow (GtkSourceBuffer *buffer);

G_END_DECLS
