/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The script editor's language services (doc/runner-protocol.md, Language
 * services) through the client, against the real `retort-runner`
 * ($RETORT_RUNNER), in the sandbox and without it. */
#include "config.h"

#include <string.h>

#include "retort-python-lib.h"

static RetortPythonRunner *runners[2];

static RetortPythonRunner *
get_runner (gboolean sandboxed)
{
  if (runners[sandboxed] == NULL)
    {
      runners[sandboxed] = retort_python_runner_new ();
      retort_python_runner_set_sandbox_enabled (runners[sandboxed], sandboxed);
    }
  return runners[sandboxed];
}

typedef struct
{
  gboolean   done;
  GPtrArray *items;
  GError    *error;
  gint64     done_time;
} Wait;

static void
check_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Wait *wait = user_data;

  wait->items = retort_python_runner_check_finish (RETORT_PYTHON_RUNNER (object), result,
                                                   &wait->error);
  wait->done_time = g_get_monotonic_time ();
  wait->done = TRUE;
}

static void
complete_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Wait *wait = user_data;

  wait->items = retort_python_runner_complete_finish (RETORT_PYTHON_RUNNER (object), result,
                                                      &wait->error);
  wait->done_time = g_get_monotonic_time ();
  wait->done = TRUE;
}

static void
wait_done (Wait *wait)
{
  while (!wait->done)
    g_main_context_iteration (NULL, TRUE);
}

static GPtrArray *
check (RetortPythonRunner *runner,
       const char         *source)
{
  Wait wait = { 0 };

  retort_python_runner_check_async (runner, source, NULL, check_cb, &wait);
  wait_done (&wait);
  g_assert_no_error (wait.error);
  g_assert_nonnull (wait.items);
  return wait.items;
}

static GPtrArray *
complete (RetortPythonRunner *runner,
          const char         *source,
          int                 line,
          int                 column)
{
  Wait wait = { 0 };

  retort_python_runner_complete_async (runner, source, line, column, NULL, complete_cb, &wait);
  wait_done (&wait);
  g_assert_no_error (wait.error);
  g_assert_nonnull (wait.items);
  return wait.items;
}

/* The item named @text, or NULL. */
static RetortCompletionItem *
find_item (GPtrArray  *items,
           const char *text)
{
  for (guint i = 0; i < items->len; i++)
    {
      RetortCompletionItem *item = g_ptr_array_index (items, i);

      if (g_str_equal (item->text, text))
        return item;
    }
  return NULL;
}

/* Whether completing at (@line, @column) offers @text, asking again as a
 * user's next keystrokes would while jedi's first answers for pandas run
 * out of their time (it learns the library's modules as it goes). */
static gboolean
completes_to (RetortPythonRunner *runner,
              const char         *source,
              int                 line,
              int                 column,
              const char         *text)
{
  for (guint attempt = 0; attempt < 20; attempt++)
    {
      g_autoptr(GPtrArray) items = complete (runner, source, line, column);

      if (find_item (items, text) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_check_syntax_error (gconstpointer data)
{
  RetortPythonRunner *runner = get_runner (GPOINTER_TO_INT (data));
  g_autoptr(GPtrArray) issues = check (runner, "x = 1\ndef f(:\n    pass\n");
  RetortSyntaxIssue *issue;

  g_assert_cmpuint (issues->len, ==, 1);
  issue = g_ptr_array_index (issues, 0);
  g_assert_cmpint (issue->line, ==, 2);
  g_assert_cmpint (issue->column, ==, 7);
  g_assert_cmpint (issue->end_line, ==, 2);
  g_assert_cmpint (issue->end_column, >, issue->column);
  g_assert_cmpstr (issue->message, ==, "invalid syntax");
  g_assert_false (issue->warning);
}

static void
test_check_valid (gconstpointer data)
{
  RetortPythonRunner *runner = get_runner (GPOINTER_TO_INT (data));
  g_autoptr(GPtrArray) issues = check (runner,
                                       "import pandas as pd\n"
                                       "def azureml_main(dataframe1=None, dataframe2=None):\n"
                                       "    return dataframe1,\n");
  g_autoptr(GPtrArray) warnings = check (runner, "x = 1\n");
  RetortSyntaxIssue *issue;

  g_assert_cmpuint (issues->len, ==, 0);
  /* No entry point: compiles, with a warning. */
  g_assert_cmpuint (warnings->len, ==, 1);
  issue = g_ptr_array_index (warnings, 0);
  g_assert_true (issue->warning);
  g_assert_nonnull (strstr (issue->message, "azureml_main"));
}

static void
console_cb (RetortPythonRunner *runner,
            const char         *stream,
            const char         *text,
            gpointer            user_data)
{
  gboolean *started = user_data;

  if (strstr (text, "looping") != NULL)
    *started = TRUE;
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RetortScriptResult) outcome =
    retort_python_runner_run_finish (RETORT_PYTHON_RUNNER (object), result, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  *done = TRUE;
}

/* The editor keeps checking while a long script runs. */
static void
test_check_during_run (gconstpointer data)
{
  RetortPythonRunner *runner = get_runner (GPOINTER_TO_INT (data));
  g_autoptr(RetortScriptJob) job = retort_script_job_new (
    "def azureml_main():\n"
    "    print('looping', flush=True)\n"
    "    while True:\n"
    "        pass\n");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gboolean started = FALSE, run_done = FALSE;
  gulong handler;

  handler = g_signal_connect (runner, "console", G_CALLBACK (console_cb), &started);
  retort_python_runner_run_async (runner, job, cancellable, run_cb, &run_done);
  while (!started)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < 3; i++)
    {
      Wait checked = { 0 }, completed = { 0 };
      gint64 start = g_get_monotonic_time ();

      retort_python_runner_check_async (runner, "def f(:\n", NULL, check_cb, &checked);
      retort_python_runner_complete_async (runner, "import numpy as np\nnp.ar", 2, 6, NULL,
                                           complete_cb, &completed);
      wait_done (&checked);
      wait_done (&completed);
      g_assert_no_error (checked.error);
      g_assert_no_error (completed.error);
      g_assert_cmpuint (checked.items->len, ==, 1);
      g_assert_nonnull (find_item (completed.items, "arange"));
      g_assert_cmpint (checked.done_time - start, <, G_USEC_PER_SEC);
      g_assert_cmpint (completed.done_time - start, <, G_USEC_PER_SEC);
      g_ptr_array_unref (checked.items);
      g_ptr_array_unref (completed.items);
    }
  g_assert_false (run_done);

  g_cancellable_cancel (cancellable);
  while (!run_done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (runner, handler);
}

static void
test_complete (gconstpointer data)
{
  RetortPythonRunner *runner = get_runner (GPOINTER_TO_INT (data));
  g_autoptr(GPtrArray) numpy = complete (runner, "import numpy as np\nnp.ar", 2, 6);
  g_autoptr(GPtrArray) builtin = complete (runner, "pri", 1, 4);
  g_autoptr(GPtrArray) keyword = complete (runner, "imp", 1, 4);
  g_autoptr(GPtrArray) defined = complete (runner, "my_value = 3\nx = my_", 2, 8);
  g_autoptr(GPtrArray) frame = complete (runner,
                                         "def azureml_main(dataframe1=None):\n"
                                         "    df = dataframe1\n"
                                         "    df.grou", 3, 12);
  /* The inputs themselves are known to be DataFrames. */
  g_autoptr(GPtrArray) input = complete (runner,
                                         "def azureml_main(dataframe1=None, dataframe2=None):\n"
                                         "    dataframe2.grou", 2, 20);
  RetortCompletionItem *item;

  g_assert_nonnull (find_item (numpy, "array"));
  g_assert_nonnull (find_item (numpy, "arange"));
  g_assert_null (find_item (numpy, "print"));
  item = find_item (builtin, "print");
  g_assert_nonnull (item);
  g_assert_cmpstr (item->kind, ==, "function");
  item = find_item (keyword, "import");
  g_assert_nonnull (item);
  g_assert_cmpstr (item->kind, ==, "keyword");
  g_assert_nonnull (find_item (defined, "my_value"));
  /* A name bound to an input is a DataFrame too. */
  g_assert_nonnull (find_item (frame, "groupby"));
  g_assert_cmpuint (frame->len, <=, 200);
  g_assert_nonnull (find_item (input, "groupby"));
}

/* What scripts make of the inputs: jedi is told they are DataFrames, so a
 * copy, a groupby's result are known; a column of an input is a Series. */
static void
test_complete_derived (gconstpointer data)
{
  RetortPythonRunner *runner = get_runner (GPOINTER_TO_INT (data));
  const char *script = "import pandas as pd\n"
                       "def azureml_main(dataframe1=None, dataframe2=None):\n"
                       "    df = dataframe1.copy()\n"
                       "    by_age = df.groupby(\"Age\")\n"
                       "    df.grou\n"
                       "    by_age.me\n"
                       "    dataframe1[\"Glucose\"].ro\n"
                       "    return df\n";
  g_autoptr(GPtrArray) column = complete (runner, script, 7, 29);

  /* The column needs no inference: the first answer has it. */
  g_assert_nonnull (find_item (column, "round"));
  g_assert_nonnull (find_item (column, "rolling"));
  g_assert_null (find_item (column, "groupby"));
  g_assert_true (completes_to (runner, script, 5, 12, "groupby"));
  g_assert_true (completes_to (runner, script, 6, 14, "mean"));
}

/* Without jedi (RETORT_RUNNER_NO_JEDI=1 in the runner's environment). */
static void
test_complete_fallback (gconstpointer data)
{
  g_autoptr(RetortPythonRunner) runner = retort_python_runner_new ();
  g_autoptr(GPtrArray) numpy = NULL;
  g_autoptr(GPtrArray) builtin = NULL;
  g_autoptr(GPtrArray) keyword = NULL;
  g_autoptr(GPtrArray) defined = NULL;
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(GPtrArray) input = NULL;

  retort_python_runner_set_sandbox_enabled (runner, GPOINTER_TO_INT (data));
  g_setenv ("RETORT_RUNNER_NO_JEDI", "1", TRUE);
  numpy = complete (runner, "import numpy as np\nx = np.ar", 2, 10);
  g_unsetenv ("RETORT_RUNNER_NO_JEDI");
  input = complete (runner, "def azureml_main(dataframe1=None):\n    dataframe1.me", 2, 18);
  builtin = complete (runner, "pri", 1, 4);
  keyword = complete (runner, "imp", 1, 4);
  defined = complete (runner, "def helper(a):\n    return a\nhel", 3, 4);
  issues = check (runner, "def f(:\n");

  g_assert_nonnull (find_item (numpy, "array"));
  g_assert_nonnull (find_item (numpy, "arange"));
  g_assert_cmpstr (find_item (builtin, "print")->kind, ==, "function");
  g_assert_cmpstr (find_item (keyword, "import")->kind, ==, "keyword");
  g_assert_cmpstr (find_item (defined, "helper")->kind, ==, "function");
  g_assert_cmpuint (issues->len, ==, 1);
  g_assert_nonnull (find_item (input, "mean"));
  g_assert_nonnull (find_item (input, "merge"));
}

static void
test_huge_source (gconstpointer data)
{
  RetortPythonRunner *runner = get_runner (GPOINTER_TO_INT (data));
  g_autoptr(GString) source = g_string_new ("import numpy as np\n");
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(GPtrArray) items = NULL;
  gint64 start;
  guint lines = 1;

  while (source->len < 1024 * 1024)
    {
      g_string_append_printf (source, "value_%u = np.sum([%u, 2, 3])  # some padding text\n",
                              lines, lines);
      lines++;
    }
  g_string_append (source, "np.ar");

  start = g_get_monotonic_time ();
  issues = check (runner, source->str);
  items = complete (runner, source->str, lines + 1, 6);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_nonnull (find_item (items, "arange"));
  /* Not checked as typed: one warning says so. */
  g_assert_cmpuint (issues->len, ==, 1);
  g_assert_true (((RetortSyntaxIssue *) g_ptr_array_index (issues, 0))->warning);
}

/* Several in flight; a cancelled one completes at once, and its late
 * answer does not disturb the others. */
static void
test_cancel_and_many (gconstpointer data)
{
  RetortPythonRunner *runner = get_runner (GPOINTER_TO_INT (data));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Wait cancelled = { 0 };
  Wait waits[6] = { 0 };

  retort_python_runner_complete_async (runner, "import numpy as np\nnp.", 2, 4, cancellable,
                                       complete_cb, &cancelled);
  for (guint i = 0; i < G_N_ELEMENTS (waits); i++)
    {
      g_autofree char *source = g_strdup_printf ("x = 1\n%*sdef f(:\n", (int) i, "");

      retort_python_runner_check_async (runner, source, NULL, check_cb, &waits[i]);
    }
  g_cancellable_cancel (cancellable);
  wait_done (&cancelled);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (cancelled.items);
  g_clear_error (&cancelled.error);

  for (guint i = 0; i < G_N_ELEMENTS (waits); i++)
    {
      RetortSyntaxIssue *issue;

      wait_done (&waits[i]);
      g_assert_no_error (waits[i].error);
      g_assert_cmpuint (waits[i].items->len, >=, 1);
      issue = g_ptr_array_index (waits[i].items, 0);
      g_assert_cmpint (issue->line, ==, 2);
      g_ptr_array_unref (waits[i].items);
    }
}

static gboolean
have_bwrap (void)
{
  g_autofree char *bwrap = g_find_program_in_path ("bwrap");

  return bwrap != NULL;
}

static void
add_both (const char    *name,
          GTestDataFunc  func)
{
  g_autofree char *sandboxed = g_strdup_printf ("/language/sandboxed/%s", name);
  g_autofree char *unsandboxed = g_strdup_printf ("/language/unsandboxed/%s", name);

  if (have_bwrap ())
    g_test_add_data_func (sandboxed, GINT_TO_POINTER (TRUE), func);
  g_test_add_data_func (unsandboxed, GINT_TO_POINTER (FALSE), func);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("RETORT_RUNNER") == NULL)
    {
      g_printerr ("RETORT_RUNNER must name the retort-runner to test\n");
      return 1;
    }
  g_unsetenv ("RETORT_NO_SANDBOX");
  g_unsetenv ("RETORT_RUNNER_NO_JEDI");

  add_both ("check-syntax-error", test_check_syntax_error);
  add_both ("check-valid", test_check_valid);
  add_both ("check-during-run", test_check_during_run);
  add_both ("complete", test_complete);
  add_both ("complete-derived", test_complete_derived);
  add_both ("complete-fallback", test_complete_fallback);
  add_both ("huge-source", test_huge_source);
  add_both ("cancel-and-many", test_cancel_and_many);

  status = g_test_run ();
  for (guint i = 0; i < G_N_ELEMENTS (runners); i++)
    g_clear_object (&runners[i]);
  return status;
}
