/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define RETORT_TYPE_IMAGE_GALLERY (retort_image_gallery_get_type ())

G_DECLARE_FINAL_TYPE (RetortImageGallery, retort_image_gallery, RETORT, IMAGE_GALLERY, AdwBin)

/* The images a Python script drew (the PNGs of its Python Device output):
 * thumbnails; activating one shows it large, fitted to the area, with zoom
 * (Ctrl+scroll, Ctrl+plus/minus, Ctrl+0 fits, Ctrl+1 is 100 %), Copy and
 * Save As. Images are decoded on a worker thread. */

GtkWidget  *retort_image_gallery_new          (void);

/* @pngs: GBytes of PNG files, or NULL for none. The gallery keeps a
 * reference to each. */
void        retort_image_gallery_set_images   (RetortImageGallery *self,
                                               GPtrArray          *pngs);
guint       retort_image_gallery_get_n_images (RetortImageGallery *self);
/* The PNG file as the script made it. */
GBytes     *retort_image_gallery_get_png      (RetortImageGallery *self,
                                               guint               index);
/* The decoded image (decoded now if the worker has not got to it yet), or
 * NULL when the bytes are no image GTK can read. */
GdkTexture *retort_image_gallery_get_texture  (RetortImageGallery *self,
                                               guint               index);
/* Writes the original PNG bytes to @file, replacing it. */
gboolean    retort_image_gallery_save_image   (RetortImageGallery *self,
                                               guint               index,
                                               GFile              *file,
                                               GError            **error);

/* The large view: open on @index (fitted), back to the thumbnails, and
 * which image it shows (-1 on the thumbnails). */
void        retort_image_gallery_open_image   (RetortImageGallery *self,
                                               guint               index);
void        retort_image_gallery_close_image  (RetortImageGallery *self);
int         retort_image_gallery_get_open_image (RetortImageGallery *self);
/* The scale of the large view (1.0: one image pixel a pixel), and whether
 * it fits the image to the area. */
double      retort_image_gallery_get_zoom     (RetortImageGallery *self);
gboolean    retort_image_gallery_get_zoom_to_fit (RetortImageGallery *self);

G_END_DECLS
