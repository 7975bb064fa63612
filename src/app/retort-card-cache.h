/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _RetortCardCache RetortCardCache;

/* The canvas's cards as images, for the cairo renderer (GTK's software
 * renderer), which draws a card's rounded boxes, dots and text again every
 * frame at a cost that adds up with a hundred cards in view. A card is
 * drawn into its image again only when its render node changed (GTK keeps
 * a widget's node until the widget needs drawing) or the zoom did; cards
 * not drawn in a frame lose their image. After a zoom, a frame draws images
 * again for a few milliseconds and shows the rest from their old images,
 * scaled: end() then returns TRUE and the caller draws another frame. */
RetortCardCache *retort_card_cache_new   (void);
void             retort_card_cache_free  (RetortCardCache *self);

/* Between begin and end, draw() paints the cards into @layer (a cairo
 * node of @snapshot covering the canvas, whose last node it is) in the
 * order it is called; a card it cannot paint as an image is appended to
 * @snapshot as it is, and the next ones go into a new layer over it. While
 * @zooming (the zoom changed a moment ago and is likely to change again)
 * cards whose zoom changed are shown from their old images, scaled, and
 * drawn again only in a frame after the zoom settles. */
void             retort_card_cache_begin (RetortCardCache *self,
                                          GtkSnapshot     *snapshot,
                                          cairo_t         *layer,
                                          int              width,
                                          int              height,
                                          int              scale,
                                          gboolean         zooming);
/* A card new to the view that there is no time left to draw in this frame
 * is a block of @placeholder's colour with an @edge until the next. */
void             retort_card_cache_draw  (RetortCardCache *self,
                                          GtkWidget       *parent,
                                          GtkWidget       *child,
                                          const GdkRGBA   *placeholder,
                                          const GdkRGBA   *edge);
gboolean         retort_card_cache_end   (RetortCardCache *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortCardCache, retort_card_cache_free)

G_END_DECLS
