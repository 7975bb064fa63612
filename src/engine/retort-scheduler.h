/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "retort-engine-types.h"
#include "retort-experiment.h"
#include "retort-module-run.h"

G_BEGIN_DECLS

#define RETORT_TYPE_SCHEDULER (retort_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (RetortScheduler, retort_scheduler, RETORT, SCHEDULER, GObject)

/*
 * Runs an experiment: modules in topological order, independent ones in
 * parallel (at most the number of cores at once), Python modules in the
 * warm runner. Each output is cached under a hash of (kind, parameters,
 * script, input hashes): running again re-runs only what changed and what
 * is downstream of it; the cache lives in the XDG cache directory, so
 * reopening a document does not recompute everything. A failing module
 * stops only its downstream; cancelling stops everything within a second.
 *
 * Signals (on the main context the scheduler was created on):
 *   state-changed (const char *module_id, RetortModuleState state)
 *   console (const char *module_id, const char *stream, const char *text)
 *   progress (const char *module_id, double fraction): 0.0 when a module
 *     starts running, 1.0 when it finished or came from the cache, and what
 *     the kind reports in between
 */
RetortScheduler   *retort_scheduler_new            (RetortExperiment   *experiment);

/* The experiment it runs. */
RetortExperiment  *retort_scheduler_get_experiment (RetortScheduler    *self);

/* Default: $XDG_CACHE_HOME/retort/outputs. NULL: no cache at all. */
void               retort_scheduler_set_cache_dir  (RetortScheduler    *self,
                                                    const char         *dir);
void               retort_scheduler_set_max_parallel (RetortScheduler  *self,
                                                    guint               n);
/* Starts a Python runner now when the experiment has a module that runs
 * Python and none is running, so that the first run does not wait for
 * Python to start (about a second). The runner's process, or 0. */
GPid               retort_scheduler_prepare        (RetortScheduler    *self);

/* Runs @module_ids and what they need (NULL: every module). Completes
 * with FALSE and an error naming the first failed module when any failed;
 * G_IO_ERROR_CANCELLED when cancelled. One run at a time. */
void               retort_scheduler_run_async      (RetortScheduler    *self,
                                                    const char * const *module_ids,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
gboolean           retort_scheduler_run_finish     (RetortScheduler    *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);

RetortModuleState  retort_scheduler_get_state      (RetortScheduler    *self,
                                                    const char         *module_id);
/* The module's last run (outputs, Python details), or NULL. */
RetortModuleRun   *retort_scheduler_get_run        (RetortScheduler    *self,
                                                    const char         *module_id);
/* Why the module failed, or NULL. */
const GError      *retort_scheduler_get_error      (RetortScheduler    *self,
                                                    const char         *module_id);
/* How long its last run took (0 when cached). */
gint64             retort_scheduler_get_elapsed_us (RetortScheduler    *self,
                                                    const char         *module_id);

G_END_DECLS
