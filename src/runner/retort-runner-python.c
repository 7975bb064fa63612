/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-runner"

#include "config.h"

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <gio/gio.h>

#include "retort-numpy-bridge.h"
#include "retort-runner-protocol.h"
#include "retort-runner-python.h"

#define RESOURCE_PREFIX "/io/github/retort/Retort/runner/"

static PyObject *harness;
static PyObject *language;

static void
set_error_from_python (GError     **error,
                       const char  *what)
{
  /* The details go to stderr, which the client logs; the error says where. */
  PyErr_Print ();
  g_set_error (error, RETORT_RUNNER_ERROR, RETORT_RUNNER_ERROR_PYTHON,
               "Python failed while %s (the traceback is on the runner's stderr)", what);
}

static gboolean
check_status (PyStatus     status,
              GError     **error)
{
  if (!PyStatus_Exception (status))
    return TRUE;
  g_set_error (error, RETORT_RUNNER_ERROR, RETORT_RUNNER_ERROR_PYTHON,
               "Could not start Python (%s): %s",
               status.func != NULL ? status.func : "init",
               status.err_msg != NULL ? status.err_msg : "unknown error");
  return FALSE;
}

/* Harness modules live in the GResource compiled into the runner; each is
 * executed as a module of its own name so that they import each other. */
static PyObject *
load_resource_module (const char  *name,
                      GError     **error)
{
  g_autofree char *path = g_strconcat (RESOURCE_PREFIX, name, ".py", NULL);
  g_autofree char *filename = g_strconcat ("resource://", path, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *source = NULL;
  PyObject *code;
  PyObject *module;
  gsize size;

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;
  source = g_strndup (g_bytes_get_data (bytes, &size), g_bytes_get_size (bytes));

  code = Py_CompileString (source, filename, Py_file_input);
  if (code == NULL)
    {
      set_error_from_python (error, "compiling the harness");
      return NULL;
    }
  module = PyImport_ExecCodeModuleEx (name, code, filename);
  Py_DECREF (code);
  if (module == NULL)
    set_error_from_python (error, "loading the harness");
  return module;
}

static JsonObject *
parse_object (const char  *text,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, -1, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, RETORT_RUNNER_ERROR, RETORT_RUNNER_ERROR_PYTHON,
                           "The harness did not describe the interpreter");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

JsonObject *
retort_runner_python_start (GError **error)
{
  PyConfig config;
  PyStatus status;
  PyObject *convert;
  PyObject *versions;
  JsonObject *object;

  if (PyImport_AppendInittab ("_retort", PyInit__retort) != 0)
    {
      g_set_error_literal (error, RETORT_RUNNER_ERROR, RETORT_RUNNER_ERROR_PYTHON,
                           "Could not register the _retort module");
      return NULL;
    }

  /* Isolated, with an explicit home: a PYTHONHOME or PYTHONPATH from pyenv
   * in the environment would otherwise point us at an interpreter without
   * NumPy. */
  PyConfig_InitIsolatedConfig (&config);
  status = PyConfig_SetBytesString (&config, &config.home, RETORT_PYTHON_HOME);
  if (!PyStatus_Exception (status))
    status = PyConfig_SetBytesString (&config, &config.program_name, RETORT_PYTHON_PROGRAM);
  if (!PyStatus_Exception (status))
    status = Py_InitializeFromConfig (&config);
  PyConfig_Clear (&config);
  if (!check_status (status, error))
    return NULL;

  convert = load_resource_module ("retort_convert", error);
  if (convert == NULL)
    return NULL;
  Py_DECREF (convert);

  harness = load_resource_module ("retort_harness", error);
  if (harness == NULL)
    return NULL;

  language = load_resource_module ("retort_language", error);
  if (language == NULL)
    return NULL;

  versions = PyObject_CallMethod (harness, "prepare", NULL);
  if (versions == NULL || !PyUnicode_Check (versions))
    {
      Py_XDECREF (versions);
      set_error_from_python (error, "importing NumPy, pandas and matplotlib");
      return NULL;
    }
  object = parse_object (PyUnicode_AsUTF8 (versions), error);
  Py_DECREF (versions);
  return object;
}

void
retort_runner_python_before_fork (void)
{
  PyOS_BeforeFork ();
}

void
retort_runner_python_after_fork (gboolean in_child)
{
  if (in_child)
    PyOS_AfterFork_Child ();
  else
    PyOS_AfterFork_Parent ();
}

char *
retort_runner_python_run (const char *request_json)
{
  PyObject *answer;
  char *text = NULL;

  g_return_val_if_fail (harness != NULL, NULL);

  answer = PyObject_CallMethod (harness, "run", "s", request_json);
  if (answer != NULL && PyUnicode_Check (answer))
    text = g_strdup (PyUnicode_AsUTF8 (answer));
  else
    PyErr_Print ();
  Py_XDECREF (answer);
  return text;
}

char *
retort_runner_python_language (const char *request_json)
{
  PyObject *answer;
  char *text = NULL;

  g_return_val_if_fail (language != NULL, NULL);

  answer = PyObject_CallMethod (language, "answer", "s", request_json);
  if (answer != NULL && PyUnicode_Check (answer))
    text = g_strdup (PyUnicode_AsUTF8 (answer));
  else
    PyErr_Print ();
  Py_XDECREF (answer);
  return text;
}

gboolean
retort_runner_python_warm_up (int request_fd)
{
  PyObject *more;
  gboolean again;

  g_return_val_if_fail (language != NULL, FALSE);

  more = PyObject_CallMethod (language, "warm_up", "i", request_fd);
  if (more == NULL)
    {
      PyErr_Print ();
      return FALSE;
    }
  again = PyObject_IsTrue (more) == 1;
  Py_DECREF (more);
  return again;
}
