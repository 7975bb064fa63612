/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "retort-table.h"

G_BEGIN_DECLS

/* What one Execute Python Script run needs: the script, its inputs and its
 * limits. A plain reference-counted record; set everything before handing
 * it to retort_python_runner_run_async(), which takes a reference and
 * reads it from then on (do not change a job that is running). */
typedef struct _RetortScriptJob RetortScriptJob;

#define RETORT_SCRIPT_JOB_DEFAULT_TIMEOUT_S          600
#define RETORT_SCRIPT_JOB_DEFAULT_MEMORY_MB          4096
#define RETORT_SCRIPT_JOB_DEFAULT_CONSOLE_LIMIT      ((gsize) 1 << 20)
#define RETORT_SCRIPT_JOB_DEFAULT_BUNDLE_MAX_SIZE    ((guint64) 512 << 20)
#define RETORT_SCRIPT_JOB_DEFAULT_BUNDLE_MAX_FILES   10000

GType            retort_script_job_get_type              (void) G_GNUC_CONST;

RetortScriptJob *retort_script_job_new                   (const char      *script);
RetortScriptJob *retort_script_job_ref                   (RetortScriptJob *job);
void             retort_script_job_unref                 (RetortScriptJob *job);

const char      *retort_script_job_get_script            (RetortScriptJob *job);

/* The file name tracebacks show; "script.py" by default. A bare name: any
 * directory part is dropped. */
void             retort_script_job_set_script_name       (RetortScriptJob *job,
                                                          const char      *name);
const char      *retort_script_job_get_script_name       (RetortScriptJob *job);

/* @port is 1 (Dataset1) or 2 (Dataset2); NULL means not connected. */
void             retort_script_job_set_input             (RetortScriptJob *job,
                                                          guint            port,
                                                          RetortTable     *table);
RetortTable     *retort_script_job_get_input             (RetortScriptJob *job,
                                                          guint            port);

/* The Script Bundle (port 3): a zip unpacked into "Script Bundle/" in the
 * run's working directory. NULL when not connected. */
void             retort_script_job_set_bundle            (RetortScriptJob *job,
                                                          const char      *zip_path);
const char      *retort_script_job_get_bundle            (RetortScriptJob *job);
/* Refuse bundles that unpack to more bytes or more entries than this. */
void             retort_script_job_set_bundle_limits     (RetortScriptJob *job,
                                                          guint64          max_size,
                                                          guint            max_files);
guint64          retort_script_job_get_bundle_max_size   (RetortScriptJob *job);
guint            retort_script_job_get_bundle_max_files  (RetortScriptJob *job);

void             retort_script_job_set_timeout           (RetortScriptJob *job,
                                                          guint            seconds);
guint            retort_script_job_get_timeout           (RetortScriptJob *job);
void             retort_script_job_set_memory_limit      (RetortScriptJob *job,
                                                          guint            megabytes);
guint            retort_script_job_get_memory_limit      (RetortScriptJob *job);
/* Console output beyond this many bytes is dropped, with a note. */
void             retort_script_job_set_console_limit     (RetortScriptJob *job,
                                                          gsize            bytes);
gsize            retort_script_job_get_console_limit     (RetortScriptJob *job);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortScriptJob, retort_script_job_unref)

G_END_DECLS
