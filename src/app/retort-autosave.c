/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-autosave"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "retort-autosave.h"
#include "retort-recovery.h"

struct _RetortAutosave
{
  GObject           parent_instance;

  RetortExperiment *experiment;
  char             *id;
  guint             timeout_source;
  /* A copy is on disk, and what it holds was not saved yet. */
  guint             has_copy : 1;
  /* Warned once about a failing write, not at every interval. */
  guint             warned : 1;
};

G_DEFINE_FINAL_TYPE (RetortAutosave, retort_autosave, G_TYPE_OBJECT)

guint
retort_autosave_get_interval (void)
{
  const char *env = g_getenv ("RETORT_AUTOSAVE_INTERVAL_MS");
  guint64 interval;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, G_MAXUINT, &interval, NULL))
    return (guint) interval;

  return RETORT_AUTOSAVE_DEFAULT_INTERVAL_MS;
}

static gboolean
write_info (RetortAutosave  *self,
            GError         **error)
{
  g_autoptr(GKeyFile) info = g_key_file_new ();
  g_autoptr(GFile) info_file = retort_recovery_dup_info_file (self->id);
  g_autofree char *path = g_file_get_path (info_file);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  GFile *original = retort_experiment_get_file (self->experiment);

  if (original != NULL)
    {
      g_autofree char *uri = g_file_get_uri (original);

      g_key_file_set_string (info, "Recovery", "Original", uri);
    }
  g_key_file_set_string (info, "Recovery", "Time", time);

  return g_key_file_save_to_file (info, path, error);
}

gboolean
retort_autosave_save_now (RetortAutosave  *self,
                          GError         **error)
{
  g_autofree char *dir = NULL;
  g_autoptr(GFile) copy = NULL;

  g_return_val_if_fail (RETORT_IS_AUTOSAVE (self), FALSE);

  g_clear_handle_id (&self->timeout_source, g_source_remove);
  if (self->experiment == NULL || !retort_experiment_get_modified (self->experiment))
    return TRUE;

  dir = retort_recovery_dup_dir ();
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *name = g_filename_display_name (dir);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create the folder “%s” for recovery copies: %s"),
                   name, g_strerror (saved_errno));
      return FALSE;
    }

  /* Documents are small: written here as the window loads them, on the
   * main thread, while the model cannot change under the writer. */
  copy = retort_recovery_dup_copy_file (self->id);
  if (!retort_experiment_save_copy (self->experiment, copy, error) || !write_info (self, error))
    return FALSE;

  self->has_copy = TRUE;
  self->warned = FALSE;
  return TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  RetortAutosave *self = user_data;
  g_autoptr(GError) error = NULL;

  self->timeout_source = 0;
  if (!retort_autosave_save_now (self, &error) && !self->warned)
    {
      g_warning ("Could not write a recovery copy: %s", error->message);
      self->warned = TRUE;
    }

  return G_SOURCE_REMOVE;
}

static void
delete_copy (RetortAutosave *self)
{
  g_autoptr(GFile) copy = retort_recovery_dup_copy_file (self->id);
  g_autoptr(GFile) info = retort_recovery_dup_info_file (self->id);

  g_clear_handle_id (&self->timeout_source, g_source_remove);
  if (!self->has_copy)
    return;
  (void) g_file_delete (copy, NULL, NULL);
  (void) g_file_delete (info, NULL, NULL);
  self->has_copy = FALSE;
}

static void
schedule (RetortAutosave *self)
{
  if (retort_experiment_get_modified (self->experiment))
    {
      if (self->timeout_source == 0)
        self->timeout_source = g_timeout_add (retort_autosave_get_interval (), timeout_cb, self);
    }
  else
    {
      /* Saved, or undone back to what is saved: the file holds it all. */
      delete_copy (self);
    }
}

static void
stop (RetortAutosave *self)
{
  g_clear_handle_id (&self->timeout_source, g_source_remove);
  if (self->experiment != NULL)
    g_signal_handlers_disconnect_by_data (self->experiment, self);
  g_clear_object (&self->experiment);
}

void
retort_autosave_discard (RetortAutosave *self)
{
  g_return_if_fail (RETORT_IS_AUTOSAVE (self));

  stop (self);
  self->has_copy = TRUE;
  delete_copy (self);
}

const char *
retort_autosave_get_id (RetortAutosave *self)
{
  g_return_val_if_fail (RETORT_IS_AUTOSAVE (self), NULL);

  return self->id;
}

static void
retort_autosave_dispose (GObject *object)
{
  RetortAutosave *self = RETORT_AUTOSAVE (object);

  /* A copy left on disk is what the next start offers to recover. */
  stop (self);

  G_OBJECT_CLASS (retort_autosave_parent_class)->dispose (object);
}

static void
retort_autosave_finalize (GObject *object)
{
  RetortAutosave *self = RETORT_AUTOSAVE (object);

  retort_recovery_release_id (self->id);
  g_clear_pointer (&self->id, g_free);

  G_OBJECT_CLASS (retort_autosave_parent_class)->finalize (object);
}

static void
retort_autosave_class_init (RetortAutosaveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = retort_autosave_dispose;
  object_class->finalize = retort_autosave_finalize;
}

static void
retort_autosave_init (RetortAutosave *self)
{
}

RetortAutosave *
retort_autosave_new (RetortExperiment *experiment,
                     const char       *id)
{
  RetortAutosave *self;

  g_return_val_if_fail (RETORT_IS_EXPERIMENT (experiment), NULL);

  self = g_object_new (RETORT_TYPE_AUTOSAVE, NULL);
  self->experiment = g_object_ref (experiment);
  self->id = id != NULL ? g_strdup (id) : g_uuid_string_random ();
  self->has_copy = id != NULL;
  retort_recovery_claim_id (self->id);

  g_signal_connect_object (experiment, "changed", G_CALLBACK (schedule), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (experiment, "notify::modified", G_CALLBACK (schedule), self,
                           G_CONNECT_SWAPPED);
  /* A recovered document starts with changes its copy already holds. */
  if (retort_experiment_get_modified (experiment))
    schedule (self);

  return self;
}
