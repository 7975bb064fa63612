/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV import throughput and memory, ours against pandas.read_csv.
 *
 *   bench-csv-import [--quick]
 *
 * The input files are generated once (deterministically) and cached in
 * RETORT_BENCH_CACHE_DIR, bench/.cache/ of the source tree by default. */
#define G_LOG_DOMAIN "retort-bench"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "retort-table-lib.h"

#define OUR_REPEATS    3
#define PANDAS_REPEATS 2
#define MB             1e6

/* Targets from the import issue. */
#define TARGET_ONE_THREAD   4.0
#define TARGET_ALL_THREADS  6.0
#define TARGET_MEMORY       1.5

/* Percentages of 17-digit floats and of floats with an exponent. */
#define MIXED_FULL  70
#define MIXED_EXP   20
#define FLOATS_FULL 70
#define FLOATS_EXP  20

typedef struct
{
  guint64 state;
} Rng;

/* splitmix64: tiny, fast, and the same sequence everywhere. */
static guint64
rng_next (Rng *rng)
{
  guint64 z = (rng->state += 0x9e3779b97f4a7c15ull);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static guint
rng_below (Rng   *rng,
           guint  n)
{
  return (guint) (rng_next (rng) % n);
}

static void
append_digits (GString *out,
               Rng     *rng,
               guint    n_digits,
               gboolean nonzero_first)
{
  for (guint i = 0; i < n_digits; i++)
    g_string_append_c (out, (char) ('0' + (i == 0 && nonzero_first ? 1 + rng_below (rng, 9)
                                                                     : rng_below (rng, 10))));
}

/* Floats as people's CSV files have them: "1234.5", "12.3456789",
 * "0.000123", and full round-trip precision as Python and R export them,
 * "-0.12345678901234567" or "1.2345678901234567e-05". */
static void
append_float (GString *out,
              Rng     *rng,
              guint    full_precision_percent,
              guint    exponent_percent)
{
  guint style = rng_below (rng, 100);
  guint int_digits = rng_below (rng, 5);

  if (rng_below (rng, 4) == 0)
    g_string_append_c (out, '-');

  if (style < exponent_percent)
    {
      append_digits (out, rng, 1, TRUE);
      g_string_append_c (out, '.');
      append_digits (out, rng, 16, FALSE);
      g_string_append_printf (out, "e%c%02u", rng_below (rng, 2) ? '-' : '+',
                              5 + rng_below (rng, 15));
    }
  else if (style < exponent_percent + full_precision_percent)
    {
      /* 17 significant digits. */
      if (int_digits == 0)
        {
          g_string_append (out, rng_below (rng, 2) ? "0.0" : "0.");
          append_digits (out, rng, 17, TRUE);
        }
      else
        {
          append_digits (out, rng, int_digits, TRUE);
          g_string_append_c (out, '.');
          append_digits (out, rng, 17 - int_digits, FALSE);
        }
    }
  else if (rng_below (rng, 4) == 0)
    {
      /* Small: 0.000123 */
      g_string_append (out, "0.");
      append_digits (out, rng, 1 + rng_below (rng, 4), FALSE);
      append_digits (out, rng, 1 + rng_below (rng, 4), TRUE);
    }
  else
    {
      /* 1234.5, 12.3456789 */
      if (int_digits == 0)
        g_string_append_c (out, '0');
      else
        append_digits (out, rng, int_digits, TRUE);
      g_string_append_c (out, '.');
      append_digits (out, rng, 1 + rng_below (rng, 8), FALSE);
    }
}

static const char *words[] = {
  "red", "green", "cerulean", "amber", "vermilion", "ochre", "slate", "plum",
  "north", "south-east", "north-west", "west", "A12", "B7", "C301", "yes", "no",
  "pending", "shipped", "returned", "cancelled",
};

static const char mixed_header[] = "f1,f2,f3,f4,f5,f6,count,id,colour,region\n";

/* 6 float64 (~1% missing), 2 int64, 2 short strings. */
static void
append_mixed_row (GString *out,
                  Rng     *rng)
{
  for (guint i = 0; i < 6; i++)
    {
      if (rng_below (rng, 100) != 0)
        append_float (out, rng, MIXED_FULL, MIXED_EXP);
      g_string_append_c (out, ',');
    }

  g_string_append_printf (out, "%u,%" G_GINT64_FORMAT ",%s,%s\n",
                          rng_below (rng, 1000),
                          (gint64) (rng_next (rng) % 100000000000ull) - 1000000000,
                          words[rng_below (rng, G_N_ELEMENTS (words))],
                          words[rng_below (rng, G_N_ELEMENTS (words))]);
}

static const char floats_header[] = "x,y,z,w\n";

/* 4 float64, no missing values. */
static void
append_floats_row (GString *out,
                   Rng     *rng)
{
  for (guint i = 0; i < 4; i++)
    {
      append_float (out, rng, FLOATS_FULL, FLOATS_EXP);
      g_string_append_c (out, i < 3 ? ',' : '\n');
    }
}

typedef struct
{
  const char *file_name;
  const char *description;
  const char *header;
  gsize       n_rows;
  guint       n_columns;
  void      (*append_row) (GString *out,
                           Rng     *rng);
} Dataset;

static const Dataset datasets[] = {
  { "mixed-1m.csv", "1M rows x 10 columns: 6 float64 (~1% missing), 2 int64, 2 string",
    mixed_header, 1000000, 10, append_mixed_row },
  { "floats-10m.csv", "10M rows x 4 float64",
    floats_header, 10000000, 4, append_floats_row },
};

static char *
cache_dir (void)
{
  const char *dir = g_getenv ("RETORT_BENCH_CACHE_DIR");

  return g_strdup (dir != NULL && *dir != '\0' ? dir : RETORT_BENCH_DEFAULT_CACHE_DIR);
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length,
           GError     **error)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "write: %s", g_strerror (saved_errno));
          return FALSE;
        }
      data += n;
      length -= (gsize) n;
    }

  return TRUE;
}

/* The path of the dataset's file, generated on first use. */
static char *
ensure_dataset (const Dataset  *dataset,
                GError        **error)
{
  g_autofree char *dir = cache_dir ();
  g_autofree char *path = g_build_filename (dir, dataset->file_name, NULL);
  g_autofree char *partial = g_strconcat (path, ".partial", NULL);
  g_autoptr(GString) chunk = NULL;
  Rng rng = { 0x5eed0000u + dataset->n_columns };
  int fd;

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&path);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create %s: %s", dir, g_strerror (saved_errno));
      return NULL;
    }

  g_printerr ("generating %s (once)...\n", path);
  fd = g_open (partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create %s: %s", partial, g_strerror (saved_errno));
      return NULL;
    }

  chunk = g_string_sized_new (1 << 23);
  g_string_append (chunk, dataset->header);
  for (gsize row = 0; row < dataset->n_rows; row++)
    {
      dataset->append_row (chunk, &rng);
      if (chunk->len > (1 << 23) - 4096 || row + 1 == dataset->n_rows)
        {
          if (!write_all (fd, chunk->str, chunk->len, error))
            {
              close (fd);
              return NULL;
            }
          g_string_truncate (chunk, 0);
        }
    }

  /* Only a complete file gets the real name. */
  if (close (fd) != 0 || g_rename (partial, path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot write %s: %s", path, g_strerror (saved_errno));
      return NULL;
    }

  return g_steal_pointer (&path);
}

/* Reads the file once so every timing starts with it in the page cache. */
static goffset
warm_page_cache (const char *path)
{
  static char buffer[1 << 20];
  goffset total = 0;
  gssize n;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    g_error ("cannot open %s: %s", path, g_strerror (errno));
  while ((n = read (fd, buffer, sizeof buffer)) > 0)
    total += n;
  close (fd);

  return total;
}

static RetortTable *
import (const char  *path,
        guint        n_threads,
        GError     **error)
{
  RetortCsvOptions options;

  retort_csv_options_init (&options);
  options.n_threads = n_threads;

  return retort_csv_read_file (path, &options, error);
}

/* Best wall time of a few imports, in seconds. */
static double
time_ours (const Dataset *dataset,
           const char    *path,
           guint          n_threads)
{
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < OUR_REPEATS; i++)
    {
      g_autoptr(RetortTable) table = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      table = import (path, n_threads, &error);
      best = MIN (best, (g_get_monotonic_time () - start) / 1e6);

      if (table == NULL)
        g_error ("import of %s failed: %s", path, error->message);
      if (retort_table_get_n_rows (table) != dataset->n_rows ||
          retort_table_get_n_columns (table) != dataset->n_columns)
        g_error ("%s read as %" G_GSIZE_FORMAT " x %u, expected %" G_GSIZE_FORMAT " x %u", path,
                 retort_table_get_n_rows (table), retort_table_get_n_columns (table),
                 dataset->n_rows, dataset->n_columns);
    }

  return best;
}

/* Best wall time of pandas.read_csv, measured inside Python (the import of
 * pandas itself is not counted). */
static double
time_pandas (const Dataset *dataset,
             const char    *path,
             const char    *precision)
{
  g_autofree char *repeats = g_strdup_printf ("%d", PANDAS_REPEATS);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) fields = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              RETORT_BENCH_PYTHON, RETORT_BENCH_PANDAS_SCRIPT, path, repeats,
                              precision, NULL);
  if (process == NULL || !g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error))
    g_error ("cannot run %s: %s", RETORT_BENCH_PYTHON, error->message);
  if (!g_subprocess_get_successful (process))
    g_error ("pandas failed on %s", path);

  /* "SECONDS ROWS" */
  fields = g_strsplit (g_strstrip (out), " ", 2);
  if (g_strv_length (fields) != 2 ||
      g_ascii_strtoull (fields[1], NULL, 10) != dataset->n_rows)
    g_error ("unexpected output of the pandas script: %s", out);

  return g_ascii_strtod (fields[0], NULL);
}

/* Peak resident memory, in bytes, of a process that only imports @path:
 * this program run again with --import-only. */
static double
peak_memory (const char *path,
             guint       n_threads)
{
  g_autofree char *threads = g_strdup_printf ("%u", n_threads);
  char *argv[] = { "/proc/self/exe", "--import-only", (char *) path, threads, NULL };
  struct rusage usage;
  int status;
  pid_t pid;

  fflush (stdout);
  pid = fork ();
  if (pid < 0)
    g_error ("fork: %s", g_strerror (errno));
  if (pid == 0)
    {
      execv (argv[0], argv);
      _exit (127);
    }

  /* wait4, not RUSAGE_CHILDREN: that is the maximum over every child so far,
   * pandas' included. */
  while (wait4 (pid, &status, 0, &usage) < 0)
    {
      if (errno != EINTR)
        g_error ("wait4: %s", g_strerror (errno));
    }
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("the --import-only child failed on %s", path);

  return usage.ru_maxrss * 1024.0;
}

static int
import_only (const char *path,
             const char *threads)
{
  g_autoptr(RetortTable) table = NULL;
  g_autoptr(GError) error = NULL;

  table = import (path, (guint) g_ascii_strtoull (threads, NULL, 10), &error);
  if (table == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  return 0;
}

static void
print_speed (const char *label,
             double      seconds,
             double      size,
             double      pandas_seconds,
             double      target)
{
  g_autofree char *target_text = target > 0 ? g_strdup_printf ("(target >= %.0fx)", target)
                                             : g_strdup ("");
  g_autofree char *line = g_strdup_printf ("  %-22s %8.3f s  %8.1f MB/s  %8.2fx  %s",
                                           label, seconds, size / MB / seconds,
                                           pandas_seconds / seconds, target_text);

  g_print ("%s\n", g_strchomp (line));
}

static void
print_memory (const char *label,
              double      peak,
              double      size)
{
  g_print ("  %-22s %8.1f MB   %8.2fx file size (target <= %.1fx)\n",
           label, peak / MB, peak / size, TARGET_MEMORY);
}

static void
bench_dataset (const Dataset *dataset)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = ensure_dataset (dataset, &error);
  guint n_cores = g_get_num_processors ();
  g_autofree char *all_label = g_strdup_printf ("retort, %u threads", n_cores);
  g_autofree char *all_memory_label = g_strdup_printf ("peak RSS, %u threads", n_cores);
  double size, one, all, pandas, pandas_default;

  if (path == NULL)
    g_error ("%s", error->message);

  size = (double) warm_page_cache (path);
  g_print ("\n%s\n  %s, %.1f MB\n", path, dataset->description, size / MB);
  g_print ("  %-22s %10s  %13s  %9s\n", "", "time", "throughput", "speedup");

  one = time_ours (dataset, path, 1);
  all = time_ours (dataset, path, 0);
  pandas = time_pandas (dataset, path, "round_trip");
  pandas_default = time_pandas (dataset, path, "default");

  print_speed ("retort, 1 thread", one, size, pandas, TARGET_ONE_THREAD);
  print_speed (all_label, all, size, pandas, TARGET_ALL_THREADS);
  print_speed ("pandas.read_csv", pandas, size, pandas, 0);
  print_speed ("pandas, default floats", pandas_default, size, pandas, 0);
  g_print ("  against pandas' default (not correctly rounded) float parser: %.2fx on 1 thread, "
           "%.2fx on %u\n", pandas_default / one, pandas_default / all, n_cores);
  print_memory ("peak RSS, 1 thread", peak_memory (path, 1), size);
  print_memory (all_memory_label, peak_memory (path, 0), size);
}

int
main (int   argc,
      char *argv[])
{
  gboolean quick = FALSE;

  if (argc == 4 && g_str_equal (argv[1], "--import-only"))
    return import_only (argv[2], argv[3]);

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--quick"))
        quick = TRUE;
      else
        {
          g_printerr ("Usage: %s [--quick]\n", argv[0]);
          return 2;
        }
    }

  g_print ("CSV import: retort_csv_read_file (type inference) against\n"
           "pandas.read_csv(float_precision=\"round_trip\") via %s.\n"
           "%u cores; files in the page cache; best of %d (pandas: best of %d); MB = 10^6 bytes.\n",
           RETORT_BENCH_PYTHON, g_get_num_processors (), OUR_REPEATS, PANDAS_REPEATS);

  for (guint i = 0; i < (quick ? 1 : G_N_ELEMENTS (datasets)); i++)
    bench_dataset (&datasets[i]);

  return 0;
}
