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

/* In the server process: the answer to a `check` or `complete` request
 * (the JSON of a `checked`, `completions` or `error` event, with the
 * request's "id"), or NULL when the language service itself failed. The
 * source is compiled or parsed, never run; the answer comes within about
 * half a second (doc/runner-protocol.md, Language services). */
char       *retort_runner_python_language    (const char  *request_json);

/* In the server process, while it is idle: one step of preparing the
 * completion engine (parsing the libraries' stubs, a second or two), cut
 * short as soon as @request_fd has something to read. Returns TRUE while
 * there are more steps. */
gboolean    retort_runner_python_warm_up     (int          request_fd);

G_END_DECLS
