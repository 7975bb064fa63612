/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-histogram"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "retort-histogram.h"

#define BIN_GAP        1.0
#define BAR_HEIGHT     22
#define BAR_GAP        6
#define LABEL_GAP      8
#define HISTOGRAM_HEIGHT 140

typedef enum
{
  CHART_NONE,
  CHART_BINS,
  CHART_BARS,
} ChartKind;

struct _RetortHistogram
{
  GtkWidget   parent_instance;

  ChartKind   kind;
  GArray     *counts;  /* guint64 */
  GPtrArray  *labels;  /* bins: edges (n + 1); bars: values (n) */
};

G_DEFINE_FINAL_TYPE (RetortHistogram, retort_histogram, GTK_TYPE_WIDGET)

static guint64
largest_count (RetortHistogram *self)
{
  guint64 largest = 0;

  for (guint i = 0; i < self->counts->len; i++)
    largest = MAX (largest, g_array_index (self->counts, guint64, i));

  return largest;
}

static void
set_source_rgba (cairo_t       *cr,
                 const GdkRGBA *color,
                 double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

static void
show_layout_at (cairo_t     *cr,
                PangoLayout *layout,
                double       x,
                double       y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* Colours come from the style so the chart follows the accent and dark mode. */
static void
lookup_colors (RetortHistogram *self,
               GdkRGBA         *foreground,
               GdkRGBA         *accent)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

  gtk_style_context_get_color (context, foreground);
  if (!gtk_style_context_lookup_color (context, "accent_bg_color", accent))
    gdk_rgba_parse (accent, "#3584e4");
}

static void
draw_bins (RetortHistogram *self,
           cairo_t         *cr,
           int              width,
           int              height)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  GdkRGBA foreground, accent;
  guint n_bins = self->counts->len;
  guint64 largest = largest_count (self);
  int text_width, text_height;
  double plot_height, bin_width;
  const guint ticks[] = { 0, n_bins / 2, n_bins };

  lookup_colors (self, &foreground, &accent);
  pango_layout_set_text (layout, "0", -1);
  pango_layout_get_pixel_size (layout, NULL, &text_height);
  plot_height = height - text_height - 4;
  bin_width = (double) width / n_bins;

  set_source_rgba (cr, &accent, 1.0);
  for (guint i = 0; i < n_bins; i++)
    {
      guint64 count = g_array_index (self->counts, guint64, i);
      double bar = largest > 0 ? plot_height * count / largest : 0;

      /* A bin with a few values among millions still shows. */
      if (count > 0 && bar < 1)
        bar = 1;
      cairo_rectangle (cr, i * bin_width + BIN_GAP / 2, plot_height - bar,
                       MAX (bin_width - BIN_GAP, 1), bar);
    }
  cairo_fill (cr);

  set_source_rgba (cr, &foreground, 0.3);
  cairo_rectangle (cr, 0, plot_height, width, 1);
  cairo_fill (cr);

  set_source_rgba (cr, &foreground, 0.7);
  for (guint t = 0; t < G_N_ELEMENTS (ticks); t++)
    {
      guint edge = ticks[t];
      double x = edge * bin_width;

      if ((t == 1 && n_bins < 2) || edge >= self->labels->len)
        continue;
      pango_layout_set_text (layout, g_ptr_array_index (self->labels, edge), -1);
      pango_layout_get_pixel_size (layout, &text_width, NULL);
      x = t == 0 ? 0 : t == 2 ? width - text_width : x - text_width / 2.0;
      show_layout_at (cr, layout, round (x), plot_height + 3);
    }
}

static void
draw_bars (RetortHistogram *self,
           cairo_t         *cr,
           int              width,
           int              height)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  GdkRGBA foreground, accent;
  guint64 largest = largest_count (self);
  int label_width = 0, count_width = 0, text_width, text_height;
  double plot_width;

  lookup_colors (self, &foreground, &accent);

  /* Values on the left at most a third of the width, counts on the right. */
  for (guint i = 0; i < self->counts->len; i++)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                                g_array_index (self->counts, guint64, i));

      pango_layout_set_text (layout, g_ptr_array_index (self->labels, i), -1);
      pango_layout_get_pixel_size (layout, &text_width, NULL);
      label_width = MAX (label_width, text_width);
      pango_layout_set_text (layout, count, -1);
      pango_layout_get_pixel_size (layout, &text_width, NULL);
      count_width = MAX (count_width, text_width);
    }
  label_width = MIN (label_width, width / 3);
  plot_width = MAX (width - label_width - count_width - 2 * LABEL_GAP, 1);

  for (guint i = 0; i < self->counts->len; i++)
    {
      guint64 count = g_array_index (self->counts, guint64, i);
      g_autofree char *count_text = g_strdup_printf ("%" G_GUINT64_FORMAT, count);
      double y = i * (BAR_HEIGHT + BAR_GAP);
      double bar = largest > 0 ? plot_width * count / largest : 0;

      pango_layout_set_width (layout, label_width * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
      pango_layout_set_text (layout, g_ptr_array_index (self->labels, i), -1);
      pango_layout_get_pixel_size (layout, NULL, &text_height);
      set_source_rgba (cr, &foreground, 0.85);
      show_layout_at (cr, layout, 0, y + (BAR_HEIGHT - text_height) / 2.0);

      set_source_rgba (cr, &accent, 1.0);
      cairo_rectangle (cr, label_width + LABEL_GAP, y, MAX (bar, count > 0 ? 1 : 0), BAR_HEIGHT);
      cairo_fill (cr);

      pango_layout_set_width (layout, -1);
      pango_layout_set_alignment (layout, PANGO_ALIGN_LEFT);
      pango_layout_set_text (layout, count_text, -1);
      set_source_rgba (cr, &foreground, 0.7);
      show_layout_at (cr, layout, label_width + 2 * LABEL_GAP + bar,
                      y + (BAR_HEIGHT - text_height) / 2.0);
    }
}

static void
retort_histogram_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  RetortHistogram *self = RETORT_HISTOGRAM (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (self->kind == CHART_NONE || self->counts->len == 0 || width <= 0 || height <= 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->kind == CHART_BINS)
    draw_bins (self, cr, width, height);
  else
    draw_bars (self, cr, width, height);
  cairo_destroy (cr);
}

static void
retort_histogram_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  RetortHistogram *self = RETORT_HISTOGRAM (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 120;
      *natural = 240;
    }
  else if (self->kind == CHART_BARS)
    {
      *minimum = *natural = MAX ((int) self->counts->len * (BAR_HEIGHT + BAR_GAP) - BAR_GAP, 0);
    }
  else
    {
      *minimum = *natural = self->kind == CHART_BINS ? HISTOGRAM_HEIGHT : 0;
    }
}

static void
retort_histogram_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (retort_histogram_parent_class)->css_changed (widget, change);

  /* The accent or dark mode may have changed: the cairo node holds old colours. */
  gtk_widget_queue_draw (widget);
}

static void
retort_histogram_finalize (GObject *object)
{
  RetortHistogram *self = RETORT_HISTOGRAM (object);

  g_clear_pointer (&self->counts, g_array_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);

  G_OBJECT_CLASS (retort_histogram_parent_class)->finalize (object);
}

static void
retort_histogram_class_init (RetortHistogramClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = retort_histogram_finalize;
  widget_class->snapshot = retort_histogram_snapshot;
  widget_class->measure = retort_histogram_measure;
  widget_class->css_changed = retort_histogram_css_changed;

  gtk_widget_class_set_css_name (widget_class, "histogram");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
retort_histogram_init (RetortHistogram *self)
{
  self->counts = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->labels = g_ptr_array_new_with_free_func (g_free);
}

GtkWidget *
retort_histogram_new (void)
{
  return g_object_new (RETORT_TYPE_HISTOGRAM, NULL);
}

static void
set_chart (RetortHistogram     *self,
           ChartKind            kind,
           const guint64       *counts,
           guint                n_counts,
           const char * const  *labels,
           guint                n_labels)
{
  g_array_set_size (self->counts, 0);
  g_ptr_array_set_size (self->labels, 0);
  self->kind = kind;
  if (n_counts > 0)
    g_array_append_vals (self->counts, counts, n_counts);
  for (guint i = 0; i < n_labels; i++)
    g_ptr_array_add (self->labels, g_strdup (labels[i] != NULL ? labels[i] : ""));

  gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
retort_histogram_set_bins (RetortHistogram    *self,
                           const guint64      *counts,
                           guint               n_bins,
                           const char * const *edge_labels)
{
  g_autofree char *description = NULL;

  g_return_if_fail (RETORT_IS_HISTOGRAM (self));

  set_chart (self, CHART_BINS, counts, n_bins, edge_labels, n_bins + 1);

  description = g_strdup_printf (_("Histogram of %u bins from %s to %s"), n_bins,
                                 edge_labels[0], edge_labels[n_bins]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
}

void
retort_histogram_set_bars (RetortHistogram    *self,
                           const char * const *labels,
                           const guint64      *counts,
                           guint               n_bars)
{
  g_return_if_fail (RETORT_IS_HISTOGRAM (self));

  set_chart (self, CHART_BARS, counts, n_bars, labels, n_bars);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Most frequent values"), -1);
}

void
retort_histogram_clear (RetortHistogram *self)
{
  g_return_if_fail (RETORT_IS_HISTOGRAM (self));

  set_chart (self, CHART_NONE, NULL, 0, NULL, 0);
}

guint
retort_histogram_get_n_bars (RetortHistogram *self)
{
  g_return_val_if_fail (RETORT_IS_HISTOGRAM (self), 0);

  return self->counts->len;
}
