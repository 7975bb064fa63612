/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "retort-buffer-private.h"
#include "retort-table-lib.h"
#include "../common/retort-test-tables.h"

static RetortColumn *
make_float_column (const double *values,
                   gsize         n)
{
  g_autoptr(RetortColumnBuilder) builder = retort_column_builder_new (RETORT_COLUMN_TYPE_FLOAT64, 0);

  for (gsize i = 0; i < n; i++)
    retort_column_builder_append_float64 (builder, values[i]);

  return retort_column_builder_finish (g_steal_pointer (&builder));
}

static void
test_builder_types (void)
{
  g_autoptr(RetortColumnBuilder) ints = retort_column_builder_new (RETORT_COLUMN_TYPE_INT64, 0);
  g_autoptr(RetortColumnBuilder) bools = retort_column_builder_new (RETORT_COLUMN_TYPE_BOOL, 0);
  g_autoptr(RetortColumnBuilder) strings = retort_column_builder_new (RETORT_COLUMN_TYPE_STRING, 0);
  g_autoptr(RetortColumnBuilder) times = retort_column_builder_new (RETORT_COLUMN_TYPE_DATETIME, 0);
  g_autoptr(RetortColumn) int_column = NULL;
  g_autoptr(RetortColumn) bool_column = NULL;
  g_autoptr(RetortColumn) string_column = NULL;
  g_autoptr(RetortColumn) time_column = NULL;
  g_autofree char *text = NULL;
  g_autofree char *when = NULL;
  gsize length;

  /* Enough rows to grow the buffers past their first allocation. */
  for (gint64 i = 0; i < 100000; i++)
    {
      if (i % 7 == 3)
        {
          retort_column_builder_append_null (ints);
          retort_column_builder_append_null (bools);
          retort_column_builder_append_null (strings);
          retort_column_builder_append_null (times);
          continue;
        }
      retort_column_builder_append_int64 (ints, i * 1000);
      retort_column_builder_append_bool (bools, i % 2 == 0);
      {
        g_autofree char *s = g_strdup_printf ("row %" G_GINT64_FORMAT " ✓", i);
        retort_column_builder_append_string (strings, s, -1);
      }
      retort_column_builder_append_datetime (times, i * G_GINT64_CONSTANT (86400000000000));
    }

  int_column = retort_column_builder_finish (g_steal_pointer (&ints));
  bool_column = retort_column_builder_finish (g_steal_pointer (&bools));
  string_column = retort_column_builder_finish (g_steal_pointer (&strings));
  time_column = retort_column_builder_finish (g_steal_pointer (&times));

  g_assert_cmpuint (retort_column_get_length (int_column), ==, 100000);
  g_assert_cmpuint (retort_column_get_null_count (int_column), ==, 14286);
  g_assert_cmpuint (retort_column_get_null_count (string_column), ==, 14286);
  g_assert_false (retort_column_is_valid (int_column, 3));
  g_assert_true (retort_column_is_valid (int_column, 4));
  g_assert_cmpint (retort_column_get_int64_data (int_column)[99999], ==, 99999000);
  g_assert_cmpint (retort_column_get_bool_data (bool_column)[4], ==, 1);
  g_assert_cmpint (retort_column_get_bool_data (bool_column)[5], ==, 0);
  g_assert_null (retort_column_get_string (string_column, 3, &length));
  g_assert_cmpmem (retort_column_get_string (string_column, 99999, &length), length,
                   "row 99999 ✓", strlen ("row 99999 ✓"));

  /* Arrow layout: 64-byte aligned buffers, offsets n + 1, bitmap LSB first. */
  g_assert_cmpuint ((guintptr) retort_column_get_int64_data (int_column) % 64, ==, 0);
  g_assert_cmpuint ((guintptr) retort_column_get_validity (int_column) % 64, ==, 0);
  g_assert_cmpuint ((guintptr) retort_column_get_string_data (string_column) % 64, ==, 0);
  g_assert_cmpint (retort_column_get_string_offsets (string_column)[0], ==, 0);
  g_assert_cmpint (retort_column_get_validity (int_column)[0], ==, 0xf7);

  text = retort_column_dup_text (bool_column, 0);
  g_assert_cmpstr (text, ==, "True");
  when = retort_column_dup_text (time_column, 1);
  g_assert_cmpstr (when, ==, "1970-01-02 00:00:00");
  g_assert_null (retort_column_dup_text (time_column, 3));
}

static void
test_float_missing (void)
{
  const double values[] = { 1.5, NAN, -0.0, INFINITY, -INFINITY };
  g_autoptr(RetortColumn) column = make_float_column (values, G_N_ELEMENTS (values));
  g_autofree char *inf = retort_column_dup_text (column, 3);
  g_autofree char *neg_zero = retort_column_dup_text (column, 2);

  /* NaN is missing, as in pandas; infinities are values. */
  g_assert_cmpuint (retort_column_get_null_count (column), ==, 1);
  g_assert_false (retort_column_is_valid (column, 1));
  g_assert_true (isnan (retort_column_get_float64_data (column)[1]));
  g_assert_cmpstr (inf, ==, "inf");
  g_assert_cmpstr (neg_zero, ==, "-0.0");
}

/* Export must write floats exactly as Python's repr() does. */
static void
test_float_text_matches_python_repr (void)
{
  const char *python = g_getenv ("RETORT_PYTHON");
  g_autoptr(RetortColumnBuilder) builder = retort_column_builder_new (RETORT_COLUMN_TYPE_FLOAT64, 0);
  g_autoptr(RetortColumn) column = NULL;
  g_autoptr(GString) script = g_string_new ("import struct, sys\nfor h in sys.stdin.read().split():\n"
                                            "    print(repr(struct.unpack('<d', bytes.fromhex(h))[0]))\n");
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_auto(GStrv) lines = NULL;
  const double specials[] = { 0.1, 1e16, 1e15, 123.0, 1e-4, 1e-5, 0.3, 2.0 / 3.0, 5e-324,
                              1.7976931348623157e308, 2.2250738585072014e-308, 1e22, 1e23,
                              9007199254740993.0, 123456789012345678.0, 0.000123, -42.5 };
  GRand *rand = g_rand_new_with_seed (4242);
  gsize n = 0;

  if (python == NULL || !g_file_test (python, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("RETORT_PYTHON is not set");
      g_rand_free (rand);
      return;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (specials) + 3000; i++)
    {
      double value;
      guint8 bytes[8];

      if (i < G_N_ELEMENTS (specials))
        value = specials[i];
      else if (i % 2)
        {
          guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
          memcpy (&value, &bits, 8);
          if (!isfinite (value))
            continue;
        }
      else
        value = g_rand_double_range (rand, -1e6, 1e6) * pow (10, g_rand_int_range (rand, -30, 30));

      retort_column_builder_append_float64 (builder, value);
      memcpy (bytes, &value, 8);
      for (guint b = 0; b < 8; b++)
        g_string_append_printf (input, "%02x", bytes[b]);
      g_string_append_c (input, '\n');
      n++;
    }
  g_rand_free (rand);
  column = retort_column_builder_finish (g_steal_pointer (&builder));

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              python, "-c", script->str, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input->str, NULL, &output, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (output, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, n + 1);
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *ours = retort_column_dup_text (column, i);

      g_assert_cmpstr (ours, ==, lines[i]);
    }
}

static void
test_unique_names (void)
{
  const char *names[] = { "a", "b", "a", "a (2)", "a", "" , "" };
  RetortColumn *columns[G_N_ELEMENTS (names)];
  const double value = 1;
  g_autoptr(RetortTable) table = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    columns[i] = make_float_column (&value, 1);
  table = retort_table_new (G_N_ELEMENTS (names), names, columns, &error);
  g_assert_no_error (error);

  /* "a (2)" was taken by a column of that name: the next "a" is "a (3)". */
  g_assert_cmpstr (retort_table_get_column_name (table, 0), ==, "a");
  g_assert_cmpstr (retort_table_get_column_name (table, 2), ==, "a (3)");
  g_assert_cmpstr (retort_table_get_column_name (table, 3), ==, "a (2)");
  g_assert_cmpstr (retort_table_get_column_name (table, 4), ==, "a (4)");
  g_assert_cmpstr (retort_table_get_column_name (table, 6), ==, " (2)");
  g_assert_cmpint (retort_table_find_column (table, "a (4)"), ==, 4);
  g_assert_cmpint (retort_table_find_column (table, "zzz"), ==, -1);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    retort_column_unref (columns[i]);
}

static void
test_mismatched_lengths (void)
{
  const double values[] = { 1, 2, 3 };
  RetortColumn *columns[2] = { make_float_column (values, 3), make_float_column (values, 2) };
  const char *names[2] = { "long", "short" };
  g_autoptr(GError) error = NULL;
  RetortTable *table = retort_table_new (2, names, columns, &error);

  g_assert_null (table);
  g_assert_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "short"));
  retort_column_unref (columns[0]);
  retort_column_unref (columns[1]);
}

static RetortTable *
make_mixed_table (void)
{
  g_autoptr(RetortColumnBuilder) numbers = retort_column_builder_new (RETORT_COLUMN_TYPE_FLOAT64, 0);
  g_autoptr(RetortColumnBuilder) words = retort_column_builder_new (RETORT_COLUMN_TYPE_STRING, 0);
  RetortColumn *columns[2];
  const char *names[2] = { "x", "word" };
  RetortTable *table;

  for (int i = 0; i < 20; i++)
    {
      g_autofree char *word = g_strdup_printf ("w%d", i);

      retort_column_builder_append_float64 (numbers, i % 3 == 0 ? NAN : i + 0.5);
      if (i % 5 == 0)
        retort_column_builder_append_null (words);
      else
        retort_column_builder_append_string (words, word, -1);
    }
  columns[0] = retort_column_builder_finish (g_steal_pointer (&numbers));
  columns[1] = retort_column_builder_finish (g_steal_pointer (&words));
  table = retort_table_new (2, names, columns, NULL);
  retort_column_unref (columns[0]);
  retort_column_unref (columns[1]);

  return table;
}

static void
test_slice_and_select (void)
{
  g_autoptr(RetortTable) table = make_mixed_table ();
  g_autoptr(RetortTable) slice = retort_table_slice (table, 3, 9);
  g_autoptr(RetortTable) selected = NULL;
  guint indices[] = { 1 };
  gsize length;

  g_assert_cmpuint (retort_table_get_n_rows (slice), ==, 9);
  /* Rows 3, 6, 9 of the original (0, 3, 6 here) are missing, at odd bit offsets. */
  for (gsize row = 0; row < 9; row++)
    g_assert_cmpint (retort_column_is_valid (retort_table_get_column (slice, 0), row), ==,
                     (row + 3) % 3 != 0);
  g_assert_cmpuint (retort_column_get_null_count (retort_table_get_column (slice, 0)), ==, 3);
  g_assert_cmpmem (retort_column_get_string (retort_table_get_column (slice, 1), 1, &length),
                   length, "w4", 2);
  g_assert_null (retort_column_get_string (retort_table_get_column (slice, 1), 2, &length));

  selected = retort_table_select (table, indices, 1);
  g_assert_cmpuint (retort_table_get_n_columns (selected), ==, 1);
  g_assert_cmpstr (retort_table_get_column_name (selected, 0), ==, "word");
  g_assert_true (retort_table_get_column (selected, 0) == retort_table_get_column (table, 1));

  {
    g_autofree char *cell = retort_table_dup_cell_text (table, 1, 0);
    g_assert_cmpstr (cell, ==, "1.5");
    g_assert_null (retort_table_dup_cell_text (table, 0, 0));
  }
}

static void
test_summary (void)
{
  g_autoptr(RetortTable) table = make_mixed_table ();
  g_autoptr(GPtrArray) summaries = retort_table_summarize (table);
  RetortColumnSummary *x = g_ptr_array_index (summaries, 0);
  RetortColumnSummary *word = g_ptr_array_index (summaries, 1);
  const double ones_to_ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, NAN };
  g_autoptr(RetortColumn) column = make_float_column (ones_to_ten, G_N_ELEMENTS (ones_to_ten));
  g_autoptr(RetortColumnSummary) summary = retort_column_summary_new (column, "n");

  /* x = i + 0.5 for i in 0..19 not divisible by 3. */
  g_assert_cmpstr (x->name, ==, "x");
  g_assert_cmpuint (x->count, ==, 13);
  g_assert_cmpuint (x->missing, ==, 7);
  g_assert_true (x->has_numeric_stats);
  g_assert_cmpfloat (x->min, ==, 1.5);
  g_assert_cmpfloat (x->max, ==, 19.5);
  g_assert_cmpuint (x->distinct, ==, 13);

  g_assert_false (word->has_numeric_stats);
  g_assert_cmpuint (word->missing, ==, 4);
  g_assert_cmpuint (word->distinct, ==, 16);
  g_assert_cmpuint (word->top_values->len, ==, 5);
  g_assert_cmpstr (((RetortValueCount *) g_ptr_array_index (word->top_values, 0))->value, ==, "w1");

  /* pandas: Series(range(1, 11)).std() == 3.0276503540974917 */
  g_assert_cmpfloat (summary->mean, ==, 5.5);
  g_assert_cmpfloat_with_epsilon (summary->std, 3.0276503540974917, 1e-15);
  g_assert_cmpuint (summary->missing, ==, 1);
}


/* The file the Python runner reads: what goes in comes out, and the buffers
 * are used where they lie in the file (64-byte aligned). */
static void
test_table_file_round_trip (void)
{
  const gsize sizes[] = { 0, 1, 13, 10000 };
  g_autofree char *dir = g_dir_make_tmp ("retort-table-file-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "t.rtbl", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(RetortTable) table = retort_test_make_all_types_table (sizes[i]);
      g_autoptr(RetortTable) again = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (retort_table_write_file (table, path, &error));
      g_assert_no_error (error);
      again = retort_table_read_file (path, &error);
      g_assert_no_error (error);

      g_assert_cmpuint (retort_table_get_n_rows (again), ==, sizes[i]);
      for (guint c = 0; c < retort_table_get_n_columns (table); c++)
        {
          RetortColumn *column = retort_table_get_column (again, c);

          g_assert_cmpstr (retort_table_get_column_name (again, c), ==,
                           retort_table_get_column_name (table, c));
          g_assert_cmpint (retort_column_get_data_type (column), ==,
                           retort_column_get_data_type (retort_table_get_column (table, c)));
          g_assert_cmpuint ((guintptr) retort_buffer_get_data (retort_column_get_values_buffer (column)) % 64, ==, 0);
          for (gsize row = 0; row < sizes[i]; row++)
            {
              g_autofree char *a = retort_table_dup_cell_text (table, row, c);
              g_autofree char *b = retort_table_dup_cell_text (again, row, c);

              g_assert_cmpstr (a, ==, b);
            }
        }
      /* The table outlives the file's name. */
      g_unlink (path);
      if (sizes[i] > 0)
        {
          g_autofree char *cell = retort_table_dup_cell_text (again, 1 % sizes[i], 3);
          g_autofree char *expected = retort_table_dup_cell_text (table, 1 % sizes[i], 3);

          g_assert_cmpstr (cell, ==, expected);
        }
    }
  g_rmdir (dir);
}

/* Damaged files are refused with an error: no crash, no garbage. */
static void
test_table_file_damaged (void)
{
  g_autoptr(RetortTable) table = retort_test_make_all_types_table (100);
  g_autofree char *dir = g_dir_make_tmp ("retort-table-file-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "t.rtbl", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  GRand *rand = g_rand_new_with_seed (99);

  g_assert_true (retort_table_write_file (table, path, NULL));
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));

  for (guint round = 0; round < 400; round++)
    {
      g_autofree char *damaged = g_memdup2 (contents, length);
      gsize damaged_length = length;
      g_autoptr(GError) error = NULL;
      g_autoptr(RetortTable) result = NULL;

      if (round % 4 == 0)
        damaged_length = g_rand_int_range (rand, 0, (gint32) length);
      else
        /* Hit the header and the column directory most. */
        for (guint k = 0; k < 3; k++)
          damaged[g_rand_int_range (rand, 0, round % 2 ? 64 + 5 * 64 : (gint32) length)] ^=
            (char) g_rand_int_range (rand, 1, 256);

      g_assert_true (g_file_set_contents (path, damaged, (gssize) damaged_length, NULL));
      result = retort_table_read_file (path, &error);
      if (result == NULL)
        g_assert_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_PARSE);
      else
        for (guint c = 0; c < retort_table_get_n_columns (result); c++)
          for (gsize row = 0; row < retort_table_get_n_rows (result); row++)
            g_free (retort_table_dup_cell_text (result, row, c));
    }

  g_rand_free (rand);
  g_unlink (path);
  g_rmdir (dir);
}

static char *
fd_target (int fd)
{
  g_autofree char *link = g_strdup_printf ("/proc/self/fd/%d", fd);

  return g_file_read_link (link, NULL);
}

/* Large buffers live in a memfd, keep it through growth, and report it. */
static void
test_buffer_memfd (void)
{
  g_autoptr(RetortBuffer) small = retort_buffer_new (100);
  g_autoptr(RetortBuffer) big = retort_buffer_new (300 * 1024);
  g_autofree char *target = NULL;
  guint64 offset = 99;
  guint8 *data;
  struct stat st;
  int fd;

  g_assert_cmpint (retort_buffer_get_fd (small, NULL), ==, -1);

  fd = retort_buffer_get_fd (big, &offset);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpuint (offset, ==, 0);
  target = fd_target (fd);
  g_assert_true (g_str_has_prefix (target, "/memfd:retort-buffer"));

  data = retort_buffer_get_data (big);
  g_assert_cmpuint ((guintptr) data % RETORT_BUFFER_ALIGNMENT, ==, 0);
  data[0] = 42;
  data[300 * 1024 - 1] = 43;

  /* Growth keeps the bytes and the descriptor, which grows along. */
  retort_buffer_resize (big, 64 * 1024 * 1024);
  g_assert_cmpint (retort_buffer_get_fd (big, NULL), ==, fd);
  data = retort_buffer_get_data (big);
  g_assert_cmpint (data[0], ==, 42);
  g_assert_cmpint (data[300 * 1024 - 1], ==, 43);
  data[64 * 1024 * 1024 - 1] = 44;
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  g_assert_cmpint (st.st_size, >=, 64 * 1024 * 1024);
  {
    guint8 last = 0;

    g_assert_cmpint (pread (fd, &last, 1, 64 * 1024 * 1024 - 1), ==, 1);
    g_assert_cmpint (last, ==, 44);
  }

  /* A heap buffer that grows past the threshold moves to a memfd. */
  retort_buffer_resize (small, 1024 * 1024);
  g_assert_cmpint (retort_buffer_get_fd (small, NULL), >=, 0);
}

/* CSV import's anonymous buffers move into a memfd when first asked for a
 * descriptor: same address, same bytes, growth still works. */
static void
test_buffer_promoted (void)
{
  g_autoptr(RetortBuffer) buffer = _retort_buffer_new_full (1024 * 1024, FALSE, TRUE);
  g_autofree char *target = NULL;
  guint8 *data = retort_buffer_get_data (buffer);
  guint8 byte = 0;
  int fd;

  g_assert_cmpint (buffer->fd, ==, -1);
  for (gsize i = 0; i < 1024 * 1024; i++)
    data[i] = (guint8) (i * 7);

  fd = retort_buffer_get_fd (buffer, NULL);
  g_assert_cmpint (fd, >=, 0);
  target = fd_target (fd);
  g_assert_true (g_str_has_prefix (target, "/memfd:retort-buffer"));
  g_assert_true (retort_buffer_get_data (buffer) == data);
  g_assert_cmpint (retort_buffer_get_fd (buffer, NULL), ==, fd);
  for (gsize i = 0; i < 1024 * 1024; i += 4093)
    {
      g_assert_cmpint (data[i], ==, (guint8) (i * 7));
      g_assert_cmpint (pread (fd, &byte, 1, (off_t) i), ==, 1);
      g_assert_cmpint (byte, ==, (guint8) (i * 7));
    }
  /* The mapping is the memfd's now: a write shows in it. */
  data[5] = 99;
  g_assert_cmpint (pread (fd, &byte, 1, 5), ==, 1);
  g_assert_cmpint (byte, ==, 99);

  retort_buffer_resize (buffer, 8 * 1024 * 1024);
  g_assert_cmpint (retort_buffer_get_fd (buffer, NULL), ==, fd);
  g_assert_cmpint (((guint8 *) retort_buffer_get_data (buffer))[5], ==, 99);
}

/* A table read from a file keeps the file's descriptor for its buffers;
 * a copy-on-write one may not report it. */
static void
test_table_file_fds (void)
{
  g_autoptr(RetortTable) table = retort_test_make_all_types_table (10);
  g_autofree char *dir = g_dir_make_tmp ("retort-table-file-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "t.rtbl", NULL);
  g_autoptr(RetortTable) again = NULL;
  g_autoptr(RetortTable) private = NULL;
  guint64 offset = 0;

  g_assert_true (retort_table_write_file (table, path, NULL));
  again = retort_table_read_file (path, NULL);
  private = retort_table_read_file_full (path, RETORT_TABLE_FILE_COPY_ON_WRITE, NULL);
  g_unlink (path);
  g_rmdir (dir);

  g_assert_cmpint (retort_buffer_get_fd (retort_column_get_values_buffer (retort_table_get_column (again, 0)),
                                         &offset), >=, 0);
  g_assert_cmpuint (offset % 64, ==, 0);
  g_assert_cmpuint (offset, >, 0);
  g_assert_cmpint (retort_buffer_get_fd (retort_column_get_values_buffer (retort_table_get_column (private, 0)),
                                         NULL), ==, -1);
}

/* The regions of a table whose buffers all lie in descriptors. */
static RetortTableColumnRegions *
table_regions (RetortTable *table,
               GArray      *fds)
{
  guint n_columns = retort_table_get_n_columns (table);
  RetortTableColumnRegions *regions = g_new0 (RetortTableColumnRegions, n_columns);
  gsize n_rows = retort_table_get_n_rows (table);

  for (guint c = 0; c < n_columns; c++)
    {
      RetortColumn *column = retort_table_get_column (table, c);
      RetortBuffer *buffers[] = { retort_column_get_validity_buffer (column),
                                  retort_column_get_values_buffer (column),
                                  retort_column_get_data_buffer (column) };
      RetortTableRegion *targets[] = { &regions[c].validity, &regions[c].values, &regions[c].data };
      RetortColumnType type = retort_column_get_data_type (column);
      gsize sizes[] = { (n_rows + 7) / 8,
                        type == RETORT_COLUMN_TYPE_STRING ? (n_rows + 1) * 8 :
                        type == RETORT_COLUMN_TYPE_BOOL ? n_rows : n_rows * 8,
                        type == RETORT_COLUMN_TYPE_STRING
                          ? (gsize) retort_column_get_string_offsets (column)[n_rows] : 0 };

      regions[c].name = retort_table_get_column_name (table, c);
      regions[c].type = type;
      regions[c].has_validity = buffers[0] != NULL;
      for (guint b = 0; b < 3; b++)
        {
          int fd;

          if (buffers[b] == NULL)
            continue;
          fd = retort_buffer_get_fd (buffers[b], &targets[b]->offset);
          g_assert_cmpint (fd, >=, 0);
          fd = fcntl (fd, F_DUPFD_CLOEXEC, 3);
          g_array_append_val (fds, fd);
          targets[b]->fd_index = fds->len - 1;
          targets[b]->size = sizes[b];
        }
    }

  return regions;
}


/* Every buffer large enough for a memfd (the bitmaps too), sent over a
 * socket as descriptors and mapped again: the same table, no copy. */
static void
test_table_regions (void)
{
  g_autoptr(RetortTable) table = retort_test_make_all_types_table (2100000);
  g_autoptr(GArray) fds = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree RetortTableColumnRegions *regions = table_regions (table, fds);
  g_autofree int *received = g_new (int, fds->len);
  g_autoptr(RetortTable) mapped = NULL;
  g_autoptr(RetortTable) damaged = NULL;
  g_autoptr(GError) error = NULL;
  int sockets[2];

  g_assert_true (retort_fd_socket_pair (sockets, NULL));
  g_assert_true (retort_fd_send (sockets[0], (int *) fds->data, fds->len, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < fds->len; i++)
    close (g_array_index (fds, int, i));
  g_assert_true (retort_fd_receive (sockets[1], received, fds->len, &error));
  g_assert_no_error (error);

  mapped = retort_table_map_regions (retort_table_get_n_rows (table), retort_table_get_n_columns (table),
                                     regions, received, fds->len, RETORT_TABLE_FILE_READ_ONLY, &error);
  g_assert_no_error (error);
  retort_test_assert_tables_equal (table, mapped, 997);
  /* The same pages, not a copy: a change in the original shows. */
  ((double *) retort_buffer_get_data (retort_column_get_values_buffer (retort_table_get_column (table, 0))))[1] = 12.5;
  g_assert_cmpfloat (retort_column_get_float64_data (retort_table_get_column (mapped, 0))[1], ==, 12.5);
  /* and the mapped table can go on as descriptors. */
  g_assert_cmpint (retort_buffer_get_fd (retort_column_get_values_buffer (retort_table_get_column (mapped, 3)),
                                         NULL), >=, 0);

  /* Regions out of bounds or of the wrong size are refused. */
  g_array_set_size (fds, 0);
  g_free (table_regions (table, fds));
  regions[3].data.size += 1;
  damaged = retort_table_map_regions (retort_table_get_n_rows (table), retort_table_get_n_columns (table),
                                      regions, (int *) fds->data, fds->len, RETORT_TABLE_FILE_READ_ONLY, &error);
  g_assert_null (damaged);
  g_assert_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_PARSE);

  close (sockets[0]);
  close (sockets[1]);
}

static int
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  int n = 0;

  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* More descriptors than one message carries go in several; none leak. */
static void
test_fd_passing_batches (void)
{
  int fds[600];
  int received[600];
  int sockets[2];
  int before = count_open_fds ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    {
      fds[i] = memfd_create ("retort-test", MFD_CLOEXEC);
      g_assert_cmpint (fds[i], >=, 0);
      g_assert_cmpint (ftruncate (fds[i], i + 1), ==, 0);
    }
  g_assert_true (retort_fd_socket_pair (sockets, NULL));
  g_assert_true (retort_fd_send (sockets[0], fds, G_N_ELEMENTS (fds), &error));
  g_assert_no_error (error);
  g_assert_true (retort_fd_receive (sockets[1], received, G_N_ELEMENTS (received), &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    {
      struct stat st;

      g_assert_cmpint (fstat (received[i], &st), ==, 0);
      g_assert_cmpint (st.st_size, ==, i + 1);
      g_assert_cmpint (fcntl (received[i], F_GETFD), ==, FD_CLOEXEC);
      close (received[i]);
    }

  /* Asking for more than was sent fails at once, leaving nothing open. */
  g_assert_true (retort_fd_send (sockets[0], fds, 3, NULL));
  g_assert_false (retort_fd_receive (sockets[1], received, 5, &error));
  g_assert_nonnull (error);

  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    close (fds[i]);
  close (sockets[0]);
  close (sockets[1]);
  g_assert_cmpint (count_open_fds (), ==, before);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/table/builder/types", test_builder_types);
  g_test_add_func ("/table/builder/float-missing", test_float_missing);
  g_test_add_func ("/table/text/float-repr", test_float_text_matches_python_repr);
  g_test_add_func ("/table/names/unique", test_unique_names);
  g_test_add_func ("/table/new/mismatched-lengths", test_mismatched_lengths);
  g_test_add_func ("/table/slice-select", test_slice_and_select);
  g_test_add_func ("/table/summary", test_summary);
  g_test_add_func ("/table/file/round-trip", test_table_file_round_trip);
  g_test_add_func ("/table/file/damaged", test_table_file_damaged);
  g_test_add_func ("/table/buffer/memfd", test_buffer_memfd);
  g_test_add_func ("/table/file/fds", test_table_file_fds);
  g_test_add_func ("/table/buffer/promoted", test_buffer_promoted);
  g_test_add_func ("/table/regions", test_table_regions);
  g_test_add_func ("/table/fd-passing/batches", test_fd_passing_batches);

  return g_test_run ();
}
