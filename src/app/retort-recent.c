/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-recent"

#include "config.h"

#include "retort-recent.h"

void
retort_recent_add_experiment (GFile *file)
{
  g_autofree char *uri = NULL;
  GtkRecentData data = {
    .mime_type = (char *) RETORT_EXPERIMENT_MIME_TYPE,
    .app_name = (char *) g_get_application_name (),
    .app_exec = (char *) "retort %u",
  };

  g_return_if_fail (G_IS_FILE (file));

  uri = g_file_get_uri (file);
  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static gboolean
is_experiment (GtkRecentInfo *info)
{
  const char *mime_type = gtk_recent_info_get_mime_type (info);

  if (g_strcmp0 (mime_type, RETORT_EXPERIMENT_MIME_TYPE) == 0)
    return TRUE;

  return g_str_has_suffix (gtk_recent_info_get_uri (info), ".retort");
}

static int
compare_most_recent_first (gconstpointer a,
                           gconstpointer b)
{
  GtkRecentInfo *ia = *(GtkRecentInfo **) a;
  GtkRecentInfo *ib = *(GtkRecentInfo **) b;

  return g_date_time_compare (gtk_recent_info_get_modified (ib),
                              gtk_recent_info_get_modified (ia));
}

GPtrArray *
retort_recent_list_experiments (void)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  g_autoptr(GPtrArray) candidates =
    g_ptr_array_new_with_free_func ((GDestroyNotify) gtk_recent_info_unref);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) gtk_recent_info_unref);
  GList *items = gtk_recent_manager_get_items (manager);

  for (const GList *l = items; l != NULL; l = l->next)
    {
      GtkRecentInfo *info = l->data;

      if (is_experiment (info) && gtk_recent_info_is_local (info))
        g_ptr_array_add (candidates, gtk_recent_info_ref (info));
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);

  g_ptr_array_sort (candidates, compare_most_recent_first);
  /* One stat() of a local file per row shown: no slower than drawing it. */
  for (guint i = 0; i < candidates->len && found->len < RETORT_RECENT_MAX_ITEMS; i++)
    {
      GtkRecentInfo *info = g_ptr_array_index (candidates, i);

      if (gtk_recent_info_exists (info))
        g_ptr_array_add (found, gtk_recent_info_ref (info));
    }

  return found;
}

char *
retort_recent_dup_location (GtkRecentInfo *info)
{
  g_autoptr(GFile) file = g_file_new_for_uri (gtk_recent_info_get_uri (info));
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autoptr(GFile) home = g_file_new_for_path (g_get_home_dir ());
  g_autofree char *relative = NULL;

  if (parent == NULL)
    return g_strdup ("");
  if (g_file_equal (parent, home))
    return g_strdup ("~");
  if ((relative = g_file_get_relative_path (home, parent)) != NULL)
    return g_build_filename ("~", relative, NULL);

  return g_file_get_parse_name (parent);
}
