/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-canvas"

#include "config.h"

#include <math.h>

#include "retort-card-cache.h"

/* A card's image: its render node drawn at a zoom, shifted by the fraction
 * of a pixel where it lands, so the image matches the widget exactly. */
typedef struct
{
  GskRenderNode   *node;
  double           zoom;
  double           fraction_x;
  double           fraction_y;
  int              scale;
  cairo_surface_t *surface;
  double           width;    /* logical pixels */
  double           height;
  guint            frame;    /* the last frame that drew it */
} CardImage;

/* How long a frame may spend drawing images again (µs); the others are
 * drawn from their old image, scaled, and again in the next frames. While
 * the zoom changes, cards new to the view get less: they are blocks for a
 * frame or two, where a zoom step that drew them all would stutter. */
#define REDRAW_BUDGET_US 1000
#define ZOOMING_BUDGET_US 400
/* A view of cards none of which has an image (a document just opened):
 * all of them in the first frame, rather than blocks for a few frames. */
#define FIRST_VIEW_BUDGET_US 16000

struct _RetortCardCache
{
  /* GtkWidget * (not a reference: images of cards gone are dropped at the
   * end of the next frame) -> CardImage * */
  GHashTable  *images;
  GtkSnapshot *snapshot;
  cairo_t     *cr;
  int          width;
  int          height;
  int          scale;
  guint        frame;
  gint64       deadline;
  gboolean     zooming;
  gboolean     incomplete;
};

static void
card_image_free (CardImage *image)
{
  g_clear_pointer (&image->node, gsk_render_node_unref);
  g_clear_pointer (&image->surface, cairo_surface_destroy);
  g_free (image);
}

RetortCardCache *
retort_card_cache_new (void)
{
  RetortCardCache *self = g_new0 (RetortCardCache, 1);

  self->images = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) card_image_free);
  return self;
}

void
retort_card_cache_free (RetortCardCache *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->cr, cairo_destroy);
  g_clear_pointer (&self->images, g_hash_table_unref);
  g_free (self);
}

static void
open_layer (RetortCardCache *self)
{
  self->cr = gtk_snapshot_append_cairo (self->snapshot,
                                        &GRAPHENE_RECT_INIT (0, 0, self->width, self->height));
}

void
retort_card_cache_begin (RetortCardCache *self,
                         GtkSnapshot     *snapshot,
                         cairo_t         *layer,
                         int              width,
                         int              height,
                         int              scale,
                         gboolean         zooming)
{
  g_return_if_fail (self->cr == NULL);
  g_return_if_fail (layer != NULL);

  self->snapshot = snapshot;
  self->width = width;
  self->height = height;
  self->scale = scale;
  self->frame++;
  self->deadline = g_get_monotonic_time ()
                   + (zooming ? ZOOMING_BUDGET_US
                      : g_hash_table_size (self->images) == 0 ? FIRST_VIEW_BUDGET_US
                      : REDRAW_BUDGET_US);
  self->zooming = zooming;
  self->incomplete = FALSE;
  self->cr = cairo_reference (layer);
}

static gboolean
image_is_stale (const CardImage *image,
                GskRenderNode   *node,
                double           zoom,
                double           fraction_x,
                double           fraction_y,
                int              scale)
{
  return image->node != node || image->zoom != zoom || image->scale != scale
         || fabs (image->fraction_x - fraction_x) > 1.0 / 64
         || fabs (image->fraction_y - fraction_y) > 1.0 / 64;
}

static void
draw_image (CardImage             *image,
            const graphene_rect_t *bounds)
{
  int scale = image->scale;
  cairo_t *cr;

  image->width = bounds->size.width * image->zoom + image->fraction_x;
  image->height = bounds->size.height * image->zoom + image->fraction_y;

  g_clear_pointer (&image->surface, cairo_surface_destroy);
  image->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                               (int) ceil (image->width * scale),
                                               (int) ceil (image->height * scale));
  cairo_surface_set_device_scale (image->surface, scale, scale);

  cr = cairo_create (image->surface);
  cairo_translate (cr, image->fraction_x, image->fraction_y);
  cairo_scale (cr, image->zoom, image->zoom);
  cairo_translate (cr, -bounds->origin.x, -bounds->origin.y);
  gsk_render_node_draw (image->node, cr);
  cairo_destroy (cr);
}

/* Paints @image with its corner at (@x, @y), scaled by @factor, over a box
 * of whole pixels: cairo composites an aligned box in one pixman call,
 * where a fractional one goes through its antialiased span renderer. */
static void
paint_image (cairo_t   *cr,
             CardImage *image,
             double     x,
             double     y,
             double     factor)
{
  double width = (double) cairo_image_surface_get_width (image->surface) / image->scale * factor;
  double height = (double) cairo_image_surface_get_height (image->surface) / image->scale * factor;
  double left = round (x);
  double top = round (y);
  cairo_matrix_t matrix;

  cairo_set_source_surface (cr, image->surface, 0, 0);
  cairo_matrix_init_scale (&matrix, 1 / factor, 1 / factor);
  cairo_matrix_translate (&matrix, -x, -y);
  cairo_pattern_set_matrix (cairo_get_source (cr), &matrix);
  if (factor != 1)
    cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_FAST);
  cairo_rectangle (cr, left, top, round (x + width) - left, round (y + height) - top);
  cairo_fill (cr);
}

void
retort_card_cache_draw (RetortCardCache *self,
                        GtkWidget       *parent,
                        GtkWidget       *child,
                        const GdkRGBA   *placeholder,
                        const GdkRGBA   *edge)
{
  GtkSnapshot *child_snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) outer = NULL;
  GskRenderNode *node;
  GskTransform *transform;
  graphene_rect_t bounds;
  float scale_x, scale_y, dx, dy;
  double x, y, left, top;
  CardImage *image;

  g_return_if_fail (self->cr != NULL);

  /* The child's node, which GTK keeps while the card looks the same, in
   * the transform that places it on the canvas. */
  gtk_widget_snapshot_child (parent, child, child_snapshot);
  outer = gtk_snapshot_free_to_node (child_snapshot);
  if (outer == NULL)
    return;

  transform = gsk_render_node_get_node_type (outer) == GSK_TRANSFORM_NODE
              ? gsk_transform_node_get_transform (outer)
              : NULL;
  if (transform == NULL
      || gsk_transform_get_category (transform) < GSK_TRANSFORM_CATEGORY_2D_AFFINE)
    {
      /* Not a card placed as the canvas places them: as it is, in order. */
      g_clear_pointer (&self->cr, cairo_destroy);
      gtk_snapshot_append_node (self->snapshot, outer);
      open_layer (self);
      return;
    }

  gsk_transform_to_affine (transform, &scale_x, &scale_y, &dx, &dy);
  node = gsk_transform_node_get_child (outer);
  gsk_render_node_get_bounds (node, &bounds);

  /* Where the image's corner lands, on the device pixel grid. */
  x = dx + bounds.origin.x * scale_x;
  y = dy + bounds.origin.y * scale_y;
  left = floor (x * self->scale) / self->scale;
  top = floor (y * self->scale) / self->scale;

  image = g_hash_table_lookup (self->images, child);
  if (image == NULL)
    {
      image = g_new0 (CardImage, 1);
      g_hash_table_insert (self->images, child, image);
    }
  if (image->surface != NULL && image->node == node && image->scale == self->scale
      && image_is_stale (image, node, scale_x, x - left, y - top, self->scale)
      && (self->zooming || g_get_monotonic_time () > self->deadline))
    {
      /* Only the zoom changed, and it is changing or the frame's time is
       * spent: the old image, scaled, until a next frame draws it again. */
      double factor = scale_x / image->zoom;

      image->frame = self->frame;
      self->incomplete = TRUE;
      paint_image (self->cr, image,
                   x - image->fraction_x * factor, y - image->fraction_y * factor, factor);
      return;
    }

  if (image->surface == NULL && g_get_monotonic_time () > self->deadline)
    {
      /* A card new to the view and no time left: a block with the card's
       * edge in its place until a next frame draws it. */
      double bx = round (dx + bounds.origin.x * scale_x), by = round (dy + bounds.origin.y * scale_y);
      double bw = round (bounds.size.width * scale_x), bh = round (bounds.size.height * scale_y);

      image->frame = self->frame;
      self->incomplete = TRUE;
      gdk_cairo_set_source_rgba (self->cr, placeholder);
      cairo_rectangle (self->cr, bx, by, bw, bh);
      cairo_fill (self->cr);
      if (bw > 2 && bh > 2)
        {
          gdk_cairo_set_source_rgba (self->cr, edge);
          cairo_rectangle (self->cr, bx, by, bw, 1);
          cairo_rectangle (self->cr, bx, by + bh - 1, bw, 1);
          cairo_rectangle (self->cr, bx, by + 1, 1, bh - 2);
          cairo_rectangle (self->cr, bx + bw - 1, by + 1, 1, bh - 2);
          cairo_fill (self->cr);
        }
      return;
    }

  if (image->surface == NULL || image_is_stale (image, node, scale_x, x - left, y - top, self->scale))
    {
      g_clear_pointer (&image->node, gsk_render_node_unref);
      image->node = gsk_render_node_ref (node);
      image->zoom = scale_x;
      image->fraction_x = x - left;
      image->fraction_y = y - top;
      image->scale = self->scale;
      draw_image (image, &bounds);
    }
  image->frame = self->frame;
  paint_image (self->cr, image, left, top, 1);
}

static gboolean
not_drawn (gpointer key,
           gpointer value,
           gpointer user_data)
{
  const CardImage *image = value;
  const RetortCardCache *self = user_data;

  return image->frame != self->frame;
}

gboolean
retort_card_cache_end (RetortCardCache *self)
{
  g_return_val_if_fail (self->cr != NULL, FALSE);

  g_clear_pointer (&self->cr, cairo_destroy);
  self->snapshot = NULL;
  g_hash_table_foreach_remove (self->images, not_drawn, self);

  return self->incomplete;
}
