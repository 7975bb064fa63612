/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-python-device-view"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-python-device-view.h"

struct _RetortPythonDeviceView
{
  AdwBin              parent_instance;

  /* Template widgets */
  GtkStack           *stack;
  GtkStackPage       *images_page;
  RetortConsoleView  *console;
  RetortImageGallery *gallery;
};

G_DEFINE_FINAL_TYPE (RetortPythonDeviceView, retort_python_device_view, ADW_TYPE_BIN)

static void
update_images_title (RetortPythonDeviceView *self)
{
  guint n = retort_image_gallery_get_n_images (self->gallery);
  g_autofree char *title = NULL;

  if (n == 0)
    title = g_strdup (_("Images"));
  else
    /* Translators: the images page's title with how many images there are */
    title = g_strdup_printf (_("Images (%u)"), n);
  gtk_stack_page_set_title (self->images_page, title);
}

static void
retort_python_device_view_dispose (GObject *object)
{
  /* The template's child is AdwBin's: let go of it there first, or both
   * would unparent it. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), RETORT_TYPE_PYTHON_DEVICE_VIEW);

  G_OBJECT_CLASS (retort_python_device_view_parent_class)->dispose (object);
}

static void
retort_python_device_view_class_init (RetortPythonDeviceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = retort_python_device_view_dispose;

  g_type_ensure (RETORT_TYPE_CONSOLE_VIEW);
  g_type_ensure (RETORT_TYPE_IMAGE_GALLERY);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/retort/Retort/ui/retort-python-device-view.ui");
  gtk_widget_class_bind_template_child (widget_class, RetortPythonDeviceView, stack);
  gtk_widget_class_bind_template_child (widget_class, RetortPythonDeviceView, images_page);
  gtk_widget_class_bind_template_child (widget_class, RetortPythonDeviceView, console);
  gtk_widget_class_bind_template_child (widget_class, RetortPythonDeviceView, gallery);
}

static void
retort_python_device_view_init (RetortPythonDeviceView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
retort_python_device_view_new (void)
{
  return g_object_new (RETORT_TYPE_PYTHON_DEVICE_VIEW, NULL);
}

void
retort_python_device_view_set_output (RetortPythonDeviceView *self,
                                      const char             *console,
                                      GPtrArray              *images)
{
  gboolean has_console = console != NULL && console[0] != '\0';
  gboolean has_images = images != NULL && images->len > 0;

  g_return_if_fail (RETORT_IS_PYTHON_DEVICE_VIEW (self));

  retort_console_view_set_text (self->console, console);
  retort_image_gallery_set_images (self->gallery, images);
  update_images_title (self);

  /* The page the user chose stays, unless it is empty and the other is not:
   * a script that only plots opens on its plots. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "console") == 0)
    {
      if (!has_console && has_images)
        gtk_stack_set_visible_child_name (self->stack, "images");
    }
  else if (!has_images && has_console)
    {
      gtk_stack_set_visible_child_name (self->stack, "console");
    }
}

void
retort_python_device_view_clear (RetortPythonDeviceView *self)
{
  g_return_if_fail (RETORT_IS_PYTHON_DEVICE_VIEW (self));

  retort_console_view_clear (self->console);
  retort_image_gallery_set_images (self->gallery, NULL);
  update_images_title (self);
}

RetortConsoleView *
retort_python_device_view_get_console (RetortPythonDeviceView *self)
{
  g_return_val_if_fail (RETORT_IS_PYTHON_DEVICE_VIEW (self), NULL);

  return self->console;
}

RetortImageGallery *
retort_python_device_view_get_gallery (RetortPythonDeviceView *self)
{
  g_return_val_if_fail (RETORT_IS_PYTHON_DEVICE_VIEW (self), NULL);

  return self->gallery;
}

void
retort_python_device_view_set_page (RetortPythonDeviceView *self,
                                    const char             *page)
{
  g_return_if_fail (RETORT_IS_PYTHON_DEVICE_VIEW (self));
  g_return_if_fail (g_strcmp0 (page, "console") == 0 || g_strcmp0 (page, "images") == 0);

  gtk_stack_set_visible_child_name (self->stack, page);
}

const char *
retort_python_device_view_get_page (RetortPythonDeviceView *self)
{
  g_return_val_if_fail (RETORT_IS_PYTHON_DEVICE_VIEW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}
