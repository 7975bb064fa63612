/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The table viewer with a table of 10 million rows and 5 columns (int64,
 * float64, float64, bool, int64), in a 1280×800 window:
 *
 *   (a) opening it: retort_table_view_set_table to the first frame on
 *       screen with cells in it. Target: 1000 ms.
 *   (b) scrolling: 100 steps of a page through the scrolled window's
 *       adjustment, each frame timed (frame clock before-paint to
 *       after-paint: layout, snapshot, render). Target: 16 ms per frame.
 *   (c) sorting the 10 million floats: retort_table_sort() alone, and
 *       through the view (a header click to the first sorted frame).
 *
 * It needs a display: build-aux/dev bench runs it under Xvfb, with the
 * cairo renderer (GL under Xvfb is llvmpipe, whose figures say nothing). */
#define G_LOG_DOMAIN "retort-bench"

#include "config.h"

#include <stdlib.h>

#include <adwaita.h>

#include "retort-table-lib.h"
#include "retort-frame-memory.h"
#include "retort-table-sort.h"
#include "retort-table-view.h"

#define N_ROWS        10000000
#define N_SCROLLS     100
#define WINDOW_WIDTH  1280
#define WINDOW_HEIGHT 800
#define TARGET_OPEN_MS  1000.0
#define TARGET_FRAME_MS 16.0

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static RetortTable *
create_table (void)
{
  const char *names[] = { "id", "value", "score", "flag", "group" };
  RetortColumnType types[] = {
    RETORT_COLUMN_TYPE_INT64, RETORT_COLUMN_TYPE_FLOAT64, RETORT_COLUMN_TYPE_FLOAT64,
    RETORT_COLUMN_TYPE_BOOL, RETORT_COLUMN_TYPE_INT64,
  };
  RetortColumn *columns[G_N_ELEMENTS (names)];
  guint64 state = 42;
  g_autoptr(GError) error = NULL;
  RetortTable *table;

  for (guint c = 0; c < G_N_ELEMENTS (names); c++)
    {
      g_autoptr(RetortColumnBuilder) builder = retort_column_builder_new (types[c], N_ROWS);

      for (gsize row = 0; row < N_ROWS; row++)
        {
          state = state * 6364136223846793005ull + 1442695040888963407ull;
          switch (c)
            {
            case 0: retort_column_builder_append_int64 (builder, row); break;
            case 1: retort_column_builder_append_float64 (builder, (state >> 11) * 0x1.0p-53 * 1000); break;
            case 2: retort_column_builder_append_float64 (builder, (double) (state >> 40) / 7); break;
            case 3: retort_column_builder_append_bool (builder, state >> 63); break;
            default: retort_column_builder_append_int64 (builder, (state >> 33) % 100); break;
            }
        }
      columns[c] = retort_column_builder_finish (g_steal_pointer (&builder));
    }

  table = retort_table_new (G_N_ELEMENTS (names), names, columns, &error);
  if (table == NULL)
    g_error ("%s", error->message);
  for (guint c = 0; c < G_N_ELEMENTS (names); c++)
    retort_column_unref (columns[c]);

  return table;
}

typedef struct
{
  gint64 start;
  gint64 end;
  guint  painted;
} Frame;

static void
before_paint_cb (GdkFrameClock *clock,
                 Frame         *frame)
{
  frame->start = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Frame         *frame)
{
  frame->end = g_get_monotonic_time ();
  frame->painted++;
}

static void
wait_for_frame (Frame *frame)
{
  guint painted = frame->painted;

  while (frame->painted == painted)
    g_main_context_iteration (NULL, TRUE);
}

static void
wait_for_idle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *values,
            double  fraction)
{
  g_array_sort (values, compare_doubles);

  return g_array_index (values, double, (guint) ((values->len - 1) * fraction));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(RetortTable) table = NULL;
  g_autoptr(GtkCssProvider) css = NULL;
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GBytes) order = NULL;
  GtkWidget *window, *view;
  GtkScrolledWindow *scrolled;
  GtkAdjustment *vadjustment;
  GdkFrameClock *clock;
  Frame frame = { 0 };
  double build, open, sort, view_sort, median, p95, longest;
  gboolean ok = TRUE;
  gint64 start;

  /* As the app's main() does. */
  retort_frame_memory_init ();
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);

  if (!gtk_init_check ())
    {
      g_printerr ("bench-table-view needs a display: run it with build-aux/dev bench (Xvfb)\n");
      return EXIT_FAILURE;
    }
  adw_init ();
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/retort/Retort/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  start = g_get_monotonic_time ();
  table = create_table ();
  build = ms_since (start);

  window = gtk_window_new ();
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), WINDOW_WIDTH, WINDOW_HEIGHT);
  view = retort_table_view_new ();
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  while (gtk_widget_get_width (view) == 0)
    g_main_context_iteration (NULL, TRUE);
  wait_for_idle ();

  g_print ("Table view: %u rows × 5 columns (built in %.0f ms); %d×%d window, renderer %s.\n",
           N_ROWS, build, gtk_widget_get_width (view), gtk_widget_get_height (view),
           g_getenv ("GSK_RENDERER"));

  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &frame);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (after_paint_cb), &frame);

  /* (a) */
  start = g_get_monotonic_time ();
  retort_table_view_set_table (RETORT_TABLE_VIEW (view), table);
  wait_for_frame (&frame);
  open = (frame.end - start) / 1000.0;
  g_print ("\n(a) opening (ms)\n");
  g_print ("  %-36s %7.1f  (target <= %.0f) %s\n", "set_table to the first frame", open,
           TARGET_OPEN_MS, open <= TARGET_OPEN_MS ? "ok" : "MISSED");
  ok &= open <= TARGET_OPEN_MS;
  wait_for_idle ();

  /* (b) */
  scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (find_descendant (view,
                                                                             GTK_TYPE_COLUMN_VIEW),
                                                           GTK_TYPE_SCROLLED_WINDOW));
  vadjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  for (guint i = 0; i < N_SCROLLS; i++)
    {
      double frame_ms;

      gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_value (vadjustment)
                                             + gtk_adjustment_get_page_size (vadjustment));
      wait_for_frame (&frame);
      frame_ms = (frame.end - frame.start) / 1000.0;
      g_array_append_val (frames, frame_ms);
    }
  median = percentile (frames, 0.5);
  p95 = percentile (frames, 0.95);
  longest = percentile (frames, 1.0);
  g_print ("\n(b) scrolling a page, %u frames (ms)\n", N_SCROLLS);
  g_print ("  %-36s %7.2f  (target <= %.0f) %s\n", "median", median, TARGET_FRAME_MS,
           median <= TARGET_FRAME_MS ? "ok" : "MISSED");
  g_print ("  %-36s %7.2f\n", "95th percentile", p95);
  g_print ("  %-36s %7.2f\n", "longest", longest);
  ok &= median <= TARGET_FRAME_MS;

  /* (c) */
  start = g_get_monotonic_time ();
  order = retort_table_sort (table, 1, FALSE, NULL, NULL);
  sort = ms_since (start);
  g_assert (order != NULL);


  gtk_adjustment_set_value (vadjustment, 0);
  wait_for_idle ();
  start = g_get_monotonic_time ();
  retort_table_view_sort_by_column (RETORT_TABLE_VIEW (view), 2, GTK_SORT_DESCENDING);
  while (retort_table_view_is_sorting (RETORT_TABLE_VIEW (view)))
    g_main_context_iteration (NULL, TRUE);
  wait_for_frame (&frame);
  view_sort = (frame.end - start) / 1000.0;

  g_print ("\n(c) sorting %u float64 rows (ms)\n", N_ROWS);
  g_print ("  %-36s %7.1f\n", "retort_table_sort (worker thread)", sort);
  g_print ("  %-36s %7.1f\n", "header click to the sorted frame", view_sort);

  gtk_window_destroy (GTK_WINDOW (window));
  wait_for_idle ();

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
