/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The module palette, driven in process under Xvfb: a RetortPalette alone
 * in a window, searched, activated and dragged from the way a user would. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <adwaita.h>

#include "retort-application.h"
#include "retort-module-kind.h"
#include "retort-palette.h"
#include "retort-app-test.h"
#include "retort-gui-test.h"

static RetortApplication *app;

static RetortPalette *
create_palette (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *palette = retort_palette_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 272, 760);
  gtk_window_set_child (GTK_WINDOW (window), palette);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_idle ();

  return RETORT_PALETTE (palette);
}

static void
destroy_palette (RetortPalette *palette)
{
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (palette))));
  wait_for_idle ();
}

static GtkListBox *
get_list (RetortPalette *palette)
{
  GtkListBox *list = find_descendant (GTK_WIDGET (palette), GTK_TYPE_LIST_BOX);

  g_assert_nonnull (list);
  return list;
}

static GtkEditable *
get_search_entry (RetortPalette *palette)
{
  GtkEditable *entry = find_descendant (GTK_WIDGET (palette), GTK_TYPE_SEARCH_ENTRY);

  g_assert_nonnull (entry);
  return entry;
}

/* A row's title: the first label it shows. */
static const char *
row_title (GtkListBoxRow *row)
{
  GtkLabel *label = find_descendant (GTK_WIDGET (row), GTK_TYPE_LABEL);

  g_assert_nonnull (label);
  return gtk_label_get_label (label);
}

static GtkListBoxRow *
find_row (RetortPalette *palette,
          const char    *title)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (get_list (palette), i)) != NULL; i++)
    if (strcmp (row_title (row), title) == 0)
      return row;

  return NULL;
}

/* The titles of the rows on screen, comma-separated, to compare at once. */
static char *
shown_titles (RetortPalette *palette)
{
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (get_list (palette), i)) != NULL; i++)
    if (gtk_widget_get_mapped (GTK_WIDGET (row)))
      g_ptr_array_add (titles, (gpointer) row_title (row));
  g_ptr_array_add (titles, NULL);

  return g_strjoinv (", ", (char **) titles->pdata);
}

/* The category headings on screen, comma-separated. */
static char *
shown_headings (RetortPalette *palette)
{
  g_autoptr(GPtrArray) headings = g_ptr_array_new ();
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (get_list (palette), i)) != NULL; i++)
    {
      GtkWidget *header = gtk_list_box_row_get_header (row);

      if (header != NULL && gtk_widget_get_mapped (header))
        g_ptr_array_add (headings, (gpointer) gtk_label_get_label (GTK_LABEL (header)));
    }
  g_ptr_array_add (headings, NULL);

  return g_strjoinv (", ", (char **) headings->pdata);
}

static gboolean
placeholder_shown (RetortPalette *palette)
{
  AdwStatusPage *placeholder = find_descendant (GTK_WIDGET (get_list (palette)),
                                                ADW_TYPE_STATUS_PAGE);

  g_assert_nonnull (placeholder);
  g_assert_cmpstr (adw_status_page_get_title (placeholder), ==, "No Modules Found");
  return gtk_widget_get_mapped (GTK_WIDGET (placeholder));
}

/* Types @text into the search entry and waits for the list to follow, as
 * the entry reports a search only after a short delay. */
static void
type_search (RetortPalette *palette,
             const char    *text,
             const char    *expected_titles)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  g_autofree char *titles = NULL;

  gtk_editable_set_text (get_search_entry (palette), text);
  for (;;)
    {
      g_free (titles);
      titles = shown_titles (palette);
      if (strcmp (titles, expected_titles) == 0 || g_get_monotonic_time () > deadline)
        break;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpstr (titles, ==, expected_titles);
}

static char *
all_titles (void)
{
  const RetortModuleKind **kinds = retort_module_kind_list (NULL);
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();

  for (guint i = 0; kinds[i] != NULL; i++)
    g_ptr_array_add (titles, (gpointer) _(kinds[i]->title));
  g_ptr_array_add (titles, NULL);

  return g_strjoinv (", ", (char **) titles->pdata);
}

static void
test_every_kind_under_its_category (void)
{
  RetortPalette *palette = create_palette ();
  GtkListBox *list = get_list (palette);
  guint n_kinds;
  const RetortModuleKind **kinds = retort_module_kind_list (&n_kinds);
  g_autoptr(GPtrArray) categories = g_ptr_array_new ();
  g_autofree char *expected_headings = NULL;
  g_autofree char *headings = NULL;
  GtkListBoxRow *row;
  int n_rows = 0;

  g_assert_cmpuint (n_kinds, >, 0);
  while (gtk_list_box_get_row_at_index (list, n_rows) != NULL)
    n_rows++;
  g_assert_cmpint (n_rows, ==, n_kinds);

  for (guint k = 0; k < n_kinds; k++)
    {
      const char *heading = NULL;
      guint matches = 0;

      for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
        {
          GtkWidget *header = gtk_list_box_row_get_header (row);

          /* Each row sits under the closest heading above it. */
          if (header != NULL)
            heading = gtk_label_get_label (GTK_LABEL (header));
          if (strcmp (row_title (row), _(kinds[k]->title)) == 0)
            {
              matches++;
              g_assert_cmpstr (heading, ==, _(kinds[k]->category));
              g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (row)));
              /* The description is shown, and whole in the tooltip. */
              g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (row)), ==,
                               _(kinds[k]->description));
            }
        }
      g_assert_cmpuint (matches, ==, 1);

      if (!g_ptr_array_find_with_equal_func (categories, _(kinds[k]->category), g_str_equal, NULL))
        g_ptr_array_add (categories, (gpointer) _(kinds[k]->category));
    }

  /* One heading per category, in the registry's order. */
  g_ptr_array_add (categories, NULL);
  expected_headings = g_strjoinv (", ", (char **) categories->pdata);
  headings = shown_headings (palette);
  g_assert_cmpstr (headings, ==, expected_headings);
  g_assert_false (placeholder_shown (palette));

  destroy_palette (palette);
}

static void
test_search_filters_rows (void)
{
  RetortPalette *palette = create_palette ();
  g_autofree char *everything = all_titles ();
  g_autofree char *headings = NULL;

  type_search (palette, "sql", "Apply SQL Transformation");
  headings = shown_headings (palette);
  g_assert_cmpstr (headings, ==, "Data Transformation");
  g_assert_false (placeholder_shown (palette));

  /* Case does not matter; descriptions and categories are searched too. */
  type_search (palette, "PYTHON", "Script Bundle, Execute Python Script");
  type_search (palette, "statistical", "Summarize Data");
  type_search (palette, "csv file", "Import Data, Export Data");

  type_search (palette, "xyzzy", "");
  g_free (headings);
  headings = shown_headings (palette);
  g_assert_cmpstr (headings, ==, "");
  g_assert_true (placeholder_shown (palette));

  type_search (palette, "", everything);
  g_assert_false (placeholder_shown (palette));

  destroy_palette (palette);
}

static void
test_escape_clears_search (void)
{
  RetortPalette *palette = create_palette ();
  GtkEditable *entry = get_search_entry (palette);
  g_autofree char *everything = all_titles ();
  g_autofree char *titles = NULL;

  type_search (palette, "web", "Web Service Input, Web Service Output");

  /* What Escape in the entry does. */
  g_signal_emit_by_name (entry, "stop-search");
  wait_for_idle ();
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");
  titles = shown_titles (palette);
  g_assert_cmpstr (titles, ==, everything);

  /* The API filters at once, without the entry's delay. */
  retort_palette_set_filter_text (palette, "Summarize");
  wait_for_idle ();
  g_free (titles);
  titles = shown_titles (palette);
  g_assert_cmpstr (titles, ==, "Summarize Data");
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "Summarize");

  destroy_palette (palette);
}

static void
test_focus_search (void)
{
  RetortPalette *palette = create_palette ();
  GtkWidget *entry = GTK_WIDGET (get_search_entry (palette));
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (palette)));
  GtkWidget *focus;

  gtk_widget_grab_focus (GTK_WIDGET (find_row (palette, "Select Columns")));
  wait_for_idle ();
  focus = gtk_window_get_focus (window);
  g_assert_false (focus == entry || gtk_widget_is_ancestor (focus, entry));

  /* Ctrl+F's action. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (palette), "palette.focus-search", NULL));
  wait_for_idle ();
  focus = gtk_window_get_focus (window);
  g_assert_true (focus == entry || gtk_widget_is_ancestor (focus, entry));

  destroy_palette (palette);
}

static void
on_kind_activated (RetortPalette *palette,
                   const char    *kind_id,
                   GPtrArray     *activated)
{
  g_ptr_array_add (activated, g_strdup (kind_id));
}

static void
test_activation_emits_kind_id (void)
{
  RetortPalette *palette = create_palette ();
  g_autoptr(GPtrArray) activated = g_ptr_array_new_with_free_func (g_free);

  g_signal_connect (palette, "kind-activated", G_CALLBACK (on_kind_activated), activated);

  /* Enter on a focused row. */
  gtk_widget_activate (GTK_WIDGET (find_row (palette, "Import Data")));
  wait_for_idle ();
  g_assert_cmpuint (activated->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (activated, 0), ==, "import-data");

  /* A double-click. */
  g_signal_emit_by_name (get_list (palette), "row-activated",
                         find_row (palette, "Apply SQL Transformation"));
  wait_for_idle ();
  g_assert_cmpuint (activated->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (activated, 1), ==, "sql");

  /* Enter in the search entry takes the first match. */
  type_search (palette, "summ", "Summarize Data");
  g_signal_emit_by_name (get_search_entry (palette), "activate");
  wait_for_idle ();
  g_assert_cmpuint (activated->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (activated, 2), ==, "summarize");

  destroy_palette (palette);
}

static GtkDragSource *
find_drag_source (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  GtkDragSource *source = NULL;

  for (guint i = 0; source == NULL && i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DRAG_SOURCE (controller))
        source = GTK_DRAG_SOURCE (controller);
    }

  return source;
}

static void
test_drag_carries_kind_id (void)
{
  RetortPalette *palette = create_palette ();
  const RetortModuleKind **kinds = retort_module_kind_list (NULL);

  for (guint k = 0; kinds[k] != NULL; k++)
    {
      GtkListBoxRow *row = find_row (palette, _(kinds[k]->title));
      GtkDragSource *source;
      GdkContentProvider *content;
      g_autoptr(GdkContentFormats) formats = NULL;
      g_auto(GValue) value = G_VALUE_INIT;
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (row);
      source = find_drag_source (GTK_WIDGET (row));
      g_assert_nonnull (source);
      g_assert_cmpint (gtk_drag_source_get_actions (source), ==, GDK_ACTION_COPY);

      content = gtk_drag_source_get_content (source);
      g_assert_nonnull (content);
      formats = gdk_content_provider_ref_formats (content);
      g_assert_true (gdk_content_formats_contain_gtype (formats, RETORT_TYPE_MODULE_KIND_ID));

      g_value_init (&value, RETORT_TYPE_MODULE_KIND_ID);
      g_assert_true (gdk_content_provider_get_value (content, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (g_value_get_boxed (&value), ==, kinds[k]->id);
    }

  destroy_palette (palette);
}

static GdkTexture *
render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static guint
average_brightness (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guchar *pixels = g_malloc ((gsize) width * height * 4);
  guint64 sum = 0;

  gdk_texture_download (texture, pixels, width * 4);
  for (int i = 0; i < width * height; i++)
    sum += (pixels[i * 4] + pixels[i * 4 + 1] + pixels[i * 4 + 2]) / 3;

  return (guint) (sum / ((guint64) width * height));
}

/* The palette follows the style: a light list in light mode, a dark one in
 * dark mode. With RETORT_TEST_SCREENSHOT_DIR set, it saves both, to look at. */
static void
test_light_and_dark (void)
{
  static const struct {
    AdwColorScheme scheme;
    const char *name;
  } styles[] = {
    { ADW_COLOR_SCHEME_FORCE_LIGHT, "light" },
    { ADW_COLOR_SCHEME_FORCE_DARK, "dark" },
  };
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  const char *screenshot_dir = g_getenv ("RETORT_TEST_SCREENSHOT_DIR");
  RetortPalette *palette = create_palette ();
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (palette)));
  guint brightness[G_N_ELEMENTS (styles)];

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    {
      g_autoptr(GdkTexture) texture = NULL;

      adw_style_manager_set_color_scheme (style_manager, styles[i].scheme);
      /* The new style lays the window out again: drawn only after that. */
      wait_for_layout (window);
      texture = render (window);
      brightness[i] = average_brightness (texture);

      if (screenshot_dir != NULL)
        {
          g_autofree char *basename = g_strdup_printf ("palette-%s.png", styles[i].name);
          g_autofree char *path = g_build_filename (screenshot_dir, basename, NULL);

          g_assert_true (gdk_texture_save_to_png (texture, path));
          g_test_message ("Saved %s", path);
        }
    }
  g_assert_cmpuint (brightness[0], >, 160);
  g_assert_cmpuint (brightness[1], <, 96);

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
  destroy_palette (palette);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* GLib logs messages on stdout, where they would break TAP. */
  g_log_writer_default_set_use_stderr (TRUE);

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display (run the 'gui' suite under xvfb-run)\n");
      return 0;
    }

  /* The application brings libadwaita and the app's style sheet. */
  app = register_test_app (G_APPLICATION_DEFAULT_FLAGS);

  g_test_add_func ("/palette/every-kind-under-its-category", test_every_kind_under_its_category);
  g_test_add_func ("/palette/search-filters-rows", test_search_filters_rows);
  g_test_add_func ("/palette/escape-clears-search", test_escape_clears_search);
  g_test_add_func ("/palette/focus-search", test_focus_search);
  g_test_add_func ("/palette/activation-emits-kind-id", test_activation_emits_kind_id);
  g_test_add_func ("/palette/drag-carries-kind-id", test_drag_carries_kind_id);
  g_test_add_func ("/palette/light-and-dark", test_light_and_dark);

  status = g_test_run ();

  g_clear_object (&app);

  return status;
}
