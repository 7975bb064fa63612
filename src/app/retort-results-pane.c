/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-results-pane"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "retort-python-device-view.h"
#include "retort-results-pane.h"
#include "retort-table-lib.h"
#include "retort-table-view.h"

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
  GtkLabel            *error_label;
  GtkWidget           *go_to_line_button;
  AdwPreferencesGroup *outputs_group;
  GtkStack            *pages;

  RetortScheduler     *scheduler;
  RetortModule        *module;
  GPtrArray           *output_rows;   /* the rows in outputs_group */

  /* The pages after the summary, for the kind they were made for: a
   * viewer per output (NULL for outputs without one) and per input. */
  const RetortModuleKind *pages_kind;
  GPtrArray           *output_viewers;
  GPtrArray           *input_viewers;
  RetortPythonDeviceView *device_view;
  RetortModuleState    shown_state;

  /* The error as text (to copy) and as the label's markup (frames of the
   * script are links "line:N"), and the line the script failed on. */
  GString             *error_text;
  GString             *error_markup;
  int                  error_line;
};

enum {
  SIGNAL_LINE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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

/* Appends @text to the error; with @line > 0 it is a link to that line of
 * the script. */
static void
append_error_line (RetortResultsPane *self,
                   const char        *text,
                   int                line)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append (self->error_text, text);
  if (line > 0)
    g_string_append_printf (self->error_markup, "<a href=\"line:%d\">%s</a>", line, escaped);
  else
    g_string_append (self->error_markup, escaped);
}

/* A frame of the user's script (not of a Script Bundle module). */
static gboolean
is_script_frame (const RetortTracebackFrame *frame)
{
  return frame->file != NULL && !g_str_has_prefix (frame->file, "Script Bundle/")
         && !g_str_has_prefix (frame->file, "/");
}

static void
show_error (RetortResultsPane *self,
            RetortModuleRun   *run,
            const GError      *error)
{
  RetortScriptResult *result = run != NULL ? retort_module_run_get_script_result (run) : NULL;
  gboolean python = result != NULL && retort_script_result_get_failed (result);

  g_string_truncate (self->error_text, 0);
  g_string_truncate (self->error_markup, 0);
  self->error_line = 0;

  if (!python)
    append_error_line (self, error != NULL ? error->message
                                           : _("The module failed without saying why"), 0);
  else
    {
      const GError *script_error = retort_script_result_get_error (result);
      const char *type = retort_script_result_get_error_type (result);
      const char *message = retort_script_result_get_message (result);
      GPtrArray *frames = retort_script_result_get_traceback (result);

      /* Error 0085's text, then the traceback as Python prints it, each
       * frame of the script a link to its line. */
      append_error_line (self, script_error != NULL ? script_error->message
                                                    : _("The script failed"), 0);
      if (frames != NULL && frames->len > 0)
        append_error_line (self, "\n\nTraceback (most recent call last):", 0);
      for (guint i = 0; frames != NULL && i < frames->len; i++)
        {
          const RetortTracebackFrame *frame = g_ptr_array_index (frames, i);
          /* The script's file is named after the module's id ("m2.py"):
           * the module's title says more. */
          g_autofree char *where = g_strdup_printf ("File \"%s\", line %d, in %s",
                                                    is_script_frame (frame)
                                                    ? retort_module_get_title (self->module)
                                                    : frame->file,
                                                    frame->line,
                                                    frame->function != NULL ? frame->function : "?");

          append_error_line (self, "\n  ", 0);
          append_error_line (self, where, is_script_frame (frame) ? frame->line : 0);
          if (frame->code != NULL && frame->code[0] != '\0')
            {
              g_autofree char *code = g_strdup_printf ("\n    %s", frame->code);

              append_error_line (self, code, 0);
            }
        }
      if (type != NULL)
        {
          g_autofree char *last = g_strdup_printf ("\n%s: %s", type, message != NULL ? message : "");

          append_error_line (self, last, 0);
        }
      self->error_line = retort_script_result_get_line (result);
    }

  /* A traceback lines up only in monospace. */
  if (python)
    gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "monospace");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->error_label), "monospace");
  gtk_label_set_markup (self->error_label, self->error_markup->str);

  if (self->error_line > 0)
    {
      /* Translators: a button that opens the script at the failing line */
      g_autofree char *label = g_strdup_printf (_("Go to Line %d"), self->error_line);

      gtk_button_set_label (GTK_BUTTON (self->go_to_line_button), label);
    }
  gtk_widget_set_visible (self->go_to_line_button, self->error_line > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->error_box), TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.copy-error", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.go-to-line", self->error_line > 0);
}

/* A frame of the traceback clicked (or activated with the keyboard): the
 * window opens the script at its line. */
static gboolean
error_label_activate_link_cb (RetortResultsPane *self,
                              const char        *uri)
{
  gint64 line;

  if (!g_str_has_prefix (uri, "line:") || self->module == NULL)
    return GDK_EVENT_PROPAGATE;
  line = g_ascii_strtoll (uri + strlen ("line:"), NULL, 10);
  if (line > 0)
    g_signal_emit (self, signals[SIGNAL_LINE_ACTIVATED], 0, self->module, (int) line);

  return GDK_EVENT_STOP;
}

/* The pages after the summary: a viewer for each output, then one for
 * each dataset input. */

static void
clear_viewer_pages (RetortResultsPane *self)
{
  GPtrArray *lists[] = { self->output_viewers, self->input_viewers };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      for (guint i = 0; i < lists[l]->len; i++)
        {
          GtkWidget *viewer = g_ptr_array_index (lists[l], i);

          if (viewer != NULL)
            gtk_stack_remove (self->pages, viewer);
        }
      g_ptr_array_set_size (lists[l], 0);
    }
  self->device_view = NULL;
  self->pages_kind = NULL;
}

static void
build_viewer_pages (RetortResultsPane *self)
{
  const RetortModuleKind *kind = retort_module_get_kind (self->module);

  if (self->pages_kind == kind)
    return;
  clear_viewer_pages (self);
  self->pages_kind = kind;

  for (guint i = 0; i < kind->n_outputs; i++)
    {
      GtkWidget *viewer = NULL;
      g_autofree char *name = g_strdup_printf ("output-%u", i);

      if (kind->outputs[i].type == RETORT_PORT_DATASET)
        viewer = retort_table_view_new ();
      else if (kind->outputs[i].type == RETORT_PORT_DEVICE)
        {
          viewer = retort_python_device_view_new ();
          self->device_view = RETORT_PYTHON_DEVICE_VIEW (viewer);
        }
      g_ptr_array_add (self->output_viewers, viewer);
      if (viewer != NULL)
        gtk_stack_add_titled (self->pages, viewer, name, _(kind->outputs[i].name));
    }

  for (guint i = 0; i < kind->n_inputs; i++)
    {
      GtkWidget *viewer = NULL;
      g_autofree char *name = g_strdup_printf ("input-%u", i);
      /* Translators: the tab of a module's input port, "Dataset1 (input)" */
      g_autofree char *title = g_strdup_printf (_("%s (input)"), _(kind->inputs[i].name));

      if (kind->inputs[i].type == RETORT_PORT_DATASET)
        {
          viewer = retort_table_view_new ();
          gtk_stack_add_titled (self->pages, viewer, name, title);
        }
      g_ptr_array_add (self->input_viewers, viewer);
    }
}

/* A finished run's console is one text; when @run kept what it printed
 * stream by stream (a run of this session) and that is @console, the
 * console shows it so, stderr in its colour, unless it already does (it
 * streamed in while shown). */
static void
show_console_streams (RetortConsoleView *console_view,
                      RetortModuleRun   *run,
                      const char        *console)
{
  g_autoptr(GString) printed = g_string_new (NULL);
  g_autofree char *shown = NULL;
  const char *text;
  gboolean is_stderr;

  for (guint i = 0; (text = retort_module_run_get_console_chunk (run, i, NULL)) != NULL; i++)
    g_string_append (printed, text);
  if (printed->len == 0 || g_strcmp0 (printed->str, console) != 0)
    return;

  shown = retort_console_view_dup_text (console_view);
  if (g_str_equal (shown, console))
    return;

  retort_console_view_clear (console_view);
  for (guint i = 0; (text = retort_module_run_get_console_chunk (run, i, &is_stderr)) != NULL; i++)
    retort_console_view_append (console_view, is_stderr ? "stderr" : "stdout", text);
}

static void
update_viewers (RetortResultsPane *self,
                RetortModuleRun   *run,
                RetortModuleState  state)
{
  const char *id = retort_module_get_id (self->module);
  gboolean current = state == RETORT_MODULE_STATE_FINISHED || state == RETORT_MODULE_STATE_CACHED;

  for (guint i = 0; i < self->output_viewers->len; i++)
    {
      GtkWidget *viewer = g_ptr_array_index (self->output_viewers, i);

      if (RETORT_IS_TABLE_VIEW (viewer))
        retort_table_view_set_table (RETORT_TABLE_VIEW (viewer),
                                     current && run != NULL
                                     ? retort_module_run_get_output_table (run, i) : NULL);
      else if (RETORT_IS_PYTHON_DEVICE_VIEW (viewer))
        {
          RetortScriptResult *result = run != NULL ? retort_module_run_get_script_result (run) : NULL;
          RetortConsoleView *console_view
            = retort_python_device_view_get_console (RETORT_PYTHON_DEVICE_VIEW (viewer));

          /* While running, the console fills as the script prints. */
          if (state == RETORT_MODULE_STATE_RUNNING || state == RETORT_MODULE_STATE_QUEUED)
            continue;

          if (current && run != NULL)
            {
              show_console_streams (console_view, run, retort_module_run_get_output_console (run, i));
              retort_python_device_view_set_output (RETORT_PYTHON_DEVICE_VIEW (viewer),
                                                    retort_module_run_get_output_console (run, i),
                                                    retort_module_run_get_output_images (run, i));
            }
          else if (state == RETORT_MODULE_STATE_FAILED && result != NULL)
            {
              /* What the script printed before it failed. */
              show_console_streams (console_view, run, retort_script_result_get_console (result));
              retort_python_device_view_set_output (RETORT_PYTHON_DEVICE_VIEW (viewer),
                                                    retort_script_result_get_console (result), NULL);
            }
          else if (state != RETORT_MODULE_STATE_CANCELLED)
            retort_python_device_view_set_output (RETORT_PYTHON_DEVICE_VIEW (viewer), NULL, NULL);
        }
    }

  for (guint i = 0; i < self->input_viewers->len; i++)
    {
      GtkWidget *viewer = g_ptr_array_index (self->input_viewers, i);
      const RetortConnection *source;
      RetortModuleRun *source_run = NULL;
      RetortModuleState source_state;
      RetortTable *table = NULL;

      if (viewer == NULL)
        continue;
      source = retort_experiment_find_source (retort_scheduler_get_experiment (self->scheduler), id, i);
      /* An input that nothing feeds has nothing to show. */
      gtk_stack_page_set_visible (gtk_stack_get_page (self->pages, viewer), source != NULL);
      if (source != NULL)
        {
          source_state = retort_scheduler_get_state (self->scheduler, source->from_module);
          if (source_state == RETORT_MODULE_STATE_FINISHED || source_state == RETORT_MODULE_STATE_CACHED)
            source_run = retort_scheduler_get_run (self->scheduler, source->from_module);
        }
      if (source_run != NULL)
        table = retort_module_run_get_output_table (source_run, source->from_port);
      retort_table_view_set_table (RETORT_TABLE_VIEW (viewer), table);
    }
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
  update_viewers (self, run, state);

  /* A failure shows its error; a run that just finished, its first output
   * (unless another page was chosen). */
  if (state == RETORT_MODULE_STATE_FAILED)
    gtk_stack_set_visible_child_name (self->pages, "summary");
  else if (state == RETORT_MODULE_STATE_FINISHED && self->shown_state == RETORT_MODULE_STATE_RUNNING
           && g_strcmp0 (gtk_stack_get_visible_child_name (self->pages), "summary") == 0
           && gtk_stack_get_child_by_name (self->pages, "output-0") != NULL)
    gtk_stack_set_visible_child_name (self->pages, "output-0");
  else if (state == RETORT_MODULE_STATE_RUNNING && self->device_view != NULL
           && self->shown_state != RETORT_MODULE_STATE_RUNNING)
    retort_console_view_clear (retort_python_device_view_get_console (self->device_view));
  self->shown_state = state;
}

static void
scheduler_console_cb (RetortResultsPane *self,
                      const char        *module_id,
                      const char        *stream,
                      const char        *text)
{
  if (self->module == NULL || self->device_view == NULL
      || !g_str_equal (module_id, retort_module_get_id (self->module)))
    return;

  retort_console_view_append (retort_python_device_view_get_console (self->device_view),
                              stream, text);
}

static void
scheduler_state_changed_cb (RetortResultsPane *self,
                            const char        *module_id,
                            RetortModuleState  state)
{
  const char *id;

  if (self->module == NULL)
    return;
  id = retort_module_get_id (self->module);
  if (g_str_equal (module_id, id))
    update (self);
  else if (state == RETORT_MODULE_STATE_FINISHED || state == RETORT_MODULE_STATE_CACHED)
    /* An upstream module's output is one of this module's inputs. */
    update_viewers (self, retort_scheduler_get_run (self->scheduler, id),
                    retort_scheduler_get_state (self->scheduler, id));
}

static void
copy_error_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  RetortResultsPane *self = RETORT_RESULTS_PANE (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->error_text->str);
}

static void
go_to_line_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  RetortResultsPane *self = RETORT_RESULTS_PANE (widget);

  if (self->module != NULL && self->error_line > 0)
    g_signal_emit (self, signals[SIGNAL_LINE_ACTIVATED], 0, self->module, self->error_line);
}

static void
retort_results_pane_dispose (GObject *object)
{
  RetortResultsPane *self = RETORT_RESULTS_PANE (object);

  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), RETORT_TYPE_RESULTS_PANE);
  g_clear_pointer (&self->output_rows, g_ptr_array_unref);
  g_clear_pointer (&self->output_viewers, g_ptr_array_unref);
  g_clear_pointer (&self->input_viewers, g_ptr_array_unref);
  if (self->error_text != NULL)
    g_string_free (g_steal_pointer (&self->error_text), TRUE);
  if (self->error_markup != NULL)
    g_string_free (g_steal_pointer (&self->error_markup), TRUE);
  self->device_view = NULL;
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
  gtk_widget_class_bind_template_child (widget_class, RetortResultsPane, error_label);
  gtk_widget_class_bind_template_callback (widget_class, error_label_activate_link_cb);
  gtk_widget_class_bind_template_child (widget_class, RetortResultsPane, outputs_group);
  gtk_widget_class_bind_template_child (widget_class, RetortResultsPane, go_to_line_button);
  gtk_widget_class_bind_template_child (widget_class, RetortResultsPane, pages);

  gtk_widget_class_install_action (widget_class, "results.copy-error", NULL, copy_error_action);
  gtk_widget_class_install_action (widget_class, "results.go-to-line", NULL, go_to_line_action);

  /**
   * RetortResultsPane::line-activated:
   * @module: the module whose script it is
   * @line: the line of the script, 1-based
   *
   * A frame of a traceback was clicked, or Go to Line: the window opens
   * the script there.
   */
  signals[SIGNAL_LINE_ACTIVATED] =
    g_signal_new ("line-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, RETORT_TYPE_MODULE, G_TYPE_INT);
}

static void
retort_results_pane_init (RetortResultsPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->output_rows = g_ptr_array_new ();
  self->output_viewers = g_ptr_array_new ();
  self->input_viewers = g_ptr_array_new ();
  self->error_text = g_string_new (NULL);
  self->error_markup = g_string_new (NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.copy-error", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.go-to-line", FALSE);

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
        {
          g_signal_connect_object (scheduler, "state-changed",
                                   G_CALLBACK (scheduler_state_changed_cb), self, G_CONNECT_SWAPPED);
          g_signal_connect_object (scheduler, "console",
                                   G_CALLBACK (scheduler_console_cb), self, G_CONNECT_SWAPPED);
        }
    }
  if (self->module != module)
    self->shown_state = RETORT_MODULE_STATE_NOT_RUN;
  g_set_object (&self->module, module);

  if (module == NULL || scheduler == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  build_viewer_pages (self);
  update (self);
  gtk_stack_set_visible_child_name (self->stack, "module");
}
