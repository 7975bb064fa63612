/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-canvas"

#include "config.h"

#include <math.h>

#include "retort-connection-layer.h"

/* The image covers the view and this much more on each side (pixels), so a
 * pan of up to this much reuses it. */
#define MARGIN 192
/* While zooming out, the image is scaled down this far at the most. */
#define MIN_SCALE 0.7

struct _RetortConnectionLayer
{
  cairo_surface_t *surface;
  /* What the texture shows: a digest of the curves relative to the pan,
   * and where the image was in the widget when it was drawn. */
  guint64     digest;
  double      zoom;
  double      pan_x;
  double      pan_y;
  double      x;
  double      y;
  int         width;
  int         height;
};

double
retort_curve_bend (double zoom,
                   double y1,
                   double y2)
{
  return MAX (40 * zoom, fabs (y2 - y1) / 2);
}

void
retort_curve_path (cairo_t *cr,
                   double   zoom,
                   double   x1,
                   double   y1,
                   double   x2,
                   double   y2)
{
  double bend = retort_curve_bend (zoom, y1, y2);

  cairo_move_to (cr, x1, y1);
  cairo_curve_to (cr, x1, y1 + bend, x2, y2 - bend, x2, y2);
}

RetortConnectionLayer *
retort_connection_layer_new (void)
{
  return g_new0 (RetortConnectionLayer, 1);
}

void
retort_connection_layer_free (RetortConnectionLayer *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_free (self);
}

static guint64
mix (guint64 digest,
     gint64  value)
{
  /* FNV-1a over the value's bytes. */
  for (guint i = 0; i < 8; i++)
    {
      digest ^= (guint64) ((value >> (8 * i)) & 0xff);
      digest *= 0x100000001b3ull;
    }

  return digest;
}

static guint64
mix_double (guint64 digest,
            double  value)
{
  /* To a 256th of a pixel: panning must not change the digest through
   * rounding in the last bits. */
  return mix (digest, (gint64) llround (value * 256));
}

static guint64
mix_color (guint64        digest,
           const GdkRGBA *color)
{
  digest = mix_double (digest, color->red);
  digest = mix_double (digest, color->green);
  digest = mix_double (digest, color->blue);
  return mix_double (digest, color->alpha);
}

static guint64
compute_digest (const RetortCurve *curves,
                guint              n_curves,
                double             pan_x,
                double             pan_y,
                double             zoom,
                int                scale,
                const GdkRGBA     *color,
                const GdkRGBA     *accent)
{
  guint64 digest = 0xcbf29ce484222325ull;

  digest = mix (digest, n_curves);
  digest = mix (digest, scale);
  digest = mix_color (digest, color);
  digest = mix_color (digest, accent);
  for (guint i = 0; i < n_curves; i++)
    {
      /* In canvas units, where neither panning nor zooming moves them. */
      digest = mix_double (digest, (curves[i].x1 - pan_x) / zoom);
      digest = mix_double (digest, (curves[i].y1 - pan_y) / zoom);
      digest = mix_double (digest, (curves[i].x2 - pan_x) / zoom);
      digest = mix_double (digest, (curves[i].y2 - pan_y) / zoom);
      digest = mix (digest, curves[i].selected);
    }

  return digest;
}

static gboolean
curve_in (const RetortCurve *curve,
          double             zoom,
          double             x,
          double             y,
          double             width,
          double             height)
{
  double bend = retort_curve_bend (zoom, curve->y1, curve->y2);

  /* A curve stays within its ends' box widened by the bend. */
  return MAX (curve->x1, curve->x2) >= x && MIN (curve->x1, curve->x2) <= x + width
         && MAX (curve->y1, curve->y2) + bend >= y && MIN (curve->y1, curve->y2) - bend <= y + height;
}

static void
draw_curves (cairo_t           *cr,
             const RetortCurve *curves,
             guint              n_curves,
             double             zoom,
             double             x,
             double             y,
             double             width,
             double             height,
             const GdkRGBA     *color,
             const GdkRGBA     *accent)
{
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (cr, 2.5 * zoom);
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * 0.55);
  for (guint i = 0; i < n_curves; i++)
    if (!curves[i].selected && curve_in (&curves[i], zoom, x, y, width, height))
      {
        retort_curve_path (cr, zoom, curves[i].x1, curves[i].y1, curves[i].x2, curves[i].y2);
        cairo_stroke (cr);
      }

  /* The selected one goes on top, in the accent colour. */
  cairo_set_line_width (cr, 4 * zoom);
  gdk_cairo_set_source_rgba (cr, accent);
  for (guint i = 0; i < n_curves; i++)
    if (curves[i].selected)
      retort_curve_path (cr, zoom, curves[i].x1, curves[i].y1, curves[i].x2, curves[i].y2);
  cairo_stroke (cr);
}

static void
redraw (RetortConnectionLayer *self,
        const RetortCurve     *curves,
        guint                  n_curves,
        double                 zoom,
        int                    width,
        int                    height,
        int                    scale,
        const GdkRGBA         *color,
        const GdkRGBA         *accent)
{
  cairo_t *cr;

  self->x = -MARGIN;
  self->y = -MARGIN;
  self->width = width + 2 * MARGIN;
  self->height = height + 2 * MARGIN;

  /* The same size as last time: cleared rather than allocated again. */
  if (self->surface == NULL
      || cairo_image_surface_get_width (self->surface) != self->width * scale
      || cairo_image_surface_get_height (self->surface) != self->height * scale)
    {
      g_clear_pointer (&self->surface, cairo_surface_destroy);
      self->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                  self->width * scale, self->height * scale);
      cairo_surface_set_device_scale (self->surface, scale, scale);
    }
  cr = cairo_create (self->surface);
  cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
  cairo_paint (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
  cairo_translate (cr, -self->x, -self->y);
  draw_curves (cr, curves, n_curves, zoom, self->x, self->y, self->width, self->height, color, accent);
  cairo_destroy (cr);
}

gboolean
retort_connection_layer_snapshot (RetortConnectionLayer *self,
                                  GtkSnapshot           *snapshot,
                                  const RetortCurve     *curves,
                                  guint                  n_curves,
                                  double                 pan_x,
                                  double                 pan_y,
                                  double                 zoom,
                                  int                    width,
                                  int                    height,
                                  int                    scale,
                                  gboolean               allow_scaled,
                                  const GdkRGBA         *color,
                                  const GdkRGBA         *accent)
{
  guint64 digest;
  double factor, x, y;
  gboolean scaled;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return FALSE;

  /* Where the image lands now: what it showed at (zoom, pan) moves to
   * (point - pan) * factor + new pan, as the cards do. */
  digest = compute_digest (curves, n_curves, pan_x, pan_y, zoom, scale, color, accent);
  factor = self->surface != NULL ? zoom / self->zoom : 1;
  x = (self->x - self->pan_x) * factor + pan_x;
  y = (self->y - self->pan_y) * factor + pan_y;
  scaled = zoom != self->zoom;

  /* Drawn again when the curves changed, the zoom changed and a scaled
   * image will not do, or the view left the image. While zooming out the
   * scaled image may leave the view's edges bare for a moment, until it
   * has shrunk too far. */
  if (self->surface == NULL || digest != self->digest || (scaled && !allow_scaled)
      || (scaled && factor < MIN_SCALE)
      || (!scaled && (x > 0 || y > 0 || x + self->width < width || y + self->height < height)))
    {
      redraw (self, curves, n_curves, zoom, width, height, scale, color, accent);
      self->digest = digest;
      self->zoom = zoom;
      self->pan_x = pan_x;
      self->pan_y = pan_y;
      factor = 1;
      scaled = FALSE;
      x = self->x;
      y = self->y;
    }

  /* A cairo node painting the image: the cairo renderer composites it as
   * it is, where a texture node would be converted every frame. */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_translate (cr, x, y);
  cairo_scale (cr, factor, factor);
  cairo_set_source_surface (cr, self->surface, 0, 0);
  /* Scaled only for the frames of a zoom: speed over smoothness. */
  if (scaled)
    cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_FAST);
  cairo_paint (cr);
  cairo_destroy (cr);

  return scaled;
}
