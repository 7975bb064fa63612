/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-python"

#include "config.h"

#include "retort-script-job.h"

struct _RetortScriptJob
{
  gatomicrefcount  ref_count;
  char            *script;
  char            *script_name;
  RetortTable     *inputs[2];
  char            *bundle;
  guint64          bundle_max_size;
  guint            bundle_max_files;
  guint            timeout_s;
  guint            memory_mb;
  gsize            console_limit;
};

G_DEFINE_BOXED_TYPE (RetortScriptJob, retort_script_job, retort_script_job_ref, retort_script_job_unref)

/* g_set_str() is GLib 2.76; Debian 12 has 2.74. */
static void
replace_str (char       **slot,
             const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*slot);
  *slot = copy;
}

RetortScriptJob *
retort_script_job_new (const char *script)
{
  RetortScriptJob *job;

  g_return_val_if_fail (script != NULL, NULL);

  job = g_new0 (RetortScriptJob, 1);
  g_atomic_ref_count_init (&job->ref_count);
  job->script = g_strdup (script);
  job->script_name = g_strdup ("script.py");
  job->bundle_max_size = RETORT_SCRIPT_JOB_DEFAULT_BUNDLE_MAX_SIZE;
  job->bundle_max_files = RETORT_SCRIPT_JOB_DEFAULT_BUNDLE_MAX_FILES;
  job->timeout_s = RETORT_SCRIPT_JOB_DEFAULT_TIMEOUT_S;
  job->memory_mb = RETORT_SCRIPT_JOB_DEFAULT_MEMORY_MB;
  job->console_limit = RETORT_SCRIPT_JOB_DEFAULT_CONSOLE_LIMIT;

  return job;
}

RetortScriptJob *
retort_script_job_ref (RetortScriptJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);

  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

void
retort_script_job_unref (RetortScriptJob *job)
{
  g_return_if_fail (job != NULL);

  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;

  g_free (job->script);
  g_free (job->script_name);
  for (guint i = 0; i < G_N_ELEMENTS (job->inputs); i++)
    g_clear_pointer (&job->inputs[i], retort_table_unref);
  g_free (job->bundle);
  g_free (job);
}

const char *
retort_script_job_get_script (RetortScriptJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);

  return job->script;
}

void
retort_script_job_set_script_name (RetortScriptJob *job,
                                   const char      *name)
{
  g_autofree char *base = NULL;

  g_return_if_fail (job != NULL);

  /* The name becomes a file in the run directory: never a path. */
  base = name != NULL ? g_path_get_basename (name) : NULL;
  if (base == NULL || g_str_equal (base, ".") || g_str_equal (base, "..") ||
      g_str_equal (base, G_DIR_SEPARATOR_S))
    replace_str (&job->script_name, "script.py");
  else
    replace_str (&job->script_name, base);
}

const char *
retort_script_job_get_script_name (RetortScriptJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);

  return job->script_name;
}

void
retort_script_job_set_input (RetortScriptJob *job,
                             guint            port,
                             RetortTable     *table)
{
  g_return_if_fail (job != NULL);
  g_return_if_fail (port == 1 || port == 2);

  if (table != NULL)
    retort_table_ref (table);
  g_clear_pointer (&job->inputs[port - 1], retort_table_unref);
  job->inputs[port - 1] = table;
}

RetortTable *
retort_script_job_get_input (RetortScriptJob *job,
                             guint            port)
{
  g_return_val_if_fail (job != NULL, NULL);
  g_return_val_if_fail (port == 1 || port == 2, NULL);

  return job->inputs[port - 1];
}

void
retort_script_job_set_bundle (RetortScriptJob *job,
                              const char      *zip_path)
{
  g_return_if_fail (job != NULL);

  replace_str (&job->bundle, zip_path);
}

const char *
retort_script_job_get_bundle (RetortScriptJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);

  return job->bundle;
}

void
retort_script_job_set_bundle_limits (RetortScriptJob *job,
                                     guint64          max_size,
                                     guint            max_files)
{
  g_return_if_fail (job != NULL);

  job->bundle_max_size = max_size;
  job->bundle_max_files = max_files;
}

guint64
retort_script_job_get_bundle_max_size (RetortScriptJob *job)
{
  g_return_val_if_fail (job != NULL, 0);

  return job->bundle_max_size;
}

guint
retort_script_job_get_bundle_max_files (RetortScriptJob *job)
{
  g_return_val_if_fail (job != NULL, 0);

  return job->bundle_max_files;
}

void
retort_script_job_set_timeout (RetortScriptJob *job,
                               guint            seconds)
{
  g_return_if_fail (job != NULL);
  g_return_if_fail (seconds > 0);

  job->timeout_s = seconds;
}

guint
retort_script_job_get_timeout (RetortScriptJob *job)
{
  g_return_val_if_fail (job != NULL, 0);

  return job->timeout_s;
}

void
retort_script_job_set_memory_limit (RetortScriptJob *job,
                                    guint            megabytes)
{
  g_return_if_fail (job != NULL);
  g_return_if_fail (megabytes > 0);

  job->memory_mb = megabytes;
}

guint
retort_script_job_get_memory_limit (RetortScriptJob *job)
{
  g_return_val_if_fail (job != NULL, 0);

  return job->memory_mb;
}

void
retort_script_job_set_console_limit (RetortScriptJob *job,
                                     gsize            bytes)
{
  g_return_if_fail (job != NULL);

  job->console_limit = bytes;
}

gsize
retort_script_job_get_console_limit (RetortScriptJob *job)
{
  g_return_val_if_fail (job != NULL, 0);

  return job->console_limit;
}
