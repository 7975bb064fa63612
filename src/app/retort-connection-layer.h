/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* One connection's curve, from an output port (x1, y1) down to an input
 * port (x2, y2), in the canvas widget's coordinates. */
typedef struct
{
  double   x1;
  double   y1;
  double   x2;
  double   y2;
  gboolean selected;
} RetortCurve;

/* How far a curve bends out of its ports at @zoom: data flows down, so it
 * leaves an output downwards and enters an input from above. */
double retort_curve_bend (double zoom,
                          double y1,
                          double y2);
void   retort_curve_path (cairo_t *cr,
                          double   zoom,
                          double   x1,
                          double   y1,
                          double   x2,
                          double   y2);

typedef struct _RetortConnectionLayer RetortConnectionLayer;

/* The canvas's connections, drawn into an image a little larger than the
 * view, which draw() paints into @cr (the widget's coordinates, @width ×
 * @height): stroking hundreds of curves costs about a frame. When the curves
 * change (a card moved, a connection came or went) it is drawn at once;
 * when only the view moves (pan, zoom), frames show the image it has,
 * shifted or scaled, while a worker thread strokes the curves for the new
 * view, and @owner is drawn again when that image is ready. While
 * @zooming (the zoom changed a moment ago and is likely to change again),
 * a frame may show the image scaled without asking for a new one; it then
 * returns TRUE, and the owner draws a frame once the zoom has settled. */
RetortConnectionLayer *retort_connection_layer_new      (GtkWidget             *owner);
void                   retort_connection_layer_free     (RetortConnectionLayer *self);
gboolean               retort_connection_layer_draw     (RetortConnectionLayer *self,
                                                         cairo_t               *cr,
                                                         const RetortCurve     *curves,
                                                         guint                  n_curves,
                                                         double                 pan_x,
                                                         double                 pan_y,
                                                         double                 zoom,
                                                         gboolean               zooming,
                                                         int                    width,
                                                         int                    height,
                                                         int                    scale,
                                                         const GdkRGBA         *color,
                                                         const GdkRGBA         *accent);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortConnectionLayer, retort_connection_layer_free)

G_END_DECLS
