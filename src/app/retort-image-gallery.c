/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-image-gallery"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "retort-image-gallery.h"
#include "retort-image-view.h"

#define THUMBNAIL_WIDTH  224
#define THUMBNAIL_HEIGHT 160
/* Each zoom step, by button, key or wheel click. */
#define ZOOM_STEP 1.25

struct _RetortImageGallery
{
  AdwBin             parent_instance;

  /* Template widgets */
  GtkStack          *stack;
  GtkFlowBox        *flow_box;
  GtkLabel          *title_label;
  GtkLabel          *size_label;
  GtkLabel          *zoom_label;
  GtkScrolledWindow *image_scroller;
  RetortImageView   *image_view;

  /* The PNGs (GBytes), and their textures as they are decoded: NULL
   * while not yet decoded, or when decoding failed (see failed). */
  GPtrArray         *pngs;
  GPtrArray         *textures;
  GArray            *failed;
  /* The thumbnails' pictures and captions, in order. */
  GPtrArray         *pictures;
  GPtrArray         *captions;
  GCancellable      *decoding;

  int                open_index;

  /* Where the pointer is over the large view, to zoom about it. */
  double             pointer_x;
  double             pointer_y;
  gboolean           has_pointer;
  /* A zoom keeps the image point under (anchor_x, anchor_y) of the view
   * in place; applied once the scrolled window knows the new size. */
  gboolean           anchor_pending;
  double             anchor_x;
  double             anchor_y;
  double             anchor_content_x;
  double             anchor_content_y;

  guint              zoom_label_id;

  GtkFileChooserNative *chooser;
  guint              save_index;
};

G_DEFINE_FINAL_TYPE (RetortImageGallery, retort_image_gallery, ADW_TYPE_BIN)

static void
show_toast (RetortImageGallery *self,
            const char         *title)
{
  /* Not a template child: AdwBin unparents its child itself, and a bound
   * one would already be gone by then. */
  AdwToastOverlay *overlay = ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self)));

  adw_toast_overlay_add_toast (overlay, adw_toast_new (title));
}

/* Decoding */

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GPtrArray *pngs = task_data;
  g_autoptr(GPtrArray) textures = g_ptr_array_new_full (pngs->len, (GDestroyNotify) g_object_unref);

  for (guint i = 0; i < pngs->len; i++)
    {
      if (g_cancellable_is_cancelled (cancellable))
        break;

      /* NULL stands for an image that could not be decoded. */
      g_ptr_array_add (textures, gdk_texture_new_from_bytes (g_ptr_array_index (pngs, i), NULL));
    }

  g_task_return_pointer (task, g_steal_pointer (&textures), (GDestroyNotify) g_ptr_array_unref);
}

static void
describe_image (RetortImageGallery *self,
                guint               index)
{
  GdkTexture *texture = g_ptr_array_index (self->textures, index);
  GtkWidget *picture = g_ptr_array_index (self->pictures, index);
  GtkWidget *child = gtk_widget_get_ancestor (picture, GTK_TYPE_FLOW_BOX_CHILD);
  g_autofree char *caption = NULL;
  g_autofree char *description = NULL;

  if (texture != NULL)
    {
      int width = gdk_texture_get_width (texture);
      int height = gdk_texture_get_height (texture);

      /* Translators: an image's number and its size in pixels, e.g. "Image 2 · 640 × 480" */
      caption = g_strdup_printf (_("Image %u · %d × %d"), index + 1, width, height);
      /* Translators: an image's accessible name, e.g. "Image 2, 640 by 480 pixels" */
      description = g_strdup_printf (_("Image %u, %d by %d pixels"), index + 1, width, height);
      retort_image_view_set_texture (RETORT_IMAGE_VIEW (picture), texture);
    }
  else if (g_array_index (self->failed, gboolean, index))
    {
      /* Translators: an image that is no PNG GTK can read */
      caption = g_strdup_printf (_("Image %u · unreadable"), index + 1);
      description = g_strdup (caption);
    }
  else
    {
      caption = g_strdup_printf (_("Image %u"), index + 1);
      description = g_strdup (caption);
    }

  gtk_label_set_label (g_ptr_array_index (self->captions, index), caption);
  gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);
}

static void
store_texture (RetortImageGallery *self,
               guint               index,
               GdkTexture         *texture)
{
  if (g_ptr_array_index (self->textures, index) != NULL ||
      g_array_index (self->failed, gboolean, index))
    return;

  if (texture != NULL)
    g_ptr_array_index (self->textures, index) = g_object_ref (texture);
  else
    g_array_index (self->failed, gboolean, index) = TRUE;

  describe_image (self, index);
  if ((int) index == self->open_index)
    retort_image_view_set_texture (self->image_view, texture);
}

static void
decode_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  RetortImageGallery *self = RETORT_IMAGE_GALLERY (object);
  g_autoptr(GPtrArray) textures = g_task_propagate_pointer (G_TASK (result), NULL);

  /* NULL when cancelled: another set of images replaced these. */
  if (textures == NULL || g_task_get_cancellable (G_TASK (result)) != self->decoding)
    return;

  for (guint i = 0; i < textures->len && i < self->pngs->len; i++)
    store_texture (self, i, g_ptr_array_index (textures, i));

  g_clear_object (&self->decoding);
}

/* Thumbnails */

static GtkWidget *
create_thumbnail (RetortImageGallery *self)
{
  GtkWidget *child = gtk_flow_box_child_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *picture = retort_image_view_new ();
  GtkWidget *caption = gtk_label_new (NULL);

  /* A GtkPicture would ask for its image's size and make the flow box put
   * one thumbnail a line. */
  retort_image_view_set_fit_size (RETORT_IMAGE_VIEW (picture), THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT);
  gtk_widget_set_size_request (picture, THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT);
  gtk_frame_set_child (GTK_FRAME (frame), picture);
  gtk_widget_add_css_class (frame, "thumbnail");

  gtk_label_set_ellipsize (GTK_LABEL (caption), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (caption, "caption");
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_widget_add_css_class (caption, "numeric");

  /* The flow box stretches its cells to fill a line; the thumbnail keeps
   * its size in the middle of its cell. */
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), frame);
  gtk_box_append (GTK_BOX (box), caption);
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), box);
  gtk_widget_add_css_class (child, "image-thumbnail");

  g_ptr_array_add (self->pictures, picture);
  g_ptr_array_add (self->captions, caption);
  return child;
}

static void
thumbnail_activated_cb (RetortImageGallery *self,
                        GtkFlowBoxChild    *child)
{
  retort_image_gallery_open_image (self, gtk_flow_box_child_get_index (child));
}

/* The large view */

static void
update_zoom_label (RetortImageGallery *self)
{
  double zoom = retort_image_view_get_zoom (self->image_view);
  g_autofree char *label = NULL;

  /* Translators: the zoom of an image, e.g. "125 %" */
  label = g_strdup_printf (_("%.0f %%"), zoom * 100.0);
  gtk_label_set_label (self->zoom_label, label);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gallery.zoom-in",
                                 zoom < RETORT_IMAGE_VIEW_MAX_ZOOM);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gallery.zoom-out",
                                 zoom > RETORT_IMAGE_VIEW_MIN_ZOOM);
}

static void
update_actions (RetortImageGallery *self)
{
  gboolean open = self->open_index >= 0;
  gboolean has_texture = open && g_ptr_array_index (self->textures, self->open_index) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gallery.back", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gallery.zoom-fit", has_texture);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gallery.zoom-original", has_texture);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gallery.copy", has_texture);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gallery.save-as", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gallery.previous",
                                 open && self->open_index > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gallery.next",
                                 open && (guint) self->open_index + 1 < self->pngs->len);
  if (has_texture)
    update_zoom_label (self);
  else
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "gallery.zoom-in", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "gallery.zoom-out", FALSE);
    }
}

static gboolean
update_zoom_label_cb (gpointer user_data)
{
  RetortImageGallery *self = user_data;

  self->zoom_label_id = 0;
  if (self->open_index >= 0)
    update_zoom_label (self);
  return G_SOURCE_REMOVE;
}

/* The fitting zoom changes while the image view is allocated: changing
 * the label there would queue a resize of the toolbar in the middle of
 * the layout, so it waits until the frame is done. */
static void
zoom_changed_cb (RetortImageGallery *self)
{
  if (self->zoom_label_id == 0)
    self->zoom_label_id = g_idle_add (update_zoom_label_cb, self);
}

/* Zooms to @zoom keeping the image point under (@x, @y) of the scrolled
 * window where it is. */
static void
zoom_about (RetortImageGallery *self,
            double              zoom,
            double              x,
            double              y)
{
  GtkAdjustment *hadjustment = gtk_scrolled_window_get_hadjustment (self->image_scroller);
  GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (self->image_scroller);
  double old_zoom = retort_image_view_get_zoom (self->image_view);
  double ratio;

  zoom = CLAMP (zoom, RETORT_IMAGE_VIEW_MIN_ZOOM, RETORT_IMAGE_VIEW_MAX_ZOOM);
  if (old_zoom <= 0 || retort_image_view_get_texture (self->image_view) == NULL)
    return;

  ratio = zoom / old_zoom;
  self->anchor_pending = TRUE;
  self->anchor_x = x;
  self->anchor_y = y;
  self->anchor_content_x = (gtk_adjustment_get_value (hadjustment) + x) * ratio;
  self->anchor_content_y = (gtk_adjustment_get_value (vadjustment) + y) * ratio;

  retort_image_view_set_zoom (self->image_view, zoom);
}

static void
zoom_about_center (RetortImageGallery *self,
                   double              zoom)
{
  zoom_about (self, zoom,
              gtk_widget_get_width (GTK_WIDGET (self->image_scroller)) / 2.0,
              gtk_widget_get_height (GTK_WIDGET (self->image_scroller)) / 2.0);
}

static gboolean
clear_anchor_cb (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       user_data)
{
  RETORT_IMAGE_GALLERY (user_data)->anchor_pending = FALSE;
  return G_SOURCE_REMOVE;
}

/* The scrolled window set the adjustments' bounds for the new size: now
 * the anchored point can be put back under the pointer. Both adjustments
 * are set in the same allocation, so the anchor is done with by the next
 * frame. */
static void
adjustment_changed_cb (RetortImageGallery *self,
                       GtkAdjustment      *adjustment)
{
  if (!self->anchor_pending)
    return;

  if (adjustment == gtk_scrolled_window_get_hadjustment (self->image_scroller))
    gtk_adjustment_set_value (adjustment, self->anchor_content_x - self->anchor_x);
  else
    gtk_adjustment_set_value (adjustment, self->anchor_content_y - self->anchor_y);

  gtk_widget_add_tick_callback (GTK_WIDGET (self->image_view), clear_anchor_cb, self, NULL);
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           RetortImageGallery       *self)
{
  GdkModifierType state =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  double zoom;

  if ((state & GDK_CONTROL_MASK) == 0 || dy == 0)
    return FALSE;

  zoom = retort_image_view_get_zoom (self->image_view) * pow (ZOOM_STEP, -dy);
  if (self->has_pointer)
    zoom_about (self, zoom, self->pointer_x, self->pointer_y);
  else
    zoom_about_center (self, zoom);
  return TRUE;
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           RetortImageGallery       *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->has_pointer = TRUE;
}

static void
leave_cb (RetortImageGallery *self)
{
  self->has_pointer = FALSE;
}

/* Actions */

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  retort_image_gallery_close_image (RETORT_IMAGE_GALLERY (widget));
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  RetortImageGallery *self = RETORT_IMAGE_GALLERY (widget);

  if (self->open_index > 0)
    retort_image_gallery_open_image (self, self->open_index - 1);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RetortImageGallery *self = RETORT_IMAGE_GALLERY (widget);

  if (self->open_index >= 0 && (guint) self->open_index + 1 < self->pngs->len)
    retort_image_gallery_open_image (self, self->open_index + 1);
}

static void
zoom_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  RetortImageGallery *self = RETORT_IMAGE_GALLERY (widget);

  zoom_about_center (self, retort_image_view_get_zoom (self->image_view) * ZOOM_STEP);
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  RetortImageGallery *self = RETORT_IMAGE_GALLERY (widget);

  zoom_about_center (self, retort_image_view_get_zoom (self->image_view) / ZOOM_STEP);
}

static void
zoom_fit_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  RetortImageGallery *self = RETORT_IMAGE_GALLERY (widget);

  self->anchor_pending = FALSE;
  retort_image_view_zoom_to_fit (self->image_view);
}

static void
zoom_original_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  zoom_about_center (RETORT_IMAGE_GALLERY (widget), 1.0);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RetortImageGallery *self = RETORT_IMAGE_GALLERY (widget);
  GdkTexture *texture;

  if (self->open_index < 0)
    return;

  texture = retort_image_gallery_get_texture (self, self->open_index);
  if (texture == NULL)
    return;

  gdk_clipboard_set_texture (gtk_widget_get_clipboard (widget), texture);
  show_toast (self, _("Image copied"));
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(RetortImageGallery) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;

  name = g_file_get_basename (G_FILE (object));
  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      /* The image is still here: the user can save it elsewhere. */
      /* Translators: %s is a file name, then why it could not be written */
      title = g_strdup_printf (_("Could not save “%s”: %s"), name, error->message);
      g_warning ("%s", title);
    }
  else
    {
      /* Translators: %s is a file name */
      title = g_strdup_printf (_("Saved “%s”"), name);
    }

  show_toast (self, title);
}

static void
chooser_response_cb (GtkNativeDialog    *dialog,
                     int                 response,
                     RetortImageGallery *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

  if (file != NULL && self->save_index < self->pngs->len)
    g_file_replace_contents_bytes_async (file, g_ptr_array_index (self->pngs, self->save_index),
                                         NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                         save_cb, g_object_ref (self));

  g_clear_object (&self->chooser);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  RetortImageGallery *self = RETORT_IMAGE_GALLERY (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->open_index < 0 || self->chooser != NULL)
    return;

  self->save_index = self->open_index;
  self->chooser = gtk_file_chooser_native_new (_("Save Image"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("PNG Images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  /* Translators: the file name offered when saving an image; keep ".png" */
  name = g_strdup_printf (_("image-%u.png"), self->save_index + 1);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
clear_images (RetortImageGallery *self)
{
  GtkWidget *child;

  g_cancellable_cancel (self->decoding);
  g_clear_object (&self->decoding);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->flow_box))) != NULL)
    gtk_flow_box_remove (self->flow_box, child);

  g_ptr_array_set_size (self->pictures, 0);
  g_ptr_array_set_size (self->captions, 0);
  g_ptr_array_set_size (self->textures, 0);
  g_ptr_array_set_size (self->pngs, 0);
  g_array_set_size (self->failed, 0);
}

static void
retort_image_gallery_dispose (GObject *object)
{
  RetortImageGallery *self = RETORT_IMAGE_GALLERY (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_handle_id (&self->zoom_label_id, g_source_remove);
  g_cancellable_cancel (self->decoding);
  g_clear_object (&self->decoding);

  /* The template's child is AdwBin's: let go of it there first, or both
   * would unparent it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), RETORT_TYPE_IMAGE_GALLERY);

  G_OBJECT_CLASS (retort_image_gallery_parent_class)->dispose (object);
}

static void
retort_image_gallery_finalize (GObject *object)
{
  RetortImageGallery *self = RETORT_IMAGE_GALLERY (object);

  g_clear_pointer (&self->pngs, g_ptr_array_unref);
  g_clear_pointer (&self->textures, g_ptr_array_unref);
  g_clear_pointer (&self->failed, g_array_unref);
  g_clear_pointer (&self->pictures, g_ptr_array_unref);
  g_clear_pointer (&self->captions, g_ptr_array_unref);

  G_OBJECT_CLASS (retort_image_gallery_parent_class)->finalize (object);
}

static void
retort_image_gallery_class_init (RetortImageGalleryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = retort_image_gallery_dispose;
  object_class->finalize = retort_image_gallery_finalize;

  g_type_ensure (RETORT_TYPE_IMAGE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/retort/Retort/ui/retort-image-gallery.ui");
  gtk_widget_class_bind_template_child (widget_class, RetortImageGallery, stack);
  gtk_widget_class_bind_template_child (widget_class, RetortImageGallery, flow_box);
  gtk_widget_class_bind_template_child (widget_class, RetortImageGallery, title_label);
  gtk_widget_class_bind_template_child (widget_class, RetortImageGallery, size_label);
  gtk_widget_class_bind_template_child (widget_class, RetortImageGallery, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, RetortImageGallery, image_scroller);
  gtk_widget_class_bind_template_child (widget_class, RetortImageGallery, image_view);
  gtk_widget_class_bind_template_callback (widget_class, thumbnail_activated_cb);

  gtk_widget_class_install_action (widget_class, "gallery.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "gallery.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "gallery.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "gallery.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "gallery.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "gallery.zoom-fit", NULL, zoom_fit_action);
  gtk_widget_class_install_action (widget_class, "gallery.zoom-original", NULL,
                                   zoom_original_action);
  gtk_widget_class_install_action (widget_class, "gallery.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "gallery.save-as", NULL, save_as_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "gallery.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "gallery.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "gallery.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "gallery.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "gallery.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "gallery.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK,
                                       "gallery.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "gallery.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK,
                                       "gallery.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "gallery.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK,
                                       "gallery.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK,
                                       "gallery.zoom-original", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK,
                                       "gallery.copy", NULL);
}

static void
retort_image_gallery_init (RetortImageGallery *self)
{
  GtkEventController *scroll;
  GtkEventController *motion;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->open_index = -1;
  self->pngs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->textures = g_ptr_array_new_with_free_func (g_object_unref);
  self->failed = g_array_new (FALSE, TRUE, sizeof (gboolean));
  self->pictures = g_ptr_array_new ();
  self->captions = g_ptr_array_new ();

  /* Ctrl+scroll zooms before the scrolled window scrolls. */
  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL |
                                            GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->image_scroller), scroll);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect_swapped (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->image_scroller), motion);

  g_signal_connect_object (gtk_scrolled_window_get_hadjustment (self->image_scroller), "changed",
                           G_CALLBACK (adjustment_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->image_scroller), "changed",
                           G_CALLBACK (adjustment_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->image_view, "notify::zoom",
                           G_CALLBACK (zoom_changed_cb), self, G_CONNECT_SWAPPED);

  update_actions (self);
}

GtkWidget *
retort_image_gallery_new (void)
{
  return g_object_new (RETORT_TYPE_IMAGE_GALLERY, NULL);
}

void
retort_image_gallery_set_images (RetortImageGallery *self,
                                 GPtrArray          *pngs)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *to_decode;

  g_return_if_fail (RETORT_IS_IMAGE_GALLERY (self));

  retort_image_gallery_close_image (self);
  clear_images (self);

  if (pngs == NULL || pngs->len == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  to_decode = g_ptr_array_new_full (pngs->len, (GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < pngs->len; i++)
    {
      GBytes *png = g_ptr_array_index (pngs, i);

      g_ptr_array_add (self->pngs, g_bytes_ref (png));
      g_ptr_array_add (to_decode, g_bytes_ref (png));
      g_ptr_array_add (self->textures, NULL);
      g_array_set_size (self->failed, i + 1);
      gtk_flow_box_append (self->flow_box, create_thumbnail (self));
      describe_image (self, i);
    }
  gtk_stack_set_visible_child_name (self->stack, "thumbnails");

  self->decoding = g_cancellable_new ();
  task = g_task_new (self, self->decoding, decode_cb, NULL);
  g_task_set_source_tag (task, retort_image_gallery_set_images);
  g_task_set_task_data (task, to_decode, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, decode_thread);
}

guint
retort_image_gallery_get_n_images (RetortImageGallery *self)
{
  g_return_val_if_fail (RETORT_IS_IMAGE_GALLERY (self), 0);

  return self->pngs->len;
}

GBytes *
retort_image_gallery_get_png (RetortImageGallery *self,
                              guint               index)
{
  g_return_val_if_fail (RETORT_IS_IMAGE_GALLERY (self), NULL);
  g_return_val_if_fail (index < self->pngs->len, NULL);

  return g_ptr_array_index (self->pngs, index);
}

GdkTexture *
retort_image_gallery_get_texture (RetortImageGallery *self,
                                  guint               index)
{
  g_autoptr(GdkTexture) texture = NULL;

  g_return_val_if_fail (RETORT_IS_IMAGE_GALLERY (self), NULL);
  g_return_val_if_fail (index < self->pngs->len, NULL);

  if (g_ptr_array_index (self->textures, index) == NULL &&
      !g_array_index (self->failed, gboolean, index))
    {
      texture = gdk_texture_new_from_bytes (g_ptr_array_index (self->pngs, index), NULL);
      store_texture (self, index, texture);
    }

  return g_ptr_array_index (self->textures, index);
}

gboolean
retort_image_gallery_save_image (RetortImageGallery  *self,
                                 guint                index,
                                 GFile               *file,
                                 GError             **error)
{
  GBytes *png;

  g_return_val_if_fail (RETORT_IS_IMAGE_GALLERY (self), FALSE);
  g_return_val_if_fail (index < self->pngs->len, FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  png = g_ptr_array_index (self->pngs, index);
  return g_file_replace_contents (file, g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                                  NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

void
retort_image_gallery_open_image (RetortImageGallery *self,
                                 guint               index)
{
  GdkTexture *texture;
  g_autofree char *title = NULL;
  g_autofree char *size = NULL;

  g_return_if_fail (RETORT_IS_IMAGE_GALLERY (self));
  g_return_if_fail (index < self->pngs->len);

  self->open_index = index;
  texture = retort_image_gallery_get_texture (self, index);

  /* Translators: which image is shown large, e.g. "Image 2 of 3" */
  title = g_strdup_printf (_("Image %u of %u"), index + 1, self->pngs->len);
  if (texture != NULL)
    /* Translators: an image's size in pixels */
    size = g_strdup_printf (_("%d × %d pixels"), gdk_texture_get_width (texture),
                            gdk_texture_get_height (texture));
  else
    size = g_strdup (_("Not an image that can be shown"));
  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->size_label, size);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->image_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, size,
                                  -1);

  self->anchor_pending = FALSE;
  retort_image_view_zoom_to_fit (self->image_view);
  retort_image_view_set_texture (self->image_view, texture);
  gtk_stack_set_visible_child_name (self->stack, "viewer");
  gtk_widget_grab_focus (GTK_WIDGET (self->image_view));
  update_actions (self);
}

void
retort_image_gallery_close_image (RetortImageGallery *self)
{
  GtkFlowBoxChild *child;
  int index;

  g_return_if_fail (RETORT_IS_IMAGE_GALLERY (self));

  if (self->open_index < 0)
    return;

  index = self->open_index;
  self->open_index = -1;
  retort_image_view_set_texture (self->image_view, NULL);
  gtk_stack_set_visible_child_name (self->stack, "thumbnails");
  update_actions (self);

  /* Back where the user was: the thumbnail of the image they looked at. */
  child = gtk_flow_box_get_child_at_index (self->flow_box, index);
  if (child != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (child));
}

int
retort_image_gallery_get_open_image (RetortImageGallery *self)
{
  g_return_val_if_fail (RETORT_IS_IMAGE_GALLERY (self), -1);

  return self->open_index;
}

double
retort_image_gallery_get_zoom (RetortImageGallery *self)
{
  g_return_val_if_fail (RETORT_IS_IMAGE_GALLERY (self), 1.0);

  return retort_image_view_get_zoom (self->image_view);
}

gboolean
retort_image_gallery_get_zoom_to_fit (RetortImageGallery *self)
{
  g_return_val_if_fail (RETORT_IS_IMAGE_GALLERY (self), TRUE);

  return retort_image_view_get_fit (self->image_view);
}
