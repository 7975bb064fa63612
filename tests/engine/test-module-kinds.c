/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every module kind run for real through its run_async/run_finish, as the
 * scheduler runs it: CSV import, SQL on SQLite, Python in the real runner
 * ($RETORT_RUNNER), and the registry that lists them. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "retort-engine-lib.h"
#include "../common/retort-test-tables.h"

typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
  gint64   done_time;
} Wait;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  gpointer *pair = user_data;
  RetortModuleRun *run = pair[0];
  Wait *wait = pair[1];

  wait->ok = retort_module_run_get_kind (run)->run_finish (run, result, &wait->error);
  wait->done_time = g_get_monotonic_time ();
  wait->done = TRUE;
}

static gboolean
run_module (RetortModuleRun  *run,
            GCancellable     *cancellable,
            gint64           *done_time,
            GError          **error)
{
  Wait wait = { 0 };
  gpointer pair[2] = { run, &wait };
  const RetortModuleKind *kind = retort_module_run_get_kind (run);

  kind->run_async (run, cancellable, run_cb, pair);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  if (done_time != NULL)
    *done_time = wait.done_time;
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  g_assert_true (wait.ok == (wait.error == NULL));

  return wait.ok;
}

/* A run of kind @id with @params_json (a JSON object, or NULL). */
static RetortModuleRun *
new_run (const char       *id,
         const char       *params_json,
         RetortExperiment *experiment)
{
  const RetortModuleKind *kind = retort_module_kind_lookup (id);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (kind);
  if (params_json != NULL)
    {
      node = json_from_string (params_json, &error);
      g_assert_no_error (error);
    }

  return retort_module_run_new (kind, "m1", NULL, node != NULL ? json_node_get_object (node) : NULL,
                                experiment);
}

/* Runs kind @id on @input (port 0) and expects success: output 0. */
static RetortTable *
run_ok (const char  *id,
        const char  *params_json,
        RetortTable *input)
{
  g_autoptr(RetortModuleRun) run = new_run (id, params_json, NULL);
  g_autoptr(GError) error = NULL;
  RetortTable *output;

  if (input != NULL)
    retort_module_run_set_input_table (run, 0, input);
  run_module (run, NULL, NULL, &error);
  g_assert_no_error (error);
  output = retort_module_run_get_output_table (run, 0);
  g_assert_nonnull (output);

  return retort_table_ref (output);
}

static GError *
run_failing (const char  *id,
             const char  *params_json,
             RetortTable *input)
{
  g_autoptr(RetortModuleRun) run = new_run (id, params_json, NULL);
  GError *error = NULL;

  if (input != NULL)
    retort_module_run_set_input_table (run, 0, input);
  g_assert_false (run_module (run, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);

  return error;
}

static RetortTable *
table_from_csv (const char *csv)
{
  g_autoptr(GError) error = NULL;
  RetortTable *table = retort_csv_read_data (csv, strlen (csv), "test.csv", NULL, &error);

  g_assert_no_error (error);
  return table;
}

static void
assert_cell (RetortTable *table,
             const char  *column,
             gsize        row,
             const char  *expected)
{
  int index = retort_table_find_column (table, column);
  g_autofree char *text = NULL;

  g_assert_cmpint (index, >=, 0);
  text = retort_table_dup_cell_text (table, row, index);
  g_assert_cmpstr (text, ==, expected);
}

static RetortColumnType
column_type (RetortTable *table,
             const char  *column)
{
  int index = retort_table_find_column (table, column);

  g_assert_cmpint (index, >=, 0);
  return retort_column_get_data_type (retort_table_get_column (table, index));
}

static char *
iris_path (void)
{
  const char *dir = g_getenv ("RETORT_SHARED_DATASETS");

  g_assert_nonnull (dir);
  return g_build_filename (dir, "iris.csv", NULL);
}

static char *
params (const char *name,
        const char *value)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

/* The all-types table, but for the int64 column without missing values:
 * read back from CSV or pandas, such a column is float64. */
static RetortTable *
make_exportable_table (gsize n_rows)
{
  g_autoptr(RetortTable) all = retort_test_make_all_types_table (n_rows);
  g_autoptr(RetortColumn) ints = retort_test_make_column (RETORT_COLUMN_TYPE_INT64, n_rows,
                                                          RETORT_TEST_NO_MISSING);
  RetortColumn *columns[5];
  const char *names[5];

  for (guint c = 0; c < 5; c++)
    {
      columns[c] = retort_table_get_column (all, c);
      names[c] = retort_table_get_column_name (all, c);
    }
  g_assert_cmpstr (names[1], ==, "i");
  columns[1] = ints;

  return retort_table_new (5, names, columns, NULL);
}

/* The registry ------------------------------------------------------------ */

static void
test_registry (void)
{
  guint n_kinds = 0;
  const RetortModuleKind **kinds = retort_module_kind_list (&n_kinds);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  const char *expected[] = { "import-data", "dataset", "enter-data", "select-columns", "sql",
                             "python-script", "summarize", "export-data", "web-input",
                             "web-output", "script-bundle" };

  g_assert_cmpuint (n_kinds, >=, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const RetortModuleKind *kind = retort_module_kind_lookup (expected[i]);

      g_assert_nonnull (kind);
      g_assert_cmpstr (kind->id, ==, expected[i]);
    }
  g_assert_null (retort_module_kind_lookup ("no-such-kind"));

  for (guint i = 0; i < n_kinds; i++)
    {
      const RetortModuleKind *kind = kinds[i];

      g_assert_nonnull (kind);
      g_assert_true (g_hash_table_add (ids, (gpointer) kind->id));
      g_assert_true (retort_module_kind_lookup (kind->id) == kind);
      g_assert_nonnull (kind->title);
      g_assert_nonnull (kind->category);
      g_assert_nonnull (kind->description);
      g_assert_nonnull (kind->run_async);
      g_assert_nonnull (kind->run_finish);
      g_assert_cmpuint (kind->n_outputs, >, 0);

      for (guint p = 0; p < kind->n_params; p++)
        {
          const RetortParamSpec *spec = &kind->params[p];
          g_autoptr(GError) error = NULL;
          g_autoptr(JsonNode) value = json_from_string (spec->default_json, &error);

          g_test_message ("%s.%s = %s", kind->id, spec->name, spec->default_json);
          g_assert_no_error (error);
          g_assert_nonnull (value);
          g_assert_true (retort_module_kind_find_param (kind, spec->name) == spec);
          switch (spec->type)
            {
            case RETORT_PARAM_INT:
              g_assert_true (JSON_NODE_HOLDS_VALUE (value));
              g_assert_cmpint (json_node_get_value_type (value), ==, G_TYPE_INT64);
              break;
            case RETORT_PARAM_DOUBLE:
              g_assert_true (JSON_NODE_HOLDS_VALUE (value));
              g_assert_true (json_node_get_value_type (value) == G_TYPE_DOUBLE
                             || json_node_get_value_type (value) == G_TYPE_INT64);
              break;
            case RETORT_PARAM_BOOL:
              g_assert_true (JSON_NODE_HOLDS_VALUE (value));
              g_assert_cmpint (json_node_get_value_type (value), ==, G_TYPE_BOOLEAN);
              break;
            case RETORT_PARAM_COLUMNS:
              g_assert_true (JSON_NODE_HOLDS_ARRAY (value));
              break;
            case RETORT_PARAM_CHOICE:
              g_assert_nonnull (spec->choices);
              g_assert_true (g_strv_contains (spec->choices, json_node_get_string (value)));
              break;
            default:
              g_assert_true (JSON_NODE_HOLDS_VALUE (value));
              g_assert_cmpint (json_node_get_value_type (value), ==, G_TYPE_STRING);
              break;
            }
        }
      g_assert_null (retort_module_kind_find_param (kind, "no-such-parameter"));
    }
}

/* Parameters missing from a run's snapshot take their kind's default. */
static void
test_run_defaults (void)
{
  g_autoptr(RetortModuleRun) run = new_run ("python-script", "{\"timeout\": 5}", NULL);
  g_auto(GStrv) columns = NULL;
  g_autoptr(RetortModuleRun) select = new_run ("select-columns", "{\"columns\": \"a, b,\"}", NULL);

  g_assert_cmpint (retort_module_run_get_int (run, "timeout"), ==, 5);
  g_assert_cmpint (retort_module_run_get_int (run, "memory"), ==, 4096);
  g_assert_nonnull (strstr (retort_module_run_get_string (run, "script"), "def azureml_main("));
  g_assert_cmpstr (retort_module_run_get_title (run), ==, "Execute Python Script");

  /* `retort run --set M.columns=a,b` gives a string: a list all the same. */
  columns = retort_module_run_dup_strv (select, "columns");
  g_assert_cmpuint (g_strv_length (columns), ==, 2);
  g_assert_cmpstr (columns[0], ==, "a");
  g_assert_cmpstr (columns[1], ==, "b");
}

/* Data in ------------------------------------------------------------------ */

static void
test_import_data (void)
{
  g_autofree char *path = iris_path ();
  g_autofree char *json = params ("path", path);
  g_autoptr(RetortTable) table = run_ok ("import-data", json, NULL);

  g_assert_cmpuint (retort_table_get_n_rows (table), ==, 150);
  g_assert_cmpuint (retort_table_get_n_columns (table), ==, 5);
  g_assert_cmpint (column_type (table, "sepallength"), ==, RETORT_COLUMN_TYPE_FLOAT64);
  assert_cell (table, "class", 149, "Iris-virginica");
}

/* Without a document, a relative path starts at the current directory. */
static void
test_import_data_relative (void)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autoptr(RetortTable) table = NULL;

  g_assert_cmpint (g_chdir (g_getenv ("RETORT_SHARED_DATASETS")), ==, 0);
  table = run_ok ("import-data", "{\"path\": \"iris.csv\", \"delimiter\": \",\"}", NULL);
  g_assert_cmpint (g_chdir (cwd), ==, 0);

  g_assert_cmpuint (retort_table_get_n_rows (table), ==, 150);
}

/* In a saved document, a relative path starts at the document's folder. */
static void
test_import_data_document (void)
{
  g_autofree char *dir = g_dir_make_tmp ("retort-test-XXXXXX", NULL);
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *csv_path = g_build_filename (data_dir, "small.csv", NULL);
  g_autofree char *doc_path = g_build_filename (dir, "experiment.retort", NULL);
  g_autoptr(GFile) doc = g_file_new_for_path (doc_path);
  g_autoptr(GFile) doc_dir = g_file_new_for_path (dir);
  g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
  g_autoptr(RetortModuleRun) run = NULL;
  g_autoptr(GError) error = NULL;
  RetortTable *table;

  g_assert_cmpint (g_mkdir (data_dir, 0700), ==, 0);
  g_file_set_contents (csv_path, "a\n1\n2\n", -1, &error);
  g_assert_no_error (error);
  retort_experiment_save (experiment, doc, &error);
  g_assert_no_error (error);

  run = new_run ("import-data", "{\"path\": \"data/small.csv\"}", experiment);
  g_assert_true (g_file_equal (retort_module_run_get_base_dir (run), doc_dir));
  run_module (run, NULL, NULL, &error);
  g_assert_no_error (error);
  table = retort_module_run_get_output_table (run, 0);
  g_assert_cmpuint (retort_table_get_n_rows (table), ==, 2);

  g_unlink (csv_path);
  g_unlink (doc_path);
  g_rmdir (data_dir);
  g_rmdir (dir);
}

static void
test_import_data_missing (void)
{
  g_autoptr(GError) error = run_failing ("import-data",
                                         "{\"path\": \"/nonexistent/no-such-file.csv\"}", NULL);
  g_autoptr(GError) empty = run_failing ("import-data", NULL, NULL);

  g_assert_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "no-such-file.csv"));
  /* An unset path says which parameter to set. */
  g_assert_nonnull (strstr (empty->message, "path"));
}

static void
test_enter_data (void)
{
  g_autoptr(RetortTable) table = run_ok ("enter-data", "{\"data\": \"a,b\\n1,x\\n2,\\n\"}", NULL);
  g_autoptr(RetortTable) headless = run_ok ("enter-data",
                                            "{\"data\": \"1,x\\n2,y\\n\", \"header\": false}",
                                            NULL);
  g_autoptr(GError) error = run_failing ("enter-data", "{\"data\": \"a,b\\n1,2,3\\n\"}", NULL);

  g_assert_cmpuint (retort_table_get_n_rows (table), ==, 2);
  g_assert_cmpint (column_type (table, "a"), ==, RETORT_COLUMN_TYPE_INT64);
  assert_cell (table, "b", 0, "x");
  assert_cell (table, "b", 1, NULL);
  g_assert_cmpuint (retort_table_get_n_rows (headless), ==, 2);
  /* A ragged row: the error names the module and the line. */
  g_assert_nonnull (strstr (error->message, "Enter Data Manually"));
  g_assert_nonnull (strstr (error->message, "2"));
}

static RetortExperiment *
experiment_with (const char *name,
                 const char *contents,
                 gsize       length)
{
  RetortExperiment *experiment = retort_experiment_new ();
  g_autoptr(GBytes) bytes = g_bytes_new (contents, length);
  g_autoptr(GError) error = NULL;

  retort_experiment_set_dataset (experiment, name, bytes, &error);
  g_assert_no_error (error);

  return experiment;
}

static void
test_dataset (void)
{
  const char *csv = "x;y\n1;a\n2;b\n3;c\n";
  g_autoptr(RetortExperiment) experiment = experiment_with ("small.csv", csv, strlen (csv));
  g_autoptr(RetortModuleRun) run = new_run ("dataset", "{\"name\": \"small.csv\"}", experiment);
  g_autoptr(RetortModuleRun) missing = new_run ("dataset", "{\"name\": \"other.csv\"}", experiment);
  g_autoptr(GError) error = NULL;
  RetortTable *table;

  run_module (run, NULL, NULL, &error);
  g_assert_no_error (error);
  table = retort_module_run_get_output_table (run, 0);
  g_assert_cmpuint (retort_table_get_n_rows (table), ==, 3);
  assert_cell (table, "y", 2, "c");

  g_assert_false (run_module (missing, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "other.csv"));
}

static void
test_script_bundle (void)
{
  /* An empty zip: just the end of the central directory. */
  static const char empty_zip[22] = "PK\005\006";
  g_autoptr(RetortExperiment) experiment = experiment_with ("Hello.zip", empty_zip,
                                                            sizeof empty_zip);
  g_autoptr(RetortModuleRun) run = new_run ("script-bundle", "{\"name\": \"Hello.zip\"}",
                                            experiment);
  g_autoptr(RetortExperiment) not_zip = experiment_with ("Hello.zip", "a,b\n", 4);
  g_autoptr(RetortModuleRun) bad = new_run ("script-bundle", "{\"name\": \"Hello.zip\"}", not_zip);
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  run_module (run, NULL, NULL, &error);
  g_assert_no_error (error);
  bytes = retort_module_run_get_output_bytes (run, 0);
  g_assert_nonnull (bytes);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, sizeof empty_zip);

  g_assert_false (run_module (bad, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "zip"));
}

/* Transformations ------------------------------------------------------------ */

static void
test_select_columns (void)
{
  g_autoptr(RetortTable) input = retort_test_make_all_types_table (20);
  g_autoptr(RetortTable) by_name = run_ok ("select-columns", "{\"columns\": [\"s\", \"f\"]}", input);
  g_autoptr(RetortTable) by_type = run_ok ("select-columns",
                                           "{\"types\": [\"int64\", \"datetime\"]}", input);
  g_autoptr(RetortTable) both = run_ok ("select-columns",
                                        "{\"columns\": [\"b\"], \"types\": [\"float64\"]}", input);
  g_autoptr(RetortTable) excluded = run_ok ("select-columns",
                                            "{\"columns\": [\"s\"], \"types\": [\"bool\"], "
                                            "\"mode\": \"exclude\"}", input);
  g_autoptr(GError) unknown = run_failing ("select-columns",
                                           "{\"columns\": [\"f\", \"nope\", \"gone\"]}", input);
  g_autoptr(GError) bad_type = run_failing ("select-columns", "{\"types\": [\"number\"]}", input);
  g_autoptr(GError) unconnected = run_failing ("select-columns", "{\"columns\": [\"f\"]}", NULL);

  g_assert_cmpuint (retort_table_get_n_columns (by_name), ==, 2);
  g_assert_cmpstr (retort_table_get_column_name (by_name, 0), ==, "s");
  g_assert_cmpstr (retort_table_get_column_name (by_name, 1), ==, "f");
  g_assert_cmpuint (retort_table_get_n_rows (by_name), ==, 20);

  g_assert_cmpuint (retort_table_get_n_columns (by_type), ==, 2);
  g_assert_cmpstr (retort_table_get_column_name (by_type, 0), ==, "i");
  g_assert_cmpstr (retort_table_get_column_name (by_type, 1), ==, "t");

  g_assert_cmpuint (retort_table_get_n_columns (both), ==, 2);
  g_assert_cmpstr (retort_table_get_column_name (both, 0), ==, "b");
  g_assert_cmpstr (retort_table_get_column_name (both, 1), ==, "f");

  g_assert_cmpuint (retort_table_get_n_columns (excluded), ==, 3);
  g_assert_cmpstr (retort_table_get_column_name (excluded, 0), ==, "f");
  g_assert_cmpstr (retort_table_get_column_name (excluded, 1), ==, "i");
  g_assert_cmpstr (retort_table_get_column_name (excluded, 2), ==, "t");

  /* Names what is wrong and what there is to choose from. */
  g_assert_error (unknown, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID);
  g_assert_nonnull (strstr (unknown->message, "“nope”"));
  g_assert_nonnull (strstr (unknown->message, "“gone”"));
  g_assert_nonnull (strstr (unknown->message, "“f”, “i”, “b”, “s”, “t”"));
  g_assert_nonnull (strstr (bad_type->message, "number"));
  g_assert_error (unconnected, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_MISSING_INPUT);
}

static RetortModuleRun *
sql_run (const char  *query,
         RetortTable *t1,
         RetortTable *t2)
{
  g_autofree char *json = params ("query", query);
  RetortModuleRun *run = new_run ("sql", json, NULL);

  retort_module_run_set_input_table (run, 0, t1);
  retort_module_run_set_input_table (run, 1, t2);

  return run;
}

static RetortTable *
sql_ok (const char  *query,
        RetortTable *t1,
        RetortTable *t2)
{
  g_autoptr(RetortModuleRun) run = sql_run (query, t1, t2);
  g_autoptr(GError) error = NULL;

  run_module (run, NULL, NULL, &error);
  g_assert_no_error (error);

  return retort_table_ref (retort_module_run_get_output_table (run, 0));
}

static GError *
sql_failing (const char  *query,
             RetortTable *t1,
             RetortTable *t2)
{
  g_autoptr(RetortModuleRun) run = sql_run (query, t1, t2);
  GError *error = NULL;

  g_assert_false (run_module (run, NULL, NULL, &error));
  g_test_message ("error: %s", error->message);

  return error;
}

static void
test_sql_join (void)
{
  g_autoptr(RetortTable) people = table_from_csv ("id,name\n1,Ada\n2,Brian\n3,Cleo\n");
  g_autoptr(RetortTable) scores = table_from_csv ("id,score\n1,9.5\n3,7.25\n3,8\n4,1\n");
  g_autoptr(RetortTable) joined =
    sql_ok ("SELECT t1.name, t2.score FROM t1 JOIN t2 ON t1.id = t2.id ORDER BY t2.score;",
            people, scores);
  g_autoptr(RetortTable) totals =
    sql_ok ("SELECT t1.name AS name, count(t2.score) AS n, sum(t2.score) AS total\n"
            "FROM t1 LEFT JOIN t2 USING (id) GROUP BY t1.id ORDER BY t1.id",
            people, scores);

  g_assert_cmpuint (retort_table_get_n_rows (joined), ==, 3);
  assert_cell (joined, "name", 0, "Cleo");
  assert_cell (joined, "score", 0, "7.25");
  assert_cell (joined, "name", 2, "Ada");
  g_assert_cmpint (column_type (joined, "score"), ==, RETORT_COLUMN_TYPE_FLOAT64);

  g_assert_cmpuint (retort_table_get_n_rows (totals), ==, 3);
  g_assert_cmpint (column_type (totals, "n"), ==, RETORT_COLUMN_TYPE_INT64);
  assert_cell (totals, "n", 1, "0");
  assert_cell (totals, "total", 1, NULL);
  assert_cell (totals, "total", 2, "15.25");
  g_assert_cmpint (column_type (totals, "total"), ==, RETORT_COLUMN_TYPE_FLOAT64);
}

static void
test_sql_statements (void)
{
  g_autoptr(RetortTable) input = table_from_csv ("x\n1\n2\n3\n");
  g_autoptr(RetortTable) last =
    sql_ok ("CREATE TABLE doubled AS SELECT x * 2 AS y FROM t1;\n"
            "SELECT count(*) AS n FROM t1;\n"
            "-- the result is the last statement's\n"
            "SELECT y FROM doubled WHERE y > 2 ORDER BY y;\n",
            input, NULL);
  g_autoptr(GError) no_rows = sql_failing ("SELECT * FROM t1; DELETE FROM t1;", input, NULL);
  g_autoptr(GError) not_connected = sql_failing ("SELECT * FROM t2", input, NULL);

  g_assert_cmpuint (retort_table_get_n_columns (last), ==, 1);
  g_assert_cmpuint (retort_table_get_n_rows (last), ==, 2);
  assert_cell (last, "y", 0, "4");
  assert_cell (last, "y", 1, "6");

  g_assert_nonnull (strstr (no_rows->message, "last statement returns no rows"));
  g_assert_nonnull (strstr (not_connected->message, "no such table: t2"));
  g_assert_nonnull (strstr (not_connected->message, "not connected"));
}

/* Every type and every missing value goes into SQLite and comes back. */
static void
test_sql_round_trip (void)
{
  g_autoptr(RetortTable) input = retort_test_make_all_types_table (50);
  g_autoptr(RetortTable) output = sql_ok ("SELECT * FROM t1", input, NULL);
  g_autoptr(RetortTable) nulls = sql_ok ("SELECT NULL AS empty, 1 AS one", input, NULL);
  g_autoptr(RetortTable) mixed = sql_ok ("SELECT 1 AS v UNION ALL SELECT 2.5", input, NULL);

  for (guint c = 0; c < retort_table_get_n_columns (input); c++)
    g_assert_cmpint (retort_column_get_data_type (retort_table_get_column (output, c)), ==,
                     retort_column_get_data_type (retort_table_get_column (input, c)));
  retort_test_assert_tables_equal (input, output, 1);

  g_assert_cmpint (column_type (nulls, "empty"), ==, RETORT_COLUMN_TYPE_FLOAT64);
  assert_cell (nulls, "empty", 0, NULL);
  g_assert_cmpint (column_type (mixed, "v"), ==, RETORT_COLUMN_TYPE_FLOAT64);
  assert_cell (mixed, "v", 0, "1.0");
}

static void
test_sql_errors (void)
{
  g_autoptr(RetortTable) input = table_from_csv ("x\n1\n");
  g_autoptr(GError) syntax = sql_failing ("SELECT x\nFROM t1 WHER x > 1;", input, NULL);
  g_autoptr(GError) column = sql_failing ("SELECT 1;\nSELECT foo FROM t1;", input, NULL);
  g_autoptr(GError) runtime = sql_failing ("SELECT 1;\n\nSELECT abs(-9223372036854775808) FROM t1;",
                                           input, NULL);

  g_assert_nonnull (strstr (syntax->message, "line 2, position 14: near \"x\": syntax error"));
  g_assert_nonnull (strstr (syntax->message, "syntax error"));
  g_assert_nonnull (strstr (column->message, "line 2, position 8: no such column: foo"));
  /* Found while running: the statement's line. */
  g_assert_nonnull (strstr (runtime->message, "line 3"));
  g_assert_nonnull (strstr (runtime->message, "integer overflow"));
}

static gboolean
cancel_cb (gpointer user_data)
{
  GCancellable *cancellable = user_data;
  gint64 *cancel_time = g_object_get_data (G_OBJECT (cancellable), "test-time");

  *cancel_time = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

static void
test_sql_cancel (void)
{
  g_autoptr(RetortTable) input = table_from_csv ("x\n1\n");
  g_autoptr(RetortModuleRun) run =
    sql_run ("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000000000)\n"
             "SELECT count(*) FROM c;", input, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gint64 cancel_time = 0, done_time = 0;

  g_object_set_data (G_OBJECT (cancellable), "test-time", &cancel_time);
  g_timeout_add (300, cancel_cb, cancellable);
  g_assert_false (run_module (run, cancellable, &done_time, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cancel_time, >, 0);
  g_assert_cmpint (done_time - cancel_time, <, G_USEC_PER_SEC);
  g_clear_error (&error);

  /* Cancelled before it starts: it does not start. */
  g_assert_false (run_module (run, cancellable, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_summarize (void)
{
  g_autofree char *path = iris_path ();
  g_autofree char *json = params ("path", path);
  g_autoptr(RetortTable) iris = run_ok ("import-data", json, NULL);
  g_autoptr(RetortTable) summary = run_ok ("summarize", NULL, iris);
  const char *python = g_getenv ("RETORT_PYTHON");
  g_autofree char *script = g_strdup_printf ("import pandas as pd\n"
                                             "d = pd.read_csv(%s)\n"
                                             "for c in d.columns[:4]:\n"
                                             "    print(repr(d[c].mean()), repr(d[c].std()))\n",
                                             "__import__('sys').argv[1]");
  const char *argv[] = { python != NULL ? python : "/usr/bin/python3", "-c", script, path, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  g_assert_cmpuint (retort_table_get_n_rows (summary), ==, 5);
  assert_cell (summary, "Feature", 0, "sepallength");
  assert_cell (summary, "Type", 0, "float64");
  assert_cell (summary, "Count", 0, "150");
  assert_cell (summary, "Missing", 0, "0");
  assert_cell (summary, "Min", 0, "4.3");
  assert_cell (summary, "Max", 0, "7.9");
  assert_cell (summary, "Feature", 4, "class");
  assert_cell (summary, "Distinct", 4, "3");
  assert_cell (summary, "Mean", 4, NULL);
  assert_cell (summary, "Top", 4, "Iris-setosa");

  /* Means and standard deviations as pandas computes them. */
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_auto(GStrv) values = g_strsplit (lines[i], " ", 2);
      RetortColumn *mean = retort_table_get_column (summary, retort_table_find_column (summary, "Mean"));
      RetortColumn *std = retort_table_get_column (summary, retort_table_find_column (summary, "Std"));

      g_assert_cmpfloat_with_epsilon (retort_column_get_float64_data (mean)[i],
                                      g_ascii_strtod (values[0], NULL), 1e-12);
      g_assert_cmpfloat_with_epsilon (retort_column_get_float64_data (std)[i],
                                      g_ascii_strtod (values[1], NULL), 1e-12);
    }
}

/* Data out ----------------------------------------------------------------- */

static void
test_export_data (void)
{
  g_autoptr(RetortTable) input = make_exportable_table (40);
  g_autofree char *dir = g_dir_make_tmp ("retort-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *json = g_strdup_printf ("{\"path\": \"%s\", \"delimiter\": \"tab\"}", path);
  g_autoptr(RetortTable) passed = run_ok ("export-data", json, input);
  g_autoptr(RetortTable) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) bad_dir = NULL;
  g_autofree char *text = NULL;

  g_assert_true (passed == input);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "f\ti\tb\ts\tt\n"));
  back = retort_csv_read_file (path, NULL, &error);
  g_assert_no_error (error);
  retort_test_assert_tables_equal (input, back, 1);

  bad_dir = run_failing ("export-data", "{\"path\": \"/nonexistent/dir/out.csv\"}", input);
  g_assert_nonnull (strstr (bad_dir->message, "out.csv"));

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_web_service (void)
{
  g_autoptr(RetortTable) input = table_from_csv ("a\n1\n");
  g_autoptr(RetortTable) in = run_ok ("web-input", NULL, input);
  g_autoptr(RetortTable) out = run_ok ("web-output", NULL, input);
  g_autoptr(RetortTable) unconnected = run_ok ("web-input", NULL, NULL);
  g_autoptr(GError) error = run_failing ("web-output", NULL, NULL);

  g_assert_true (in == input);
  g_assert_true (out == input);
  g_assert_cmpuint (retort_table_get_n_columns (unconnected), ==, 0);
  g_assert_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_MISSING_INPUT);
}

/* Execute Python Script ---------------------------------------------------------- */

static RetortPythonRunner *python;

static void
console_cb (RetortModuleRun *run,
            const char      *stream,
            const char      *text,
            gpointer         user_data)
{
  GString *console = user_data;

  g_string_append_printf (console, "[%s]%s", stream, text);
}

static RetortModuleRun *
python_run (const char  *script,
            RetortTable *dataset1,
            GString     *console)
{
  g_autofree char *json = params ("script", script);
  RetortModuleRun *run = new_run ("python-script", json, NULL);

  if (python == NULL)
    python = retort_python_runner_new ();
  retort_module_run_set_python (run, python);
  retort_module_run_set_input_table (run, 0, dataset1);
  if (console != NULL)
    retort_module_run_set_console_func (run, console_cb, console);

  return run;
}

static void
test_python_identity (void)
{
  g_autoptr(RetortTable) input = make_exportable_table (30);
  g_autoptr(GString) console = g_string_new (NULL);
  g_autoptr(RetortModuleRun) run =
    python_run ("def azureml_main(df):\n"
                "    print('rows', len(df))\n"
                "    return df,\n", input, console);
  g_autoptr(GError) error = NULL;

  run_module (run, NULL, NULL, &error);
  g_assert_no_error (error);
  retort_test_assert_tables_equal (input, retort_module_run_get_output_table (run, 0), 1);
  /* Live, through the console function, and kept on the device output. */
  g_assert_nonnull (strstr (console->str, "[stdout]rows 30"));
  g_assert_nonnull (strstr (retort_module_run_get_output_console (run, 1), "rows 30"));
  g_assert_cmpuint (retort_module_run_get_output_images (run, 1)->len, ==, 0);
}

/* The template a new module starts with runs as it is. */
static void
test_python_template (void)
{
  g_autoptr(RetortTable) input = table_from_csv ("a\n1\n");
  g_autoptr(RetortModuleRun) run = new_run ("python-script", NULL, NULL);
  g_autoptr(GError) error = NULL;

  if (python == NULL)
    python = retort_python_runner_new ();
  retort_module_run_set_python (run, python);
  retort_module_run_set_input_table (run, 0, input);
  run_module (run, NULL, NULL, &error);
  g_assert_no_error (error);
  retort_test_assert_tables_equal (input, retort_module_run_get_output_table (run, 0), 1);
}

static void
test_python_image (void)
{
  g_autoptr(RetortModuleRun) run =
    python_run ("import matplotlib.pyplot as plt\n"
                "def azureml_main():\n"
                "    plt.plot([1, 2, 3], [3, 1, 2])\n"
                "    return None\n", NULL, NULL);
  g_autoptr(GError) error = NULL;
  GPtrArray *images;
  RetortTable *table;
  gsize size;
  const char *data;

  run_module (run, NULL, NULL, &error);
  g_assert_no_error (error);
  table = retort_module_run_get_output_table (run, 0);
  g_assert_cmpuint (retort_table_get_n_columns (table), ==, 0);
  g_assert_cmpuint (retort_table_get_n_rows (table), ==, 0);
  images = retort_module_run_get_output_images (run, 1);
  g_assert_cmpuint (images->len, ==, 1);
  data = g_bytes_get_data (g_ptr_array_index (images, 0), &size);
  g_assert_cmpuint (size, >, 8);
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
}

static void
test_python_error (void)
{
  g_autoptr(RetortModuleRun) run =
    python_run ("def azureml_main():\n"
                "    print('before')\n"
                "    return 1 / 0\n", NULL, NULL);
  g_autoptr(GError) error = NULL;
  RetortScriptResult *result;

  g_assert_false (run_module (run, NULL, NULL, &error));
  g_assert_error (error, RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_SCRIPT);
  g_assert_nonnull (strstr (error->message, "Error 0085"));
  g_assert_nonnull (strstr (error->message, "ZeroDivisionError"));
  result = retort_module_run_get_script_result (run);
  g_assert_nonnull (result);
  g_assert_true (retort_script_result_get_failed (result));
  g_assert_cmpint (retort_script_result_get_line (result), ==, 3);
  g_assert_nonnull (strstr (retort_module_run_get_output_console (run, 1), "before"));
}

static void
test_python_bundle (void)
{
  g_autoptr(RetortModuleRun) run =
    python_run ("def azureml_main(df):\n"
                "    return df,\n", NULL, NULL);
  g_autoptr(GBytes) not_zip = g_bytes_new_static ("not a zip", 9);
  g_autoptr(GError) error = NULL;

  /* A broken bundle is refused before the script runs, with a clear error. */
  retort_module_run_set_input_bytes (run, 2, not_zip);
  g_assert_false (run_module (run, NULL, NULL, &error));
  g_assert_error (error, RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_BUNDLE);
}

/* A Script Bundle module's zip goes to the script's port 3 and its modules
 * import. */
static void
test_python_bundle_import (void)
{
  g_autofree char *zip_path = NULL;
  g_autofree char *zip = NULL;
  gsize zip_size = 0;
  g_autoptr(GError) error = NULL;
  const char *python_exe = g_getenv ("RETORT_PYTHON");
  const char *argv[] = {
    python_exe != NULL ? python_exe : "/usr/bin/python3", "-c",
    "import sys, zipfile\n"
    "with zipfile.ZipFile(sys.argv[1], 'w') as z:\n"
    "    z.writestr('hello.py', 'def print_hello(name):\\n    print(\"Hello\", name)\\n')\n",
    NULL, NULL };
  g_autoptr(RetortExperiment) experiment = NULL;
  g_autoptr(RetortModuleRun) bundle = NULL;
  g_autoptr(RetortModuleRun) run =
    python_run ("import hello\n"
                "def azureml_main():\n"
                "    hello.print_hello('bundle')\n", NULL, NULL);
  int fd, status;

  fd = g_file_open_tmp ("retort-test-XXXXXX.zip", &zip_path, &error);
  g_assert_no_error (error);
  close (fd);
  argv[3] = zip_path;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_file_get_contents (zip_path, &zip, &zip_size, &error);
  g_assert_no_error (error);
  g_unlink (zip_path);

  experiment = experiment_with ("Hello.zip", zip, zip_size);
  bundle = new_run ("script-bundle", "{\"name\": \"Hello.zip\"}", experiment);
  run_module (bundle, NULL, NULL, &error);
  g_assert_no_error (error);

  retort_module_run_set_input_bytes (run, 2, retort_module_run_get_output_bytes (bundle, 0));
  run_module (run, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (retort_module_run_get_output_console (run, 1), "Hello bundle"));
}

/* Two runs queued on one runner at once: each console line reaches the
 * run that printed it. */
static void
test_python_console_routing (void)
{
  g_autoptr(GString) first_console = g_string_new (NULL);
  g_autoptr(GString) second_console = g_string_new (NULL);
  g_autoptr(RetortModuleRun) first =
    python_run ("def azureml_main():\n    print('from the first')\n", NULL, first_console);
  g_autoptr(RetortModuleRun) second =
    python_run ("def azureml_main():\n    print('from the second')\n", NULL, second_console);
  Wait first_wait = { 0 }, second_wait = { 0 };
  gpointer first_pair[2] = { first, &first_wait };
  gpointer second_pair[2] = { second, &second_wait };

  retort_module_run_get_kind (first)->run_async (first, NULL, run_cb, first_pair);
  retort_module_run_get_kind (second)->run_async (second, NULL, run_cb, second_pair);
  while (!first_wait.done || !second_wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (first_wait.error);
  g_assert_no_error (second_wait.error);

  g_assert_cmpstr (first_console->str, ==, "[stdout]from the first\n");
  g_assert_cmpstr (second_console->str, ==, "[stdout]from the second\n");
}

/* The time limit parameter reaches the runner. */
static void
test_python_timeout (void)
{
  g_autofree char *json = params ("script", "import time\n"
                                            "def azureml_main():\n"
                                            "    time.sleep(30)\n");
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(RetortModuleRun) run = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time (), done_time = 0;

  json_object_set_int_member (json_node_get_object (node), "timeout", 1);
  run = retort_module_run_new (retort_module_kind_lookup ("python-script"), "m1", NULL,
                               json_node_get_object (node), NULL);
  retort_module_run_set_python (run, python);
  g_assert_false (run_module (run, NULL, &done_time, &error));
  g_assert_error (error, RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_TIMEOUT);
  g_assert_cmpint (done_time - start, <, 10 * G_USEC_PER_SEC);
  g_assert_nonnull (retort_module_run_get_script_result (run));
}

/* Cancelling stops the script at once; the next run on the same runner
 * gets its own console lines. */
static void
test_python_cancel (void)
{
  g_autoptr(GString) console = g_string_new (NULL);
  g_autoptr(RetortModuleRun) run =
    python_run ("import time\n"
                "def azureml_main():\n"
                "    time.sleep(30)\n", NULL, NULL);
  g_autoptr(RetortModuleRun) next =
    python_run ("def azureml_main():\n    print('next')\n", NULL, console);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gint64 cancel_time = 0, done_time = 0;

  g_object_set_data (G_OBJECT (cancellable), "test-time", &cancel_time);
  g_timeout_add (500, cancel_cb, cancellable);
  g_assert_false (run_module (run, cancellable, &done_time, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (done_time - cancel_time, <, G_USEC_PER_SEC);
  g_clear_error (&error);

  run_module (next, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (console->str, ==, "[stdout]next\n");
}

/* A run keeps what it printed, a piece per change of stream, so a finished
 * console can show stderr apart; the pieces make up the output console. */
static void
test_python_console_chunks (void)
{
  g_autoptr(GString) console = g_string_new (NULL);
  g_autoptr(RetortModuleRun) run =
    python_run ("import sys\n"
                "def azureml_main():\n"
                "    print('one')\n"
                "    sys.stdout.flush()\n"
                "    print('oops', file=sys.stderr)\n"
                "    sys.stderr.flush()\n"
                "    print('two')\n", NULL, console);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) joined = g_string_new (NULL);
  gboolean is_stderr = FALSE, saw_stderr = FALSE, saw_stdout = FALSE;
  const char *text;

  g_assert_null (retort_module_run_get_console_chunk (run, 0, NULL));
  run_module (run, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; (text = retort_module_run_get_console_chunk (run, i, &is_stderr)) != NULL; i++)
    {
      g_string_append (joined, text);
      if (is_stderr)
        {
          g_assert_cmpstr (text, ==, "oops\n");
          saw_stderr = TRUE;
        }
      else
        saw_stdout = TRUE;
    }
  g_assert_true (saw_stderr && saw_stdout);
  g_assert_cmpstr (joined->str, ==, retort_module_run_get_output_console (run, 1));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/kinds/registry", test_registry);
  g_test_add_func ("/engine/kinds/run-defaults", test_run_defaults);
  g_test_add_func ("/engine/kinds/import-data", test_import_data);
  g_test_add_func ("/engine/kinds/import-data/relative", test_import_data_relative);
  g_test_add_func ("/engine/kinds/import-data/document", test_import_data_document);
  g_test_add_func ("/engine/kinds/import-data/missing", test_import_data_missing);
  g_test_add_func ("/engine/kinds/enter-data", test_enter_data);
  g_test_add_func ("/engine/kinds/dataset", test_dataset);
  g_test_add_func ("/engine/kinds/script-bundle", test_script_bundle);
  g_test_add_func ("/engine/kinds/select-columns", test_select_columns);
  g_test_add_func ("/engine/kinds/sql/join", test_sql_join);
  g_test_add_func ("/engine/kinds/sql/statements", test_sql_statements);
  g_test_add_func ("/engine/kinds/sql/round-trip", test_sql_round_trip);
  g_test_add_func ("/engine/kinds/sql/errors", test_sql_errors);
  g_test_add_func ("/engine/kinds/sql/cancel", test_sql_cancel);
  g_test_add_func ("/engine/kinds/summarize", test_summarize);
  g_test_add_func ("/engine/kinds/export-data", test_export_data);
  g_test_add_func ("/engine/kinds/web-service", test_web_service);
  g_test_add_func ("/engine/kinds/python/identity", test_python_identity);
  g_test_add_func ("/engine/kinds/python/template", test_python_template);
  g_test_add_func ("/engine/kinds/python/image", test_python_image);
  g_test_add_func ("/engine/kinds/python/error", test_python_error);
  g_test_add_func ("/engine/kinds/python/bundle", test_python_bundle);
  g_test_add_func ("/engine/kinds/python/bundle-import", test_python_bundle_import);
  g_test_add_func ("/engine/kinds/python/console-routing", test_python_console_routing);
  g_test_add_func ("/engine/kinds/python/timeout", test_python_timeout);
  g_test_add_func ("/engine/kinds/python/cancel", test_python_cancel);
  g_test_add_func ("/engine/kinds/python/console-chunks", test_python_console_chunks);

  status = g_test_run ();
  g_clear_object (&python);

  return status;
}
