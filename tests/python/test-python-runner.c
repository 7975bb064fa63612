/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Execute Python Script contract (DESIGN.md §3), end to end: the
 * client in src/python/ driving the real `retort-runner` ($RETORT_RUNNER),
 * once in the bubblewrap sandbox and once without it. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <zip.h>

#include <glib/gstdio.h>

#include "retort-python-lib.h"
#include "retort-table-lib.h"
#include "../common/retort-test-tables.h"

/* Each test runs in both modes; the runners are shared (warm), as in the app. */
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
  gboolean            done;
  RetortScriptResult *result;
  GError             *error;
  gint64              done_time;
} Wait;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = retort_python_runner_run_finish (RETORT_PYTHON_RUNNER (object), result,
                                                  &wait->error);
  wait->done_time = g_get_monotonic_time ();
  wait->done = TRUE;
}

static RetortScriptResult *
run_job_full (RetortPythonRunner  *runner,
              RetortScriptJob     *job,
              GCancellable        *cancellable,
              gint64              *done_time,
              GError             **error)
{
  Wait wait = { 0 };

  retort_python_runner_run_async (runner, job, cancellable, run_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);

  if (done_time != NULL)
    *done_time = wait.done_time;
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);

  return wait.result;
}

static RetortTable *
table_from_csv (const char *csv)
{
  g_autoptr(GError) error = NULL;
  RetortTable *table = retort_csv_read_data (csv, strlen (csv), "test.csv", NULL, &error);

  g_assert_no_error (error);
  return table;
}

/* Runs @script and expects success. */
static RetortScriptResult *
run_ok (gboolean     sandboxed,
        const char  *script,
        RetortTable *in1,
        RetortTable *in2)
{
  g_autoptr(RetortScriptJob) job = retort_script_job_new (script);
  g_autoptr(GError) error = NULL;
  RetortScriptResult *result;

  retort_script_job_set_input (job, 1, in1);
  retort_script_job_set_input (job, 2, in2);
  result = run_job_full (get_runner (sandboxed), job, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  if (retort_script_result_get_failed (result))
    {
      g_autofree char *report = retort_script_result_format_error (result);

      g_error ("the script failed:\n%s\nconsole:\n%s", report, retort_script_result_get_console (result));
    }

  return result;
}

/* Runs @script and expects a script failure with @code. */
static RetortScriptResult *
run_failing (gboolean         sandboxed,
             RetortScriptJob *job,
             int              code)
{
  g_autoptr(GError) error = NULL;
  RetortScriptResult *result = run_job_full (get_runner (sandboxed), job, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_true (retort_script_result_get_failed (result));
  g_assert_error (retort_script_result_get_error (result), RETORT_PYTHON_ERROR, code);

  return result;
}

static RetortScriptResult *
run_failing_script (gboolean    sandboxed,
                    const char *script,
                    int         code)
{
  g_autoptr(RetortScriptJob) job = retort_script_job_new (script);

  return run_failing (sandboxed, job, code);
}

/* The text of a cell. */
static char *
cell (RetortTable *table,
      const char  *column,
      gsize        row)
{
  int index = retort_table_find_column (table, column);

  g_assert_cmpint (index, >=, 0);
  return retort_table_dup_cell_text (table, row, index);
}

static void
assert_cell (RetortTable *table,
             const char  *column,
             gsize        row,
             const char  *expected)
{
  g_autofree char *text = cell (table, column, row);

  g_assert_cmpstr (text, ==, expected);
}

/* Scripts answer with a one-row frame of verdict columns: every one "ok". */
static void
assert_verdicts (RetortScriptResult *result)
{
  RetortTable *table = retort_script_result_get_table (result);

  g_assert_cmpuint (retort_table_get_n_rows (table), ==, 1);
  g_assert_cmpuint (retort_table_get_n_columns (table), >, 0);
  for (guint i = 0; i < retort_table_get_n_columns (table); i++)
    {
      g_autofree char *text = retort_table_dup_cell_text (table, 0, i);

      if (g_strcmp0 (text, "ok") != 0)
        g_error ("check “%s” failed: %s\nconsole:\n%s", retort_table_get_column_name (table, i),
                 text, retort_script_result_get_console (result));
    }
}

static void
run_simple (gboolean sandboxed)
{
  g_autoptr(RetortScriptResult) result =
    run_ok (sandboxed, "import pandas as pd\ndef azureml_main():\n    return pd.DataFrame({'x': [1]}),\n",
            NULL, NULL);

  assert_cell (retort_script_result_get_table (result), "x", 0, "1");
}

/* Positional mapping ------------------------------------------------------ */

static void
test_positional (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autoptr(RetortTable) a = table_from_csv ("a\n1\n2\n");
  g_autoptr(RetortTable) b = table_from_csv ("b\nx\ny\nz\n");
  const char *script =
    "import pandas as pd\n"
    "def azureml_main(dataframe1=None, dataframe2=None):\n"
    "    v = {}\n"
    "    v['first'] = 'ok' if list(dataframe1.columns) == [EXPECTED] else repr(dataframe1)\n"
    "    v['second'] = 'ok' if (dataframe2 is None) == SECOND_NONE else repr(dataframe2)\n"
    "    v['index'] = 'ok' if isinstance(dataframe1.index, pd.RangeIndex) and dataframe1.index.dtype == 'int64' else repr(dataframe1.index)\n"
    "    return pd.DataFrame({k: [x] for k, x in v.items()}),\n";
  g_autofree char *only2 = NULL;
  g_autofree char *both = NULL;
  g_autoptr(RetortScriptResult) r1 = NULL;
  g_autoptr(RetortScriptResult) r2 = NULL;
  g_autoptr(RetortScriptResult) r3 = NULL;

  /* Only port 2 connected: it is dataframe1, dataframe2 keeps its default. */
  only2 = g_strjoin ("", "EXPECTED = 'b'\nSECOND_NONE = True\n", script, NULL);
  r1 = run_ok (sandboxed, only2, NULL, b);
  assert_verdicts (r1);

  both = g_strjoin ("", "EXPECTED = 'a'\nSECOND_NONE = False\n", script, NULL);
  r2 = run_ok (sandboxed, both, a, b);
  assert_verdicts (r2);

  /* Nothing connected: both None. */
  r3 = run_ok (sandboxed,
               "import pandas as pd\n"
               "def azureml_main(dataframe1=None, dataframe2=None):\n"
               "    return pd.DataFrame({'v': ['ok' if dataframe1 is None and dataframe2 is None else 'no']}),\n",
               NULL, NULL);
  assert_verdicts (r3);
}

static void
test_parameters (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autoptr(RetortTable) a = table_from_csv ("a\n1\n2\n");
  g_autoptr(RetortScriptResult) r0 = NULL;
  g_autoptr(RetortScriptResult) r1 = NULL;
  g_autoptr(RetortScriptResult) r2 = NULL;
  g_autoptr(RetortScriptResult) missing = NULL;

  r0 = run_ok (sandboxed, "import pandas as pd\ndef azureml_main():\n    return pd.DataFrame({'v': ['ok']}),\n",
               NULL, NULL);
  assert_verdicts (r0);

  r1 = run_ok (sandboxed, "import pandas as pd\ndef azureml_main(df):\n"
               "    return pd.DataFrame({'v': ['ok' if df['a'].tolist() == [1, 2] else 'no']}),\n",
               a, NULL);
  assert_verdicts (r1);

  r2 = run_ok (sandboxed, "import pandas as pd\ndef azureml_main(x, y=None):\n"
               "    return pd.DataFrame({'v': ['ok' if len(x) == 2 and y is None else 'no']}),\n",
               a, NULL);
  assert_verdicts (r2);

  missing = run_failing_script (sandboxed, "x = 1\n", RETORT_PYTHON_ERROR_CONTRACT);
  g_assert_nonnull (strstr (retort_script_result_get_error (missing)->message, "azureml_main"));
}

/* Return rules ------------------------------------------------------------ */

static void
assert_returns_x (gboolean    sandboxed,
                  const char *return_expression)
{
  g_autofree char *script = g_strdup_printf ("import numpy as np\nimport pandas as pd\n"
                                             "def azureml_main():\n"
                                             "    df = pd.DataFrame({'x': [7, 8]})\n"
                                             "    return %s\n", return_expression);
  g_autoptr(RetortScriptResult) result = run_ok (sandboxed, script, NULL, NULL);
  RetortTable *table = retort_script_result_get_table (result);

  g_test_message ("return %s", return_expression);
  g_assert_cmpuint (retort_table_get_n_rows (table), ==, 2);
  assert_cell (table, "x", 1, "8");
}

static void
assert_returns_empty (gboolean    sandboxed,
                      const char *return_expression)
{
  g_autofree char *script = g_strdup_printf ("import pandas as pd\ndef azureml_main():\n"
                                             "    return %s\n", return_expression);
  g_autoptr(RetortScriptResult) result = run_ok (sandboxed, script, NULL, NULL);
  RetortTable *table = retort_script_result_get_table (result);

  g_assert_nonnull (table);
  g_assert_cmpuint (retort_table_get_n_rows (table), ==, 0);
  g_assert_cmpuint (retort_table_get_n_columns (table), ==, 0);
}

static void
test_returns (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autoptr(RetortScriptResult) bad = NULL;

  assert_returns_x (sandboxed, "df,");
  assert_returns_x (sandboxed, "(df, 'ignored')");
  assert_returns_x (sandboxed, "[df]");
  assert_returns_x (sandboxed, "df");
  assert_returns_x (sandboxed, "np.array([df, None], dtype=object)[:1]");
  assert_returns_empty (sandboxed, "None");
  assert_returns_empty (sandboxed, "()");
  assert_returns_empty (sandboxed, "[]");

  bad = run_failing_script (sandboxed, "def azureml_main():\n    return 42\n",
                            RETORT_PYTHON_ERROR_CONTRACT);
  g_assert_nonnull (strstr (retort_script_result_get_error (bad)->message, "int"));
}

/* Fidelity and conversions ------------------------------------------------ */

static const char fidelity_csv[] =
  "id,price,name,flag,ratio,when\n"
  "1,0.1,alpha,True,1e-05,2021-01-01\n"
  "2,,\"be, ta\",False,3.141592653589793,\n"
  "3,2.675,,true,-0.0,2021-03-04\n"
  "4,123456789.12345678,NA,FALSE,1.7976931348623157e308,x\n";

static void
test_fidelity (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autoptr(RetortTable) table = table_from_csv (fidelity_csv);
  g_autofree char *script = NULL;
  g_autoptr(RetortScriptResult) result = NULL;

  /* The script compares what it got with pandas' own reading of the CSV
   * (round-trip floats: PLATFORM.md), carried in its text: in the sandbox
   * it cannot read the test's files. */
  script = g_strdup_printf ("import io\nimport pandas as pd\nCSV = %s\n"
                            "def azureml_main(df):\n"
                            "    expected = pd.read_csv(io.StringIO(CSV), float_precision='round_trip')\n"
                            "    try:\n"
                            "        pd.testing.assert_frame_equal(df, expected)\n"
                            "        verdict = 'ok'\n"
                            "    except AssertionError as e:\n"
                            "        verdict = str(e)\n"
                            "    return pd.DataFrame({'fidelity': [verdict]}),\n",
                            "'''id,price,name,flag,ratio,when\n"
                            "1,0.1,alpha,True,1e-05,2021-01-01\n"
                            "2,,\"be, ta\",False,3.141592653589793,\n"
                            "3,2.675,,true,-0.0,2021-03-04\n"
                            "4,123456789.12345678,NA,FALSE,1.7976931348623157e308,x\n'''");
  result = run_ok (sandboxed, script, table, NULL);
  assert_verdicts (result);
}

static void
test_output_conversions (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autoptr(RetortScriptResult) result = NULL;
  RetortTable *table;

  result = run_ok (sandboxed,
                   "import numpy as np\nimport pandas as pd\n"
                   "def azureml_main():\n"
                   "    df = pd.DataFrame({\n"
                   "        0: [1.5, np.nan, 3.0],\n"
                   "        'cat': pd.Categorical(['a', 'b', 'a']),\n"
                   "        'mixed': [1, 'two', 3.5],\n"
                   "        'flag': [True, False, True],\n"
                   "        'when': pd.to_datetime(['2020-01-01', None, '2020-01-03 12:00']),\n"
                   "        'n': [1, 2, 3],\n"
                   "        's': ['x', None, 'z'],\n"
                   "    }, index=[10, 20, 30])\n"
                   "    df.insert(6, 'n', [4, 5, 6], allow_duplicates=True)\n"
                   "    return df,\n",
                   NULL, NULL);
  table = retort_script_result_get_table (result);

  g_assert_cmpuint (retort_table_get_n_rows (table), ==, 3);
  g_assert_cmpuint (retort_table_get_n_columns (table), ==, 8);
  /* Non-string names become str(name); duplicates get " (2)". */
  g_assert_cmpstr (retort_table_get_column_name (table, 0), ==, "0");
  g_assert_cmpint (retort_table_find_column (table, "n"), >=, 0);
  g_assert_cmpint (retort_table_find_column (table, "n (2)"), >=, 0);
  g_assert_cmpint (retort_column_get_data_type (retort_table_get_column (table, 0)), ==,
                   RETORT_COLUMN_TYPE_FLOAT64);
  g_assert_cmpint (retort_column_get_null_count (retort_table_get_column (table, 0)), ==, 1);
  g_assert_cmpint (retort_column_get_data_type (retort_table_get_column (table, retort_table_find_column (table, "cat"))), ==,
                   RETORT_COLUMN_TYPE_STRING);
  assert_cell (table, "cat", 1, "b");
  g_assert_cmpint (retort_column_get_data_type (retort_table_get_column (table, retort_table_find_column (table, "mixed"))), ==,
                   RETORT_COLUMN_TYPE_STRING);
  assert_cell (table, "mixed", 0, "1");
  assert_cell (table, "mixed", 2, "3.5");
  g_assert_cmpint (retort_column_get_data_type (retort_table_get_column (table, retort_table_find_column (table, "flag"))), ==,
                   RETORT_COLUMN_TYPE_BOOL);
  g_assert_cmpint (retort_column_get_data_type (retort_table_get_column (table, retort_table_find_column (table, "when"))), ==,
                   RETORT_COLUMN_TYPE_DATETIME);
  g_assert_false (retort_column_is_valid (retort_table_get_column (table, retort_table_find_column (table, "when")), 1));
  g_assert_false (retort_column_is_valid (retort_table_get_column (table, retort_table_find_column (table, "s")), 1));
  assert_cell (table, "n", 2, "3");
  assert_cell (table, "n (2)", 2, "6");
  /* The index (10, 20, 30) is dropped. */
  g_assert_cmpint (retort_table_find_column (table, "index"), <, 0);
}

/* Script Bundle ------------------------------------------------------------ */

typedef struct
{
  const char *name;
  const char *content;   /* NULL: a directory */
  gboolean    symlink;
} ZipEntry;

static char *
make_zip (const char     *dir,
          const char     *file,
          const ZipEntry *entries,
          guint           n_entries)
{
  char *path = g_build_filename (dir, file, NULL);
  int code = 0;
  zip_t *zip = zip_open (path, ZIP_CREATE | ZIP_TRUNCATE, &code);

  g_assert_nonnull (zip);
  for (guint i = 0; i < n_entries; i++)
    {
      zip_int64_t index;

      if (entries[i].content == NULL)
        {
          index = zip_dir_add (zip, entries[i].name, ZIP_FL_ENC_UTF_8);
        }
      else
        {
          zip_source_t *source = zip_source_buffer (zip, entries[i].content,
                                                    strlen (entries[i].content), 0);

          index = zip_file_add (zip, entries[i].name, source, ZIP_FL_ENC_UTF_8);
        }
      g_assert_cmpint (index, >=, 0);
      if (entries[i].symlink)
        g_assert_cmpint (zip_file_set_external_attributes (zip, index, 0, ZIP_OPSYS_UNIX,
                                                           ((guint32) (S_IFLNK | 0777)) << 16), ==, 0);
    }
  g_assert_cmpint (zip_close (zip), ==, 0);

  return path;
}

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("retort-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *path)
{
  g_autofree char *quoted = g_shell_quote (path);
  g_autofree char *command = g_strdup_printf ("rm -rf %s", quoted);

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
}

/* TRUE when a file named @name exists anywhere under @dir. */
static gboolean
find_file (const char *dir,
           const char *name)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *entry;

  while (listing != NULL && (entry = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);

      if (g_str_equal (entry, name))
        return TRUE;
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK) &&
          find_file (path, name))
        return TRUE;
    }

  return FALSE;
}

static void
test_bundle (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autofree char *dir = make_tmp_dir ();
  const ZipEntry entries[] = {
    { "helper.py", "def twice(x):\n    return 2 * x\n", FALSE },
    { "pkg/", NULL, FALSE },
    { "pkg/__init__.py", "", FALSE },
    { "pkg/tools.py", "NAME = 'tools'\ndef boom():\n    raise ValueError('from the bundle')\n", FALSE },
  };
  g_autofree char *zip = make_zip (dir, "bundle.zip", entries, G_N_ELEMENTS (entries));
  g_autoptr(RetortScriptJob) job = retort_script_job_new (
    "import pandas as pd\nimport helper\nfrom pkg import tools\n"
    "def azureml_main():\n"
    "    return pd.DataFrame({'v': ['ok' if helper.twice(21) == 42 and tools.NAME == 'tools' else 'no']}),\n");
  g_autoptr(RetortScriptJob) failing = retort_script_job_new (
    "from pkg import tools\n\ndef azureml_main():\n    tools.boom()\n");
  g_autoptr(RetortScriptResult) result = NULL;
  g_autoptr(RetortScriptResult) failed = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *frames;

  retort_script_job_set_bundle (job, zip);
  result = run_job_full (get_runner (sandboxed), job, NULL, NULL, &error);
  g_assert_no_error (error);
  if (retort_script_result_get_failed (result))
    g_error ("%s", retort_script_result_format_error (result));
  assert_verdicts (result);

  /* An error raised in a bundle module: its frame is in the traceback, and
   * the line to jump to is the script's. */
  retort_script_job_set_bundle (failing, zip);
  failed = run_failing (sandboxed, failing, RETORT_PYTHON_ERROR_SCRIPT);
  g_assert_cmpint (retort_script_result_get_line (failed), ==, 4);
  frames = retort_script_result_get_traceback (failed);
  g_assert_cmpuint (frames->len, >=, 2);
  g_assert_cmpint (((RetortTracebackFrame *) g_ptr_array_index (frames, frames->len - 1))->line, ==, 3);

  remove_tree (dir);
}

static void
assert_bundle_refused (gboolean        sandboxed,
                       const ZipEntry *entries,
                       guint           n_entries,
                       guint64         max_size,
                       guint           max_files,
                       const char     *expected)
{
  RetortPythonRunner *runner = get_runner (sandboxed);
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *zip = make_zip (dir, "bad.zip", entries, n_entries);
  g_autoptr(RetortScriptJob) job = retort_script_job_new ("def azureml_main():\n    pass\n");
  g_autoptr(RetortScriptResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = NULL;

  retort_script_job_set_bundle (job, zip);
  retort_script_job_set_bundle_limits (job, max_size, max_files);
  result = run_job_full (runner, job, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_BUNDLE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, expected));

  /* Nothing written outside: not in the session, not next to it. */
  parent = g_path_get_dirname (retort_python_runner_get_session_dir (runner));
  g_assert_false (find_file (retort_python_runner_get_session_dir (runner), "evil.txt"));
  g_assert_false (g_file_test ("/tmp/evil.txt", G_FILE_TEST_EXISTS));
  {
    g_autofree char *beside = g_build_filename (parent, "evil.txt", NULL);

    g_assert_false (g_file_test (beside, G_FILE_TEST_EXISTS));
  }
  remove_tree (dir);
}

static void
test_bundle_refused (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  const ZipEntry dotdot[] = { { "ok.py", "", FALSE }, { "../evil.txt", "x", FALSE } };
  const ZipEntry deep[] = { { "a/../../../evil.txt", "x", FALSE } };
  const ZipEntry absolute[] = { { "/tmp/evil.txt", "x", FALSE } };
  const ZipEntry link[] = { { "evil.txt", "/etc/passwd", TRUE } };
  const ZipEntry many[] = { { "1.py", "", FALSE }, { "2.py", "", FALSE }, { "3.py", "", FALSE },
                            { "4.py", "", FALSE } };
  g_autofree char *zeros = g_strnfill (2 << 20, '0');
  const ZipEntry big[] = { { "big.txt", zeros, FALSE } };
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *corrupt = g_build_filename (dir, "corrupt.zip", NULL);
  g_autoptr(RetortScriptJob) job = retort_script_job_new ("def azureml_main():\n    pass\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(RetortScriptResult) result = NULL;

  assert_bundle_refused (sandboxed, dotdot, G_N_ELEMENTS (dotdot), 1 << 20, 100, "..");
  assert_bundle_refused (sandboxed, deep, G_N_ELEMENTS (deep), 1 << 20, 100, "..");
  assert_bundle_refused (sandboxed, absolute, G_N_ELEMENTS (absolute), 1 << 20, 100, "absolute");
  assert_bundle_refused (sandboxed, link, G_N_ELEMENTS (link), 1 << 20, 100, "link");
  assert_bundle_refused (sandboxed, many, G_N_ELEMENTS (many), 1 << 20, 3, "entries");
  assert_bundle_refused (sandboxed, big, G_N_ELEMENTS (big), 1 << 20, 100, "more than");

  g_assert_true (g_file_set_contents (corrupt, "PK\003\004 this is not a zip file at all", -1, NULL));
  retort_script_job_set_bundle (job, corrupt);
  result = run_job_full (get_runner (sandboxed), job, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_BUNDLE);
  g_assert_nonnull (strstr (error->message, "not a readable zip"));

  /* The runner is fine afterwards. */
  run_simple (sandboxed);
  remove_tree (dir);
}

/* Images ------------------------------------------------------------------- */

static void
test_images (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autoptr(RetortScriptResult) result = NULL;
  GPtrArray *images;

  result = run_ok (sandboxed,
                   "import os\nimport matplotlib.pyplot as plt\nimport pandas as pd\n"
                   "def azureml_main():\n"
                   "    os.makedirs('plots', exist_ok=True)\n"
                   "    fig = plt.figure(figsize=(2, 2))\n"
                   "    plt.plot([1, 2, 3])\n"
                   "    fig.savefig('plots/first.png')\n"
                   "    plt.close(fig)\n"
                   "    plt.figure(figsize=(3, 1))\n"
                   "    plt.bar([1, 2], [3, 4])\n"
                   "    plt.show()\n"
                   "    return None\n",
                   NULL, NULL);
  images = retort_script_result_get_images (result);
  g_assert_cmpuint (images->len, ==, 2);
  for (guint i = 0; i < images->len; i++)
    {
      gsize size = 0;
      const guint8 *png = g_bytes_get_data (g_ptr_array_index (images, i), &size);

      g_assert_cmpuint (size, >, 8);
      g_assert_cmpmem (png, 8, "\x89PNG\r\n\x1a\n", 8);
    }
  /* Creation order: the 2x2 file first (200x200 at 100 dpi), then the 3x1 figure. */
  {
    const guint8 *first = g_bytes_get_data (g_ptr_array_index (images, 0), NULL);
    const guint8 *second = g_bytes_get_data (g_ptr_array_index (images, 1), NULL);
    guint32 w1 = GUINT32_FROM_BE (*(guint32 *) (first + 16));
    guint32 h1 = GUINT32_FROM_BE (*(guint32 *) (first + 20));
    guint32 w2 = GUINT32_FROM_BE (*(guint32 *) (second + 16));
    guint32 h2 = GUINT32_FROM_BE (*(guint32 *) (second + 20));

    g_assert_cmpuint (w1, ==, h1);
    g_assert_cmpuint (w2, ==, 3 * h2);
  }
}

/* Console ------------------------------------------------------------------ */

typedef struct
{
  GArray  *times;
  GString *text;
} ConsoleLog;

static void
console_cb (RetortPythonRunner *runner,
            const char         *stream,
            const char         *text,
            ConsoleLog         *log)
{
  gint64 now = g_get_monotonic_time ();

  g_array_append_val (log->times, now);
  g_string_append (log->text, text);
}

static void
test_console_live (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  RetortPythonRunner *runner = get_runner (sandboxed);
  g_autoptr(RetortScriptJob) job = retort_script_job_new (
    "import sys, time\n"
    "def azureml_main():\n"
    "    for i in range(4):\n"
    "        print('tick', i)\n"
    "        print('tock', i, file=sys.stderr)\n"
    "        time.sleep(0.3)\n");
  ConsoleLog log = { g_array_new (FALSE, FALSE, sizeof (gint64)), g_string_new (NULL) };
  g_autoptr(RetortScriptResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 done_time = 0;
  gulong handler;
  guint n_spaced = 0;

  handler = g_signal_connect (runner, "console", G_CALLBACK (console_cb), &log);
  result = run_job_full (runner, job, NULL, &done_time, &error);
  g_signal_handler_disconnect (runner, handler);
  g_assert_no_error (error);
  g_assert_false (retort_script_result_get_failed (result));

  g_assert_nonnull (strstr (log.text->str, "tick 3"));
  g_assert_nonnull (strstr (log.text->str, "tock 3"));
  g_assert_nonnull (strstr (retort_script_result_get_console (result), "tick 0\n"));
  g_assert_nonnull (strstr (retort_script_result_get_console (result), "tock 2\n"));
  g_assert_cmpuint (log.times->len, >=, 4);
  for (guint i = 0; i < log.times->len; i++)
    {
      gint64 t = g_array_index (log.times, gint64, i);

      g_assert_cmpint (t, <=, done_time);
      if (i > 0 && t - g_array_index (log.times, gint64, i - 1) > 200000)
        n_spaced++;
    }
  /* Four bursts 0.3 s apart, all of them before the run completed. */
  g_test_message ("%u console signals, %u gaps over 0.2 s; the last %.3f s before completion",
                  log.times->len, n_spaced,
                  (done_time - g_array_index (log.times, gint64, log.times->len - 1)) / 1e6);
  g_assert_cmpuint (n_spaced, >=, 3);
  g_assert_cmpint (done_time - g_array_index (log.times, gint64, 0), >=, 800000);

  g_array_unref (log.times);
  g_string_free (log.text, TRUE);
}

static void
test_console_limit (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autoptr(RetortScriptJob) job = retort_script_job_new (
    "def azureml_main():\n"
    "    for i in range(2000):\n"
    "        print('x' * 99)\n");
  g_autoptr(RetortScriptResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *console;

  retort_script_job_set_console_limit (job, 10000);
  result = run_job_full (get_runner (sandboxed), job, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (retort_script_result_get_failed (result));
  console = retort_script_result_get_console (result);
  g_test_message ("console: %zu bytes, ends with %s", strlen (console),
                  console + MAX (0, (gssize) strlen (console) - 80));
  g_assert_cmpuint (strlen (console), >=, 10000);
  g_assert_cmpuint (strlen (console), <, 10000 + 1024);
  g_assert_nonnull (strstr (console, "truncated"));
}

/* Errors ------------------------------------------------------------------- */

static void
test_script_error (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autoptr(RetortScriptJob) job = retort_script_job_new (
    "import pandas as pd\n"
    "\n"
    "def helper(x):\n"
    "    return x / 0\n"
    "\n"
    "def azureml_main():\n"
    "    print('before the error')\n"
    "    return helper(1)\n");
  g_autoptr(RetortScriptResult) result = NULL;
  g_autofree char *report = NULL;
  GPtrArray *frames;
  RetortTracebackFrame *last;

  retort_script_job_set_script_name (job, "my_script.py");
  result = run_failing (sandboxed, job, RETORT_PYTHON_ERROR_SCRIPT);
  g_assert_true (g_str_has_prefix (retort_script_result_get_error (result)->message,
                                   "Error 0085: Error during evaluation of script."));
  g_assert_cmpstr (retort_script_result_get_error_type (result), ==, "ZeroDivisionError");
  g_assert_nonnull (strstr (retort_script_result_get_message (result), "division by zero"));
  g_assert_cmpint (retort_script_result_get_line (result), ==, 4);
  g_assert_nonnull (strstr (retort_script_result_get_console (result), "before the error"));

  frames = retort_script_result_get_traceback (result);
  g_assert_cmpuint (frames->len, >=, 2);
  last = g_ptr_array_index (frames, frames->len - 1);
  g_assert_cmpstr (last->file, ==, "my_script.py");
  g_assert_cmpint (last->line, ==, 4);
  g_assert_cmpstr (last->function, ==, "helper");
  g_assert_cmpint (((RetortTracebackFrame *) g_ptr_array_index (frames, frames->len - 2))->line, ==, 8);

  report = retort_script_result_format_error (result);
  g_assert_nonnull (strstr (report, "line 4"));
  g_assert_nonnull (strstr (report, "ZeroDivisionError"));
}

static void
test_syntax_error (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autoptr(RetortScriptResult) result =
    run_failing_script (sandboxed, "import pandas\n\ndef azureml_main(:\n    pass\n",
                        RETORT_PYTHON_ERROR_SYNTAX);

  g_assert_true (g_str_has_prefix (retort_script_result_get_error (result)->message, "Error 0085"));
  g_assert_cmpint (retort_script_result_get_line (result), ==, 3);
  g_assert_cmpint (retort_script_result_get_column (result), >, 0);
  g_assert_cmpstr (retort_script_result_get_error_type (result), ==, "SyntaxError");
}

/* Cancel, limits, crashes ---------------------------------------------------- */

static gboolean
cancel_cb (gpointer user_data)
{
  gint64 *cancel_time = g_object_get_data (user_data, "cancel-time");

  *cancel_time = g_get_monotonic_time ();
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autoptr(RetortScriptJob) job = retort_script_job_new (
    "def azureml_main():\n    print('looping', flush=True)\n    while True:\n        pass\n");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(RetortScriptResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 cancel_time = 0;
  gint64 done_time = 0;

  run_simple (sandboxed);  /* warm */
  g_object_set_data (G_OBJECT (cancellable), "cancel-time", &cancel_time);
  g_timeout_add (500, cancel_cb, cancellable);
  result = run_job_full (get_runner (sandboxed), job, cancellable, &done_time, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_test_message ("cancel latency: %.1f ms", (done_time - cancel_time) / 1000.0);
  g_printerr ("# cancel latency (%s): %.1f ms\n", sandboxed ? "sandboxed" : "unsandboxed",
              (done_time - cancel_time) / 1000.0);
  g_assert_cmpint (done_time - cancel_time, <, G_USEC_PER_SEC);

  run_simple (sandboxed);
}

static void
test_timeout (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autoptr(RetortScriptJob) job = retort_script_job_new (
    "import time\ndef azureml_main():\n    while True:\n        time.sleep(0.01)\n");
  g_autoptr(RetortScriptResult) result = NULL;
  gint64 start = g_get_monotonic_time ();

  retort_script_job_set_timeout (job, 1);
  result = run_failing (sandboxed, job, RETORT_PYTHON_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (retort_script_result_get_error (result)->message, "1 s"));
  run_simple (sandboxed);
}

static void
test_memory (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autoptr(RetortScriptJob) job = retort_script_job_new (
    "def azureml_main():\n    x = bytearray(2 * 1024 * 1024 * 1024)\n    return None\n");
  g_autoptr(RetortScriptResult) result = NULL;

  retort_script_job_set_memory_limit (job, 1024);
  result = run_failing (sandboxed, job, RETORT_PYTHON_ERROR_MEMORY);
  g_assert_nonnull (strstr (retort_script_result_get_error (result)->message, "memory limit exceeded"));
  run_simple (sandboxed);
}

static void
test_crash (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  const struct
  {
    const char *body;
    int         signal;
  } crashes[] = {
    { "    import os\n    os.abort()\n", SIGABRT },
    { "    import ctypes\n    ctypes.string_at(0)\n", SIGSEGV },
    { "    import os\n    os._exit(3)\n", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (crashes); i++)
    {
      g_autofree char *script = g_strdup_printf ("def azureml_main():\n%s", crashes[i].body);
      g_autoptr(RetortScriptResult) result = run_failing_script (sandboxed, script,
                                                                 RETORT_PYTHON_ERROR_CRASHED);
      const char *message = retort_script_result_get_error (result)->message;

      g_test_message ("%s", message);
      g_assert_nonnull (strstr (message, "the Python process"));
      if (crashes[i].signal != 0)
        {
          g_assert_nonnull (strstr (message, "the Python process crashed"));
          g_autofree char *expected = g_strdup_printf ("(signal %d)", crashes[i].signal);

          g_assert_nonnull (strstr (message, expected));
          g_assert_cmpint (retort_script_result_get_signal (result), ==, crashes[i].signal);
        }
      run_simple (sandboxed);
    }
}

static void
test_runner_restarted (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  RetortPythonRunner *runner = get_runner (sandboxed);
  GPid first;

  run_simple (sandboxed);
  first = retort_python_runner_get_pid (runner);
  g_assert_cmpint (first, >, 0);
  g_assert_cmpint (kill (first, SIGKILL), ==, 0);

  /* Straight away, before the client can have noticed. A runner that is
   * being killed may still take the run and die under it (the kernel ends
   * a sandbox's processes a moment after bwrap): then that run fails as the
   * runner's failure, never as the script's, and the next one works. */
  {
    g_autoptr(RetortScriptJob) job = retort_script_job_new (
      "import pandas as pd\ndef azureml_main():\n    return pd.DataFrame({'x': [1]}),\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(RetortScriptResult) result = run_job_full (runner, job, NULL, NULL, &error);

    if (result == NULL)
      {
        g_test_message ("the dying runner took the run: %s", error->message);
        g_assert_error (error, RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_RUNNER);
        run_simple (sandboxed);
      }
    else
      g_assert_false (retort_script_result_get_failed (result));
  }
  g_assert_cmpint (retort_python_runner_get_pid (runner), !=, first);

  /* And once the death has been seen. */
  first = retort_python_runner_get_pid (runner);
  g_assert_cmpint (kill (first, SIGKILL), ==, 0);
  for (int i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  run_simple (sandboxed);
}

static void
test_queue (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  RetortPythonRunner *runner = get_runner (sandboxed);
  Wait waits[3] = { { 0 } };

  /* Runs asked for together go one after the other, in order. */
  for (guint i = 0; i < G_N_ELEMENTS (waits); i++)
    {
      g_autofree char *script = g_strdup_printf ("import pandas as pd\ndef azureml_main():\n"
                                                 "    return pd.DataFrame({'i': [%u]}),\n", i);
      g_autoptr(RetortScriptJob) job = retort_script_job_new (script);

      retort_python_runner_run_async (runner, job, NULL, run_cb, &waits[i]);
    }
  while (!waits[2].done)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (waits); i++)
    {
      g_autofree char *expected = g_strdup_printf ("%u", i);

      g_assert_no_error (waits[i].error);
      g_assert_true (waits[i].done);
      assert_cell (retort_script_result_get_table (waits[i].result), "i", 0, expected);
      if (i > 0)
        g_assert_cmpint (waits[i].done_time, >=, waits[i - 1].done_time);
      retort_script_result_unref (waits[i].result);
    }
}

/* Sandbox ------------------------------------------------------------------ */

static void
test_sandbox_network (void)
{
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in address = { .sin_family = AF_INET };
  socklen_t length = sizeof address;
  g_autofree char *script = NULL;
  g_autoptr(RetortScriptResult) result = NULL;
  g_autoptr(RetortScriptResult) control = NULL;

  g_assert_cmpint (fd, >=, 0);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (listen (fd, 4), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &address, &length), ==, 0);

  script = g_strdup_printf ("import socket\nimport pandas as pd\n"
                            "def azureml_main():\n"
                            "    try:\n"
                            "        socket.create_connection(('127.0.0.1', %d), timeout=2).close()\n"
                            "        v = 'connected'\n"
                            "    except OSError as e:\n"
                            "        v = 'ok'\n"
                            "    return pd.DataFrame({'network': [v]}),\n",
                            ntohs (address.sin_port));
  result = run_ok (TRUE, script, NULL, NULL);
  assert_verdicts (result);

  /* The same script outside the sandbox does connect: the test is sound. */
  control = run_ok (FALSE, script, NULL, NULL);
  assert_cell (retort_script_result_get_table (control), "network", 0, "connected");
  close (fd);
}

static void
test_sandbox_files (void)
{
  g_autofree char *name = g_strdup_printf ("retort-sandbox-probe-%d", getpid ());
  g_autofree char *home_probe = g_build_filename (g_get_home_dir (), name, NULL);
  g_autofree char *var_probe = g_build_filename ("/var/tmp", name, NULL);
  g_autofree char *script = NULL;
  g_autoptr(RetortScriptResult) result = NULL;

  script = g_strdup_printf ("import os\nimport pandas as pd\n"
                            "def attempt(path):\n"
                            "    try:\n"
                            "        with open(path, 'w') as f:\n"
                            "            f.write('escaped')\n"
                            "        return 'wrote ' + path\n"
                            "    except OSError:\n"
                            "        return 'ok'\n"
                            "def azureml_main():\n"
                            "    v = {'home': attempt('%s'), 'var_tmp': attempt('%s'),\n"
                            "         'root': attempt('/escaped.txt'), 'usr': attempt('/usr/escaped.txt')}\n"
                            "    try:\n"
                            "        open('/etc/shadow').read()\n"
                            "        v['shadow'] = 'read'\n"
                            "    except OSError:\n"
                            "        v['shadow'] = 'ok'\n"
                            "    with open('inside.txt', 'w') as f:\n"
                            "        f.write('the working directory is writable')\n"
                            "    v['workdir'] = 'ok'\n"
                            "    return pd.DataFrame({k: [x] for k, x in v.items()}),\n",
                            home_probe, var_probe);
  result = run_ok (TRUE, script, NULL, NULL);
  assert_verdicts (result);
  g_assert_false (g_file_test (home_probe, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (var_probe, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test ("/escaped.txt", G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test ("/usr/escaped.txt", G_FILE_TEST_EXISTS));
  g_assert_cmpint (retort_python_runner_get_sandbox_mode (get_runner (TRUE)), ==,
                   RETORT_PYTHON_SANDBOX_BWRAP);
}

static void
test_run_directory_deleted (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  RetortPythonRunner *runner = get_runner (sandboxed);
  g_autoptr(RetortScriptResult) result = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *entry;

  /* A link to the outside left in the working directory must not make the
   * cleanup delete what it points to. */
  g_autofree char *outside = make_tmp_dir ();
  g_autofree char *keep = g_build_filename (outside, "keep.txt", NULL);
  g_autofree char *script = NULL;

  g_assert_true (g_file_set_contents (keep, "keep", -1, NULL));
  script = g_strdup_printf ("import os\nimport pandas as pd\n"
                            "def azureml_main():\n"
                            "    os.symlink('%s', 'outside')\n"
                            "    os.symlink('%s', 'outside-file')\n"
                            "    return pd.DataFrame({'x': [1]}),\n",
                            outside, keep);
  result = run_ok (sandboxed, script, NULL, NULL);
  /* The result table is still readable after its file was deleted. */
  assert_cell (retort_script_result_get_table (result), "x", 0, "1");
  g_assert_true (g_file_test (keep, G_FILE_TEST_IS_REGULAR));

  listing = g_dir_open (retort_python_runner_get_session_dir (runner), 0, NULL);
  g_assert_nonnull (listing);
  while ((entry = g_dir_read_name (listing)) != NULL)
    g_assert_false (g_str_has_prefix (entry, "run-"));
  remove_tree (outside);
}


/* Descriptors ------------------------------------------------------------- */

/* Rows enough for every buffer, validity bitmaps too, to live in a memfd
 * (256 KiB and up), so that the table crosses as descriptors. */
#define BIG_ROWS 2100000


/* Every buffer of @table lies in a memfd: no table file is behind it. */
static void
assert_in_memfds (RetortTable *table)
{
  for (guint c = 0; c < retort_table_get_n_columns (table); c++)
    {
      RetortColumn *column = retort_table_get_column (table, c);
      RetortBuffer *buffers[] = { retort_column_get_validity_buffer (column),
                                  retort_column_get_values_buffer (column),
                                  retort_column_get_data_buffer (column) };

      for (guint b = 0; b < G_N_ELEMENTS (buffers); b++)
        {
          g_autofree char *link = NULL;
          g_autofree char *target = NULL;
          int fd;

          if (buffers[b] == NULL)
            continue;
          fd = retort_buffer_get_fd (buffers[b], NULL);
          g_assert_cmpint (fd, >=, 0);
          link = g_strdup_printf ("/proc/self/fd/%d", fd);
          target = g_file_read_link (link, NULL);
          g_assert_nonnull (target);
          g_assert_true (g_str_has_prefix (target, "/memfd:"));
        }
    }
}

static void
test_descriptor_inputs (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autoptr(RetortTable) table = retort_test_make_all_types_table (BIG_ROWS);
  g_autoptr(RetortScriptResult) result = NULL;
  RetortTable *out;
  static const char script[] =
    "import os\n"
    "import numpy as np\n"
    "import pandas as pd\n"
    "def azureml_main(dataframe1):\n"
    "    # Descriptors, not a table file.\n"
    "    assert not any(name.endswith('.rtbl') for name in os.listdir('..')), os.listdir('..')\n"
    "    rows = np.arange(len(dataframe1))\n"
    "    f = dataframe1['f'].to_numpy()\n"
    "    gone = rows % 5 == 0\n"
    "    assert np.isnan(f[gone]).all() and (f[~gone] == rows[~gone] / 3.0).all()\n"
    "    i = dataframe1['i'].to_numpy()\n"
    "    gone = (rows + 1) % 5 == 0\n"
    "    assert i.dtype == np.float64 and np.isnan(i[gone]).all() and (i[~gone] == -rows[~gone]).all()\n"
    "    b = dataframe1['b']\n"
    "    gone = (rows + 2) % 5 == 0\n"
    "    assert b.isna().to_numpy().tolist() == gone.tolist()\n"
    "    assert b[1] is True and b[4] is False\n"
    "    s = dataframe1['s']\n"
    "    for r in (0, 1, 2, 7, 14, 2099999):\n"
    "        expected = None if (r + 3) % 5 == 0 else ('é' if r % 7 else '') + str(r)\n"
    "        assert (pd.isna(s[r]) if expected is None else s[r] == expected), (r, s[r])\n"
    "    assert s.isna().sum() == ((rows + 3) % 5 == 0).sum()\n"
    "    t = dataframe1['t']\n"
    "    gone = (rows + 4) % 5 == 0\n"
    "    assert t.isna().to_numpy().tolist() == gone.tolist()\n"
    "    assert t[2].value == 2 * 1000000007\n"
    "    print('CHECKED')\n"
    "    return dataframe1\n";

  result = run_ok (sandboxed, script, table, NULL);
  g_assert_nonnull (strstr (retort_script_result_get_console (result), "CHECKED"));

  out = retort_script_result_get_table (result);
  g_assert_cmpuint (retort_table_get_n_rows (out), ==, BIG_ROWS);
  assert_in_memfds (out);
  for (guint c = 0; c < 5; c++)
    g_assert_cmpuint (retort_column_get_null_count (retort_table_get_column (out, c)), ==,
                      retort_column_get_null_count (retort_table_get_column (table, c)));
  for (gsize row = 0; row < BIG_ROWS; row += 104729)
    for (guint c = 0; c < 5; c++)
      {
        g_autofree char *expected = retort_table_dup_cell_text (table, row, c);
        g_autofree char *got = retort_table_dup_cell_text (out, row, c);

        /* int64 with missing values comes back as float64, as read_csv has it. */
        if (c == 1 && expected != NULL)
          {
            g_autofree char *as_float = g_strconcat (expected, ".0", NULL);

            g_assert_cmpstr (got, ==, as_float);
          }
        else
          g_assert_cmpstr (got, ==, expected);
      }

  /* The result goes into the next script as it is, without a copy. */
  {
    g_autoptr(RetortScriptResult) again = run_ok (sandboxed, script, out, NULL);

    g_assert_nonnull (strstr (retort_script_result_get_console (again), "CHECKED"));
  }
}

/* Scripts edit their inputs in place (copy-on-write): the edit comes back,
 * the client's table never changes. */
static void
test_descriptor_edit_in_place (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  const char *names[] = { "x", "y" };
  RetortColumn *columns[] = {
    retort_test_make_column (RETORT_COLUMN_TYPE_FLOAT64, BIG_ROWS, 4),
    retort_test_make_column (RETORT_COLUMN_TYPE_FLOAT64, BIG_ROWS, 2),
  };
  g_autoptr(RetortTable) table = retort_table_new (2, names, columns, NULL);
  g_autoptr(RetortScriptResult) result = NULL;
  RetortTable *out;
  gsize nulls = retort_column_get_null_count (columns[0]);

  retort_column_unref (columns[0]);
  retort_column_unref (columns[1]);
  result = run_ok (sandboxed,
                   "def azureml_main(dataframe1):\n"
                   "    dataframe1.fillna(0, inplace=True)\n"
                   "    dataframe1.loc[0, 'x'] = 5\n"
                   "    return dataframe1\n",
                   table, NULL);
  out = retort_script_result_get_table (result);
  assert_cell (out, "x", 0, "5.0");
  assert_cell (out, "x", 1, "0.0");
  assert_cell (out, "y", 3, "0.0");
  assert_cell (out, "y", 4, "1.3333333333333333");
  g_assert_cmpuint (retort_column_get_null_count (retort_table_get_column (out, 0)), ==, 0);
  g_assert_cmpuint (retort_column_get_null_count (retort_table_get_column (out, 1)), ==, 0);
  assert_in_memfds (out);

  /* The client's input is as it was. */
  assert_cell (table, "x", 0, "0.0");
  assert_cell (table, "x", 1, NULL);
  assert_cell (table, "y", 3, NULL);
  g_assert_cmpuint (retort_column_get_null_count (retort_table_get_column (table, 0)), ==, nulls);
  g_assert_true (isnan (retort_column_get_float64_data (retort_table_get_column (table, 0))[1]));
}

/* A CSV import's buffers are anonymous mappings, moved into memfds the
 * first time they cross: the script gets descriptors all the same. */
static void
test_descriptor_from_csv (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autoptr(GString) csv = g_string_new ("x,s\n");
  g_autoptr(RetortTable) table = NULL;
  g_autoptr(RetortScriptResult) result = NULL;

  for (guint row = 0; row < 100000; row++)
    g_string_append_printf (csv, "%u.5,text %u\n", row, row);
  table = table_from_csv (csv->str);

  result = run_ok (sandboxed,
                   "import os\n"
                   "def azureml_main(dataframe1):\n"
                   "    assert not any(n.endswith('.rtbl') for n in os.listdir('..'))\n"
                   "    assert dataframe1['x'][99999] == 99999.5\n"
                   "    assert dataframe1['s'][7] == 'text 7'\n"
                   "    return dataframe1\n",
                   table, NULL);
  assert_cell (retort_script_result_get_table (result), "x", 3, "3.5");
  assert_cell (retort_script_result_get_table (result), "s", 99999, "text 99999");
  assert_in_memfds (table);
}

/* A result without rows has empty regions and needs no descriptor. */
static void
test_descriptor_empty_result (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autoptr(RetortScriptResult) result = NULL;
  RetortTable *table;

  result = run_ok (sandboxed,
                   "import pandas as pd\n"
                   "def azureml_main():\n"
                   "    return pd.DataFrame({'a': pd.Series([], dtype=float),\n"
                   "                         'b': pd.Series([], dtype=bool)}),\n",
                   NULL, NULL);
  table = retort_script_result_get_table (result);
  g_assert_nonnull (table);
  g_assert_cmpuint (retort_table_get_n_rows (table), ==, 0);
  g_assert_cmpuint (retort_table_get_n_columns (table), ==, 2);
  g_assert_cmpint (retort_column_get_data_type (retort_table_get_column (table, 0)), ==,
                   RETORT_COLUMN_TYPE_FLOAT64);
}

/* More columns than one descriptor message carries. */
static void
test_descriptor_many_columns (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func ((GDestroyNotify) retort_column_unref);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(RetortTable) table = NULL;
  g_autoptr(RetortScriptResult) result = NULL;
  RetortTable *out;

  /* 33,000 float64: 264,000 bytes, just over the memfd threshold. */
  for (guint c = 0; c < 300; c++)
    {
      g_autoptr(RetortColumnBuilder) builder = retort_column_builder_new (RETORT_COLUMN_TYPE_FLOAT64, 33000);

      for (gsize row = 0; row < 33000; row++)
        retort_column_builder_append_float64 (builder, row + c * 0.5);
      g_ptr_array_add (columns, retort_column_builder_finish (g_steal_pointer (&builder)));
      g_ptr_array_add (names, g_strdup_printf ("c%u", c));
    }
  table = retort_table_new (columns->len, (const char * const *) names->pdata,
                            (RetortColumn * const *) columns->pdata, NULL);

  result = run_ok (sandboxed,
                   "import os\n"
                   "def azureml_main(dataframe1):\n"
                   "    assert not any(n.endswith('.rtbl') for n in os.listdir('..'))\n"
                   "    assert dataframe1['c299'][10] == 159.5\n"
                   "    dataframe1['extra'] = dataframe1['c7'] * 2\n"
                   "    return dataframe1\n",
                   table, NULL);
  out = retort_script_result_get_table (result);
  g_assert_cmpuint (retort_table_get_n_columns (out), ==, 301);
  assert_cell (out, "c0", 32999, "32999.0");
  assert_cell (out, "c299", 1, "150.5");
  assert_cell (out, "extra", 2, "11.0");
  assert_in_memfds (out);
}

static guint
count_fds (GPid pid)
{
  g_autofree char *path = pid > 0 ? g_strdup_printf ("/proc/%d/fd", pid) : g_strdup ("/proc/self/fd");
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* The count once it stops moving: the runner reaps its last child and the
 * client's worker threads close their ends a moment after the result
 * arrives. A leak stays; a closing descriptor is gone within 2 s. */
static guint
settled_fd_count (GPid  pid,
                  guint expected)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  guint n = count_fds (pid);

  while (n != expected && g_get_monotonic_time () < deadline)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10 * 1000);
      n = count_fds (pid);
    }

  return n;
}

/* Descriptors go both ways on every run; none may stay behind, in the
 * client or in the runner. */
static void
test_descriptor_no_leaks (gconstpointer data)
{
  gboolean sandboxed = GPOINTER_TO_INT (data);
  RetortPythonRunner *runner = get_runner (sandboxed);
  const char *names[] = { "x", "y" };
  /* Without missing values no buffer is a small bitmap: all are memfds. */
  RetortColumn *columns[] = {
    retort_test_make_column (RETORT_COLUMN_TYPE_FLOAT64, 400000, RETORT_TEST_NO_MISSING),
    retort_test_make_column (RETORT_COLUMN_TYPE_STRING, 400000, RETORT_TEST_NO_MISSING),
  };
  g_autoptr(RetortTable) table = retort_table_new (2, names, columns, NULL);
  const char *script =
    "import os\n"
    "def azureml_main(dataframe1):\n"
    "    assert not any(n.endswith('.rtbl') for n in os.listdir('..'))\n"
    "    dataframe1['z'] = dataframe1['x'] + 1\n"
    "    return dataframe1\n";
  guint client_before, runner_before = 0;
  GPid pid;

  retort_column_unref (columns[0]);
  retort_column_unref (columns[1]);

  /* Warm: the runner is up, the client's worker threads exist. */
  for (guint i = 0; i < 3; i++)
    g_clear_pointer (&(RetortScriptResult *) { run_ok (sandboxed, script, table, NULL) },
                     retort_script_result_unref);
  pid = retort_python_runner_get_pid (runner);
  client_before = count_fds (0);
  if (!sandboxed)
    runner_before = count_fds (pid);

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(RetortScriptResult) result = run_ok (sandboxed, script, table, NULL);

      assert_cell (retort_script_result_get_table (result), "z", 2, "1.6666666666666665");
      assert_in_memfds (retort_script_result_get_table (result));
    }

  g_assert_cmpint (retort_python_runner_get_pid (runner), ==, pid);
  g_assert_cmpuint (settled_fd_count (0, client_before), ==, client_before);
  if (!sandboxed)
    g_assert_cmpuint (settled_fd_count (pid, runner_before), ==, runner_before);
}

static void
test_unsandboxed_logs (void)
{
  g_autoptr(RetortPythonRunner) runner = retort_python_runner_new ();
  g_autoptr(RetortScriptJob) job = retort_script_job_new ("def azureml_main():\n    pass\n");
  g_autoptr(RetortScriptResult) result = NULL;
  g_autoptr(GError) error = NULL;

  retort_python_runner_set_sandbox_enabled (runner, FALSE);
  g_test_expect_message ("retort-python", G_LOG_LEVEL_MESSAGE,
                         "Python scripts run without a sandbox: turned off");
  result = run_job_full (runner, job, NULL, NULL, &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_false (retort_script_result_get_failed (result));
  g_assert_cmpint (retort_python_runner_get_sandbox_mode (runner), ==, RETORT_PYTHON_SANDBOX_NONE);
}

static void
test_runner_missing (void)
{
  g_autoptr(RetortPythonRunner) runner = retort_python_runner_new ();
  g_autoptr(RetortScriptJob) job = retort_script_job_new ("def azureml_main():\n    pass\n");
  g_autoptr(RetortScriptResult) result = NULL;
  g_autoptr(GError) error = NULL;

  retort_python_runner_set_program (runner, "/nonexistent/retort-runner");
  retort_python_runner_set_sandbox_enabled (runner, FALSE);
  g_test_expect_message ("retort-python", G_LOG_LEVEL_MESSAGE, "*without a sandbox*");
  result = run_job_full (runner, job, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_RUNNER);
  g_assert_nonnull (strstr (error->message, "/nonexistent/retort-runner"));
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
  g_autofree char *sandboxed = g_strdup_printf ("/python/sandboxed/%s", name);
  g_autofree char *unsandboxed = g_strdup_printf ("/python/unsandboxed/%s", name);

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
  /* The tests choose the sandbox themselves. */
  g_unsetenv ("RETORT_NO_SANDBOX");

  add_both ("positional", test_positional);
  add_both ("parameters", test_parameters);
  add_both ("returns", test_returns);
  add_both ("fidelity", test_fidelity);
  add_both ("output-conversions", test_output_conversions);
  add_both ("bundle", test_bundle);
  add_both ("bundle-refused", test_bundle_refused);
  add_both ("images", test_images);
  add_both ("console-live", test_console_live);
  add_both ("console-limit", test_console_limit);
  add_both ("script-error", test_script_error);
  add_both ("syntax-error", test_syntax_error);
  add_both ("cancel", test_cancel);
  add_both ("timeout", test_timeout);
  add_both ("memory", test_memory);
  add_both ("crash", test_crash);
  add_both ("runner-restarted", test_runner_restarted);
  add_both ("queue", test_queue);
  add_both ("run-directory-deleted", test_run_directory_deleted);
  add_both ("descriptor-inputs", test_descriptor_inputs);
  add_both ("descriptor-edit-in-place", test_descriptor_edit_in_place);
  add_both ("descriptor-from-csv", test_descriptor_from_csv);
  add_both ("descriptor-empty-result", test_descriptor_empty_result);
  add_both ("descriptor-many-columns", test_descriptor_many_columns);
  add_both ("descriptor-no-leaks", test_descriptor_no_leaks);
  if (have_bwrap ())
    {
      g_test_add_func ("/python/sandboxed/no-network", test_sandbox_network);
      g_test_add_func ("/python/sandboxed/no-writes-outside", test_sandbox_files);
    }
  g_test_add_func ("/python/unsandboxed/logs-plainly", test_unsandboxed_logs);
  g_test_add_func ("/python/runner-missing", test_runner_missing);

  status = g_test_run ();

  for (guint i = 0; i < G_N_ELEMENTS (runners); i++)
    g_clear_object (&runners[i]);

  return status;
}
