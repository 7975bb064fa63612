/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What a row of the palette carries when it is dragged: the id of a module
 * kind ("import-data") as a boxed string, so a drop target can accept
 * module kinds and nothing else:
 *
 *   gtk_drop_target_new (RETORT_TYPE_MODULE_KIND_ID, GDK_ACTION_COPY);
 *   ...
 *   const char *kind_id = g_value_get_boxed (value);
 */
#define RETORT_TYPE_MODULE_KIND_ID (retort_module_kind_id_get_type ())

GType retort_module_kind_id_get_type (void) G_GNUC_CONST;

#define RETORT_TYPE_PALETTE (retort_palette_get_type ())

G_DECLARE_FINAL_TYPE (RetortPalette, retort_palette, RETORT, PALETTE, GtkWidget)

/* A sidebar of every module kind of the registry, grouped by category, with
 * a search entry above that filters them. A row is dragged onto the canvas
 * (RETORT_TYPE_MODULE_KIND_ID) or activated (double-click, Enter), which
 * emits ::kind-activated with the kind's id. */
GtkWidget *retort_palette_new             (void);
/* Focuses the search entry and selects its text: for a window's Ctrl+F. */
void       retort_palette_focus_search    (RetortPalette *self);
/* Shows only the kinds whose title, description or category contain every
 * word of @text (case-insensitive), as if it had been typed in the search
 * entry, but at once; NULL or "" shows them all. */
void       retort_palette_set_filter_text (RetortPalette *self,
                                           const char    *text);

G_END_DECLS
