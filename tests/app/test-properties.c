/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The properties pane and the results pane, in a real window under Xvfb,
 * on real experiments: editors show the model, edits go through it (and
 * undo comes back to the editors), runs of the real scheduler show up. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "retort-application.h"
#include "retort-column-picker.h"
#include "retort-console-view.h"
#include "retort-engine-lib.h"
#include "retort-properties-pane.h"
#include "retort-results-pane.h"
#include "retort-app-test.h"
#include "retort-gui-test.h"

static RetortApplication *app;

typedef struct
{
  GtkWindow            *window;
  RetortPropertiesPane *properties;
  RetortResultsPane    *results;
  RetortExperiment     *experiment;
  RetortScheduler      *scheduler;
} Fixture;

/* The mapped row titled @title (an editor's label). */
static gpointer
find_row (gpointer    widget,
          const char *title)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_descendants (widget, ADW_TYPE_PREFERENCES_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      AdwPreferencesRow *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (adw_preferences_row_get_title (row), title) == 0 &&
          gtk_widget_get_mapped (GTK_WIDGET (row)))
        return row;
    }

  return NULL;
}

/* The mapped group titled @title (the editors that are not rows). */
static gpointer
find_group (gpointer    widget,
            const char *title)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();

  collect_descendants (widget, ADW_TYPE_PREFERENCES_GROUP, groups);
  for (guint i = 0; i < groups->len; i++)
    {
      AdwPreferencesGroup *group = g_ptr_array_index (groups, i);

      if (g_strcmp0 (adw_preferences_group_get_title (group), title) == 0 &&
          gtk_widget_get_mapped (GTK_WIDGET (group)))
        return group;
    }

  return NULL;
}

/* A mapped label showing exactly @text. */
static GtkLabel *
find_label (gpointer    widget,
            const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_descendants (widget, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (labels, i);

      if (g_strcmp0 (gtk_label_get_text (label), text) == 0 &&
          gtk_widget_get_mapped (GTK_WIDGET (label)))
        return label;
    }

  return NULL;
}

static GtkLabel *
find_label_matching (gpointer    widget,
                     const char *pattern)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_descendants (widget, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (labels, i);

      if (g_regex_match_simple (pattern, gtk_label_get_text (label), 0, 0) &&
          gtk_widget_get_mapped (GTK_WIDGET (label)))
        return label;
    }

  return NULL;
}

static gboolean
has_mapped_icon (gpointer    widget,
                 const char *icon_name)
{
  g_autoptr(GPtrArray) images = g_ptr_array_new ();

  collect_descendants (widget, GTK_TYPE_IMAGE, images);
  for (guint i = 0; i < images->len; i++)
    {
      GtkImage *image = g_ptr_array_index (images, i);

      if (g_strcmp0 (gtk_image_get_icon_name (image), icon_name) == 0 &&
          gtk_widget_get_mapped (GTK_WIDGET (image)))
        return TRUE;
    }

  return FALSE;
}

static char *
dup_text_view_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);

  fixture->experiment = retort_experiment_new ();
  fixture->scheduler = retort_scheduler_new (fixture->experiment);
  /* Every run really runs: states are Finished, never Cached. */
  retort_scheduler_set_cache_dir (fixture->scheduler, NULL);

  fixture->properties = RETORT_PROPERTIES_PANE (retort_properties_pane_new ());
  fixture->results = RETORT_RESULTS_PANE (retort_results_pane_new ());
  retort_properties_pane_set_scheduler (fixture->properties, fixture->scheduler);
  gtk_widget_set_size_request (GTK_WIDGET (fixture->properties), 380, -1);
  gtk_paned_set_start_child (GTK_PANED (paned), GTK_WIDGET (fixture->properties));
  gtk_paned_set_end_child (GTK_PANED (paned), GTK_WIDGET (fixture->results));
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_position (GTK_PANED (paned), 420);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 900, 760);
  gtk_window_set_child (fixture->window, paned);
  gtk_window_present (fixture->window);
  wait_for_idle ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  wait_for_idle ();
  g_clear_object (&fixture->scheduler);
  g_clear_object (&fixture->experiment);
}

static void
load_sample (Fixture    *fixture,
             const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("RETORT_SHARED_DATASETS"), name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_clear_object (&fixture->scheduler);
  g_clear_object (&fixture->experiment);
  fixture->experiment = retort_experiment_load (file, &error);
  g_assert_no_error (error);
  fixture->scheduler = retort_scheduler_new (fixture->experiment);
  retort_scheduler_set_cache_dir (fixture->scheduler, NULL);
  retort_properties_pane_set_scheduler (fixture->properties, fixture->scheduler);
}

static RetortModule *
add_module (Fixture    *fixture,
            const char *kind)
{
  g_autoptr(GError) error = NULL;
  RetortModule *module = retort_experiment_add_module (fixture->experiment, kind, 0, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (module);
  return module;
}

static void
connect_modules (Fixture      *fixture,
                 RetortModule *from,
                 RetortModule *to,
                 guint         to_port)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (retort_experiment_connect (fixture->experiment, retort_module_get_id (from), 0,
                                            retort_module_get_id (to), to_port, &error));
  g_assert_no_error (error);
}

static void
show_module (Fixture      *fixture,
             RetortModule *module)
{
  retort_properties_pane_set_module (fixture->properties, fixture->experiment, module);
  retort_results_pane_set_module (fixture->results, fixture->scheduler, module);
  wait_for_idle ();
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Wait;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = retort_scheduler_run_finish (RETORT_SCHEDULER (object), result, &wait->error);
  wait->done = TRUE;
}

static gboolean
run_done (gpointer data)
{
  return ((Wait *) data)->done;
}

/* Runs @module_id (NULL: everything) with the real scheduler; FALSE and
 * @error when a module failed. */
static gboolean
run_modules (Fixture     *fixture,
             const char  *module_id,
             GError     **error)
{
  const char *ids[] = { module_id, NULL };
  Wait wait = { 0 };

  retort_scheduler_run_async (fixture->scheduler, module_id != NULL ? ids : NULL, NULL,
                              run_cb, &wait);
  g_assert_true (wait_until (run_done, &wait));
  wait_for_idle ();
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.ok;
}

/* Every parameter has an editor, labelled as the kind says, showing the
 * value of the document. */
static void
test_editors_show_values (Fixture       *fixture,
                          gconstpointer  data)
{
  RetortModule *dataset;
  RetortModule *script;
  RetortModule *sql;
  const RetortModuleKind *kind;
  AdwComboRow *combo;
  GtkSwitch *toggle;
  GtkSpinButton *spin;
  GtkTextView *view;
  g_autofree char *query = NULL;

  load_sample (fixture, "python-sql-pipeline.retort");
  dataset = retort_experiment_find_module (fixture->experiment, "m1");
  script = retort_experiment_find_module (fixture->experiment, "m2");
  sql = retort_experiment_find_module (fixture->experiment, "m4");

  /* Nothing selected: a hint, no editors. */
  show_module (fixture, NULL);
  g_assert_nonnull (find_label (fixture->properties, "No Module Selected"));
  g_assert_null (find_row (fixture->properties, "Title"));

  /* Dataset: a dataset combo, a choice combo with human labels, a switch. */
  show_module (fixture, dataset);
  g_assert_null (find_label (fixture->properties, "No Module Selected"));
  g_assert_nonnull (find_label (fixture->properties, "Dataset"));
  g_assert_cmpstr (gtk_editable_get_text (find_row (fixture->properties, "Title")), ==,
                   "Breast Cancer");
  kind = retort_module_get_kind (dataset);
  for (guint i = 0; i < kind->n_params; i++)
    g_assert_nonnull (find_row (fixture->properties, kind->params[i].label));
  combo = find_row (fixture->properties, "Dataset");
  g_assert_true (ADW_IS_COMBO_ROW (combo));
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (combo)), ==,
                   "breast-cancer.csv");
  combo = find_row (fixture->properties, "Delimiter");
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (combo)), ==,
                   "Detect");
  toggle = find_descendant (find_row (fixture->properties, "Header Line"), GTK_TYPE_SWITCH);
  g_assert_true (gtk_switch_get_active (toggle));

  /* Python script: the script in a code view, limits in spin buttons. */
  show_module (fixture, script);
  g_assert_cmpstr (gtk_editable_get_text (find_row (fixture->properties, "Title")), ==,
                   "Clean Missing Values");
  view = find_descendant (find_group (fixture->properties, "Python Script"), GTK_TYPE_TEXT_VIEW);
  g_assert_nonnull (view);
  query = dup_text_view_text (view);
  g_assert_cmpstr (query, ==, retort_module_get_string (script, "script"));
  g_clear_pointer (&query, g_free);
  spin = find_descendant (find_row (fixture->properties, "Time Limit (s)"), GTK_TYPE_SPIN_BUTTON);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 600);
  spin = find_descendant (find_row (fixture->properties, "Memory Limit (MB)"),
                          GTK_TYPE_SPIN_BUTTON);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 4096);

  /* SQL: the query in a code view. */
  show_module (fixture, sql);
  view = find_descendant (find_group (fixture->properties, "SQL Query"), GTK_TYPE_TEXT_VIEW);
  query = dup_text_view_text (view);
  g_assert_true (g_str_has_prefix (query, "-- Each patient's age group"));
}

/* Each editor changes the model, undo changes it back, and the editor
 * shows the value undo restored. */
static void
test_edit_and_undo (Fixture       *fixture,
                    gconstpointer  data)
{
  RetortModule *import = add_module (fixture, "import-data");
  RetortModule *script = add_module (fixture, "python-script");
  RetortModule *sql = add_module (fixture, "sql");
  AdwEntryRow *title_row;
  AdwComboRow *combo;
  GtkSwitch *toggle;
  GtkSpinButton *spin;
  GtkTextView *view;
  GtkTextIter end;
  g_autofree char *text = NULL;

  /* Switch. */
  show_module (fixture, import);
  toggle = find_descendant (find_row (fixture->properties, "Header Line"), GTK_TYPE_SWITCH);
  gtk_switch_set_active (toggle, FALSE);
  g_assert_false (retort_module_get_bool (import, "header"));
  g_assert_true (retort_experiment_undo (fixture->experiment));
  wait_for_idle ();
  g_assert_true (retort_module_get_bool (import, "header"));
  g_assert_true (gtk_switch_get_active (toggle));

  /* Combo: the choice under its human label. */
  combo = find_row (fixture->properties, "Delimiter");
  adw_combo_row_set_selected (combo, 2);
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (combo)), ==,
                   "Semicolon");
  g_assert_cmpstr (retort_module_get_string (import, "delimiter"), ==, ";");
  g_assert_true (retort_experiment_undo (fixture->experiment));
  wait_for_idle ();
  g_assert_cmpstr (retort_module_get_string (import, "delimiter"), ==, "auto");
  g_assert_cmpuint (adw_combo_row_get_selected (combo), ==, 0);

  /* Entry: the title. */
  title_row = find_row (fixture->properties, "Title");
  gtk_editable_set_text (GTK_EDITABLE (title_row), "Patients");
  g_signal_emit_by_name (title_row, "apply");
  g_assert_cmpstr (retort_module_get_title (import), ==, "Patients");
  g_assert_true (retort_experiment_undo (fixture->experiment));
  wait_for_idle ();
  g_assert_cmpstr (retort_module_get_title (import), ==, "Import Data");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (title_row)), ==, "Import Data");

  /* Path: a change made elsewhere shows, with a warning for a missing file. */
  g_assert_cmpstr (adw_action_row_get_subtitle (find_row (fixture->properties, "File")), ==,
                   "No file chosen");
  g_assert_false (has_mapped_icon (find_row (fixture->properties, "File"),
                                   "dialog-warning-symbolic"));
  set_string_parameter (fixture->experiment, import, "path", "/nonexistent/patients.csv");
  wait_for_idle ();
  g_assert_cmpstr (adw_action_row_get_subtitle (find_row (fixture->properties, "File")), ==,
                   "/nonexistent/patients.csv");
  g_assert_true (has_mapped_icon (find_row (fixture->properties, "File"),
                                  "dialog-warning-symbolic"));

  /* Spin button. */
  show_module (fixture, script);
  spin = find_descendant (find_row (fixture->properties, "Time Limit (s)"), GTK_TYPE_SPIN_BUTTON);
  gtk_spin_button_set_value (spin, 30);
  g_assert_cmpint (retort_module_get_int (script, "timeout"), ==, 30);
  g_assert_true (retort_experiment_undo (fixture->experiment));
  wait_for_idle ();
  g_assert_cmpint (retort_module_get_int (script, "timeout"), ==, 600);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 600);

  /* Typed text: every keystroke is in the model, and one undo takes the
   * whole edit back. */
  show_module (fixture, sql);
  view = find_descendant (find_group (fixture->properties, "SQL Query"), GTK_TYPE_TEXT_VIEW);
  gtk_text_buffer_get_end_iter (gtk_text_view_get_buffer (view), &end);
  gtk_text_buffer_insert (gtk_text_view_get_buffer (view), &end, "\n-- a", -1);
  gtk_text_buffer_get_end_iter (gtk_text_view_get_buffer (view), &end);
  gtk_text_buffer_insert (gtk_text_view_get_buffer (view), &end, "b", -1);
  g_assert_cmpstr (retort_module_get_string (sql, "query"), ==, "SELECT * FROM t1;\n-- ab");
  /* The experiment's undo is the only one: the view keeps no history. */
  g_assert_false (gtk_text_buffer_get_can_undo (gtk_text_view_get_buffer (view)));
  g_assert_true (retort_experiment_undo (fixture->experiment));
  wait_for_idle ();
  g_assert_cmpstr (retort_module_get_string (sql, "query"), ==, "SELECT * FROM t1;");
  text = dup_text_view_text (view);
  g_assert_cmpstr (text, ==, "SELECT * FROM t1;");

  /* Removing the module empties the pane. */
  g_assert_true (retort_experiment_remove_module (fixture->experiment,
                                                  retort_module_get_id (sql), NULL));
  wait_for_idle ();
  g_assert_null (retort_properties_pane_get_module (fixture->properties));
  g_assert_nonnull (find_label (fixture->properties, "No Module Selected"));
}

/* A value that is not a number is refused where it was typed, and the
 * model keeps its value. */
static void
test_invalid_value (Fixture       *fixture,
                    gconstpointer  data)
{
  RetortModule *script = add_module (fixture, "python-script");
  AdwActionRow *row;
  GtkSpinButton *spin;
  const char *undo_label;

  show_module (fixture, script);
  undo_label = retort_experiment_get_undo_label (fixture->experiment);
  row = find_row (fixture->properties, "Time Limit (s)");
  spin = find_descendant (row, GTK_TYPE_SPIN_BUTTON);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));

  /* Letters cannot even be typed; what is left is no number. */
  gtk_editable_set_text (GTK_EDITABLE (spin), "ten");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (spin)), !=, "ten");
  gtk_spin_button_update (spin);
  wait_for_idle ();
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Enter a whole number");
  g_assert_cmpint (retort_module_get_int (script, "timeout"), ==, 600);
  g_assert_cmpstr (retort_experiment_get_undo_label (fixture->experiment), ==, undo_label);

  gtk_editable_set_text (GTK_EDITABLE (spin), "-5");
  gtk_spin_button_update (spin);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (row),
                                   "Time Limit (s) must be between 0 and"));
  g_assert_cmpint (retort_module_get_int (script, "timeout"), ==, 600);

  /* A good value clears the error. */
  gtk_editable_set_text (GTK_EDITABLE (spin), "45");
  gtk_spin_button_update (spin);
  g_assert_cmpint (retort_module_get_int (script, "timeout"), ==, 45);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==,
                   "The script is stopped after this many seconds");
}

static GtkWidget *
find_picker_row (gpointer    picker,
                 const char *name)
{
  return find_row (picker, name);
}

/* The column picker lists the columns the upstream module's last run
 * gave; checking one chooses it in the model. */
static void
test_column_picker (Fixture       *fixture,
                    gconstpointer  data)
{
  RetortModule *data_module = add_module (fixture, "enter-data");
  RetortModule *select = add_module (fixture, "select-columns");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) chosen = NULL;
  AdwPreferencesGroup *group;
  GtkCheckButton *check;
  GtkWidget *row;

  set_string_parameter (fixture->experiment, data_module, "data", "name,age,height\nAda,36,1.65\nAlan,41,1.78\n");
  show_module (fixture, select);
  group = find_group (fixture->properties, "Columns");
  g_assert_nonnull (group);
  g_assert_nonnull (find_label (group, "Connect a dataset to the input to list its columns"));
  /* Types are always there to choose. */
  g_assert_nonnull (find_row (find_group (fixture->properties, "Column Types"), "float64"));

  connect_modules (fixture, data_module, select, 0);
  wait_for_idle ();
  g_assert_nonnull (find_label (group, "Run the upstream module to list its columns"));
  g_assert_null (find_picker_row (group, "age"));

  g_assert_true (run_modules (fixture, retort_module_get_id (data_module), &error));
  g_assert_no_error (error);
  g_assert_null (find_label (group, "Run the upstream module to list its columns"));
  g_assert_nonnull (find_picker_row (group, "name"));
  g_assert_nonnull (find_picker_row (group, "height"));
  row = find_picker_row (group, "age");
  g_assert_nonnull (row);
  g_assert_nonnull (find_label (row, "int64"));

  check = find_descendant (row, GTK_TYPE_CHECK_BUTTON);
  g_assert_false (gtk_check_button_get_active (check));
  gtk_check_button_set_active (check, TRUE);
  chosen = retort_module_dup_strv (select, "columns");
  g_assert_cmpstrv (chosen, ((const char *[]) { "age", NULL }));

  g_assert_true (retort_experiment_undo (fixture->experiment));
  wait_for_idle ();
  g_clear_pointer (&chosen, g_strfreev);
  chosen = retort_module_dup_strv (select, "columns");
  g_assert_cmpstrv (chosen, ((const char *[]) { NULL }));
  g_assert_false (gtk_check_button_get_active (check));

  /* A name typed by hand is chosen too. */
  gtk_editable_set_text (GTK_EDITABLE (find_row (group, "Add by Name")), "weight");
  g_signal_emit_by_name (find_row (group, "Add by Name"), "apply");
  g_clear_pointer (&chosen, g_strfreev);
  chosen = retort_module_dup_strv (select, "columns");
  g_assert_cmpstrv (chosen, ((const char *[]) { "weight", NULL }));
  g_assert_nonnull (find_label (find_picker_row (group, "weight"), "not in the input"));
}

/* The results pane follows the scheduler: Finished and how long it took,
 * Failed with the whole error. */
/* Clicks the results pane's page switcher button titled @title. */
static void
show_results_page (Fixture    *fixture,
                   const char *title)
{
  GtkStackSwitcher *switcher = find_descendant (fixture->results, GTK_TYPE_STACK_SWITCHER);
  GtkStack *pages = gtk_stack_switcher_get_stack (switcher);
  GtkSelectionModel *model = gtk_stack_get_pages (pages);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      GtkStackPage *page = g_list_model_get_item (G_LIST_MODEL (model), i);
      gboolean found = g_strcmp0 (gtk_stack_page_get_title (page), title) == 0;

      g_object_unref (page);
      if (found)
        {
          gtk_selection_model_select_item (model, i, TRUE);
          wait_for_idle ();
          g_object_unref (model);
          return;
        }
    }
  g_object_unref (model);
  g_assert_not_reached ();
}

static void
test_results (Fixture       *fixture,
              gconstpointer  data)
{
  RetortModule *data_module = add_module (fixture, "enter-data");
  RetortModule *sql = add_module (fixture, "sql");
  g_autoptr(GError) error = NULL;
  const char *text;
  GtkLabel *error_label;

  set_string_parameter (fixture->experiment, data_module, "data", "name,age,height\nAda,36,1.65\nAlan,41,1.78\n");
  set_string_parameter (fixture->experiment, sql, "query", "SELEC name FROM t1;");
  connect_modules (fixture, data_module, sql, 0);

  show_module (fixture, data_module);
  g_assert_nonnull (find_label (fixture->results, "Not Run"));

  g_assert_false (run_modules (fixture, NULL, &error));
  g_assert_nonnull (error);

  /* Shown without selecting the module again: the pane follows the run,
   * and turns to the table it gave. */
  g_assert_nonnull (find_label (fixture->results, "Finished"));
  g_assert_nonnull (find_label_matching (fixture->results,
                                         "^Took (< 0[.,]01|[0-9]+[.,][0-9][0-9]) s$"));
  wait_for_idle ();
  g_assert_nonnull (find_label (fixture->results, "Alan"));
  g_assert_nonnull (find_label (fixture->results, "1.78"));
  /* The summary lists the outputs' sizes. */
  show_results_page (fixture, "Summary");
  g_assert_nonnull (find_label (fixture->results, "2 rows × 3 columns"));

  show_module (fixture, sql);
  g_assert_nonnull (find_label (fixture->results, "Failed"));
  g_assert_nonnull (find_label_matching (fixture->results,
                                         "^Failed after (< 0[.,]01|[0-9]+[.,][0-9][0-9]) s$"));
  /* The error in full, under the state. */
  error_label = find_label_matching (fixture->results, "SELEC");
  g_assert_nonnull (error_label);
  text = gtk_label_get_text (error_label);
  g_test_message ("error: %s", text);
  g_assert_nonnull (strstr (text, "SELEC"));
  g_assert_nonnull (strstr (text, "syntax error"));
  g_assert_nonnull (find_label (fixture->results, "No output yet"));

  /* The error can be copied. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->results),
                                             "results.copy-error", NULL));

  /* Fixed and run again: the error goes. */
  set_string_parameter (fixture->experiment, sql, "query", "SELECT name FROM t1;");
  g_clear_error (&error);
  g_assert_true (run_modules (fixture, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (find_label (fixture->results, "Finished"));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (error_label)));
}

#define STREAMS_SCRIPT \
  "import sys\n" \
  "def azureml_main(dataframe1=None, dataframe2=None):\n" \
  "    print(\"to stdout\")\n" \
  "    print(\"careful: to stderr\", file=sys.stderr)\n" \
  "    print(\"back on stdout\")\n" \
  "    return dataframe1\n"

typedef struct
{
  GtkTextBuffer *buffer;
  const char    *text;
} BufferWait;

static gboolean
buffer_has_text (gpointer data)
{
  BufferWait *wait = data;
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (wait->buffer, &start, &end);
  text = gtk_text_buffer_get_text (wait->buffer, &start, &end, FALSE);
  return strstr (text, wait->text) != NULL;
}

/* Whether the first @text in @buffer wears the stderr tag. */
static gboolean
is_stderr_text (GtkTextBuffer *buffer,
                const char    *text)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "stderr");
  GtkTextIter start, end, found;
  g_autofree char *all = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  all = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_nonnull (strstr (all, text));
  gtk_text_buffer_get_iter_at_offset (buffer, &found,
                                      g_utf8_pointer_to_offset (all, strstr (all, text)) + 2);
  return tag != NULL && gtk_text_iter_has_tag (&found, tag);
}

/* A script that ran while another module was shown: its console, shown
 * afterwards (and again after another module), keeps what came on stderr
 * in the stderr colour. */
static void
test_console_streams (Fixture       *fixture,
                      gconstpointer  data)
{
  RetortModule *data_module = add_module (fixture, "enter-data");
  RetortModule *script = add_module (fixture, "python-script");
  g_autoptr(GError) error = NULL;
  BufferWait wait = { NULL, "back on stdout" };

  set_string_parameter (fixture->experiment, data_module, "data", "a\n1\n");
  set_string_parameter (fixture->experiment, script, "script", STREAMS_SCRIPT);
  connect_modules (fixture, data_module, script, 0);
  show_module (fixture, data_module);
  g_assert_true (run_modules (fixture, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 2; i++)
    {
      RetortConsoleView *console;

      show_module (fixture, script);
      console = find_descendant (fixture->results, RETORT_TYPE_CONSOLE_VIEW);
      g_assert_nonnull (console);
      wait.buffer = gtk_text_view_get_buffer (find_descendant (console, GTK_TYPE_TEXT_VIEW));
      g_assert_true (wait_until (buffer_has_text, &wait));
      g_assert_true (is_stderr_text (wait.buffer, "careful: to stderr"));
      g_assert_false (is_stderr_text (wait.buffer, "to stdout"));
      g_assert_false (is_stderr_text (wait.buffer, "back on stdout"));
      show_module (fixture, data_module);
    }
}

static void
test_format_duration (void)
{
  static const struct {
    gint64      us;
    const char *text;
  } cases[] = {
    { 4000, "< 0.01 s" },
    { 420000, "0.42 s" },
    { 12340000, "12.3 s" },
    { 63000000, "1 min 3 s" },
    { G_GINT64_CONSTANT (7500000000), "2 h 5 min" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = retort_results_pane_format_duration (cases[i].us);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* Renders @widget; saves it as @name in $RETORT_SCREENSHOT_DIR when that
 * is set, to be looked at. */
static void
render_widget (Fixture    *fixture,
               GtkWidget  *widget,
               const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  const char *dir = g_getenv ("RETORT_SCREENSHOT_DIR");
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  /* Two frames: layout and style settle on the frame clock. */
  for (int i = 0; i < 3; i++)
    {
      gtk_widget_queue_draw (GTK_WIDGET (fixture->window));
      g_usleep (20000);
      wait_for_idle ();
    }

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);

  if (dir != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_true (gdk_texture_save_to_png (texture, path));
      g_test_message ("saved %s", path);
    }
}

static void
render_window (Fixture    *fixture,
               const char *name)
{
  render_widget (fixture, GTK_WIDGET (fixture->window), name);
}

static gboolean
is_tall (gpointer window)
{
  return gtk_widget_get_height (window) >= 1400;
}

static void
test_render (Fixture       *fixture,
             gconstpointer  data)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  RetortModule *failing;
  RetortModule *select;
  g_autoptr(GError) error = NULL;

  load_sample (fixture, "python-sql-pipeline.retort");
  select = add_module (fixture, "select-columns");
  connect_modules (fixture, retort_experiment_find_module (fixture->experiment, "m1"), select, 0);
  g_assert_true (run_modules (fixture, "m2", &error));
  g_assert_no_error (error);
  set_string_parameter (fixture->experiment, retort_experiment_find_module (fixture->experiment, "m4"),
              "query",
              "SELECT c.*, a.age_midpoint\nFROM t1 AS c\nJOIN t2 AS a ON c.agee = a.age;\n");
  g_assert_false (run_modules (fixture, "m4", &error));
  g_clear_error (&error);

  failing = add_module (fixture, "python-script");
  set_string_parameter (fixture->experiment, failing, "script",
              "import pandas as pd\n\n\ndef ratio(frame):\n    return frame.sum() / 0\n\n\n"
              "def azureml_main(dataframe1=None, dataframe2=None):\n"
              "    raise ValueError(\"the column 'age' has no values\")\n");
  g_assert_false (run_modules (fixture, retort_module_get_id (failing), &error));
  g_clear_error (&error);

  for (int dark = 0; dark < 2; dark++)
    {
      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                      : ADW_COLOR_SCHEME_FORCE_LIGHT);
      show_module (fixture, retort_experiment_find_module (fixture->experiment, "m2"));
      render_window (fixture, dark ? "python-script-dark.png" : "python-script-light.png");
      show_module (fixture, retort_experiment_find_module (fixture->experiment, "m4"));
      render_window (fixture, dark ? "sql-dark.png" : "sql-light.png");
      show_module (fixture, failing);
      render_window (fixture, dark ? "python-failed-dark.png" : "python-failed-light.png");
      show_module (fixture, retort_experiment_find_module (fixture->experiment, "m1"));
      render_window (fixture, dark ? "dataset-dark.png" : "dataset-light.png");
      show_module (fixture, retort_experiment_find_module (fixture->experiment, "m3"));
      render_window (fixture, dark ? "enter-data-dark.png" : "enter-data-light.png");
      show_module (fixture, select);
      {
        GtkWidget *row = find_row (find_group (fixture->properties, "Columns"), "age");

        g_assert_nonnull (row);
        gtk_check_button_set_active (find_descendant (row, GTK_TYPE_CHECK_BUTTON), TRUE);
        wait_for_idle ();
      }
      render_window (fixture, dark ? "select-columns-dark.png" : "select-columns-light.png");
      /* The whole pane, below the fold too. */
      gtk_widget_set_size_request (gtk_window_get_child (fixture->window), 900, 1400);
      g_assert_true (wait_until (is_tall, fixture->window));
      render_window (fixture,
                     dark ? "select-columns-all-dark.png" : "select-columns-all-light.png");
      gtk_widget_set_size_request (gtk_window_get_child (fixture->window), -1, -1);
      g_assert_true (retort_experiment_undo (fixture->experiment));
      show_module (fixture, NULL);
      render_window (fixture, dark ? "empty-dark.png" : "empty-light.png");
    }

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
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

  /* The application's style sheet and libadwaita, as in the real app. */
  app = register_test_app (G_APPLICATION_DEFAULT_FLAGS);

  g_test_add_func ("/properties/format-duration", test_format_duration);
  g_test_add ("/properties/editors-show-values", Fixture, NULL,
              fixture_set_up, test_editors_show_values, fixture_tear_down);
  g_test_add ("/properties/edit-and-undo", Fixture, NULL,
              fixture_set_up, test_edit_and_undo, fixture_tear_down);
  g_test_add ("/properties/invalid-value", Fixture, NULL,
              fixture_set_up, test_invalid_value, fixture_tear_down);
  g_test_add ("/properties/column-picker", Fixture, NULL,
              fixture_set_up, test_column_picker, fixture_tear_down);
  g_test_add ("/properties/console-streams", Fixture, NULL,
              fixture_set_up, test_console_streams, fixture_tear_down);
  g_test_add ("/properties/results", Fixture, NULL,
              fixture_set_up, test_results, fixture_tear_down);
  g_test_add ("/properties/render", Fixture, NULL,
              fixture_set_up, test_render, fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
