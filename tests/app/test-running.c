/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window while a script spins: the real RetortApplication and
 * RetortWindow run an experiment whose Python script never returns. The
 * window keeps drawing and reacting, and Stop cancels the script at once. */

#include "config.h"

#include <stdio.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "retort-application.h"
#include "retort-canvas.h"
#include "retort-engine-lib.h"
#include "retort-module-widget.h"
#include "retort-window.h"
#include "retort-app-test.h"
#include "retort-gui-test.h"

#define SPIN_SCRIPT \
  "def azureml_main(dataframe1=None, dataframe2=None):\n" \
  "    while True:\n" \
  "        pass\n"

/* Xvfb's frame clock runs at about 60 Hz; a window busy with the run's
 * output, or blocked, gets far fewer. */
#define MIN_FRAMES_PER_SECOND 20
/* The longest the main loop may go without dispatching a 10 ms timeout: a
 * quarter of a second is still no freeze, and the CI machine has two cores
 * shared with other work. */
#define MAX_STALL_MS 250

static RetortApplication *app;
static char *tmp_dir;

/* The experiment: one Execute Python Script module that spins forever. */
static char *
write_spinning_experiment (void)
{
  g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  char *path = g_build_filename (tmp_dir, "spin.retort", NULL);
  RetortModule *module;

  module = retort_experiment_add_module (experiment, "python-script", 40, 40, &error);
  g_assert_no_error (error);
  set_string_parameter (experiment, module, "script", SPIN_SCRIPT);

  file = g_file_new_for_path (path);
  g_assert_true (retort_experiment_save (experiment, file, &error));
  g_assert_no_error (error);

  return path;
}

typedef struct
{
  RetortModuleWidget *module;
  RetortModuleState   state;
} StateWait;

static gboolean
has_state (gpointer data)
{
  StateWait *wait = data;

  return retort_module_widget_get_state (wait->module) == wait->state;
}

typedef struct
{
  guint  frames;
  gint64 last_timeout;
  gint64 max_stall;
} Liveness;

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  Liveness *liveness = user_data;

  liveness->frames++;
  /* Every frame redraws the canvas, as an animation would. */
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  Liveness *liveness = user_data;
  gint64 now = g_get_monotonic_time ();

  liveness->max_stall = MAX (liveness->max_stall, now - liveness->last_timeout);
  liveness->last_timeout = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
one_second_passed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

static void
collect_buttons (GtkWidget *widget,
                 GPtrArray *buttons)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child))
        g_ptr_array_add (buttons, child);
      collect_buttons (child, buttons);
    }
}

/* The header bar's button for @action: it is sensitive when the action is enabled. */
static GtkWidget *
find_action_button (RetortWindow *window,
                    const char   *action)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect_buttons (GTK_WIDGET (window), buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), action) == 0)
      return g_ptr_array_index (buttons, i);

  g_assert_not_reached ();
}

static gboolean
run_enabled (gpointer data)
{
  return gtk_widget_get_sensitive (data);
}

static void
test_responsive_while_script_spins (void)
{
  g_autofree char *path = write_spinning_experiment ();
  g_autoptr(GError) error = NULL;
  GtkWidget *run_button, *stop_button;
  RetortWindow *window;
  RetortCanvas *canvas;
  RetortExperiment *experiment;
  StateWait wait;
  Liveness liveness = { 0 };
  graphene_rect_t before, after;
  GtkWindow *overlay;
  gint64 end, stop_time, cancelled_after;
  guint tick_id, timeout_id;

  window = create_window ();
  g_assert_true (open_file (window, path, &error));
  g_assert_no_error (error);

  canvas = find_descendant (GTK_WIDGET (window), RETORT_TYPE_CANVAS);
  g_assert_nonnull (canvas);
  wait_for_layout (canvas);
  experiment = retort_canvas_get_experiment (canvas);
  wait.module = RETORT_MODULE_WIDGET (retort_canvas_get_module_widget (canvas,
                                                                        retort_module_get_id (retort_experiment_get_module (experiment, 0))));
  g_assert_nonnull (wait.module);
  run_button = find_action_button (window, "win.run");
  stop_button = find_action_button (window, "win.stop");

  /* Run, and wait for the runner to start the script. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait.state = RETORT_MODULE_STATE_RUNNING;
  g_assert_true (wait_until_seconds (has_state, &wait, 30));
  g_assert_false (gtk_widget_get_sensitive (run_button));
  g_assert_true (gtk_widget_get_sensitive (stop_button));

  /* For a second: the frame clock keeps ticking and the canvas redrawing,
   * the main loop never stalls, and the window does what it is asked. */
  tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (canvas), tick_cb, &liveness, NULL);
  timeout_id = g_timeout_add (10, timeout_cb, &liveness);
  liveness.last_timeout = g_get_monotonic_time ();
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (wait.module), GTK_WIDGET (canvas),
                                            &before));
  end = g_get_monotonic_time () + G_USEC_PER_SEC;

  retort_canvas_set_zoom (canvas, 1.5);
  g_assert_cmpfloat (retort_canvas_get_zoom (canvas), ==, 1.5);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));

  g_assert_true (wait_until_seconds (one_second_passed, &end, 2));
  gtk_widget_remove_tick_callback (GTK_WIDGET (canvas), tick_id);
  g_source_remove (timeout_id);

  g_test_message ("%u frames in a second; longest main loop stall %.1f ms",
                  liveness.frames, liveness.max_stall / 1000.0);
  g_assert_cmpuint (liveness.frames, >=, MIN_FRAMES_PER_SECOND);
  g_assert_cmpint (liveness.max_stall, <=, MAX_STALL_MS * 1000);

  /* The zoom was laid out and the shortcuts window shown, mid-run. */
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (wait.module), GTK_WIDGET (canvas), &after));
  g_assert_cmpfloat_with_epsilon (after.size.width, 1.5 * before.size.width, 0.01);
  overlay = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (overlay);
  gtk_widget_set_visible (GTK_WIDGET (overlay), FALSE);
  g_assert_cmpint (retort_module_widget_get_state (wait.module), ==, RETORT_MODULE_STATE_RUNNING);

  /* Stop cancels the spinning script within a second; Run comes back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  stop_time = g_get_monotonic_time ();
  wait.state = RETORT_MODULE_STATE_CANCELLED;
  g_assert_true (wait_until_seconds (has_state, &wait, 5));
  cancelled_after = g_get_monotonic_time () - stop_time;
  g_assert_true (wait_until_seconds (run_enabled, run_button, 5));
  g_test_message ("cancelled %.1f ms after Stop; Run enabled after %.1f ms",
                  cancelled_after / 1000.0, (g_get_monotonic_time () - stop_time) / 1000.0);
  g_assert_cmpint (cancelled_after, <=, G_USEC_PER_SEC);
  g_assert_false (gtk_widget_get_sensitive (stop_button));

  gtk_window_destroy (GTK_WINDOW (window));
  wait_for_idle ();
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache_dir = NULL;
  g_autofree char *rm = NULL;
  int status;

  /* GLib logs messages on stdout, where they would break TAP. */
  g_log_writer_default_set_use_stderr (TRUE);

  /* Under Xvfb the GL renderer is llvmpipe, which compiles its shaders for
   * each new window (the shortcuts window here) for about half a second on
   * the main thread: a stall of the test machine's, not of Retort's. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);

  /* A cache of our own: a cached result would never spin. Set before GLib
   * reads XDG_CACHE_HOME once and for all. */
  tmp_dir = g_dir_make_tmp ("retort-test-running-XXXXXX", NULL);
  cache_dir = g_build_filename (tmp_dir, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache_dir, TRUE);

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display (run the 'gui' suite under xvfb-run)\n");
      return 0;
    }

  /* The test app never talks to a running Retort. */
  app = register_test_app (G_APPLICATION_HANDLES_OPEN);

  g_test_add_func ("/running/responsive-while-script-spins", test_responsive_while_script_spins);

  status = g_test_run ();

  g_clear_object (&app);
  rm = g_strdup_printf ("rm -rf '%s'", tmp_dir);
  g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  g_free (tmp_dir);

  return status;
}
