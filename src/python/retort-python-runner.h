/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

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

G_END_DECLS
