/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-start-page"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-recent.h"
#include "retort-start-page.h"

struct _RetortStartPage
{
  AdwBin      parent_instance;

  /* Template widgets */
  GtkWidget  *recent_group;
  GtkListBox *recent_list;
};

G_DEFINE_FINAL_TYPE (RetortStartPage, retort_start_page, ADW_TYPE_BIN)

static GtkWidget *
create_row (GtkRecentInfo *info)
{
  g_autofree char *location = retort_recent_dup_location (info);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("go-next-symbolic");

  /* Names are file names, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 gtk_recent_info_get_display_name (info));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), location);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.open-recent");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", gtk_recent_info_get_uri (info));
  gtk_widget_set_tooltip_text (row, location);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);

  return row;
}

static void
retort_start_page_update_recent (RetortStartPage *self)
{
  g_autoptr(GPtrArray) recent = retort_recent_list_experiments ();
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (guint i = 0; i < recent->len; i++)
    gtk_list_box_append (self->recent_list, create_row (g_ptr_array_index (recent, i)));

  gtk_widget_set_visible (self->recent_group, recent->len > 0);
}

static void
retort_start_page_class_init (RetortStartPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/retort/Retort/ui/retort-start-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RetortStartPage, recent_group);
  gtk_widget_class_bind_template_child (widget_class, RetortStartPage, recent_list);
}

static void
retort_start_page_init (RetortStartPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (retort_start_page_update_recent), self,
                           G_CONNECT_SWAPPED);
  retort_start_page_update_recent (self);
}
