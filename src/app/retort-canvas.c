/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-canvas"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "retort-canvas.h"
#include "retort-module-widget.h"

#define MIN_ZOOM 0.25
#define MAX_ZOOM 2.5
/* One scroll wheel notch zooms by this much. */
#define ZOOM_FACTOR 1.1
/* Pixels a scroll wheel notch pans by. */
#define SCROLL_STEP 32.0

struct _RetortCanvas
{
  GtkWidget          parent_instance;

  RetortExperiment  *experiment;
  RetortScheduler   *scheduler;
  /* Module id -> RetortModuleWidget (owned by the widget tree). */
  GHashTable        *widgets;

  /* The one canvas<->screen transform: screen = canvas * zoom + pan. */
  double             pan_x;
  double             pan_y;
  double             zoom;
  /* Centres the modules the first time the canvas has a size. */
  gboolean           needs_centering;

  /* Where the pointer is, for zooming about it. */
  gboolean           has_pointer;
  double             pointer_x;
  double             pointer_y;

  double             pan_start_x;
  double             pan_start_y;

  /* The module being dragged and how far (canvas units); it is moved in the
   * experiment only when the drag ends, so one drag is one undo step. */
  RetortModuleWidget *dragged;
  double             drag_dx;
  double             drag_dy;
};

G_DEFINE_FINAL_TYPE (RetortCanvas, retort_canvas, GTK_TYPE_WIDGET)

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
module_position (RetortCanvas       *self,
                 RetortModuleWidget *widget,
                 double             *x,
                 double             *y)
{
  RetortModule *module = retort_module_widget_get_module (widget);

  *x = retort_module_get_x (module);
  *y = retort_module_get_y (module);
  if (widget == self->dragged)
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
center_modules (RetortCanvas *self,
                int           width,
                int           height)
{
  double x1 = G_MAXDOUBLE, y1 = G_MAXDOUBLE, x2 = -G_MAXDOUBLE, y2 = -G_MAXDOUBLE;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      RetortModuleWidget *child = value;
      double x, y;
      int w, h;

      module_position (self, child, &x, &y);
      gtk_widget_measure (GTK_WIDGET (child), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
      gtk_widget_measure (GTK_WIDGET (child), GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);
      x1 = MIN (x1, x);
      y1 = MIN (y1, y);
      x2 = MAX (x2, x + w);
      y2 = MAX (y2, y + h);
    }

  if (x1 > x2)
    return;

  self->pan_x = round ((width - (x2 - x1) * self->zoom) / 2 - x1 * self->zoom);
  /* A third from the top reads better than the exact middle. */
  self->pan_y = round (MAX (24, (height - (y2 - y1) * self->zoom) / 3) - y1 * self->zoom);
}

static void
retort_canvas_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  RetortCanvas *self = RETORT_CANVAS (widget);

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
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);
      transform = gsk_transform_translate (transform, &GRAPHENE_POINT_INIT (sx, sy));
      transform = gsk_transform_scale (transform, self->zoom, self->zoom);
      gtk_widget_allocate (child, w, h, -1, transform);
    }
}

static gboolean
port_center (RetortCanvas *self,
             GtkWidget    *port,
             double       *x,
             double       *y)
{
  graphene_point_t point;

  if (port == NULL
      || !gtk_widget_compute_point (port, GTK_WIDGET (self),
                                    &GRAPHENE_POINT_INIT (gtk_widget_get_width (port) / 2.f,
                                                          gtk_widget_get_height (port) / 2.f),
                                    &point))
    return FALSE;

  *x = point.x;
  *y = point.y;
  return TRUE;
}

static void
draw_grid (RetortCanvas *self,
           cairo_t      *cr,
           const GdkRGBA *color,
           int           width,
           int           height)
{
  double step = 2 * RETORT_CANVAS_GRID * self->zoom;
  double size = MAX (1.0, 2 * self->zoom);

  /* A sparse grid only: at small zooms it would turn into a grey haze. */
  if (step < 12)
    return;

  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * 0.12);
  for (double x = fmod (self->pan_x, step) - (self->pan_x < 0 ? 0 : step); x < width; x += step)
    for (double y = fmod (self->pan_y, step) - (self->pan_y < 0 ? 0 : step); y < height; y += step)
      cairo_rectangle (cr, x - size / 2, y - size / 2, size, size);
  cairo_fill (cr);
}

static void
draw_connections (RetortCanvas  *self,
                  cairo_t       *cr,
                  const GdkRGBA *color)
{
  GPtrArray *connections = retort_experiment_get_connections (self->experiment);

  cairo_set_line_width (cr, 2.5 * self->zoom);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * 0.55);

  for (guint i = 0; i < connections->len; i++)
    {
      const RetortConnection *connection = g_ptr_array_index (connections, i);
      GtkWidget *from = g_hash_table_lookup (self->widgets, connection->from_module);
      GtkWidget *to = g_hash_table_lookup (self->widgets, connection->to_module);
      double x1, y1, x2, y2, bend;

      if (from == NULL || to == NULL
          || !port_center (self, retort_module_widget_get_port (RETORT_MODULE_WIDGET (from),
                                                                TRUE, connection->from_port),
                           &x1, &y1)
          || !port_center (self, retort_module_widget_get_port (RETORT_MODULE_WIDGET (to),
                                                                FALSE, connection->to_port),
                           &x2, &y2))
        continue;

      /* Data flows down: leave the output downwards and enter the input
       * from above, even when the target sits higher up. */
      bend = MAX (40 * self->zoom, fabs (y2 - y1) / 2);
      cairo_move_to (cr, x1, y1);
      cairo_curve_to (cr, x1, y1 + bend, x2, y2 - bend, x2, y2);
      cairo_stroke (cr);
    }
}

static void
retort_canvas_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  RetortCanvas *self = RETORT_CANVAS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA color;
  cairo_t *cr;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_grid (self, cr, &color, width, height);
  if (self->experiment != NULL)
    draw_connections (self, cr, &color);
  cairo_destroy (cr);

  /* Cards go over the curves, which end under their port dots. */
  GTK_WIDGET_CLASS (retort_canvas_parent_class)->snapshot (widget, snapshot);
}

static void
module_moved_cb (RetortCanvas *self)
{
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

static void
module_added_cb (RetortCanvas     *self,
                 RetortModule     *module,
                 RetortExperiment *experiment)
{
  GtkWidget *widget = retort_module_widget_new (module);
  const char *id = retort_module_get_id (module);

  g_hash_table_replace (self->widgets, g_strdup (id), widget);
  gtk_widget_set_parent (widget, GTK_WIDGET (self));
  g_signal_connect_object (module, "notify::x", G_CALLBACK (module_moved_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (module, "notify::y", G_CALLBACK (module_moved_cb), self,
                           G_CONNECT_SWAPPED);
  if (self->scheduler != NULL)
    state_changed_cb (self, id, retort_scheduler_get_state (self->scheduler, id), self->scheduler);
}

static void
module_removed_cb (RetortCanvas     *self,
                   RetortModule     *module,
                   RetortExperiment *experiment)
{
  const char *id = retort_module_get_id (module);
  GtkWidget *widget = g_hash_table_lookup (self->widgets, id);

  if (widget == NULL)
    return;

  if (widget == GTK_WIDGET (self->dragged))
    self->dragged = NULL;
  g_signal_handlers_disconnect_by_data (module, self);
  gtk_widget_unparent (widget);
  g_hash_table_remove (self->widgets, id);
}

static void
connections_changed_cb (RetortCanvas *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
retort_canvas_clear (RetortCanvas *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_signal_handlers_disconnect_by_data (retort_module_widget_get_module (value), self);
      gtk_widget_unparent (value);
      g_hash_table_iter_remove (&iter);
    }
  self->dragged = NULL;
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
                               G_CALLBACK (connections_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (experiment, "connection-removed",
                               G_CALLBACK (connections_changed_cb), self, G_CONNECT_SWAPPED);
      for (guint i = 0; i < retort_experiment_get_n_modules (experiment); i++)
        module_added_cb (self, retort_experiment_get_module (experiment, i), experiment);
    }

  self->zoom = 1.0;
  self->needs_centering = TRUE;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

RetortExperiment *
retort_canvas_get_experiment (RetortCanvas *self)
{
  g_return_val_if_fail (RETORT_IS_CANVAS (self), NULL);

  return self->experiment;
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
  self->pan_x = self->pan_start_x + dx;
  self->pan_y = self->pan_start_y + dy;
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

  self->pan_x -= dx * SCROLL_STEP;
  self->pan_y -= dy * SCROLL_STEP;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  return GDK_EVENT_STOP;
}

static void
move_begin_cb (RetortCanvas   *self,
               double          x,
               double          y,
               GtkGestureDrag *gesture)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);
  GtkWidget *module = picked != NULL
                      ? gtk_widget_get_ancestor (picked, RETORT_TYPE_MODULE_WIDGET)
                      : NULL;

  if (module == NULL || self->experiment == NULL)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  self->dragged = RETORT_MODULE_WIDGET (module);
  self->drag_dx = self->drag_dy = 0;
}

static double
snap (double value)
{
  return round (value / RETORT_CANVAS_GRID) * RETORT_CANVAS_GRID;
}

static void
move_update_cb (RetortCanvas   *self,
                double          dx,
                double          dy,
                GtkGestureDrag *gesture)
{
  RetortModule *module;

  if (self->dragged == NULL)
    return;

  /* Past the threshold a press is a drag, not a click on the card. */
  if (gtk_gesture_get_sequence_state (GTK_GESTURE (gesture),
                                      gtk_gesture_single_get_current_sequence (GTK_GESTURE_SINGLE (gesture)))
      != GTK_EVENT_SEQUENCE_CLAIMED && hypot (dx, dy) > 4)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
    }

  /* Snapped while dragging, so the card lands where it is seen. */
  module = retort_module_widget_get_module (self->dragged);
  self->drag_dx = snap (retort_module_get_x (module) + dx / self->zoom) - retort_module_get_x (module);
  self->drag_dy = snap (retort_module_get_y (module) + dy / self->zoom) - retort_module_get_y (module);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
move_end_cb (RetortCanvas   *self,
             double          dx,
             double          dy,
             GtkGestureDrag *gesture)
{
  RetortModule *module;
  double x, y;
  g_autoptr(GError) error = NULL;

  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  if (self->dragged == NULL)
    return;

  module = retort_module_widget_get_module (self->dragged);
  x = retort_module_get_x (module) + self->drag_dx;
  y = retort_module_get_y (module) + self->drag_dy;
  self->dragged = NULL;
  self->drag_dx = self->drag_dy = 0;

  if ((x != retort_module_get_x (module) || y != retort_module_get_y (module))
      && !retort_experiment_move_module (self->experiment, retort_module_get_id (module),
                                         x, y, &error))
    g_warning ("Could not move %s: %s", retort_module_get_id (module), error->message);

  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
retort_canvas_dispose (GObject *object)
{
  RetortCanvas *self = RETORT_CANVAS (object);

  retort_canvas_clear (self);
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

  G_OBJECT_CLASS (retort_canvas_parent_class)->finalize (object);
}

static void
retort_canvas_class_init (RetortCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = retort_canvas_dispose;
  object_class->finalize = retort_canvas_finalize;

  widget_class->measure = retort_canvas_measure;
  widget_class->size_allocate = retort_canvas_size_allocate;
  widget_class->snapshot = retort_canvas_snapshot;

  gtk_widget_class_set_css_name (widget_class, "canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
retort_canvas_init (RetortCanvas *self)
{
  GtkGesture *pan;
  GtkGesture *move;
  GtkEventController *scroll;
  GtkEventController *motion;

  self->widgets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
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

  move = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (move), GDK_BUTTON_PRIMARY);
  g_signal_connect_swapped (move, "drag-begin", G_CALLBACK (move_begin_cb), self);
  g_signal_connect_swapped (move, "drag-update", G_CALLBACK (move_update_cb), self);
  g_signal_connect_swapped (move, "drag-end", G_CALLBACK (move_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (move));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect_swapped (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (motion, "enter", G_CALLBACK (pointer_motion_cb), self);
  g_signal_connect_swapped (motion, "motion", G_CALLBACK (pointer_motion_cb), self);
  g_signal_connect_swapped (motion, "leave", G_CALLBACK (pointer_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

GtkWidget *
retort_canvas_new (void)
{
  return g_object_new (RETORT_TYPE_CANVAS, NULL);
}
