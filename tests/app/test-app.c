/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The application shell, driven in process under Xvfb: the real
 * RetortApplication and RetortWindow, their actions, and a CSV opened the
 * way Open… opens it. */

#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "retort-application.h"
#include "retort-canvas.h"
#include "retort-module-widget.h"
#include "retort-palette.h"
#include "retort-properties-pane.h"
#include "retort-table.h"
#include "retort-window.h"
#include "retort-app-test.h"
#include "retort-gui-test.h"

static RetortApplication *app;

/* Activates @action on @window and returns the visible window of @type it shows. */
static gpointer
activate_and_find_toplevel (RetortWindow *window,
                            const char   *action,
                            GType         type)
{
  GtkWindow *toplevel;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
  wait_for_idle ();

  toplevel = find_toplevel (type);
  g_assert_nonnull (toplevel);

  return toplevel;
}

/* Labels of a menu and its sections and submenus, mnemonics removed. */

static gboolean
has_string (GPtrArray  *strings,
            const char *string)
{
  return g_ptr_array_find_with_equal_func (strings, string, g_str_equal, NULL);
}

static void
test_window_header_bar_and_primary_menu (void)
{
  RetortWindow *window = create_window ();
  g_autoptr(GPtrArray) menu_buttons = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  GtkMenuButton *primary = NULL;
  AdwStatusPage *status_page;

  g_assert_nonnull (find_descendant (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR));

  collect_descendants (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, menu_buttons);
  for (guint i = 0; i < menu_buttons->len; i++)
    if (gtk_menu_button_get_primary (g_ptr_array_index (menu_buttons, i)))
      primary = g_ptr_array_index (menu_buttons, i);
  g_assert_nonnull (primary);
  g_assert_cmpstr (gtk_menu_button_get_icon_name (primary), ==, "open-menu-symbolic");

  collect_menu_labels (gtk_menu_button_get_menu_model (primary), labels);
  g_assert_true (has_string (labels, "Open…"));
  g_assert_true (has_string (labels, "Preferences"));
  g_assert_true (has_string (labels, "Keyboard Shortcuts"));
  g_assert_true (has_string (labels, "About Retort"));

  /* With nothing open, the window invites the user to open a file. */
  status_page = find_descendant (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE);
  g_assert_nonnull (status_page);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (status_page)));
  g_assert_cmpstr (adw_status_page_get_title (status_page), ==, "Retort");
  g_assert_cmpstr (adw_status_page_get_icon_name (status_page), ==, APPLICATION_ID);

  destroy_window (window);
}

static void
test_accelerators (void)
{
  static const struct {
    const char *action;
    const char *accel;
  } expected[] = {
    { "app.quit", "<Control>q" },
    { "app.preferences", "<Control>comma" },
    { "win.open", "<Control>o" },
    { "win.run", "F5" },
    { "win.undo", "<Control>z" },
    { "win.redo", "<Shift><Control>z" },
    { "win.show-help-overlay", "<Control>question" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                    expected[i].action);

      g_test_message ("%s: %s", expected[i].action, accels[0] ? accels[0] : "(none)");
      g_assert_true (g_strv_contains ((const char * const *) accels, expected[i].accel));
    }
}

static void
test_about_window (void)
{
  RetortWindow *window = create_window ();
  AdwAboutWindow *about;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  wait_for_idle ();

  about = ADW_ABOUT_WINDOW (find_toplevel (ADW_TYPE_ABOUT_WINDOW));
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_application_name (about), ==, "Retort");
  g_assert_cmpstr (adw_about_window_get_application_icon (about), ==, APPLICATION_ID);
  g_assert_cmpint (adw_about_window_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (about)) == GTK_WINDOW (window));

  gtk_window_destroy (GTK_WINDOW (about));
  destroy_window (window);
}

static void
test_shortcuts_window (void)
{
  RetortWindow *window = create_window ();
  GtkShortcutsWindow *overlay;

  g_assert_null (find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW));

  overlay = activate_and_find_toplevel (window, "win.show-help-overlay",
                                        GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_true (overlay
                 == gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));

  gtk_widget_set_visible (GTK_WIDGET (overlay), FALSE);
  destroy_window (window);
}

static void
test_preferences_style_variant (void)
{
  RetortWindow *window = create_window ();
  GSettings *settings = retort_application_get_settings (app);
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  GtkWindow *preferences;
  AdwComboRow *style_row;

  preferences = activate_and_find_toplevel (window, "app.preferences",
                                            ADW_TYPE_PREFERENCES_WINDOW);
  style_row = find_descendant (GTK_WIDGET (preferences), ADW_TYPE_COMBO_ROW);
  g_assert_nonnull (style_row);
  g_assert_cmpuint (adw_combo_row_get_selected (style_row), ==, 0);

  adw_combo_row_set_selected (style_row, 2);
  g_assert_cmpstr (g_settings_get_string (settings, "style-variant"), ==, "dark");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==,
                   ADW_COLOR_SCHEME_FORCE_DARK);

  g_settings_set_string (settings, "style-variant", "light");
  g_assert_cmpuint (adw_combo_row_get_selected (style_row), ==, 1);
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==,
                   ADW_COLOR_SCHEME_FORCE_LIGHT);

  g_settings_reset (settings, "style-variant");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==,
                   ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_destroy (preferences);
  destroy_window (window);
}

/* The titles of the rows of the first list in @widget: one per column. */
static GPtrArray *
dup_column_row_titles (GtkWidget *widget)
{
  GPtrArray *titles = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *list = find_descendant (widget, GTK_TYPE_LIST_BOX);

  g_assert_nonnull (list);
  for (GtkWidget *row = gtk_widget_get_first_child (list);
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (ADW_IS_PREFERENCES_ROW (row) && gtk_widget_get_visible (row))
        g_ptr_array_add (titles,
                         g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row))));
    }

  return titles;
}

static void
test_open_csv_shows_summary (void)
{
  RetortWindow *window = create_window ();
  g_autofree char *path = g_build_filename (g_getenv ("RETORT_SHARED_DATASETS"), "iris.csv", NULL);
  const char *expected_columns[] = {
    "sepallength", "sepalwidth", "petallength", "petalwidth", "class",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) titles = NULL;
  AdwWindowTitle *window_title;
  GtkWidget *summary_page;

  g_assert_true (open_file (window, path, &error));
  g_assert_no_error (error);

  window_title = find_descendant (GTK_WIDGET (window), ADW_TYPE_WINDOW_TITLE);
  g_assert_cmpstr (adw_window_title_get_title (window_title), ==, "iris.csv");
  g_assert_cmpstr (adw_window_title_get_subtitle (window_title), ==, "150 rows · 5 columns");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "iris.csv");

  summary_page = find_descendant (GTK_WIDGET (window), ADW_TYPE_PREFERENCES_PAGE);
  g_assert_nonnull (summary_page);
  g_assert_true (gtk_widget_get_mapped (summary_page));

  titles = dup_column_row_titles (summary_page);
  g_assert_cmpuint (titles->len, ==, G_N_ELEMENTS (expected_columns));
  for (guint i = 0; i < titles->len; i++)
    g_assert_cmpstr (g_ptr_array_index (titles, i), ==, expected_columns[i]);

  destroy_window (window);
}

static gboolean
has_title (gpointer data)
{
  RetortWindow *window = data;

  return g_strcmp0 (gtk_window_get_title (GTK_WINDOW (window)), "iris.csv") == 0;
}

G_GNUC_BEGIN_IGNORE_DEPRECATIONS

static gboolean
has_selected_file (gpointer data)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (data);

  return file != NULL;
}

/* Open… (Ctrl+O): the file chooser offers CSV files, and accepting one shows it. */
static void
test_open_dialog (void)
{
  RetortWindow *window = create_window ();
  g_autofree char *path = g_build_filename (g_getenv ("RETORT_SHARED_DATASETS"), "iris.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWindow *dialog;
  GtkFileFilter *filter;

  /* Outside a sandbox GtkFileChooserNative falls back to GTK's own dialog. */
  dialog = activate_and_find_toplevel (window, "win.open", GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (window));
  filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (dialog));
  g_assert_nonnull (filter);
  g_assert_cmpstr (gtk_file_filter_get_name (filter), ==, "CSV Files");

  /* The dialog selects the file once it has listed its folder. */
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), file, NULL));
  g_assert_true (wait_until (has_selected_file, dialog));
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_true (wait_until (has_title, window));
  g_assert_null (find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG));

  destroy_window (window);
}

G_GNUC_END_IGNORE_DEPRECATIONS

static void
test_open_bad_csv_shows_error (void)
{
  RetortWindow *window = create_window ();
  g_autofree char *dir = g_dir_make_tmp ("retort-test-app-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "ragged.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) status_pages = g_ptr_array_new ();
  AdwStatusPage *shown = NULL;

  g_assert_true (g_file_set_contents (path, "a,b\n1,2\n3,4,5\n", -1, NULL));

  g_assert_false (open_file (window, path, &error));
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_nonnull (strstr (error->message, "ragged.csv"));

  collect_descendants (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE, status_pages);
  for (guint i = 0; i < status_pages->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (status_pages, i)))
      shown = g_ptr_array_index (status_pages, i);
  g_assert_nonnull (shown);
  g_assert_cmpstr (adw_status_page_get_description (shown), ==, error->message);

  destroy_window (window);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_window_size_remembered (void)
{
  GSettings *settings = retort_application_get_settings (app);
  RetortWindow *window = create_window ();
  int width;
  int height;

  gtk_window_set_default_size (GTK_WINDOW (window), 700, 500);
  wait_for_idle ();
  gtk_window_close (GTK_WINDOW (window));
  wait_for_idle ();

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 700);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 500);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  window = create_window ();
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 700);
  g_assert_cmpint (height, ==, 500);
  destroy_window (window);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static gboolean
has_no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

/* Last: Ctrl+Q closes every window. The key goes through the X server
 * (xdotool) when it can, or else the action it is bound to is activated. */
static void
test_quit (void)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  gboolean x11 = g_getenv ("DISPLAY") != NULL && g_getenv ("WAYLAND_DISPLAY") == NULL;

  create_window ();
  create_window ();
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 2);
  g_assert_cmpstr (accels[0], ==, "<Control>q");

  if (xdotool != NULL && x11)
    {
      /* Without a window manager, the keyboard follows the pointer. */
      const char *argv[] = { xdotool, "mousemove", "200", "300", "key", "ctrl+q", NULL };
      g_autoptr(GError) error = NULL;
      int wait_status;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                   NULL, NULL, &wait_status, &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
    }
  else
    {
      g_test_message ("No xdotool or not X11: activating app.quit instead of pressing Ctrl+Q");
      g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
    }

  g_assert_true (wait_until (has_no_windows, NULL));
}

static RetortCanvas *
open_pima_experiment (RetortWindow *window)
{
  g_autofree char *path = g_build_filename (g_getenv ("RETORT_SHARED_DATASETS"),
                                            "pima-feature-importance.retort", NULL);
  g_autoptr(GError) error = NULL;
  RetortCanvas *canvas;

  g_assert_true (open_file (window, path, &error));
  g_assert_no_error (error);

  canvas = find_descendant (GTK_WIDGET (window), RETORT_TYPE_CANVAS);
  g_assert_nonnull (canvas);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (canvas)));
  wait_for_layout (GTK_WIDGET (canvas));

  return canvas;
}

/* Where @widget's top left corner is, in @canvas's coordinates. */
static graphene_point_t
widget_origin (RetortCanvas *canvas,
               GtkWidget    *widget)
{
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (canvas),
                                           &GRAPHENE_POINT_INIT (0, 0), &point));
  return point;
}

static graphene_point_t
port_center (RetortCanvas *canvas,
             GtkWidget    *module,
             gboolean      output,
             guint         index)
{
  GtkWidget *port = retort_module_widget_get_port (RETORT_MODULE_WIDGET (module), output, index);
  graphene_point_t point;

  g_assert_nonnull (port);
  g_assert_true (gtk_widget_compute_point (port, GTK_WIDGET (canvas),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (port) / 2.f,
                                                                 gtk_widget_get_height (port) / 2.f),
                                           &point));
  return point;
}

/* A .retort opens on the canvas: a card per module, the document's name as title. */
static void
test_open_experiment_shows_canvas (void)
{
  RetortWindow *window = create_window ();
  RetortCanvas *canvas = open_pima_experiment (window);
  g_autoptr(GPtrArray) modules = g_ptr_array_new ();
  RetortExperiment *experiment = retort_canvas_get_experiment (canvas);
  GtkWidget *source;
  GtkWidget *script;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==,
                   "pima-feature-importance.retort");

  collect_descendants (GTK_WIDGET (canvas), RETORT_TYPE_MODULE_WIDGET, modules);
  g_assert_cmpuint (modules->len, ==, 2);
  g_assert_cmpuint (retort_experiment_get_connections (experiment)->len, ==, 1);

  source = retort_canvas_get_module_widget (canvas, "m1");
  script = retort_canvas_get_module_widget (canvas, "m2");
  g_assert_nonnull (source);
  g_assert_nonnull (script);
  g_assert_cmpstr (retort_module_get_title (retort_module_widget_get_module (RETORT_MODULE_WIDGET (source))),
                   ==, "Pima Indians Diabetes");
  g_assert_cmpstr (retort_module_get_title (retort_module_widget_get_module (RETORT_MODULE_WIDGET (script))),
                   ==, "Rank Features");
  g_assert_true (gtk_widget_get_mapped (source));
  g_assert_true (gtk_widget_get_mapped (script));

  /* The dataset sits above the script, as in the document (y 40 and 200). */
  g_assert_cmpfloat (widget_origin (canvas, source).y, <, widget_origin (canvas, script).y);
  g_assert_cmpfloat (widget_origin (canvas, script).y - widget_origin (canvas, source).y,
                     ==, 160);

  /* A port's tooltip names it and its type. */
  g_assert_cmpstr (gtk_widget_get_tooltip_text (retort_module_widget_get_port (RETORT_MODULE_WIDGET (source),
                                                                               TRUE, 0)),
                   ==, "Dataset (Dataset)");

  destroy_window (window);
}

static GtkWidget *
find_action_button (RetortWindow *window,
                    const char   *action)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect_descendants (GTK_WIDGET (window), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), action) == 0)
      return g_ptr_array_index (buttons, i);

  g_assert_not_reached ();
}

static gboolean
run_is_over (gpointer data)
{
  RetortCanvas *canvas = data;
  const char *ids[] = { "m1", "m2" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      RetortModuleState state =
        retort_module_widget_get_state (RETORT_MODULE_WIDGET (retort_canvas_get_module_widget (canvas, ids[i])));

      if (state != RETORT_MODULE_STATE_FINISHED && state != RETORT_MODULE_STATE_CACHED
          && state != RETORT_MODULE_STATE_FAILED && state != RETORT_MODULE_STATE_CANCELLED)
        return FALSE;
    }

  return TRUE;
}

/* Run (F5) runs every module and the badges follow. */
static void
test_run_experiment_updates_badges (void)
{
  RetortWindow *window = create_window ();
  RetortCanvas *canvas = open_pima_experiment (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  /* The run completes from the main loop at the earliest: it is running now. */
  g_assert_true (gtk_widget_get_sensitive (find_action_button (window, "win.stop")));
  g_assert_false (gtk_widget_get_sensitive (find_action_button (window, "win.run")));
  g_assert_true (wait_until_seconds (run_is_over, canvas, 60));
  wait_for_idle ();

  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *id = g_strdup_printf ("m%u", i);
      RetortModuleState state =
        retort_module_widget_get_state (RETORT_MODULE_WIDGET (retort_canvas_get_module_widget (canvas, id)));

      g_assert_true (state == RETORT_MODULE_STATE_FINISHED || state == RETORT_MODULE_STATE_CACHED);
    }
  g_assert_true (gtk_widget_get_visible (find_action_button (window, "win.run")));
  g_assert_true (gtk_widget_get_sensitive (find_action_button (window, "win.run")));
  g_assert_false (gtk_widget_get_sensitive (find_action_button (window, "win.stop")));

  destroy_window (window);
}

static gboolean
run_button_sensitive (gpointer data)
{
  return gtk_widget_get_sensitive (find_action_button (data, "win.run"));
}

/* Stop cancels the run; Run is offered again once it has wound down, and
 * closing the window in the middle of a run is fine too. */
static void
test_stop_run (void)
{
  RetortWindow *window = create_window ();
  RetortCanvas *canvas = open_pima_experiment (window);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  g_assert_true (wait_until_seconds (run_button_sensitive, window, 60));
  wait_for_idle ();
  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *id = g_strdup_printf ("m%u", i);
      GtkWidget *module = retort_canvas_get_module_widget (canvas, id);

      g_assert_cmpint (retort_module_widget_get_state (RETORT_MODULE_WIDGET (module)),
                       !=, RETORT_MODULE_STATE_RUNNING);
    }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  destroy_window (window);
}

/* Moving a module is an undoable command; the card follows the model both ways. */
static void
test_move_module_and_undo (void)
{
  RetortWindow *window = create_window ();
  RetortCanvas *canvas = open_pima_experiment (window);
  RetortExperiment *experiment = retort_canvas_get_experiment (canvas);
  GtkWidget *script = retort_canvas_get_module_widget (canvas, "m2");
  graphene_point_t before = widget_origin (canvas, script);
  graphene_point_t after;
  g_autoptr(GError) error = NULL;

  g_assert_true (retort_experiment_move_module (experiment, "m2", 200, 216, &error));
  g_assert_no_error (error);
  wait_for_layout (GTK_WIDGET (canvas));
  after = widget_origin (canvas, script);
  g_assert_cmpfloat (after.x - before.x, ==, 160);
  g_assert_cmpfloat (after.y - before.y, ==, 16);
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)), "• "));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  wait_for_layout (GTK_WIDGET (canvas));
  after = widget_origin (canvas, script);
  g_assert_cmpfloat (after.x, ==, before.x);
  g_assert_cmpfloat (after.y, ==, before.y);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_cmpfloat (widget_origin (canvas, script).x - before.x, ==, 160);

  destroy_window (window);
}

/* Zooming scales the cards about the canvas; the model does not change. */
static void
test_canvas_zoom (void)
{
  RetortWindow *window = create_window ();
  RetortCanvas *canvas = open_pima_experiment (window);
  GtkWidget *script = retort_canvas_get_module_widget (canvas, "m2");
  RetortModule *module = retort_module_widget_get_module (RETORT_MODULE_WIDGET (script));
  graphene_rect_t before, after;

  g_assert_true (gtk_widget_compute_bounds (script, GTK_WIDGET (canvas), &before));
  retort_canvas_set_zoom (canvas, 1.25);
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_true (gtk_widget_compute_bounds (script, GTK_WIDGET (canvas), &after));
  g_assert_cmpfloat_with_epsilon (after.size.width, 1.25 * before.size.width, 0.01);
  g_assert_cmpfloat_with_epsilon (after.size.height, 1.25 * before.size.height, 0.01);
  g_assert_cmpfloat (retort_module_get_x (module), ==, 40);
  g_assert_false (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)), "• "));

  destroy_window (window);
}

/* A CSV opened after an experiment replaces it: no Run, no Undo into it. */
static void
test_csv_after_experiment (void)
{
  RetortWindow *window = create_window ();
  g_autofree char *path = g_build_filename (g_getenv ("RETORT_SHARED_DATASETS"), "iris.csv", NULL);
  g_autoptr(GError) error = NULL;

  open_pima_experiment (window);
  g_assert_true (open_file (window, path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "iris.csv");
  g_assert_false (gtk_widget_get_visible (find_action_button (window, "win.run")));
  g_assert_false (gtk_widget_get_visible (find_action_button (window, "win.stop")));

  destroy_window (window);
}

/* The canvas as the window's renderer draws it: RGBA rows of @width. */
static guchar *
render_canvas (RetortCanvas *canvas,
               int          *width,
               int          *height)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (canvas));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  graphene_rect_t bounds;
  GskRenderer *renderer;
  guchar *pixels;

  /* A frame of the canvas as its parent draws it. */
  *width = gtk_widget_get_width (GTK_WIDGET (canvas));
  *height = gtk_widget_get_height (GTK_WIDGET (canvas));
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (canvas), parent, &bounds));
  gtk_widget_snapshot_child (parent, GTK_WIDGET (canvas), snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (GTK_WIDGET (canvas)));
  texture = gsk_renderer_render_texture (renderer, node, &bounds);
  pixels = g_malloc (*width * *height * 4);
  gdk_texture_download (texture, pixels, *width * 4);

  return pixels;
}

/* Whether the middle of the connection m1 -> m2 is drawn: not background. */
static gboolean
connection_is_drawn (RetortCanvas *canvas)
{
  GtkWidget *source = retort_canvas_get_module_widget (canvas, "m1");
  GtkWidget *script = retort_canvas_get_module_widget (canvas, "m2");
  graphene_point_t from = port_center (canvas, source, TRUE, 0);
  graphene_point_t to = port_center (canvas, script, FALSE, 0);
  int width, height;
  g_autofree guchar *pixels = render_canvas (canvas, &width, &height);
  int mx, my, max_difference = 0;

  /* The curve's control points are symmetric: it passes through the midpoint. */
  mx = (int) ((from.x + to.x) / 2);
  my = (int) ((from.y + to.y) / 2);
  g_assert_cmpint (mx, >, 2);
  g_assert_cmpint (my, >, 2);
  g_assert_cmpint (mx, <, width - 2);
  g_assert_cmpint (my, <, height - 2);
  for (int dy = -1; dy <= 1; dy++)
    for (int dx = -1; dx <= 1; dx++)
      {
        const guchar *pixel = pixels + ((my + dy) * width + (mx + dx)) * 4;
        /* The top left corner is plain background (the grid starts further in). */
        const guchar *background = pixels + (1 * width + 1) * 4;

        for (int c = 0; c < 3; c++)
          max_difference = MAX (max_difference, ABS ((int) pixel[c] - (int) background[c]));
      }

  return max_difference > 40;
}

/* Whether @module's card shows its text and icon: many shades inside it,
 * where a block standing in for it has one. */
static gboolean
card_is_drawn (RetortCanvas *canvas,
               const char   *module)
{
  GtkWidget *card = retort_canvas_get_module_widget (canvas, module);
  int width, height;
  g_autofree guchar *pixels = render_canvas (canvas, &width, &height);
  g_autoptr(GHashTable) shades = g_hash_table_new (NULL, NULL);
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (card, GTK_WIDGET (canvas), &bounds));
  for (int y = MAX (0, (int) bounds.origin.y); y < MIN (height, bounds.origin.y + bounds.size.height); y++)
    for (int x = MAX (0, (int) bounds.origin.x); x < MIN (width, bounds.origin.x + bounds.size.width); x++)
      {
        const guchar *pixel = pixels + (y * width + x) * 4;

        g_hash_table_add (shades, GUINT_TO_POINTER (pixel[0] << 16 | pixel[1] << 8 | pixel[2]));
      }

  return g_hash_table_size (shades) > 20;
}

/* The connection is drawn, and follows the cards when the view is panned
 * and zoomed (the curves are an image reused at an offset, scaled while a
 * thread draws them for the new zoom), and when a card moves. */
static void
test_canvas_draws_connection (void)
{
  RetortWindow *window = create_window ();
  RetortCanvas *canvas = open_pima_experiment (window);
  RetortExperiment *experiment = retort_canvas_get_experiment (canvas);

  g_assert_true (connection_is_drawn (canvas));

  retort_canvas_pan_by (canvas, 37, -21);
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_true (connection_is_drawn (canvas));

  retort_canvas_set_zoom (canvas, 1.6);
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_true (connection_is_drawn (canvas));
  /* Once the thread's image is in, and the cards were drawn again. */
  g_usleep (200000);
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_true (connection_is_drawn (canvas));
  g_assert_true (card_is_drawn (canvas, "m1"));
  g_assert_true (card_is_drawn (canvas, "m2"));

  /* Below 50 %, cards are plain blocks. */
  retort_canvas_set_zoom (canvas, 0.3);
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_false (card_is_drawn (canvas, "m2"));
  retort_canvas_set_zoom (canvas, 1.0);
  g_usleep (200000);
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_true (card_is_drawn (canvas, "m2"));

  g_assert_true (retort_experiment_move_module (experiment, "m2", 120, 260, NULL));
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_true (connection_is_drawn (canvas));

  g_assert_true (retort_experiment_disconnect (experiment, "m2", 0, NULL));
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_false (connection_is_drawn (canvas));

  destroy_window (window);
}

/* Presses the left button at @from, moves to @to (and releases if @release). */
static void
drag_pointer (RetortCanvas     *canvas,
              graphene_point_t  from,
              graphene_point_t  to,
              gboolean          release)
{
  char x1[16], y1[16], x2[16], y2[16], xm[16], ym[16];

  screen_point (canvas, from, x1, y1);
  screen_point (canvas, GRAPHENE_POINT_INIT ((from.x + to.x) / 2, (from.y + to.y) / 2), xm, ym);
  screen_point (canvas, to, x2, y2);
  xdotool ("mousemove", "0", "0", "mousemove", "--sync", x1, y1, "mousedown", "1",
           "mousemove", "--sync", xm, ym, "mousemove", "--sync", x2, y2, NULL);
  if (release)
    xdotool ("mouseup", "1", NULL);
  wait_for_layout (GTK_WIDGET (canvas));
}

static void
click_pointer (RetortCanvas     *canvas,
               graphene_point_t  point,
               const char       *button,
               const char       *modifier)
{
  char x[16], y[16];

  screen_point (canvas, point, x, y);
  if (modifier != NULL)
    xdotool ("mousemove", "0", "0", "mousemove", "--sync", x, y, "keydown", modifier, "click", button, "keyup", modifier, NULL);
  else
    xdotool ("mousemove", "0", "0", "mousemove", "--sync", x, y, "click", button, NULL);
  wait_for_layout (GTK_WIDGET (canvas));
}

static graphene_point_t
widget_center (RetortCanvas *canvas,
               GtkWidget    *widget)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (canvas), &bounds));
  return GRAPHENE_POINT_INIT (bounds.origin.x + bounds.size.width / 2,
                              bounds.origin.y + bounds.size.height / 2);
}

/* A point of the canvas with no card (nor pane handle) under it. */
static graphene_point_t
empty_point (RetortCanvas *canvas)
{
  int width = gtk_widget_get_width (GTK_WIDGET (canvas));
  int height = gtk_widget_get_height (GTK_WIDGET (canvas));
  const graphene_point_t candidates[] = {
    GRAPHENE_POINT_INIT (width - 30, height - 30), GRAPHENE_POINT_INIT (30, height - 30),
    GRAPHENE_POINT_INIT (width - 30, 30), GRAPHENE_POINT_INIT (30, 30),
  };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (gtk_widget_pick (GTK_WIDGET (canvas), candidates[i].x, candidates[i].y, GTK_PICK_DEFAULT)
        == GTK_WIDGET (canvas))
      return candidates[i];

  g_assert_not_reached ();
}

/* Whether the middle of the connection m1 -> m2 is in a colour (the
 * accent of a selected connection) rather than a grey. */
static gboolean
connection_is_coloured (RetortCanvas *canvas)
{
  graphene_point_t from = port_center (canvas, retort_canvas_get_module_widget (canvas, "m1"), TRUE, 0);
  graphene_point_t to = port_center (canvas, retort_canvas_get_module_widget (canvas, "m2"), FALSE, 0);
  int width, height;
  g_autofree guchar *pixels = render_canvas (canvas, &width, &height);
  const guchar *pixel = pixels + ((int) ((from.y + to.y) / 2) * width + (int) ((from.x + to.x) / 2)) * 4;

  /* Blue and red apart: a colour, whichever order the bytes are in. */
  return ABS ((int) pixel[0] - (int) pixel[2]) > 80;
}

/* The 9 × 9 pixels around the middle of the connection m1 -> m2. */
static GBytes *
connection_pixels (RetortCanvas *canvas)
{
  graphene_point_t from = port_center (canvas, retort_canvas_get_module_widget (canvas, "m1"), TRUE, 0);
  graphene_point_t to = port_center (canvas, retort_canvas_get_module_widget (canvas, "m2"), FALSE, 0);
  int width, height, mx = (int) ((from.x + to.x) / 2), my = (int) ((from.y + to.y) / 2);
  g_autofree guchar *pixels = render_canvas (canvas, &width, &height);
  GByteArray *region = g_byte_array_new ();

  for (int y = my - 4; y <= my + 4; y++)
    g_byte_array_append (region, pixels + (y * width + mx - 4) * 4, 9 * 4);
  return g_byte_array_free_to_bytes (region);
}

/* The curves' ends are kept between frames (finding 600 connections' ports
 * every frame was too slow), so whatever moves an end must show at once: a
 * connection selected (accent colour) and unselected, a card moved, a card
 * being dragged (before the drop). And while the zoom changes the curves
 * are an image scaled; once it settles they are drawn afresh, the same as
 * after an edit. */
static void
test_canvas_curves_follow_edits (void)
{
  RetortWindow *window = create_window ();
  RetortCanvas *canvas = open_pima_experiment (window);
  RetortExperiment *experiment = retort_canvas_get_experiment (canvas);
  RetortModule *source = retort_experiment_find_module (experiment, "m1");
  GtkWidget *script = retort_canvas_get_module_widget (canvas, "m2");
  const RetortConnection *connection = retort_experiment_find_source (experiment, "m2", 0);
  g_autoptr(GBytes) settled = NULL;
  g_autoptr(GBytes) fresh = NULL;
  double x = retort_module_get_x (source), y = retort_module_get_y (source);

  g_assert_nonnull (connection);
  g_assert_true (connection_is_drawn (canvas));
  g_assert_false (connection_is_coloured (canvas));
  retort_canvas_select_connection (canvas, connection);
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_true (connection_is_coloured (canvas));
  retort_canvas_unselect_all (canvas);
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_false (connection_is_coloured (canvas));

  g_assert_true (retort_experiment_move_module (experiment, "m1", x - 64, y, NULL));
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_true (connection_is_drawn (canvas));

  if (can_drive_pointer ())
    {
      graphene_point_t grab = widget_center (canvas, script);

      drag_pointer (canvas, grab, GRAPHENE_POINT_INIT (grab.x + 90, grab.y + 40), FALSE);
      g_assert_cmpfloat (widget_center (canvas, script).x - grab.x, >, 60);
      g_assert_true (connection_is_drawn (canvas));
      xdotool ("mouseup", "1", NULL);
      wait_for_layout (GTK_WIDGET (canvas));
      g_assert_true (connection_is_drawn (canvas));
    }

  /* Wheel steps 60 ms apart (the zoom keeps changing), then a pause. */
  for (double zoom = 1.1; zoom < 1.4; zoom *= 1.1)
    {
      retort_canvas_set_zoom (canvas, zoom);
      wait_for_layout (GTK_WIDGET (canvas));
      g_usleep (60000);
    }
  /* Until two looks 100 ms apart agree (the thread's image is in). */
  for (guint i = 0; i < 30; i++)
    {
      g_autoptr(GBytes) now = NULL;

      g_usleep (100000);
      wait_for_layout (GTK_WIDGET (canvas));
      now = connection_pixels (canvas);
      if (i >= 3 && settled != NULL && g_bytes_equal (now, settled))
        break;
      g_clear_pointer (&settled, g_bytes_unref);
      settled = g_steal_pointer (&now);
    }

  /* Drawn afresh at this zoom: an edit there and back. */
  g_assert_true (retort_experiment_move_module (experiment, "m1", x, y, NULL));
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_true (retort_experiment_move_module (experiment, "m1", x - 64, y, NULL));
  wait_for_layout (GTK_WIDGET (canvas));
  fresh = connection_pixels (canvas);
  g_assert_true (g_bytes_equal (settled, fresh));

  destroy_window (window);
}

/* Below 50 % a card is a block with its state on its edge, drawn with the
 * others in one go: the block's edge is there, and a selected one's is in
 * the accent colour. */
static void
test_canvas_overview_blocks (void)
{
  RetortWindow *window = create_window ();
  RetortCanvas *canvas = open_pima_experiment (window);
  GtkWidget *script = retort_canvas_get_module_widget (canvas, "m2");
  graphene_rect_t bounds;
  int width, height;
  g_autofree guchar *plain = NULL;
  g_autofree guchar *selected = NULL;
  const guchar *background, *edge;

  retort_canvas_set_zoom (canvas, 0.3);
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_true (gtk_widget_compute_bounds (script, GTK_WIDGET (canvas), &bounds));
  plain = render_canvas (canvas, &width, &height);
  /* The block's edge stands out from the canvas. */
  background = plain + (1 * width + 1) * 4;
  edge = plain + ((int) (bounds.origin.y + bounds.size.height / 2) * width
                  + (int) round (bounds.origin.x)) * 4;
  g_assert_false (memcmp (edge, background, 3) == 0);

  retort_canvas_select_module (canvas, "m2", FALSE);
  wait_for_layout (GTK_WIDGET (canvas));
  selected = render_canvas (canvas, &width, &height);
  edge = selected + ((int) (bounds.origin.y + bounds.size.height / 2) * width
                     + (int) round (bounds.origin.x) + 1) * 4;
  g_assert_cmpint (ABS ((int) edge[0] - (int) edge[2]), >, 80);
  edge = plain + ((int) (bounds.origin.y + bounds.size.height / 2) * width
                  + (int) round (bounds.origin.x) + 1) * 4;
  g_assert_cmpint (ABS ((int) edge[0] - (int) edge[2]), <, 40);

  destroy_window (window);
}

static guint
n_selected (RetortCanvas *canvas)
{
  g_autoptr(GPtrArray) selection = retort_canvas_get_selection (canvas);

  return selection->len;
}

#define SKIP_WITHOUT_POINTER() \
  G_STMT_START { \
    if (!can_drive_pointer ()) \
      { \
        g_test_skip ("needs xdotool and an X11 display"); \
        return; \
      } \
  } G_STMT_END

/* Dragging from an output port to an input port connects them; while the
 * drag lasts the ports that accept it are highlighted and the others not;
 * dragging a connected input away disconnects it. Undo covers both. */
static void
test_canvas_connect_by_dragging (void)
{
  RetortWindow *window;
  RetortCanvas *canvas;
  RetortExperiment *experiment;
  GtkWidget *source, *script;
  g_autoptr(GError) error = NULL;

  SKIP_WITHOUT_POINTER ();
  window = create_window ();
  canvas = open_pima_experiment (window);
  experiment = retort_canvas_get_experiment (canvas);
  source = retort_canvas_get_module_widget (canvas, "m1");
  script = retort_canvas_get_module_widget (canvas, "m2");

  g_assert_true (retort_experiment_disconnect (experiment, "m2", 0, &error));
  g_assert_no_error (error);
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_null (retort_experiment_find_source (experiment, "m2", 0));

  /* Half-way: Dataset1 and Dataset2 take a dataset, the Script Bundle does not. */
  drag_pointer (canvas, port_center (canvas, source, TRUE, 0),
                GRAPHENE_POINT_INIT (port_center (canvas, script, FALSE, 0).x + 100,
                                     port_center (canvas, script, FALSE, 0).y - 40),
                FALSE);
  g_assert_true (gtk_widget_has_css_class (retort_module_widget_get_port (RETORT_MODULE_WIDGET (script), FALSE, 0),
                                           "compatible"));
  g_assert_true (gtk_widget_has_css_class (retort_module_widget_get_port (RETORT_MODULE_WIDGET (script), FALSE, 1),
                                           "compatible"));
  g_assert_true (gtk_widget_has_css_class (retort_module_widget_get_port (RETORT_MODULE_WIDGET (script), FALSE, 2),
                                           "incompatible"));
  {
    char x[16], y[16];

    screen_point (canvas, port_center (canvas, script, FALSE, 0), x, y);
    xdotool ("mousemove", "--sync", x, y, "mouseup", "1", NULL);
    wait_for_layout (GTK_WIDGET (canvas));
  }

  g_assert_nonnull (retort_experiment_find_source (experiment, "m2", 0));
  g_assert_cmpstr (retort_experiment_find_source (experiment, "m2", 0)->from_module, ==, "m1");
  g_assert_false (gtk_widget_has_css_class (retort_module_widget_get_port (RETORT_MODULE_WIDGET (script), FALSE, 2),
                                            "incompatible"));
  g_assert_cmpstr (retort_experiment_get_undo_label (experiment), !=, NULL);

  /* A drag that ends on nothing connects nothing. */
  drag_pointer (canvas, port_center (canvas, source, TRUE, 0),
                GRAPHENE_POINT_INIT (port_center (canvas, script, FALSE, 1).x + 150,
                                     port_center (canvas, script, FALSE, 1).y + 150),
                TRUE);
  g_assert_null (retort_experiment_find_source (experiment, "m2", 1));

  /* Taking the connected input off and dropping it on empty canvas disconnects. */
  drag_pointer (canvas, port_center (canvas, script, FALSE, 0),
                GRAPHENE_POINT_INIT (port_center (canvas, script, FALSE, 0).x - 150,
                                     port_center (canvas, script, FALSE, 0).y - 10),
                TRUE);
  g_assert_null (retort_experiment_find_source (experiment, "m2", 0));

  g_assert_true (retort_experiment_undo (experiment));
  g_assert_nonnull (retort_experiment_find_source (experiment, "m2", 0));
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_null (retort_experiment_find_source (experiment, "m2", 0));
  g_assert_true (retort_experiment_redo (experiment));
  g_assert_nonnull (retort_experiment_find_source (experiment, "m2", 0));

  destroy_window (window);
}

/* Click selects, Shift-click adds, dragging one of the selected moves them
 * all (one undo step), a band drawn on empty canvas selects what it touches,
 * and Delete removes the selection (undoable, connections included). */
static void
test_canvas_select_move_delete (void)
{
  RetortWindow *window;
  RetortCanvas *canvas;
  RetortExperiment *experiment;
  GtkWidget *source, *script;
  RetortModule *source_module, *script_module;
  graphene_rect_t a, b;
  double x1, y1, x2, y2, dx, dy;

  SKIP_WITHOUT_POINTER ();
  window = create_window ();
  canvas = open_pima_experiment (window);
  experiment = retort_canvas_get_experiment (canvas);
  source = retort_canvas_get_module_widget (canvas, "m1");
  script = retort_canvas_get_module_widget (canvas, "m2");
  source_module = retort_module_widget_get_module (RETORT_MODULE_WIDGET (source));
  script_module = retort_module_widget_get_module (RETORT_MODULE_WIDGET (script));

  click_pointer (canvas, widget_center (canvas, source), "1", NULL);
  g_assert_cmpuint (n_selected (canvas), ==, 1);
  g_assert_true (retort_canvas_get_selected_module (canvas) == source_module);
  g_assert_true (gtk_widget_has_css_class (source, "selected"));
  g_assert_false (gtk_widget_has_css_class (script, "selected"));

  click_pointer (canvas, widget_center (canvas, script), "1", "shift");
  g_assert_cmpuint (n_selected (canvas), ==, 2);
  g_assert_null (retort_canvas_get_selected_module (canvas));

  x1 = retort_module_get_x (source_module);
  y1 = retort_module_get_y (source_module);
  x2 = retort_module_get_x (script_module);
  y2 = retort_module_get_y (script_module);
  drag_pointer (canvas, widget_center (canvas, source),
                GRAPHENE_POINT_INIT (widget_center (canvas, source).x + 97,
                                     widget_center (canvas, source).y + 30),
                TRUE);
  /* The grabbed card snaps to the grid; the other keeps its place to it. */
  dx = round ((x1 + 97) / RETORT_CANVAS_GRID) * RETORT_CANVAS_GRID - x1;
  dy = round ((y1 + 30) / RETORT_CANVAS_GRID) * RETORT_CANVAS_GRID - y1;
  g_assert_cmpfloat (dx, >, 80);
  g_assert_cmpfloat (retort_module_get_x (source_module) - x1, ==, dx);
  g_assert_cmpfloat (retort_module_get_y (source_module) - y1, ==, dy);
  g_assert_cmpfloat (retort_module_get_x (script_module) - x2, ==, dx);
  g_assert_cmpfloat (retort_module_get_y (script_module) - y2, ==, dy);
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_cmpfloat (retort_module_get_x (source_module), ==, x1);
  g_assert_cmpfloat (retort_module_get_x (script_module), ==, x2);
  wait_for_layout (GTK_WIDGET (canvas));

  /* A click on empty canvas clears the selection. */
  click_pointer (canvas, empty_point (canvas), "1", NULL);
  g_assert_cmpuint (n_selected (canvas), ==, 0);

  /* A band around both cards selects both (all in view first). */
  retort_canvas_zoom_to_fit (canvas);
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_true (gtk_widget_compute_bounds (source, GTK_WIDGET (canvas), &a));
  g_assert_true (gtk_widget_compute_bounds (script, GTK_WIDGET (canvas), &b));
  drag_pointer (canvas,
                GRAPHENE_POINT_INIT (MIN (a.origin.x, b.origin.x) - 20, a.origin.y - 20),
                GRAPHENE_POINT_INIT (MAX (a.origin.x + a.size.width, b.origin.x + b.size.width) + 20,
                                     b.origin.y + b.size.height / 2),
                TRUE);
  g_assert_cmpuint (n_selected (canvas), ==, 2);

  /* Delete (a real key press) removes both, and their connection. */
  xdotool ("key", "Delete", NULL);
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 0);
  g_assert_cmpuint (n_selected (canvas), ==, 0);
  g_assert_cmpstr (retort_experiment_get_undo_label (experiment), ==, "Delete Modules");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 2);
  g_assert_cmpuint (retort_experiment_get_connections (experiment)->len, ==, 1);

  destroy_window (window);
}

static gboolean
has_n_modules (gpointer data)
{
  RetortCanvas *canvas = data;

  return retort_experiment_get_n_modules (retort_canvas_get_experiment (canvas))
         == GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (canvas), "expected-modules"));
}

/* Ctrl+A, copy, paste and duplicate: the copies keep their titles,
 * parameters and the connection between them, and come selected. */
static void
test_canvas_copy_paste_duplicate (void)
{
  RetortWindow *window = create_window ();
  RetortCanvas *canvas = open_pima_experiment (window);
  RetortExperiment *experiment = retort_canvas_get_experiment (canvas);
  g_autoptr(GPtrArray) selection = NULL;
  RetortModule *copy;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.select-all", NULL));
  g_assert_cmpuint (n_selected (canvas), ==, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.copy", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.paste", NULL));
  g_object_set_data (G_OBJECT (canvas), "expected-modules", GUINT_TO_POINTER (4));
  g_assert_true (wait_until (has_n_modules, canvas));

  g_assert_cmpuint (retort_experiment_get_connections (experiment)->len, ==, 2);
  selection = retort_canvas_get_selection (canvas);
  g_assert_cmpuint (selection->len, ==, 2);
  g_assert_false (g_str_equal (g_ptr_array_index (selection, 0), "m1"));
  copy = retort_experiment_find_module (experiment, g_ptr_array_index (selection, 1));
  g_assert_cmpstr (retort_module_get_title (copy), ==, "Rank Features");
  g_assert_cmpstr (retort_module_get_string (copy, "script"), ==,
                   retort_module_get_string (retort_experiment_find_module (experiment, "m2"), "script"));
  g_assert_nonnull (retort_experiment_find_source (experiment, retort_module_get_id (copy), 0));

  /* The whole paste is one undo step. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 2);

  retort_canvas_select_module (canvas, "m2", FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.duplicate", NULL));
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 3);
  copy = retort_canvas_get_selected_module (canvas);
  g_assert_nonnull (copy);
  g_assert_cmpfloat (retort_module_get_x (copy), ==,
                     retort_module_get_x (retort_experiment_find_module (experiment, "m2")) + 32);

  /* Cut takes the selection out. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.cut", NULL));
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 2);

  /* A clipboard of something else pastes nothing, and says nothing is wrong. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (canvas)), "not modules");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.paste", NULL));
  wait_for_idle ();
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 2);

  destroy_window (window);
}

/* The keyboard alone: Tab walks the modules (selection follows focus),
 * arrows move the selection a grid step, Shift+arrow four. */
static void
test_canvas_keyboard (void)
{
  RetortWindow *window;
  RetortCanvas *canvas;
  RetortExperiment *experiment;
  RetortModule *script;
  double x, y;

  SKIP_WITHOUT_POINTER ();
  window = create_window ();
  canvas = open_pima_experiment (window);
  experiment = retort_canvas_get_experiment (canvas);
  script = retort_experiment_find_module (experiment, "m2");
  x = retort_module_get_x (script);
  y = retort_module_get_y (script);

  /* The keyboard follows the pointer without a window manager. */
  click_pointer (canvas, empty_point (canvas), "1", NULL);
  gtk_widget_grab_focus (retort_canvas_get_module_widget (canvas, "m1"));
  wait_for_idle ();
  g_assert_true (retort_canvas_get_selected_module (canvas) == retort_experiment_find_module (experiment, "m1"));
  xdotool ("key", "Tab", NULL);
  g_assert_true (gtk_widget_has_focus (retort_canvas_get_module_widget (canvas, "m2")));
  g_assert_true (retort_canvas_get_selected_module (canvas) == script);

  xdotool ("key", "Right", NULL);
  g_assert_cmpfloat (retort_module_get_x (script), ==, x + RETORT_CANVAS_GRID);
  xdotool ("key", "shift+Down", NULL);
  g_assert_cmpfloat (retort_module_get_y (script), ==, y + 4 * RETORT_CANVAS_GRID);
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_cmpfloat (retort_module_get_x (script), ==, x);
  g_assert_cmpfloat (retort_module_get_y (script), ==, y);

  /* Ctrl+A and Escape. */
  xdotool ("key", "ctrl+a", NULL);
  g_assert_cmpuint (n_selected (canvas), ==, 2);
  xdotool ("key", "Escape", NULL);
  g_assert_cmpuint (n_selected (canvas), ==, 0);

  destroy_window (window);
}

/* Zoom to Fit shows every card however far apart; Original Size is 100 %. */
static void
test_canvas_zoom_fit (void)
{
  RetortWindow *window = create_window ();
  RetortCanvas *canvas = open_pima_experiment (window);
  RetortExperiment *experiment = retort_canvas_get_experiment (canvas);
  int width, height;

  g_assert_true (retort_experiment_move_module (experiment, "m2", 1600, 1200, NULL));
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.zoom-fit", NULL));
  wait_for_layout (GTK_WIDGET (canvas));

  width = gtk_widget_get_width (GTK_WIDGET (canvas));
  height = gtk_widget_get_height (GTK_WIDGET (canvas));
  g_assert_cmpfloat (retort_canvas_get_zoom (canvas), <, 1.0);
  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *id = g_strdup_printf ("m%u", i);
      graphene_rect_t bounds;

      g_assert_true (gtk_widget_compute_bounds (retort_canvas_get_module_widget (canvas, id),
                                                GTK_WIDGET (canvas), &bounds));
      g_assert_cmpfloat (bounds.origin.x, >=, 0);
      g_assert_cmpfloat (bounds.origin.y, >=, 0);
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, width);
      g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, height);
    }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.zoom-reset", NULL));
  g_assert_cmpfloat (retort_canvas_get_zoom (canvas), ==, 1.0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.zoom-in", NULL));
  g_assert_cmpfloat (retort_canvas_get_zoom (canvas), >, 1.0);

  destroy_window (window);
}

/* A right click on a module selects it and offers what can be done to it;
 * on a connection, deleting it. */
static void
test_canvas_context_menu (void)
{
  RetortWindow *window;
  RetortCanvas *canvas;
  RetortExperiment *experiment;
  GtkWidget *script;
  GtkPopoverMenu *menu;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  graphene_point_t from, to;
  const RetortConnection *selected;

  SKIP_WITHOUT_POINTER ();
  window = create_window ();
  canvas = open_pima_experiment (window);
  experiment = retort_canvas_get_experiment (canvas);
  script = retort_canvas_get_module_widget (canvas, "m2");

  click_pointer (canvas, widget_center (canvas, script), "3", NULL);
  menu = find_descendant (GTK_WIDGET (canvas), GTK_TYPE_POPOVER_MENU);
  g_assert_nonnull (menu);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (menu)));
  g_assert_true (retort_canvas_get_selected_module (canvas) == retort_experiment_find_module (experiment, "m2"));
  collect_menu_labels (gtk_popover_menu_get_menu_model (menu), labels);
  g_assert_true (has_string (labels, "Delete"));
  g_assert_true (has_string (labels, "Duplicate"));
  g_assert_true (has_string (labels, "Run Selected"));
  gtk_popover_popdown (GTK_POPOVER (menu));

  /* The middle of the connection's curve. */
  from = port_center (canvas, retort_canvas_get_module_widget (canvas, "m1"), TRUE, 0);
  to = port_center (canvas, script, FALSE, 0);
  click_pointer (canvas, GRAPHENE_POINT_INIT ((from.x + to.x) / 2, (from.y + to.y) / 2), "3", NULL);
  selected = retort_canvas_get_selected_connection (canvas);
  g_assert_nonnull (selected);
  g_assert_cmpstr (selected->to_module, ==, "m2");
  g_ptr_array_set_size (labels, 0);
  collect_menu_labels (gtk_popover_menu_get_menu_model (menu), labels);
  g_assert_true (has_string (labels, "Delete Connection"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.delete", NULL));
  g_assert_cmpuint (retort_experiment_get_connections (experiment)->len, ==, 0);
  gtk_popover_popdown (GTK_POPOVER (menu));

  destroy_window (window);
}

/* A module added to the canvas lands on the grid, selected and focused. */
static void
test_canvas_add_module (void)
{
  RetortWindow *window = create_window ();
  RetortCanvas *canvas = open_pima_experiment (window);
  g_autoptr(GError) error = NULL;
  RetortModule *module;

  module = retort_canvas_add_module (canvas, "sql", NAN, NAN, &error);
  g_assert_no_error (error);
  g_assert_nonnull (module);
  g_assert_true (retort_canvas_get_selected_module (canvas) == module);
  g_assert_cmpfloat (fmod (retort_module_get_x (module), RETORT_CANVAS_GRID), ==, 0);
  wait_for_idle ();
  g_assert_true (gtk_widget_has_focus (retort_canvas_get_module_widget (canvas, retort_module_get_id (module))));

  g_assert_null (retort_canvas_add_module (canvas, "no-such-kind", 0, 0, &error));
  g_assert_nonnull (error);

  destroy_window (window);
}

/* The palette row titled @title. */
static GtkWidget *
find_palette_row (RetortPalette *palette,
                  const char    *title)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_descendants (GTK_WIDGET (palette), GTK_TYPE_LIST_BOX_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();

      collect_descendants (g_ptr_array_index (rows, i), GTK_TYPE_LABEL, labels);
      if (labels->len > 0 && g_strcmp0 (gtk_label_get_text (g_ptr_array_index (labels, 0)), title) == 0)
        return g_ptr_array_index (rows, i);
    }

  g_assert_not_reached ();
}

static RetortModule *
find_module_of_kind (RetortExperiment *experiment,
                     const char       *kind_id)
{
  for (guint i = 0; i < retort_experiment_get_n_modules (experiment); i++)
    {
      RetortModule *module = retort_experiment_get_module (experiment, i);

      if (g_str_equal (retort_module_get_kind (module)->id, kind_id))
        return module;
    }

  return NULL;
}

/* The experiment page: a module activated in the palette lands on the
 * canvas selected, and the properties pane shows it; one dragged from the
 * palette lands where it is dropped; undo takes both back. */
static void
test_window_palette_adds_modules (void)
{
  RetortWindow *window = create_window ();
  RetortCanvas *canvas = open_pima_experiment (window);
  RetortExperiment *experiment = retort_canvas_get_experiment (canvas);
  RetortPalette *palette = find_descendant (GTK_WIDGET (window), RETORT_TYPE_PALETTE);
  RetortPropertiesPane *properties = find_descendant (GTK_WIDGET (window), RETORT_TYPE_PROPERTIES_PANE);
  RetortModule *sql;

  g_assert_nonnull (palette);
  g_assert_nonnull (properties);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (palette)));
  g_assert_null (retort_properties_pane_get_module (properties));

  g_assert_true (gtk_widget_activate (find_palette_row (palette, "Apply SQL Transformation")));
  wait_for_idle ();
  sql = find_module_of_kind (experiment, "sql");
  g_assert_nonnull (sql);
  g_assert_true (retort_canvas_get_selected_module (canvas) == sql);
  g_assert_true (retort_properties_pane_get_module (properties) == sql);
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)), "• "));

  if (can_drive_pointer ())
    {
      GtkWidget *row = find_palette_row (palette, "Summarize Data");
      graphene_point_t from, to = empty_point (canvas);
      RetortModule *summary;
      char x1[16], y1[16], x2[16], y2[16];
      double cx, cy;

      /* Points of the palette are turned into the canvas's coordinates. */
      g_assert_true (gtk_widget_compute_point (row, GTK_WIDGET (canvas),
                                               &GRAPHENE_POINT_INIT (40, gtk_widget_get_height (row) / 2.f),
                                               &from));
      screen_point (canvas, from, x1, y1);
      screen_point (canvas, to, x2, y2);
      xdotool ("mousemove", "0", "0", "mousemove", "--sync", x1, y1, "mousedown", "1", "sleep", "0.2",
               "mousemove", "--sync", x2, y2, "sleep", "0.2", "mousemove_relative", "1", "1",
               "sleep", "0.2", "mousemove_relative", "--", "-1", "-1", NULL);
      xdotool ("sleep", "0.2", "mouseup", "1", "sleep", "0.2", NULL);
      wait_for_layout (GTK_WIDGET (canvas));

      summary = find_module_of_kind (experiment, "summarize");
      g_assert_nonnull (summary);
      retort_canvas_from_screen (canvas, to.x, to.y, &cx, &cy);
      g_assert_cmpfloat (fabs (retort_module_get_x (summary) - cx), <=, RETORT_CANVAS_GRID);
      g_assert_cmpfloat (fabs (retort_module_get_y (summary) - cy), <=, RETORT_CANVAS_GRID);
      g_assert_true (retort_properties_pane_get_module (properties) == summary);
      g_assert_true (retort_experiment_undo (experiment));
    }

  g_assert_true (retort_experiment_undo (experiment));
  g_assert_null (find_module_of_kind (experiment, "sql"));
  g_assert_null (retort_properties_pane_get_module (properties));

  destroy_window (window);
}

static gboolean
module_is_done (gpointer data)
{
  GtkWidget *widget = data;
  RetortModuleState state = retort_module_widget_get_state (RETORT_MODULE_WIDGET (widget));

  return state == RETORT_MODULE_STATE_FINISHED || state == RETORT_MODULE_STATE_CACHED;
}

/* Run Selected runs the selection and what it needs, nothing else. */
static void
test_window_run_selected (void)
{
  RetortWindow *window = create_window ();
  RetortCanvas *canvas = open_pima_experiment (window);
  GtkWidget *source = retort_canvas_get_module_widget (canvas, "m1");
  GtkWidget *script = retort_canvas_get_module_widget (canvas, "m2");

  retort_canvas_unselect_all (canvas);
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (window), "win.run-selected", NULL)
                  && retort_module_widget_get_state (RETORT_MODULE_WIDGET (source))
                     != RETORT_MODULE_STATE_NOT_RUN);
  retort_canvas_select_module (canvas, "m1", FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run-selected", NULL));
  g_assert_true (wait_until_seconds (module_is_done, source, 60));
  g_assert_true (wait_until_seconds (run_button_sensitive, window, 60));
  g_assert_cmpint (retort_module_widget_get_state (RETORT_MODULE_WIDGET (script)), ==,
                   RETORT_MODULE_STATE_NOT_RUN);

  destroy_window (window);
}

/* The palette, properties and results panes keep the sizes they were
 * given when the window closed. */
static void
test_pane_sizes_remembered (void)
{
  GSettings *settings = retort_application_get_settings (app);
  RetortWindow *window = create_window ();
  RetortCanvas *canvas = open_pima_experiment (window);
  GtkWidget *palette = find_descendant (GTK_WIDGET (window), RETORT_TYPE_PALETTE);
  GtkWidget *properties = find_descendant (GTK_WIDGET (window), RETORT_TYPE_PROPERTIES_PANE);
  GtkPaned *palette_paned = GTK_PANED (gtk_widget_get_ancestor (palette, GTK_TYPE_PANED));
  GtkPaned *properties_paned = GTK_PANED (gtk_widget_get_parent (properties));
  int paned_width, properties_width;

  g_assert_true (gtk_paned_get_end_child (properties_paned) == properties);
  gtk_paned_set_position (palette_paned, 300);
  paned_width = gtk_widget_get_width (GTK_WIDGET (properties_paned));
  gtk_paned_set_position (properties_paned, paned_width - 420);
  wait_for_layout (GTK_WIDGET (canvas));
  properties_width = gtk_widget_get_width (properties);
  g_assert_cmpint (properties_width, >=, 410);
  gtk_window_close (GTK_WINDOW (window));
  wait_for_idle ();

  g_assert_cmpint (g_settings_get_int (settings, "palette-width"), ==, 300);
  g_assert_cmpint (g_settings_get_int (settings, "properties-width"), ==, 420);

  window = create_window ();
  canvas = open_pima_experiment (window);
  wait_for_layout (GTK_WIDGET (canvas));
  palette = find_descendant (GTK_WIDGET (window), RETORT_TYPE_PALETTE);
  properties = find_descendant (GTK_WIDGET (window), RETORT_TYPE_PROPERTIES_PANE);
  g_assert_cmpint (gtk_widget_get_width (palette), ==, 300);
  g_assert_cmpint (gtk_widget_get_width (properties), ==, properties_width);
  destroy_window (window);

  g_settings_reset (settings, "palette-width");
  g_settings_reset (settings, "properties-width");
  g_settings_reset (settings, "results-height");
}

/* Space + drag pans (the cards move with the pointer, nothing is selected);
 * so do the middle button and the scroll wheel. */
static void
test_canvas_space_drag_pans (void)
{
  RetortWindow *window;
  RetortCanvas *canvas;
  GtkWidget *source;
  graphene_point_t before, after, from;
  char x1[16], y1[16], x2[16], y2[16];

  SKIP_WITHOUT_POINTER ();
  window = create_window ();
  canvas = open_pima_experiment (window);
  source = retort_canvas_get_module_widget (canvas, "m1");
  click_pointer (canvas, empty_point (canvas), "1", NULL);
  before = widget_origin (canvas, source);

  from = empty_point (canvas);
  screen_point (canvas, from, x1, y1);
  screen_point (canvas, GRAPHENE_POINT_INIT (from.x - 64, from.y - 48), x2, y2);
  xdotool ("mousemove", "0", "0", "mousemove", "--sync", x1, y1, "keydown", "space", "mousedown", "1",
           "mousemove", "--sync", x2, y2, "mouseup", "1", "keyup", "space", NULL);
  wait_for_layout (GTK_WIDGET (canvas));
  after = widget_origin (canvas, source);
  g_assert_cmpfloat (after.x - before.x, ==, -64);
  g_assert_cmpfloat (after.y - before.y, ==, -48);
  g_assert_cmpuint (n_selected (canvas), ==, 0);

  /* The middle button. */
  screen_point (canvas, from, x1, y1);
  screen_point (canvas, GRAPHENE_POINT_INIT (from.x - 32, from.y), x2, y2);
  xdotool ("mousemove", "0", "0", "mousemove", "--sync", x1, y1, "mousedown", "2", "mousemove", "--sync", x2, y2,
           "mouseup", "2", NULL);
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_cmpfloat (widget_origin (canvas, source).x - after.x, ==, -32);

  /* A notch of the wheel. */
  after = widget_origin (canvas, source);
  xdotool ("click", "5", NULL);
  wait_for_layout (GTK_WIDGET (canvas));
  g_assert_cmpfloat (widget_origin (canvas, source).y, <, after.y);

  destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* GLib logs messages on stdout, where they would break TAP. */
  g_log_writer_default_set_use_stderr (TRUE);
  /* GTK's software renderer, with which the canvas draws its cards from
   * images of them (and which is faster than llvmpipe's GL under Xvfb). */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display (run the 'gui' suite under xvfb-run)\n");
      return 0;
    }

  /* The test app never talks to a running Retort. */
  app = register_test_app (G_APPLICATION_HANDLES_OPEN);

  /* One level of paths keeps the order: quitting comes last. */
  g_test_add_func ("/app/header-bar-and-primary-menu",
                   test_window_header_bar_and_primary_menu);
  g_test_add_func ("/app/accelerators", test_accelerators);
  g_test_add_func ("/app/about-window", test_about_window);
  g_test_add_func ("/app/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/app/preferences-style-variant", test_preferences_style_variant);
  g_test_add_func ("/app/open-csv", test_open_csv_shows_summary);
  g_test_add_func ("/app/open-dialog", test_open_dialog);
  g_test_add_func ("/app/open-bad-csv", test_open_bad_csv_shows_error);
  g_test_add_func ("/app/open-experiment", test_open_experiment_shows_canvas);
  g_test_add_func ("/app/run-experiment", test_run_experiment_updates_badges);
  g_test_add_func ("/app/stop-run", test_stop_run);
  g_test_add_func ("/app/move-module-undo", test_move_module_and_undo);
  g_test_add_func ("/app/canvas-draws-connection", test_canvas_draws_connection);
  g_test_add_func ("/app/canvas-zoom", test_canvas_zoom);
  g_test_add_func ("/app/canvas-curves-follow-edits", test_canvas_curves_follow_edits);
  g_test_add_func ("/app/canvas-overview-blocks", test_canvas_overview_blocks);
  g_test_add_func ("/app/canvas-connect-by-dragging", test_canvas_connect_by_dragging);
  g_test_add_func ("/app/canvas-select-move-delete", test_canvas_select_move_delete);
  g_test_add_func ("/app/canvas-copy-paste-duplicate", test_canvas_copy_paste_duplicate);
  g_test_add_func ("/app/canvas-keyboard", test_canvas_keyboard);
  g_test_add_func ("/app/canvas-zoom-fit", test_canvas_zoom_fit);
  g_test_add_func ("/app/canvas-space-drag-pans", test_canvas_space_drag_pans);
  g_test_add_func ("/app/canvas-context-menu", test_canvas_context_menu);
  g_test_add_func ("/app/canvas-add-module", test_canvas_add_module);
  g_test_add_func ("/app/window-palette-adds-modules", test_window_palette_adds_modules);
  g_test_add_func ("/app/window-run-selected", test_window_run_selected);
  g_test_add_func ("/app/csv-after-experiment", test_csv_after_experiment);
  g_test_add_func ("/app/window-size-remembered", test_window_size_remembered);
  g_test_add_func ("/app/pane-sizes-remembered", test_pane_sizes_remembered);
  g_test_add_func ("/app/quit", test_quit);

  status = g_test_run ();

  g_clear_object (&app);

  return status;
}
