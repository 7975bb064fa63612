/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The `_retort` module and retort_convert.py, in an interpreter embedded the
 * way retort-runner embeds it (isolated config, Debian's prefix, _retort
 * registered as a built-in). The checks themselves are Python
 * (test_numpy_bridge.py): every test_* function there becomes one GTest
 * case. A small `_retort_test` module gives them the C side of the table
 * layer: CSV import and reading a table file back without NumPy.
 *
 * TAP goes to stdout, so Python's stdout is pointed at stderr.
 */

#define G_LOG_DOMAIN "retort-test"
#define PY_SSIZE_T_CLEAN

#include "config.h"

#include <Python.h>

#include <glib.h>

#include "retort-numpy-bridge.h"
#include "retort-table-lib.h"

static PyObject *test_module;

/* csv_to_table_file(csv, out, delimiter, has_header) -> (rows, columns) */
static PyObject *
helper_csv_to_table_file (PyObject *self,
                          PyObject *args)
{
  const char *csv_path;
  const char *out_path;
  const char *delimiter;
  int has_header;
  RetortCsvOptions options;
  g_autoptr(RetortTable) table = NULL;
  g_autoptr(GError) error = NULL;

  if (!PyArg_ParseTuple (args, "sssp", &csv_path, &out_path, &delimiter, &has_header))
    return NULL;

  retort_csv_options_init (&options);
  options.delimiter = delimiter[0];
  options.has_header = has_header;
  table = retort_csv_read_file (csv_path, &options, &error);
  if (table == NULL || !retort_table_write_file (table, out_path, &error))
    {
      PyErr_SetString (PyExc_ValueError, error->message);
      return NULL;
    }

  return Py_BuildValue ("(nI)", (Py_ssize_t) retort_table_get_n_rows (table),
                        retort_table_get_n_columns (table));
}

/* table_columns(path) -> [(name, type, null_count, [cell text or None...])]
 * through the C reader only, so write_frame is checked without read_table. */
static PyObject *
helper_table_columns (PyObject *self,
                      PyObject *args)
{
  const char *path;
  g_autoptr(RetortTable) table = NULL;
  g_autoptr(GError) error = NULL;
  PyObject *list;
  gsize n_rows;

  if (!PyArg_ParseTuple (args, "s", &path))
    return NULL;
  table = retort_table_read_file (path, &error);
  if (table == NULL)
    {
      PyErr_SetString (PyExc_ValueError, error->message);
      return NULL;
    }

  n_rows = retort_table_get_n_rows (table);
  list = PyList_New (0);
  for (guint i = 0; i < retort_table_get_n_columns (table); i++)
    {
      RetortColumn *column = retort_table_get_column (table, i);
      PyObject *cells = PyList_New (n_rows);
      PyObject *item;

      for (gsize row = 0; row < n_rows; row++)
        {
          g_autofree char *text = retort_table_dup_cell_text (table, row, i);

          if (text != NULL)
            PyList_SET_ITEM (cells, row, PyUnicode_FromString (text));
          else
            PyList_SET_ITEM (cells, row, Py_NewRef (Py_None));
        }
      item = Py_BuildValue ("(ssnN)", retort_table_get_column_name (table, i),
                            retort_column_type_to_string (retort_column_get_data_type (column)),
                            (Py_ssize_t) retort_column_get_null_count (column), cells);
      PyList_Append (list, item);
      Py_DECREF (item);
    }

  return list;
}

static PyMethodDef helper_methods[] = {
  { "csv_to_table_file", helper_csv_to_table_file, METH_VARARGS, NULL },
  { "table_columns", helper_table_columns, METH_VARARGS, NULL },
  { NULL, NULL, 0, NULL },
};

static struct PyModuleDef helper_module = {
  PyModuleDef_HEAD_INIT,
  .m_name = "_retort_test",
  .m_size = -1,
  .m_methods = helper_methods,
};

static PyObject *
PyInit__retort_test (void)
{
  return PyModule_Create (&helper_module);
}

static void
report_python_error (void)
{
  PyObject *type, *value, *traceback;
  g_autofree char *text = NULL;
  PyObject *skip;

  PyErr_Fetch (&type, &value, &traceback);
  PyErr_NormalizeException (&type, &value, &traceback);

  skip = PyObject_GetAttrString (test_module, "Skip");
  if (skip != NULL && type != NULL && PyErr_GivenExceptionMatches (type, skip))
    {
      PyObject *message = PyObject_Str (value);

      g_test_skip (PyUnicode_AsUTF8 (message));
      Py_XDECREF (message);
      Py_XDECREF (skip);
      Py_XDECREF (type);
      Py_XDECREF (value);
      Py_XDECREF (traceback);
      return;
    }
  Py_XDECREF (skip);

  PyErr_Restore (type, value, traceback);
  PyErr_Print ();  /* to sys.stderr */
  g_test_fail ();
}

static void
run_python_case (gconstpointer data)
{
  PyObject *function = (PyObject *) data;
  PyObject *result = PyObject_CallNoArgs (function);

  if (result == NULL)
    report_python_error ();
  Py_XDECREF (result);
}

static void
start_python (void)
{
  PyConfig config;
  PyStatus status;

  PyImport_AppendInittab ("_retort", PyInit__retort);
  PyImport_AppendInittab ("_retort_test", PyInit__retort_test);

  /* As the runner does: isolated, so pyenv's PYTHONHOME and PYTHONPATH
   * cannot hide Debian's numpy and pandas. */
  PyConfig_InitIsolatedConfig (&config);
  /* No __pycache__ in the source tree. */
  config.write_bytecode = 0;
  status = PyConfig_SetString (&config, &config.home, L"" PYTHON_HOME);
  if (!PyStatus_Exception (status))
    status = Py_InitializeFromConfig (&config);
  PyConfig_Clear (&config);
  if (PyStatus_Exception (status))
    g_error ("cannot start Python: %s", status.err_msg ? status.err_msg : "?");
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *tests_dir = NULL;
  g_autofree char *convert_dir = NULL;
  g_autofree char *setup = NULL;
  PyObject *cases;
  int status;

  g_test_init (&argc, &argv, NULL);

  start_python ();

  tests_dir = g_test_build_filename (G_TEST_DIST, "runner", NULL);
  convert_dir = g_test_build_filename (G_TEST_DIST, "..", "src", "runner", "python", NULL);
  setup = g_strdup_printf ("import sys\n"
                           "sys.stdout = sys.stderr\n"
                           "sys.path[:0] = [r'''%s''', r'''%s''']\n",
                           convert_dir, tests_dir);
  if (PyRun_SimpleString (setup) != 0)
    g_error ("cannot set up sys.path");

  test_module = PyImport_ImportModule ("test_numpy_bridge");
  if (test_module == NULL)
    {
      PyErr_Print ();
      g_error ("cannot import test_numpy_bridge.py from %s", tests_dir);
    }

  cases = PyObject_CallMethod (test_module, "collect", NULL);
  if (cases == NULL)
    {
      PyErr_Print ();
      g_error ("test_numpy_bridge.collect() failed");
    }
  for (Py_ssize_t i = 0; i < PyList_Size (cases); i++)
    {
      PyObject *item = PyList_GetItem (cases, i);
      const char *name = PyUnicode_AsUTF8 (PyTuple_GetItem (item, 0));
      g_autofree char *path = g_strdup_printf ("/runner/numpy-bridge/%s", name);
      PyObject *function = PyTuple_GetItem (item, 1);

      Py_INCREF (function);  /* lives until exit, like the test list */
      g_test_add_data_func (path, function, run_python_case);
    }
  Py_DECREF (cases);

  status = g_test_run ();

  Py_CLEAR (test_module);
  if (Py_FinalizeEx () < 0)
    status = 1;

  return status;
}
