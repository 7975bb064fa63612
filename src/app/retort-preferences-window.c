/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-preferences-window"

#include "config.h"

#include "retort-preferences-window.h"

struct _RetortPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  AdwComboRow          *style_row;
  GtkSpinButton        *font_size_spin;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (RetortPreferencesWindow, retort_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The positions of the style row's items, in the order of the template. */
static const char * const style_variants[] = { "default", "light", "dark" };

static gboolean
style_variant_to_position (GValue   *value,
                           GVariant *variant,
                           gpointer  user_data)
{
  const char *style_variant = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (style_variants); i++)
    {
      if (g_str_equal (style_variant, style_variants[i]))
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  return FALSE;
}

static GVariant *
position_to_style_variant (const GValue       *value,
                           const GVariantType *expected_type,
                           gpointer            user_data)
{
  guint position = g_value_get_uint (value);

  if (position >= G_N_ELEMENTS (style_variants))
    return NULL;

  return g_variant_new_string (style_variants[position]);
}

static void
retort_preferences_window_constructed (GObject *object)
{
  RetortPreferencesWindow *self = RETORT_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (retort_preferences_window_parent_class)->constructed (object);

  g_settings_bind_with_mapping (self->settings, "style-variant",
                                self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                style_variant_to_position,
                                position_to_style_variant,
                                NULL, NULL);
  g_settings_bind (self->settings, "editor-font-size",
                   self->font_size_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
}

static void
retort_preferences_window_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  RetortPreferencesWindow *self = RETORT_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
retort_preferences_window_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  RetortPreferencesWindow *self = RETORT_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
retort_preferences_window_dispose (GObject *object)
{
  RetortPreferencesWindow *self = RETORT_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), RETORT_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (retort_preferences_window_parent_class)->dispose (object);
}

static void
retort_preferences_window_class_init (RetortPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = retort_preferences_window_constructed;
  object_class->set_property = retort_preferences_window_set_property;
  object_class->get_property = retort_preferences_window_get_property;
  object_class->dispose = retort_preferences_window_dispose;

  /**
   * RetortPreferencesWindow:settings:
   *
   * The application's settings, which the rows edit.
   */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/retort/Retort/ui/retort-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RetortPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, RetortPreferencesWindow, font_size_spin);
}

static void
retort_preferences_window_init (RetortPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWindow *
retort_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (RETORT_TYPE_PREFERENCES_WINDOW,
                       "settings", settings,
                       NULL);
}
