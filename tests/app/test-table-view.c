/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The table viewer, driven in process under Xvfb: real tables in a
 * RetortTableView in a window, checked by what the window shows. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "retort-column-statistics.h"
#include "retort-csv.h"
#include "retort-histogram.h"
#include "retort-table-lib.h"
#include "retort-table-view.h"
#include "retort-gui-test.h"

/* A small table of every kind of column, with missing values. */
static RetortTable *
create_small_table (void)
{
  g_autoptr(RetortColumnBuilder) glucose = retort_column_builder_new (RETORT_COLUMN_TYPE_FLOAT64, 4);
  g_autoptr(RetortColumnBuilder) age = retort_column_builder_new (RETORT_COLUMN_TYPE_INT64, 4);
  g_autoptr(RetortColumnBuilder) name = retort_column_builder_new (RETORT_COLUMN_TYPE_STRING, 4);
  g_autoptr(RetortColumnBuilder) smoker = retort_column_builder_new (RETORT_COLUMN_TYPE_BOOL, 4);
  const char *names[] = { "Glucose", "Age", "Name", "Smoker" };
  RetortColumn *columns[4];
  g_autoptr(GError) error = NULL;
  RetortTable *table;

  retort_column_builder_append_float64 (glucose, 148.5);
  retort_column_builder_append_null (glucose);
  retort_column_builder_append_float64 (glucose, 89);
  retort_column_builder_append_float64 (glucose, 183.25);
  retort_column_builder_append_int64 (age, 50);
  retort_column_builder_append_int64 (age, 31);
  retort_column_builder_append_int64 (age, 21);
  retort_column_builder_append_int64 (age, 32);
  retort_column_builder_append_string (name, "Ann", -1);
  retort_column_builder_append_string (name, "Bob", -1);
  retort_column_builder_append_string (name, "Émile", -1);
  retort_column_builder_append_string (name, "Al", -1);
  retort_column_builder_append_bool (smoker, TRUE);
  retort_column_builder_append_bool (smoker, FALSE);
  retort_column_builder_append_null (smoker);
  retort_column_builder_append_bool (smoker, TRUE);

  columns[0] = retort_column_builder_finish (g_steal_pointer (&glucose));
  columns[1] = retort_column_builder_finish (g_steal_pointer (&age));
  columns[2] = retort_column_builder_finish (g_steal_pointer (&name));
  columns[3] = retort_column_builder_finish (g_steal_pointer (&smoker));
  table = retort_table_new (4, names, columns, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    retort_column_unref (columns[i]);

  return table;
}

static RetortTableView *
create_view (RetortTable *table)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = retort_table_view_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 600);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  retort_table_view_set_table (RETORT_TABLE_VIEW (view), table);
  wait_for_idle ();

  return RETORT_TABLE_VIEW (view);
}

static void
destroy_view (RetortTableView *view)
{
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (view))));
  wait_for_idle ();
}

typedef struct
{
  GtkWidget *label;
  double     x;
  double     y;
} PlacedLabel;

static int
compare_placed (gconstpointer a,
                gconstpointer b)
{
  const PlacedLabel *la = a, *lb = b;

  if (fabs (la->y - lb->y) >= 1)
    return la->y < lb->y ? -1 : 1;
  return (la->x > lb->x) - (la->x < lb->x);
}

/* The labels of @ancestor_type (cells or header titles) on screen in the
 * column view, top to bottom and left to right. */
static GArray *
placed_labels (RetortTableView *view,
               const char      *ancestor_type)
{
  GtkWidget *column_view = find_descendant (view, GTK_TYPE_COLUMN_VIEW);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GArray *placed = g_array_new (FALSE, FALSE, sizeof (PlacedLabel));
  GType type = g_type_from_name (ancestor_type);

  g_assert (type != 0);
  collect_descendants (column_view, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);
      graphene_point_t point;
      PlacedLabel entry;

      if (!gtk_widget_get_mapped (label) || gtk_widget_get_ancestor (label, type) == NULL
          || !gtk_widget_compute_point (label, column_view, &GRAPHENE_POINT_INIT (0, 0), &point)
          || point.y < 0 || point.y > gtk_widget_get_height (column_view))
        continue;
      entry.label = label;
      entry.x = point.x;
      entry.y = round (point.y);
      g_array_append_val (placed, entry);
    }
  g_array_sort (placed, compare_placed);

  return placed;
}

/* The visible rows: each a GPtrArray of its cells' labels, left to right. */
static GPtrArray *
visible_rows (RetortTableView *view)
{
  g_autoptr(GArray) placed = placed_labels (view, "GtkColumnViewCell");
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  double row_y = -1;

  for (guint i = 0; i < placed->len; i++)
    {
      PlacedLabel *entry = &g_array_index (placed, PlacedLabel, i);

      if (rows->len == 0 || fabs (entry->y - row_y) >= 1)
        {
          g_ptr_array_add (rows, g_ptr_array_new ());
          row_y = entry->y;
        }
      g_ptr_array_add (g_ptr_array_index (rows, rows->len - 1), entry->label);
    }

  return rows;
}

/* The text of a visible cell; column 0 is the row numbers. */
static const char *
cell_text (RetortTableView *view,
           guint            row,
           guint            column)
{
  g_autoptr(GPtrArray) rows = visible_rows (view);
  GPtrArray *cells;

  g_assert_cmpuint (row, <, rows->len);
  cells = g_ptr_array_index (rows, row);
  g_assert_cmpuint (column, <, cells->len);

  return gtk_label_get_text (g_ptr_array_index (cells, column));
}

static GtkWidget *
cell_label (RetortTableView *view,
            guint            row,
            guint            column)
{
  g_autoptr(GPtrArray) rows = visible_rows (view);
  GPtrArray *cells;

  g_assert_cmpuint (row, <, rows->len);
  cells = g_ptr_array_index (rows, row);
  g_assert_cmpuint (column, <, cells->len);

  return g_ptr_array_index (cells, column);
}

/* The rows are laid out on the next frame, not when the main loop is idle:
 * wait until the first rows (four, or all of a shorter table) are on screen. */
static gboolean
has_visible_cells (gpointer data)
{
  RetortTableView *view = data;
  g_autoptr(GPtrArray) rows = visible_rows (view);
  RetortTable *table = retort_table_view_get_table (view);

  return table != NULL && rows->len >= MIN (retort_table_get_n_rows (table), 4);
}

static gboolean
sort_done (gpointer data)
{
  return !retort_table_view_is_sorting (data);
}

static void
sort_and_wait (RetortTableView *view,
               guint            column,
               GtkSortType      direction)
{
  retort_table_view_sort_by_column (view, column, direction);
  g_assert_true (wait_until (sort_done, view));
  wait_for_idle ();
  g_assert_true (wait_until (has_visible_cells, view));
}

static void
test_empty_states (void)
{
  g_autoptr(RetortTable) table = create_small_table ();
  g_autoptr(RetortTable) no_rows = retort_table_slice (table, 0, 0);
  RetortTableView *view = create_view (NULL);
  GtkStack *stack = find_descendant (view, GTK_TYPE_STACK);
  AdwStatusPage *status = find_descendant (view, ADW_TYPE_STATUS_PAGE);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GArray) headers = NULL;
  gboolean saw_no_rows = FALSE;

  /* No table: a status page says so. */
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (status)));
  g_assert_cmpstr (adw_status_page_get_title (status), ==, "No Table");

  /* No rows: the headers and a note. */
  retort_table_view_set_table (view, no_rows);
  wait_for_idle ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "table");
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (status)));
  headers = placed_labels (view, "GtkColumnViewTitle");
  g_assert_cmpuint (headers->len, ==, 5);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (g_array_index (headers, PlacedLabel, 1).label)),
                   ==, "Glucose\nfloat64");
  collect_descendants (GTK_WIDGET (view), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    saw_no_rows |= gtk_widget_get_mapped (labels->pdata[i])
                   && g_strcmp0 (gtk_label_get_text (labels->pdata[i]), "No Rows") == 0;
  g_assert_true (saw_no_rows);

  /* Back to nothing. */
  retort_table_view_set_table (view, NULL);
  wait_for_idle ();
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (status)));

  destroy_view (view);
}

static void
test_cells (void)
{
  g_autoptr(RetortTable) table = create_small_table ();
  RetortTableView *view = create_view (table);
  g_autoptr(GArray) headers = NULL;
  GtkWidget *missing, *number, *text;

  g_assert_true (wait_until (has_visible_cells, view));

  headers = placed_labels (view, "GtkColumnViewTitle");
  g_assert_cmpuint (headers->len, ==, 5);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (g_array_index (headers, PlacedLabel, 1).label)),
                   ==, "Glucose\nfloat64");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (g_array_index (headers, PlacedLabel, 2).label)),
                   ==, "Age\nint64");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (g_array_index (headers, PlacedLabel, 3).label)),
                   ==, "Name\nstring");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (g_array_index (headers, PlacedLabel, 4).label)),
                   ==, "Smoker\nbool");

  /* Row numbers, then the cells as CSV export writes them. */
  g_assert_cmpstr (cell_text (view, 0, 0), ==, "1");
  g_assert_cmpstr (cell_text (view, 0, 1), ==, "148.5");
  g_assert_cmpstr (cell_text (view, 0, 2), ==, "50");
  g_assert_cmpstr (cell_text (view, 0, 3), ==, "Ann");
  g_assert_cmpstr (cell_text (view, 0, 4), ==, "True");
  g_assert_cmpstr (cell_text (view, 2, 3), ==, "Émile");
  g_assert_cmpstr (cell_text (view, 3, 1), ==, "183.25");

  /* A missing value is a dimmed dash; numbers are right-aligned in tabular figures. */
  missing = cell_label (view, 1, 1);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (missing)), ==, "—");
  g_assert_true (gtk_widget_has_css_class (missing, "dim-label"));
  g_assert_cmpstr (cell_text (view, 2, 4), ==, "—");
  number = cell_label (view, 0, 1);
  g_assert_false (gtk_widget_has_css_class (number, "dim-label"));
  g_assert_true (gtk_widget_has_css_class (number, "numeric"));
  g_assert_cmpfloat (gtk_label_get_xalign (GTK_LABEL (number)), ==, 1.0);
  text = cell_label (view, 0, 3);
  g_assert_cmpfloat (gtk_label_get_xalign (GTK_LABEL (text)), ==, 0.0);

  destroy_view (view);
}

static void
test_sort (void)
{
  g_autoptr(RetortTable) table = create_small_table ();
  RetortTableView *view = create_view (table);
  RetortColumnStatistics *statistics = find_descendant (view, RETORT_TYPE_COLUMN_STATISTICS);

  g_assert_true (wait_until (has_visible_cells, view));

  /* Numbers: the missing value last in both directions. */
  sort_and_wait (view, 0, GTK_SORT_ASCENDING);
  g_assert_cmpstr (cell_text (view, 0, 1), ==, "89.0");
  g_assert_cmpstr (cell_text (view, 0, 0), ==, "3");
  g_assert_cmpstr (cell_text (view, 1, 1), ==, "148.5");
  g_assert_cmpstr (cell_text (view, 2, 1), ==, "183.25");
  g_assert_cmpstr (cell_text (view, 3, 1), ==, "—");
  /* The sorted column is the one the statistics show. */
  g_assert_cmpuint (retort_column_statistics_get_column (statistics), ==, 0);

  sort_and_wait (view, 0, GTK_SORT_DESCENDING);
  g_assert_cmpstr (cell_text (view, 0, 1), ==, "183.25");
  g_assert_cmpstr (cell_text (view, 1, 1), ==, "148.5");
  g_assert_cmpstr (cell_text (view, 3, 1), ==, "—");

  sort_and_wait (view, 1, GTK_SORT_ASCENDING);
  g_assert_cmpstr (cell_text (view, 0, 2), ==, "21");
  g_assert_cmpstr (cell_text (view, 3, 2), ==, "50");
  g_assert_cmpuint (retort_column_statistics_get_column (statistics), ==, 1);

  /* Text: by code point, "Al" before "Ann". */
  sort_and_wait (view, 2, GTK_SORT_ASCENDING);
  g_assert_cmpstr (cell_text (view, 0, 3), ==, "Al");
  g_assert_cmpstr (cell_text (view, 1, 3), ==, "Ann");
  g_assert_cmpstr (cell_text (view, 2, 3), ==, "Bob");
  g_assert_cmpstr (cell_text (view, 3, 3), ==, "Émile");
  sort_and_wait (view, 2, GTK_SORT_DESCENDING);
  g_assert_cmpstr (cell_text (view, 0, 3), ==, "Émile");
  g_assert_cmpstr (cell_text (view, 0, 0), ==, "3");
  g_assert_cmpstr (cell_text (view, 3, 3), ==, "Al");

  destroy_view (view);
}

typedef struct
{
  char     *text;
  gboolean  done;
} ClipboardRead;

static void
read_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ClipboardRead *read = user_data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  read->done = TRUE;
}

static gboolean
read_done (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

static char *
read_clipboard (GtkWidget *widget)
{
  ClipboardRead read = { NULL, FALSE };

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, read_text_cb, &read);
  g_assert_true (wait_until (read_done, &read));

  return read.text;
}

static void
test_copy (void)
{
  g_autoptr(RetortTable) table = create_small_table ();
  RetortTableView *view = create_view (table);
  GtkColumnView *column_view = find_descendant (view, GTK_TYPE_COLUMN_VIEW);
  GtkSelectionModel *selection = gtk_column_view_get_model (column_view);
  g_autofree char *copied = NULL;

  g_assert_true (wait_until (has_visible_cells, view));

  /* Sorted by age, the first and third lines are Émile (21) and Ann (50)... */
  sort_and_wait (view, 1, GTK_SORT_ASCENDING);
  gtk_selection_model_select_item (selection, 0, TRUE);
  gtk_selection_model_select_item (selection, 2, FALSE);

  /* ...and the action Ctrl+C is bound to copies them in that order. */
  gtk_widget_grab_focus (GTK_WIDGET (column_view));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "table.copy", NULL));
  copied = read_clipboard (GTK_WIDGET (view));
  g_assert_cmpstr (copied, ==,
                   "Glucose\tAge\tName\tSmoker\n"
                   "89.0\t21\tÉmile\t\n"
                   "183.25\t32\tAl\tTrue\n");

  destroy_view (view);
}

/* The rows selected before a sort are selected after it, where they are. */
static void
test_sort_keeps_selection (void)
{
  g_autoptr(RetortTable) table = create_small_table ();
  RetortTableView *view = create_view (table);
  GtkColumnView *column_view = find_descendant (view, GTK_TYPE_COLUMN_VIEW);
  GtkSelectionModel *selection = gtk_column_view_get_model (column_view);
  g_autoptr(GtkBitset) selected = NULL;
  g_autofree char *copied = NULL;

  g_assert_true (wait_until (has_visible_cells, view));

  /* Bob and Al in the table's order... */
  gtk_selection_model_select_item (selection, 1, TRUE);
  gtk_selection_model_select_item (selection, 3, FALSE);
  /* ...are lines 0 and 2 by name: Al, Ann, Bob, Émile. */
  sort_and_wait (view, 2, GTK_SORT_ASCENDING);
  selected = gtk_selection_model_get_selection (selection);
  g_assert_cmpuint (gtk_bitset_get_size (selected), ==, 2);
  g_assert_true (gtk_bitset_contains (selected, 0));
  g_assert_true (gtk_bitset_contains (selected, 2));
  copied = retort_table_view_dup_selection_text (view);
  g_assert_cmpstr (copied, ==,
                   "Glucose\tAge\tName\tSmoker\n"
                   "183.25\t32\tAl\tTrue\n"
                   "\t31\tBob\tFalse\n");
  g_clear_pointer (&selected, gtk_bitset_unref);

  /* Everything selected stays so; back in the table's order too. */
  gtk_selection_model_select_all (selection);
  sort_and_wait (view, 0, GTK_SORT_DESCENDING);
  selected = gtk_selection_model_get_selection (selection);
  g_assert_cmpuint (gtk_bitset_get_size (selected), ==, 4);

  destroy_view (view);
}

static void
test_export (void)
{
  g_autoptr(RetortTable) table = create_small_table ();
  RetortTableView *view = create_view (table);
  g_autofree char *dir = g_dir_make_tmp ("retort-table-view-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "export.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) bad = g_file_new_for_path ("/nonexistent-dir/export.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(RetortTable) back = NULL;
  RetortCsvOptions options;

  /* What is exported is what is shown: the rows in the order on show. */
  sort_and_wait (view, 0, GTK_SORT_DESCENDING);
  g_assert_true (retort_table_view_export_csv (view, file, &error));
  g_assert_no_error (error);

  retort_csv_options_init (&options);
  back = retort_csv_read_file (path, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (retort_table_get_n_rows (back), ==, retort_table_get_n_rows (table));
  g_assert_cmpuint (retort_table_get_n_columns (back), ==, retort_table_get_n_columns (table));
  for (guint column = 0; column < retort_table_get_n_columns (table); column++)
    {
      g_assert_cmpstr (retort_table_get_column_name (back, column), ==,
                       retort_table_get_column_name (table, column));
      for (gsize row = 0; row < retort_table_get_n_rows (table); row++)
        {
          g_autofree char *expected = retort_table_dup_cell_text (table, retort_table_view_get_table_row (view, row), column);
          g_autofree char *actual = retort_table_dup_cell_text (back, row, column);

          g_assert_cmpstr (actual, ==, expected);
        }
    }
  /* Descending by Glucose: 183.25 (Al) first, then 148.5 (Ann). */
  {
    g_autofree char *first = retort_table_dup_cell_text (back, 0, 2);
    g_autofree char *second = retort_table_dup_cell_text (back, 1, 2);

    g_assert_cmpstr (first, ==, "Al");
    g_assert_cmpstr (second, ==, "Ann");
  }

  /* A place that cannot be written is an error, and nothing is left behind. */
  g_assert_false (retort_table_view_export_csv (view, bad, &error));
  g_assert_nonnull (error);

  g_unlink (path);
  g_rmdir (dir);
  destroy_view (view);
}

static gboolean
statistics_ready (gpointer data)
{
  return !retort_column_statistics_is_busy (data);
}

/* The value next to @name in the statistics panel, as it reads on screen. */
static const char *
statistic (RetortColumnStatistics *statistics,
           const char             *name)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_descendants (GTK_WIDGET (statistics), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i + 1 < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_text (labels->pdata[i]), name) == 0
        && gtk_widget_get_mapped (labels->pdata[i]))
      return gtk_label_get_text (labels->pdata[i + 1]);

  return NULL;
}

static gboolean
widget_has_width (gpointer data)
{
  return gtk_widget_get_width (data) > 0;
}

static void
test_statistics (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("RETORT_SHARED_DATASETS"), "iris.csv", NULL);
  g_autoptr(RetortTable) iris = NULL;
  g_autoptr(GError) error = NULL;
  RetortCsvOptions options;
  RetortTableView *view;
  RetortColumnStatistics *statistics;
  RetortHistogram *histogram;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  int width, height;
  gsize painted = 0;

  retort_csv_options_init (&options);
  iris = retort_csv_read_file (path, &options, &error);
  g_assert_no_error (error);

  view = create_view (iris);
  statistics = find_descendant (view, RETORT_TYPE_COLUMN_STATISTICS);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (statistics)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "table.show-column-statistics",
                                             "u", 0));
  g_assert_true (retort_table_view_get_show_statistics (view));
  g_assert_true (wait_until (statistics_ready, statistics));
  wait_for_idle ();
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (statistics)));

  /* pandas: iris.sepallength.describe() */
  g_assert_cmpstr (statistic (statistics, "Type"), ==, "float64");
  g_assert_cmpstr (statistic (statistics, "Values"), ==, "150");
  g_assert_cmpstr (statistic (statistics, "Missing"), ==, "0");
  g_assert_cmpstr (statistic (statistics, "Distinct"), ==, "35");
  g_assert_cmpstr (statistic (statistics, "Minimum"), ==, "4.3");
  g_assert_cmpstr (statistic (statistics, "Maximum"), ==, "7.9");
  g_assert_cmpstr (statistic (statistics, "Mean"), ==, "5.843");
  g_assert_cmpstr (statistic (statistics, "Standard Deviation"), ==, "0.8281");

  /* A histogram of Sturges' 9 bins, drawn in pixels. */
  histogram = find_descendant (statistics, RETORT_TYPE_HISTOGRAM);
  g_assert_cmpuint (retort_histogram_get_n_bars (histogram), ==, 9);
  g_assert_true (wait_until (widget_has_width, histogram));
  width = gtk_widget_get_width (GTK_WIDGET (histogram));
  height = gtk_widget_get_height (GTK_WIDGET (histogram));
  g_assert_cmpint (width, >, 100);
  g_assert_cmpint (height, >, 50);
  paintable = gtk_widget_paintable_new (GTK_WIDGET (histogram));
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  pixels = g_malloc (width * height * 4);
  gdk_texture_download (texture, pixels, width * 4);
  for (int i = 0; i < width * height; i++)
    painted += pixels[i * 4 + 3] > 0;
  g_assert_cmpuint (painted, >, (gsize) width * height / 10);
  gsk_renderer_unrealize (renderer);

  /* Text columns get a chart of their most frequent values. */
  retort_column_statistics_set_column (statistics, 4);
  g_assert_true (wait_until (statistics_ready, statistics));
  g_assert_cmpstr (statistic (statistics, "Type"), ==, "string");
  g_assert_cmpstr (statistic (statistics, "Distinct"), ==, "3");
  g_assert_null (statistic (statistics, "Mean"));
  g_assert_cmpuint (retort_histogram_get_n_bars (histogram), ==, 3);

  /* The statistics panel hides again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "table.show-statistics", NULL));
  wait_for_idle ();
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (statistics)));

  destroy_view (view);
}

#define LARGE_ROWS 10000000

static RetortTable *
create_large_table (void)
{
  const char *names[] = { "id", "value", "score", "flag", "group" };
  RetortColumnType types[] = {
    RETORT_COLUMN_TYPE_INT64, RETORT_COLUMN_TYPE_FLOAT64, RETORT_COLUMN_TYPE_FLOAT64,
    RETORT_COLUMN_TYPE_BOOL, RETORT_COLUMN_TYPE_INT64,
  };
  RetortColumn *columns[5];
  guint64 state = 42;
  RetortTable *table;
  g_autoptr(GError) error = NULL;

  for (guint c = 0; c < 5; c++)
    {
      g_autoptr(RetortColumnBuilder) builder = retort_column_builder_new (types[c], LARGE_ROWS);

      for (gsize row = 0; row < LARGE_ROWS; row++)
        {
          state = state * 6364136223846793005ull + 1442695040888963407ull;
          switch (c)
            {
            case 0: retort_column_builder_append_int64 (builder, row); break;
            case 1: retort_column_builder_append_float64 (builder, (state >> 11) * 0x1.0p-53); break;
            case 2: retort_column_builder_append_float64 (builder, (double) (state >> 40) / 7); break;
            case 3: retort_column_builder_append_bool (builder, state >> 63); break;
            default: retort_column_builder_append_int64 (builder, (state >> 33) % 100); break;
            }
        }
      columns[c] = retort_column_builder_finish (g_steal_pointer (&builder));
    }
  table = retort_table_new (5, names, columns, &error);
  g_assert_no_error (error);
  for (guint c = 0; c < 5; c++)
    retort_column_unref (columns[c]);

  return table;
}

static void
test_large_table (void)
{
  g_autoptr(RetortTable) table = create_large_table ();
  RetortTableView *view = create_view (NULL);
  gint64 start;
  double seconds;

  start = g_get_monotonic_time ();
  retort_table_view_set_table (view, table);
  g_assert_true (wait_until_seconds (has_visible_cells, view, 10));
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("10M rows: cells on screen after %.3f s", seconds);
  g_assert_cmpfloat (seconds, <, 3.0);
  g_assert_cmpstr (cell_text (view, 0, 1), ==, "0");

  /* Sorted on a worker thread: the largest value first. */
  sort_and_wait (view, 1, GTK_SORT_DESCENDING);
  {
    const double *values = retort_column_get_float64_data (retort_table_get_column (table, 1));
    gsize first = retort_table_view_get_table_row (view, 0);
    gsize second = retort_table_view_get_table_row (view, 1);
    gsize last = retort_table_view_get_table_row (view, LARGE_ROWS - 1);

    g_assert_cmpfloat (values[first], >=, values[second]);
    g_assert_cmpfloat (values[second], >=, values[last]);
  }

  /* A selected row stays selected through a sort, and is scrolled to. */
  {
    GtkColumnView *column_view = find_descendant (view, GTK_TYPE_COLUMN_VIEW);
    GtkSelectionModel *selection = gtk_column_view_get_model (column_view);
    gsize chosen = retort_table_view_get_table_row (view, 5);
    g_autofree char *number = g_strdup_printf ("%" G_GSIZE_FORMAT, chosen + 1);
    g_autoptr(GtkBitset) selected = NULL;
    g_autoptr(GPtrArray) rows = NULL;
    gboolean on_screen = FALSE;

    gtk_selection_model_select_item (selection, 5, TRUE);
    sort_and_wait (view, 2, GTK_SORT_DESCENDING);
    selected = gtk_selection_model_get_selection (selection);
    g_assert_cmpuint (gtk_bitset_get_size (selected), ==, 1);
    g_assert_cmpuint (retort_table_view_get_table_row (view, gtk_bitset_get_minimum (selected)), ==, chosen);
    g_assert_cmpuint (gtk_bitset_get_minimum (selected), >, 1000);
    rows = visible_rows (view);
    for (guint i = 0; i < rows->len; i++)
      {
        GPtrArray *cells = g_ptr_array_index (rows, i);

        on_screen |= g_str_equal (gtk_label_get_text (g_ptr_array_index (cells, 0)), number);
      }
    g_assert_true (on_screen);
  }

  /* A new table cancels a sort under way. */
  retort_table_view_sort_by_column (view, 2, GTK_SORT_ASCENDING);
  g_assert_true (retort_table_view_is_sorting (view));
  retort_table_view_set_table (view, NULL);
  g_assert_false (retort_table_view_is_sorting (view));
  wait_for_idle ();

  destroy_view (view);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/table-view/empty-states", test_empty_states);
  g_test_add_func ("/table-view/cells", test_cells);
  g_test_add_func ("/table-view/sort", test_sort);
  g_test_add_func ("/table-view/copy", test_copy);
  g_test_add_func ("/table-view/sort-keeps-selection", test_sort_keeps_selection);
  g_test_add_func ("/table-view/export", test_export);
  g_test_add_func ("/table-view/statistics", test_statistics);
  g_test_add_func ("/table-view/large-table", test_large_table);

  return g_test_run ();
}
