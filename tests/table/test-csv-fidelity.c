/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CSV import fidelity: every file here is read by retort_csv_read_file and
 * by Debian's pandas (tests/table/pandas-read-csv.py, which calls
 * pandas.read_csv(path, float_precision="round_trip")); the two tables must
 * agree column by column: names, types, lengths, every value (floats
 * bit for bit) and every missing flag.
 *
 * The one deliberate difference: a repeated header name becomes "name (2)",
 * "name (3)"... where pandas gives "name.1", "name.2".
 *
 * Type mapping: int64 -> INT64, float64 -> FLOAT64 (NaN = missing), bool ->
 * BOOL, object whose present values are all Python bools -> BOOL with
 * missing values, any other object -> STRING. pandas dtypes with no Retort
 * counterpart (uint64) are reported as TODO, not as failures.
 *
 * All of pandas' answers are fetched by one Python process (--batch) the
 * first time a case needs them. Logs go to stderr only (TAP on stdout).
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "retort-table-lib.h"

#define GENERATED_ROWS 50000

typedef struct
{
  const char *name;       /* under tests/data/csv */
  char        delimiter;  /* the delimiter the file uses */
  gboolean    no_header;
} CsvFile;

static const CsvFile tricky_files[] = {
  { "all-missing-column.csv", ',', FALSE },
  { "blank-lines.csv", ',', FALSE },
  { "blank-lines-before-header.csv", ',', FALSE },
  { "blank-lines-crlf.csv", ',', FALSE },
  { "blank-lines-whitespace-only.csv", ',', FALSE },
  { "bools.csv", ',', FALSE },
  { "bools-quoted.csv", ',', FALSE },
  { "bools-with-missing.csv", ',', FALSE },
  { "delimiter-comma-with-semicolons-in-text.csv", ',', FALSE },
  { "delimiter-pipe.csv", '|', FALSE },
  { "delimiter-semicolon.csv", ';', FALSE },
  { "delimiter-tab.tsv", '\t', FALSE },
  { "float-huge-integer-part-becomes-text.csv", ',', FALSE },
  { "float-lookalikes.csv", ',', FALSE },
  { "float-overflow-becomes-text.csv", ',', FALSE },
  { "float-underflow-is-zero.csv", ',', FALSE },
  { "floats-correct-rounding.csv", ',', FALSE },
  { "floats-denormals.csv", ',', FALSE },
  { "floats-forms.csv", ',', FALSE },
  { "floats-infinity.csv", ',', FALSE },
  { "header-all-empty-names.csv", ',', FALSE },
  { "header-duplicate-names.csv", ',', FALSE },
  { "header-empty-names.csv", ',', FALSE },
  { "header-na-tokens-as-names.csv", ',', FALSE },
  { "header-numeric-names.csv", ',', FALSE },
  { "header-only.csv", ',', FALSE },
  { "header-only-crlf.csv", ',', FALSE },
  { "header-only-no-newline.csv", ',', FALSE },
  { "header-spaces-kept.csv", ',', FALSE },
  { "int-beyond-int64-negative-becomes-text.csv", ',', FALSE },
  { "int-beyond-int64-negative-with-float.csv", ',', FALSE },
  { "int-beyond-uint64-becomes-text.csv", ',', FALSE },
  { "int-uint64-range.csv", ',', FALSE },
  { "int-uint64-with-negative-becomes-text.csv", ',', FALSE },
  { "int-lookalikes.csv", ',', FALSE },
  { "ints.csv", ',', FALSE },
  { "ints-quoted.csv", ',', FALSE },
  { "ints-with-missing-become-float.csv", ',', FALSE },
  { "line-ends-cr-only.csv", ',', FALSE },
  { "line-ends-crlf.csv", ',', FALSE },
  { "line-ends-lf.csv", ',', FALSE },
  { "line-ends-mixed.csv", ',', FALSE },
  { "mixed-bool-and-number.csv", ',', FALSE },
  { "mixed-bool-and-word.csv", ',', FALSE },
  { "mixed-int-and-float.csv", ',', FALSE },
  { "mixed-number-then-word.csv", ',', FALSE },
  { "na-lookalikes-are-text.csv", ',', FALSE },
  { "na-tokens-pandas-defaults.csv", ',', FALSE },
  { "no-header.csv", ',', TRUE },
  { "no-header-single-row.csv", ',', TRUE },
  { "no-trailing-newline.csv", ',', FALSE },
  { "no-trailing-newline-unquoted.csv", ',', FALSE },
  { "quoted-delimiter-and-doubled-quotes.csv", ',', FALSE },
  { "quoted-newlines-crlf.csv", ',', FALSE },
  { "quoted-newlines-lf.csv", ',', FALSE },
  { "quotes-stray-lenient.csv", ',', FALSE },
  { "single-column.csv", ',', FALSE },
  { "single-column-blank-line-skipped.csv", ',', FALSE },
  { "single-column-text.csv", ',', FALSE },
  { "spaces-around-values.csv", ',', FALSE },
  { "spaces-field-in-number-column.csv", ',', FALSE },
  { "unicode-text.csv", ',', FALSE },
  { "utf8-bom.csv", ',', FALSE },
  { "utf8-bom-quoted-header.csv", ',', FALSE },
  { "wide-200-columns.csv", ',', FALSE },
};

typedef struct
{
  char     *path;
  char      delimiter;
  gboolean  no_header;
} PandasJob;

typedef struct
{
  guint     job;         /* index into the jobs and pandas' results */
  gboolean  detect;      /* read with delimiter 0 rather than the file's */
  guint     n_threads;
} FidelityCase;

static GPtrArray *jobs;            /* PandasJob* */
static JsonNode  *pandas_results;  /* array, one entry per job */
static char      *pandas_failure;  /* set when the batch itself failed */

static guint
add_job (const char *path,
         char        delimiter,
         gboolean    no_header)
{
  PandasJob *job = g_new0 (PandasJob, 1);

  job->path = g_strdup (path);
  job->delimiter = delimiter;
  job->no_header = no_header;
  g_ptr_array_add (jobs, job);
  return jobs->len - 1;
}

static void
pandas_job_free (gpointer data)
{
  PandasJob *job = data;

  g_free (job->path);
  g_free (job);
}

/* Runs pandas-read-csv.py --batch once for every job. */
static void
run_pandas (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autofree char *request_text = NULL;
  g_autofree char *script = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GBytes) output = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *python = g_getenv ("RETORT_PYTHON");

  if (pandas_results != NULL || pandas_failure != NULL)
    return;

  json_builder_begin_array (builder);
  for (guint i = 0; i < jobs->len; i++)
    {
      PandasJob *job = g_ptr_array_index (jobs, i);
      char sep[2] = { job->delimiter, '\0' };

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, job->path);
      json_builder_set_member_name (builder, "sep");
      json_builder_add_string_value (builder, job->delimiter == '\t' ? "tab" : sep);
      json_builder_set_member_name (builder, "no_header");
      json_builder_add_boolean_value (builder, job->no_header);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  request = json_builder_get_root (builder);
  request_text = json_to_string (request, FALSE);
  input = g_bytes_new (request_text, strlen (request_text));

  script = g_test_build_filename (G_TEST_DIST, "table", "pandas-read-csv.py", NULL);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                              &error,
                              python != NULL ? python : "/usr/bin/python3",
                              script, "--batch", NULL);
  if (process == NULL ||
      !g_subprocess_communicate (process, input, NULL, &output, NULL, &error))
    {
      pandas_failure = g_strdup_printf ("cannot run %s: %s", script, error->message);
      return;
    }
  if (!g_subprocess_get_successful (process))
    {
      pandas_failure = g_strdup_printf ("%s --batch failed (see its stderr above)", script);
      return;
    }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (output, NULL),
                                   g_bytes_get_size (output), &error))
    {
      pandas_failure = g_strdup_printf ("%s printed invalid JSON: %s", script, error->message);
      return;
    }
  pandas_results = json_node_copy (json_parser_get_root (parser));
  if (!JSON_NODE_HOLDS_ARRAY (pandas_results) ||
      json_array_get_length (json_node_get_array (pandas_results)) != jobs->len)
    {
      pandas_failure = g_strdup_printf ("%s printed an unexpected answer", script);
      g_clear_pointer (&pandas_results, json_node_unref);
    }
}

/* Python-ish rendering of a cell for failure messages. */
static char *
describe_pandas_value (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("missing");
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      g_autofree char *escaped = g_strescape (text, NULL);
      char *end = NULL;
      double value = g_ascii_strtod (text, &end);

      if (end != NULL && *end == '\0' && end != text)
        return g_strdup_printf ("\"%s\" (%.17g)", escaped, value);
      return g_strdup_printf ("\"%s\"", escaped);
    }
  return json_to_string (node, FALSE);
}

static char *
describe_retort_value (RetortColumn *column,
                       gsize         row)
{
  if (!retort_column_is_valid (column, row))
    return g_strdup ("missing");

  switch (retort_column_get_data_type (column))
    {
    case RETORT_COLUMN_TYPE_FLOAT64:
      {
        double value = retort_column_get_float64_data (column)[row];
        return g_strdup_printf ("%a (%.17g)", value, value);
      }
    case RETORT_COLUMN_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, retort_column_get_int64_data (column)[row]);
    case RETORT_COLUMN_TYPE_BOOL:
      return g_strdup_printf ("%s (byte %u)",
                              retort_column_get_bool_data (column)[row] ? "true" : "false",
                              retort_column_get_bool_data (column)[row]);
    case RETORT_COLUMN_TYPE_STRING:
      {
        gsize length = 0;
        const char *text = retort_column_get_string (column, row, &length);
        g_autofree char *copy = g_strndup (text, length);
        g_autofree char *escaped = g_strescape (copy, NULL);
        return g_strdup_printf ("\"%s\"", escaped);
      }
    case RETORT_COLUMN_TYPE_DATETIME:
    default:
      return g_strdup_printf ("a %s value", retort_column_type_to_string (retort_column_get_data_type (column)));
    }
}

/* The Retort type pandas' column maps to; FALSE when there is none. */
static gboolean
expected_type (JsonObject       *column,
               RetortColumnType *type)
{
  const char *dtype = json_object_get_string_member (column, "dtype");
  JsonArray *values = json_object_get_array_member (column, "values");
  guint n_bools = 0, n_present = 0;

  if (g_str_equal (dtype, "int64"))
    *type = RETORT_COLUMN_TYPE_INT64;
  else if (g_str_equal (dtype, "float64"))
    *type = RETORT_COLUMN_TYPE_FLOAT64;
  else if (g_str_equal (dtype, "bool"))
    *type = RETORT_COLUMN_TYPE_BOOL;
  else if (g_str_equal (dtype, "object"))
    {
      for (guint i = 0; i < json_array_get_length (values); i++)
        {
          JsonNode *node = json_array_get_element (values, i);

          if (JSON_NODE_HOLDS_NULL (node))
            continue;
          n_present++;
          if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
            n_bools++;
        }
      *type = n_present > 0 && n_bools == n_present ? RETORT_COLUMN_TYPE_BOOL
                                                    : RETORT_COLUMN_TYPE_STRING;
    }
  else
    return FALSE;
  return TRUE;
}

/* pandas' name, except for the deliberate difference: the k-th use of a
 * header name is "name (k)" rather than pandas' "name.(k-1)". */
static char *
expected_name (JsonArray *columns,
               guint      index)
{
  JsonObject *column = json_array_get_object_element (columns, index);
  const char *header = NULL;
  guint seen = 1;

  if (!json_object_get_null_member (column, "header"))
    header = json_object_get_string_member (column, "header");
  if (header == NULL || header[0] == '\0')
    return g_strdup (json_object_get_string_member (column, "name"));

  for (guint i = 0; i < index; i++)
    {
      JsonObject *before = json_array_get_object_element (columns, i);

      if (!json_object_get_null_member (before, "header") &&
          g_str_equal (json_object_get_string_member (before, "header"), header))
        seen++;
    }
  if (seen == 1)
    return g_strdup (header);
  return g_strdup_printf ("%s (%u)", header, seen);
}

/* NULL when the cell matches; otherwise why not. */
static char *
compare_cell (RetortColumn     *column,
              RetortColumnType  type,
              gsize             row,
              JsonNode         *value,
              gboolean          missing)
{
  gboolean valid = retort_column_is_valid (column, row);

  if (missing)
    {
      if (valid)
        return g_strdup ("pandas has a missing value");
      if (type == RETORT_COLUMN_TYPE_FLOAT64 &&
          !isnan (retort_column_get_float64_data (column)[row]))
        return g_strdup_printf ("the value slot of a missing float64 holds %a, not NaN",
                                retort_column_get_float64_data (column)[row]);
      if (type == RETORT_COLUMN_TYPE_STRING &&
          retort_column_get_string (column, row, NULL) != NULL)
        return g_strdup ("retort_column_get_string() is not NULL for a missing row");
      return NULL;
    }
  if (!valid)
    return g_strdup ("Retort has a missing value");

  switch (type)
    {
    case RETORT_COLUMN_TYPE_INT64:
      if (json_node_get_int (value) == retort_column_get_int64_data (column)[row])
        return NULL;
      return g_strdup ("the integers differ");

    case RETORT_COLUMN_TYPE_FLOAT64:
      {
        double want = strtod (json_node_get_string (value), NULL);
        double got = retort_column_get_float64_data (column)[row];

        if (memcmp (&want, &got, sizeof want) == 0)
          return NULL;
        if (want == 0.0 && got == 0.0)
          {
            g_test_message ("row %" G_GSIZE_FORMAT ": zero's sign differs (pandas %a, Retort %a); accepted",
                            row, want, got);
            return NULL;
          }
        return g_strdup ("the doubles differ");
      }

    case RETORT_COLUMN_TYPE_BOOL:
      {
        guint8 got = retort_column_get_bool_data (column)[row];

        if (got > 1)
          return g_strdup_printf ("a bool byte holds %u, not 0 or 1", got);
        if ((gboolean) got == json_node_get_boolean (value))
          return NULL;
        return g_strdup ("the booleans differ");
      }

    case RETORT_COLUMN_TYPE_STRING:
      {
        const char *want = json_node_get_string (value);
        gsize length = 0;
        const char *got = retort_column_get_string (column, row, &length);

        if (length == strlen (want) && memcmp (want, got, length) == 0)
          return NULL;
        return g_strdup ("the strings differ");
      }

    case RETORT_COLUMN_TYPE_DATETIME:
    default:
      return g_strdup ("unexpected column type");
    }
}

/* Fails the test at the first difference, naming file, column and row. */
static void
compare_column (const char   *file,
                guint         index,
                const char   *name,
                JsonObject   *expected,
                RetortColumn *column)
{
  JsonArray *values = json_object_get_array_member (expected, "values");
  JsonArray *missing = json_object_get_array_member (expected, "missing");
  const char *dtype = json_object_get_string_member (expected, "dtype");
  RetortColumnType type;
  guint n_missing = 0;

  if (!expected_type (expected, &type))
    {
      g_autofree char *message =
        g_strdup_printf ("%s, column %u (\"%s\"): pandas gives dtype %s, which has no Retort "
                         "counterpart; Retort gives %s (not compared)",
                         file, index + 1, name, dtype,
                         retort_column_type_to_string (retort_column_get_data_type (column)));
      g_test_incomplete (message);
      return;
    }
  if (retort_column_get_data_type (column) != type)
    {
      g_test_fail_printf ("%s, column %u (\"%s\"): pandas gives dtype %s (expected Retort %s), "
                          "Retort gives %s",
                          file, index + 1, name, dtype, retort_column_type_to_string (type),
                          retort_column_type_to_string (retort_column_get_data_type (column)));
      return;
    }

  for (guint row = 0; row < json_array_get_length (values); row++)
    {
      JsonNode *value = json_array_get_element (values, row);
      gboolean is_missing = json_array_get_boolean_element (missing, row);
      g_autofree char *why = compare_cell (column, type, row, value, is_missing);

      n_missing += is_missing;
      if (why != NULL)
        {
          g_autofree char *want = describe_pandas_value (value);
          g_autofree char *got = describe_retort_value (column, row);

          g_test_fail_printf ("%s, column %u (\"%s\", %s), data row %u (0-based): %s; "
                              "pandas: %s; Retort: %s",
                              file, index + 1, name, retort_column_type_to_string (type),
                              row, why, want, got);
          return;
        }
    }

  if (retort_column_get_null_count (column) != n_missing)
    g_test_fail_printf ("%s, column %u (\"%s\"): null count %" G_GSIZE_FORMAT ", pandas has %u missing",
                        file, index + 1, name, retort_column_get_null_count (column), n_missing);
}

static void
test_fidelity (gconstpointer data)
{
  const FidelityCase *fidelity = data;
  PandasJob *job;
  JsonObject *answer, *expected;
  JsonArray *columns;
  g_autofree char *file = NULL;
  g_autoptr(RetortTable) table = NULL;
  g_autoptr(GError) error = NULL;
  RetortCsvOptions options;
  guint n_columns;

  run_pandas ();
  if (pandas_failure != NULL)
    {
      g_test_fail_printf ("%s", pandas_failure);
      return;
    }

  job = g_ptr_array_index (jobs, fidelity->job);
  file = g_path_get_basename (job->path);
  answer = json_array_get_object_element (json_node_get_array (pandas_results), fidelity->job);
  if (json_object_has_member (answer, "error"))
    {
      g_test_fail_printf ("%s: pandas.read_csv failed: %s", file,
                          json_object_get_string_member (answer, "error"));
      return;
    }
  expected = json_object_get_object_member (answer, "result");
  columns = json_object_get_array_member (expected, "columns");

  retort_csv_options_init (&options);
  options.delimiter = fidelity->detect ? 0 : job->delimiter;
  options.has_header = !job->no_header;
  options.n_threads = fidelity->n_threads;
  table = retort_csv_read_file (job->path, &options, &error);
  if (table == NULL)
    {
      g_test_fail_printf ("%s: Retort fails to read what pandas reads: %s", file, error->message);
      return;
    }

  n_columns = json_array_get_length (columns);
  if (retort_table_get_n_columns (table) != n_columns)
    {
      g_test_fail_printf ("%s: pandas gives %u columns, Retort gives %u", file,
                          n_columns, retort_table_get_n_columns (table));
      return;
    }
  if (retort_table_get_n_rows (table) != (gsize) json_object_get_int_member (expected, "rows"))
    {
      g_test_fail_printf ("%s: pandas gives %" G_GINT64_FORMAT " rows, Retort gives %" G_GSIZE_FORMAT,
                          file, json_object_get_int_member (expected, "rows"),
                          retort_table_get_n_rows (table));
      return;
    }

  for (guint i = 0; i < n_columns; i++)
    {
      g_autofree char *name = expected_name (columns, i);
      const char *got = retort_table_get_column_name (table, i);

      if (g_strcmp0 (name, got) != 0)
        {
          g_test_fail_printf ("%s, column %u: pandas' name \"%s\" means Retort \"%s\"; Retort gives \"%s\"",
                              file, i + 1,
                              json_object_get_string_member (json_array_get_object_element (columns, i), "name"),
                              name, got);
          return;
        }
    }

  for (guint i = 0; i < n_columns && !g_test_failed (); i++)
    compare_column (file, i, retort_table_get_column_name (table, i),
                    json_array_get_object_element (columns, i),
                    retort_table_get_column (table, i));
}

/* A big file with multi-line quoted fields all through it (some holding
 * text that looks like CSV rows), so that the chunks the reader splits the
 * file into for its threads start inside quotes. */
static char *
write_generated_file (const char *dir)
{
  g_autoptr(GString) text = g_string_new ("id,x,note,flag,count,late_word\n");
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240501);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "generated-50000-rows.csv", NULL);

  for (guint row = 1; row <= GENERATED_ROWS; row++)
    {
      /* |x| < 1e18: pandas makes a column text when a number has more than
       * 20 integer digits (see float-huge-integer-part-becomes-text.csv). */
      double x = g_rand_double_range (rand, -1e6, 1e6) * pow (10, g_rand_int_range (rand, -30, 12));
      int digits = g_rand_int_range (rand, 1, 26);

      g_string_append_printf (text, "%u,%.*g,", row, digits, x);
      switch (row % 9)
        {
        case 0:
          g_string_append_printf (text, "\"note %u\n", row);
          for (guint k = 1; k <= 8; k++)
            g_string_append_printf (text, "%u,%u.5,\"\"fake, row\"\",True,%u,12\n",
                                    row + k, k, k);
          g_string_append (text, "end\"");
          break;
        case 3:
          g_string_append_printf (text, "\"crlf %u\r\n\r\nafter a blank line, \"\"quoted\"\"", row);
          for (guint k = 1; k <= 6; k++)
            g_string_append_printf (text, "\r\n%u,%u,\"\"x\"\",False,1,", row + k, k);
          g_string_append (text, "\"");
          break;
        case 5:
          g_string_append (text, row % 2 ? "NA" : "");
          break;
        case 7:
          g_string_append (text, "caf\xc3\xa9 \xe6\xbc\xa2 \xf0\x9f\x98\x80");
          break;
        default:
          g_string_append_printf (text, "word%u", row);
        }
      g_string_append_printf (text, ",%s,", g_rand_boolean (rand) ? "True" : "False");
      if (row != 40000)
        g_string_append_printf (text, "%d", g_rand_int_range (rand, -1000000, 1000000));
      g_string_append_printf (text, ",%s\n", row == GENERATED_ROWS ? "end" : "12");
    }

  if (!g_file_set_contents (path, text->str, text->len, &error))
    g_error ("cannot write %s: %s", path, error->message);
  return path;
}

static void
add_case (const char *test_path,
          guint       job,
          gboolean    detect,
          guint       n_threads)
{
  FidelityCase *fidelity = g_new0 (FidelityCase, 1);

  fidelity->job = job;
  fidelity->detect = detect;
  fidelity->n_threads = n_threads;
  g_test_add_data_func_full (test_path, fidelity, test_fidelity, g_free);
}

/* One case with the file's delimiter and one with detection (delimiter 0). */
static void
add_file_cases (const char *kind,
                const char *path,
                char        delimiter,
                gboolean    no_header)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *explicit_path = g_strdup_printf ("/csv-fidelity/%s/%s", kind, base);
  g_autofree char *detect_path = g_strdup_printf ("/csv-fidelity/%s/%s/detect-delimiter", kind, base);
  guint job = add_job (path, delimiter, no_header);

  add_case (explicit_path, job, FALSE, 0);
  add_case (detect_path, job, TRUE, 0);
}

int
main (int argc, char **argv)
{
  g_autofree char **args = NULL;
  static const char * const samples[] = {
    "breast-cancer.csv", "german-credit.csv", "iris.csv", "pima-indians-diabetes.csv",
  };
  static const guint thread_counts[] = { 1, 3, 8 };
  const char *samples_dir = g_getenv ("RETORT_SHARED_DATASETS");
  g_autofree char *tricky_dir = NULL;
  g_autofree char *tmp_dir = NULL;
  g_autofree char *generated = NULL;
  g_autoptr(GError) error = NULL;
  guint job;
  int status;

  /* Run every case even after a failure: each names a different problem. */
  args = g_new0 (char *, argc + 2);
  memcpy (args, argv, sizeof (char *) * (gsize) argc);
  args[argc++] = (char *) "--keep-going";
  g_test_init (&argc, &args, NULL);
  jobs = g_ptr_array_new_with_free_func (pandas_job_free);

  if (samples_dir == NULL)
    g_error ("RETORT_SHARED_DATASETS is not set (run through meson test)");
  for (gsize i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *path = g_build_filename (samples_dir, samples[i], NULL);
      add_file_cases ("sample", path, ',', FALSE);
    }

  tricky_dir = g_test_build_filename (G_TEST_DIST, "data", "csv", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (tricky_files); i++)
    {
      g_autofree char *path = g_build_filename (tricky_dir, tricky_files[i].name, NULL);
      add_file_cases ("tricky", path, tricky_files[i].delimiter, tricky_files[i].no_header);
    }

  tmp_dir = g_dir_make_tmp ("retort-csv-fidelity-XXXXXX", &error);
  g_assert_no_error (error);
  generated = write_generated_file (tmp_dir);
  add_file_cases ("generated", generated, ',', FALSE);
  job = jobs->len - 1;
  for (gsize i = 0; i < G_N_ELEMENTS (thread_counts); i++)
    {
      g_autofree char *test_path =
        g_strdup_printf ("/csv-fidelity/generated/generated-50000-rows.csv/threads-%u", thread_counts[i]);
      add_case (test_path, job, FALSE, thread_counts[i]);
    }

  status = g_test_run ();

  g_unlink (generated);
  g_rmdir (tmp_dir);
  g_clear_pointer (&pandas_results, json_node_unref);
  g_clear_pointer (&pandas_failure, g_free);
  g_ptr_array_unref (jobs);
  return status;
}
