/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `retort run` as a user runs it: the samples, --set, --json, failures. */
#include "config.h"

#include <zip.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "retort-engine-lib.h"
#include "retort-test-command.h"

static char *tmp_root;

static char *
sample_path (const char *name)
{
  const char *dir = g_getenv ("RETORT_SHARED_DATASETS");

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static char *
new_tmp_dir (const char *name)
{
  static guint counter;
  g_autofree char *leaf = g_strdup_printf ("%s-%u", name, counter++);
  char *dir = g_build_filename (tmp_root, leaf, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return dir;
}

static char *
read_text (const char *dir,
           const char *module,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, module, name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static gsize
png_size (const char *dir,
          const char *module,
          const char *name)
{
  g_autofree char *png = read_text (dir, module, name);
  g_autofree char *path = g_build_filename (dir, module, name, NULL);
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_true (memcmp (png, "\x89PNG", 4) == 0);
  return st.st_size;
}

static RetortTestResult *
run_sample (const char *name,
            const char *output)
{
  g_autofree char *path = sample_path (name);
  RetortTestResult *result = retort_test_run_retort ("run", path, "--output", output, NULL);

  if (result->status != 0)
    g_test_message ("stdout: %s\nstderr: %s", result->out, result->err);
  g_assert_cmpint (result->status, ==, 0);
  return result;
}

static void
test_feature_importance (void)
{
  g_autofree char *out = new_tmp_dir ("feature-importance");
  g_autoptr(RetortTestResult) result = run_sample ("pima-feature-importance.retort", out);
  g_autofree char *csv = read_text (out, "Rank Features", "output-1.csv");
  g_auto(GStrv) lines = g_strsplit (g_strchomp (csv), "\n", -1);
  double previous = G_MAXDOUBLE;

  g_assert_nonnull (strstr (result->out, "✓ Rank Features (m2)"));
  g_assert_cmpuint (g_strv_length (lines), ==, 9);
  g_assert_cmpstr (lines[0], ==, "feature,score");
  for (guint i = 1; i < 9; i++)
    {
      const char *comma = strrchr (lines[i], ',');
      double score;

      g_assert_nonnull (comma);
      score = g_ascii_strtod (comma + 1, NULL);
      g_assert_cmpfloat (score, >, 0);
      g_assert_cmpfloat (score, <=, previous);
      previous = score;
    }
  g_assert_cmpuint (png_size (out, "Rank Features", "image-1.png"), >, 5000);
}

static void
test_scatter_matrix (void)
{
  g_autofree char *out = new_tmp_dir ("scatter-matrix");
  g_autoptr(RetortTestResult) result = run_sample ("pima-scatter-matrix.retort", out);
  gsize size = png_size (out, "Scatter Matrix", "image-1.png");

  g_test_message ("scatter matrix: %" G_GSIZE_FORMAT " bytes", size);
  g_assert_cmpuint (size, >, 50000);
  g_assert_cmpuint (size, <, 20000000);
}

static void
test_script_bundle (void)
{
  g_autofree char *out = new_tmp_dir ("script-bundle");
  g_autoptr(RetortTestResult) result = run_sample ("script-bundle.retort", out);
  g_autofree char *console = read_text (out, "Say Hello", "console.txt");

  g_assert_nonnull (strstr (console, "Hello from the script bundle!"));
}

static void
test_pipeline (void)
{
  g_autofree char *out = new_tmp_dir ("pipeline");
  g_autoptr(RetortTestResult) result = run_sample ("python-sql-pipeline.retort", out);
  g_autofree char *csv = read_text (out, "Train and Evaluate", "output-1.csv");
  g_autofree char *joined = read_text (out, "Join Age Groups", "output-1.csv");
  const char *row = strstr (csv, "\naccuracy,");
  double accuracy;

  g_assert_nonnull (row);
  accuracy = g_ascii_strtod (row + strlen ("\naccuracy,"), NULL);
  g_test_message ("accuracy %.3f", accuracy);
  g_assert_cmpfloat (accuracy, >, 0);
  g_assert_cmpfloat (accuracy, <=, 1);
  g_assert_nonnull (strstr (joined, "age_midpoint"));
  g_assert_cmpuint (png_size (out, "Train and Evaluate", "image-1.png"), >, 5000);
}

/* The committed samples are what make-samples writes today. */
static char *
read_zip_member (const char *path,
                 const char *member)
{
  int zerr = 0;
  zip_t *archive = zip_open (path, ZIP_RDONLY, &zerr);
  zip_stat_t st;
  zip_file_t *file;
  char *data;

  g_assert_nonnull (archive);
  g_assert_cmpint (zip_stat (archive, member, 0, &st), ==, 0);
  file = zip_fopen (archive, member, 0);
  g_assert_nonnull (file);
  data = g_malloc0 (st.size + 1);
  g_assert_cmpint (zip_fread (file, data, st.size), ==, (zip_int64_t) st.size);
  zip_fclose (file);
  zip_close (archive);
  return data;
}

static void
test_samples_up_to_date (void)
{
  g_autofree char *out = new_tmp_dir ("samples");
  g_autofree char *dir = sample_path ("");
  const char * const argv[] = { MAKE_SAMPLES, dir, out, NULL };
  g_autoptr(RetortTestResult) result = retort_test_run_argv (argv);
  const char * const samples[] = {
    "pima-feature-importance.retort", "pima-scatter-matrix.retort", "script-bundle.retort",
    "python-sql-pipeline.retort",
  };

  g_assert_cmpint (result->status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *committed = sample_path (samples[i]);
      g_autofree char *fresh = g_build_filename (out, samples[i], NULL);
      g_autofree char *a = read_zip_member (committed, "experiment.json");
      g_autofree char *b = read_zip_member (fresh, "experiment.json");

      g_test_message ("%s", samples[i]);
      g_assert_cmpstr (a, ==, b);
    }
}

/* A small experiment of our own: Enter Data -> SQL (-> a failing script). */
static char *
make_experiment (gboolean with_failure)
{
  g_autofree char *dir = new_tmp_dir ("experiment");
  char *path = g_build_filename (dir, "small.retort", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) data = json_node_new (JSON_NODE_VALUE);
  static guint counter;
  g_autofree char *text = NULL;
  RetortModule *source, *sql;

  source = retort_experiment_add_module (experiment, "enter-data", 0, 0, &error);
  g_assert_no_error (error);
  /* Different data each time: no experiment finds another's outputs cached. */
  text = g_strdup_printf ("x,y\n1,a\n2,b\n3,c%u\n", counter++);
  json_node_set_string (data, text);
  retort_experiment_set_parameter (experiment, retort_module_get_id (source), "data", data, &error);
  g_assert_no_error (error);
  sql = retort_experiment_add_module (experiment, "sql", 0, 100, &error);
  g_assert_no_error (error);
  retort_experiment_set_title (experiment, retort_module_get_id (sql), "Query", &error);
  g_assert_no_error (error);
  retort_experiment_connect (experiment, retort_module_get_id (source), 0,
                             retort_module_get_id (sql), 0, &error);
  g_assert_no_error (error);

  if (with_failure)
    {
      RetortModule *script = retort_experiment_add_module (experiment, "python-script", 0, 200,
                                                           &error);
      g_autoptr(JsonNode) script_text = json_node_new (JSON_NODE_VALUE);

      g_assert_no_error (error);
      json_node_set_string (script_text, "def azureml_main(dataframe1=None, dataframe2=None):\n"
                                  "    raise RuntimeError('the model exploded')\n");
      retort_experiment_set_parameter (experiment, retort_module_get_id (script), "script",
                                       script_text, &error);
      g_assert_no_error (error);
      retort_experiment_connect (experiment, retort_module_get_id (sql), 0,
                                 retort_module_get_id (script), 0, &error);
      g_assert_no_error (error);
    }

  retort_experiment_save (experiment, file, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_set (void)
{
  g_autofree char *experiment = make_experiment (FALSE);
  g_autofree char *out = new_tmp_dir ("set");
  g_autoptr(RetortTestResult) result = NULL;
  g_autoptr(RetortTestResult) again = NULL;
  g_autofree char *csv = NULL;

  result = retort_test_run_retort ("run", experiment, "--output", out,
                                   "--set", "Query.query=SELECT sum(x) AS total FROM t1",
                                   NULL);
  g_assert_cmpint (result->status, ==, 0);
  csv = read_text (out, "Query", "output-1.csv");
  g_assert_cmpstr (csv, ==, "total\n6\n");
  g_assert_nonnull (strstr (result->out, "✓ Query (m2)"));
  g_assert_nonnull (strstr (result->out, " s\n"));

  /* By id, and the document is unchanged: the first run's query is back,
   * and its outputs come from the cache. */
  again = retort_test_run_retort ("run", experiment, "--set", "m1.header=true", NULL);
  g_assert_cmpint (again->status, ==, 0);
  g_assert_nonnull (strstr (again->out, "(m1)  cached"));
}

static void
test_cached (void)
{
  g_autofree char *experiment = make_experiment (FALSE);
  g_autoptr(RetortTestResult) first = retort_test_run_retort ("run", experiment, NULL);
  g_autoptr(RetortTestResult) second = retort_test_run_retort ("run", experiment, NULL);
  g_autoptr(RetortTestResult) no_cache = retort_test_run_retort ("run", experiment, "--no-cache",
                                                                 NULL);

  g_assert_cmpint (first->status, ==, 0);
  g_assert_null (strstr (first->out, "cached"));
  g_assert_cmpint (second->status, ==, 0);
  g_assert_nonnull (strstr (second->out, "✓ Query (m2)  cached"));
  g_assert_cmpint (no_cache->status, ==, 0);
  g_assert_null (strstr (no_cache->out, "cached"));
}

static void
test_json (void)
{
  g_autofree char *experiment = make_experiment (FALSE);
  g_autofree char *out = new_tmp_dir ("json");
  g_autoptr(RetortTestResult) result = retort_test_run_retort ("run", experiment, "--json",
                                                               "--output", out, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *modules;
  JsonObject *query;

  g_assert_cmpint (result->status, ==, 0);
  json_parser_load_from_data (parser, result->out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_boolean_member (root, "succeeded"));
  modules = json_object_get_array_member (root, "modules");
  g_assert_cmpuint (json_array_get_length (modules), ==, 2);
  query = json_array_get_object_element (modules, 1);
  g_assert_cmpstr (json_object_get_string_member (query, "id"), ==, "m2");
  g_assert_cmpstr (json_object_get_string_member (query, "title"), ==, "Query");
  g_assert_cmpstr (json_object_get_string_member (query, "kind"), ==, "sql");
  g_assert_cmpstr (json_object_get_string_member (query, "state"), ==, "finished");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (query, "error")));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (query, "outputs")), ==, 1);
  g_assert_true (g_str_has_suffix (json_array_get_string_element (
                   json_object_get_array_member (query, "outputs"), 0), "Query/output-1.csv"));
}

static void
test_bad_arguments (void)
{
  g_autofree char *experiment = make_experiment (FALSE);
  struct { const char *args[4]; } cases[] = {
    { { NULL } },
    { { experiment, experiment, NULL } },
    { { experiment, "--frobnicate", NULL } },
    { { experiment, "--set", "no-equals-sign", NULL } },
    { { experiment, "--set", "nosuchmodule.query=1", NULL } },
    { { experiment, "--set", "Query.nosuchparam=1", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *argv[8] = { g_getenv ("RETORT_EXE"), "run" };
      g_autoptr(RetortTestResult) result = NULL;

      for (guint j = 0; cases[i].args[j] != NULL; j++)
        argv[2 + j] = cases[i].args[j];
      result = retort_test_run_argv (argv);
      g_test_message ("case %u: %s", i, result->err);
      g_assert_cmpint (result->status, ==, 2);
      g_assert_nonnull (strstr (result->err, "retort run"));
    }
}

static void
test_failure (void)
{
  g_autofree char *experiment = make_experiment (TRUE);
  g_autoptr(RetortTestResult) result = retort_test_run_retort ("run", experiment, NULL);
  g_autoptr(RetortTestResult) missing = retort_test_run_retort ("run", "/nonexistent/x.retort",
                                                                NULL);

  g_assert_cmpint (result->status, ==, 1);
  g_assert_nonnull (strstr (result->out, "✗ "));
  g_assert_nonnull (strstr (result->err, "the model exploded"));
  g_assert_nonnull (strstr (result->err, "line 2"));
  g_assert_cmpint (missing->status, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cache_home = NULL;
  g_autofree char *command = NULL;
  int status;

  tmp_root = g_dir_make_tmp ("retort-run-XXXXXX", NULL);
  cache_home = g_build_filename (tmp_root, "cache", NULL);
  /* Each test run starts with an empty cache, and never the user's. */
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/run/samples/up-to-date", test_samples_up_to_date);
  g_test_add_func ("/run/samples/pima-feature-importance", test_feature_importance);
  g_test_add_func ("/run/samples/pima-scatter-matrix", test_scatter_matrix);
  g_test_add_func ("/run/samples/script-bundle", test_script_bundle);
  g_test_add_func ("/run/samples/python-sql-pipeline", test_pipeline);
  g_test_add_func ("/run/set", test_set);
  g_test_add_func ("/run/cached", test_cached);
  g_test_add_func ("/run/json", test_json);
  g_test_add_func ("/run/bad-arguments", test_bad_arguments);
  g_test_add_func ("/run/failure", test_failure);

  status = g_test_run ();
  command = g_strdup_printf ("rm -rf '%s'", tmp_root);
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  g_free (tmp_root);
  return status;
}
