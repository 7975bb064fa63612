/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "retort-module-run.h"
#include "retort-csv.h"

G_BEGIN_DECLS

/* Helpers the module kinds share (retort-*-module.c). */

/* Work a kind does off the main context; it reads @run's inputs and
 * parameters (fixed while it runs) and sets its outputs. */
typedef gboolean (*RetortModuleThreadFunc) (RetortModuleRun  *run,
                                            GCancellable     *cancellable,
                                            GError          **error);

/* Runs @func on a worker thread in a GTask tagged @source_tag; complete
 * with _retort_module_run_task_finish(). */
void          _retort_module_run_in_thread       (RetortModuleRun         *run,
                                                  gpointer                 source_tag,
                                                  RetortModuleThreadFunc   func,
                                                  GCancellable            *cancellable,
                                                  GAsyncReadyCallback      callback,
                                                  gpointer                 user_data);
/* Same, but @func runs at once on the calling thread (cheap kinds). */
void          _retort_module_run_in_place        (RetortModuleRun         *run,
                                                  gpointer                 source_tag,
                                                  RetortModuleThreadFunc   func,
                                                  GCancellable            *cancellable,
                                                  GAsyncReadyCallback      callback,
                                                  gpointer                 user_data);
/* A run_finish for every kind whose task returns a boolean. */
gboolean      _retort_module_run_task_finish     (RetortModuleRun         *run,
                                                  GAsyncResult            *result,
                                                  GError                 **error);

/* The table on input @port, or an error naming the port when it is not
 * connected. */
RetortTable  *_retort_module_run_require_table   (RetortModuleRun         *run,
                                                  guint                    port,
                                                  GError                 **error);

/* @path made absolute: relative paths start at the document's folder, or
 * at the current directory for an unsaved experiment. NULL and an error
 * when @param is empty. */
char         *_retort_module_run_resolve_path    (RetortModuleRun         *run,
                                                  const char              *param,
                                                  GError                 **error);

/* "auto" -> 0, "tab" -> '\t', else the character itself. */
char          _retort_module_run_get_delimiter   (RetortModuleRun         *run,
                                                  const char              *param);

/* Where stderr's text lies in @console (a [start, end) byte range per
 * piece, in order), when @run kept what it printed stream by stream and
 * that is @console; else NULL. For the output cache. */
GArray       *_retort_module_run_dup_stderr_ranges (RetortModuleRun       *run,
                                                    const char            *console);
/* Makes @run's console pieces (retort_module_run_get_console_chunk) those
 * of @console with @ranges (as above) on stderr: a cached run's console. */
void          _retort_module_run_restore_console   (RetortModuleRun       *run,
                                                    const char            *console,
                                                    GArray                *ranges);

/* The choices of the delimiter parameters. */
extern const char * const _retort_delimiter_choices[];
extern const char * const _retort_write_delimiter_choices[];

G_END_DECLS
