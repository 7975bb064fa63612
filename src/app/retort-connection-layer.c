/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-canvas"

#include "config.h"

#include <math.h>
#include <string.h>

#include "retort-connection-layer.h"

/* The image covers the view and this much more on each side (pixels), so a
 * pan of up to this much reuses it. */
#define MARGIN 192

/* The image is painted only where curves are: it is cut into tiles this
 * big (pixels) and a tile no curve crosses is left out. Scaling the whole
 * image while zooming costs more than the rest of the frame. */
#define TILE 32

/* While the zoom changes, the image is drawn again for the new zoom only
 * once it is scaled by more than this (or no longer covers the view): a
 * wheel spun fast would keep a core stroking curves that the next step
 * throws away, and the frames on the other core wait for it. */
#define ZOOMING_SCALE_LIMIT 1.5

/* An image of the curves and what it shows: a digest of the curves in
 * canvas units, the zoom and pan it was drawn at, and where it was in the
 * widget then. */
typedef struct
{
  cairo_surface_t *surface;
  guint64          digest;
  double           zoom;
  double           pan_x;
  double           pan_y;
  double           x;
  double           y;
  int              width;
  int              height;
  /* columns × rows: TRUE where a curve crosses the tile */
  guint8          *tiles;
  int              columns;
  int              rows;
} Image;

/* What a worker thread strokes. */
typedef struct
{
  Image          image;
  RetortCurve   *curves;
  guint          n_curves;
  int            scale;
  GdkRGBA        color;
  GdkRGBA        accent;
  guint          generation;
} Job;

struct _RetortConnectionLayer
{
  /* Refcounted: a job in a thread holds a reference. */
  GtkWidget *owner;
  Image      image;
  /* The image a job replaced, whose memory the next job draws into. */
  Image      spare;
  /* Counts the images drawn at once: a job started before the last of
   * them drew curves that have changed since, and is dropped. */
  guint      generation;
  gboolean   job_running;
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

static void
image_clear (Image *image)
{
  g_clear_pointer (&image->surface, cairo_surface_destroy);
  g_clear_pointer (&image->tiles, g_free);
}

/* Marks the tiles within @radius of (@x, @y), in the image's units. */
static void
mark_tiles (Image  *image,
            double  x,
            double  y,
            double  radius)
{
  int left = MAX (0, (int) floor ((x - image->x - radius) / TILE));
  int right = MIN (image->columns - 1, (int) floor ((x - image->x + radius) / TILE));
  int top = MAX (0, (int) floor ((y - image->y - radius) / TILE));
  int bottom = MIN (image->rows - 1, (int) floor ((y - image->y + radius) / TILE));

  for (int row = top; row <= bottom; row++)
    for (int column = left; column <= right; column++)
      image->tiles[row * image->columns + column] = TRUE;
}

/* Marks the tiles a curve stroked @line_width wide crosses. A cubic's
 * speed is at most three times its longest control leg, so samples that
 * far apart in t are at most STEP pixels apart along it. */
static void
mark_curve (Image             *image,
            const RetortCurve *curve,
            double             zoom,
            double             line_width)
{
  const double STEP = 8;
  double bend = retort_curve_bend (zoom, curve->y1, curve->y2);
  double px[4] = { curve->x1, curve->x1, curve->x2, curve->x2 };
  double py[4] = { curve->y1, curve->y1 + bend, curve->y2 - bend, curve->y2 };
  double longest = MAX (bend, hypot (px[2] - px[1], py[2] - py[1]));
  int n = MAX (1, (int) ceil (3 * longest / STEP));

  for (int i = 0; i <= n; i++)
    {
      double t = (double) i / n, u = 1 - t;
      double a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t;

      mark_tiles (image,
                  a * px[0] + b * px[1] + c * px[2] + d * px[3],
                  a * py[0] + b * py[1] + c * py[2] + d * py[3],
                  STEP / 2 + line_width / 2 + 1);
    }
}

static void
layer_finalize (RetortConnectionLayer *self)
{
  image_clear (&self->image);
  image_clear (&self->spare);
}

/* Keeps @image's memory for the next job (transfers it). */
static void
keep_spare (RetortConnectionLayer *self,
            Image                 *image)
{
  image_clear (&self->spare);
  self->spare.surface = g_steal_pointer (&image->surface);
  self->spare.tiles = g_steal_pointer (&image->tiles);
  self->spare.columns = image->columns;
  self->spare.rows = image->rows;
}

static RetortConnectionLayer *
layer_ref (RetortConnectionLayer *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
layer_unref (RetortConnectionLayer *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) layer_finalize);
}

RetortConnectionLayer *
retort_connection_layer_new (GtkWidget *owner)
{
  RetortConnectionLayer *self = g_atomic_rc_box_new0 (RetortConnectionLayer);

  self->owner = owner;
  return self;
}

void
retort_connection_layer_free (RetortConnectionLayer *self)
{
  if (self == NULL)
    return;

  /* A job still running finds no owner to draw for. */
  self->owner = NULL;
  layer_unref (self);
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
             Image             *image,
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
        mark_curve (image, &curves[i], zoom, 2.5 * zoom);
      }

  /* The selected one goes on top, in the accent colour. */
  cairo_set_line_width (cr, 4 * zoom);
  gdk_cairo_set_source_rgba (cr, accent);
  for (guint i = 0; i < n_curves; i++)
    if (curves[i].selected)
      {
        retort_curve_path (cr, zoom, curves[i].x1, curves[i].y1, curves[i].x2, curves[i].y2);
        mark_curve (image, &curves[i], zoom, 4 * zoom);
      }
  cairo_stroke (cr);
}

/* Strokes the curves into @image's surface for a view of @width × @height
 * (thread-safe: touches nothing but @image). */
static void
draw_image (Image             *image,
            const RetortCurve *curves,
            guint              n_curves,
            int                width,
            int                height,
            int                scale,
            const GdkRGBA     *color,
            const GdkRGBA     *accent)
{
  cairo_t *cr;

  image->x = -MARGIN;
  image->y = -MARGIN;
  image->width = width + 2 * MARGIN;
  image->height = height + 2 * MARGIN;

  /* The same size as last time: cleared rather than allocated again. */
  if (image->surface == NULL
      || cairo_image_surface_get_width (image->surface) != image->width * scale
      || cairo_image_surface_get_height (image->surface) != image->height * scale)
    {
      image_clear (image);
      image->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                   image->width * scale, image->height * scale);
      cairo_surface_set_device_scale (image->surface, scale, scale);
      image->columns = (image->width + TILE - 1) / TILE;
      image->rows = (image->height + TILE - 1) / TILE;
      image->tiles = g_new0 (guint8, image->columns * image->rows);
    }
  else
    memset (image->tiles, 0, image->columns * image->rows);
  cr = cairo_create (image->surface);
  cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
  cairo_paint (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
  cairo_translate (cr, -image->x, -image->y);
  draw_curves (cr, image, curves, n_curves, image->zoom, image->x, image->y, image->width, image->height,
               color, accent);
  cairo_destroy (cr);
}

static void
job_free (Job *job)
{
  image_clear (&job->image);
  g_free (job->curves);
  g_free (job);
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;

  draw_image (&job->image, job->curves, job->n_curves, job->image.width, job->image.height,
              job->scale, &job->color, &job->accent);
  g_task_return_boolean (task, TRUE);
}

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RetortConnectionLayer *self = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));

  self->job_running = FALSE;
  if (job->generation == self->generation && self->owner != NULL)
    {
      Image old = self->image;

      self->image = job->image;
      job->image.surface = NULL;
      job->image.tiles = NULL;
      keep_spare (self, &old);
      gtk_widget_queue_draw (self->owner);
    }
  else
    keep_spare (self, &job->image);

  layer_unref (self);
}

/* Strokes the curves for (@zoom, @pan) in a worker thread; the owner is
 * drawn again when the image is ready. */
static void
start_job (RetortConnectionLayer *self,
           const RetortCurve     *curves,
           guint                  n_curves,
           guint64                digest,
           double                 pan_x,
           double                 pan_y,
           double                 zoom,
           int                    width,
           int                    height,
           int                    scale,
           const GdkRGBA         *color,
           const GdkRGBA         *accent)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  /* One at a time: when it ends, the next frame asks for the view of then. */
  if (self->job_running)
    return;

  job = g_new0 (Job, 1);
  job->image.digest = digest;
  job->image.zoom = zoom;
  job->image.pan_x = pan_x;
  job->image.pan_y = pan_y;
  job->image.width = width;
  job->image.height = height;
  job->image.surface = g_steal_pointer (&self->spare.surface);
  job->image.tiles = g_steal_pointer (&self->spare.tiles);
  job->image.columns = self->spare.columns;
  job->image.rows = self->spare.rows;
  job->curves = g_memdup2 (curves, sizeof (RetortCurve) * n_curves);
  job->n_curves = n_curves;
  job->scale = scale;
  job->color = *color;
  job->accent = *accent;
  job->generation = self->generation;
  self->job_running = TRUE;

  task = g_task_new (NULL, NULL, job_done_cb, layer_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, job_thread);
}

/* Paints the tiles of @image that curves cross, its corner at (@x, @y),
 * scaled by @factor. A row's run of tiles is one box of whole pixels (edges
 * rounded the same way for every box, so boxes meet without seams): cairo
 * composites each such box in one pixman call. */
static void
paint_tiles (cairo_t     *cr,
             const Image *image,
             double       x,
             double       y,
             double       factor)
{
  cairo_matrix_t matrix;

  for (int row = 0; row < image->rows; row++)
    {
      double top = round (y + row * TILE * factor);
      double bottom = round (y + MIN ((row + 1) * TILE, image->height) * factor);

      for (int column = 0; column < image->columns; column++)
        {
          int end = column;
          double left, right;

          if (!image->tiles[row * image->columns + column])
            continue;
          while (end + 1 < image->columns && image->tiles[row * image->columns + end + 1])
            end++;
          left = round (x + column * TILE * factor);
          right = round (x + MIN ((end + 1) * TILE, image->width) * factor);
          cairo_rectangle (cr, left, top, right - left, bottom - top);
          column = end;
        }
    }

  cairo_set_source_surface (cr, image->surface, 0, 0);
  cairo_matrix_init_scale (&matrix, 1 / factor, 1 / factor);
  cairo_matrix_translate (&matrix, -x, -y);
  cairo_pattern_set_matrix (cairo_get_source (cr), &matrix);
  /* Scaled only for the frames of a zoom: speed over smoothness. */
  if (factor != 1)
    cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_FAST);
  cairo_fill (cr);
}

gboolean
retort_connection_layer_draw (RetortConnectionLayer *self,
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
                              const GdkRGBA         *accent)
{
  Image *image = &self->image;
  guint64 digest;
  double factor, x, y;
  gboolean scaled, covers, stale = FALSE;

  if (width <= 0 || height <= 0)
    return FALSE;

  /* Where the image lands now: what it showed at (zoom, pan) moves to
   * (point - pan) * factor + new pan, as the cards do. */
  digest = compute_digest (curves, n_curves, pan_x, pan_y, zoom, scale, color, accent);
  factor = image->surface != NULL ? zoom / image->zoom : 1;
  x = (image->x - image->pan_x) * factor + pan_x;
  y = (image->y - image->pan_y) * factor + pan_y;
  scaled = zoom != image->zoom;
  covers = x <= 0 && y <= 0 && x + image->width * factor >= width && y + image->height * factor >= height;

  if (image->surface == NULL || digest != image->digest)
    {
      /* The curves themselves changed (a card or a connection moved): now,
       * so they never lag behind the cards. */
      self->generation++;
      image->digest = digest;
      image->zoom = zoom;
      image->pan_x = pan_x;
      image->pan_y = pan_y;
      draw_image (image, curves, n_curves, width, height, scale, color, accent);
      factor = 1;
      scaled = FALSE;
      x = image->x;
      y = image->y;
    }
  else if (!covers || (scaled && (!zooming || factor < 1 / ZOOMING_SCALE_LIMIT
                                   || factor > ZOOMING_SCALE_LIMIT)))
    {
      /* Only the view moved: a thread strokes the curves for it while this
       * frame shows the image it has, scaled or shifted. */
      start_job (self, curves, n_curves, digest, pan_x, pan_y, zoom, width, height, scale,
                 color, accent);
    }
  else if (scaled)
    stale = TRUE;

  /* Painted into the canvas's cairo node: the cairo renderer composites it
   * as it is, where a texture node would be converted every frame. */
  cairo_save (cr);
  paint_tiles (cr, image, x, y, factor);
  cairo_restore (cr);

  return stale;
}
