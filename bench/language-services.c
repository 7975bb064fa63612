/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The script editor's language services through the real client and
 * runner (doc/runner-protocol.md, Language services): milliseconds per
 * `check` and per `complete` on a 200-line script, median and 95th
 * percentile, with jedi and with the fallback (RETORT_RUNNER_NO_JEDI=1).
 * The first answer is printed apart (jedi cold), then the runner is left
 * idle long enough to warm jedi up, as the editor's runner usually is. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "retort-python-lib.h"

#define ROUNDS 60

typedef struct
{
  gboolean   done;
  GPtrArray *items;
  GError    *error;
} Wait;

static void
check_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  wait->items = retort_python_runner_check_finish (RETORT_PYTHON_RUNNER (source), result,
                                                   &wait->error);
  wait->done = TRUE;
}

static void
complete_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  wait->items = retort_python_runner_complete_finish (RETORT_PYTHON_RUNNER (source), result,
                                                      &wait->error);
  wait->done = TRUE;
}

/* One request, in milliseconds. */
static double
ask (RetortPythonRunner *runner,
     gboolean            is_check,
     const char         *source,
     int                 line,
     int                 column)
{
  Wait wait = { 0 };
  gint64 start = g_get_monotonic_time ();

  if (is_check)
    retort_python_runner_check_async (runner, source, NULL, check_done, &wait);
  else
    retort_python_runner_complete_async (runner, source, line, column, NULL, complete_done, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  if (wait.error != NULL)
    g_error ("the request failed: %s", wait.error->message);
  g_ptr_array_unref (wait.items);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
report (const char *what, double *times, guint n)
{
  qsort (times, n, sizeof *times, compare_doubles);
  g_print ("  %-28s median %7.1f ms   p95 %7.1f ms\n", what, times[n / 2], times[n * 95 / 100]);
}

static void
idle (guint seconds)
{
  gint64 until = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
}

static void
bench (const char *name, gboolean with_jedi, const char *source, int lines)
{
  g_autoptr(RetortPythonRunner) runner = retort_python_runner_new ();
  /* The cursor after `np.`, `df.`, a builtin's prefix and a local's. */
  static const char * const tails[] = { "np.ar", "df.", "pri", "value_1" };
  double checks[ROUNDS], completions[ROUNDS];
  double first;

  /* The build tree's runner, unless told otherwise. */
  retort_python_runner_set_program (runner, g_getenv ("RETORT_BENCH_RUNNER") != NULL
                                            ? g_getenv ("RETORT_BENCH_RUNNER")
                                            : RETORT_BENCH_RUNNER);
  if (!with_jedi)
    g_setenv ("RETORT_RUNNER_NO_JEDI", "1", TRUE);
  ask (runner, TRUE, "x = 1\n", 0, 0);  /* starts the runner */
  g_unsetenv ("RETORT_RUNNER_NO_JEDI");

  first = ask (runner, FALSE, source, lines, 10);  /* after "    np.ar" */
  g_print ("%s: first completion (cold) %.1f ms\n", name, first);
  idle (12);

  for (guint i = 0; i < ROUNDS; i++)
    checks[i] = ask (runner, TRUE, source, 0, 0);
  for (guint i = 0; i < ROUNDS; i++)
    {
      g_autofree char *edited = g_strdup_printf ("%s\n    %s", source, tails[i % G_N_ELEMENTS (tails)]);

      completions[i] = ask (runner, FALSE, edited, lines + 1,
                            5 + (int) strlen (tails[i % G_N_ELEMENTS (tails)]));
    }
  report ("check", checks, ROUNDS);
  /* Per tail too: one slow kind of name would hide in the p95. */
  for (guint t = 0; t < G_N_ELEMENTS (tails); t++)
    {
      double times[ROUNDS];
      guint n = 0;
      g_autofree char *label = g_strdup_printf ("complete after \"%s\"", tails[t]);

      for (guint i = t; i < ROUNDS; i += G_N_ELEMENTS (tails))
        times[n++] = completions[i];
      report (label, times, n);
    }
  report ("complete", completions, ROUNDS);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GString) source = g_string_new ("import numpy as np\nimport pandas as pd\n"
                                            "import matplotlib.pyplot as plt\n\n"
                                            "def azureml_main(dataframe1=None, dataframe2=None):\n"
                                            "    df = pd.DataFrame(dataframe1)\n");
  int lines = 6;

  while (lines < 200)
    {
      g_string_append_printf (source, "    value_%d = np.sum(df.iloc[:, 0]) * %d  # step %d\n",
                              lines, lines, lines);
      lines++;
    }
  g_string_append (source, "    np.ar");
  lines++;

  bench ("jedi", TRUE, source->str, lines);
  bench ("fallback", FALSE, source->str, lines);
  return 0;
}
