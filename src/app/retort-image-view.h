/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RETORT_TYPE_IMAGE_VIEW (retort_image_view_get_type ())

G_DECLARE_FINAL_TYPE (RetortImageView, retort_image_view, RETORT, IMAGE_VIEW, GtkWidget)

/* One image at a zoom, for a GtkScrolledWindow: at "fit" it asks for no
 * size and shows the image as large as its allocation allows (never above
 * its own size); at a zoom its size is the image's times the zoom, and the
 * scrolled window scrolls it. A GtkPicture cannot do the second: its
 * natural size stays the image's, whatever size it is asked to be. */

GtkWidget  *retort_image_view_new         (void);
void        retort_image_view_set_texture (RetortImageView *self,
                                           GdkTexture      *texture);
GdkTexture *retort_image_view_get_texture (RetortImageView *self);
/* At fit, the largest size the view asks for (-1: the image's size), so
 * that a thumbnail's natural size is the thumbnail's, not the image's. */
void        retort_image_view_set_fit_size (RetortImageView *self,
                                            int              width,
                                            int              height);
/* Fits the image to the allocation again. */
void        retort_image_view_zoom_to_fit (RetortImageView *self);
gboolean    retort_image_view_get_fit     (RetortImageView *self);
/* Shows the image at @zoom (1.0 is one image pixel a pixel), clamped to
 * what RETORT_IMAGE_VIEW_MIN_ZOOM and _MAX_ZOOM allow. */
void        retort_image_view_set_zoom    (RetortImageView *self,
                                           double           zoom);
/* The scale the image is shown at, also when it fits. */
double      retort_image_view_get_zoom    (RetortImageView *self);

#define RETORT_IMAGE_VIEW_MIN_ZOOM 0.05
#define RETORT_IMAGE_VIEW_MAX_ZOOM 16.0

G_END_DECLS
