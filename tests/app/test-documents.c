/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Documents in the desktop app, driven in process under Xvfb: New, Save,
 * Save As, recent experiments, the Save Changes? question on close, and
 * recovery copies (autosave) offered at startup. Every XDG folder points
 * into a temporary folder, so nothing touches the user's files. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "retort-application.h"
#include "retort-canvas.h"
#include "retort-recovery.h"
#include "retort-window.h"
#include "retort-app-test.h"
#include "retort-gui-test.h"

static RetortApplication *app;
static char *test_dir;

static gboolean
message_dialog_shown (gpointer data)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

/* The visible message dialog, once one shows, with @heading. */
static AdwMessageDialog *
wait_for_message_dialog (const char *heading)
{
  AdwMessageDialog *dialog;

  g_assert_true (wait_until (message_dialog_shown, NULL));
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);

  return dialog;
}

/* Clicks the button of @response, as the user would. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  const char *label;
  GtkWidget *button = NULL;

  g_assert_true (adw_message_dialog_has_response (dialog, response));
  label = adw_message_dialog_get_response_label (dialog, response);
  collect_descendants (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), label) == 0)
      button = g_ptr_array_index (buttons, i);
  g_assert_nonnull (button);

  g_signal_emit_by_name (button, "clicked");
  wait_for_idle ();
}

static gboolean
is_window_of_app (gpointer window)
{
  return g_list_find (gtk_application_get_windows (GTK_APPLICATION (app)), window) != NULL;
}

static gboolean
is_closed (gpointer window)
{
  return !is_window_of_app (window);
}

/* Closes @window, which has unsaved changes, answering the question. */
static void
respond_to_close (RetortWindow *window,
                  const char   *response)
{
  gtk_window_close (GTK_WINDOW (window));
  respond (wait_for_message_dialog ("Save Changes?"), response);
}

static RetortExperiment *
get_experiment (RetortWindow *window)
{
  RetortCanvas *canvas = find_descendant (GTK_WIDGET (window), RETORT_TYPE_CANVAS);

  g_assert_nonnull (canvas);
  return retort_canvas_get_experiment (canvas);
}

/* New (Ctrl+N) on @window, and the experiment it shows. */
static RetortExperiment *
new_experiment (RetortWindow *window)
{
  RetortExperiment *experiment;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL));
  wait_for_idle ();
  experiment = get_experiment (window);
  g_assert_nonnull (experiment);

  return experiment;
}

static void
add_module (RetortExperiment *experiment)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (retort_experiment_add_module (experiment, "enter-data", 40, 40, &error));
  g_assert_no_error (error);
  wait_for_idle ();
}

static char *
dup_test_path (const char *name)
{
  return g_build_filename (test_dir, name, NULL);
}

static guint
count_modules_in (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(RetortExperiment) experiment = retort_experiment_load (file, &error);

  g_assert_no_error (error);
  return retort_experiment_get_n_modules (experiment);
}

static const char *
window_title (RetortWindow *window)
{
  return gtk_window_get_title (GTK_WINDOW (window));
}

static void
close_all_windows (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (const GList *l = toplevels; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  wait_for_idle ();
}

/* New gives an empty, untitled experiment on the canvas page. */
static void
test_new (void)
{
  RetortWindow *window = create_window ();
  RetortExperiment *experiment;

  g_assert_true (retort_window_is_empty (window));
  g_assert_false (gtk_widget_get_mapped (find_descendant (GTK_WIDGET (window),
                                                          RETORT_TYPE_CANVAS)));

  experiment = new_experiment (window);
  wait_for_idle ();
  g_assert_true (gtk_widget_get_mapped (find_descendant (GTK_WIDGET (window),
                                                         RETORT_TYPE_CANVAS)));
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 0);
  g_assert_null (retort_experiment_get_file (experiment));
  g_assert_false (retort_experiment_get_modified (experiment));
  g_assert_cmpstr (window_title (window), ==, "Untitled Experiment");
  g_assert_false (retort_window_is_empty (window));

  destroy_window (window);
}

/* An edit marks the title; Save As writes the file, names the window after
 * it, and puts it in the recent list; Save writes later edits there. */
static void
test_save_and_reopen (void)
{
  RetortWindow *window = create_window ();
  RetortExperiment *experiment = new_experiment (window);
  g_autofree char *chosen = dup_test_path ("saved");
  g_autofree char *path = dup_test_path ("saved.retort");
  g_autoptr(GFile) chosen_file = g_file_new_for_path (chosen);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr(GError) error = NULL;
  RetortWindow *reopened;

  add_module (experiment);
  g_assert_true (retort_experiment_get_modified (experiment));
  g_assert_cmpstr (window_title (window), ==, "• Untitled Experiment");

  /* What the chooser's response does with the name typed: ".retort" added. */
  g_assert_true (retort_window_save_as (window, chosen_file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (chosen, G_FILE_TEST_EXISTS));
  g_assert_false (retort_experiment_get_modified (experiment));
  g_assert_cmpstr (window_title (window), ==, "saved.retort");
  g_assert_true (g_file_equal (retort_experiment_get_file (experiment), file));
  g_assert_true (gtk_recent_manager_has_item (gtk_recent_manager_get_default (), uri));
  g_assert_cmpuint (count_modules_in (path), ==, 1);

  /* Save (Ctrl+S) of a document with a file writes it without asking. */
  add_module (experiment);
  g_assert_cmpstr (window_title (window), ==, "• saved.retort");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  wait_for_idle ();
  g_assert_null (find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG));
  g_assert_cmpstr (window_title (window), ==, "saved.retort");
  g_assert_cmpuint (count_modules_in (path), ==, 2);

  /* Opened again, in another window, the modules are there. */
  reopened = create_window ();
  retort_window_open_file (reopened, file);
  wait_for_idle ();
  g_assert_cmpuint (retort_experiment_get_n_modules (get_experiment (reopened)), ==, 2);
  g_assert_cmpstr (window_title (reopened), ==, "saved.retort");

  destroy_window (reopened);
  destroy_window (window);
}

static gboolean
has_titled_row (GtkWidget  *widget,
                const char *title)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_descendants (widget, ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), title) == 0)
      return gtk_widget_get_mapped (g_ptr_array_index (rows, i));

  return FALSE;
}

static gboolean
shows_recent_row (gpointer window)
{
  return has_titled_row (window, "recent-one.retort");
}

static gboolean
shows_experiment (gpointer window)
{
  return !retort_window_is_empty (window);
}

/* The start page lists recent experiments, newest first, and opens one on
 * a click; so does the primary menu's Open Recent. */
static void
test_recent (void)
{
  RetortWindow *window = create_window ();
  RetortExperiment *experiment = new_experiment (window);
  g_autofree char *path = dup_test_path ("recent-one.retort");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  RetortWindow *start;
  GtkListBoxRow *row = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  add_module (experiment);
  g_assert_true (retort_window_save_to_file (window, file, &error));
  g_assert_no_error (error);
  destroy_window (window);

  start = create_window ();
  g_assert_true (wait_until (shows_recent_row, start));
  collect_descendants (GTK_WIDGET (start), ADW_TYPE_ACTION_ROW, rows);
  /* Saved last, listed first. */
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   "recent-one.retort");

  g_signal_emit_by_name (row, "activate");
  g_assert_true (wait_until (shows_experiment, start));
  g_assert_cmpstr (window_title (start), ==, "recent-one.retort");
  g_assert_cmpuint (retort_experiment_get_n_modules (get_experiment (start)), ==, 1);

  destroy_window (start);
}

/* Labels of a menu and its sections and submenus, mnemonics removed. */

/* Ctrl+N, Ctrl+S, Ctrl+Shift+S; the primary menu offers New, Save, Save As…
 * and the recent experiments (saved by the tests before). */
static void
test_shortcuts_and_menu (void)
{
  static const struct {
    const char *action;
    const char *accel;
  } expected[] = {
    { "win.new", "<Control>n" },
    { "win.save", "<Control>s" },
    { "win.save-as", "<Shift><Control>s" },
  };
  RetortWindow *window = create_window ();
  g_autoptr(GPtrArray) menu_buttons = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  GtkMenuButton *primary = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                    expected[i].action);

      g_assert_true (g_strv_contains ((const char * const *) accels, expected[i].accel));
    }

  /* Nothing to save on the start page. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL);
  wait_for_idle ();
  g_assert_null (find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG));

  collect_descendants (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, menu_buttons);
  for (guint i = 0; i < menu_buttons->len; i++)
    if (gtk_menu_button_get_primary (g_ptr_array_index (menu_buttons, i)))
      primary = g_ptr_array_index (menu_buttons, i);
  g_assert_nonnull (primary);
  collect_menu_labels (gtk_menu_button_get_menu_model (primary), labels);
  for (guint i = 0; i < labels->len; i++)
    g_test_message ("menu: %s", (char *) g_ptr_array_index (labels, i));
  g_assert_true (g_ptr_array_find_with_equal_func (labels, "New Experiment", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (labels, "Save", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (labels, "Save As…", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (labels, "Open Recent", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (labels, "recent-one.retort", g_str_equal,
                                                   NULL));

  destroy_window (window);
}

G_GNUC_BEGIN_IGNORE_DEPRECATIONS

static gboolean
has_current_name (gpointer dialog)
{
  g_autofree char *name = gtk_file_chooser_get_current_name (dialog);

  return name != NULL && *name != '\0';
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/* Save of an untitled document asks where: the chooser suggests a name, and
 * accepting it saves there. */
static void
test_save_untitled_asks (void)
{
  RetortWindow *window = create_window ();
  RetortExperiment *experiment = new_experiment (window);
  g_autoptr(GFile) folder = g_file_new_for_path (test_dir);
  g_autofree char *path = dup_test_path ("from-chooser.retort");
  g_autofree char *name = NULL;
  GtkWindow *dialog;

  add_module (experiment);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  wait_for_idle ();

  /* Outside a sandbox GtkFileChooserNative falls back to GTK's own dialog. */
  dialog = find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog)), ==,
                   GTK_FILE_CHOOSER_ACTION_SAVE);
  g_assert_true (wait_until (has_current_name, dialog));
  name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (dialog));
  g_assert_cmpstr (name, ==, "Untitled Experiment.retort");

  g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, NULL));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "from-chooser");
  wait_for_idle ();
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_true (wait_until (file_exists, path));
  wait_for_idle ();

  g_assert_false (retort_experiment_get_modified (experiment));
  g_assert_cmpstr (window_title (window), ==, "from-chooser.retort");
  g_assert_cmpuint (count_modules_in (path), ==, 1);

  destroy_window (window);
}


/* A name typed without ".retort" gets it added after the chooser's own
 * check: when that names an existing file, Save As asks before replacing
 * it, and Cancel leaves it as it was. */
static void
test_save_as_asks_before_replacing (void)
{
  RetortWindow *window = create_window ();
  RetortExperiment *experiment = new_experiment (window);
  g_autoptr(GFile) folder = g_file_new_for_path (test_dir);
  g_autofree char *path = dup_test_path ("taken.retort");
  g_autofree char *contents = NULL;
  AdwMessageDialog *replace;
  GtkWindow *dialog;

  g_assert_true (g_file_set_contents (path, "someone else's file", -1, NULL));
  add_module (experiment);

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
      wait_for_idle ();
      dialog = find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);
      g_assert_nonnull (dialog);
      g_assert_true (wait_until (has_current_name, dialog));
      g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, NULL));
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "taken");
      wait_for_idle ();
      gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);

      replace = wait_for_message_dialog ("Replace “taken.retort”?");
      if (attempt == 0)
        {
          respond (replace, "cancel");
          g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
          g_assert_cmpstr (contents, ==, "someone else's file");
          g_clear_pointer (&contents, g_free);
          g_assert_true (retort_experiment_get_modified (experiment));
        }
      else
        respond (replace, "replace");
    }

  g_assert_false (retort_experiment_get_modified (experiment));
  g_assert_cmpuint (count_modules_in (path), ==, 1);

  destroy_window (window);
}


/* Opening a document that a window already shows brings that window
 * forward (with its unsaved changes) instead of a second copy. */
static void
test_open_twice_raises_window (void)
{
  RetortWindow *window = create_window ();
  RetortExperiment *experiment = new_experiment (window);
  g_autofree char *path = dup_test_path ("once.retort");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_file_get_uri (file);
  RetortWindow *other;
  guint n_windows;

  g_assert_true (retort_window_save_to_file (window, file, &error));
  g_assert_no_error (error);
  add_module (experiment);
  n_windows = g_list_length (gtk_application_get_windows (GTK_APPLICATION (app)));

  /* From the file manager or the command line. */
  g_application_open (G_APPLICATION (app), &file, 1, "");
  wait_for_idle ();
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, n_windows);
  g_assert_true (retort_window_find_for_file (GTK_APPLICATION (app), file) == window);

  /* From another window's recent documents. */
  other = create_window ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (other), "win.open-recent", "s", uri));
  wait_for_idle ();
  g_assert_true (retort_window_is_empty (other));
  g_assert_true (retort_experiment_get_modified (experiment));
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 1);

  destroy_window (other);
  respond_to_close (window, "discard");
}

G_GNUC_END_IGNORE_DEPRECATIONS

/* A save that fails says why, and keeps the changes. */
static void
test_save_error (void)
{
  RetortWindow *window = create_window ();
  RetortExperiment *experiment = new_experiment (window);
  g_autofree char *folder = dup_test_path ("gone");
  g_autofree char *path = g_build_filename (folder, "lost.retort", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_true (retort_window_save_to_file (window, file, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (folder), ==, 0);

  add_module (experiment);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  dialog = wait_for_message_dialog ("Could Not Save “lost.retort”");
  g_test_message ("error: %s", adw_message_dialog_get_body (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "lost.retort"));
  g_assert_true (retort_experiment_get_modified (experiment));
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 1);
  g_assert_cmpstr (window_title (window), ==, "• lost.retort");
  respond (dialog, "close");

  close_all_windows ();
}

/* Closing with unsaved changes asks: Cancel keeps the window, Discard
 * closes it and deletes the recovery copy. */
static void
test_close_asks (void)
{
  RetortWindow *window = create_window ();
  RetortExperiment *experiment = new_experiment (window);
  AdwMessageDialog *dialog;
  g_autofree char *recovery_dir = retort_recovery_dup_dir ();

  add_module (experiment);
  gtk_window_close (GTK_WINDOW (window));
  dialog = wait_for_message_dialog ("Save Changes?");
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_true (adw_message_dialog_has_response (dialog, "cancel"));
  g_assert_true (adw_message_dialog_has_response (dialog, "discard"));
  g_assert_true (adw_message_dialog_has_response (dialog, "save"));
  respond (dialog, "cancel");

  g_assert_true (is_window_of_app (window));
  g_assert_null (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_true (retort_experiment_get_modified (experiment));
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 1);

  /* Ctrl+W asks the same. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.close", NULL));
  dialog = wait_for_message_dialog ("Save Changes?");
  respond (dialog, "discard");
  g_assert_true (wait_until (is_closed, window));
}

/* Save in the question writes the document, then the window closes. */
static void
test_close_saves (void)
{
  RetortWindow *window = create_window ();
  RetortExperiment *experiment = new_experiment (window);
  g_autofree char *path = dup_test_path ("closed-saved.retort");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (retort_window_save_to_file (window, file, &error));
  add_module (experiment);
  add_module (experiment);
  gtk_window_close (GTK_WINDOW (window));
  respond (wait_for_message_dialog ("Save Changes?"), "save");

  g_assert_true (wait_until (is_closed, window));
  g_assert_cmpuint (count_modules_in (path), ==, 2);
}

/* Quit (Ctrl+Q) asks too, and quits once the changes are dealt with. */
static void
test_quit_asks (void)
{
  RetortWindow *window = create_window ();
  RetortWindow *clean = create_window ();
  RetortExperiment *experiment = new_experiment (window);

  add_module (experiment);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  respond (wait_for_message_dialog ("Save Changes?"), "cancel");
  g_assert_true (is_window_of_app (window));
  g_assert_true (is_closed (clean));

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  respond (wait_for_message_dialog ("Save Changes?"), "discard");
  g_assert_true (wait_until (is_closed, window));
}

/* New keeps unsaved work where it is; Open of another document asks. */
static void
test_new_and_open_keep_unsaved_work (void)
{
  RetortWindow *window = create_window ();
  RetortExperiment *experiment = new_experiment (window);
  g_autofree char *path = g_build_filename (g_getenv ("RETORT_SHARED_DATASETS"),
                                            "pima-feature-importance.retort", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  GList *windows;
  RetortWindow *other;

  add_module (experiment);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL));
  wait_for_idle ();
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_cmpuint (g_list_length (windows), ==, 2);
  other = windows->data == window ? windows->next->data : windows->data;
  g_assert_true (get_experiment (window) == experiment);
  g_assert_cmpstr (window_title (other), ==, "Untitled Experiment");
  destroy_window (other);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recent", "s", uri));
  respond (wait_for_message_dialog ("Save Changes?"), "cancel");
  g_assert_true (get_experiment (window) == experiment);
  g_assert_cmpstr (window_title (window), ==, "• Untitled Experiment");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recent", "s", uri));
  respond (wait_for_message_dialog ("Save Changes?"), "discard");
  g_assert_cmpstr (window_title (window), ==, "pima-feature-importance.retort");

  destroy_window (window);
}

static GPtrArray *
list_recovery_copies (void)
{
  g_autofree char *dir = retort_recovery_dup_dir ();
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  GPtrArray *copies = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, ".retort") && name[0] != '.')
      g_ptr_array_add (copies, g_build_filename (dir, name, NULL));

  return copies;
}

static gboolean
has_recovery_copy (gpointer data)
{
  g_autoptr(GPtrArray) copies = list_recovery_copies ();

  return copies->len > 0;
}

static gboolean
has_no_recovery_copy (gpointer data)
{
  return !has_recovery_copy (data);
}

static void
delete_recovery_copies (void)
{
  g_autofree char *dir = retort_recovery_dup_dir ();
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
}

/* Unsaved changes are copied for recovery after the (shortened) interval;
 * saving deletes the copy. */
static void
test_autosave (void)
{
  RetortWindow *window;
  RetortExperiment *experiment;
  g_autoptr(GPtrArray) copies = NULL;
  g_autofree char *path = dup_test_path ("autosaved.retort");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  close_all_windows ();
  delete_recovery_copies ();
  window = create_window ();
  experiment = new_experiment (window);

  /* Nothing to recover yet. */
  g_usleep (200 * 1000);
  wait_for_idle ();
  g_assert_false (has_recovery_copy (NULL));

  add_module (experiment);
  g_assert_true (wait_until (has_recovery_copy, NULL));
  copies = list_recovery_copies ();
  g_assert_cmpuint (copies->len, ==, 1);
  g_assert_cmpuint (count_modules_in (g_ptr_array_index (copies, 0)), ==, 1);
  /* The document itself is still unsaved and untitled. */
  g_assert_true (retort_experiment_get_modified (experiment));
  g_assert_null (retort_experiment_get_file (experiment));

  g_assert_true (retort_window_save_to_file (window, file, &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (has_no_recovery_copy, NULL));

  destroy_window (window);
}

static void
list_recoveries_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GPtrArray **recoveries = user_data;
  g_autoptr(GError) error = NULL;

  *recoveries = retort_recovery_list_finish (result, &error);
  g_assert_no_error (error);
}

/* Copies left by a crash are listed, those of open documents are not, and
 * Discard deletes them. */
static void
test_recovery_list_and_discard (void)
{
  g_autoptr(RetortExperiment) stale = retort_experiment_new ();
  g_autoptr(GFile) copy = NULL;
  g_autoptr(GPtrArray) recoveries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *recovery_dir = retort_recovery_dup_dir ();
  g_autofree char *name = NULL;
  RetortWindow *window;
  RetortRecovery *recovery;

  close_all_windows ();
  delete_recovery_copies ();

  /* An open document with unsaved changes, copied by autosave. */
  window = create_window ();
  add_module (new_experiment (window));
  g_assert_true (wait_until (has_recovery_copy, NULL));

  /* An untitled one a crash left, without its .ini. */
  add_module (stale);
  copy = retort_recovery_dup_copy_file ("stale");
  g_assert_true (retort_experiment_save_copy (stale, copy, &error));
  g_assert_no_error (error);
  g_assert_true (retort_experiment_get_modified (stale));
  g_assert_null (retort_experiment_get_file (stale));

  retort_recovery_list_async (NULL, list_recoveries_cb, &recoveries);
  g_assert_true (wait_until (is_set, &recoveries));
  g_assert_cmpuint (recoveries->len, ==, 1);
  recovery = g_ptr_array_index (recoveries, 0);
  g_assert_cmpstr (retort_recovery_get_id (recovery), ==, "stale");
  g_assert_null (retort_recovery_get_original (recovery));
  name = retort_recovery_dup_display_name (recovery);
  g_assert_cmpstr (name, ==, "Untitled Experiment");

  retort_recovery_discard (recovery);
  g_assert_false (g_file_query_exists (copy, NULL));

  respond_to_close (window, "discard");
  g_assert_true (wait_until (has_no_recovery_copy, NULL));
}

/* A copy left by a crash is offered at startup; recovering it shows the
 * edits as unsaved changes of the original document, and Save writes there. */
static void
test_recovery_at_startup (void)
{
  g_autofree char *path = dup_test_path ("crashed.retort");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr(RetortExperiment) original = retort_experiment_new ();
  g_autoptr(GFile) copy = NULL;
  g_autoptr(GFile) info_file = NULL;
  g_autofree char *info_path = NULL;
  g_autoptr(GKeyFile) info = g_key_file_new ();
  g_autofree char *recovery_dir = retort_recovery_dup_dir ();
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  RetortWindow *window;
  RetortExperiment *experiment;

  close_all_windows ();
  delete_recovery_copies ();

  /* What a crash leaves: the document with one module on disk, its copy
   * with two, and the copy's .ini naming the document. */
  add_module (original);
  g_assert_true (retort_experiment_save (original, file, &error));
  g_assert_no_error (error);
  add_module (original);
  g_assert_cmpint (g_mkdir_with_parents (recovery_dir, 0700), ==, 0);
  copy = retort_recovery_dup_copy_file ("left-by-a-crash");
  g_assert_true (retort_experiment_save_copy (original, copy, &error));
  g_assert_no_error (error);
  info_file = retort_recovery_dup_info_file ("left-by-a-crash");
  info_path = g_file_get_path (info_file);
  g_key_file_set_string (info, "Recovery", "Original", uri);
  g_key_file_set_string (info, "Recovery", "Time", "2026-01-02T03:04:05Z");
  g_assert_true (g_key_file_save_to_file (info, info_path, &error));

  /* Startup. */
  g_application_activate (G_APPLICATION (app));
  dialog = wait_for_message_dialog ("Recover Experiments?");
  g_assert_true (has_titled_row (GTK_WIDGET (dialog), "crashed.retort"));
  window = RETORT_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (dialog)));
  respond (dialog, "recover");

  experiment = get_experiment (window);
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 2);
  g_assert_true (retort_experiment_get_modified (experiment));
  g_assert_true (g_file_equal (retort_experiment_get_file (experiment), file));
  g_assert_cmpstr (window_title (window), ==, "• crashed.retort");
  /* Until saved, the copy stays: another crash would lose nothing. */
  g_assert_true (g_file_query_exists (copy, NULL));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  wait_for_idle ();
  g_assert_cmpstr (window_title (window), ==, "crashed.retort");
  g_assert_cmpuint (count_modules_in (path), ==, 2);
  g_assert_false (g_file_query_exists (copy, NULL));
  g_assert_false (g_file_query_exists (info_file, NULL));

  destroy_window (window);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  static const char *xdg_dirs[] = {
    "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME",
  };
  g_autoptr(GError) error = NULL;
  int status;

  /* GLib logs messages on stdout, where they would break TAP. */
  g_log_writer_default_set_use_stderr (TRUE);

  /* Before anything asks GLib for these folders: it keeps what it found. */
  test_dir = g_dir_make_tmp ("retort-test-documents-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (xdg_dirs); i++)
    {
      g_autofree char *dir = g_build_filename (test_dir, xdg_dirs[i], NULL);

      g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
      g_setenv (xdg_dirs[i], dir, TRUE);
    }
  g_setenv ("RETORT_AUTOSAVE_INTERVAL_MS", "50", TRUE);

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display (run the 'gui' suite under xvfb-run)\n");
      remove_tree (test_dir);
      return 0;
    }

  /* The test app never talks to a running Retort. */
  app = register_test_app (G_APPLICATION_HANDLES_OPEN);

  /* One level of paths keeps the order: startup recovery activates the
   * application, which looks for copies only once. */
  g_test_add_func ("/documents/new", test_new);
  g_test_add_func ("/documents/save-and-reopen", test_save_and_reopen);
  g_test_add_func ("/documents/recent", test_recent);
  g_test_add_func ("/documents/shortcuts-and-menu", test_shortcuts_and_menu);
  g_test_add_func ("/documents/save-untitled-asks", test_save_untitled_asks);
  g_test_add_func ("/documents/save-as-asks-before-replacing", test_save_as_asks_before_replacing);
  g_test_add_func ("/documents/open-twice-raises-window", test_open_twice_raises_window);
  g_test_add_func ("/documents/save-error", test_save_error);
  g_test_add_func ("/documents/close-asks", test_close_asks);
  g_test_add_func ("/documents/close-saves", test_close_saves);
  g_test_add_func ("/documents/quit-asks", test_quit_asks);
  g_test_add_func ("/documents/new-and-open-keep-unsaved-work",
                   test_new_and_open_keep_unsaved_work);
  g_test_add_func ("/documents/autosave", test_autosave);
  g_test_add_func ("/documents/recovery-list-and-discard", test_recovery_list_and_discard);
  g_test_add_func ("/documents/recovery-at-startup", test_recovery_at_startup);

  status = g_test_run ();

  close_all_windows ();
  g_clear_object (&app);
  remove_tree (test_dir);
  g_clear_pointer (&test_dir, g_free);

  return status;
}
