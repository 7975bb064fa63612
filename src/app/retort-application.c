/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-application"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-application.h"
#include "retort-preferences-window.h"
#include "retort-window.h"

struct _RetortApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (RetortApplication, retort_application, ADW_TYPE_APPLICATION)

static const struct {
  const char *action;
  const char *accels[3];
} app_accels[] = {
  { "app.quit", { "<Primary>q", NULL } },
  { "app.preferences", { "<Primary>comma", NULL } },
  { "win.open", { "<Primary>o", NULL } },
  { "win.run", { "F5", NULL } },
  { "win.undo", { "<Primary>z", NULL } },
  { "win.redo", { "<Primary><Shift>z", NULL } },
  { "window.close", { "<Primary>w", NULL } },
};

/* An uninstalled build finds its schema through GSETTINGS_SCHEMA_DIR, which
 * build-aux/dev run and the tests point at the build tree. */
static GSettings *
retort_application_create_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);


  if (schema == NULL)
    g_error ("The GSettings schema %s is not installed; install Retort or set "
             "GSETTINGS_SCHEMA_DIR to the folder of its compiled schema",
             APPLICATION_ID);

  return g_settings_new_full (schema, NULL, NULL);
}

static void
retort_application_update_style (RetortApplication *self)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  g_autofree char *variant = g_settings_get_string (self->settings, "style-variant");
  AdwColorScheme scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (variant, "light"))
    scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (variant, "dark"))
    scheme = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (style_manager, scheme);
}

static void
on_style_variant_changed (RetortApplication *self,
                          const char        *key,
                          GSettings         *settings)
{
  retort_application_update_style (self);
}

static void
retort_application_quit_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  RetortApplication *self = user_data;
  g_autoptr(GList) windows = NULL;

  /* Closing (not destroying) lets each window remember its size. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);

  g_application_quit (G_APPLICATION (self));
}

static void
retort_application_about_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  RetortApplication *self = user_data;
  static const char *developers[] = { "The Retort developers", NULL };
  GtkWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "application-name", _("Retort"),
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Retort developers"),
                        "developers", developers,
                        "copyright", _("© 2026 The Retort developers"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", PACKAGE_WEBSITE,
                        "issue-url", PACKAGE_WEBSITE "/issues",
                        /* Translators: credit yourself here, one name per line */
                        "translator-credits", _("translator-credits"),
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "modal", TRUE,
                        NULL);
  gtk_window_present (about);
}

static void
retort_application_preferences_action (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  RetortApplication *self = user_data;
  GtkWindow *preferences;

  preferences = retort_preferences_window_new (self->settings);
  gtk_window_set_transient_for (preferences,
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (preferences);
}

static const GActionEntry app_actions[] = {
  { "quit", retort_application_quit_action },
  { "about", retort_application_about_action },
  { "preferences", retort_application_preferences_action },
};

static void
retort_application_startup (GApplication *application)
{
  RetortApplication *self = RETORT_APPLICATION (application);

  G_APPLICATION_CLASS (retort_application_parent_class)->startup (application);

  gtk_window_set_default_icon_name (APPLICATION_ID);

  self->settings = retort_application_create_settings ();
  g_signal_connect_object (self->settings, "changed::style-variant",
                           G_CALLBACK (on_style_variant_changed), self, G_CONNECT_SWAPPED);
  retort_application_update_style (self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (app_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           app_accels[i].action, app_accels[i].accels);
}

static void
retort_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (retort_window_new (RETORT_APPLICATION (application)));

  gtk_window_present (window);
}

static void
retort_application_open (GApplication  *application,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      RetortWindow *window = retort_window_new (RETORT_APPLICATION (application));

      retort_window_open_file (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
retort_application_dispose (GObject *object)
{
  RetortApplication *self = RETORT_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (retort_application_parent_class)->dispose (object);
}

static void
retort_application_class_init (RetortApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = retort_application_dispose;

  app_class->startup = retort_application_startup;
  app_class->activate = retort_application_activate;
  app_class->open = retort_application_open;
}

static void
retort_application_init (RetortApplication *self)
{
}

RetortApplication *
retort_application_new (void)
{
  return g_object_new (RETORT_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/retort/Retort",
                       NULL);
}

/**
 * retort_application_get_settings:
 *
 * Returns: (transfer none): the application's settings; valid after startup
 */
GSettings *
retort_application_get_settings (RetortApplication *self)
{
  g_return_val_if_fail (RETORT_IS_APPLICATION (self), NULL);

  return self->settings;
}
