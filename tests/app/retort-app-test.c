/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "retort-app-test.h"
#include "retort-gui-test.h"

static RetortApplication *app;

RetortApplication *
register_test_app (GApplicationFlags flags)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (app);
  app = retort_application_new ();
  g_application_set_flags (G_APPLICATION (app), flags | G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("Could not register the application: %s", error->message);

  return g_object_ref (app);
}

RetortApplication *
test_app (void)
{
  g_assert_nonnull (app);
  return app;
}

RetortWindow *
create_window (void)
{
  RetortWindow *window = retort_window_new (test_app ());

  gtk_window_present (GTK_WINDOW (window));
  wait_for_idle ();

  return window;
}

void
destroy_window (RetortWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  wait_for_idle ();
}

void
set_string_parameter (RetortExperiment *experiment,
                      RetortModule     *module,
                      const char       *name,
                      const char       *value)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autoptr(GError) error = NULL;

  json_node_set_string (node, value);
  g_assert_true (retort_experiment_set_parameter (experiment, retort_module_get_id (module),
                                                  name, node, &error));
  g_assert_no_error (error);
}

static void
open_file_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **result_out = user_data;

  *result_out = g_object_ref (result);
}

gboolean
open_file (RetortWindow  *window,
           const char    *path,
           GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;

  retort_window_open_file_async (window, file, NULL, open_file_cb, &result);
  g_assert_true (wait_until (is_set, &result));
  wait_for_idle ();

  return retort_window_open_file_finish (window, result, error);
}
