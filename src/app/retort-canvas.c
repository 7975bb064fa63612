/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-canvas"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "retort-canvas.h"
#include "retort-card-cache.h"
#include "retort-connection-layer.h"
#include "retort-module-clipboard.h"
#include "retort-module-kind.h"
#include "retort-module-widget.h"
#include "retort-palette.h"

#define MIN_ZOOM 0.1
#define MAX_ZOOM 2.5
/* One scroll wheel notch or Ctrl+plus zooms by this much. */
#define ZOOM_FACTOR 1.1
/* A zoom that changed less than this ago (µs) is still changing: the next
 * wheel click or pinch update usually comes within it. */
#define ZOOM_SETTLE_US 120000
/* Pixels a scroll wheel notch pans by. */
#define SCROLL_STEP 32.0
/* How near (pixels) the pointer must come to a port or a curve to hit it. */
#define PORT_HIT_RADIUS 14.0
#define CURVE_HIT_DISTANCE 6.0
/* Pasted copies land this far (canvas units) from what was copied. */
#define PASTE_OFFSET (2 * RETORT_CANVAS_GRID)
/* Space left around the modules by Zoom to Fit (pixels). */
#define FIT_MARGIN 32.0
/* Below this zoom cards are drawn as plain blocks. */
#define OVERVIEW_ZOOM 0.5

typedef enum
{
  DRAG_NONE,
  DRAG_MOVE,         /* the selected modules follow the pointer */
  DRAG_CONNECT,      /* a new connection follows the pointer from a port */
  DRAG_RUBBER_BAND,  /* a rectangle selects what it touches */
  DRAG_PAN,          /* space + drag */
} DragMode;

struct _RetortCanvas
{
  GtkWidget          parent_instance;

  RetortExperiment  *experiment;
  RetortScheduler   *scheduler;
  /* Module id -> RetortModuleWidget (owned by the widget tree). */
  GHashTable        *widgets;

  /* Selected module ids (a set), or one selected connection. */
  GHashTable        *selection;
  RetortConnection  *selected_connection;

  /* The one canvas<->screen transform: screen = canvas * zoom + pan. */
  double             pan_x;
  double             pan_y;
  double             zoom;
  /* Centres the modules the first time the canvas has a size. */
  gboolean           needs_centering;

  /* Where the pointer is, for zooming about it and pasting under it. */
  gboolean           has_pointer;
  double             pointer_x;
  double             pointer_y;
  gboolean           space_held;

  double             pan_start_x;
  double             pan_start_y;
  double             pinch_start_zoom;

  /* The primary button drag: what it does, where it started and where it
   * is now (widget coordinates). */
  DragMode           drag_mode;
  double             drag_start_x;
  double             drag_start_y;
  double             drag_x;
  double             drag_y;

  /* DRAG_MOVE: the module grabbed, and how far the selection has moved
   * (canvas units, snapped); the experiment changes only when the drag
   * ends, so one drag is one undo step. */
  RetortModuleWidget *grabbed;
  double             drag_dx;
  double             drag_dy;
  /* A press on a module of a larger selection selects only that module,
   * unless it turns into a drag. */
  gboolean           select_only_on_release;

  /* DRAG_CONNECT: the port the new connection hangs from, the ports it may
   * end on (highlighted) and whether an old connection was taken off an
   * input (an undo group is open until the drag ends). */
  char              *connect_module;
  guint              connect_port;
  gboolean           connect_from_output;
  GPtrArray         *marked_ports;
  gboolean           reconnecting;

  /* DRAG_RUBBER_BAND: the selection before the band, kept when extending. */
  GHashTable        *band_base;

  GtkGesture        *drag_gesture;
  GtkWidget         *context_menu;

  RetortConnectionLayer *connection_layer;
  RetortCardCache   *card_cache;
  /* Every connection's curve in canvas units (zoom 1, no pan), built again
   * only when what places its ends changes: a module or connection came,
   * went or moved, the selection, a card's size or a drag's offset. Finding
   * 600 connections' ports every frame cost most of a frame's snapshot. */
  GArray            *curves;
  gboolean           curves_valid;
  guint64            card_sizes;
  double             curves_drag_dx;
  double             curves_drag_dy;
  guint              redraw_source;
  gint64             zoomed_at;
};

enum {
  SIGNAL_SELECTION_CHANGED,
  SIGNAL_MODULE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RetortCanvas, retort_canvas, GTK_TYPE_WIDGET)

static void retort_canvas_update_actions (RetortCanvas *self);

void
retort_canvas_to_screen (RetortCanvas *self,
                         double        x,
                         double        y,
                         double       *screen_x,
                         double       *screen_y)
{
  *screen_x = x * self->zoom + self->pan_x;
  *screen_y = y * self->zoom + self->pan_y;
}

void
retort_canvas_from_screen (RetortCanvas *self,
                           double        screen_x,
                           double        screen_y,
                           double       *x,
                           double       *y)
{
  *x = (screen_x - self->pan_x) / self->zoom;
  *y = (screen_y - self->pan_y) / self->zoom;
}

static void
invalidate_curves (RetortCanvas *self)
{
  self->curves_valid = FALSE;
}

static void
module_position (RetortCanvas       *self,
                 RetortModuleWidget *widget,
                 double             *x,
                 double             *y)
{
  RetortModule *module = retort_module_widget_get_module (widget);

  *x = retort_module_get_x (module);
  *y = retort_module_get_y (module);
  if (self->drag_mode == DRAG_MOVE
      && g_hash_table_contains (self->selection, retort_module_get_id (module)))
    {
      *x += self->drag_dx;
      *y += self->drag_dy;
    }
}

static void
retort_canvas_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  /* The canvas is a view onto an unbounded plane: any size will do. */
  *minimum = 0;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 480;
}


static void
module_size (GtkWidget *child,
             int       *width,
             int       *height)
{
  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, width, NULL, NULL);
  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, *width, NULL, height, NULL, NULL);
}

/* The rectangle holding every module, in canvas units; FALSE when empty. */
static gboolean
modules_bounds (RetortCanvas    *self,
                graphene_rect_t *bounds)
{
  double x1 = G_MAXDOUBLE, y1 = G_MAXDOUBLE, x2 = -G_MAXDOUBLE, y2 = -G_MAXDOUBLE;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      double x, y;
      int w, h;

      module_position (self, value, &x, &y);
      module_size (value, &w, &h);
      x1 = MIN (x1, x);
      y1 = MIN (y1, y);
      x2 = MAX (x2, x + w);
      y2 = MAX (y2, y + h);
    }

  if (x1 > x2)
    return FALSE;

  graphene_rect_init (bounds, x1, y1, x2 - x1, y2 - y1);
  return TRUE;
}

static void
center_modules (RetortCanvas *self,
                int           width,
                int           height)
{
  graphene_rect_t bounds;

  if (!modules_bounds (self, &bounds))
    return;

  self->pan_x = round ((width - bounds.size.width * self->zoom) / 2 - bounds.origin.x * self->zoom);
  /* A third from the top reads better than the exact middle. */
  self->pan_y = round (MAX (24, (height - bounds.size.height * self->zoom) / 3)
                       - bounds.origin.y * self->zoom);
}

static void
retort_canvas_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  RetortCanvas *self = RETORT_CANVAS (widget);
  guint64 card_sizes = 0;

  if (self->needs_centering && width > 0 && height > 0)
    {
      center_modules (self, width, height);
      self->needs_centering = FALSE;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GskTransform *transform = NULL;
      double x, y, sx, sy;
      int w, h;

      if (!RETORT_IS_MODULE_WIDGET (child))
        continue;

      module_position (self, RETORT_MODULE_WIDGET (child), &x, &y);
      retort_canvas_to_screen (self, x, y, &sx, &sy);
      module_size (child, &w, &h);
      transform = gsk_transform_translate (transform, &GRAPHENE_POINT_INIT (sx, sy));
      transform = gsk_transform_scale (transform, self->zoom, self->zoom);
      gtk_widget_allocate (child, w, h, -1, transform);
      card_sizes = (card_sizes * 1000003) ^ ((guint64) w << 32 | (guint) h);
    }
  /* A card of a new size has its ports elsewhere. */
  if (card_sizes != self->card_sizes)
    {
      self->card_sizes = card_sizes;
      invalidate_curves (self);
    }

  if (self->context_menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->context_menu));
}

/* Where a port's centre is in its card, for a card of the size it was
 * measured at: cards are scaled, not laid out again, when the zoom changes,
 * so this holds until the card's size changes. */
typedef struct
{
  int              card_width;
  int              card_height;
  graphene_point_t center;
} PortOffset;

/* A port's centre in canvas units (where the canvas places its card, as
 * size_allocate does, plus the port's offset in the card). */
static gboolean
port_canvas_center (RetortCanvas *self,
                    GtkWidget    *port,
                    double       *x,
                    double       *y)
{
  static GQuark offset_quark;
  GtkWidget *card;
  PortOffset *offset;
  double card_x, card_y;

  if (port == NULL)
    return FALSE;

  card = gtk_widget_get_ancestor (port, RETORT_TYPE_MODULE_WIDGET);
  if (card == NULL || gtk_widget_get_width (card) == 0)
    return FALSE;

  if (offset_quark == 0)
    offset_quark = g_quark_from_static_string ("retort-port-offset");
  offset = g_object_get_qdata (G_OBJECT (port), offset_quark);
  if (offset == NULL
      || offset->card_width != gtk_widget_get_width (card)
      || offset->card_height != gtk_widget_get_height (card))
    {
      graphene_point_t center;

      if (!gtk_widget_compute_point (port, card,
                                     &GRAPHENE_POINT_INIT (gtk_widget_get_width (port) / 2.f,
                                                           gtk_widget_get_height (port) / 2.f),
                                     &center))
        return FALSE;
      if (offset == NULL)
        {
          offset = g_new (PortOffset, 1);
          g_object_set_qdata_full (G_OBJECT (port), offset_quark, offset, g_free);
        }
      offset->card_width = gtk_widget_get_width (card);
      offset->card_height = gtk_widget_get_height (card);
      offset->center = center;
    }

  module_position (self, RETORT_MODULE_WIDGET (card), &card_x, &card_y);
  *x = card_x + offset->center.x;
  *y = card_y + offset->center.y;
  return TRUE;
}

static gboolean
port_center (RetortCanvas *self,
             GtkWidget    *port,
             double       *x,
             double       *y)
{
  double canvas_x, canvas_y;

  if (!port_canvas_center (self, port, &canvas_x, &canvas_y))
    return FALSE;
  retort_canvas_to_screen (self, canvas_x, canvas_y, x, y);
  return TRUE;
}

static guint
n_ports (RetortModuleWidget *widget,
         gboolean            output)
{
  const RetortModuleKind *kind = retort_module_get_kind (retort_module_widget_get_module (widget));

  return output ? kind->n_outputs : kind->n_inputs;
}

/* The port nearest to (@sx, @sy) within PORT_HIT_RADIUS, looking at
 * inputs, outputs or both (@output < 0). */
static gboolean
find_port_at (RetortCanvas        *self,
              double               sx,
              double               sy,
              int                  output,
              RetortModuleWidget **found_module,
              gboolean            *found_output,
              guint               *found_index)
{
  double best = PORT_HIT_RADIUS;
  gboolean found = FALSE;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      RetortModuleWidget *widget = value;
      graphene_rect_t bounds;

      /* Ports stick out of the card by a few pixels at most. */
      if (!gtk_widget_compute_bounds (GTK_WIDGET (widget), GTK_WIDGET (self), &bounds)
          || sx < bounds.origin.x - PORT_HIT_RADIUS
          || sx > bounds.origin.x + bounds.size.width + PORT_HIT_RADIUS
          || sy < bounds.origin.y - PORT_HIT_RADIUS
          || sy > bounds.origin.y + bounds.size.height + PORT_HIT_RADIUS)
        continue;

      for (int side = 0; side < 2; side++)
        {
          if (output >= 0 && side != output)
            continue;

          for (guint i = 0; i < n_ports (widget, side); i++)
            {
              double px, py, distance;

              if (!port_center (self, retort_module_widget_get_port (widget, side, i), &px, &py))
                continue;
              distance = hypot (px - sx, py - sy);
              if (distance <= best)
                {
                  best = distance;
                  found = TRUE;
                  *found_module = widget;
                  *found_output = side;
                  *found_index = i;
                }
            }
        }
    }

  return found;
}

static RetortModuleWidget *
find_module_at (RetortCanvas *self,
                double        sx,
                double        sy)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self), sx, sy, GTK_PICK_DEFAULT);
  GtkWidget *module = picked != NULL
                      ? gtk_widget_get_ancestor (picked, RETORT_TYPE_MODULE_WIDGET)
                      : NULL;

  return module != NULL ? RETORT_MODULE_WIDGET (module) : NULL;
}

/* The ends of a connection's curve, in canvas units (@canvas_units) or in
 * the widget's coordinates. */
static gboolean
connection_ends (RetortCanvas           *self,
                 const RetortConnection *connection,
                 gboolean                canvas_units,
                 double                 *x1,
                 double                 *y1,
                 double                 *x2,
                 double                 *y2)
{
  GtkWidget *from = g_hash_table_lookup (self->widgets, connection->from_module);
  GtkWidget *to = g_hash_table_lookup (self->widgets, connection->to_module);
  gboolean (*center) (RetortCanvas *, GtkWidget *, double *, double *)
    = canvas_units ? port_canvas_center : port_center;

  return from != NULL && to != NULL
         && center (self, retort_module_widget_get_port (RETORT_MODULE_WIDGET (from),
                                                         TRUE, connection->from_port),
                    x1, y1)
         && center (self, retort_module_widget_get_port (RETORT_MODULE_WIDGET (to),
                                                         FALSE, connection->to_port),
                    x2, y2);
}

static void
bezier_point (double  x1,
              double  y1,
              double  x2,
              double  y2,
              double  bend,
              double  t,
              double *x,
              double *y)
{
  double u = 1 - t;

  /* Control points (x1, y1 + bend) and (x2, y2 - bend). */
  *x = u * u * u * x1 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x2;
  *y = u * u * u * y1 + 3 * u * u * t * (y1 + bend) + 3 * u * t * t * (y2 - bend) + t * t * t * y2;
}

static double
segment_distance (double px,
                  double py,
                  double ax,
                  double ay,
                  double bx,
                  double by)
{
  double dx = bx - ax, dy = by - ay;
  double length2 = dx * dx + dy * dy;
  double t = length2 > 0 ? CLAMP (((px - ax) * dx + (py - ay) * dy) / length2, 0, 1) : 0;

  return hypot (px - (ax + t * dx), py - (ay + t * dy));
}

/* The connection whose curve passes within CURVE_HIT_DISTANCE of the point. */
static const RetortConnection *
find_connection_at (RetortCanvas *self,
                    double        sx,
                    double        sy)
{
  GPtrArray *connections;

  if (self->experiment == NULL)
    return NULL;

  connections = retort_experiment_get_connections (self->experiment);
  for (guint i = 0; i < connections->len; i++)
    {
      const RetortConnection *connection = g_ptr_array_index (connections, i);
      double x1, y1, x2, y2, bend, ax, ay;
      const guint n_steps = 32;

      if (!connection_ends (self, connection, FALSE, &x1, &y1, &x2, &y2)
          || sx < MIN (x1, x2) - CURVE_HIT_DISTANCE || sx > MAX (x1, x2) + CURVE_HIT_DISTANCE)
        continue;

      bend = retort_curve_bend (self->zoom, y1, y2);
      ax = x1;
      ay = y1;
      for (guint step = 1; step <= n_steps; step++)
        {
          double bx, by;

          bezier_point (x1, y1, x2, y2, bend, (double) step / n_steps, &bx, &by);
          if (segment_distance (sx, sy, ax, ay, bx, by) <= CURVE_HIT_DISTANCE)
            return connection;
          ax = bx;
          ay = by;
        }
    }

  return NULL;
}

static gboolean
same_connection (const RetortConnection *a,
                 const RetortConnection *b)
{
  return a != NULL && b != NULL
         && g_str_equal (a->to_module, b->to_module) && a->to_port == b->to_port
         && g_str_equal (a->from_module, b->from_module) && a->from_port == b->from_port;
}

static void
draw_grid (RetortCanvas  *self,
           cairo_t       *cr,
           const GdkRGBA *color,
           int            width,
           int            height)
{
  double step = 2 * RETORT_CANVAS_GRID * self->zoom;
  double size = MAX (1.0, round (2 * self->zoom));

  /* A sparse grid only: at small zooms it would turn into a grey haze.
   * Dots at least 24 pixels apart (every other one when zoomed out). */
  if (step < 12)
    return;
  while (step < 24)
    step *= 2;

  /* Dots on whole pixels, not antialiased: cairo fills a thousand boxes
   * in one pass, where antialiased ones go through its scan converter. */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * 0.12);
  for (double x = fmod (self->pan_x, step) - (self->pan_x < 0 ? 0 : step); x < width; x += step)
    for (double y = fmod (self->pan_y, step) - (self->pan_y < 0 ? 0 : step); y < height; y += step)
      cairo_rectangle (cr, round (x - size / 2), round (y - size / 2), size, size);
  cairo_fill (cr);
}

static void
update_curves (RetortCanvas *self)
{
  GPtrArray *connections = retort_experiment_get_connections (self->experiment);

  if (self->curves_valid && self->curves_drag_dx == self->drag_dx
      && self->curves_drag_dy == self->drag_dy)
    return;

  g_array_set_size (self->curves, 0);
  for (guint i = 0; i < connections->len; i++)
    {
      const RetortConnection *connection = g_ptr_array_index (connections, i);
      RetortCurve curve;

      if (!connection_ends (self, connection, TRUE, &curve.x1, &curve.y1, &curve.x2, &curve.y2))
        continue;
      curve.selected = same_connection (connection, self->selected_connection);
      g_array_append_val (self->curves, curve);
    }
  self->curves_valid = TRUE;
  self->curves_drag_dx = self->drag_dx;
  self->curves_drag_dy = self->drag_dy;
}

/* Every connection's curve, in the widget's coordinates (transfer full). */
static GArray *
collect_curves (RetortCanvas *self)
{
  GArray *curves;

  update_curves (self);
  curves = g_array_sized_new (FALSE, FALSE, sizeof (RetortCurve), self->curves->len);
  g_array_set_size (curves, self->curves->len);
  for (guint i = 0; i < self->curves->len; i++)
    {
      const RetortCurve *from = &g_array_index (self->curves, RetortCurve, i);
      RetortCurve *to = &g_array_index (curves, RetortCurve, i);

      retort_canvas_to_screen (self, from->x1, from->y1, &to->x1, &to->y1);
      retort_canvas_to_screen (self, from->x2, from->y2, &to->x2, &to->y2);
      to->selected = from->selected;
    }

  return curves;
}

/* The connection being drawn by a drag, from its port to the pointer, or
 * to the port it would end on. */
static void
draw_new_connection (RetortCanvas  *self,
                     cairo_t       *cr,
                     const GdkRGBA *accent)
{
  GtkWidget *widget = g_hash_table_lookup (self->widgets, self->connect_module);
  RetortModuleWidget *target;
  gboolean target_output;
  guint target_index;
  double ax, ay, px = self->drag_x, py = self->drag_y;

  if (widget == NULL
      || !port_center (self, retort_module_widget_get_port (RETORT_MODULE_WIDGET (widget),
                                                            self->connect_from_output,
                                                            self->connect_port),
                       &ax, &ay))
    return;

  if (find_port_at (self, px, py, !self->connect_from_output, &target, &target_output, &target_index)
      && gtk_widget_has_css_class (retort_module_widget_get_port (target, target_output, target_index),
                                   "compatible"))
    port_center (self, retort_module_widget_get_port (target, target_output, target_index), &px, &py);

  cairo_set_line_width (cr, 2.5 * self->zoom);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  gdk_cairo_set_source_rgba (cr, accent);
  if (self->connect_from_output)
    retort_curve_path (cr, self->zoom, ax, ay, px, py);
  else
    retort_curve_path (cr, self->zoom, px, py, ax, ay);
  cairo_stroke (cr);
}

static void
draw_rubber_band (RetortCanvas  *self,
                  cairo_t       *cr,
                  const GdkRGBA *accent)
{
  double x = MIN (self->drag_start_x, self->drag_x);
  double y = MIN (self->drag_start_y, self->drag_y);
  double w = fabs (self->drag_x - self->drag_start_x);
  double h = fabs (self->drag_y - self->drag_start_y);

  cairo_rectangle (cr, x + 0.5, y + 0.5, w, h);
  cairo_set_source_rgba (cr, accent->red, accent->green, accent->blue, 0.15);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1);
  cairo_set_source_rgba (cr, accent->red, accent->green, accent->blue, 0.8);
  cairo_stroke (cr);
}

/* Below OVERVIEW_ZOOM the cards' text is too small to read: each card is
 * a plain block with its state's colour on its edge. Hundreds are in view
 * at such zooms, so they are drawn together: the blocks in one fill, each
 * kind of edge in another, on whole pixels and not antialiased (boxes
 * cairo fills in one pass). */
typedef enum
{
  EDGE_PLAIN,
  EDGE_FINISHED,
  EDGE_RUNNING,
  EDGE_FAILED,
  EDGE_SELECTED,
  N_EDGES
} Edge;

typedef struct
{
  Edge            edge;
  graphene_rect_t bounds;
} OverviewCard;

static Edge
card_edge (RetortModuleWidget *child)
{
  if (gtk_widget_has_css_class (GTK_WIDGET (child), "selected"))
    return EDGE_SELECTED;

  switch (retort_module_widget_get_state (child))
    {
    case RETORT_MODULE_STATE_FAILED:
      return EDGE_FAILED;
    case RETORT_MODULE_STATE_RUNNING:
      return EDGE_RUNNING;
    case RETORT_MODULE_STATE_FINISHED:
    case RETORT_MODULE_STATE_CACHED:
      return EDGE_FINISHED;
    case RETORT_MODULE_STATE_NOT_RUN:
    case RETORT_MODULE_STATE_QUEUED:
    case RETORT_MODULE_STATE_CANCELLED:
    default:
      return EDGE_PLAIN;
    }
}

static void
draw_overview (RetortCanvas  *self,
               cairo_t       *cr,
               GArray        *cards,
               const GdkRGBA *accent)
{
  static const int edge_widths[N_EDGES] = { 1, 1, 2, 2, 3 };
  GdkRGBA edge_colors[N_EDGES] = { { 0, 0, 0, 0.15 }, { 0.15, 0.55, 0.33, 1 }, *accent,
                                   { 0.75, 0.11, 0.16, 1 }, *accent };
  static const char * const edge_color_names[N_EDGES] = { "borders", "success_color", NULL,
                                                          "error_color", NULL };
  GtkStyleContext *style;
  GdkRGBA fill = { 1, 1, 1, 1 };

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  style = gtk_widget_get_style_context (GTK_WIDGET (self));
  gtk_style_context_lookup_color (style, "card_bg_color", &fill);
  for (guint edge = 0; edge < N_EDGES; edge++)
    if (edge_color_names[edge] != NULL)
      gtk_style_context_lookup_color (style, edge_color_names[edge], &edge_colors[edge]);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  for (guint i = 0; i < cards->len; i++)
    {
      OverviewCard *card = &g_array_index (cards, OverviewCard, i);

      /* Whole pixels, a block at least 2 × 2. */
      card->bounds.origin.x = round (card->bounds.origin.x);
      card->bounds.origin.y = round (card->bounds.origin.y);
      card->bounds.size.width = MAX (2, round (card->bounds.size.width));
      card->bounds.size.height = MAX (2, round (card->bounds.size.height));
      cairo_rectangle (cr, card->bounds.origin.x, card->bounds.origin.y,
                       card->bounds.size.width, card->bounds.size.height);
    }
  gdk_cairo_set_source_rgba (cr, &fill);
  cairo_fill (cr);

  for (guint edge = 0; edge < N_EDGES; edge++)
    {
      gboolean any = FALSE;

      for (guint i = 0; i < cards->len; i++)
        {
          const OverviewCard *card = &g_array_index (cards, OverviewCard, i);
          double x = card->bounds.origin.x, y = card->bounds.origin.y;
          double w = card->bounds.size.width, h = card->bounds.size.height;
          double e = MIN (edge_widths[edge], MIN (w, h) / 2);

          if (card->edge != edge)
            continue;
          /* Top, bottom, then the sides between them. */
          cairo_rectangle (cr, x, y, w, e);
          cairo_rectangle (cr, x, y + h - e, w, e);
          cairo_rectangle (cr, x, y + e, e, h - 2 * e);
          cairo_rectangle (cr, x + w - e, y + e, e, h - 2 * e);
          any = TRUE;
        }
      if (any)
        {
          gdk_cairo_set_source_rgba (cr, &edge_colors[edge]);
          cairo_fill (cr);
        }
    }
}

static gboolean
redraw_cb (gpointer user_data)
{
  RetortCanvas *self = user_data;

  self->redraw_source = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

static gboolean
uses_cairo_renderer (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);

  return native != NULL && GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (native));
}

static void
retort_canvas_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  RetortCanvas *self = RETORT_CANVAS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GtkStyleContext *style;
  GdkRGBA color;
  GdkRGBA accent;
  GdkRGBA card_color;
  GdkRGBA placeholder_edge;
  gboolean cache_cards;
  gint64 zoom_age = g_get_monotonic_time () - self->zoomed_at;
  gboolean zooming = zoom_age < ZOOM_SETTLE_US;
  gboolean incomplete = FALSE;
  g_autoptr(GArray) overview = g_array_new (FALSE, FALSE, sizeof (OverviewCard));
  cairo_t *cr;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  style = gtk_widget_get_style_context (widget);
  gtk_style_context_get_color (style, &color);
  if (!gtk_style_context_lookup_color (style, "accent_color", &accent))
    accent = (GdkRGBA) { 0.21, 0.52, 0.89, 1.0 };
  G_GNUC_END_IGNORE_DEPRECATIONS

  /* The grid, the curves and the cards' images go into one cairo node:
   * the cairo renderer replays each such node into an image of its own
   * size before compositing it. */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_save (cr);
  draw_grid (self, cr, &color, width, height);
  cairo_restore (cr);

  if (self->experiment != NULL)
    {
      g_autoptr(GArray) curves = collect_curves (self);

      incomplete |= retort_connection_layer_draw (self->connection_layer, cr,
                                                  (const RetortCurve *) curves->data, curves->len,
                                                  self->pan_x, self->pan_y, self->zoom, zooming,
                                                  width, height, gtk_widget_get_scale_factor (widget),
                                                  &color, &accent);
    }

  /* Cards go over the curves, which end under their port dots; only the
   * ones in view (a large experiment has hundreds off screen). The cairo
   * renderer draws them from images of them. */
  cache_cards = self->zoom >= OVERVIEW_ZOOM && uses_cairo_renderer (widget);
  if (cache_cards)
    {
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      if (!gtk_style_context_lookup_color (style, "card_bg_color", &card_color))
        card_color = (GdkRGBA) { 1, 1, 1, 1 };
      if (!gtk_style_context_lookup_color (style, "borders", &placeholder_edge))
        placeholder_edge = (GdkRGBA) { 0, 0, 0, 0.15 };
      G_GNUC_END_IGNORE_DEPRECATIONS
      retort_card_cache_begin (self->card_cache, snapshot, cr, width, height,
                               gtk_widget_get_scale_factor (widget), zooming);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      graphene_rect_t bounds;

      if (RETORT_IS_MODULE_WIDGET (child)
          && gtk_widget_compute_bounds (child, widget, &bounds)
          && (bounds.origin.x > width + PORT_HIT_RADIUS
              || bounds.origin.y > height + PORT_HIT_RADIUS
              || bounds.origin.x + bounds.size.width < -PORT_HIT_RADIUS
              || bounds.origin.y + bounds.size.height < -PORT_HIT_RADIUS))
        continue;

      if (RETORT_IS_MODULE_WIDGET (child) && self->zoom < OVERVIEW_ZOOM)
        {
          OverviewCard card = { card_edge (RETORT_MODULE_WIDGET (child)), bounds };

          g_array_append_val (overview, card);
        }
      else if (cache_cards)
        retort_card_cache_draw (self->card_cache, widget, child, &card_color, &placeholder_edge);
      else
        gtk_widget_snapshot_child (widget, child, snapshot);
    }
  /* Blocks of the overview: no node comes between them and the curves. */
  if (overview->len > 0)
    draw_overview (self, cr, overview, &accent);
  cairo_destroy (cr);
  if (cache_cards)
    incomplete |= retort_card_cache_end (self->card_cache);

  /* Some cards or the connections were shown from old images: the next
   * frame goes on, once the zoom has settled. */
  if (incomplete)
    {
      if (zooming)
        {
          g_clear_handle_id (&self->redraw_source, g_source_remove);
          self->redraw_source = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE,
                                                    (ZOOM_SETTLE_US - zoom_age) / 1000 + 1,
                                                    redraw_cb, self, NULL);
        }
      else if (self->redraw_source == 0)
        self->redraw_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, redraw_cb, self, NULL);
    }

  if (self->drag_mode == DRAG_CONNECT || self->drag_mode == DRAG_RUBBER_BAND)
    {
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      if (self->drag_mode == DRAG_CONNECT)
        draw_new_connection (self, cr, &accent);
      else
        draw_rubber_band (self, cr, &accent);
      cairo_destroy (cr);
    }
}

/* Selection */

static void
selection_changed (RetortCanvas *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gboolean selected = g_hash_table_contains (self->selection, key);

      if (selected)
        gtk_widget_add_css_class (value, "selected");
      else
        gtk_widget_remove_css_class (value, "selected");
      gtk_accessible_update_state (GTK_ACCESSIBLE (value),
                                   GTK_ACCESSIBLE_STATE_SELECTED, selected,
                                   -1);
    }

  invalidate_curves (self);
  retort_canvas_update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

static void
clear_selection (RetortCanvas *self)
{
  g_hash_table_remove_all (self->selection);
  g_clear_pointer (&self->selected_connection, retort_connection_free);
  invalidate_curves (self);
}

void
retort_canvas_select_module (RetortCanvas *self,
                             const char   *module_id,
                             gboolean      extend)
{
  g_return_if_fail (RETORT_IS_CANVAS (self));
  g_return_if_fail (module_id != NULL);

  if (!g_hash_table_contains (self->widgets, module_id))
    return;

  if (!extend)
    clear_selection (self);
  g_clear_pointer (&self->selected_connection, retort_connection_free);
  g_hash_table_add (self->selection, g_strdup (module_id));
  selection_changed (self);
}

void
retort_canvas_select_all (RetortCanvas *self)
{
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (RETORT_IS_CANVAS (self));

  clear_selection (self);
  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (self->selection, g_strdup (key));
  selection_changed (self);
}

void
retort_canvas_unselect_all (RetortCanvas *self)
{
  g_return_if_fail (RETORT_IS_CANVAS (self));

  if (g_hash_table_size (self->selection) == 0 && self->selected_connection == NULL)
    return;

  clear_selection (self);
  selection_changed (self);
}

GPtrArray *
retort_canvas_get_selection (RetortCanvas *self)
{
  GPtrArray *ids = g_ptr_array_new ();

  g_return_val_if_fail (RETORT_IS_CANVAS (self), ids);

  if (self->experiment == NULL)
    return ids;

  for (guint i = 0; i < retort_experiment_get_n_modules (self->experiment); i++)
    {
      const char *id = retort_module_get_id (retort_experiment_get_module (self->experiment, i));

      if (g_hash_table_contains (self->selection, id))
        g_ptr_array_add (ids, (gpointer) id);
    }

  return ids;
}

RetortModule *
retort_canvas_get_selected_module (RetortCanvas *self)
{
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (RETORT_IS_CANVAS (self), NULL);

  if (g_hash_table_size (self->selection) != 1 || self->experiment == NULL)
    return NULL;

  g_hash_table_iter_init (&iter, self->selection);
  g_hash_table_iter_next (&iter, &key, NULL);
  return retort_experiment_find_module (self->experiment, key);
}

const RetortConnection *
retort_canvas_get_selected_connection (RetortCanvas *self)
{
  g_return_val_if_fail (RETORT_IS_CANVAS (self), NULL);

  return self->selected_connection;
}

void
retort_canvas_select_connection (RetortCanvas           *self,
                                 const RetortConnection *connection)
{
  g_return_if_fail (RETORT_IS_CANVAS (self));

  clear_selection (self);
  if (connection != NULL)
    self->selected_connection = retort_connection_copy (connection);
  selection_changed (self);
}

/* The selected modules' ids as a NULL-terminated array (transfer container). */
static const char **
selected_ids (RetortCanvas *self)
{
  GPtrArray *ids = retort_canvas_get_selection (self);

  g_ptr_array_add (ids, NULL);
  return (const char **) g_ptr_array_free (ids, FALSE);
}

/* Following the experiment and the scheduler */

static void
module_moved_cb (RetortCanvas *self)
{
  invalidate_curves (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
state_changed_cb (RetortCanvas    *self,
                  const char      *module_id,
                  int              state,
                  RetortScheduler *scheduler)
{
  GtkWidget *widget = g_hash_table_lookup (self->widgets, module_id);
  const GError *error;

  if (widget == NULL)
    return;

  error = retort_scheduler_get_error (scheduler, module_id);
  retort_module_widget_set_state (RETORT_MODULE_WIDGET (widget), state,
                                  error != NULL ? error->message : NULL);
}

/* Keyboard focus on a card selects it, so Tab walks through the modules. */
static void
module_focus_enter_cb (RetortCanvas             *self,
                       GtkEventControllerFocus  *controller)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  RetortModule *module = retort_module_widget_get_module (RETORT_MODULE_WIDGET (widget));

  if (self->drag_mode == DRAG_NONE
      && !g_hash_table_contains (self->selection, retort_module_get_id (module)))
    retort_canvas_select_module (self, retort_module_get_id (module), FALSE);
}

static void
module_added_cb (RetortCanvas     *self,
                 RetortModule     *module,
                 RetortExperiment *experiment)
{
  GtkWidget *widget = retort_module_widget_new (module);
  GtkEventController *focus = gtk_event_controller_focus_new ();
  const char *id = retort_module_get_id (module);

  g_hash_table_replace (self->widgets, g_strdup (id), widget);
  invalidate_curves (self);
  gtk_widget_set_focusable (widget, TRUE);
  g_signal_connect_object (focus, "enter", G_CALLBACK (module_focus_enter_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (widget, focus);
  gtk_widget_set_parent (widget, GTK_WIDGET (self));
  g_signal_connect_object (module, "notify::x", G_CALLBACK (module_moved_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (module, "notify::y", G_CALLBACK (module_moved_cb), self,
                           G_CONNECT_SWAPPED);
  if (self->scheduler != NULL)
    state_changed_cb (self, id, retort_scheduler_get_state (self->scheduler, id), self->scheduler);
}

static void retort_canvas_cancel_drag (RetortCanvas *self);

static void
module_removed_cb (RetortCanvas     *self,
                   RetortModule     *module,
                   RetortExperiment *experiment)
{
  const char *id = retort_module_get_id (module);
  GtkWidget *widget = g_hash_table_lookup (self->widgets, id);

  if (widget == NULL)
    return;

  if (widget == GTK_WIDGET (self->grabbed) || g_strcmp0 (id, self->connect_module) == 0)
    retort_canvas_cancel_drag (self);
  g_signal_handlers_disconnect_by_data (module, self);
  gtk_widget_unparent (widget);
  g_hash_table_remove (self->widgets, id);
  invalidate_curves (self);
  if (g_hash_table_remove (self->selection, id))
    selection_changed (self);
}

static void
connection_added_cb (RetortCanvas *self)
{
  invalidate_curves (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
connection_removed_cb (RetortCanvas     *self,
                       RetortConnection *connection)
{
  invalidate_curves (self);
  if (same_connection (connection, self->selected_connection))
    {
      g_clear_pointer (&self->selected_connection, retort_connection_free);
      selection_changed (self);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
retort_canvas_clear (RetortCanvas *self)
{
  GHashTableIter iter;
  gpointer value;

  retort_canvas_cancel_drag (self);
  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_signal_handlers_disconnect_by_data (retort_module_widget_get_module (value), self);
      gtk_widget_unparent (value);
      g_hash_table_iter_remove (&iter);
    }
  clear_selection (self);
}

void
retort_canvas_set_experiment (RetortCanvas     *self,
                              RetortExperiment *experiment)
{
  g_return_if_fail (RETORT_IS_CANVAS (self));
  g_return_if_fail (experiment == NULL || RETORT_IS_EXPERIMENT (experiment));

  if (self->experiment == experiment)
    return;

  retort_canvas_clear (self);
  if (self->experiment != NULL)
    g_signal_handlers_disconnect_by_data (self->experiment, self);
  g_set_object (&self->experiment, experiment);

  if (experiment != NULL)
    {
      g_signal_connect_object (experiment, "module-added", G_CALLBACK (module_added_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (experiment, "module-removed", G_CALLBACK (module_removed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (experiment, "connection-added",
                               G_CALLBACK (connection_added_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (experiment, "connection-removed",
                               G_CALLBACK (connection_removed_cb), self, G_CONNECT_SWAPPED);
      for (guint i = 0; i < retort_experiment_get_n_modules (experiment); i++)
        module_added_cb (self, retort_experiment_get_module (experiment, i), experiment);
    }

  self->zoom = 1.0;
  self->needs_centering = TRUE;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  selection_changed (self);
}

RetortExperiment *
retort_canvas_get_experiment (RetortCanvas *self)
{
  g_return_val_if_fail (RETORT_IS_CANVAS (self), NULL);

  return self->experiment;
}

RetortScheduler *
retort_canvas_get_scheduler (RetortCanvas *self)
{
  g_return_val_if_fail (RETORT_IS_CANVAS (self), NULL);

  return self->scheduler;
}

void
retort_canvas_set_scheduler (RetortCanvas    *self,
                             RetortScheduler *scheduler)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (RETORT_IS_CANVAS (self));
  g_return_if_fail (scheduler == NULL || RETORT_IS_SCHEDULER (scheduler));

  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  g_set_object (&self->scheduler, scheduler);

  if (scheduler != NULL)
    g_signal_connect_object (scheduler, "state-changed", G_CALLBACK (state_changed_cb), self,
                             G_CONNECT_SWAPPED);

  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (scheduler != NULL)
        state_changed_cb (self, key, retort_scheduler_get_state (scheduler, key), scheduler);
      else
        retort_module_widget_set_state (value, RETORT_MODULE_STATE_NOT_RUN, NULL);
    }
}

GtkWidget *
retort_canvas_get_module_widget (RetortCanvas *self,
                                 const char   *module_id)
{
  g_return_val_if_fail (RETORT_IS_CANVAS (self), NULL);

  return g_hash_table_lookup (self->widgets, module_id);
}

/* Zoom and pan */

double
retort_canvas_get_zoom (RetortCanvas *self)
{
  g_return_val_if_fail (RETORT_IS_CANVAS (self), 1.0);

  return self->zoom;
}

/* Zooms keeping the canvas point under (@sx, @sy) where it is. */
static void
zoom_at (RetortCanvas *self,
         double        zoom,
         double        sx,
         double        sy)
{
  double x, y;

  zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  retort_canvas_from_screen (self, sx, sy, &x, &y);
  self->zoom = zoom;
  self->pan_x = round (sx - x * zoom);
  self->pan_y = round (sy - y * zoom);
  self->zoomed_at = g_get_monotonic_time ();
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

void
retort_canvas_set_zoom (RetortCanvas *self,
                        double        zoom)
{
  g_return_if_fail (RETORT_IS_CANVAS (self));

  zoom_at (self, zoom,
           gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
           gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
retort_canvas_pan_by (RetortCanvas *self,
                      double        dx,
                      double        dy)
{
  g_return_if_fail (RETORT_IS_CANVAS (self));

  self->pan_x += dx;
  self->pan_y += dy;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

void
retort_canvas_zoom_to_fit (RetortCanvas *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  graphene_rect_t bounds;
  double zoom;

  g_return_if_fail (RETORT_IS_CANVAS (self));

  if (!modules_bounds (self, &bounds) || width <= 0 || height <= 0)
    return;

  /* Never larger than life: a small experiment stays at 100 %. */
  zoom = MIN ((width - 2 * FIT_MARGIN) / bounds.size.width,
              (height - 2 * FIT_MARGIN) / bounds.size.height);
  self->zoom = CLAMP (zoom, MIN_ZOOM, 1.0);
  self->pan_x = round ((width - bounds.size.width * self->zoom) / 2 - bounds.origin.x * self->zoom);
  self->pan_y = round ((height - bounds.size.height * self->zoom) / 2 - bounds.origin.y * self->zoom);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
pan_begin_cb (RetortCanvas   *self,
              double          x,
              double          y,
              GtkGestureDrag *gesture)
{
  self->pan_start_x = self->pan_x;
  self->pan_start_y = self->pan_y;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
pan_update_cb (RetortCanvas   *self,
               double          dx,
               double          dy,
               GtkGestureDrag *gesture)
{
  /* Whole pixels: the connection layer is reused at an offset. */
  self->pan_x = round (self->pan_start_x + dx);
  self->pan_y = round (self->pan_start_y + dy);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
pan_end_cb (RetortCanvas   *self,
            double          dx,
            double          dy,
            GtkGestureDrag *gesture)
{
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static void
pinch_begin_cb (RetortCanvas *self)
{
  self->pinch_start_zoom = self->zoom;
}

static void
pinch_scale_changed_cb (RetortCanvas   *self,
                        double          scale,
                        GtkGestureZoom *gesture)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    {
      x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
  zoom_at (self, self->pinch_start_zoom * scale, x, y);
}

static void
pointer_motion_cb (RetortCanvas             *self,
                   double                    x,
                   double                    y,
                   GtkEventControllerMotion *controller)
{
  self->has_pointer = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
}

static void
pointer_leave_cb (RetortCanvas *self)
{
  self->has_pointer = FALSE;
}

static gboolean
scroll_cb (RetortCanvas             *self,
           double                    dx,
           double                    dy,
           GtkEventControllerScroll *controller)
{
  GdkModifierType state =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (state & GDK_CONTROL_MASK)
    {
      double sx = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      double sy = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;

      /* Zoom about the pointer; scroll events may carry no position. */
      if (self->has_pointer)
        {
          sx = self->pointer_x;
          sy = self->pointer_y;
        }
      zoom_at (self, self->zoom * pow (ZOOM_FACTOR, -dy), sx, sy);
      return GDK_EVENT_STOP;
    }

  /* Shift turns a vertical wheel into a horizontal one. */
  if ((state & GDK_SHIFT_MASK) && dx == 0)
    {
      dx = dy;
      dy = 0;
    }
  retort_canvas_pan_by (self, -dx * SCROLL_STEP, -dy * SCROLL_STEP);
  return GDK_EVENT_STOP;
}

/* The primary button: select, move, connect, rubber band, space-pan */

static double
snap (double value)
{
  return round (value / RETORT_CANVAS_GRID) * RETORT_CANVAS_GRID;
}

static void
unmark_ports (RetortCanvas *self)
{
  for (guint i = 0; i < self->marked_ports->len; i++)
    {
      GtkWidget *port = g_ptr_array_index (self->marked_ports, i);

      gtk_widget_remove_css_class (port, "compatible");
      gtk_widget_remove_css_class (port, "incompatible");
    }
  g_ptr_array_set_size (self->marked_ports, 0);
  gtk_widget_remove_css_class (GTK_WIDGET (self), "connecting");
}

static gboolean
can_connect (RetortCanvas *self,
             const char   *module_id,
             guint         port)
{
  if (self->connect_from_output)
    return retort_experiment_can_connect (self->experiment, self->connect_module,
                                          self->connect_port, module_id, port, NULL);
  else
    return retort_experiment_can_connect (self->experiment, module_id, port,
                                          self->connect_module, self->connect_port, NULL);
}

/* Shows which ports the new connection may end on and which refuse it. */
static void
mark_ports (RetortCanvas *self)
{
  GHashTableIter iter;
  gpointer key, value;

  gtk_widget_add_css_class (GTK_WIDGET (self), "connecting");
  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gboolean side = !self->connect_from_output;

      for (guint i = 0; i < n_ports (value, side); i++)
        {
          GtkWidget *port = retort_module_widget_get_port (value, side, i);

          gtk_widget_add_css_class (port, can_connect (self, key, i) ? "compatible" : "incompatible");
          g_ptr_array_add (self->marked_ports, g_object_ref (port));
        }
    }
}

static void
begin_connect (RetortCanvas       *self,
               RetortModuleWidget *widget,
               gboolean            output,
               guint               index)
{
  RetortModule *module = retort_module_widget_get_module (widget);
  const RetortConnection *existing = NULL;

  if (!output)
    existing = retort_experiment_find_source (self->experiment, retort_module_get_id (module), index);

  if (existing != NULL)
    {
      /* Grabbing a connected input takes the connection off it, to end
       * somewhere else or nowhere: one undo step either way. */
      g_autoptr(RetortConnection) taken = retort_connection_copy (existing);

      retort_experiment_begin_group (self->experiment, _("Change Connection"));
      self->reconnecting = TRUE;
      retort_experiment_disconnect (self->experiment, taken->to_module, taken->to_port, NULL);
      self->connect_module = g_strdup (taken->from_module);
      self->connect_port = taken->from_port;
      self->connect_from_output = TRUE;
    }
  else
    {
      self->connect_module = g_strdup (retort_module_get_id (module));
      self->connect_port = index;
      self->connect_from_output = output;
    }

  self->drag_mode = DRAG_CONNECT;
  mark_ports (self);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
}

/* Where a connection dragged to (@sx, @sy) ends: the compatible port under
 * the pointer or, over a card, its first compatible port. */
static gboolean
connect_target (RetortCanvas        *self,
                double               sx,
                double               sy,
                RetortModuleWidget **target,
                guint               *index)
{
  gboolean side = !self->connect_from_output;
  gboolean output;

  if (find_port_at (self, sx, sy, side, target, &output, index))
    return gtk_widget_has_css_class (retort_module_widget_get_port (*target, side, *index),
                                     "compatible");

  *target = find_module_at (self, sx, sy);
  if (*target == NULL)
    return FALSE;

  for (guint i = 0; i < n_ports (*target, side); i++)
    if (gtk_widget_has_css_class (retort_module_widget_get_port (*target, side, i), "compatible"))
      {
        *index = i;
        return TRUE;
      }

  return FALSE;
}

static void
end_connect (RetortCanvas *self,
             gboolean      commit)
{
  RetortModuleWidget *target = NULL;
  guint index = 0;

  if (commit && connect_target (self, self->drag_x, self->drag_y, &target, &index))
    {
      const char *target_id = retort_module_get_id (retort_module_widget_get_module (target));
      g_autoptr(GError) error = NULL;
      gboolean connected;

      if (self->connect_from_output)
        connected = retort_experiment_connect (self->experiment, self->connect_module,
                                               self->connect_port, target_id, index, &error);
      else
        connected = retort_experiment_connect (self->experiment, target_id, index,
                                               self->connect_module, self->connect_port, &error);
      if (!connected)
        g_warning ("Could not connect: %s", error->message);
    }

  if (self->reconnecting)
    {
      retort_experiment_end_group (self->experiment);
      self->reconnecting = FALSE;
      /* Cancelled: the connection goes back where it was. */
      if (!commit)
        retort_experiment_undo (self->experiment);
    }

  unmark_ports (self);
  g_clear_pointer (&self->connect_module, g_free);
}

/* Selects what the band touches, added to what was selected before when
 * the band was started with Shift or Ctrl. */
static void
update_rubber_band (RetortCanvas *self)
{
  graphene_rect_t band;
  GHashTableIter iter;
  gpointer key, value;

  graphene_rect_init (&band,
                      MIN (self->drag_start_x, self->drag_x), MIN (self->drag_start_y, self->drag_y),
                      fabs (self->drag_x - self->drag_start_x), fabs (self->drag_y - self->drag_start_y));

  g_hash_table_remove_all (self->selection);
  if (self->band_base != NULL)
    {
      g_hash_table_iter_init (&iter, self->band_base);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (self->selection, g_strdup (key));
    }

  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      graphene_rect_t bounds;

      if (gtk_widget_compute_bounds (value, GTK_WIDGET (self), &bounds)
          && graphene_rect_intersection (&band, &bounds, NULL))
        g_hash_table_add (self->selection, g_strdup (key));
    }

  selection_changed (self);
}

static void
drag_begin_cb (RetortCanvas   *self,
               double          x,
               double          y,
               GtkGestureDrag *gesture)
{
  GdkModifierType state =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  gboolean extend = (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) != 0;
  RetortModuleWidget *widget;
  const RetortConnection *connection;
  gboolean output;
  guint index;

  self->drag_start_x = self->drag_x = x;
  self->drag_start_y = self->drag_y = y;
  self->select_only_on_release = FALSE;

  if (self->experiment == NULL)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  if (self->space_held)
    {
      self->drag_mode = DRAG_PAN;
      pan_begin_cb (self, x, y, gesture);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      return;
    }

  if (find_port_at (self, x, y, -1, &widget, &output, &index))
    {
      begin_connect (self, widget, output, index);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }

  widget = find_module_at (self, x, y);
  if (widget != NULL)
    {
      const char *id = retort_module_get_id (retort_module_widget_get_module (widget));
      gboolean selected = g_hash_table_contains (self->selection, id);

      if (state & GDK_CONTROL_MASK && selected)
        {
          /* Ctrl-click takes a module out of the selection. */
          g_hash_table_remove (self->selection, id);
          selection_changed (self);
          gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
          return;
        }

      if (!selected)
        retort_canvas_select_module (self, id, extend);
      else if (!extend && g_hash_table_size (self->selection) > 1)
        self->select_only_on_release = TRUE;

      self->drag_mode = DRAG_MOVE;
      self->grabbed = widget;
      self->drag_dx = self->drag_dy = 0;
      gtk_widget_grab_focus (GTK_WIDGET (widget));
      return;
    }

  connection = find_connection_at (self, x, y);
  if (connection != NULL)
    {
      retort_canvas_select_connection (self, connection);
      gtk_widget_grab_focus (GTK_WIDGET (self));
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  /* Empty canvas: a click clears the selection, a drag draws a band. */
  gtk_widget_grab_focus (GTK_WIDGET (self));
  g_clear_pointer (&self->band_base, g_hash_table_unref);
  if (extend)
    {
      GHashTableIter iter;
      gpointer key;

      self->band_base = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_iter_init (&iter, self->selection);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (self->band_base, g_strdup (key));
    }
  else
    retort_canvas_unselect_all (self);
  self->drag_mode = DRAG_RUBBER_BAND;
}

static void
drag_update_cb (RetortCanvas   *self,
                double          dx,
                double          dy,
                GtkGestureDrag *gesture)
{
  GdkEventSequence *sequence = gtk_gesture_single_get_current_sequence (GTK_GESTURE_SINGLE (gesture));

  self->drag_x = self->drag_start_x + dx;
  self->drag_y = self->drag_start_y + dy;

  /* Past the threshold a press is a drag, not a click. */
  if (gtk_gesture_get_sequence_state (GTK_GESTURE (gesture), sequence) != GTK_EVENT_SEQUENCE_CLAIMED)
    {
      if (hypot (dx, dy) <= 4)
        return;
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      self->select_only_on_release = FALSE;
      if (self->drag_mode == DRAG_MOVE)
        gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
    }

  switch (self->drag_mode)
    {
    case DRAG_MOVE:
      {
        /* Snapped while dragging, so the cards land where they are seen;
         * the grabbed card snaps and the others keep their places to it. */
        RetortModule *module = retort_module_widget_get_module (self->grabbed);

        self->drag_dx = snap (retort_module_get_x (module) + dx / self->zoom) - retort_module_get_x (module);
        self->drag_dy = snap (retort_module_get_y (module) + dy / self->zoom) - retort_module_get_y (module);
        gtk_widget_queue_allocate (GTK_WIDGET (self));
      }
      break;

    case DRAG_PAN:
      pan_update_cb (self, dx, dy, gesture);
      break;

    case DRAG_RUBBER_BAND:
      update_rubber_band (self);
      break;

    case DRAG_CONNECT:
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;

    case DRAG_NONE:
    default:
      break;
    }
}

static void
end_move (RetortCanvas *self,
          gboolean      commit)
{
  g_autofree const char **ids = selected_ids (self);
  double dx = self->drag_dx;
  double dy = self->drag_dy;

  self->drag_dx = self->drag_dy = 0;
  self->grabbed = NULL;

  if (!commit || (dx == 0 && dy == 0))
    return;

  retort_experiment_begin_group (self->experiment,
                                 g_strv_length ((char **) ids) > 1 ? _("Move Modules") : _("Move Module"));
  for (guint i = 0; ids[i] != NULL; i++)
    {
      RetortModule *module = retort_experiment_find_module (self->experiment, ids[i]);
      g_autoptr(GError) error = NULL;

      if (!retort_experiment_move_module (self->experiment, ids[i],
                                          retort_module_get_x (module) + dx,
                                          retort_module_get_y (module) + dy, &error))
        g_warning ("Could not move %s: %s", ids[i], error->message);
    }
  retort_experiment_end_group (self->experiment);
}

static void
finish_drag (RetortCanvas *self,
             gboolean      commit)
{
  DragMode mode = self->drag_mode;

  /* Back to normal before the edits, whose signals redraw the canvas. */
  self->drag_mode = DRAG_NONE;
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);

  switch (mode)
    {
    case DRAG_MOVE:
      /* drag_mode is NONE: the cards would jump back while the model moves them. */
      self->drag_mode = DRAG_MOVE;
      end_move (self, commit);
      self->drag_mode = DRAG_NONE;
      break;

    case DRAG_CONNECT:
      end_connect (self, commit);
      break;

    case DRAG_RUBBER_BAND:
      g_clear_pointer (&self->band_base, g_hash_table_unref);
      break;

    case DRAG_PAN:
    case DRAG_NONE:
    default:
      break;
    }

  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
retort_canvas_cancel_drag (RetortCanvas *self)
{
  if (self->drag_mode != DRAG_NONE)
    finish_drag (self, FALSE);
}

static void
drag_end_cb (RetortCanvas   *self,
             double          dx,
             double          dy,
             GtkGestureDrag *gesture)
{
  if (self->drag_mode == DRAG_NONE)
    return;

  self->drag_x = self->drag_start_x + dx;
  self->drag_y = self->drag_start_y + dy;

  if (self->select_only_on_release && self->grabbed != NULL)
    {
      const char *id = retort_module_get_id (retort_module_widget_get_module (self->grabbed));

      finish_drag (self, TRUE);
      retort_canvas_select_module (self, id, FALSE);
      return;
    }

  finish_drag (self, TRUE);
}

static void
drag_cancel_cb (RetortCanvas *self)
{
  retort_canvas_cancel_drag (self);
}

static void
click_pressed_cb (RetortCanvas    *self,
                  int              n_press,
                  double           x,
                  double           y,
                  GtkGestureClick *gesture)
{
  RetortModuleWidget *widget;

  if (n_press != 2)
    return;

  widget = find_module_at (self, x, y);
  if (widget != NULL)
    g_signal_emit (self, signals[SIGNAL_MODULE_ACTIVATED], 0,
                   retort_module_widget_get_module (widget));
}

/* Context menus */

static GMenuModel *
build_context_menu (gboolean on_module,
                    gboolean on_connection)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) edit = g_menu_new ();
  g_autoptr(GMenu) view = g_menu_new ();

  if (on_connection)
    {
      g_menu_append (edit, _("_Delete Connection"), "canvas.delete");
      g_menu_append_section (menu, NULL, G_MENU_MODEL (edit));
      return G_MENU_MODEL (menu);
    }

  if (on_module)
    {
      g_autoptr(GMenu) run = g_menu_new ();

      g_autoptr(GMenuItem) edit_script = g_menu_item_new (_("_Edit Script"), "win.edit-script");

      /* Only Python modules have a script. */
      g_menu_item_set_attribute (edit_script, "hidden-when", "s", "action-disabled");
      g_menu_append_item (run, edit_script);
      g_menu_append (run, _("_Run Selected"), "win.run-selected");
      g_menu_append_section (menu, NULL, G_MENU_MODEL (run));
      g_menu_append (edit, _("Cu_t"), "canvas.cut");
      g_menu_append (edit, _("_Copy"), "canvas.copy");
      g_menu_append (edit, _("D_uplicate"), "canvas.duplicate");
      g_menu_append (edit, _("_Delete"), "canvas.delete");
    }
  else
    {
      g_menu_append (edit, _("_Paste"), "canvas.paste");
      g_menu_append (edit, _("Select _All"), "canvas.select-all");
      g_menu_append (view, _("Zoom to _Fit"), "canvas.zoom-fit");
      g_menu_append (view, _("_Original Size"), "canvas.zoom-reset");
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (edit));
  if (!on_module)
    g_menu_append_section (menu, NULL, G_MENU_MODEL (view));

  return G_MENU_MODEL (menu);
}

static void
popup_menu_at (RetortCanvas *self,
               double        x,
               double        y)
{
  RetortModuleWidget *widget = find_module_at (self, x, y);
  const RetortConnection *connection = widget == NULL ? find_connection_at (self, x, y) : NULL;
  g_autoptr(GMenuModel) model = NULL;

  if (self->experiment == NULL)
    return;

  if (widget != NULL)
    {
      const char *id = retort_module_get_id (retort_module_widget_get_module (widget));

      if (!g_hash_table_contains (self->selection, id))
        retort_canvas_select_module (self, id, FALSE);
    }
  else if (connection != NULL)
    retort_canvas_select_connection (self, connection);

  model = build_context_menu (widget != NULL, connection != NULL);
  if (self->context_menu == NULL)
    {
      self->context_menu = gtk_popover_menu_new_from_model (NULL);
      gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
      gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
      gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));
    }
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->context_menu), model);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
secondary_pressed_cb (RetortCanvas    *self,
                      int              n_press,
                      double           x,
                      double           y,
                      GtkGestureClick *gesture)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_menu_at (self, x, y);
}

/* Edits of the selection */

static void
delete_selection (RetortCanvas *self)
{
  g_autofree const char **ids = selected_ids (self);

  if (self->experiment == NULL)
    return;

  if (self->selected_connection != NULL)
    {
      g_autoptr(RetortConnection) connection = retort_connection_copy (self->selected_connection);

      retort_experiment_disconnect (self->experiment, connection->to_module, connection->to_port, NULL);
      return;
    }

  if (ids[0] == NULL)
    return;

  retort_experiment_begin_group (self->experiment,
                                 ids[1] != NULL ? _("Delete Modules") : _("Delete Module"));
  for (guint i = 0; ids[i] != NULL; i++)
    retort_experiment_remove_module (self->experiment, ids[i], NULL);
  retort_experiment_end_group (self->experiment);
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
select_pasted (RetortCanvas *self,
               GPtrArray    *ids)
{
  clear_selection (self);
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_add (self->selection, g_strdup (g_ptr_array_index (ids, i)));
  selection_changed (self);
}

/* Pastes modules serialized by retort_module_clipboard_serialize(): under
 * the pointer when it is over the canvas, else next to where they came from. */
static gboolean
paste_json (RetortCanvas  *self,
            const char    *json,
            gboolean       at_pointer,
            GError       **error)
{
  g_autoptr(GPtrArray) ids = NULL;
  double dx = PASTE_OFFSET, dy = PASTE_OFFSET;

  if (at_pointer && self->has_pointer)
    {
      g_autoptr(JsonNode) root = json_from_string (json, NULL);
      JsonArray *modules = NULL;
      double x1 = G_MAXDOUBLE, y1 = G_MAXDOUBLE, px, py;

      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root)
          && json_object_has_member (json_node_get_object (root), "modules")
          && JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "modules")))
        modules = json_object_get_array_member (json_node_get_object (root), "modules");
      for (guint i = 0; modules != NULL && i < json_array_get_length (modules); i++)
        {
          JsonNode *node = json_array_get_element (modules, i);

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          x1 = MIN (x1, json_object_get_double_member_with_default (json_node_get_object (node), "x", 0));
          y1 = MIN (y1, json_object_get_double_member_with_default (json_node_get_object (node), "y", 0));
        }
      if (x1 != G_MAXDOUBLE)
        {
          retort_canvas_from_screen (self, self->pointer_x, self->pointer_y, &px, &py);
          dx = snap (px - x1);
          dy = snap (py - y1);
        }
    }

  ids = retort_module_clipboard_paste (self->experiment, json, dx, dy, error);
  if (ids == NULL)
    return FALSE;

  select_pasted (self, ids);
  return TRUE;
}

static void
copy_selection (RetortCanvas *self)
{
  g_autofree const char **ids = selected_ids (self);
  g_autofree char *json = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkContentProvider) provider = NULL;
  gsize length;

  if (self->experiment == NULL || ids[0] == NULL)
    return;

  json = retort_module_clipboard_serialize (self->experiment, ids);
  length = strlen (json);
  bytes = g_bytes_new_take (g_steal_pointer (&json), length);
  provider = gdk_content_provider_new_for_bytes (RETORT_MODULE_CLIPBOARD_MIME_TYPE, bytes);
  gdk_clipboard_set_content (gtk_widget_get_clipboard (GTK_WIDGET (self)), provider);
}

static void
clipboard_spliced_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(RetortCanvas) self = user_data;
  GMemoryOutputStream *memory = G_MEMORY_OUTPUT_STREAM (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (memory), result, &error) < 0)
    {
      g_warning ("Could not read the clipboard: %s", error->message);
      return;
    }

  json = g_strndup (g_memory_output_stream_get_data (memory),
                    g_memory_output_stream_get_data_size (memory));
  if (self->experiment != NULL && !paste_json (self, json, TRUE, &error))
    g_warning ("Could not paste: %s", error->message);
}

static void
clipboard_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(RetortCanvas) self = user_data;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) memory = NULL;
  g_autoptr(GError) error = NULL;

  stream = gdk_clipboard_read_finish (GDK_CLIPBOARD (object), result, NULL, &error);
  if (stream == NULL)
    {
      g_debug ("Nothing to paste: %s", error->message);
      return;
    }

  /* Asynchronously: our own clipboard is written by this main loop. */
  memory = g_memory_output_stream_new_resizable ();
  g_output_stream_splice_async (memory, stream,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, NULL, clipboard_spliced_cb,
                                g_steal_pointer (&self));
}

void
retort_canvas_paste (RetortCanvas *self)
{
  static const char *mime_types[] = { RETORT_MODULE_CLIPBOARD_MIME_TYPE, NULL };
  GdkClipboard *clipboard;

  g_return_if_fail (RETORT_IS_CANVAS (self));

  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));
  if (self->experiment == NULL
      || !gdk_content_formats_contain_mime_type (gdk_clipboard_get_formats (clipboard),
                                                 RETORT_MODULE_CLIPBOARD_MIME_TYPE))
    return;

  gdk_clipboard_read_async (clipboard, mime_types, G_PRIORITY_DEFAULT, NULL,
                            clipboard_read_cb, g_object_ref (self));
}

static void
duplicate_selection (RetortCanvas *self)
{
  g_autofree const char **ids = selected_ids (self);
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  if (self->experiment == NULL || ids[0] == NULL)
    return;

  json = retort_module_clipboard_serialize (self->experiment, ids);
  if (!paste_json (self, json, FALSE, &error))
    g_warning ("Could not duplicate: %s", error->message);
}

/* Arrow keys move the selection a grid step (Shift: four), or pan. */
static void
move_selection_by (RetortCanvas *self,
                   double        dx,
                   double        dy)
{
  g_autofree const char **ids = selected_ids (self);

  if (ids[0] == NULL)
    {
      retort_canvas_pan_by (self, -dx * self->zoom, -dy * self->zoom);
      return;
    }

  retort_experiment_begin_group (self->experiment,
                                 ids[1] != NULL ? _("Move Modules") : _("Move Module"));
  for (guint i = 0; ids[i] != NULL; i++)
    {
      RetortModule *module = retort_experiment_find_module (self->experiment, ids[i]);

      retort_experiment_move_module (self->experiment, ids[i],
                                     retort_module_get_x (module) + dx,
                                     retort_module_get_y (module) + dy, NULL);
    }
  retort_experiment_end_group (self->experiment);
}

static gboolean
key_pressed_cb (RetortCanvas          *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  double step = (state & GDK_SHIFT_MASK) ? 4 * RETORT_CANVAS_GRID : RETORT_CANVAS_GRID;

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_space:
      self->space_held = TRUE;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grab");
      return GDK_EVENT_STOP;

    case GDK_KEY_Escape:
      if (self->drag_mode != DRAG_NONE)
        {
          retort_canvas_cancel_drag (self);
          gtk_event_controller_reset (GTK_EVENT_CONTROLLER (self->drag_gesture));
        }
      else
        retort_canvas_unselect_all (self);
      return GDK_EVENT_STOP;

    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      move_selection_by (self, -step, 0);
      return GDK_EVENT_STOP;

    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      move_selection_by (self, step, 0);
      return GDK_EVENT_STOP;

    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_selection_by (self, 0, -step);
      return GDK_EVENT_STOP;

    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_selection_by (self, 0, step);
      return GDK_EVENT_STOP;

    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
      {
        RetortModule *module = retort_canvas_get_selected_module (self);

        if (module == NULL)
          return GDK_EVENT_PROPAGATE;
        g_signal_emit (self, signals[SIGNAL_MODULE_ACTIVATED], 0, module);
      }
      return GDK_EVENT_STOP;

    case GDK_KEY_Menu:
      {
        GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self)));
        graphene_point_t point = GRAPHENE_POINT_INIT (gtk_widget_get_width (GTK_WIDGET (self)) / 2.f,
                                                      gtk_widget_get_height (GTK_WIDGET (self)) / 2.f);

        /* The menu of the focused card, or of the canvas. */
        if (focus != NULL && RETORT_IS_MODULE_WIDGET (focus)
            && !gtk_widget_compute_point (focus, GTK_WIDGET (self),
                                          &GRAPHENE_POINT_INIT (gtk_widget_get_width (focus) / 2.f,
                                                                gtk_widget_get_height (focus) / 2.f),
                                          &point))
          return GDK_EVENT_STOP;
        popup_menu_at (self, point.x, point.y);
      }
      return GDK_EVENT_STOP;

    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static void
key_released_cb (RetortCanvas          *self,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 GtkEventControllerKey *controller)
{
  if (keyval == GDK_KEY_space && self->space_held)
    {
      self->space_held = FALSE;
      if (self->drag_mode != DRAG_PAN)
        gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
    }
}

static void
focus_leave_cb (RetortCanvas *self)
{
  /* The release of a space pressed here may go elsewhere. */
  self->space_held = FALSE;
}

/* Adding modules */

RetortModule *
retort_canvas_add_module (RetortCanvas  *self,
                          const char    *kind_id,
                          double         screen_x,
                          double         screen_y,
                          GError       **error)
{
  RetortModule *module;
  double x, y;

  g_return_val_if_fail (RETORT_IS_CANVAS (self), NULL);
  g_return_val_if_fail (kind_id != NULL, NULL);

  if (self->experiment == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("There is no experiment to add a module to"));
      return NULL;
    }

  if (isnan (screen_x) || isnan (screen_y))
    {
      screen_x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      screen_y = gtk_widget_get_height (GTK_WIDGET (self)) / 3.0;
    }

  retort_canvas_from_screen (self, screen_x, screen_y, &x, &y);
  module = retort_experiment_add_module (self->experiment, kind_id, snap (x), snap (y), error);
  if (module == NULL)
    return NULL;

  retort_canvas_select_module (self, retort_module_get_id (module), FALSE);
  gtk_widget_grab_focus (g_hash_table_lookup (self->widgets, retort_module_get_id (module)));

  return module;
}

/* A module kind dropped from the palette lands where it is dropped. */
static gboolean
kind_dropped_cb (RetortCanvas  *self,
                 const GValue  *value,
                 double         x,
                 double         y,
                 GtkDropTarget *target)
{
  const char *kind_id = g_value_get_boxed (value);
  g_autoptr(GError) error = NULL;

  if (kind_id == NULL || self->experiment == NULL)
    return FALSE;

  if (retort_canvas_add_module (self, kind_id, x, y, &error) == NULL)
    {
      g_warning ("Could not add a module of kind %s: %s", kind_id, error->message);
      return FALSE;
    }

  return TRUE;
}

/* Actions */

static void
retort_canvas_update_actions (RetortCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean has_experiment = self->experiment != NULL;
  gboolean has_modules = g_hash_table_size (self->selection) > 0;

  gtk_widget_action_set_enabled (widget, "canvas.cut", has_modules);
  gtk_widget_action_set_enabled (widget, "canvas.copy", has_modules);
  gtk_widget_action_set_enabled (widget, "canvas.duplicate", has_modules);
  gtk_widget_action_set_enabled (widget, "canvas.delete",
                                 has_modules || self->selected_connection != NULL);
  gtk_widget_action_set_enabled (widget, "canvas.paste", has_experiment);
  gtk_widget_action_set_enabled (widget, "canvas.select-all",
                                 has_experiment && g_hash_table_size (self->widgets) > 0);
  gtk_widget_action_set_enabled (widget, "canvas.zoom-fit", has_experiment);
  gtk_widget_action_set_enabled (widget, "canvas.zoom-reset", has_experiment);
  gtk_widget_action_set_enabled (widget, "canvas.zoom-in", has_experiment);
  gtk_widget_action_set_enabled (widget, "canvas.zoom-out", has_experiment);
}

static void
canvas_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  RetortCanvas *self = RETORT_CANVAS (widget);
  const char *name = action_name + strlen ("canvas.");

  if (g_str_equal (name, "select-all"))
    retort_canvas_select_all (self);
  else if (g_str_equal (name, "delete"))
    delete_selection (self);
  else if (g_str_equal (name, "copy"))
    copy_selection (self);
  else if (g_str_equal (name, "cut"))
    {
      copy_selection (self);
      delete_selection (self);
    }
  else if (g_str_equal (name, "paste"))
    retort_canvas_paste (self);
  else if (g_str_equal (name, "duplicate"))
    duplicate_selection (self);
  else if (g_str_equal (name, "zoom-fit"))
    retort_canvas_zoom_to_fit (self);
  else if (g_str_equal (name, "zoom-reset"))
    retort_canvas_set_zoom (self, 1.0);
  else if (g_str_equal (name, "zoom-in"))
    retort_canvas_set_zoom (self, self->zoom * ZOOM_FACTOR);
  else if (g_str_equal (name, "zoom-out"))
    retort_canvas_set_zoom (self, self->zoom / ZOOM_FACTOR);
}

static void
retort_canvas_dispose (GObject *object)
{
  RetortCanvas *self = RETORT_CANVAS (object);

  retort_canvas_clear (self);
  g_clear_handle_id (&self->redraw_source, g_source_remove);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  if (self->experiment != NULL)
    g_signal_handlers_disconnect_by_data (self->experiment, self);
  g_clear_object (&self->experiment);
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  g_clear_object (&self->scheduler);

  G_OBJECT_CLASS (retort_canvas_parent_class)->dispose (object);
}

static void
retort_canvas_finalize (GObject *object)
{
  RetortCanvas *self = RETORT_CANVAS (object);

  g_clear_pointer (&self->widgets, g_hash_table_unref);
  g_clear_pointer (&self->selection, g_hash_table_unref);
  g_clear_pointer (&self->band_base, g_hash_table_unref);
  g_clear_pointer (&self->marked_ports, g_ptr_array_unref);
  g_clear_pointer (&self->connection_layer, retort_connection_layer_free);
  g_clear_pointer (&self->card_cache, retort_card_cache_free);
  g_clear_pointer (&self->curves, g_array_unref);
  g_clear_pointer (&self->selected_connection, retort_connection_free);
  g_free (self->connect_module);

  G_OBJECT_CLASS (retort_canvas_parent_class)->finalize (object);
}

static void
retort_canvas_class_init (RetortCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char * const actions[] = {
    "canvas.select-all", "canvas.delete", "canvas.cut", "canvas.copy", "canvas.paste",
    "canvas.duplicate", "canvas.zoom-fit", "canvas.zoom-reset", "canvas.zoom-in",
    "canvas.zoom-out",
  };

  object_class->dispose = retort_canvas_dispose;
  object_class->finalize = retort_canvas_finalize;

  widget_class->measure = retort_canvas_measure;
  widget_class->size_allocate = retort_canvas_size_allocate;
  widget_class->snapshot = retort_canvas_snapshot;

  /**
   * RetortCanvas::selection-changed:
   *
   * The selected modules or connection changed.
   */
  signals[SIGNAL_SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * RetortCanvas::module-activated:
   * @module: the module
   *
   * A module was double-clicked or Enter was pressed on it.
   */
  signals[SIGNAL_MODULE_ACTIVATED] =
    g_signal_new ("module-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, RETORT_TYPE_MODULE);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, canvas_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK,
                                       "canvas.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_x, GDK_CONTROL_MASK,
                                       "canvas.cut", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK,
                                       "canvas.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK,
                                       "canvas.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK,
                                       "canvas.duplicate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "canvas.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK,
                                       "canvas.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK,
                                       "canvas.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_1, GDK_CONTROL_MASK,
                                       "canvas.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK,
                                       "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK,
                                       "canvas.zoom-out", NULL);

  gtk_widget_class_set_css_name (widget_class, "canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
retort_canvas_init (RetortCanvas *self)
{
  GtkGesture *pan;
  GtkGesture *drag;
  GtkGesture *click;
  GtkGesture *secondary;
  GtkGesture *pinch;
  GtkEventController *scroll;
  GtkEventController *motion;
  GtkEventController *keys;
  GtkEventController *focus;
  GtkDropTarget *drop;

  self->widgets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->selection = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->marked_ports = g_ptr_array_new_with_free_func (g_object_unref);
  self->connection_layer = retort_connection_layer_new (GTK_WIDGET (self));
  self->card_cache = retort_card_cache_new ();
  self->curves = g_array_new (FALSE, FALSE, sizeof (RetortCurve));
  self->zoom = 1.0;

  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Experiment"),
                                  -1);

  pan = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (pan), GDK_BUTTON_MIDDLE);
  g_signal_connect_swapped (pan, "drag-begin", G_CALLBACK (pan_begin_cb), self);
  g_signal_connect_swapped (pan, "drag-update", G_CALLBACK (pan_update_cb), self);
  g_signal_connect_swapped (pan, "drag-end", G_CALLBACK (pan_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pan));

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect_swapped (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect_swapped (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect_swapped (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  g_signal_connect_swapped (drag, "cancel", G_CALLBACK (drag_cancel_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  self->drag_gesture = drag;

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (click_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_gesture_group (click, drag);

  secondary = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  g_signal_connect_swapped (secondary, "pressed", G_CALLBACK (secondary_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (secondary));

  pinch = gtk_gesture_zoom_new ();
  g_signal_connect_swapped (pinch, "begin", G_CALLBACK (pinch_begin_cb), self);
  g_signal_connect_swapped (pinch, "scale-changed", G_CALLBACK (pinch_scale_changed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pinch));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect_swapped (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (motion, "enter", G_CALLBACK (pointer_motion_cb), self);
  g_signal_connect_swapped (motion, "motion", G_CALLBACK (pointer_motion_cb), self);
  g_signal_connect_swapped (motion, "leave", G_CALLBACK (pointer_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  keys = gtk_event_controller_key_new ();
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  g_signal_connect_swapped (keys, "key-released", G_CALLBACK (key_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);

  drop = gtk_drop_target_new (RETORT_TYPE_MODULE_KIND_ID, GDK_ACTION_COPY);
  g_signal_connect_swapped (drop, "drop", G_CALLBACK (kind_dropped_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  retort_canvas_update_actions (self);
}

GtkWidget *
retort_canvas_new (void)
{
  return g_object_new (RETORT_TYPE_CANVAS, NULL);
}
