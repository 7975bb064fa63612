/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "retort-gui-test.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

void
wait_for_idle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

gboolean
wait_until (Condition condition,
            gpointer  data)
{
  return wait_until_seconds (condition, data, 30);
}

gboolean
wait_until_seconds (Condition condition,
                    gpointer  data,
                    guint     seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  return TRUE;
}

void
collect_descendants (GtkWidget  *widget,
                     GType       type,
                     GPtrArray  *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (g_type_is_a (G_OBJECT_TYPE (child), type))
        g_ptr_array_add (found, child);
      collect_descendants (child, type, found);
    }
}

gpointer
find_descendant (gpointer widget,
                 GType    type)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect_descendants (widget, type, found);

  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

gpointer
find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (const GList *l = toplevels; l != NULL; l = l->next)
    {
      if (g_type_is_a (G_OBJECT_TYPE (l->data), type) && gtk_widget_get_visible (l->data))
        return l->data;
    }

  return NULL;
}

void
collect_menu_labels (GMenuModel *model,
                     GPtrArray  *labels)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *label = NULL;
      g_autoptr(GMenuLinkIter) links = NULL;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label))
        {
          g_auto(GStrv) parts = g_strsplit (label, "_", -1);

          g_ptr_array_add (labels, g_strjoinv ("", parts));
        }

      links = g_menu_model_iterate_item_links (model, i);
      while (g_menu_link_iter_next (links))
        {
          g_autoptr(GMenuModel) link = g_menu_link_iter_get_value (links);

          collect_menu_labels (link, labels);
        }
    }
}

gboolean
can_drive_pointer (void)
{
#ifdef GDK_WINDOWING_X11
  g_autofree char *program = g_find_program_in_path ("xdotool");

  return program != NULL && GDK_IS_X11_DISPLAY (gdk_display_get_default ());
#else
  return FALSE;
#endif
}

static void
xdotool_exited_cb (GPid     pid,
                   int      wait_status,
                   gpointer user_data)
{
  int *status = user_data;

  *status = wait_status;
  g_spawn_close_pid (pid);
}

static gboolean
has_exited (gpointer data)
{
  return *(int *) data != -1;
}

void
xdotool (const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int wait_status = -1;
  GPid pid;
  va_list args;

  g_ptr_array_add (argv, g_find_program_in_path ("xdotool"));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_async (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  g_child_watch_add (pid, xdotool_exited_cb, &wait_status);
  g_assert_true (wait_until (has_exited, &wait_status));
  g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
  wait_for_idle ();
}

void
screen_point (gpointer          widget,
              graphene_point_t  point,
              char              x[16],
              char              y[16])
{
#ifdef GDK_WINDOWING_X11
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (widget));
  GdkSurface *surface = gtk_native_get_surface (native);
  Display *display = gdk_x11_display_get_xdisplay (gdk_surface_get_display (surface));
  graphene_point_t in_native;
  double tx, ty;
  int root_x, root_y;
  Window child;

  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (widget), GTK_WIDGET (native), &point,
                                           &in_native));
  gtk_native_get_surface_transform (native, &tx, &ty);
  XTranslateCoordinates (display, gdk_x11_surface_get_xid (surface), DefaultRootWindow (display),
                         0, 0, &root_x, &root_y, &child);
  g_snprintf (x, 16, "%d", (int) (root_x + tx + in_native.x + 0.5));
  g_snprintf (y, 16, "%d", (int) (root_y + ty + in_native.y + 0.5));
#else
  g_assert_not_reached ();
#endif
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
two_frames_drawn (gpointer data)
{
  return *(guint *) data >= 2;
}

void
wait_for_layout (gpointer widget)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (GTK_WIDGET (widget), count_frame_cb, &frames, NULL);

  g_assert_true (wait_until (two_frames_drawn, &frames));
  gtk_widget_remove_tick_callback (GTK_WIDGET (widget), id);
  wait_for_idle ();
}
