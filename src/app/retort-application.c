/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-application"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-application.h"
#include "retort-preferences-window.h"
#include "retort-recovery.h"
#include "retort-window.h"

struct _RetortApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  /* Recovery copies are looked for once, when the first window shows. */
  gboolean        recovery_checked;
};

G_DEFINE_FINAL_TYPE (RetortApplication, retort_application, ADW_TYPE_APPLICATION)

static const struct {
  const char *action;
  const char *accels[3];
} app_accels[] = {
  { "app.quit", { "<Primary>q", NULL } },
  { "app.preferences", { "<Primary>comma", NULL } },
  { "win.new", { "<Primary>n", NULL } },
  { "win.open", { "<Primary>o", NULL } },
  { "win.save", { "<Primary>s", NULL } },
  { "win.save-as", { "<Primary><Shift>s", NULL } },
  { "win.run", { "F5", NULL } },
  /* In a script's editor: that module; elsewhere: the experiment. */
  { "win.run-here", { "<Primary>Return", "<Primary>KP_Enter", NULL } },
  { "win.run-selected", { "<Shift>F5", NULL } },
  { "win.find-module", { "<Primary>f", NULL } },
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

  /* Closing (not destroying) lets each window remember its size, and ask
   * about unsaved changes: such a window stays until the user answers, and
   * the application ends with its last window. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);

  for (const GList *l = gtk_application_get_windows (GTK_APPLICATION (self));
       l != NULL;
       l = l->next)
    {
      if (RETORT_IS_WINDOW (l->data))
        return;
    }

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

  /* Recent documents are listed under this name. */
  g_set_application_name (_("Retort"));
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

typedef struct
{
  RetortWindow *window;
  GPtrArray    *recoveries;
} RecoveryOffer;

static void
recovery_offer_free (RecoveryOffer *offer)
{
  g_clear_object (&offer->window);
  g_clear_pointer (&offer->recoveries, g_ptr_array_unref);
  g_free (offer);
}

static void
recovery_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      RecoveryOffer    *offer)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (offer->window));

  for (guint i = 0; i < offer->recoveries->len; i++)
    {
      RetortRecovery *recovery = g_ptr_array_index (offer->recoveries, i);
      RetortWindow *window = offer->window;
      g_autoptr(GError) error = NULL;

      if (!g_str_equal (response, "recover"))
        {
          retort_recovery_discard (recovery);
          continue;
        }

      /* The first fills the window that asked, if nothing was opened since. */
      if (application != NULL
          && (!retort_window_is_empty (window) || gtk_widget_in_destruction (GTK_WIDGET (window))))
        {
          window = retort_window_new (RETORT_APPLICATION (application));
          gtk_window_present (GTK_WINDOW (window));
        }
      if (!retort_window_open_recovery (window, recovery, &error))
        g_warning ("Could not recover a document: %s", error->message);
    }
}

/* A boxed list of the documents, each with when its copy was written. */
static GtkWidget *
create_recovery_list (GPtrArray *recoveries)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < recoveries->len; i++)
    {
      RetortRecovery *recovery = g_ptr_array_index (recoveries, i);
      g_autofree char *name = retort_recovery_dup_display_name (recovery);
      g_autoptr(GDateTime) local = g_date_time_to_local (retort_recovery_get_time (recovery));
      /* Translators: when a recovery copy was written, as in g_date_time_format() */
      g_autofree char *time = g_date_time_format (local, _("%-d %B, %H:%M"));
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), time);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }

  return list;
}

static void
list_recoveries_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(RetortWindow) window = user_data;
  g_autoptr(GPtrArray) recoveries = NULL;
  g_autoptr(GError) error = NULL;
  RecoveryOffer *offer;
  AdwMessageDialog *dialog;

  recoveries = retort_recovery_list_finish (result, &error);
  if (recoveries == NULL)
    {
      g_warning ("Could not look for recovery copies: %s", error->message);
      return;
    }
  if (recoveries->len == 0 || gtk_widget_in_destruction (GTK_WIDGET (window)))
    return;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (window),
                                                       _("Recover Experiments?"),
                                                       g_dngettext (GETTEXT_PACKAGE,
                                                                    "Retort closed before the "
                                                                    "changes to this experiment "
                                                                    "were saved.",
                                                                    "Retort closed before the "
                                                                    "changes to these experiments "
                                                                    "were saved.",
                                                                    recoveries->len)));
  adw_message_dialog_set_extra_child (dialog, create_recovery_list (recoveries));
  adw_message_dialog_add_responses (dialog,
                                    "discard", _("_Discard"),
                                    "recover", _("_Recover"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "recover", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "recover");
  /* Closing the dialog decides nothing: the copies are offered next time. */
  adw_message_dialog_set_close_response (dialog, "later");

  offer = g_new0 (RecoveryOffer, 1);
  offer->window = g_steal_pointer (&window);
  offer->recoveries = g_steal_pointer (&recoveries);
  g_signal_connect_data (dialog, "response", G_CALLBACK (recovery_response_cb), offer,
                         (GClosureNotify) recovery_offer_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Copies left by a crash are offered over the first window. */
static void
retort_application_check_recovery (RetortApplication *self,
                                   RetortWindow      *window)
{
  if (self->recovery_checked)
    return;

  self->recovery_checked = TRUE;
  retort_recovery_list_async (NULL, list_recoveries_cb, g_object_ref (window));
}

static void
retort_application_activate (GApplication *application)
{
  RetortApplication *self = RETORT_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (retort_window_new (self));

  gtk_window_present (window);
  if (RETORT_IS_WINDOW (window))
    retort_application_check_recovery (self, RETORT_WINDOW (window));
}

static void
retort_application_open (GApplication  *application,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      RetortWindow *window = retort_window_find_for_file (GTK_APPLICATION (application), files[i]);

      /* A document already open comes forward, unsaved changes and all. */
      if (window != NULL)
        {
          gtk_window_present (GTK_WINDOW (window));
          continue;
        }

      window = retort_window_new (RETORT_APPLICATION (application));

      retort_window_open_file (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
      retort_application_check_recovery (RETORT_APPLICATION (application), window);
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
