/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "retort-language-items.h"
#include "retort-python-sandbox.h"
#include "retort-script-job.h"
#include "retort-script-result.h"

G_BEGIN_DECLS

#define RETORT_TYPE_PYTHON_RUNNER (retort_python_runner_get_type ())

G_DECLARE_FINAL_TYPE (RetortPythonRunner, retort_python_runner, RETORT, PYTHON_RUNNER, GObject)

/* The client side of `retort-runner` (doc/runner-protocol.md). One runner
 * process per RetortPythonRunner, started on the first run (in the sandbox
 * unless turned off) and started again when it has died; runs go one at a
 * time, in the order they were asked for. Everything is asynchronous: the
 * main loop never waits for Python.
 *
 * The `console` signal (const char *stream, "stdout" or "stderr"; const
 * char *text) is emitted as the script writes, before the run completes. */
RetortPythonRunner *retort_python_runner_new                (void);

/* The runner program: $RETORT_RUNNER, else the installed one. */
const char         *retort_python_runner_get_program        (RetortPythonRunner   *self);
void                retort_python_runner_set_program        (RetortPythonRunner   *self,
                                                             const char           *path);

/* TRUE by default; RETORT_NO_SANDBOX=1 turns it off too. Takes effect
 * when the runner process next starts. */
void                retort_python_runner_set_sandbox_enabled (RetortPythonRunner  *self,
                                                             gboolean              enabled);
gboolean            retort_python_runner_get_sandbox_enabled (RetortPythonRunner  *self);
/* How the running runner process is confined (NONE before the first run). */
RetortPythonSandboxMode retort_python_runner_get_sandbox_mode (RetortPythonRunner *self);

/* Starts the runner process now if none is running, so that a first
 * request does not wait for Python to start and import its libraries
 * (about a second). */
void                retort_python_runner_prepare            (RetortPythonRunner   *self);
/* The process started for the runner (bwrap's when sandboxed: killing it
 * takes the runner down), or 0 when none is running. */
GPid                retort_python_runner_get_pid            (RetortPythonRunner   *self);
/* Where run directories are made; NULL before the first run. */
const char         *retort_python_runner_get_session_dir    (RetortPythonRunner   *self);

/* Runs @job. See retort-script-result.h for what _finish() returns: a
 * result for every outcome of the script (check get_failed()), a GError
 * only when there was none (cancelled, bundle refused, runner broken).
 * Cancelling @cancellable stops the script at once (its process is killed)
 * and the run completes with G_IO_ERROR_CANCELLED. */
void                retort_python_runner_run_async          (RetortPythonRunner   *self,
                                                             RetortScriptJob      *job,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
RetortScriptResult *retort_python_runner_run_finish         (RetortPythonRunner   *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

/* Language services for the script editor, computed by the runner (the
 * GUI never loads Python): @source is compiled or parsed there, never run.
 * They are answered while a run is going on too, quickly (well under a
 * second), and do not wait for runs or for each other; before the runner
 * has started they wait for it (and start it). A cancelled request
 * completes at once with G_IO_ERROR_CANCELLED, and its late answer is
 * dropped.
 *
 * check: _finish() returns the issues of @source, a GPtrArray of
 * RetortSyntaxIssue (transfer full; empty when it compiles), or NULL with
 * @error when the runner could not answer. */
void                retort_python_runner_check_async        (RetortPythonRunner   *self,
                                                             const char           *source,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
GPtrArray          *retort_python_runner_check_finish       (RetortPythonRunner   *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

/* complete: what may go at @line, @column of @source (both 1-based, in
 * characters; the cursor is before the character at @column), a
 * GPtrArray of RetortCompletionItem (transfer full; at most 200, maybe
 * empty), best first. Column names of the connected inputs are not the
 * runner's business: the editor adds them itself. */
void                retort_python_runner_complete_async     (RetortPythonRunner   *self,
                                                             const char           *source,
                                                             int                   line,
                                                             int                   column,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
GPtrArray          *retort_python_runner_complete_finish    (RetortPythonRunner   *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

G_END_DECLS
