/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "retort-table-lib.h"

/* Tables are equal: names, types, missing cells and values, bit for bit. */
static void
assert_tables_equal (RetortTable *a,
                     RetortTable *b)
{
  g_assert_cmpuint (retort_table_get_n_columns (a), ==, retort_table_get_n_columns (b));
  g_assert_cmpuint (retort_table_get_n_rows (a), ==, retort_table_get_n_rows (b));

  for (guint c = 0; c < retort_table_get_n_columns (a); c++)
    {
      RetortColumn *ca = retort_table_get_column (a, c);
      RetortColumn *cb = retort_table_get_column (b, c);

      g_assert_cmpstr (retort_table_get_column_name (a, c), ==, retort_table_get_column_name (b, c));
      g_assert_cmpint (retort_column_get_data_type (ca), ==, retort_column_get_data_type (cb));
      g_assert_cmpuint (retort_column_get_null_count (ca), ==, retort_column_get_null_count (cb));

      for (gsize row = 0; row < retort_table_get_n_rows (a); row++)
        {
          g_autofree char *ta = NULL;
          g_autofree char *tb = NULL;

          g_assert_cmpint (retort_column_is_valid (ca, row), ==, retort_column_is_valid (cb, row));
          if (!retort_column_is_valid (ca, row))
            continue;
          if (retort_column_get_data_type (ca) == RETORT_COLUMN_TYPE_FLOAT64)
            {
              double va = retort_column_get_float64_data (ca)[row];
              double vb = retort_column_get_float64_data (cb)[row];

              if (memcmp (&va, &vb, 8) != 0)
                g_error ("column %s row %" G_GSIZE_FORMAT ": %.17g != %.17g",
                         retort_table_get_column_name (a, c), row, va, vb);
              continue;
            }
          ta = retort_column_dup_text (ca, row);
          tb = retort_column_dup_text (cb, row);
          if (g_strcmp0 (ta, tb) != 0)
            g_error ("column %s row %" G_GSIZE_FORMAT ": “%s” != “%s”",
                     retort_table_get_column_name (a, c), row, ta, tb);
        }
    }
}

static RetortTable *
read_text (const char *text,
           char        delimiter,
           gboolean    has_header,
           guint       n_threads)
{
  RetortCsvOptions options;
  g_autoptr(GError) error = NULL;
  RetortTable *table;

  retort_csv_options_init (&options);
  options.delimiter = delimiter;
  options.has_header = has_header;
  options.n_threads = n_threads;
  table = retort_csv_read_data (text, strlen (text), "test.csv", &options, &error);
  g_assert_no_error (error);

  return table;
}

static char *
sample_path (const char *name)
{
  return g_build_filename (g_getenv ("RETORT_SHARED_DATASETS"), name, NULL);
}

/* Export then import gives the same table, for every sample. */
static void
test_round_trip_samples (void)
{
  const char *samples[] = { "iris.csv", "pima-indians-diabetes.csv", "german-credit.csv",
                            "breast-cancer.csv" };

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *path = sample_path (samples[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(RetortTable) table = retort_csv_read_file (path, NULL, &error);
      g_autoptr(GString) csv = NULL;
      g_autoptr(RetortTable) again = NULL;

      g_assert_no_error (error);
      g_assert_cmpuint (retort_table_get_n_rows (table), >, 100);
      csv = retort_csv_write_string (table, ',');
      again = read_text (csv->str, ',', TRUE, 1);
      assert_tables_equal (table, again);
    }
}

static void
test_round_trip_awkward_values (void)
{
  g_autoptr(RetortTable) table = read_text (
    "text,number,flag\n"
    "\"with, comma\",0.1,True\n"
    "\"with \"\"quotes\"\"\",1e16,False\n"
    "\"two\nlines\",-0.0,\n"
    "\"crlf\r\nline\",5e-324,True\n"
    "plain ünïcödé,1.7976931348623157e308,False\n",
    0, TRUE, 1);
  g_autoptr(GString) csv = retort_csv_write_string (table, ',');
  g_autoptr(RetortTable) again = read_text (csv->str, 0, TRUE, 1);

  g_assert_cmpint (retort_column_get_data_type (retort_table_get_column (table, 2)), ==,
                   RETORT_COLUMN_TYPE_BOOL);
  g_assert_cmpuint (retort_column_get_null_count (retort_table_get_column (table, 2)), ==, 1);
  g_assert_nonnull (strstr (csv->str, "\"with \"\"quotes\"\"\",1e+16,False\n"));
  g_assert_nonnull (strstr (csv->str, "\"two\nlines\",-0.0,\n"));
  assert_tables_equal (table, again);
}

/* In a one-column table a missing or blank cell must not become a blank
 * line, which readers skip (found by the fuzzer). */
static void
test_round_trip_single_column_blanks (void)
{
  g_autoptr(RetortTable) table = read_text ("word\nalpha\n\"\"\nNA\n\" \"\ngamma\n", 0, TRUE, 1);
  g_autoptr(GString) csv = retort_csv_write_string (table, ',');
  g_autoptr(RetortTable) again = read_text (csv->str, 0, TRUE, 1);

  g_assert_cmpuint (retort_table_get_n_rows (table), ==, 5);
  g_assert_cmpstr (csv->str, ==, "word\nalpha\n\"\"\n\"\"\n\" \"\ngamma\n");
  assert_tables_equal (table, again);
}

/* A first column name that starts with U+FEFF must not be written as a bare
 * byte-order mark at the start of the file, which readers drop (found by the
 * fuzzer: a column named "\uFEFF" read back as a file of blank lines). */
static void
test_round_trip_name_with_bom (void)
{
  g_autoptr(RetortTable) table = read_text ("\n\xEF\xBB\xBF,\xEF\xBB\xBF" "b\n1,2\n", 0, TRUE, 1);
  g_autoptr(GString) csv = retort_csv_write_string (table, ',');
  g_autoptr(RetortTable) again = read_text (csv->str, 0, TRUE, 1);

  g_assert_cmpstr (retort_table_get_column_name (table, 0), ==, "\xEF\xBB\xBF");
  g_assert_cmpstr (csv->str, ==, "\"\xEF\xBB\xBF\",\xEF\xBB\xBF" "b\n1,2\n");
  assert_tables_equal (table, again);
  g_assert_cmpstr (retort_table_get_column_name (again, 0), ==, "\xEF\xBB\xBF");
}

static void
test_write_file_atomically (void)
{
  g_autofree char *path = sample_path ("iris.csv");
  g_autoptr(RetortTable) table = retort_csv_read_file (path, NULL, NULL);
  g_autofree char *dir = g_dir_make_tmp ("retort-csv-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "out.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) expected = retort_csv_write_string (table, ';');
  g_autofree char *contents = NULL;
  g_autoptr(GDir) listing = NULL;
  guint n_files = 0;

  g_assert_true (g_file_set_contents (out, "old contents", -1, NULL));
  g_assert_true (retort_csv_write_file (table, out, ';', &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, expected->str);

  /* No temporary file is left behind. */
  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, 1);

  /* A directory that does not exist: an error naming the file. */
  {
    g_autofree char *bad = g_build_filename (dir, "missing", "x.csv", NULL);
    g_autoptr(GError) write_error = NULL;

    g_assert_false (retort_csv_write_file (table, bad, ',', &write_error));
    g_assert_error (write_error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_IO);
    g_assert_nonnull (strstr (write_error->message, "x.csv"));
  }

  /* In a given order: the lines follow it. */
  {
    g_autofree guint32 *order = g_new (guint32, retort_table_get_n_rows (table));
    g_autoptr(RetortTable) back = NULL;
    gsize n_rows = retort_table_get_n_rows (table);

    for (gsize i = 0; i < n_rows; i++)
      order[i] = (guint32) (n_rows - 1 - i);
    g_assert_true (retort_csv_write_file_in_order (table, order, out, ',', &error));
    g_assert_no_error (error);
    back = retort_csv_read_file (out, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (retort_table_get_n_rows (back), ==, n_rows);
    for (gsize i = 0; i < n_rows; i += 37)
      for (guint column = 0; column < retort_table_get_n_columns (table); column++)
        {
          g_autofree char *source_cell = retort_table_dup_cell_text (table, order[i], column);
          g_autofree char *written_cell = retort_table_dup_cell_text (back, i, column);

          g_assert_cmpstr (written_cell, ==, source_cell);
        }
  }

  g_unlink (out);
  g_rmdir (dir);
}

/* A file that exercises every merge rule between chunks: quoted line breaks
 * everywhere (so cuts fall inside quotes), a column that turns to text only
 * near the end, ints that meet a float late, a column missing in one half,
 * bools with a missing value. */
static GString *
make_tricky_large_csv (void)
{
  GString *csv = g_string_new ("id,note,late_text,late_float,half_missing,flag\n");
  const gsize n_rows = 60000;

  for (gsize i = 0; i < n_rows; i++)
    {
      g_string_append_printf (csv, "%" G_GSIZE_FORMAT ",", i);
      if (i % 3 == 0)
        g_string_append_printf (csv, "\"line one\nline \"\"%" G_GSIZE_FORMAT "\"\",\r\nend\",", i);
      else
        g_string_append_printf (csv, "n%" G_GSIZE_FORMAT ",", i);
      if (i == n_rows - 5)
        g_string_append (csv, "oops,");
      else
        g_string_append_printf (csv, "%" G_GSIZE_FORMAT ",", i * 7);
      if (i == n_rows - 100)
        g_string_append (csv, "2.5,");
      else
        g_string_append_printf (csv, "%+" G_GSSIZE_FORMAT ",", (gssize) i - 30000);
      if (i < n_rows / 2)
        g_string_append (csv, ",");
      else
        g_string_append_printf (csv, "%" G_GSIZE_FORMAT ".25,", i);
      g_string_append (csv, i == 17 ? "\n" : (i % 2 ? "True\n" : "false\n"));
      if (i % 1000 == 999)
        g_string_append (csv, "\n");
    }

  return csv;
}

static void
test_parallel_equals_sequential (void)
{
  g_autoptr(GString) csv = make_tricky_large_csv ();
  g_autoptr(RetortTable) sequential = read_text (csv->str, 0, TRUE, 1);
  const guint thread_counts[] = { 2, 3, 7, 16 };
  RetortColumn *column;
  gsize length;

  g_assert_cmpuint (retort_table_get_n_rows (sequential), ==, 60000);
  g_assert_cmpint (retort_column_get_data_type (retort_table_get_column (sequential, 0)), ==,
                   RETORT_COLUMN_TYPE_INT64);
  g_assert_cmpint (retort_column_get_data_type (retort_table_get_column (sequential, 1)), ==,
                   RETORT_COLUMN_TYPE_STRING);
  g_assert_cmpint (retort_column_get_data_type (retort_table_get_column (sequential, 2)), ==,
                   RETORT_COLUMN_TYPE_STRING);
  g_assert_cmpint (retort_column_get_data_type (retort_table_get_column (sequential, 3)), ==,
                   RETORT_COLUMN_TYPE_FLOAT64);
  g_assert_cmpint (retort_column_get_data_type (retort_table_get_column (sequential, 4)), ==,
                   RETORT_COLUMN_TYPE_FLOAT64);
  g_assert_cmpint (retort_column_get_data_type (retort_table_get_column (sequential, 5)), ==,
                   RETORT_COLUMN_TYPE_BOOL);

  /* Text keeps the spelling of numbers written before the column became text. */
  column = retort_table_get_column (sequential, 2);
  g_assert_cmpmem (retort_column_get_string (column, 1, &length), length, "7", 1);
  column = retort_table_get_column (sequential, 1);
  g_assert_cmpmem (retort_column_get_string (column, 3, &length), length,
                   "line one\nline \"3\",\r\nend", strlen ("line one\nline \"3\",\r\nend"));
  g_assert_cmpfloat (retort_column_get_float64_data (retort_table_get_column (sequential, 3))[0],
                     ==, -30000.0);
  g_assert_cmpuint (retort_column_get_null_count (retort_table_get_column (sequential, 4)), ==,
                    30000);

  for (guint i = 0; i < G_N_ELEMENTS (thread_counts); i++)
    {
      g_autoptr(RetortTable) parallel = read_text (csv->str, 0, TRUE, thread_counts[i]);

      assert_tables_equal (sequential, parallel);
    }
}

/* Every float reads as Python's float() reads it (correctly rounded), on
 * the fast path for short decimals and on the general one. */
static void
test_floats_match_python (void)
{
  const char *python = g_getenv ("RETORT_PYTHON");
  g_autoptr(GString) csv = g_string_new ("x\n");
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(RetortTable) table = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_auto(GStrv) lines = NULL;
  const double *values;
  const guint n = 20000;

  if (python == NULL)
    {
      g_test_skip ("RETORT_PYTHON is not set");
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      guint64 mantissa = ((guint64) g_rand_int (rand) << 32 | g_rand_int (rand)) >>
                         g_rand_int_range (rand, 0, 64);
      int point = g_rand_int_range (rand, 0, 21);
      g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, mantissa);
      gsize length = strlen (digits);

      if (g_rand_boolean (rand))
        g_string_append_c (csv, '-');
      if ((gsize) point < length)
        g_string_append_printf (csv, "%.*s.%s", (int) (length - point), digits,
                                digits + length - point);
      else
        g_string_append_printf (csv, "0.%0*d%s", (int) (point - length), 0, digits);
      if (i % 3 == 0)
        g_string_append_printf (csv, "e%d", g_rand_int_range (rand, -40, 40));
      g_string_append_c (csv, '\n');
    }

  table = read_text (csv->str, ',', TRUE, 1);
  g_assert_cmpint (retort_column_get_data_type (retort_table_get_column (table, 0)), ==,
                   RETORT_COLUMN_TYPE_FLOAT64);
  values = retort_column_get_float64_data (retort_table_get_column (table, 0));

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              python, "-c",
                              "import sys\n"
                              "for line in sys.stdin.read().split()[1:]:\n"
                              "    print(float(line).hex())\n",
                              NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, csv->str, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (output, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, n + 1);

  for (guint i = 0; i < n; i++)
    {
      double expected = g_ascii_strtod (lines[i], NULL);

      if (memcmp (&expected, &values[i], 8) != 0)
        g_error ("row %u: Python reads %s, we read %a", i, lines[i], values[i]);
    }
}

static void
test_delimiters (void)
{
  const char *texts[] = { "a;b;c\n1,5;x;2\n3,5;y;4\n", "a\tb\tc\n1,5\tx\t2\n3,5\ty\t4\n",
                          "a|b|c\n1,5|x|2\n3,5|y|4\n" };
  const char delimiters[] = { ';', '\t', '|' };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(RetortTable) sniffed = read_text (texts[i], 0, TRUE, 0);
      g_autoptr(RetortTable) explicit = read_text (texts[i], delimiters[i], TRUE, 0);
      gsize length;

      g_assert_cmpuint (retort_table_get_n_columns (sniffed), ==, 3);
      g_assert_cmpstr (retort_table_get_column_name (sniffed, 2), ==, "c");
      g_assert_cmpmem (retort_column_get_string (retort_table_get_column (sniffed, 0), 1, &length),
                       length, "3,5", 3);
      assert_tables_equal (sniffed, explicit);
    }
}

static void
test_header_options (void)
{
  g_autoptr(RetortTable) no_header = read_text ("\xEF\xBB\xBF" "1,x\r\n2,y\r\n", 0, FALSE, 0);
  g_autoptr(RetortTable) header_only = read_text ("\xEF\xBB\xBF" "id,name\r\n", 0, TRUE, 0);
  g_autoptr(RetortTable) no_newline = read_text ("a,b\n1,2", 0, TRUE, 0);

  /* Without a header, columns are named as pandas names them: 0, 1, ... */
  g_assert_cmpuint (retort_table_get_n_rows (no_header), ==, 2);
  g_assert_cmpstr (retort_table_get_column_name (no_header, 0), ==, "0");
  g_assert_cmpstr (retort_table_get_column_name (no_header, 1), ==, "1");
  g_assert_cmpint (retort_column_get_int64_data (retort_table_get_column (no_header, 0))[1], ==, 2);

  /* A header without rows keeps its columns (the BOM is not part of the name). */
  g_assert_cmpuint (retort_table_get_n_rows (header_only), ==, 0);
  g_assert_cmpuint (retort_table_get_n_columns (header_only), ==, 2);
  g_assert_cmpstr (retort_table_get_column_name (header_only, 0), ==, "id");

  g_assert_cmpuint (retort_table_get_n_rows (no_newline), ==, 1);
  g_assert_cmpint (retort_column_get_int64_data (retort_table_get_column (no_newline, 1))[0], ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/csv/round-trip/samples", test_round_trip_samples);
  g_test_add_func ("/csv/round-trip/awkward-values", test_round_trip_awkward_values);
  g_test_add_func ("/csv/round-trip/single-column-blanks", test_round_trip_single_column_blanks);
  g_test_add_func ("/csv/round-trip/name-with-bom", test_round_trip_name_with_bom);
  g_test_add_func ("/csv/write/atomic", test_write_file_atomically);
  g_test_add_func ("/csv/read/parallel-equals-sequential", test_parallel_equals_sequential);
  g_test_add_func ("/csv/read/floats-match-python", test_floats_match_python);
  g_test_add_func ("/csv/read/delimiters", test_delimiters);
  g_test_add_func ("/csv/read/header-options", test_header_options);

  return g_test_run ();
}
