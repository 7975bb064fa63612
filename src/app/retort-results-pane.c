/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-results-pane"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-results-pane.h"
#include "retort-table-lib.h"

struct _RetortResultsPane
{
  GtkWidget            parent_instance;

  /* Template widgets */
  GtkStack            *stack;
  GtkBox              *state_box;
  GtkStack            *state_icon_stack;
  GtkImage            *state_icon;
  GtkSpinner          *spinner;
  GtkLabel            *state_label;
  GtkLabel            *time_label;
  GtkBox              *error_box;
  GtkTextView         *error_view;
  AdwPreferencesGroup *outputs_group;

  RetortScheduler     *scheduler;
  RetortModule        *module;
  GPtrArray           *output_rows;   /* the rows in outputs_group */
};

G_DEFINE_FINAL_TYPE (RetortResultsPane, retort_results_pane, GTK_TYPE_WIDGET)

char *
retort_results_pane_format_duration (gint64 microseconds)
{
  double seconds = microseconds / (double) G_USEC_PER_SEC;
  gint64 whole;

  /* "0.00 s" would read as if nothing ran. */
  if (microseconds < 10000)
    /* Translators: a duration too short for two decimals */
    return g_strdup (_("< 0.01 s"));
  if (seconds < 10)
    /* Translators: a duration under 10 seconds, "0.42 s" */
    return g_strdup_printf (_("%.2f s"), seconds);
  if (seconds < 60)
    /* Translators: a duration under a minute, "12.3 s" */
    return g_strdup_printf (_("%.1f s"), seconds);

  whole = (gint64) seconds;
  if (whole < 3600)
    /* Translators: a duration, "1 min 3 s" */
    return g_strdup_printf (_("%d min %d s"), (int) (whole / 60), (int) (whole % 60));

  /* Translators: a long duration, "2 h 5 min" */
  return g_strdup_printf (_("%d h %d min"), (int) (whole / 3600), (int) (whole % 3600 / 60));
}

/* "150 rows × 5 columns", "12.3 kB", "2 images", or NULL when the run
 * left nothing on the port. */
static char *
describe_output (RetortModuleRun      *run,
                 guint                 port,
                 const RetortPortSpec *spec)
{
  switch (spec->type)
    {
    case RETORT_PORT_DATASET:
      {
        RetortTable *table = retort_module_run_get_output_table (run, port);
        g_autofree char *rows = NULL;
        g_autofree char *columns = NULL;
        gsize n_rows;
        guint n_columns;

        if (table == NULL)
          return NULL;
        n_rows = retort_table_get_n_rows (table);
        n_columns = retort_table_get_n_columns (table);
        /* Plain formats: xgettext cannot join G_GSIZE_FORMAT into a message. */
        rows = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lu row", "%lu rows", n_rows),
                                (unsigned long) n_rows);
        columns = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u column", "%u columns",
                                                n_columns),
                                   n_columns);
        /* Translators: a table's size, "150 rows × 5 columns" */
        return g_strdup_printf (_("%s × %s"), rows, columns);
      }

    case RETORT_PORT_ZIP:
      {
        GBytes *bytes = retort_module_run_get_output_bytes (run, port);

        return bytes != NULL ? g_format_size (g_bytes_get_size (bytes)) : NULL;
      }

    case RETORT_PORT_DEVICE:
      {
        GPtrArray *images = retort_module_run_get_output_images (run, port);
        const char *console = retort_module_run_get_output_console (run, port);
        guint n_images = images != NULL ? images->len : 0;
        gsize n_lines = 0;
        g_autofree char *images_text = NULL;
        g_autofree char *lines_text = NULL;

        if (images == NULL && console == NULL)
          return NULL;
        for (const char *p = console; p != NULL && *p != '\0'; p++)
          n_lines += *p == '\n' || p[1] == '\0';
        images_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u image", "%u images",
                                                    n_images),
                                       n_images);
        lines_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lu console line",
                                                   "%lu console lines", n_lines),
                                      (unsigned long) n_lines);
        /* Translators: what a Python device holds, "2 images, 14 console lines" */
        return g_strdup_printf (_("%s, %s"), images_text, lines_text);
      }

    default:
      return NULL;
    }
}

static void
update_outputs (RetortResultsPane *self,
                RetortModuleRun   *run,
                gboolean           current)
{
  const RetortModuleKind *kind = retort_module_get_kind (self->module);

  for (guint i = 0; i < self->output_rows->len; i++)
    adw_preferences_group_remove (self->outputs_group, g_ptr_array_index (self->output_rows, i));
  g_ptr_array_set_size (self->output_rows, 0);

  gtk_widget_set_visible (GTK_WIDGET (self->outputs_group), kind->n_outputs > 0);
  for (guint i = 0; i < kind->n_outputs; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *size = NULL;
      GtkWidget *badge = gtk_label_new (retort_port_type_get_title (kind->outputs[i].type));

      if (current && run != NULL)
        size = describe_output (run, i, &kind->outputs[i]);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(kind->outputs[i].name));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), size != NULL ? size : _("No output yet"));
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (badge, "badge");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
      adw_preferences_group_add (self->outputs_group, row);
      g_ptr_array_add (self->output_rows, row);
    }
}

static void
show_error (RetortResultsPane *self,
            RetortModuleRun   *run,
            const GError      *error)
{
  RetortScriptResult *result = run != NULL ? retort_module_run_get_script_result (run) : NULL;
  g_autofree char *report = NULL;

  /* A Python failure has a traceback, which lines up only in monospace. */
  if (result != NULL && retort_script_result_get_failed (result))
    report = retort_script_result_format_error (result);
  gtk_text_view_set_monospace (self->error_view, report != NULL);
  if (report == NULL)
    report = g_strdup (error != NULL ? error->message : _("The module failed without saying why"));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->error_view), report, -1);
  gtk_widget_set_visible (GTK_WIDGET (self->error_box), TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.copy-error", TRUE);
}

static void
update (RetortResultsPane *self)
{
  static const char * const state_classes[] = {
    "not-run", "queued", "running", "finished", "cached", "failed", "cancelled",
  };
  const char *id = retort_module_get_id (self->module);
  RetortModuleState state = retort_scheduler_get_state (self->scheduler, id);
  RetortModuleRun *run = retort_scheduler_get_run (self->scheduler, id);
  g_autofree char *duration = NULL;
  g_autofree char *time_text = NULL;
  const char *title = NULL;
  const char *icon_name = NULL;

  if (state == RETORT_MODULE_STATE_FINISHED || state == RETORT_MODULE_STATE_FAILED)
    {
      gint64 elapsed_us = retort_scheduler_get_elapsed_us (self->scheduler, id);

      duration = retort_results_pane_format_duration (elapsed_us);
    }

  switch (state)
    {
    case RETORT_MODULE_STATE_QUEUED:
      title = _("Queued");
      icon_name = "content-loading-symbolic";
      time_text = g_strdup (_("Waits for the modules it needs"));
      break;
    case RETORT_MODULE_STATE_RUNNING:
      title = _("Running");
      break;
    case RETORT_MODULE_STATE_FINISHED:
      title = _("Finished");
      icon_name = "emblem-ok-symbolic";
      /* Translators: how long a module's run took, "Took 0.42 s" */
      time_text = g_strdup_printf (_("Took %s"), duration);
      break;
    case RETORT_MODULE_STATE_CACHED:
      title = _("Cached");
      icon_name = "emblem-ok-symbolic";
      time_text = g_strdup (_("Nothing changed since the last run: its outputs were reused"));
      break;
    case RETORT_MODULE_STATE_FAILED:
      title = _("Failed");
      icon_name = "dialog-error-symbolic";
      /* Translators: how long a failed run took, "Failed after 0.42 s" */
      time_text = g_strdup_printf (_("Failed after %s"), duration);
      break;
    case RETORT_MODULE_STATE_CANCELLED:
      title = _("Cancelled");
      icon_name = "process-stop-symbolic";
      time_text = g_strdup (_("Stopped before it finished"));
      break;
    case RETORT_MODULE_STATE_NOT_RUN:
    default:
      title = _("Not Run");
      icon_name = "media-playback-start-symbolic";
      time_text = g_strdup (_("Run the experiment to see what this module gives"));
      break;
    }

  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_box), state_classes[i]);
  if (state <= RETORT_MODULE_STATE_CANCELLED)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_box), state_classes[state]);

  gtk_label_set_label (self->state_label, title);
  gtk_label_set_label (self->time_label, time_text);
  gtk_widget_set_visible (GTK_WIDGET (self->time_label), time_text != NULL);
  gtk_spinner_set_spinning (self->spinner, state == RETORT_MODULE_STATE_RUNNING);
  if (state == RETORT_MODULE_STATE_RUNNING)
    gtk_stack_set_visible_child (self->state_icon_stack, GTK_WIDGET (self->spinner));
  else
    {
      gtk_image_set_from_icon_name (self->state_icon, icon_name);
      gtk_stack_set_visible_child (self->state_icon_stack, GTK_WIDGET (self->state_icon));
    }

  if (state == RETORT_MODULE_STATE_FAILED)
    show_error (self, run, retort_scheduler_get_error (self->scheduler, id));
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->error_box), FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.copy-error", FALSE);
    }

  /* Outputs of an older run would be taken for this one's. */
  update_outputs (self, run,
                  state == RETORT_MODULE_STATE_FINISHED || state == RETORT_MODULE_STATE_CACHED);
}

static void
scheduler_state_changed_cb (RetortResultsPane *self,
                            const char        *module_id,
                            RetortModuleState  state)
{
  if (self->module != NULL && g_str_equal (module_id, retort_module_get_id (self->module)))
    update (self);
}

static void
copy_error_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  RetortResultsPane *self = RETORT_RESULTS_PANE (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->error_view);
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

static void
retort_results_pane_dispose (GObject *object)
{
  RetortResultsPane *self = RETORT_RESULTS_PANE (object);

  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), RETORT_TYPE_RESULTS_PANE);
  g_clear_pointer (&self->output_rows, g_ptr_array_unref);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->module);

  G_OBJECT_CLASS (retort_results_pane_parent_class)->dispose (object);
}

static void
retort_results_pane_class_init (RetortResultsPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = retort_results_pane_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/retort/Retort/"
                                                             "ui/retort-results-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, RetortResultsPane, stack);
  gtk_widget_class_bind_template_child (widget_class, RetortResultsPane, state_box);
  gtk_widget_class_bind_template_child (widget_class, RetortResultsPane, state_icon_stack);
  gtk_widget_class_bind_template_child (widget_class, RetortResultsPane, state_icon);
  gtk_widget_class_bind_template_child (widget_class, RetortResultsPane, spinner);
  gtk_widget_class_bind_template_child (widget_class, RetortResultsPane, state_label);
  gtk_widget_class_bind_template_child (widget_class, RetortResultsPane, time_label);
  gtk_widget_class_bind_template_child (widget_class, RetortResultsPane, error_box);
  gtk_widget_class_bind_template_child (widget_class, RetortResultsPane, error_view);
  gtk_widget_class_bind_template_child (widget_class, RetortResultsPane, outputs_group);

  gtk_widget_class_install_action (widget_class, "results.copy-error", NULL, copy_error_action);
}

static void
retort_results_pane_init (RetortResultsPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->output_rows = g_ptr_array_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.copy-error", FALSE);
}

GtkWidget *
retort_results_pane_new (void)
{
  return g_object_new (RETORT_TYPE_RESULTS_PANE, NULL);
}

void
retort_results_pane_set_module (RetortResultsPane *self,
                                RetortScheduler   *scheduler,
                                RetortModule      *module)
{
  g_return_if_fail (RETORT_IS_RESULTS_PANE (self));
  g_return_if_fail (scheduler == NULL || RETORT_IS_SCHEDULER (scheduler));
  g_return_if_fail (module == NULL || RETORT_IS_MODULE (module));

  if (self->scheduler != scheduler)
    {
      if (self->scheduler != NULL)
        g_signal_handlers_disconnect_by_data (self->scheduler, self);
      g_set_object (&self->scheduler, scheduler);
      if (scheduler != NULL)
        g_signal_connect_object (scheduler, "state-changed",
                                 G_CALLBACK (scheduler_state_changed_cb), self, G_CONNECT_SWAPPED);
    }
  g_set_object (&self->module, module);

  if (module == NULL || scheduler == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  update (self);
  gtk_stack_set_visible_child_name (self->stack, "module");
}
