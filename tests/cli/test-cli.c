/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `retort inspect` as a user runs it: the real executable, in a subprocess,
 * with no display, checked against pandas (the fidelity reference). */
#include "config.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "retort-test-command.h"

static char *
sample_path (const char *name)
{
  const char *dir = g_getenv ("RETORT_SHARED_DATASETS");

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static char *
write_temp_csv (const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd;

  fd = g_file_open_tmp ("retort-test-cli-XXXXXX.csv", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);

  return path;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  if (error != NULL)
    g_error ("not JSON: %s\n%s", error->message, text);

  return json_node_copy (json_parser_get_root (parser));
}

/* `retort inspect --json PATH [--delimiter SEP] [--no-header]`, parsed;
 * no --delimiter when @sep is NULL (detection). */
static JsonNode *
inspect_json (const char *path,
              const char *sep,
              gboolean    header)
{
  g_autoptr(RetortTestResult) result = NULL;
  const char *argv[8] = { g_getenv ("RETORT_EXE"), "inspect", "--json", path };
  guint n = 4;

  g_assert_nonnull (argv[0]);
  if (sep != NULL)
    {
      argv[n++] = "--delimiter";
      argv[n++] = sep;
    }
  if (!header)
    argv[n++] = "--no-header";

  result = retort_test_run_argv (argv);
  if (result->status != 0)
    g_error ("retort inspect %s failed (%d): %s", path, result->status, result->err);
  g_assert_cmpstr (result->err, ==, "");
  /* One line: easy to consume from a shell pipeline. */
  g_assert_nonnull (strchr (result->out, '\n'));
  g_assert_cmpstr (strchr (result->out, '\n') + 1, ==, "");

  return parse_json (result->out);
}

/* What pandas.read_csv makes of the same file, in the same JSON shape. */
static JsonNode *
pandas_json (const char *path,
             const char *sep,
             gboolean    header)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "cli", "pandas-summary.py", NULL);
  const char *python = g_getenv ("RETORT_PYTHON");
  const char *argv[] = { python, script, path, sep != NULL ? sep : ",",
                         header ? NULL : "--no-header", NULL };
  g_autoptr(RetortTestResult) result = NULL;

  g_assert_nonnull (python);
  result = retort_test_run_argv (argv);
  if (result->status != 0)
    g_error ("pandas failed on %s: %s", path, result->err);

  return parse_json (result->out);
}

static JsonObject *
column_object (JsonNode *summary,
               guint     index)
{
  JsonArray *columns = json_object_get_array_member (json_node_get_object (summary), "columns");

  return json_array_get_object_element (columns, index);
}

static guint
n_columns (JsonNode *summary)
{
  JsonObject *object = json_node_get_object (summary);

  return json_array_get_length (json_object_get_array_member (object, "columns"));
}

static gint64
n_rows (JsonNode *summary)
{
  return json_object_get_int_member (json_node_get_object (summary), "rows");
}

static void
assert_values_equal (const char *what,
                     const char *key,
                     JsonNode   *ours,
                     JsonNode   *expected)
{
  if (JSON_NODE_HOLDS_NULL (expected) || JSON_NODE_HOLDS_NULL (ours))
    {
      if (!JSON_NODE_HOLDS_NULL (expected) || !JSON_NODE_HOLDS_NULL (ours))
        g_error ("%s: “%s” is %s, pandas says %s", what, key,
                 json_to_string (ours, FALSE), json_to_string (expected, FALSE));
      return;
    }

  if (json_node_get_value_type (expected) == G_TYPE_STRING)
    {
      g_assert_cmpstr (json_node_get_value_type (ours) == G_TYPE_STRING ?
                       json_node_get_string (ours) : "(not a string)", ==,
                       json_node_get_string (expected));
      return;
    }

  g_assert_true (json_node_get_value_type (ours) != G_TYPE_STRING);
  if (g_str_equal (key, "mean"))
    {
      double a = json_node_get_double (ours);
      double b = json_node_get_double (expected);

      /* Summation order differs (pandas sums pairwise): allow a few ulps. */
      if (fabs (a - b) > 1e-12 * MAX (1.0, fabs (b)))
        g_error ("%s: mean is %.17g, pandas says %.17g", what, a, b);
    }
  else if (json_node_get_double (ours) != json_node_get_double (expected))
    {
      g_error ("%s: “%s” is %.17g, pandas says %.17g", what, key,
               json_node_get_double (ours), json_node_get_double (expected));
    }
}

/* Key by key, in order, column by column. */
static void
assert_summary_matches_pandas (const char *path,
                               const char *sep,
                               gboolean    header)
{
  static const char *keys[] = { "name", "type", "missing", "min", "max", "mean", "distinct" };
  g_autoptr(JsonNode) ours = inspect_json (path, sep, header);
  g_autoptr(JsonNode) expected = pandas_json (path, sep, header);

  g_assert_cmpint (n_rows (ours), ==, n_rows (expected));
  g_assert_cmpuint (n_columns (ours), ==, n_columns (expected));

  for (guint i = 0; i < n_columns (expected); i++)
    {
      JsonObject *our_column = column_object (ours, i);
      JsonObject *expected_column = column_object (expected, i);
      g_autoptr(GList) members = json_object_get_members (our_column);
      g_autofree char *what = g_strdup_printf ("%s, column %u (%s)", path, i + 1,
                                               json_object_get_string_member (expected_column,
                                                                              "name"));
      const GList *l = members;

      g_assert_cmpuint (g_list_length (members), ==, G_N_ELEMENTS (keys));
      for (guint k = 0; k < G_N_ELEMENTS (keys); k++, l = l->next)
        {
          g_assert_cmpstr (l->data, ==, keys[k]);
          assert_values_equal (what, keys[k],
                               json_object_get_member (our_column, keys[k]),
                               json_object_get_member (expected_column, keys[k]));
        }
    }
}

static JsonObject *
find_column (JsonNode   *summary,
             const char *name)
{
  for (guint i = 0; i < n_columns (summary); i++)
    {
      JsonObject *column = column_object (summary, i);

      if (g_str_equal (json_object_get_string_member (column, "name"), name))
        return column;
    }

  g_error ("no column “%s”", name);
}

/* The text report's line for column @name, split on runs of spaces. */
static char **
text_row (const char *report,
          const char *name)
{
  g_auto(GStrv) lines = g_strsplit (report, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], name) && lines[i][strlen (name)] == ' ')
        {
          g_autoptr(GRegex) spaces = g_regex_new (" +", 0, 0, NULL);

          return g_regex_split (spaces, lines[i], 0);
        }
    }

  g_error ("no line for column “%s” in:\n%s", name, report);
}

static void
test_inspect_iris_text (void)
{
  g_autofree char *path = sample_path ("iris.csv");
  g_autoptr(RetortTestResult) result = retort_test_run_retort ("inspect", path, NULL);
  g_auto(GStrv) sepallength = NULL;
  g_auto(GStrv) class = NULL;

  g_assert_cmpint (result->status, ==, 0);
  g_assert_cmpstr (result->err, ==, "");
  g_assert_nonnull (strstr (result->out, "Rows: 150\n"));
  g_assert_nonnull (strstr (result->out, "Columns: 5\n"));

  /* column type missing min max mean std distinct */
  sepallength = text_row (result->out, "sepallength");
  g_assert_cmpuint (g_strv_length (sepallength), ==, 8);
  g_assert_cmpstr (sepallength[1], ==, "float64");
  g_assert_cmpstr (sepallength[2], ==, "0");
  g_assert_cmpstr (sepallength[3], ==, "4.3");
  g_assert_cmpstr (sepallength[4], ==, "7.9");
  g_assert_cmpstr (sepallength[5], ==, "5.84333");
  g_assert_cmpstr (sepallength[7], ==, "35");

  class = text_row (result->out, "class");
  g_assert_cmpstr (class[1], ==, "string");
  g_assert_cmpstr (class[2], ==, "0");
  g_assert_cmpstr (class[3], ==, "3");
  g_assert_true (g_str_has_prefix (class[4], "Iris-"));
}

static void
test_inspect_iris_json (void)
{
  g_autofree char *path = sample_path ("iris.csv");
  g_autoptr(JsonNode) ours = inspect_json (path, NULL, TRUE);
  g_autoptr(JsonNode) expected = pandas_json (path, NULL, TRUE);
  static const char *types[] = { "float64", "float64", "float64", "float64", "string" };
  JsonObject *sepallength;

  g_assert_cmpint (n_rows (ours), ==, 150);
  g_assert_cmpuint (n_columns (ours), ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpstr (json_object_get_string_member (column_object (ours, i), "type"), ==, types[i]);

  sepallength = column_object (ours, 0);
  g_assert_cmpstr (json_object_get_string_member (sepallength, "name"), ==, "sepallength");
  g_assert_cmpfloat (json_object_get_double_member (sepallength, "min"), ==, 4.3);
  g_assert_cmpfloat (json_object_get_double_member (sepallength, "max"), ==, 7.9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (sepallength, "mean"),
                                  json_object_get_double_member (column_object (expected, 0),
                                                                 "mean"),
                                  1e-12);
  g_assert_true (json_object_get_null_member (column_object (ours, 4), "min"));
}

static void
test_inspect_samples_match_pandas (void)
{
  static const char *samples[] = {
    "iris.csv", "pima-indians-diabetes.csv", "german-credit.csv", "breast-cancer.csv",
  };

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *path = sample_path (samples[i]);

      g_test_message ("%s", path);
      assert_summary_matches_pandas (path, NULL, TRUE);
    }
}

static void
test_inspect_breast_cancer_missing (void)
{
  g_autofree char *path = sample_path ("breast-cancer.csv");
  g_autoptr(JsonNode) ours = inspect_json (path, NULL, TRUE);
  g_autoptr(JsonNode) expected = pandas_json (path, NULL, TRUE);
  gint64 total = 0;
  guint columns_with_missing = 0;

  for (guint i = 0; i < n_columns (ours); i++)
    {
      gint64 missing = json_object_get_int_member (column_object (ours, i), "missing");

      g_assert_cmpint (missing, ==,
                       json_object_get_int_member (column_object (expected, i), "missing"));
      total += missing;
      columns_with_missing += missing > 0;
    }

  g_assert_cmpint (total, ==, 9);
  g_assert_cmpuint (columns_with_missing, >, 1);
}

static void
test_inspect_delimiters (void)
{
  g_autofree char *semicolons = write_temp_csv ("name;value;score\n"
                                                "alpha;1;2.5\n"
                                                "beta;2;3.25\n"
                                                "gamma;;4\n");
  g_autofree char *tabs = write_temp_csv ("name\tvalue\n"
                                          "a,b\t1.5\n"
                                          "c;d\t-2\n");
  g_autoptr(JsonNode) ours = NULL;

  assert_summary_matches_pandas (semicolons, ";", TRUE);
  ours = inspect_json (semicolons, ";", TRUE);
  g_assert_cmpuint (n_columns (ours), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (find_column (ours, "score"), "type"), ==,
                   "float64");

  assert_summary_matches_pandas (tabs, "\t", TRUE);
  g_clear_pointer (&ours, json_node_unref);
  ours = inspect_json (tabs, "tab", TRUE);
  g_assert_cmpuint (n_columns (ours), ==, 2);
  g_clear_pointer (&ours, json_node_unref);
  ours = inspect_json (tabs, "\\t", TRUE);
  g_assert_cmpuint (n_columns (ours), ==, 2);

  g_unlink (semicolons);
  g_unlink (tabs);
}

static void
test_inspect_no_header (void)
{
  g_autofree char *path = write_temp_csv ("1,2.5,x\n3,4.5,y\n");
  g_autoptr(JsonNode) ours = inspect_json (path, NULL, FALSE);

  /* The first line is data. */
  g_assert_cmpint (n_rows (ours), ==, 2);
  g_assert_cmpuint (n_columns (ours), ==, 3);
  assert_summary_matches_pandas (path, NULL, FALSE);

  g_unlink (path);
}

static void
test_inspect_infinity (void)
{
  g_autofree char *path = write_temp_csv ("x,y\n1.5,-inf\ninf,2\n3,-1\n");
  g_autoptr(JsonNode) ours = inspect_json (path, NULL, TRUE);
  JsonObject *x = find_column (ours, "x");
  JsonObject *y = find_column (ours, "y");

  g_assert_cmpfloat (json_object_get_double_member (x, "min"), ==, 1.5);
  g_assert_cmpstr (json_object_get_string_member (x, "max"), ==, "inf");
  g_assert_cmpstr (json_object_get_string_member (x, "mean"), ==, "inf");
  g_assert_cmpstr (json_object_get_string_member (y, "min"), ==, "-inf");
  g_assert_cmpfloat (json_object_get_double_member (y, "max"), ==, 2.0);
  assert_summary_matches_pandas (path, NULL, TRUE);

  g_unlink (path);
}

static void
test_inspect_malformed (void)
{
  g_autofree char *path = write_temp_csv ("a,b\n1,2\n3,4,5\n");
  g_autofree char *name = g_path_get_basename (path);
  g_autoptr(RetortTestResult) result = retort_test_run_retort ("inspect", path, NULL);
  g_autofree char *err = NULL;

  g_assert_cmpint (result->status, ==, 1);
  g_assert_cmpstr (result->out, ==, "");
  err = g_ascii_strdown (result->err, -1);
  g_test_message ("stderr: %s", result->err);
  g_assert_nonnull (strstr (result->err, name));
  g_assert_nonnull (strstr (err, "line 3"));
  g_assert_nonnull (strstr (err, "column"));

  g_unlink (path);
}

static void
test_inspect_missing_file (void)
{
  g_autoptr(RetortTestResult) result = retort_test_run_retort ("inspect", "/nonexistent/retort-test.csv", NULL);

  g_assert_cmpint (result->status, ==, 1);
  g_assert_nonnull (strstr (result->err, "retort-test.csv"));
}

static void
test_inspect_usage_errors (void)
{
  g_autofree char *path = sample_path ("iris.csv");
  struct {
    const char *args[4];
    const char *in_stderr;
  } cases[] = {
    { { "--frobnicate", path, NULL }, "--frobnicate" },
    { { NULL }, "--help" },
    { { path, path, NULL }, "unexpected" },
    { { "--delimiter", "x", path, NULL }, "“x”" },
    { { "--delimiter", ",,", path, NULL }, "delimiter" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RetortTestResult) result = retort_test_run_retort ("inspect", cases[i].args[0], cases[i].args[1],
                                                cases[i].args[2], NULL);

      g_test_message ("case %u: %s", i, result->err);
      g_assert_cmpint (result->status, ==, 2);
      g_assert_cmpstr (result->out, ==, "");
      g_assert_nonnull (strstr (result->err, cases[i].in_stderr));
      g_assert_nonnull (strstr (result->err, "retort inspect --help"));
    }
}

static void
test_inspect_without_display (void)
{
  g_autofree char *path = sample_path ("pima-indians-diabetes.csv");
  g_autoptr(RetortTestResult) result = NULL;

  /* retort_test_run_retort() unsets DISPLAY and WAYLAND_DISPLAY: GTK would fail to start
   * (and complain on stderr) if the subcommand initialised it. */
  result = retort_test_run_retort ("inspect", path, NULL);
  g_assert_cmpint (result->status, ==, 0);
  g_assert_cmpstr (result->err, ==, "");
  g_assert_nonnull (strstr (result->out, "Rows: 768\n"));
}

static void
test_version (void)
{
  g_autoptr(RetortTestResult) result = retort_test_run_retort ("--version", NULL);

  g_assert_cmpint (result->status, ==, 0);
  g_assert_cmpstr (result->err, ==, "");
  g_assert_cmpstr (result->out, ==, "retort " PACKAGE_VERSION "\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/inspect/iris-text", test_inspect_iris_text);
  g_test_add_func ("/cli/inspect/iris-json", test_inspect_iris_json);
  g_test_add_func ("/cli/inspect/samples-match-pandas", test_inspect_samples_match_pandas);
  g_test_add_func ("/cli/inspect/breast-cancer-missing", test_inspect_breast_cancer_missing);
  g_test_add_func ("/cli/inspect/delimiters", test_inspect_delimiters);
  g_test_add_func ("/cli/inspect/no-header", test_inspect_no_header);
  g_test_add_func ("/cli/inspect/infinity", test_inspect_infinity);
  g_test_add_func ("/cli/inspect/malformed", test_inspect_malformed);
  g_test_add_func ("/cli/inspect/missing-file", test_inspect_missing_file);
  g_test_add_func ("/cli/inspect/usage-errors", test_inspect_usage_errors);
  g_test_add_func ("/cli/inspect/without-display", test_inspect_without_display);
  g_test_add_func ("/cli/version", test_version);

  return g_test_run ();
}
