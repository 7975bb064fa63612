/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bad CSV input gets a RETORT_TABLE_ERROR whose message names the file, the
 * line and the column ("iris.csv, line 12, column 3: ..."), never a crash, a
 * hang or a silently truncated table. Lines are physical lines of the file
 * (LF, CRLF or lone CR each end one, also inside quoted fields) and name
 * where the offending record or field starts; columns are 1-based. Every
 * case is read both from a file and from memory (retort_csv_read_data with
 * the same display name).
 *
 * Where pandas is more lenient we deliberately are not: pandas fills short
 * rows with NaN, turns a first row with one field too many into an index,
 * and cuts a field at a NUL byte.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "retort-table-lib.h"

#define MIB ((gsize) 1 << 20)

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

typedef struct
{
  const char *file;
  const char *data;
  gsize       length;
  int         code;
  guint       line;      /* 0: no line or column in the message */
  guint       column;
} BadCase;

#define TEXT(s) s, sizeof s - 1

static const BadCase bad_cases[] = {
  /* Ragged rows: the column is the first extra or the first missing field. */
  { "ragged-too-many-fields.csv", TEXT ("a,b,c\n1,2,3\n4,5,6,7\n"), RETORT_TABLE_ERROR_PARSE, 3, 4 },
  { "ragged-too-few-fields.csv", TEXT ("a,b,c\n1,2,3\n4,5\n"), RETORT_TABLE_ERROR_PARSE, 3, 3 },
  { "ragged-one-field.csv", TEXT ("a,b,c\n1,2,3\n4\n"), RETORT_TABLE_ERROR_PARSE, 3, 2 },
  { "ragged-trailing-delimiter.csv", TEXT ("a,b\n1,2\n3,4,\n"), RETORT_TABLE_ERROR_PARSE, 3, 3 },
  { "ragged-first-row-too-many.csv", TEXT ("a,b\n1,2,3\n4,5,6\n"), RETORT_TABLE_ERROR_PARSE, 2, 3 },
  { "ragged-after-multiline-quotes.csv", TEXT ("a,b\n\"x\ny\",1\n\"p\r\nq\",2\n3,4,5\n"),
    RETORT_TABLE_ERROR_PARSE, 6, 3 },
  { "ragged-crlf.csv", TEXT ("a,b\r\n1,2\r\n3\r\n"), RETORT_TABLE_ERROR_PARSE, 3, 2 },
  { "ragged-cr-only.csv", TEXT ("a,b\r1,2\r3,4,5\r"), RETORT_TABLE_ERROR_PARSE, 3, 3 },
  { "ragged-after-blank-lines.csv", TEXT ("a,b\n\n1,2\n\n\n3,4,5\n"), RETORT_TABLE_ERROR_PARSE, 6, 3 },
  { "ragged-last-line-no-newline.csv", TEXT ("a,b\n1,2\n3"), RETORT_TABLE_ERROR_PARSE, 3, 2 },
  { "ragged-semicolon.csv", TEXT ("a;b\n1;2\n3;4;5\n"), RETORT_TABLE_ERROR_PARSE, 3, 3 },

  /* Unterminated quotes: where the quoted field opens. */
  { "unterminated-quote.csv", TEXT ("a,b\n1,2\n3,\"abc\n4,5\n"), RETORT_TABLE_ERROR_PARSE, 3, 2 },
  { "unterminated-quote-at-end.csv", TEXT ("a,b\n1,\"x"), RETORT_TABLE_ERROR_PARSE, 2, 2 },
  { "unterminated-quote-doubled-inside.csv", TEXT ("a,b\n1,\"x\"\"y\n"), RETORT_TABLE_ERROR_PARSE, 2, 2 },
  { "unterminated-quote-in-header.csv", TEXT ("a,\"b\n1,2\n"), RETORT_TABLE_ERROR_PARSE, 1, 2 },

  /* Invalid UTF-8 and NUL bytes: the field they are in. */
  { "invalid-utf8-header.csv", TEXT ("a,b\xff\n1,2\n"), RETORT_TABLE_ERROR_ENCODING, 1, 2 },
  { "invalid-utf8-field.csv", TEXT ("a,b\n1,x\n2,ab\xc3\x28\n"), RETORT_TABLE_ERROR_ENCODING, 3, 2 },
  { "invalid-utf8-quoted-field.csv", TEXT ("a,b\n1,\"x,\xe2\x82\"\n"), RETORT_TABLE_ERROR_ENCODING, 2, 2 },
  { "invalid-utf8-quoted-multiline.csv", TEXT ("a,b\n1,\"x\ny\xff\"\n"), RETORT_TABLE_ERROR_ENCODING, 2, 2 },
  { "invalid-utf8-overlong.csv", TEXT ("a,b\n1,\xc0\xaf\n"), RETORT_TABLE_ERROR_ENCODING, 2, 2 },
  { "invalid-utf8-surrogate.csv", TEXT ("a,b\n1,\xed\xa0\x80\n"), RETORT_TABLE_ERROR_ENCODING, 2, 2 },
  { "invalid-utf8-cut-at-end.csv", TEXT ("a,b\n1,x\xe2\x82"), RETORT_TABLE_ERROR_ENCODING, 2, 2 },
  { "invalid-utf8-latin1.csv", TEXT ("name,n\ncaf\xe9,1\n"), RETORT_TABLE_ERROR_ENCODING, 2, 1 },
  { "invalid-utf8-number-column.csv", TEXT ("a,b\n1,2\n3\xff,4\n"), RETORT_TABLE_ERROR_ENCODING, 3, 1 },
  { "nul-in-field.csv", TEXT ("a,b\n1,x\0y\n"), RETORT_TABLE_ERROR_ENCODING, 2, 2 },
  { "nul-in-header.csv", TEXT ("a\0,b\n1,2\n"), RETORT_TABLE_ERROR_ENCODING, 1, 1 },
  { "nul-in-quoted-field.csv", TEXT ("a,b\n1,\"x\0\"\n"), RETORT_TABLE_ERROR_ENCODING, 2, 2 },
  { "nul-in-number-column.csv", TEXT ("a,b\n1,2\n3\0,4\n"), RETORT_TABLE_ERROR_ENCODING, 3, 1 },
  { "nul-bytes-only.csv", TEXT ("\0\0\0\0"), RETORT_TABLE_ERROR_ENCODING, 1, 1 },

  /* Nothing to read. */
  { "empty.csv", TEXT (""), RETORT_TABLE_ERROR_EMPTY, 0, 0 },
  { "blank-lines-only.csv", TEXT ("\n\n\r\n\r\r\n"), RETORT_TABLE_ERROR_EMPTY, 0, 0 },
  { "bom-only.csv", TEXT ("\xef\xbb\xbf"), RETORT_TABLE_ERROR_EMPTY, 0, 0 },
  /* pandas skips lines of spaces and tabs like blank lines. */
  { "whitespace-lines-only.csv", TEXT ("  \n\t\n \n"), RETORT_TABLE_ERROR_EMPTY, 0, 0 },
};

/* TRUE when @message contains @word followed by @number and a non-digit. */
static gboolean
mentions (const char *message,
          const char *word,
          guint       number)
{
  g_autofree char *needle = g_strdup_printf ("%s %u", word, number);

  for (const char *p = strstr (message, needle); p != NULL; p = strstr (p + 1, needle))
    if (!g_ascii_isdigit (p[strlen (needle)]))
      return TRUE;
  return FALSE;
}

static void
assert_error (const char *how,
              GError     *error,
              RetortTable *table,
              const char *file,
              int         code,
              guint       line,
              guint       column)
{
  if (table != NULL)
    {
      g_test_fail_printf ("%s (%s): no error; a table of %u columns x %" G_GSIZE_FORMAT " rows",
                          file, how, retort_table_get_n_columns (table),
                          retort_table_get_n_rows (table));
      return;
    }
  if (error == NULL)
    {
      g_test_fail_printf ("%s (%s): NULL but no GError", file, how);
      return;
    }
  g_test_message ("%s (%s): %s", file, how, error->message);
  if (!g_error_matches (error, RETORT_TABLE_ERROR, code))
    {
      g_test_fail_printf ("%s (%s): error %s:%d, expected RETORT_TABLE_ERROR:%d; message: %s",
                          file, how, g_quark_to_string (error->domain), error->code, code,
                          error->message);
      return;
    }
  if (strstr (error->message, file) == NULL)
    g_test_fail_printf ("%s (%s): the message does not name the file: %s", file, how, error->message);
  else if (line != 0 && !mentions (error->message, "line", line))
    g_test_fail_printf ("%s (%s): the message does not say \"line %u\": %s",
                        file, how, line, error->message);
  else if (column != 0 && !mentions (error->message, "column", column))
    g_test_fail_printf ("%s (%s): the message does not say \"column %u\": %s",
                        file, how, column, error->message);
}

/* Reads @path from the file and, when @data is given, from memory. */
static void
check_bad_input (const char             *path,
                 const char             *data,
                 gsize                   length,
                 const RetortCsvOptions *options,
                 int                     code,
                 guint                   line,
                 guint                   column)
{
  g_autofree char *file = g_path_get_basename (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(RetortTable) table = NULL;

  table = retort_csv_read_file (path, options, &error);
  assert_error ("retort_csv_read_file", error, table, file, code, line, column);

  if (data != NULL)
    {
      g_autoptr(GError) data_error = NULL;
      g_autoptr(RetortTable) data_table = retort_csv_read_data (data, length, file, options,
                                                                &data_error);

      assert_error ("retort_csv_read_data", data_error, data_table, file, code, line, column);
    }
}

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("retort-csv-errors-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_temp_file (const char *dir,
                  const char *path)
{
  g_unlink (path);
  g_rmdir (dir);
}

static void
write_file (const char *path,
            const char *data,
            gsize       length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, (gssize) length, &error);
  g_assert_no_error (error);
}

static void
test_bad_case (gconstpointer user_data)
{
  const BadCase *bad = user_data;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, bad->file, NULL);

  write_file (path, bad->data, bad->length);
  check_bad_input (path, bad->data, bad->length, NULL, bad->code, bad->line, bad->column);
  remove_temp_file (dir, path);
}

/* A header-only file is a table with columns and no rows. */
static void
test_header_only (void)
{
  static const char * const variants[] = { "a,b,c\n", "a,b,c", "a,b,c\r\n", "\xef\xbb\xbf" "a,b,c\n\n\n" };

  for (gsize i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RetortTable) table = retort_csv_read_data (variants[i], strlen (variants[i]),
                                                           "header-only.csv", NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (table);
      g_assert_cmpuint (retort_table_get_n_columns (table), ==, 3);
      g_assert_cmpuint (retort_table_get_n_rows (table), ==, 0);
      g_assert_cmpstr (retort_table_get_column_name (table, 0), ==, "a");
      g_assert_cmpstr (retort_table_get_column_name (table, 2), ==, "c");
      for (guint c = 0; c < 3; c++)
        g_assert_cmpint (retort_column_get_data_type (retort_table_get_column (table, c)), ==,
                         RETORT_COLUMN_TYPE_STRING);
    }
}

static void
test_nonexistent_file (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "no-such-file.csv", NULL);

  check_bad_input (path, NULL, 0, NULL, RETORT_TABLE_ERROR_IO, 0, 0);
  g_rmdir (dir);
}

static void
test_directory (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "a-directory.csv", NULL);

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  check_bad_input (path, NULL, 0, NULL, RETORT_TABLE_ERROR_IO, 0, 0);
  g_rmdir (path);
  g_rmdir (dir);
}

/* Fields beyond RetortCsvOptions.max_field_size (1 MiB here, 2 MiB fields). */
static void
test_field_too_large (gconstpointer user_data)
{
  const char *kind = user_data;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *file = g_strdup_printf ("field-too-large-%s.csv", kind);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *big = g_malloc (2 * MIB);
  RetortCsvOptions options;
  guint line = 2, column = 2;

  memset (big, 'x', 2 * MIB);
  if (g_str_equal (kind, "unquoted"))
    {
      g_string_append (text, "a,b\n1,");
      g_string_append_len (text, big, 2 * MIB);
      g_string_append (text, "\n");
    }
  else if (g_str_equal (kind, "quoted"))
    {
      /* With a doubled quote and line breaks, so not the fast path. */
      big[MIB / 2] = '\n';
      g_string_append (text, "a,b\n1,\"");
      g_string_append_len (text, big, MIB);
      g_string_append (text, "\"\"");
      g_string_append_len (text, big + MIB, MIB);
      g_string_append (text, "\"\n");
    }
  else if (g_str_equal (kind, "header"))
    {
      g_string_append_len (text, big, 2 * MIB);
      g_string_append (text, ",b\n1,2\n");
      line = 1;
      column = 1;
    }
  else if (g_str_equal (kind, "after-rows"))
    {
      for (guint i = 0; i < 1000; i++)
        g_string_append_printf (text, "%s%u,x\n", i == 0 ? "a,b\n" : "", i);
      g_string_append (text, "1000,");
      g_string_append_len (text, big, 2 * MIB);
      g_string_append (text, "\n1001,y\n");
      line = 1002;
    }
  else
    g_assert_not_reached ();

  write_file (path, text->str, text->len);
  retort_csv_options_init (&options);
  options.max_field_size = MIB;
  check_bad_input (path, text->str, text->len, &options, RETORT_TABLE_ERROR_TOO_LARGE, line, column);
  remove_temp_file (dir, path);
}

/* The soft RLIMIT_DATA is set to what the process uses now plus @extra, so
 * a reader that tries to allocate gigabytes aborts the test. */
static gboolean
limit_heap (gsize          extra,
            struct rlimit *saved)
{
#ifdef UNDER_ASAN
  return FALSE;  /* ASan's shadow memory counts as data */
#else
  g_autofree char *status = NULL;
  const char *line;
  struct rlimit limit;
  guint64 kib;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmData:")) == NULL ||
      getrlimit (RLIMIT_DATA, saved) != 0)
    return FALSE;
  kib = g_ascii_strtoull (line + strlen ("VmData:"), NULL, 10);
  limit = *saved;
  limit.rlim_cur = kib * 1024 + extra;
  if (saved->rlim_max != RLIM_INFINITY && limit.rlim_cur > saved->rlim_max)
    return FALSE;
  return setrlimit (RLIMIT_DATA, &limit) == 0;
#endif
}

/* A 2 GiB + 1 byte single line with default options: TOO_LARGE (the
 * default limit is 1 GiB), quickly and without allocating gigabytes. */
static void
test_line_of_2_gib (void)
{
  const gsize size = ((gsize) 2 << 30) + 1;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "line-of-2-gib.csv", NULL);
  g_autofree char *block = g_malloc (MIB);
  g_autoptr(GError) error = NULL;
  g_autoptr(RetortTable) table = NULL;
  struct rlimit saved;
  gboolean limited;
  gint64 start, written, read;
  int fd;

  memset (block, 'a', MIB);
  start = g_get_monotonic_time ();
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  for (gsize done = 0; done < size;)
    {
      gsize n = MIN (MIB, size - done);
      gssize w = write (fd, block, n);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        {
          int saved_errno = errno;
          close (fd);
          remove_temp_file (dir, path);
          g_test_skip_printf ("cannot write a 2 GiB file in %s: %s", dir, g_strerror (saved_errno));
          return;
        }
      done += (gsize) w;
    }
  g_assert_cmpint (close (fd), ==, 0);
  written = g_get_monotonic_time ();

  limited = limit_heap (256 * MIB, &saved);
  table = retort_csv_read_file (path, NULL, &error);
  if (limited)
    setrlimit (RLIMIT_DATA, &saved);
  read = g_get_monotonic_time ();

  g_test_message ("writing 2 GiB took %.2f s, reading %.2f s (heap limited: %s)",
                  (written - start) / 1e6, (read - written) / 1e6, limited ? "yes" : "no");
  remove_temp_file (dir, path);

  assert_error ("retort_csv_read_file", error, table, "line-of-2-gib.csv",
                RETORT_TABLE_ERROR_TOO_LARGE, 1, 1);
  g_assert_cmpint (read - written, <, 20 * G_USEC_PER_SEC);
}

/* Errors far into a file big enough to be parsed by several threads, after
 * many quoted fields with line breaks: the line must still be exact. */
static void
test_big_file (gconstpointer user_data)
{
  const char *kind = user_data;
  static const guint thread_counts[] = { 0, 1, 3, 8 };
  const guint n_rows = 60000, bad_row = 52345;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *file = g_strdup_printf ("big-%s.csv", kind);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GString) text = g_string_new ("id,note,x\n");
  guint line = 2, bad_line = 0, column = 0;
  int code;

  /* Each row takes 2 lines: its note has a line break (and looks like rows).
   * After an unterminated quote no other quote may follow. */
  for (guint row = 1; row <= n_rows; row++)
    {
      if (row == bad_row)
        {
          bad_line = line;
          if (g_str_equal (kind, "ragged"))
            g_string_append_printf (text, "%u,\"a\nb\",1.5,extra\n", row);
          else if (g_str_equal (kind, "invalid-utf8"))
            g_string_append_printf (text, "%u,\"a\nb\xff\",1.5\n", row);
          else if (g_str_equal (kind, "unterminated-quote"))
            g_string_append_printf (text, "%u,\"a\nb,1.5\n", row);
          else
            g_assert_not_reached ();
        }
      else if (row > bad_row && g_str_equal (kind, "unterminated-quote"))
        g_string_append_printf (text, "%u,plain,%u.25\n%u,plain,%u.5\n", row, row, row, row);
      else
        g_string_append_printf (text, "%u,\"note %u, \"\"quoted\"\", padded to make the file "
                                "big enough for several threads\n%u,x,%u.5\",%u.25\n",
                                row, row, row + 1, row, row);
      line += 2;
    }

  if (g_str_equal (kind, "ragged"))
    code = RETORT_TABLE_ERROR_PARSE, column = 4;
  else if (g_str_equal (kind, "invalid-utf8"))
    code = RETORT_TABLE_ERROR_ENCODING, column = 2;
  else
    code = RETORT_TABLE_ERROR_PARSE, column = 2;

  write_file (path, text->str, text->len);
  for (gsize i = 0; i < G_N_ELEMENTS (thread_counts); i++)
    {
      RetortCsvOptions options;
      g_autoptr(GError) error = NULL;
      g_autoptr(RetortTable) table = NULL;
      g_autofree char *how = g_strdup_printf ("n_threads %u", thread_counts[i]);

      retort_csv_options_init (&options);
      options.n_threads = thread_counts[i];
      table = retort_csv_read_file (path, &options, &error);
      assert_error (how, error, table, file, code, bad_line, column);
      if (g_test_failed ())
        break;
    }
  remove_temp_file (dir, path);
}

int
main (int argc, char **argv)
{
  g_autofree char **args = NULL;
  static const char * const too_large_kinds[] = { "unquoted", "quoted", "header", "after-rows" };
  static const char * const big_kinds[] = { "ragged", "invalid-utf8", "unterminated-quote" };

  /* Run every case even after a failure: each names a different problem. */
  args = g_new0 (char *, argc + 2);
  memcpy (args, argv, sizeof (char *) * (gsize) argc);
  args[argc++] = (char *) "--keep-going";
  g_test_init (&argc, &args, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/csv-errors/%s", bad_cases[i].file);
      g_test_add_data_func (name, &bad_cases[i], test_bad_case);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (too_large_kinds); i++)
    {
      g_autofree char *name = g_strdup_printf ("/csv-errors/field-too-large/%s", too_large_kinds[i]);
      g_test_add_data_func (name, too_large_kinds[i], test_field_too_large);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (big_kinds); i++)
    {
      g_autofree char *name = g_strdup_printf ("/csv-errors/big-file/%s", big_kinds[i]);
      g_test_add_data_func (name, big_kinds[i], test_big_file);
    }
  g_test_add_func ("/csv-errors/header-only-is-not-an-error", test_header_only);
  g_test_add_func ("/csv-errors/nonexistent-file", test_nonexistent_file);
  g_test_add_func ("/csv-errors/directory", test_directory);
  g_test_add_func ("/csv-errors/line-of-2-gib", test_line_of_2_gib);

  return g_test_run ();
}
