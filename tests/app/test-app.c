/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The application shell, driven in process under Xvfb: the real
 * RetortApplication and RetortWindow, their actions, and a CSV opened the
 * way Open… opens it. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "retort-application.h"
#include "retort-table.h"
#include "retort-window.h"

static RetortApplication *app;

static void
wait_for_idle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

typedef gboolean (*Condition) (gpointer data);

static gboolean
wait_until (Condition condition,
            gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  return TRUE;
}

static void
collect_descendants (GtkWidget  *widget,
                     GType       type,
                     GPtrArray  *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (g_type_is_a (G_OBJECT_TYPE (child), type))
        g_ptr_array_add (found, child);
      collect_descendants (child, type, found);
    }
}

static gpointer
find_descendant (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect_descendants (widget, type, found);

  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

static GtkWindow *
find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (const GList *l = toplevels; l != NULL; l = l->next)
    {
      if (g_type_is_a (G_OBJECT_TYPE (l->data), type) && gtk_widget_get_visible (l->data))
        return l->data;
    }

  return NULL;
}

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

static RetortWindow *
create_window (void)
{
  RetortWindow *window = retort_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  wait_for_idle ();

  return window;
}

static void
destroy_window (RetortWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  wait_for_idle ();
}

/* Labels of a menu and its sections and submenus, mnemonics removed. */
static void
collect_menu_labels (GMenuModel *model,
                     GPtrArray  *labels)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *label = NULL;
      g_autoptr(GMenuLinkIter) links = NULL;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label))
        {
          g_auto(GStrv) parts = g_strsplit (label, "_", -1);

          g_ptr_array_add (labels, g_strjoinv ("", parts));
        }

      links = g_menu_model_iterate_item_links (model, i);
      while (g_menu_link_iter_next (links))
        {
          g_autoptr(GMenuModel) link = g_menu_link_iter_get_value (links);

          collect_menu_labels (link, labels);
        }
    }
}

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

static void
open_file_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **result_out = user_data;

  *result_out = g_object_ref (result);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

/* Opens @path as Open… does and waits for the page to show the outcome. */
static gboolean
open_file (RetortWindow  *window,
           const char    *path,
           GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;

  retort_window_open_file_async (window, file, NULL, open_file_cb, &result);
  g_assert_true (wait_until (is_set, &result));
  wait_for_idle ();

  return retort_window_open_file_finish (window, result, error);
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

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* GLib logs messages on stdout, where they would break TAP. */
  g_log_writer_default_set_use_stderr (TRUE);

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display (run the 'gui' suite under xvfb-run)\n");
      return 0;
    }

  app = retort_application_new ();
  /* Registers without claiming the bus name, so the test never talks to a running Retort. */
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("Could not register the application: %s", error->message);

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
  g_test_add_func ("/app/window-size-remembered", test_window_size_remembered);
  g_test_add_func ("/app/quit", test_quit);

  status = g_test_run ();

  g_clear_object (&app);

  return status;
}
