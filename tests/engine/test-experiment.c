/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "retort-engine-lib.h"

static JsonNode *
json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static const RetortParamSpec *
find_param_of_type (const char      *kind_id,
                    RetortParamType  type)
{
  const RetortModuleKind *kind = retort_module_kind_lookup (kind_id);

  g_assert_nonnull (kind);
  for (guint i = 0; i < kind->n_params; i++)
    {
      if (kind->params[i].type == type)
        return &kind->params[i];
    }

  g_assert_not_reached ();
}

static RetortModule *
add (RetortExperiment *experiment,
     const char       *kind_id)
{
  g_autoptr(GError) error = NULL;
  RetortModule *module = retort_experiment_add_module (experiment, kind_id, 10, 20, &error);

  g_assert_no_error (error);
  g_assert_nonnull (module);
  return module;
}

static void
connect_ok (RetortExperiment *experiment,
            RetortModule     *from,
            guint             from_port,
            RetortModule     *to,
            guint             to_port)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (retort_experiment_connect (experiment, retort_module_get_id (from), from_port,
                                            retort_module_get_id (to), to_port, &error));
  g_assert_no_error (error);
}

static void
test_add_remove_ids (void)
{
  g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
  g_autoptr(GError) error = NULL;
  RetortModule *m1, *m2, *m3;

  m1 = add (experiment, "import-data");
  g_assert_cmpstr (retort_module_get_id (m1), ==, "m1");
  g_assert_cmpstr (retort_module_get_title (m1), ==, "Import Data");
  g_assert_cmpfloat (retort_module_get_x (m1), ==, 10);
  g_assert_cmpfloat (retort_module_get_y (m1), ==, 20);
  g_assert_true (retort_module_get_kind (m1) == retort_module_kind_lookup ("import-data"));

  m2 = add (experiment, "python-script");
  g_assert_cmpstr (retort_module_get_id (m2), ==, "m2");
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 2);
  g_assert_true (retort_experiment_find_module (experiment, "m2") == m2);
  g_assert_true (retort_experiment_get_module (experiment, 1) == m2);

  /* Defaults are there without being set. */
  g_assert_cmpint (retort_module_get_int (m2, "timeout"), >, 0);
  g_assert_null (retort_module_get_parameter (m2, "no-such-parameter"));

  g_assert_true (retort_experiment_remove_module (experiment, "m1", &error));
  g_assert_no_error (error);
  g_assert_null (retort_experiment_find_module (experiment, "m1"));

  /* Ids are never reused, not even after undoing the add. */
  m3 = add (experiment, "sql");
  g_assert_cmpstr (retort_module_get_id (m3), ==, "m3");
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_cmpstr (retort_module_get_id (add (experiment, "sql")), ==, "m4");

  g_assert_null (retort_experiment_add_module (experiment, "no-such-kind", 0, 0, &error));
  g_assert_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (retort_experiment_remove_module (experiment, "m99", &error));
  g_assert_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "m99"));
}

static void
assert_connect_fails (RetortExperiment *experiment,
                      const char       *from,
                      guint             from_port,
                      const char       *to,
                      guint             to_port,
                      int               code,
                      const char       *message)
{
  g_autoptr(GError) error = NULL;
  guint n = retort_experiment_get_connections (experiment)->len;

  g_assert_false (retort_experiment_can_connect (experiment, from, from_port, to, to_port, &error));
  g_assert_error (error, RETORT_ENGINE_ERROR, code);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);

  g_assert_false (retort_experiment_connect (experiment, from, from_port, to, to_port, &error));
  g_assert_error (error, RETORT_ENGINE_ERROR, code);
  g_test_message ("refused: %s", error->message);
  g_assert_cmpuint (retort_experiment_get_connections (experiment)->len, ==, n);
}

static void
test_connect_validation (void)
{
  g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
  RetortModule *import = add (experiment, "import-data");     /* m1 */
  RetortModule *python = add (experiment, "python-script");   /* m2 */
  RetortModule *bundle = add (experiment, "script-bundle");   /* m3 */
  RetortModule *sql = add (experiment, "sql");                /* m4 */
  g_autoptr(GError) error = NULL;
  const RetortConnection *source;

  g_assert_true (retort_experiment_can_connect (experiment, "m1", 0, "m2", 0, &error));
  g_assert_no_error (error);

  /* INVALID: unknown modules, ports out of range. */
  assert_connect_fails (experiment, "m9", 0, "m2", 0, RETORT_ENGINE_ERROR_INVALID, NULL);
  assert_connect_fails (experiment, "m1", 0, "m9", 0, RETORT_ENGINE_ERROR_INVALID, NULL);
  assert_connect_fails (experiment, "m1", 1, "m2", 0, RETORT_ENGINE_ERROR_INVALID,
                        "Import Data has no output 2: it has 1 output");
  assert_connect_fails (experiment, "m1", 0, "m2", 3, RETORT_ENGINE_ERROR_INVALID,
                        "Execute Python Script has no input 4: it has 3 inputs");

  /* TYPE_MISMATCH: a dataset into the zip port, a zip into a dataset port,
   * the Python device into a dataset port. */
  assert_connect_fails (experiment, "m1", 0, "m2", 2, RETORT_ENGINE_ERROR_TYPE_MISMATCH,
                        "Import Data’s output 1 (dataset) cannot feed "
                        "Execute Python Script’s input 3 (Script Bundle, zip)");
  assert_connect_fails (experiment, "m3", 0, "m2", 0, RETORT_ENGINE_ERROR_TYPE_MISMATCH, NULL);
  assert_connect_fails (experiment, "m2", 1, "m4", 0, RETORT_ENGINE_ERROR_TYPE_MISMATCH, NULL);

  connect_ok (experiment, import, 0, python, 0);
  connect_ok (experiment, bundle, 0, python, 2);
  source = retort_experiment_find_source (experiment, "m2", 0);
  g_assert_nonnull (source);
  g_assert_cmpstr (source->from_module, ==, "m1");
  g_assert_cmpuint (source->from_port, ==, 0);
  g_assert_null (retort_experiment_find_source (experiment, "m2", 1));

  /* PORT_TAKEN: a second source on one input. */
  assert_connect_fails (experiment, "m4", 0, "m2", 0, RETORT_ENGINE_ERROR_PORT_TAKEN, NULL);

  /* CYCLE: m2 -> m4 -> m2, and a module into itself. */
  connect_ok (experiment, python, 0, sql, 0);
  assert_connect_fails (experiment, "m4", 0, "m2", 1, RETORT_ENGINE_ERROR_CYCLE,
                        "Apply SQL Transformation’s output 1 (Results dataset, dataset) cannot feed "
                        "Execute Python Script’s input 2 (Dataset2, dataset): Apply SQL Transformation "
                        "already depends on Execute Python Script, and an experiment cannot loop");
  assert_connect_fails (experiment, "m4", 0, "m4", 1, RETORT_ENGINE_ERROR_CYCLE, NULL);

  /* Two modules with one title are told apart by their ids. */
  add (experiment, "sql");   /* m5 */
  connect_ok (experiment, sql, 0, retort_experiment_find_module (experiment, "m5"), 1);
  assert_connect_fails (experiment, "m5", 0, "m4", 1, RETORT_ENGINE_ERROR_CYCLE,
                        "Apply SQL Transformation (m5)’s output 1 (Results dataset, dataset) cannot feed "
                        "Apply SQL Transformation (m4)’s input 2 (Table2, dataset): "
                        "Apply SQL Transformation (m5) already depends on Apply SQL Transformation (m4), "
                        "and an experiment cannot loop");

  /* Disconnect. */
  g_assert_true (retort_experiment_disconnect (experiment, "m4", 0, &error));
  g_assert_no_error (error);
  g_assert_false (retort_experiment_disconnect (experiment, "m4", 0, &error));
  g_assert_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID);
  g_assert_true (retort_experiment_can_connect (experiment, "m4", 0, "m2", 1, NULL));
  g_assert_cmpuint (retort_experiment_get_connections (experiment)->len, ==, 3);
}

static void
assert_parameter_fails (RetortExperiment *experiment,
                        const char       *module_id,
                        const char       *name,
                        const char       *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json (value);

  g_assert_false (retort_experiment_set_parameter (experiment, module_id, name, node, &error));
  g_assert_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID);
  g_test_message ("refused: %s", error->message);
}

static void
test_parameter_validation (void)
{
  g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
  RetortModule *python = add (experiment, "python-script");     /* m1 */
  RetortModule *import = add (experiment, "import-data");       /* m2 */
  RetortModule *select = add (experiment, "select-columns");    /* m3 */
  const RetortParamSpec *choice = find_param_of_type ("import-data", RETORT_PARAM_CHOICE);
  const RetortParamSpec *columns = find_param_of_type ("select-columns", RETORT_PARAM_COLUMNS);
  g_autoptr(JsonNode) timeout = json ("30");
  g_autoptr(JsonNode) good_choice = NULL;
  g_autoptr(JsonNode) good_columns = json ("[\"a\", \"b\"]");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) strv = NULL;

  assert_parameter_fails (experiment, "m1", "no-such-parameter", "1");
  assert_parameter_fails (experiment, "m9", "timeout", "1");
  assert_parameter_fails (experiment, "m1", "timeout", "\"30\"");
  assert_parameter_fails (experiment, "m1", "timeout", "3.5");
  assert_parameter_fails (experiment, "m1", "script", "42");
  assert_parameter_fails (experiment, "m2", choice->name, "\"not one of the choices\"");
  assert_parameter_fails (experiment, "m3", columns->name, "[1, 2]");
  assert_parameter_fails (experiment, "m3", columns->name, "\"a\"");

  g_assert_true (retort_experiment_set_parameter (experiment, "m1", "timeout", timeout, &error));
  g_assert_no_error (error);
  g_assert_cmpint (retort_module_get_int (python, "timeout"), ==, 30);

  good_choice = json_node_init_string (json_node_alloc (), choice->choices[1]);
  g_assert_true (retort_experiment_set_parameter (experiment, "m2", choice->name, good_choice, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (retort_module_get_string (import, choice->name), ==, choice->choices[1]);

  g_assert_true (retort_experiment_set_parameter (experiment, "m3", columns->name, good_columns, &error));
  g_assert_no_error (error);
  strv = retort_module_dup_strv (select, columns->name);
  g_assert_cmpuint (g_strv_length (strv), ==, 2);
  g_assert_cmpstr (strv[1], ==, "b");

  /* Titles: an empty one gives back the kind's. */
  g_assert_true (retort_experiment_set_title (experiment, "m2", "Patients", &error));
  g_assert_cmpstr (retort_module_get_title (import), ==, "Patients");
  g_assert_true (retort_experiment_set_title (experiment, "m2", "", &error));
  g_assert_cmpstr (retort_module_get_title (import), ==, "Import Data");

  /* Datasets: names that would escape datasets/ are refused. */
  g_assert_false (retort_experiment_set_dataset (experiment, "../evil", NULL, &error));
  g_assert_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID);
}

static guint
n_datasets (RetortExperiment *experiment)
{
  g_autoptr(GPtrArray) names = retort_experiment_list_datasets (experiment);

  return names->len;
}

static void
test_undo_every_command (void)
{
  g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
  g_autoptr(JsonNode) timeout = json ("77");
  g_autoptr(GBytes) data = g_bytes_new_static ("a,b\n1,2\n", 8);
  g_autoptr(GError) error = NULL;
  RetortModule *import, *python;

  g_assert_false (retort_experiment_can_undo (experiment));
  g_assert_null (retort_experiment_get_undo_label (experiment));

  import = add (experiment, "import-data");
  g_assert_cmpstr (retort_experiment_get_undo_label (experiment), ==, "Add Import Data");
  python = add (experiment, "python-script");
  connect_ok (experiment, import, 0, python, 0);
  g_assert_cmpstr (retort_experiment_get_undo_label (experiment), ==, "Connect");

  /* Move. */
  g_assert_true (retort_experiment_move_module (experiment, "m1", 100, 200, &error));
  g_assert_cmpstr (retort_experiment_get_undo_label (experiment), ==, "Move Import Data");
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_cmpfloat (retort_module_get_x (import), ==, 10);
  g_assert_cmpfloat (retort_module_get_y (import), ==, 20);
  g_assert_cmpstr (retort_experiment_get_redo_label (experiment), ==, "Move Import Data");
  g_assert_true (retort_experiment_redo (experiment));
  g_assert_cmpfloat (retort_module_get_x (import), ==, 100);

  /* Title. */
  g_assert_true (retort_experiment_set_title (experiment, "m1", "Patients", &error));
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_cmpstr (retort_module_get_title (import), ==, "Import Data");
  g_assert_true (retort_experiment_redo (experiment));
  g_assert_cmpstr (retort_module_get_title (import), ==, "Patients");

  /* Parameter. */
  g_assert_true (retort_experiment_set_parameter (experiment, "m2", "timeout", timeout, &error));
  g_assert_cmpint (retort_module_get_int (python, "timeout"), ==, 77);
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_cmpint (retort_module_get_int (python, "timeout"), !=, 77);
  g_assert_true (retort_experiment_redo (experiment));
  g_assert_cmpint (retort_module_get_int (python, "timeout"), ==, 77);

  /* Dataset. */
  g_assert_true (retort_experiment_set_dataset (experiment, "numbers.csv", data, &error));
  g_assert_true (g_bytes_equal (retort_experiment_get_dataset (experiment, "numbers.csv"), data));
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_null (retort_experiment_get_dataset (experiment, "numbers.csv"));
  g_assert_true (retort_experiment_redo (experiment));
  g_assert_nonnull (retort_experiment_get_dataset (experiment, "numbers.csv"));
  g_assert_true (retort_experiment_set_dataset (experiment, "numbers.csv", NULL, &error));
  g_assert_cmpuint (n_datasets (experiment), ==, 0);
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_cmpuint (n_datasets (experiment), ==, 1);

  /* Disconnect. */
  g_assert_true (retort_experiment_disconnect (experiment, "m2", 0, &error));
  g_assert_null (retort_experiment_find_source (experiment, "m2", 0));
  g_assert_cmpstr (retort_experiment_get_undo_label (experiment), ==, "Disconnect");
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_nonnull (retort_experiment_find_source (experiment, "m2", 0));

  /* Remove with its connections; undo brings both back, in place. */
  g_assert_true (retort_experiment_remove_module (experiment, "m1", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (retort_experiment_get_undo_label (experiment), ==, "Remove Patients");
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 1);
  g_assert_cmpuint (retort_experiment_get_connections (experiment)->len, ==, 0);
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 2);
  g_assert_true (retort_experiment_get_module (experiment, 0) == import);
  g_assert_nonnull (retort_experiment_find_source (experiment, "m2", 0));
  g_assert_true (retort_experiment_redo (experiment));
  g_assert_cmpuint (retort_experiment_get_connections (experiment)->len, ==, 0);
  g_assert_true (retort_experiment_undo (experiment));

  /* Undo everything, then redo everything. */
  while (retort_experiment_can_undo (experiment))
    g_assert_true (retort_experiment_undo (experiment));
  g_assert_false (retort_experiment_undo (experiment));
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 0);
  g_assert_cmpuint (retort_experiment_get_connections (experiment)->len, ==, 0);
  while (retort_experiment_can_redo (experiment))
    g_assert_true (retort_experiment_redo (experiment));
  /* The last step redone is the removal. */
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 1);
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 2);
  g_assert_cmpuint (retort_experiment_get_connections (experiment)->len, ==, 1);
  g_assert_cmpfloat (retort_module_get_x (import), ==, 100);
  g_assert_cmpstr (retort_module_get_title (import), ==, "Patients");
  g_assert_cmpint (retort_module_get_int (python, "timeout"), ==, 77);
  g_assert_nonnull (retort_experiment_get_dataset (experiment, "numbers.csv"));

  /* A new edit clears what could be redone. */
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_true (retort_experiment_can_redo (experiment));
  add (experiment, "sql");
  g_assert_false (retort_experiment_can_redo (experiment));
  g_assert_null (retort_experiment_get_redo_label (experiment));
}

static void
set_text (RetortExperiment *experiment,
          const char       *module_id,
          const char       *name,
          const char       *text)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);
  g_autoptr(GError) error = NULL;

  g_assert_true (retort_experiment_set_parameter (experiment, module_id, name, node, &error));
  g_assert_no_error (error);
}

static guint
undo_depth (RetortExperiment *experiment)
{
  guint n = 0;

  while (retort_experiment_undo (experiment))
    n++;
  for (guint i = 0; i < n; i++)
    retort_experiment_redo (experiment);

  return n;
}

static void
test_merge_typing (void)
{
  g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
  RetortModule *python = add (experiment, "python-script");   /* m1 */
  RetortModule *sql = add (experiment, "sql");                /* m2 */
  const RetortParamSpec *query = find_param_of_type ("sql", RETORT_PARAM_TEXT);
  g_autofree char *original = g_strdup (retort_module_get_string (python, "script"));
  g_autoptr(JsonNode) timeout = json ("5");
  g_autoptr(JsonNode) timeout2 = json ("6");

  g_assert_cmpuint (undo_depth (experiment), ==, 2);

  /* Typing into a script: one step. */
  set_text (experiment, "m1", "script", "i");
  set_text (experiment, "m1", "script", "im");
  set_text (experiment, "m1", "script", "imp");
  g_assert_cmpuint (undo_depth (experiment), ==, 3);
  g_assert_cmpstr (retort_experiment_get_undo_label (experiment), ==, "Edit Python Script");
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_cmpstr (retort_module_get_string (python, "script"), ==, original);
  g_assert_true (retort_experiment_redo (experiment));
  g_assert_cmpstr (retort_module_get_string (python, "script"), ==, "imp");

  /* After an undo/redo typing starts a new step. */
  set_text (experiment, "m1", "script", "impo");
  g_assert_cmpuint (undo_depth (experiment), ==, 4);

  /* So it does when the editor ends the step (a new line, a pause). */
  retort_experiment_end_typing (experiment);
  set_text (experiment, "m1", "script", "impor");
  set_text (experiment, "m1", "script", "import");
  g_assert_cmpuint (undo_depth (experiment), ==, 5);
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_cmpstr (retort_module_get_string (python, "script"), ==, "impo");
  g_assert_true (retort_experiment_redo (experiment));

  /* Another module's text parameter is another step, and so is a
   * parameter that is not text. */
  set_text (experiment, "m2", query->name, "SELECT 1;");
  set_text (experiment, "m2", query->name, "SELECT 12;");
  g_assert_cmpuint (undo_depth (experiment), ==, 6);
  set_text (experiment, "m1", "script", "import ");
  g_assert_cmpuint (undo_depth (experiment), ==, 7);
  g_assert_true (retort_experiment_set_parameter (experiment, "m1", "timeout", timeout, NULL));
  g_assert_true (retort_experiment_set_parameter (experiment, "m1", "timeout", timeout2, NULL));
  g_assert_cmpuint (undo_depth (experiment), ==, 9);
  g_assert_cmpstr (retort_module_get_string (sql, query->name), ==, "SELECT 12;");
}

static void
note_can_undo (gboolean         *could_undo,
               RetortExperiment *experiment)
{
  *could_undo = retort_experiment_can_undo (experiment);
}

static void
test_group (void)
{
  g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
  RetortModule *a, *b;

  retort_experiment_begin_group (experiment, "Paste");
  a = add (experiment, "import-data");
  retort_experiment_begin_group (experiment, "Nested");
  b = add (experiment, "select-columns");
  connect_ok (experiment, a, 0, b, 0);
  retort_experiment_end_group (experiment);
  g_assert_false (retort_experiment_can_undo (experiment));
  retort_experiment_end_group (experiment);

  g_assert_true (retort_experiment_can_undo (experiment));
  g_assert_cmpstr (retort_experiment_get_undo_label (experiment), ==, "Paste");
  g_assert_cmpuint (undo_depth (experiment), ==, 1);

  g_assert_true (retort_experiment_undo (experiment));
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 0);
  g_assert_cmpuint (retort_experiment_get_connections (experiment)->len, ==, 0);
  g_assert_true (retort_experiment_redo (experiment));
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 2);
  g_assert_cmpuint (retort_experiment_get_connections (experiment)->len, ==, 1);

  /* Deleting a selection. */
  retort_experiment_begin_group (experiment, "Delete");
  g_assert_true (retort_experiment_remove_module (experiment, "m1", NULL));
  g_assert_true (retort_experiment_remove_module (experiment, "m2", NULL));
  retort_experiment_end_group (experiment);
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 0);
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_cmpuint (retort_experiment_get_n_modules (experiment), ==, 2);
  g_assert_cmpuint (retort_experiment_get_connections (experiment)->len, ==, 1);
  g_assert_cmpstr (retort_module_get_id (retort_experiment_get_module (experiment, 0)), ==, "m1");

  /* An empty group is no step. */
  retort_experiment_begin_group (experiment, "Nothing");
  retort_experiment_end_group (experiment);
  g_assert_cmpstr (retort_experiment_get_undo_label (experiment), ==, "Paste");
  g_assert_cmpstr (retort_experiment_get_redo_label (experiment), ==, "Delete");

  /* The last "changed" of a group comes when it is one undo step, so views
   * that follow "changed" offer Undo. */
  {
    gboolean could_undo = FALSE;
    gulong handler = g_signal_connect_swapped (experiment, "changed",
                                               G_CALLBACK (note_can_undo), &could_undo);

    retort_experiment_begin_group (experiment, "Move");
    g_assert_true (retort_experiment_move_module (experiment, "m1", 160, 160, NULL));
    g_assert_false (could_undo);
    retort_experiment_end_group (experiment);
    g_assert_true (could_undo);
    g_signal_handler_disconnect (experiment, handler);
    g_assert_true (retort_experiment_undo (experiment));
  }
}

typedef struct
{
  guint module_added;
  guint module_removed;
  guint connection_added;
  guint connection_removed;
  guint changed;
  guint can_undo;
  guint can_redo;
  guint modified;
  guint x;
  guint y;
  guint title;
  guint parameter;
} Counts;

static void
count (guint *counter)
{
  (*counter)++;
}

static void
count_module_signals (RetortModule *module,
                      Counts       *counts)
{
  g_signal_connect_swapped (module, "notify::x", G_CALLBACK (count), &counts->x);
  g_signal_connect_swapped (module, "notify::y", G_CALLBACK (count), &counts->y);
  g_signal_connect_swapped (module, "notify::title", G_CALLBACK (count), &counts->title);
  g_signal_connect_swapped (module, "parameter-changed", G_CALLBACK (count), &counts->parameter);
}

static void
test_signals (void)
{
  g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
  g_autoptr(JsonNode) timeout = json ("9");
  Counts counts = { 0 };
  RetortModule *a, *b;

  g_signal_connect_swapped (experiment, "module-added", G_CALLBACK (count), &counts.module_added);
  g_signal_connect_swapped (experiment, "module-removed", G_CALLBACK (count), &counts.module_removed);
  g_signal_connect_swapped (experiment, "connection-added", G_CALLBACK (count), &counts.connection_added);
  g_signal_connect_swapped (experiment, "connection-removed", G_CALLBACK (count), &counts.connection_removed);
  g_signal_connect_swapped (experiment, "changed", G_CALLBACK (count), &counts.changed);
  g_signal_connect_swapped (experiment, "notify::can-undo", G_CALLBACK (count), &counts.can_undo);
  g_signal_connect_swapped (experiment, "notify::can-redo", G_CALLBACK (count), &counts.can_redo);
  g_signal_connect_swapped (experiment, "notify::modified", G_CALLBACK (count), &counts.modified);

  a = add (experiment, "import-data");
  g_assert_cmpuint (counts.module_added, ==, 1);
  g_assert_cmpuint (counts.changed, ==, 1);
  g_assert_cmpuint (counts.can_undo, ==, 1);
  g_assert_cmpuint (counts.modified, ==, 1);
  b = add (experiment, "python-script");
  count_module_signals (a, &counts);
  count_module_signals (b, &counts);
  g_assert_cmpuint (counts.can_undo, ==, 1);
  g_assert_cmpuint (counts.modified, ==, 1);

  connect_ok (experiment, a, 0, b, 0);
  g_assert_cmpuint (counts.connection_added, ==, 1);

  g_assert_true (retort_experiment_move_module (experiment, "m1", 50, 20, NULL));
  g_assert_cmpuint (counts.x, ==, 1);
  g_assert_cmpuint (counts.y, ==, 0);   /* y did not change */
  g_assert_true (retort_experiment_set_title (experiment, "m1", "A", NULL));
  g_assert_cmpuint (counts.title, ==, 1);
  g_assert_true (retort_experiment_set_parameter (experiment, "m2", "timeout", timeout, NULL));
  g_assert_cmpuint (counts.parameter, ==, 1);
  /* The same value again changes nothing. */
  g_assert_true (retort_experiment_set_parameter (experiment, "m2", "timeout", timeout, NULL));
  g_assert_cmpuint (counts.parameter, ==, 1);
  g_assert_cmpuint (counts.changed, ==, 6);

  g_assert_true (retort_experiment_remove_module (experiment, "m1", NULL));
  g_assert_cmpuint (counts.module_removed, ==, 1);
  g_assert_cmpuint (counts.connection_removed, ==, 1);
  g_assert_cmpuint (counts.changed, ==, 7);

  g_assert_true (retort_experiment_undo (experiment));
  g_assert_cmpuint (counts.module_added, ==, 3);
  g_assert_cmpuint (counts.connection_added, ==, 2);
  g_assert_cmpuint (counts.can_redo, ==, 1);
  g_assert_cmpuint (counts.changed, ==, 8);
  g_assert_true (retort_experiment_undo (experiment));   /* timeout */
  g_assert_cmpuint (counts.parameter, ==, 2);
  g_assert_true (retort_experiment_undo (experiment));   /* title */
  g_assert_cmpuint (counts.title, ==, 2);
  g_assert_true (retort_experiment_undo (experiment));   /* move */
  g_assert_cmpuint (counts.x, ==, 2);
  g_assert_true (retort_experiment_undo (experiment));   /* connect */
  g_assert_cmpuint (counts.connection_removed, ==, 2);
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_cmpuint (counts.module_removed, ==, 3);
  g_assert_cmpuint (counts.changed, ==, 14);
  g_assert_cmpuint (counts.can_undo, ==, 2);
  g_assert_cmpuint (counts.can_redo, ==, 1);
  g_assert_cmpuint (counts.modified, ==, 2);   /* back to the empty, unmodified experiment */
  g_assert_false (retort_experiment_get_modified (experiment));

  g_assert_true (retort_experiment_redo (experiment));
  g_assert_cmpuint (counts.can_undo, ==, 3);
  g_assert_cmpuint (counts.modified, ==, 3);
}

static void
test_topological_order (void)
{
  g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
  g_autoptr(GPtrArray) order = NULL;
  RetortModule *python, *sql, *import1, *import2, *summarize;
  const char *expected[] = { "m2", "m3", "m4", "m1", "m5" };

  /* Added in an order where a consumer comes before its sources. */
  python = add (experiment, "python-script");   /* m1 */
  import1 = add (experiment, "import-data");    /* m2 */
  import2 = add (experiment, "import-data");    /* m3 */
  sql = add (experiment, "sql");                /* m4 */
  summarize = add (experiment, "summarize");    /* m5 */
  connect_ok (experiment, sql, 0, python, 0);
  connect_ok (experiment, import2, 0, python, 1);
  connect_ok (experiment, import1, 0, sql, 0);
  connect_ok (experiment, import2, 0, sql, 1);
  connect_ok (experiment, python, 0, summarize, 0);

  order = retort_experiment_topological_order (experiment);
  g_assert_cmpuint (order->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < order->len; i++)
    g_assert_cmpstr (retort_module_get_id (g_ptr_array_index (order, i)), ==, expected[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_log_writer_default_set_use_stderr (TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/experiment/add-remove-ids", test_add_remove_ids);
  g_test_add_func ("/engine/experiment/connect-validation", test_connect_validation);
  g_test_add_func ("/engine/experiment/parameter-validation", test_parameter_validation);
  g_test_add_func ("/engine/experiment/undo-every-command", test_undo_every_command);
  g_test_add_func ("/engine/experiment/merge-typing", test_merge_typing);
  g_test_add_func ("/engine/experiment/group", test_group);
  g_test_add_func ("/engine/experiment/signals", test_signals);
  g_test_add_func ("/engine/experiment/topological-order", test_topological_order);

  return g_test_run ();
}
