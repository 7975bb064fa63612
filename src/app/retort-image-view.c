/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-image-view"

#include "config.h"

#include <math.h>

#include "retort-image-view.h"

struct _RetortImageView
{
  GtkWidget   parent_instance;

  GdkTexture *texture;
  gboolean    fit;
  double      zoom;
  int         fit_width;
  int         fit_height;
};

enum {
  PROP_0,
  PROP_FIT,
  PROP_ZOOM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (RetortImageView, retort_image_view, GTK_TYPE_WIDGET)

static double
fit_scale (RetortImageView *self,
           int              width,
           int              height)
{
  int image_width, image_height;

  if (self->texture == NULL)
    return 1.0;

  image_width = gdk_texture_get_width (self->texture);
  image_height = gdk_texture_get_height (self->texture);
  if (width <= 0 || height <= 0)
    return 1.0;

  /* Plots are drawn at the size they are meant to be read: never larger. */
  return MIN (1.0, MIN ((double) width / image_width, (double) height / image_height));
}

static void
retort_image_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  RetortImageView *self = RETORT_IMAGE_VIEW (widget);
  int size = 0;

  if (self->texture != NULL)
    size = orientation == GTK_ORIENTATION_HORIZONTAL ? gdk_texture_get_width (self->texture)
                                                     : gdk_texture_get_height (self->texture);

  if (self->fit)
    {
      int limit = orientation == GTK_ORIENTATION_HORIZONTAL ? self->fit_width : self->fit_height;

      *minimum = 0;
      *natural = limit >= 0 ? MIN (size, limit) : size;
    }
  else
    {
      *minimum = *natural = (int) ceil (size * self->zoom);
    }
}

static void
retort_image_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  RetortImageView *self = RETORT_IMAGE_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double scale, image_width, image_height;

  if (self->texture == NULL)
    return;

  scale = retort_image_view_get_zoom (self);
  image_width = gdk_texture_get_width (self->texture) * scale;
  image_height = gdk_texture_get_height (self->texture) * scale;

  /* Whole pixels, centred: a plot's thin lines stay sharp. */
  gtk_snapshot_append_texture (snapshot, GDK_TEXTURE (self->texture),
                               &GRAPHENE_RECT_INIT (floor ((width - image_width) / 2),
                                                    floor ((height - image_height) / 2),
                                                    round (image_width), round (image_height)));
}

static void
retort_image_view_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  RetortImageView *self = RETORT_IMAGE_VIEW (widget);

  if (self->fit)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

static void
retort_image_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  RetortImageView *self = RETORT_IMAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_FIT:
      g_value_set_boolean (value, self->fit);
      break;

    case PROP_ZOOM:
      g_value_set_double (value, retort_image_view_get_zoom (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
retort_image_view_dispose (GObject *object)
{
  RetortImageView *self = RETORT_IMAGE_VIEW (object);

  g_clear_object (&self->texture);

  G_OBJECT_CLASS (retort_image_view_parent_class)->dispose (object);
}

static void
retort_image_view_class_init (RetortImageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = retort_image_view_dispose;
  object_class->get_property = retort_image_view_get_property;
  widget_class->measure = retort_image_view_measure;
  widget_class->snapshot = retort_image_view_snapshot;
  widget_class->size_allocate = retort_image_view_size_allocate;

  properties[PROP_FIT] =
    g_param_spec_boolean ("fit", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Notified also when the allocation changes the fitting scale. */
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 0.0, G_MAXDOUBLE, 1.0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "image-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
retort_image_view_init (RetortImageView *self)
{
  self->fit = TRUE;
  self->zoom = 1.0;
  self->fit_width = -1;
  self->fit_height = -1;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

GtkWidget *
retort_image_view_new (void)
{
  return g_object_new (RETORT_TYPE_IMAGE_VIEW, NULL);
}

void
retort_image_view_set_texture (RetortImageView *self,
                               GdkTexture      *texture)
{
  g_return_if_fail (RETORT_IS_IMAGE_VIEW (self));

  if (g_set_object (&self->texture, texture))
    {
      gtk_widget_queue_resize (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
    }
}

GdkTexture *
retort_image_view_get_texture (RetortImageView *self)
{
  g_return_val_if_fail (RETORT_IS_IMAGE_VIEW (self), NULL);

  return self->texture;
}

void
retort_image_view_set_fit_size (RetortImageView *self,
                                int              width,
                                int              height)
{
  g_return_if_fail (RETORT_IS_IMAGE_VIEW (self));

  self->fit_width = width;
  self->fit_height = height;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
retort_image_view_zoom_to_fit (RetortImageView *self)
{
  g_return_if_fail (RETORT_IS_IMAGE_VIEW (self));

  if (self->fit)
    return;

  self->fit = TRUE;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

gboolean
retort_image_view_get_fit (RetortImageView *self)
{
  g_return_val_if_fail (RETORT_IS_IMAGE_VIEW (self), FALSE);

  return self->fit;
}

void
retort_image_view_set_zoom (RetortImageView *self,
                            double           zoom)
{
  gboolean was_fit;

  g_return_if_fail (RETORT_IS_IMAGE_VIEW (self));

  zoom = CLAMP (zoom, RETORT_IMAGE_VIEW_MIN_ZOOM, RETORT_IMAGE_VIEW_MAX_ZOOM);
  if (!self->fit && zoom == self->zoom)
    return;

  was_fit = self->fit;
  self->fit = FALSE;
  self->zoom = zoom;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  if (was_fit)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

double
retort_image_view_get_zoom (RetortImageView *self)
{
  g_return_val_if_fail (RETORT_IS_IMAGE_VIEW (self), 1.0);

  if (self->fit)
    return fit_scale (self, gtk_widget_get_width (GTK_WIDGET (self)),
                      gtk_widget_get_height (GTK_WIDGET (self)));

  return self->zoom;
}
