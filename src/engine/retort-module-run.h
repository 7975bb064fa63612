/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "retort-engine-types.h"
#include "retort-module-kind.h"
#include "retort-python-lib.h"
#include "retort-table-lib.h"

G_BEGIN_DECLS

/* One execution of one module: a snapshot of its parameters, its inputs,
 * and the outputs it produces. Kinds read inputs and parameters and set
 * outputs; the scheduler does the rest (caching, states, events). */

RetortModuleRun        *retort_module_run_new             (const RetortModuleKind *kind,
                                                           const char             *module_id,
                                                           const char             *title,
                                                           JsonObject             *parameters,
                                                           RetortExperiment       *experiment);
RetortModuleRun        *retort_module_run_ref             (RetortModuleRun        *run);
void                    retort_module_run_unref           (RetortModuleRun        *run);

const RetortModuleKind *retort_module_run_get_kind        (RetortModuleRun        *run);
const char             *retort_module_run_get_module_id   (RetortModuleRun        *run);
const char             *retort_module_run_get_title       (RetortModuleRun        *run);

/* Parameters as they were when the run was scheduled. */
JsonObject             *retort_module_run_get_parameters  (RetortModuleRun        *run);
const char             *retort_module_run_get_string      (RetortModuleRun        *run,
                                                           const char             *name);
gint64                  retort_module_run_get_int         (RetortModuleRun        *run,
                                                           const char             *name);
double                  retort_module_run_get_double      (RetortModuleRun        *run,
                                                           const char             *name);
gboolean                retort_module_run_get_bool        (RetortModuleRun        *run,
                                                           const char             *name);
char                  **retort_module_run_dup_strv        (RetortModuleRun        *run,
                                                           const char             *name);

/* Inputs (set by the scheduler before running): NULL when the port is not
 * connected. */
void                    retort_module_run_set_input_table (RetortModuleRun        *run,
                                                           guint                   port,
                                                           RetortTable            *table);
void                    retort_module_run_set_input_bytes (RetortModuleRun        *run,
                                                           guint                   port,
                                                           GBytes                 *zip);
RetortTable            *retort_module_run_get_input_table (RetortModuleRun        *run,
                                                           guint                   port);
GBytes                 *retort_module_run_get_input_bytes (RetortModuleRun        *run,
                                                           guint                   port);

/* The document: embedded data, and the folder relative paths start from
 * (NULL for an unsaved experiment). */
GBytes                 *retort_module_run_get_dataset     (RetortModuleRun        *run,
                                                           const char             *name);
GFile                  *retort_module_run_get_base_dir    (RetortModuleRun        *run);

/* The Python runner the scheduler shares between Python modules. */
void                    retort_module_run_set_python      (RetortModuleRun        *run,
                                                           RetortPythonRunner     *python);
RetortPythonRunner     *retort_module_run_get_python      (RetortModuleRun        *run);

/* Outputs. */
void                    retort_module_run_set_output_table (RetortModuleRun       *run,
                                                            guint                  port,
                                                            RetortTable           *table);
void                    retort_module_run_set_output_bytes (RetortModuleRun       *run,
                                                            guint                  port,
                                                            GBytes                *zip);
/* Python Device: console text and PNG images (GBytes each). */
void                    retort_module_run_set_output_device (RetortModuleRun      *run,
                                                             guint                 port,
                                                             const char           *console,
                                                             GPtrArray            *images);
RetortTable            *retort_module_run_get_output_table (RetortModuleRun       *run,
                                                            guint                  port);
GBytes                 *retort_module_run_get_output_bytes (RetortModuleRun       *run,
                                                            guint                  port);
const char             *retort_module_run_get_output_console (RetortModuleRun     *run,
                                                              guint                port);
GPtrArray              *retort_module_run_get_output_images (RetortModuleRun      *run,
                                                             guint                 port);

/* Live console output while running: calls the handler set by the
 * scheduler (stream is "stdout" or "stderr"). */
typedef void (*RetortConsoleFunc) (RetortModuleRun *run,
                                   const char      *stream,
                                   const char      *text,
                                   gpointer         user_data);
void                    retort_module_run_set_console_func (RetortModuleRun      *run,
                                                            RetortConsoleFunc     func,
                                                            gpointer              user_data);
void                    retort_module_run_console         (RetortModuleRun        *run,
                                                           const char             *stream,
                                                           const char             *text);
/* What the run printed as it ran, one piece per change of stream (index
 * from 0; NULL past the last): a finished run's console with its streams
 * told apart. A run read back from the cache has none. */
const char             *retort_module_run_get_console_chunk (RetortModuleRun      *run,
                                                             guint                 index,
                                                             gboolean             *is_stderr);

/* Progress while running, 0.0 to 1.0: kinds that know how far they are
 * call retort_module_run_set_progress(), from any thread; the handler set
 * by the scheduler is called on the main context the handler was set on. */
typedef void (*RetortProgressFunc) (RetortModuleRun *run,
                                    double           fraction,
                                    gpointer         user_data);
void                    retort_module_run_set_progress_func (RetortModuleRun     *run,
                                                             RetortProgressFunc   func,
                                                             gpointer             user_data);
void                    retort_module_run_set_progress    (RetortModuleRun        *run,
                                                           double                  fraction);

/* A failed Python run keeps its details for the UI (traceback, line). */
void                    retort_module_run_set_script_result (RetortModuleRun      *run,
                                                             RetortScriptResult   *result);
RetortScriptResult     *retort_module_run_get_script_result (RetortModuleRun      *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortModuleRun, retort_module_run_unref)

G_END_DECLS
