/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-recovery"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "retort-recovery.h"

#define COPY_SUFFIX ".retort"
#define INFO_SUFFIX ".ini"
#define INFO_GROUP "Recovery"

struct _RetortRecovery
{
  GObject    parent_instance;

  char      *id;
  GFile     *original;
  GDateTime *time;
};

G_DEFINE_FINAL_TYPE (RetortRecovery, retort_recovery, G_TYPE_OBJECT)

/* Touched on the main thread only; the listing thread gets a copy. */
static GHashTable *claimed_ids;

static void
retort_recovery_finalize (GObject *object)
{
  RetortRecovery *self = RETORT_RECOVERY (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_object (&self->original);
  g_clear_pointer (&self->time, g_date_time_unref);

  G_OBJECT_CLASS (retort_recovery_parent_class)->finalize (object);
}

static void
retort_recovery_class_init (RetortRecoveryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = retort_recovery_finalize;
}

static void
retort_recovery_init (RetortRecovery *self)
{
}

char *
retort_recovery_dup_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "retort", "recovery", NULL);
}

static GFile *
dup_file (const char *id,
          const char *suffix)
{
  g_autofree char *dir = retort_recovery_dup_dir ();
  g_autofree char *basename = g_strconcat (id, suffix, NULL);
  g_autofree char *path = g_build_filename (dir, basename, NULL);

  return g_file_new_for_path (path);
}

GFile *
retort_recovery_dup_copy_file (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  return dup_file (id, COPY_SUFFIX);
}

GFile *
retort_recovery_dup_info_file (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  return dup_file (id, INFO_SUFFIX);
}

void
retort_recovery_claim_id (const char *id)
{
  g_return_if_fail (id != NULL);

  if (claimed_ids == NULL)
    claimed_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (claimed_ids, g_strdup (id));
}

void
retort_recovery_release_id (const char *id)
{
  g_return_if_fail (id != NULL);

  if (claimed_ids != NULL)
    g_hash_table_remove (claimed_ids, id);
}

/* A copy without its .ini (a crash between the two writes) stands for an
 * untitled document written when the copy was. */
static RetortRecovery *
read_recovery (const char *id)
{
  g_autoptr(RetortRecovery) self = g_object_new (RETORT_TYPE_RECOVERY, NULL);
  g_autoptr(GFile) copy = retort_recovery_dup_copy_file (id);
  g_autoptr(GFile) info_file = retort_recovery_dup_info_file (id);
  g_autofree char *info_path = g_file_get_path (info_file);
  g_autoptr(GKeyFile) info = g_key_file_new ();
  g_autoptr(GFileInfo) copy_info = NULL;
  g_autofree char *original = NULL;
  g_autofree char *time = NULL;

  copy_info = g_file_query_info (copy, G_FILE_ATTRIBUTE_TIME_MODIFIED, G_FILE_QUERY_INFO_NONE,
                                 NULL, NULL);
  if (copy_info == NULL)
    return NULL;

  self->id = g_strdup (id);
  if (g_key_file_load_from_file (info, info_path, G_KEY_FILE_NONE, NULL))
    {
      original = g_key_file_get_string (info, INFO_GROUP, "Original", NULL);
      time = g_key_file_get_string (info, INFO_GROUP, "Time", NULL);
    }
  if (original != NULL && *original != '\0')
    self->original = g_file_new_for_uri (original);
  if (time != NULL)
    self->time = g_date_time_new_from_iso8601 (time, NULL);
  if (self->time == NULL)
    self->time = g_file_info_get_modification_date_time (copy_info);
  if (self->time == NULL)
    self->time = g_date_time_new_now_utc ();

  return g_steal_pointer (&self);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  RetortRecovery *ra = *(RetortRecovery **) a;
  RetortRecovery *rb = *(RetortRecovery **) b;

  return g_date_time_compare (rb->time, ra->time);
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GHashTable *claimed = task_data;
  g_autofree char *path = retort_recovery_dup_dir ();
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  GFileInfo *info;

  enumerator = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable,
                                          &error);
  if (enumerator == NULL)
    {
      /* No folder: nothing was ever left unsaved. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify) g_ptr_array_unref);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  while ((info = g_file_enumerator_next_file (enumerator, cancellable, &error)) != NULL)
    {
      g_autoptr(GFileInfo) owned = info;
      const char *name = g_file_info_get_name (info);
      g_autofree char *id = NULL;
      RetortRecovery *recovery;

      if (!g_str_has_suffix (name, COPY_SUFFIX))
        continue;
      id = g_strndup (name, strlen (name) - strlen (COPY_SUFFIX));
      /* Temporary files of an atomic save in progress start with a dot. */
      if (*id == '\0' || *id == '.' || g_hash_table_contains (claimed, id))
        continue;
      if ((recovery = read_recovery (id)) != NULL)
        g_ptr_array_add (found, recovery);
    }
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_ptr_array_sort (found, compare_newest_first);
  g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify) g_ptr_array_unref);
}

void
retort_recovery_list_async (GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GHashTable *claimed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (claimed_ids != NULL)
    {
      GHashTableIter iter;
      gpointer id;

      g_hash_table_iter_init (&iter, claimed_ids);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        g_hash_table_add (claimed, g_strdup (id));
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, retort_recovery_list_async);
  g_task_set_task_data (task, claimed, (GDestroyNotify) g_hash_table_unref);
  g_task_run_in_thread (task, list_thread);
}

GPtrArray *
retort_recovery_list_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == retort_recovery_list_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
retort_recovery_get_id (RetortRecovery *self)
{
  g_return_val_if_fail (RETORT_IS_RECOVERY (self), NULL);

  return self->id;
}

GFile *
retort_recovery_get_original (RetortRecovery *self)
{
  g_return_val_if_fail (RETORT_IS_RECOVERY (self), NULL);

  return self->original;
}

GDateTime *
retort_recovery_get_time (RetortRecovery *self)
{
  g_return_val_if_fail (RETORT_IS_RECOVERY (self), NULL);

  return self->time;
}

char *
retort_recovery_dup_display_name (RetortRecovery *self)
{
  g_autofree char *basename = NULL;

  g_return_val_if_fail (RETORT_IS_RECOVERY (self), NULL);

  if (self->original == NULL)
    return g_strdup (_("Untitled Experiment"));

  basename = g_file_get_basename (self->original);
  return g_filename_display_name (basename);
}

RetortExperiment *
retort_recovery_load (RetortRecovery  *self,
                      GError         **error)
{
  g_autoptr(GFile) copy = NULL;
  g_autoptr(RetortExperiment) experiment = NULL;

  g_return_val_if_fail (RETORT_IS_RECOVERY (self), NULL);

  copy = retort_recovery_dup_copy_file (self->id);
  experiment = retort_experiment_load (copy, error);
  if (experiment == NULL)
    return NULL;

  retort_experiment_mark_unsaved (experiment, self->original);

  return g_steal_pointer (&experiment);
}

void
retort_recovery_discard (RetortRecovery *self)
{
  g_autoptr(GFile) copy = NULL;
  g_autoptr(GFile) info = NULL;

  g_return_if_fail (RETORT_IS_RECOVERY (self));

  copy = retort_recovery_dup_copy_file (self->id);
  info = retort_recovery_dup_info_file (self->id);
  /* Small local files: deleting them takes no time worth a thread. */
  (void) g_file_delete (copy, NULL, NULL);
  (void) g_file_delete (info, NULL, NULL);
}
