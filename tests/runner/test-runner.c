/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The real retort-runner, driven over its standard input and output with the
 * protocol of doc/runner-protocol.md, as the client drives it. One runner
 * serves every test, so each test also checks that the ones before left it
 * working. */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "retort-column.h"
#include "retort-table.h"
#include "retort-table-file.h"
#include "../common/retort-test-tables.h"

typedef struct
{
  GSubprocess   *process;
  GOutputStream *requests;
  GInputStream  *events;
  char          *session;
  gint64         next_id;
  JsonObject    *hello;
} Runner;

static Runner runner;

/* An event and when it arrived. */
typedef struct
{
  JsonObject *event;
  gint64      time_us;
} Received;

typedef struct
{
  gint64      id;
  char       *dir;
  char       *workdir;
  char       *result_path;
  gint64      sent_us;
  GArray     *received;   /* Received, up to and including the end */
  JsonObject *end;        /* the result or error event */
  GString    *out;
  GString    *err;
} Run;

static void
run_free (Run *run)
{
  for (guint i = 0; i < run->received->len; i++)
    json_object_unref (g_array_index (run->received, Received, i).event);
  g_array_unref (run->received);
  g_free (run->dir);
  g_free (run->workdir);
  g_free (run->result_path);
  g_string_free (run->out, TRUE);
  g_string_free (run->err, TRUE);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static void
send_request (JsonObject *request)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), request);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(GError) error = NULL;
  guint32 length = strlen (text);
  guint8 header[4] = { length & 0xff, (length >> 8) & 0xff, (length >> 16) & 0xff,
                       length >> 24 };

  g_output_stream_write_all (runner.requests, header, 4, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (runner.requests, text, length, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (runner.requests, NULL, &error);
  g_assert_no_error (error);
}

/* The next event; NULL at end of file. */
static JsonObject *
receive_event (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  guint8 header[4];
  gsize got = 0;
  guint32 length;

  g_input_stream_read_all (runner.events, header, 4, &got, NULL, &error);
  g_assert_no_error (error);
  if (got == 0)
    return NULL;
  g_assert_cmpuint (got, ==, 4);
  length = header[0] | header[1] << 8 | header[2] << 16 | (guint32) header[3] << 24;
  g_assert_cmpuint (length, <=, 16 * 1024 * 1024);
  body = g_malloc (length + 1);
  g_input_stream_read_all (runner.events, body, length, &got, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got, ==, length);
  body[length] = '\0';
  g_test_message ("event: %s", body);

  json_parser_load_from_data (parser, body, length, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
start_runner (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  const char *exe = g_getenv ("RETORT_RUNNER");

  g_assert_nonnull (exe);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* The runner must not care about a pyenv in the environment. */
  g_subprocess_launcher_setenv (launcher, "PYTHONHOME", "/nonexistent", TRUE);
  g_subprocess_launcher_setenv (launcher, "PYTHONPATH", "/nonexistent", TRUE);
  runner.process = g_subprocess_launcher_spawn (launcher, &error, exe, NULL);
  g_assert_no_error (error);
  runner.requests = g_subprocess_get_stdin_pipe (runner.process);
  runner.events = g_subprocess_get_stdout_pipe (runner.process);
  runner.session = g_dir_make_tmp ("retort-runner-test-XXXXXX", &error);
  g_assert_no_error (error);
  runner.next_id = 1;
  runner.hello = receive_event ();
  g_assert_nonnull (runner.hello);
}

static RetortTable *
make_table (gsize rows)
{
  g_autoptr(RetortColumnBuilder) x = retort_column_builder_new (RETORT_COLUMN_TYPE_FLOAT64, rows);
  g_autoptr(RetortColumnBuilder) n = retort_column_builder_new (RETORT_COLUMN_TYPE_INT64, rows);
  g_autoptr(RetortColumnBuilder) s = retort_column_builder_new (RETORT_COLUMN_TYPE_STRING, rows);
  g_autoptr(RetortColumn) cx = NULL;
  g_autoptr(RetortColumn) cn = NULL;
  g_autoptr(RetortColumn) cs = NULL;
  g_autoptr(GError) error = NULL;
  const char *names[] = { "x", "n", "s" };
  RetortColumn *columns[3];
  RetortTable *table;

  for (gsize i = 0; i < rows; i++)
    {
      g_autofree char *text = g_strdup_printf ("row %" G_GSIZE_FORMAT, i);

      if (i % 7 == 3)
        retort_column_builder_append_null (x);
      else
        retort_column_builder_append_float64 (x, i * 0.25 - 3.0);
      retort_column_builder_append_int64 (n, (gint64) i * 1000003);
      if (i % 5 == 4)
        retort_column_builder_append_null (s);
      else
        retort_column_builder_append_string (s, text, -1);
    }
  cx = retort_column_builder_finish (g_steal_pointer (&x));
  cn = retort_column_builder_finish (g_steal_pointer (&n));
  cs = retort_column_builder_finish (g_steal_pointer (&s));
  columns[0] = cx;
  columns[1] = cn;
  columns[2] = cs;
  table = retort_table_new (3, names, columns, &error);
  g_assert_no_error (error);
  return table;
}

/* Sends a run of @source; @in1 and @in2 may be NULL (unconnected). With
 * @bundle_helper, the run has a Script Bundle holding helper.py. */
static Run *
start_run_with_bundle (const char  *source,
                       RetortTable *in1,
                       RetortTable *in2,
                       gint64       timeout_ms,
                       gint64       memory_mb,
                       gint64       console_limit,
                       const char  *bundle_helper)
{
  g_autofree char *bundle = NULL;
  g_autoptr(JsonObject) request = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *script = NULL;
  JsonArray *inputs = json_array_new ();
  RetortTable *tables[2] = { in1, in2 };
  Run *run = g_new0 (Run, 1);

  run->id = runner.next_id++;
  run->dir = g_strdup_printf ("%s/run-%" G_GINT64_FORMAT, runner.session, run->id);
  run->workdir = g_build_filename (run->dir, "work", NULL);
  run->result_path = g_build_filename (run->dir, "result.rtbl", NULL);
  run->received = g_array_new (FALSE, FALSE, sizeof (Received));
  run->out = g_string_new (NULL);
  run->err = g_string_new (NULL);
  g_assert_cmpint (g_mkdir_with_parents (run->workdir, 0700), ==, 0);

  script = g_build_filename (run->dir, "script.py", NULL);
  g_file_set_contents (script, source, -1, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 2; i++)
    {
      if (tables[i] != NULL)
        {
          g_autofree char *name = g_strdup_printf ("in%u.rtbl", i + 1);
          g_autofree char *path = g_build_filename (run->dir, name, NULL);

          retort_table_write_file (tables[i], path, &error);
          g_assert_no_error (error);
          json_array_add_string_element (inputs, path);
        }
      else
        json_array_add_null_element (inputs);
    }

  json_object_set_string_member (request, "type", "run");
  json_object_set_int_member (request, "id", run->id);
  json_object_set_string_member (request, "script", script);
  json_object_set_string_member (request, "script_name", "my_script.py");
  json_object_set_string_member (request, "workdir", run->workdir);
  json_object_set_array_member (request, "inputs", inputs);
  if (bundle_helper != NULL)
    {
      g_autofree char *helper = NULL;

      bundle = g_build_filename (run->workdir, "Script Bundle", NULL);
      helper = g_build_filename (bundle, "helper.py", NULL);
      g_assert_cmpint (g_mkdir_with_parents (bundle, 0700), ==, 0);
      g_file_set_contents (helper, bundle_helper, -1, &error);
      g_assert_no_error (error);
      json_object_set_string_member (request, "bundle", bundle);
    }
  else
    json_object_set_null_member (request, "bundle");
  json_object_set_string_member (request, "result", run->result_path);
  json_object_set_int_member (request, "timeout_ms", timeout_ms);
  json_object_set_int_member (request, "memory_mb", memory_mb);
  json_object_set_int_member (request, "console_limit", console_limit);
  run->sent_us = g_get_monotonic_time ();
  send_request (request);
  return run;
}

static Run *
start_run (const char  *source,
           RetortTable *in1,
           RetortTable *in2,
           gint64       timeout_ms,
           gint64       memory_mb,
           gint64       console_limit)
{
  return start_run_with_bundle (source, in1, in2, timeout_ms, memory_mb, console_limit, NULL);
}

/* Reads events up to the one matching @type (or the end of the run). */
static JsonObject *
wait_for (Run        *run,
          const char *type)
{
  while (TRUE)
    {
      JsonObject *event = receive_event ();
      Received received;
      const char *event_type;

      g_assert_nonnull (event);
      received.event = event;
      received.time_us = g_get_monotonic_time ();
      g_array_append_val (run->received, received);
      event_type = json_object_get_string_member (event, "type");
      g_assert_cmpint (json_object_get_int_member_with_default (event, "id", -1), ==, run->id);

      if (g_str_equal (event_type, "stdout"))
        g_string_append (run->out, json_object_get_string_member (event, "text"));
      else if (g_str_equal (event_type, "stderr"))
        g_string_append (run->err, json_object_get_string_member (event, "text"));
      else if (g_str_equal (event_type, "result") || g_str_equal (event_type, "error"))
        run->end = event;

      if (g_str_equal (event_type, type) || run->end != NULL)
        return event;
    }
}

static Run *
run_script_full (const char  *source,
                 RetortTable *in1,
                 RetortTable *in2,
                 gint64       timeout_ms,
                 gint64       memory_mb,
                 gint64       console_limit)
{
  Run *run = start_run (source, in1, in2, timeout_ms, memory_mb, console_limit);

  wait_for (run, "result");
  g_assert_nonnull (run->end);
  if (g_test_verbose () || TRUE)
    g_test_message ("stdout: %s\nstderr: %s", run->out->str, run->err->str);
  return run;
}

static Run *
run_script (const char  *source,
            RetortTable *in1,
            RetortTable *in2)
{
  return run_script_full (source, in1, in2, 60000, 0, 1024 * 1024);
}

static const char *
end_type (Run *run)
{
  return json_object_get_string_member (run->end, "type");
}

static void
assert_error (Run        *run,
              const char *kind)
{
  if (!g_str_equal (end_type (run), "error"))
    g_error ("expected an error of kind %s", kind);
  g_assert_cmpstr (json_object_get_string_member (run->end, "kind"), ==, kind);
}

static RetortTable *
read_result (Run *run)
{
  g_autoptr(GError) error = NULL;
  RetortTable *table;

  g_assert_cmpstr (end_type (run), ==, "result");
  g_assert_cmpstr (json_object_get_string_member (run->end, "table"), ==, run->result_path);
  table = retort_table_read_file (run->result_path, &error);
  g_assert_no_error (error);
  return table;
}


/* After a failure of any kind the same runner serves the next run. */
static void
assert_runner_still_works (void)
{
  g_autoptr(RetortTable) input = make_table (5);
  g_autoptr(Run) next = run_script ("def azureml_main(a):\n    return a\n", input, NULL);

  g_assert_cmpstr (end_type (next), ==, "result");
  g_assert_cmpint (json_object_get_int_member (next->end, "rows"), ==, 5);
}

static void
test_hello (void)
{
  g_assert_cmpstr (json_object_get_string_member (runner.hello, "type"), ==, "hello");
  g_assert_cmpint (json_object_get_int_member (runner.hello, "protocol"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (runner.hello, "pid"), ==,
                   atoi (g_subprocess_get_identifier (runner.process)));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (runner.hello, "python"), "3."));
  g_assert_nonnull (json_object_get_string_member (runner.hello, "numpy"));
  g_assert_nonnull (json_object_get_string_member (runner.hello, "pandas"));
  g_assert_nonnull (json_object_get_string_member (runner.hello, "matplotlib"));
  /* Started without --fd-channel: tables cross as files. */
  g_assert_false (json_object_get_boolean_member (runner.hello, "fd_passing"));
}

static void
test_identity (void)
{
  g_autoptr(RetortTable) input = make_table (1000);
  g_autoptr(RetortTable) output = NULL;
  g_autoptr(Run) run = run_script ("def azureml_main(dataframe1=None, dataframe2=None):\n"
                                   "    return dataframe1,\n", input, NULL);
  Received *first = &g_array_index (run->received, Received, 0);

  g_assert_cmpstr (json_object_get_string_member (first->event, "type"), ==, "started");
  g_assert_cmpint (json_object_get_int_member (first->event, "pid"), >, 0);
  output = read_result (run);
  g_assert_cmpint (json_object_get_int_member (run->end, "rows"), ==, 1000);
  g_assert_cmpint (json_object_get_int_member (run->end, "columns"), ==, 3);
  g_assert_true (json_object_has_member (run->end, "elapsed_ms"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (run->end, "images")), ==, 0);
  retort_test_assert_tables_equal (input, output, 1);
}

static void
test_only_second_input (void)
{
  g_autoptr(RetortTable) input = make_table (10);
  g_autoptr(RetortTable) output = NULL;
  /* Input 2 alone goes to the first parameter; the second gets its default. */
  g_autoptr(Run) run = run_script (
    "def azureml_main(a=None, b=None):\n"
    "    assert b is None\n"
    "    assert list(a.index) == list(range(10))\n"
    "    a['tag'] = 'second'\n"
    "    return [a]\n", NULL, input);

  output = read_result (run);
  g_assert_cmpuint (retort_table_get_n_rows (output), ==, 10);
  g_assert_cmpint (retort_table_find_column (output, "tag"), ==, 3);
}

static void
test_parameter_counts (void)
{
  g_autoptr(RetortTable) a = make_table (4);
  g_autoptr(RetortTable) b = make_table (6);
  struct { const char *source; gint64 rows; } cases[] = {
    { "import pandas as pd\n"
      "def azureml_main():\n"
      "    return pd.DataFrame({'k': [1, 2]})\n", 2 },
    { "def azureml_main(df):\n"
      "    return df\n", 4 },
    { "import pandas as pd\n"
      "def azureml_main(df1, df2):\n"
      "    return pd.concat([df1, df2], ignore_index=True),\n", 10 },
    { "import pandas as pd\n"
      "def azureml_main(*frames):\n"
      "    return (pd.concat(frames, ignore_index=True),)\n", 10 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Run) run = run_script (cases[i].source, a, b);

      g_assert_cmpstr (end_type (run), ==, "result");
      g_assert_cmpint (json_object_get_int_member (run->end, "rows"), ==, cases[i].rows);
    }
}

static void
test_none_result (void)
{
  g_autoptr(Run) none = run_script ("def azureml_main(a=None, b=None):\n    return None\n",
                                    NULL, NULL);
  g_autoptr(Run) empty = run_script ("def azureml_main(a=None, b=None):\n    return []\n",
                                     NULL, NULL);

  g_assert_cmpstr (end_type (none), ==, "result");
  g_assert_true (json_object_get_null_member (none->end, "table"));
  g_assert_cmpstr (end_type (empty), ==, "result");
  g_assert_true (json_object_get_null_member (empty->end, "table"));
}

static void
test_no_entry_point (void)
{
  g_autoptr(Run) run = run_script ("x = 1\n", NULL, NULL);

  assert_error (run, "contract");
  g_assert_cmpstr (json_object_get_string_member (run->end, "text"), ==,
                   "The script does not define azureml_main(dataframe1, dataframe2)");
}

static void
test_bad_return (void)
{
  g_autoptr(Run) run = run_script ("def azureml_main(a=None, b=None):\n    return 42\n",
                                   NULL, NULL);

  assert_error (run, "contract");
  g_assert_cmpstr (json_object_get_string_member (run->end, "text"), ==,
                   "azureml_main returned int; return a pandas DataFrame or a sequence "
                   "whose first element is one");
}

static void
test_exception (void)
{
  g_autoptr(RetortTable) input = make_table (3);
  g_autoptr(Run) run = run_script ("import pandas as pd\n"
                                   "\n"
                                   "def helper(x):\n"
                                   "    return x / 0\n"
                                   "\n"
                                   "def azureml_main(df=None, b=None):\n"
                                   "    df['y'] = df['n'].apply(lambda v: 1 // 0)\n"
                                   "    return df\n", input, NULL);
  JsonArray *frames;
  JsonObject *innermost;
  const char *text;

  assert_error (run, "script");
  text = json_object_get_string_member (run->end, "text");
  g_assert_true (g_str_has_prefix (text, "Error 0085: Error during evaluation of script."));
  g_assert_nonnull (strstr (text, "ZeroDivisionError"));
  g_assert_cmpstr (json_object_get_string_member (run->end, "error_type"), ==, "ZeroDivisionError");
  g_assert_cmpstr (json_object_get_string_member (run->end, "message"), ==,
                   "integer division or modulo by zero");
  g_assert_cmpint (json_object_get_int_member (run->end, "line"), ==, 7);

  /* Only the user's frames, outermost first, none of pandas' or the runner's. */
  frames = json_object_get_array_member (run->end, "traceback");
  g_assert_cmpuint (json_array_get_length (frames), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (frames, 0), "function"),
                   ==, "azureml_main");
  innermost = json_array_get_object_element (frames, 1);
  g_assert_cmpstr (json_object_get_string_member (innermost, "file"), ==, "my_script.py");
  g_assert_cmpstr (json_object_get_string_member (innermost, "function"), ==, "<lambda>");
  g_assert_cmpint (json_object_get_int_member (innermost, "line"), ==, 7);
  g_assert_nonnull (strstr (json_object_get_string_member (innermost, "code"), "1 // 0"));

  /* The console shows the traceback under the script's name too. */
  g_assert_nonnull (strstr (run->err->str, "File \"my_script.py\", line 7"));
  g_assert_null (strstr (run->err->str, "retort_harness"));
  g_assert_null (strstr (run->err->str, "pandas"));
}

static void
test_syntax_error (void)
{
  g_autoptr(Run) run = run_script ("def azureml_main(a=None, b=None):\n"
                                   "    return a\n"
                                   "x = (1 +\n"
                                   "y = 2 2\n", NULL, NULL);

  assert_error (run, "syntax");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (run->end, "text"),
                                   "Error 0085: Error during evaluation of script."));
  g_assert_cmpint (json_object_get_int_member (run->end, "line"), >=, 3);
  g_assert_cmpint (json_object_get_int_member (run->end, "line"), <=, 4);
  g_assert_cmpint (json_object_get_int_member (run->end, "column"), >, 0);

  {
    g_autoptr(Run) simple = run_script ("def azureml_main(a=None, b=None):\n"
                                        "    return a +* 2\n", NULL, NULL);

    assert_error (simple, "syntax");
    g_assert_cmpint (json_object_get_int_member (simple->end, "line"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (simple->end, "column"), ==, 15);
  }
}

static void
test_print_streaming (void)
{
  g_autoptr(Run) run = run_script ("import sys, time\n"
                                   "def azureml_main(a=None, b=None):\n"
                                   "    for i in range(4):\n"
                                   "        print('line', i)\n"
                                   "        time.sleep(0.3)\n"
                                   "    sys.stderr.write('no newline')\n"
                                   "    sys.stderr.flush()\n"
                                   "    time.sleep(0.3)\n"
                                   "    return None\n", NULL, NULL);
  gint64 times[4];
  guint n_lines = 0;
  gint64 stderr_time = 0;

  g_assert_cmpstr (end_type (run), ==, "result");
  g_assert_cmpstr (run->out->str, ==, "line 0\nline 1\nline 2\nline 3\n");
  g_assert_cmpstr (run->err->str, ==, "no newline");

  for (guint i = 0; i < run->received->len; i++)
    {
      Received *r = &g_array_index (run->received, Received, i);
      const char *type = json_object_get_string_member (r->event, "type");

      if (g_str_equal (type, "stdout"))
        {
          g_assert_cmpuint (n_lines, <, 4);
          times[n_lines++] = r->time_us;
        }
      if (g_str_equal (type, "stderr"))
        stderr_time = r->time_us;
    }
  g_assert_cmpuint (n_lines, ==, 4);
  /* Each line came as it was printed, about 0.3 s apart, before the end. */
  for (guint i = 1; i < 4; i++)
    g_assert_cmpint (times[i] - times[i - 1], >, 150000);
  g_assert_cmpint (g_array_index (run->received, Received, run->received->len - 1).time_us
                   - stderr_time, >, 150000);
}

static void
test_console_cap (void)
{
  g_autoptr(Run) run = run_script_full ("import os\n"
                                        "def azureml_main(a=None, b=None):\n"
                                        "    for i in range(20000):\n"
                                        "        print('x' * 99)\n"
                                        "    os.write(1, b'y' * 300000)\n"
                                        "    return None\n", NULL, NULL, 60000, 0, 10000);
  const char *note;

  g_assert_cmpstr (end_type (run), ==, "result");
  g_assert_cmpuint (run->out->len, ==, 10000);
  note = strstr (run->err->str, "[output truncated: more than 10000 bytes]");
  g_assert_nonnull (note);
  g_assert_null (strstr (note + 1, "[output truncated"));
}

static void
test_cancel (void)
{
  g_autoptr(Run) run = start_run ("def azureml_main(a=None, b=None):\n"
                                  "    print('looping', flush=True)\n"
                                  "    while True:\n"
                                  "        pass\n", NULL, NULL, 60000, 0, 1 << 20);
  g_autoptr(JsonObject) cancel = json_object_new ();
  gint64 cancelled_at;

  wait_for (run, "stdout");
  g_assert_null (run->end);
  json_object_set_string_member (cancel, "type", "cancel");
  json_object_set_int_member (cancel, "id", run->id);
  cancelled_at = g_get_monotonic_time ();
  send_request (cancel);
  wait_for (run, "error");
  assert_error (run, "cancelled");
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at, <, G_USEC_PER_SEC);
  assert_runner_still_works ();
}

static void
test_busy (void)
{
  g_autoptr(Run) run = start_run ("import time\n"
                                  "def azureml_main():\n"
                                  "    time.sleep(0.5)\n", NULL, NULL, 60000, 0, 1 << 20);
  g_autoptr(Run) second = NULL;

  wait_for (run, "started");
  second = start_run ("def azureml_main():\n    pass\n", NULL, NULL, 60000, 0, 1 << 20);
  wait_for (second, "error");
  assert_error (second, "busy");
  wait_for (run, "result");
  g_assert_cmpstr (end_type (run), ==, "result");
}

static void
test_timeout (void)
{
  g_autoptr(Run) run = run_script_full ("import time\n"
                                        "def azureml_main(a=None, b=None):\n"
                                        "    time.sleep(30)\n", NULL, NULL, 700, 0, 1 << 20);
  gint64 took = g_get_monotonic_time () - run->sent_us;

  assert_error (run, "timeout");
  g_assert_cmpstr (json_object_get_string_member (run->end, "text"), ==,
                   "the script ran longer than 0.7 s");
  g_assert_cmpint (took, >=, 600000);
  g_assert_cmpint (took, <, 2 * G_USEC_PER_SEC);
}

static void
test_memory_limit (void)
{
  g_autoptr(Run) run = run_script_full ("import numpy as np\n"
                                        "def azureml_main(a=None, b=None):\n"
                                        "    big = np.ones(2 * 1024**3 // 8)\n"
                                        "    return None\n", NULL, NULL, 60000, 500, 1 << 20);

  assert_error (run, "memory");
  g_assert_cmpstr (json_object_get_string_member (run->end, "text"), ==,
                   "memory limit exceeded (500 MB)");

  {
    /* Within the limit all is well. */
    g_autoptr(Run) fits = run_script_full ("import numpy as np, pandas as pd\n"
                                           "def azureml_main(a=None, b=None):\n"
                                           "    big = np.ones(100 * 1024**2 // 8)\n"
                                           "    return pd.DataFrame({'s': [big.sum()]})\n",
                                           NULL, NULL, 60000, 500, 1 << 20);

    g_assert_cmpstr (end_type (fits), ==, "result");
  }
}

static void
test_abort (void)
{
  g_autoptr(Run) run = run_script ("import os\n"
                                   "def azureml_main(a=None, b=None):\n"
                                   "    print('before')\n"
                                   "    os.abort()\n", NULL, NULL);

  assert_error (run, "crash");
  g_assert_cmpstr (json_object_get_string_member (run->end, "text"), ==,
                   "the Python process crashed (signal 6)");
  g_assert_cmpint (json_object_get_int_member (run->end, "signal"), ==, 6);
  g_assert_cmpstr (run->out->str, ==, "before\n");
  assert_runner_still_works ();
}

static void
test_segfault (void)
{
  g_autoptr(Run) run = run_script ("import ctypes\n"
                                   "def azureml_main():\n"
                                   "    ctypes.string_at(0)\n", NULL, NULL);

  assert_error (run, "crash");
  g_assert_cmpint (json_object_get_int_member (run->end, "signal"), ==, 11);
  assert_runner_still_works ();
}

static void
test_exit_without_result (void)
{
  g_autoptr(Run) run = run_script ("import os\n"
                                   "def azureml_main(a=None, b=None):\n"
                                   "    os._exit(3)\n", NULL, NULL);

  assert_error (run, "crash");
  g_assert_cmpstr (json_object_get_string_member (run->end, "text"), ==,
                   "the Python process crashed (it exited with status 3 without a result)");
}

static void
assert_png (const char *path)
{
  g_autofree char *contents = NULL;
  gsize size;

  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  g_assert_cmpuint (size, >, 8);
  g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);
}

static void
test_images (void)
{
  g_autoptr(Run) run = run_script ("import os, time\n"
                                   "import matplotlib.pyplot as plt\n"
                                   "def azureml_main(a=None, b=None):\n"
                                   "    os.makedirs('plots/more')\n"
                                   "    plt.figure()\n"
                                   "    plt.plot([1, 2, 3])\n"
                                   "    plt.savefig('plots/more/saved.png')\n"
                                   "    plt.close()\n"
                                   "    time.sleep(0.05)\n"
                                   "    plt.plot([3, 1, 2])\n"
                                   "    plt.show()\n"
                                   "    return None\n", NULL, NULL);
  JsonArray *images;
  g_autofree char *saved = NULL;
  g_autofree char *figure = NULL;

  g_assert_cmpstr (end_type (run), ==, "result");
  images = json_object_get_array_member (run->end, "images");
  g_assert_cmpuint (json_array_get_length (images), ==, 2);
  saved = g_build_filename (run->workdir, "plots", "more", "saved.png", NULL);
  figure = g_build_filename (run->dir, "figure-1.png", NULL);
  /* In creation order: the saved file came first. */
  g_assert_cmpstr (json_array_get_string_element (images, 0), ==, saved);
  g_assert_cmpstr (json_array_get_string_element (images, 1), ==, figure);
  assert_png (saved);
  assert_png (figure);
}

static void
test_fresh_main (void)
{
  g_autoptr(Run) first = run_script ("import sys\n"
                                     "leftover = 1\n"
                                     "sys.modules['json'].retort_mark = 1\n"
                                     "def azureml_main():\n    return None\n", NULL, NULL);
  g_autoptr(Run) second = run_script ("import json, os, sys\n"
                                      "assert __name__ == '__main__'\n"
                                      "assert __file__.endswith('script.py')\n"
                                      "assert 'leftover' not in globals()\n"
                                      "assert not hasattr(json, 'retort_mark')\n"
                                      "assert os.getcwd().endswith('/work')\n"
                                      "def azureml_main():\n    return None\n", NULL, NULL);

  g_assert_cmpstr (end_type (first), ==, "result");
  g_assert_cmpstr (end_type (second), ==, "result");
}

static void
test_bundle (void)
{
  g_autoptr(Run) run = start_run_with_bundle ("import helper\n"
                                              "def azureml_main():\n"
                                              "    print(helper.double(21))\n"
                                              "    helper.fail()\n",
                                              NULL, NULL, 60000, 0, 1 << 20,
                                              "def double(x):\n"
                                              "    return 2 * x\n"
                                              "\n"
                                              "def fail():\n"
                                              "    raise ValueError('from the bundle')\n");
  JsonArray *frames;
  JsonObject *innermost;

  wait_for (run, "result");
  assert_error (run, "script");
  g_assert_cmpstr (run->out->str, ==, "42\n");
  /* The editor jumps to the script's line; the bundle's frame is listed. */
  g_assert_cmpint (json_object_get_int_member (run->end, "line"), ==, 4);
  frames = json_object_get_array_member (run->end, "traceback");
  g_assert_cmpuint (json_array_get_length (frames), ==, 2);
  innermost = json_array_get_object_element (frames, 1);
  g_assert_cmpstr (json_object_get_string_member (innermost, "file"), ==, "Script Bundle/helper.py");
  g_assert_cmpint (json_object_get_int_member (innermost, "line"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (innermost, "function"), ==, "fail");
}

static void
test_random_differs (void)
{
  const char *source = "import random\n"
                       "import numpy as np\n"
                       "def azureml_main():\n"
                       "    print(np.random.rand(), random.random())\n";
  g_autoptr(Run) first = run_script (source, NULL, NULL);
  g_autoptr(Run) second = run_script (source, NULL, NULL);

  /* Forked children share the server's random state unless reseeded. */
  g_assert_cmpstr (end_type (first), ==, "result");
  g_assert_cmpstr (end_type (second), ==, "result");
  g_assert_cmpstr (first->out->str, !=, second->out->str);
}

static void
test_protocol_errors (void)
{
  g_autoptr(JsonObject) unknown = json_object_new ();
  g_autoptr(JsonObject) event = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 garbage[] = { 5, 0, 0, 0, '{', 'n', 'o', 'p', 'e' };

  json_object_set_string_member (unknown, "type", "frobnicate");
  json_object_set_int_member (unknown, "id", 99);
  send_request (unknown);
  event = receive_event ();
  g_assert_cmpstr (json_object_get_string_member (event, "type"), ==, "error");
  g_assert_cmpstr (json_object_get_string_member (event, "kind"), ==, "protocol");
  g_assert_cmpint (json_object_get_int_member (event, "id"), ==, 99);
  g_clear_pointer (&event, json_object_unref);

  g_output_stream_write_all (runner.requests, garbage, sizeof garbage, NULL, NULL, &error);
  g_assert_no_error (error);
  event = receive_event ();
  g_assert_cmpstr (json_object_get_string_member (event, "kind"), ==, "protocol");
  g_clear_pointer (&event, json_object_unref);

  /* Descriptors announced to a runner that has no channel for them. */
  {
    g_autoptr(JsonObject) run = json_object_new ();

    json_object_set_string_member (run, "type", "run");
    json_object_set_int_member (run, "id", 98);
    json_object_set_string_member (run, "script", "/nonexistent/script.py");
    json_object_set_string_member (run, "workdir", "/nonexistent");
    json_object_set_string_member (run, "result", "/nonexistent/result.rtbl");
    json_object_set_int_member (run, "fds", 2);
    send_request (run);
    event = receive_event ();
    g_assert_cmpstr (json_object_get_string_member (event, "type"), ==, "error");
    g_assert_cmpstr (json_object_get_string_member (event, "kind"), ==, "protocol");
    g_assert_cmpint (json_object_get_int_member (event, "id"), ==, 98);
  }
  assert_runner_still_works ();
}

/* A second runner, for what ends one. */
static GSubprocess *
spawn_runner (GSubprocessFlags   flags,
              const char        *mpl_cache,
              GOutputStream    **requests,
              GInputStream     **events)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE | flags);
  if (mpl_cache != NULL)
    g_subprocess_launcher_setenv (launcher, "RETORT_MPL_CACHE", mpl_cache, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("RETORT_RUNNER"), NULL);
  g_assert_no_error (error);
  *requests = g_subprocess_get_stdin_pipe (process);
  *events = g_subprocess_get_stdout_pipe (process);
  return process;
}


/* Sends a language request and returns its answer (nothing else is going
 * on: no run is active). */
static JsonObject *
ask (JsonObject *request)
{
  send_request (request);
  return receive_event ();
}

static JsonObject *
new_request (const char *type,
             gint64      id,
             const char *source)
{
  JsonObject *request = json_object_new ();

  json_object_set_string_member (request, "type", type);
  json_object_set_int_member (request, "id", id);
  if (source != NULL)
    json_object_set_string_member (request, "source", source);
  return request;
}

static void
test_language_services (void)
{
  g_autoptr(JsonObject) check = new_request ("check", 901, "x = 1\nif x\n    pass\n");
  g_autoptr(JsonObject) complete = new_request ("complete", 902, "import numpy as np\nnp.ar");
  g_autoptr(JsonObject) checked = NULL;
  g_autoptr(JsonObject) completions = NULL;
  JsonObject *issue;
  JsonArray *items;
  gboolean found = FALSE;

  checked = ask (check);
  g_assert_cmpstr (json_object_get_string_member (checked, "type"), ==, "checked");
  g_assert_cmpint (json_object_get_int_member (checked, "id"), ==, 901);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (checked, "errors")), ==, 1);
  issue = json_array_get_object_element (json_object_get_array_member (checked, "errors"), 0);
  g_assert_cmpint (json_object_get_int_member (issue, "line"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (issue, "column"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (issue, "message"), ==, "expected ':'");
  g_assert_cmpstr (json_object_get_string_member (issue, "severity"), ==, "error");

  json_object_set_int_member (complete, "line", 2);
  json_object_set_int_member (complete, "column", 6);
  completions = ask (complete);
  g_assert_cmpstr (json_object_get_string_member (completions, "type"), ==, "completions");
  g_assert_cmpint (json_object_get_int_member (completions, "id"), ==, 902);
  items = json_object_get_array_member (completions, "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    found |= g_str_equal (json_object_get_string_member (json_array_get_object_element (items, i),
                                                         "text"), "arange");
  g_assert_true (found);
  assert_runner_still_works ();
}

/* Missing fields and wrong types are protocol errors; the runner goes on. */
static void
test_language_garbage (void)
{
  struct { const char *type; const char *json; } cases[] = {
    { "check", "{\"type\": \"check\", \"id\": 1}" },
    { "check", "{\"type\": \"check\", \"id\": 1, \"source\": 5}" },
    { "check", "{\"type\": \"check\", \"id\": 1, \"source\": \"x\", \"filename\": []}" },
    { "complete", "{\"type\": \"complete\", \"id\": 1, \"source\": \"x\"}" },
    { "complete", "{\"type\": \"complete\", \"id\": 1, \"source\": \"x\", \"line\": \"1\", \"column\": 1}" },
    { "complete", "{\"type\": \"complete\", \"id\": 1, \"source\": \"x\", \"line\": 1, \"column\": true}" },
    { "complete", "{\"type\": \"complete\", \"id\": 1, \"source\": \"x\", \"line\": 1, \"column\": 1, \"extra_names\": [1]}" },
    { "check", "{\"type\": \"check\", \"source\": \"x\"}" },
    { "complete", "{\"type\": \"complete\", \"id\": \"7\", \"source\": \"x\", \"line\": 1, \"column\": 1}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonObject) answer = NULL;
      g_autoptr(GError) error = NULL;

      json_parser_load_from_data (parser, cases[i].json, -1, &error);
      g_assert_no_error (error);
      answer = ask (json_node_get_object (json_parser_get_root (parser)));
      g_assert_cmpstr (json_object_get_string_member (answer, "type"), ==, "error");
      g_assert_cmpstr (json_object_get_string_member (answer, "kind"), ==, "protocol");
    }

  /* Out-of-range positions are the nearest ones, not errors. */
  {
    g_autoptr(JsonObject) complete = new_request ("complete", 903, "pri");
    g_autoptr(JsonObject) answer = NULL;

    json_object_set_int_member (complete, "line", 40);
    json_object_set_int_member (complete, "column", 99);
    answer = ask (complete);
    g_assert_cmpstr (json_object_get_string_member (answer, "type"), ==, "completions");
  }
  assert_runner_still_works ();
}

static void
test_shutdown_kills_run (void)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) shutdown = json_object_new ();
  g_autoptr(JsonObject) hello = NULL;
  g_autoptr(JsonObject) started = NULL;
  GOutputStream *saved_requests = runner.requests;
  GInputStream *saved_events = runner.events;
  g_autoptr(Run) run = NULL;
  GPid child;

  process = spawn_runner (0, NULL, &runner.requests, &runner.events);
  hello = receive_event ();
  g_assert_cmpstr (json_object_get_string_member (hello, "type"), ==, "hello");
  run = start_run ("import time\n"
                   "def azureml_main():\n"
                   "    time.sleep(60)\n", NULL, NULL, 0, 0, 1 << 20);
  started = json_object_ref (wait_for (run, "started"));
  child = json_object_get_int_member (started, "pid");
  g_assert_cmpint (kill (child, 0), ==, 0);

  json_object_set_string_member (shutdown, "type", "shutdown");
  send_request (shutdown);
  g_assert_null (receive_event ());
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  /* The run's process was killed and reaped with the server. */
  g_assert_cmpint (kill (child, 0), ==, -1);

  runner.requests = saved_requests;
  runner.events = saved_events;
}

static void
test_font_cache (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = g_build_filename (runner.session, "mpl-cache", NULL);
  g_autoptr(GSubprocess) prepare = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(JsonObject) hello = NULL;
  g_autoptr(Run) run = NULL;
  GOutputStream *saved_requests = runner.requests;
  GInputStream *saved_events = runner.events;
  gboolean found = FALSE;
  const char *name;

  prepare = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, g_getenv ("RETORT_RUNNER"),
                              "--prepare-font-cache", cache, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (prepare, NULL, &error);
  g_assert_no_error (error);
  dir = g_dir_open (cache, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    found |= g_str_has_prefix (name, "fontlist") && g_str_has_suffix (name, ".json");
  g_assert_true (found);

  /* The sandbox passes the cache read-only; the runner copies it into a
   * private configuration directory that matplotlib may write to. */
  g_assert_cmpint (g_chmod (cache, 0555), ==, 0);
  process = spawn_runner (0, cache, &runner.requests, &runner.events);
  hello = receive_event ();
  g_assert_cmpstr (json_object_get_string_member (hello, "type"), ==, "hello");
  run = run_script ("import glob, os, matplotlib\n"
                    "def azureml_main():\n"
                    "    d = matplotlib.get_configdir()\n"
                    "    print(d == os.environ['RETORT_MPL_CACHE'], os.access(d, os.W_OK),\n"
                    "          len(glob.glob(os.path.join(d, 'fontlist*.json'))))\n",
                    NULL, NULL);
  g_assert_cmpstr (end_type (run), ==, "result");
  g_assert_cmpstr (run->out->str, ==, "False True 1\n");

  g_output_stream_close (runner.requests, NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  g_chmod (cache, 0755);

  runner.requests = saved_requests;
  runner.events = saved_events;
}

/* The runner's children that still exist, zombies included. */
static guint
count_children (GPid parent)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint count = 0;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *stat = NULL;
      const char *after_name;
      char state;
      int ppid;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      after_name = strrchr (stat, ')');
      if (after_name != NULL && sscanf (after_name, ") %c %d", &state, &ppid) == 2
          && ppid == parent)
        count++;
    }
  return count;
}

static void
test_shutdown_on_eof (void)
{
  g_autoptr(GError) error = NULL;

  /* Every run so far was reaped: no zombies left behind. */
  g_assert_cmpuint (count_children (atoi (g_subprocess_get_identifier (runner.process))), ==, 0);

  g_output_stream_close (runner.requests, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (receive_event ());
  g_subprocess_wait_check (runner.process, NULL, &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  start_runner ();

  g_test_add_func ("/runner/hello", test_hello);
  g_test_add_func ("/runner/identity", test_identity);
  g_test_add_func ("/runner/only-second-input", test_only_second_input);
  g_test_add_func ("/runner/parameter-counts", test_parameter_counts);
  g_test_add_func ("/runner/none-result", test_none_result);
  g_test_add_func ("/runner/no-entry-point", test_no_entry_point);
  g_test_add_func ("/runner/bad-return", test_bad_return);
  g_test_add_func ("/runner/exception", test_exception);
  g_test_add_func ("/runner/syntax-error", test_syntax_error);
  g_test_add_func ("/runner/print-streaming", test_print_streaming);
  g_test_add_func ("/runner/console-cap", test_console_cap);
  g_test_add_func ("/runner/cancel", test_cancel);
  g_test_add_func ("/runner/busy", test_busy);
  g_test_add_func ("/runner/timeout", test_timeout);
  g_test_add_func ("/runner/memory-limit", test_memory_limit);
  g_test_add_func ("/runner/abort", test_abort);
  g_test_add_func ("/runner/segfault", test_segfault);
  g_test_add_func ("/runner/exit-without-result", test_exit_without_result);
  g_test_add_func ("/runner/images", test_images);
  g_test_add_func ("/runner/fresh-main", test_fresh_main);
  g_test_add_func ("/runner/bundle", test_bundle);
  g_test_add_func ("/runner/random-differs", test_random_differs);
  g_test_add_func ("/runner/protocol-errors", test_protocol_errors);
  g_test_add_func ("/runner/language-services", test_language_services);
  g_test_add_func ("/runner/language-garbage", test_language_garbage);
  g_test_add_func ("/runner/shutdown-kills-run", test_shutdown_kills_run);
  g_test_add_func ("/runner/font-cache", test_font_cache);
  g_test_add_func ("/runner/shutdown-on-eof", test_shutdown_on_eof);

  status = g_test_run ();
  remove_tree (runner.session);
  g_free (runner.session);
  g_clear_object (&runner.process);
  return status;
}
