/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "retort-table.h"

G_BEGIN_DECLS

#define RETORT_PYTHON_ERROR (retort_python_error_quark ())

/* One code per way a run can fail (doc/runner-protocol.md, error kinds). */
typedef enum
{
  RETORT_PYTHON_ERROR_SCRIPT,     /* the script raised: Error 0085 */
  RETORT_PYTHON_ERROR_SYNTAX,     /* the script does not compile */
  RETORT_PYTHON_ERROR_CONTRACT,   /* no azureml_main, or it returned something else */
  RETORT_PYTHON_ERROR_TIMEOUT,    /* the wall-time limit passed */
  RETORT_PYTHON_ERROR_MEMORY,     /* the memory limit was hit */
  RETORT_PYTHON_ERROR_CRASHED,    /* the Python process died on a signal or without a result */
  RETORT_PYTHON_ERROR_CANCELLED,  /* never returned by _finish (that is G_IO_ERROR_CANCELLED) */
  RETORT_PYTHON_ERROR_BUNDLE,     /* the Script Bundle zip was refused */
  RETORT_PYTHON_ERROR_RUNNER,     /* the runner could not be started or broke the protocol */
} RetortPythonError;

GQuark retort_python_error_quark (void);

/* One frame of a Python traceback, outermost first. */
typedef struct
{
  char *file;      /* the script name or a bundle module's path */
  int   line;
  char *function;
  char *code;      /* the source line, or NULL */
} RetortTracebackFrame;

/* What a run produced. retort_python_runner_run_finish() returns one for
 * every run the script itself decided — success or failure:
 *
 *  - success: get_failed() is FALSE; the Result Dataset (output 1) and the
 *    Python Device (console text and PNG images, output 2) are here;
 *  - the script failed (an exception, a syntax error, a broken contract,
 *    a limit, a crash): get_failed() is TRUE, get_error() says which
 *    (RETORT_PYTHON_ERROR_SCRIPT ... _CRASHED) with the message the user
 *    sees, and the details — Python's exception type and message, the
 *    traceback, the line to jump to — are here too, next to the console
 *    text printed before the failure.
 *
 * _finish() returns NULL and a GError only when there is no script outcome
 * at all: G_IO_ERROR_CANCELLED when the run was cancelled,
 * RETORT_PYTHON_ERROR_BUNDLE when the bundle was refused before running,
 * RETORT_PYTHON_ERROR_RUNNER when the runner could not be started or broke
 * the protocol. */
typedef struct _RetortScriptResult RetortScriptResult;

GType               retort_script_result_get_type         (void) G_GNUC_CONST;
RetortScriptResult *retort_script_result_ref              (RetortScriptResult *result);
void                retort_script_result_unref            (RetortScriptResult *result);

/* Output 1; a table with no columns and no rows when the script returned
 * None or an empty sequence, or failed. Never NULL. */
RetortTable        *retort_script_result_get_table        (RetortScriptResult *result);
/* Output 2: PNG data (GBytes), in creation order. */
GPtrArray          *retort_script_result_get_images       (RetortScriptResult *result);
/* stdout and stderr interleaved as the script wrote them. */
const char         *retort_script_result_get_console      (RetortScriptResult *result);
guint64             retort_script_result_get_elapsed_ms   (RetortScriptResult *result);

gboolean            retort_script_result_get_failed       (RetortScriptResult *result);
/* NULL on success; else RETORT_PYTHON_ERROR with the text the user sees
 * ("Error 0085: Error during evaluation of script. ..."). */
const GError       *retort_script_result_get_error        (RetortScriptResult *result);
/* "ZeroDivisionError" and "division by zero"; NULL when not an exception. */
const char         *retort_script_result_get_error_type   (RetortScriptResult *result);
const char         *retort_script_result_get_message      (RetortScriptResult *result);
/* RetortTracebackFrame*, outermost first; empty when there is none. */
GPtrArray          *retort_script_result_get_traceback    (RetortScriptResult *result);
/* The line of the user's script to show in the editor, or 0; the column
 * (syntax errors, 1-based) or 0; the signal that killed the process or 0. */
int                 retort_script_result_get_line         (RetortScriptResult *result);
int                 retort_script_result_get_column       (RetortScriptResult *result);
int                 retort_script_result_get_signal       (RetortScriptResult *result);

/* A readable report of a failure: the error text, the traceback with line
 * numbers, and where to jump ("line N"). NULL on success. */
char               *retort_script_result_format_error     (RetortScriptResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortScriptResult, retort_script_result_unref)

G_END_DECLS
