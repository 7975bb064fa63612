/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The embedded interpreter: isolated from the environment (PYTHONHOME,
 * PYTHONPATH, pyenv), with `_retort` built in, the harness loaded from the
 * GResource and NumPy, pandas and matplotlib imported. Returns the versions
 * for `hello` ("python", "numpy", "pandas", "matplotlib"). */
JsonObject *retort_runner_python_start       (GError     **error);

/* Around fork(), so that Python's own state (locks, at-fork hooks such as
 * reseeding `random`) stays right in both processes. */
void        retort_runner_python_before_fork (void);
void        retort_runner_python_after_fork  (gboolean     in_child);

/* In a run child: the harness's answer to @request_json, the JSON of a
 * `result` or `error` event without "id", or NULL when the harness itself
 * failed (the traceback went to stderr). */
char       *retort_runner_python_run         (const char  *request_json);

G_END_DECLS
