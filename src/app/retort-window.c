/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-window"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "retort-autosave.h"
#include "retort-canvas.h"
#include "retort-console-view.h"
#include "retort-palette.h"
#include "retort-properties-pane.h"
#include "retort-results-pane.h"
#include "retort-column-summary.h"
#include "retort-csv.h"
#include "retort-experiment.h"
#include "retort-recent.h"
#include "retort-scheduler.h"
#include "retort-script-editor.h"
#include "retort-start-page.h"
#include "retort-summary-page.h"
#include "retort-window.h"

/* Reads shorter than this never show the spinner, so small files do not flicker. */
#define LOADING_PAGE_DELAY_MS 150

struct _RetortWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  AdwStatusPage        *loading_page;
  GtkSpinner           *spinner;
  RetortSummaryPage    *summary_page;
  AdwStatusPage        *error_page;
  RetortCanvas         *canvas;
  AdwTabView           *tab_view;
  AdwTabBar            *tab_bar;
  /* The canvas's tab: the first, never closed. */
  AdwTabPage           *canvas_page;
  RetortPalette        *palette;
  RetortPropertiesPane *properties_pane;
  RetortResultsPane    *results_pane;
  GtkPaned             *palette_paned;
  GtkPaned             *properties_paned;
  GtkPaned             *results_paned;
  /* The properties and results panes get their remembered sizes the first
   * time the experiment page is laid out (they are end children: their
   * size depends on the window's). */
  gboolean              panes_to_restore;
  guint                 restore_panes_source;
  GtkWidget            *run_button;
  GtkWidget            *stop_button;
  GtkWidget            *save_button;
  GMenu                *recent_section;

  GSettings            *settings;
  GtkFileChooserNative *file_chooser;
  GtkFileChooserNative *save_chooser;
  /* The Save (As) waiting for the save chooser. */
  GTask                *save_task;
  /* The Save Changes? dialog on screen, and what waits for its answer. */
  AdwMessageDialog     *save_changes_dialog;
  GTask                *save_changes_task;
  /* The user chose to close despite unsaved changes (or saved them). */
  gboolean              close_confirmed;
  GCancellable         *load_cancellable;
  guint                 loading_page_source;

  /* The experiment shown on the canvas page, and what runs it. */
  RetortExperiment     *experiment;
  char                 *experiment_name;
  RetortScheduler      *scheduler;
  /* Starts a Python runner a moment after a document with Python modules
   * shows, so that Run does not wait for Python to start. */
  guint                 prepare_source;
  GCancellable         *run_cancellable;
  /* Its recovery copy while it has unsaved changes. */
  RetortAutosave       *autosave;
  /* Compiles and completes the scripts being edited (a runner of its own,
   * so that checking never waits for a run). */
  RetortPythonRunner   *language_runner;
};

G_DEFINE_FINAL_TYPE (RetortWindow, retort_window, ADW_TYPE_APPLICATION_WINDOW)

typedef struct
{
  RetortTable *table;
  GPtrArray   *summaries;
} LoadedTable;

static void
loaded_table_free (LoadedTable *loaded)
{
  g_clear_pointer (&loaded->table, retort_table_unref);
  g_clear_pointer (&loaded->summaries, g_ptr_array_unref);
  g_free (loaded);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadedTable, loaded_table_free)

static char *
dup_display_name (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  return g_filename_display_name (basename);
}

static void
read_csv_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(LoadedTable) loaded = g_new0 (LoadedTable, 1);
  RetortCsvOptions options;
  GError *error = NULL;

  if (path == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("%s is not a local file: copy it to this computer first"),
                               name);
      return;
    }

  retort_csv_options_init (&options);
  loaded->table = retort_csv_read_file (path, &options, &error);
  if (loaded->table == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  loaded->summaries = retort_table_summarize (loaded->table);
  g_task_return_pointer (task, g_steal_pointer (&loaded), (GDestroyNotify) loaded_table_free);
}

static void
retort_window_stop_loading (RetortWindow *self)
{
  g_clear_handle_id (&self->loading_page_source, g_source_remove);
  gtk_spinner_stop (self->spinner);
}

static gboolean
show_loading_page_cb (gpointer user_data)
{
  RetortWindow *self = user_data;

  self->loading_page_source = 0;
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");

  return G_SOURCE_REMOVE;
}

static void retort_window_close_experiment    (RetortWindow *self);
static void retort_window_open_file_confirmed (RetortWindow *self,
                                               GFile        *file);

/* Shows @page_name with the file's name as the title of the window. */
static void
retort_window_show_page (RetortWindow *self,
                         const char   *page_name,
                         const char   *display_name,
                         const char   *subtitle)
{
  /* Another file replaces the experiment: Run and Undo must not reach it. */
  retort_window_close_experiment (self);

  adw_window_title_set_title (self->window_title, display_name);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), display_name);
  gtk_stack_set_visible_child_name (self->stack, page_name);
}

static void
retort_window_show_table (RetortWindow *self,
                          const char   *display_name,
                          LoadedTable  *loaded)
{
  gsize n_rows = retort_table_get_n_rows (loaded->table);
  guint n_columns = retort_table_get_n_columns (loaded->table);
  g_autofree char *rows = NULL;
  g_autofree char *columns = NULL;
  g_autofree char *subtitle = NULL;

  /* gsize as unsigned long: xgettext cannot read G_GSIZE_FORMAT. */
  rows = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'lu row", "%'lu rows", n_rows),
                          (unsigned long) n_rows);
  columns = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u column", "%u columns", n_columns),
                             n_columns);
  /* Translators: the size of a table, e.g. "150 rows · 5 columns" */
  subtitle = g_strdup_printf (_("%s · %s"), rows, columns);

  retort_summary_page_set_summaries (self->summary_page, loaded->summaries);
  retort_window_show_page (self, "summary", display_name, subtitle);
}

static void
retort_window_show_error (RetortWindow *self,
                          const char   *display_name,
                          const GError *error)
{
  adw_status_page_set_description (self->error_page, error->message);
  retort_window_show_page (self, "error", display_name, NULL);
}

static void
read_csv_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RetortWindow *self = g_task_get_source_object (task);
  GFile *file = g_task_get_task_data (task);
  g_autofree char *display_name = dup_display_name (file);
  g_autoptr(LoadedTable) loaded = NULL;
  g_autoptr(GError) error = NULL;

  loaded = g_task_propagate_pointer (G_TASK (result), &error);

  /* A cancelled read was replaced by a newer one, which owns the page now. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  retort_window_stop_loading (self);
  g_clear_object (&self->load_cancellable);

  if (loaded == NULL)
    {
      g_debug ("Could not open %s: %s", display_name, error->message);
      retort_window_show_error (self, display_name, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  retort_window_show_table (self, display_name, loaded);
  g_task_return_boolean (task, TRUE);
}

static gboolean
is_experiment_file (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  return basename != NULL && g_str_has_suffix (basename, ".retort");
}

static gboolean
module_has_script (RetortModule *module)
{
  return retort_module_kind_find_script (retort_module_get_kind (module)) != NULL;
}

static gboolean
retort_window_is_running (RetortWindow *self)
{
  return self->run_cancellable != NULL;
}

static void
retort_window_update_actions (RetortWindow *self)
{
  gboolean has_experiment = self->experiment != NULL;
  gboolean running = retort_window_is_running (self);
  g_autoptr(GPtrArray) selection = NULL;
  gboolean has_selection;

  /* A run cancelled by closing the window ends after its widgets are gone. */
  if (self->run_button == NULL)
    return;

  selection = retort_canvas_get_selection (self->canvas);
  has_selection = selection->len > 0;

  /* Run and Stop mean nothing for a CSV file. */
  gtk_widget_set_visible (self->run_button, has_experiment);
  gtk_widget_set_visible (self->stop_button, has_experiment);
  gtk_widget_set_visible (self->save_button, has_experiment);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", has_experiment);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", has_experiment);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run", has_experiment && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run-here", has_experiment && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run-selected",
                                 has_experiment && !running && has_selection);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.find-module", has_experiment);
  {
    RetortModule *selected = has_experiment ? retort_canvas_get_selected_module (self->canvas) : NULL;

    gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-script",
                                   selected != NULL && module_has_script (selected));
  }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 has_experiment && retort_experiment_can_undo (self->experiment));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo",
                                 has_experiment && retort_experiment_can_redo (self->experiment));
}

static void
retort_window_update_experiment_title (RetortWindow *self)
{
  GFile *file;
  guint n_modules;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  if (self->experiment == NULL)
    return;

  /* Save As renames the document. */
  file = retort_experiment_get_file (self->experiment);
  g_free (self->experiment_name);
  self->experiment_name = file != NULL ? dup_display_name (file)
                                       : g_strdup (_("Untitled Experiment"));

  n_modules = retort_experiment_get_n_modules (self->experiment);
  /* Translators: marks a document with unsaved changes; %s is its name */
  title = retort_experiment_get_modified (self->experiment)
          ? g_strdup_printf (_("• %s"), self->experiment_name)
          : g_strdup (self->experiment_name);
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u module", "%u modules", n_modules),
                              n_modules);
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_tab_page_set_title (self->canvas_page, self->experiment_name);
  adw_tab_page_set_tooltip (self->canvas_page, self->experiment_name);
}


/* Script tabs */


static RetortScriptEditor *
page_get_editor (AdwTabPage *page)
{
  GtkWidget *child = page != NULL ? adw_tab_page_get_child (page) : NULL;

  return RETORT_IS_SCRIPT_EDITOR (child) ? RETORT_SCRIPT_EDITOR (child) : NULL;
}

static AdwTabPage *
retort_window_find_script_page (RetortWindow *self,
                                RetortModule *module)
{
  for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
    {
      AdwTabPage *page = adw_tab_view_get_nth_page (self->tab_view, i);
      RetortScriptEditor *editor = page_get_editor (page);

      if (editor != NULL && retort_script_editor_get_module (editor) == module)
        return page;
    }

  return NULL;
}

/* Closes the tabs of scripts whose module is gone (deleted, or the whole
 * experiment closed). */
static void
retort_window_close_stale_scripts (RetortWindow *self)
{
  for (int i = adw_tab_view_get_n_pages (self->tab_view) - 1; i >= 0; i--)
    {
      AdwTabPage *page = adw_tab_view_get_nth_page (self->tab_view, i);
      RetortScriptEditor *editor = page_get_editor (page);
      RetortModule *module;

      if (editor == NULL)
        continue;
      module = retort_script_editor_get_module (editor);
      if (self->experiment == NULL
          || retort_experiment_find_module (self->experiment, retort_module_get_id (module)) != module)
        adw_tab_view_close_page (self->tab_view, page);
    }
}

static void
retort_window_run_modules (RetortWindow       *self,
                           const char * const *module_ids);

static void
editor_run_requested_cb (RetortWindow       *self,
                         RetortScriptEditor *editor)
{
  const char *ids[] = { retort_module_get_id (retort_script_editor_get_module (editor)), NULL };

  retort_window_run_modules (self, ids);
}

static RetortPythonRunner *
retort_window_get_language_runner (RetortWindow *self)
{
  if (self->language_runner == NULL)
    self->language_runner = retort_python_runner_new ();

  return self->language_runner;
}

/* Opens the script of @module in a tab (or goes to its tab) and, for a
 * @line > 0, puts the cursor on it. */
RetortScriptEditor *
retort_window_open_script (RetortWindow *self,
                           RetortModule *module,
                           int           line)
{
  AdwTabPage *page;
  RetortScriptEditor *editor;

  g_return_val_if_fail (RETORT_IS_WINDOW (self), NULL);
  g_return_val_if_fail (RETORT_IS_MODULE (module), NULL);

  page = retort_window_find_script_page (self, module);
  if (page == NULL)
    {
      GtkWidget *widget = retort_script_editor_new (self->experiment, module);

      editor = RETORT_SCRIPT_EDITOR (widget);
      retort_script_editor_set_scheduler (editor, self->scheduler);
      retort_script_editor_set_language_runner (editor, retort_window_get_language_runner (self));
      g_signal_connect_object (editor, "run-requested", G_CALLBACK (editor_run_requested_cb), self,
                               G_CONNECT_SWAPPED);
      page = adw_tab_view_append (self->tab_view, widget);
      g_object_bind_property (module, "title", page, "title", G_BINDING_SYNC_CREATE);
      {
        g_autoptr(GIcon) icon = g_themed_icon_new (retort_module_get_kind (module)->icon_name);

        adw_tab_page_set_icon (page, icon);
      }
      adw_tab_page_set_tooltip (page, retort_module_get_title (module));
    }
  editor = page_get_editor (page);
  adw_tab_view_set_selected_page (self->tab_view, page);
  if (line > 0)
    retort_script_editor_go_to_line (editor, line);
  else
    gtk_widget_grab_focus (GTK_WIDGET (editor));

  return editor;
}

static void
results_line_activated_cb (RetortWindow *self,
                           RetortModule *module,
                           int           line)
{
  if (module_has_script (module))
    retort_window_open_script (self, module, line);
}

/* The bar shows once a script is open (a pinned tab would keep
 * AdwTabBar's own autohide from hiding it). */
static void
tab_view_n_pages_cb (RetortWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->tab_bar), adw_tab_view_get_n_pages (self->tab_view) > 1);
}

static gboolean
tab_view_close_page_cb (RetortWindow *self,
                        AdwTabPage   *page)
{
  /* The canvas stays; a script's edits are the experiment's already. */
  adw_tab_view_close_page_finish (self->tab_view, page, page != self->canvas_page);
  return GDK_EVENT_STOP;
}

static void canvas_selection_changed_cb (RetortWindow *self);

/* The panes show the module of the script in view, or the canvas's
 * selection. */
static void
tab_view_selected_page_cb (RetortWindow *self)
{
  AdwTabPage *page = adw_tab_view_get_selected_page (self->tab_view);
  RetortScriptEditor *editor = page_get_editor (page);

  if (editor == NULL)
    {
      canvas_selection_changed_cb (self);
      return;
    }
  retort_properties_pane_set_module (self->properties_pane, self->experiment,
                                     retort_script_editor_get_module (editor));
  retort_results_pane_set_module (self->results_pane, self->scheduler,
                                  retort_script_editor_get_module (editor));
}

static void
experiment_changed_cb (RetortWindow *self)
{
  retort_window_update_experiment_title (self);
  retort_window_update_actions (self);
  retort_window_close_stale_scripts (self);
}

static void
retort_window_stop_run (RetortWindow *self)
{
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
}

static gboolean
prepare_runner_cb (gpointer user_data)
{
  RetortWindow *self = user_data;

  self->prepare_source = 0;
  if (self->scheduler != NULL)
    retort_scheduler_prepare (self->scheduler);
  return G_SOURCE_REMOVE;
}

/* After the window's first frames, when Python would start anyway. */
static void
schedule_prepare_runner (RetortWindow *self)
{
  if (self->prepare_source == 0)
    self->prepare_source = g_timeout_add_seconds_full (G_PRIORITY_LOW, 1, prepare_runner_cb,
                                                       self, NULL);
}

static void
retort_window_close_experiment (RetortWindow *self)
{
  if (self->experiment == NULL)
    return;

  g_clear_handle_id (&self->prepare_source, g_source_remove);

  retort_window_stop_run (self);
  g_signal_handlers_disconnect_by_data (self->experiment, self);
  retort_properties_pane_set_module (self->properties_pane, NULL, NULL);
  retort_properties_pane_set_scheduler (self->properties_pane, NULL);
  retort_results_pane_set_module (self->results_pane, NULL, NULL);
  retort_canvas_set_scheduler (self->canvas, NULL);
  retort_canvas_set_experiment (self->canvas, NULL);
  g_clear_object (&self->experiment);
  retort_window_close_stale_scripts (self);
  g_clear_object (&self->scheduler);
  /* A recovery copy it leaves is unsaved work: offered at the next start. */
  g_clear_object (&self->autosave);
  g_clear_pointer (&self->experiment_name, g_free);
  retort_window_update_actions (self);
}

/* Shows @experiment on the canvas; @recovery_id names the recovery copy it
 * was recovered from, which autosave keeps writing. */
static void
retort_window_set_experiment (RetortWindow     *self,
                              RetortExperiment *experiment,
                              const char       *recovery_id)
{
  retort_window_stop_loading (self);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  retort_window_close_experiment (self);

  self->experiment = g_object_ref (experiment);
  self->scheduler = retort_scheduler_new (experiment);
  self->autosave = retort_autosave_new (experiment, recovery_id);
  self->close_confirmed = FALSE;

  retort_properties_pane_set_scheduler (self->properties_pane, self->scheduler);
  retort_canvas_set_experiment (self->canvas, experiment);
  retort_canvas_set_scheduler (self->canvas, self->scheduler);
  g_signal_connect_object (experiment, "changed", G_CALLBACK (experiment_changed_cb), self,
                           G_CONNECT_SWAPPED);
  /* Saving changes neither the modules nor the undo stack. */
  g_signal_connect_object (experiment, "notify::modified",
                           G_CALLBACK (retort_window_update_experiment_title), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (experiment, "notify::file",
                           G_CALLBACK (retort_window_update_experiment_title), self,
                           G_CONNECT_SWAPPED);
  /* A Python module added later starts one too. */
  g_signal_connect_object (experiment, "module-added", G_CALLBACK (schedule_prepare_runner), self,
                           G_CONNECT_SWAPPED);
  schedule_prepare_runner (self);

  gtk_stack_set_visible_child_name (self->stack, "experiment");
  retort_window_update_experiment_title (self);
  retort_window_update_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

static gboolean
retort_window_load_experiment (RetortWindow  *self,
                               GFile         *file,
                               GError       **error)
{
  g_autoptr(RetortExperiment) experiment = retort_experiment_load (file, error);

  if (experiment == NULL)
    return FALSE;

  retort_window_set_experiment (self, experiment, NULL);
  retort_recent_add_experiment (file);

  return TRUE;
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(RetortWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Failures show on the failing module's badge. */
  if (!retort_scheduler_run_finish (RETORT_SCHEDULER (object), result, &error))
    g_debug ("The run ended: %s", error->message);

  g_clear_object (&self->run_cancellable);
  retort_window_update_actions (self);
}

/* Runs @module_ids and what they need (NULL: everything); upstream
 * outputs that did not change come from the cache. */
static void
retort_window_run_modules (RetortWindow       *self,
                           const char * const *module_ids)
{
  if (self->scheduler == NULL || retort_window_is_running (self))
    return;

  self->run_cancellable = g_cancellable_new ();
  retort_scheduler_run_async (self->scheduler, module_ids, self->run_cancellable, run_cb,
                              g_object_ref (self));
  retort_window_update_actions (self);
}

static void
retort_window_run_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  retort_window_run_modules (RETORT_WINDOW (widget), NULL);
}

/* The script editor that has the focus, or NULL. */
static RetortScriptEditor *
retort_window_get_focused_editor (RetortWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *editor = focus != NULL ? gtk_widget_get_ancestor (focus, RETORT_TYPE_SCRIPT_EDITOR) : NULL;

  return editor != NULL ? RETORT_SCRIPT_EDITOR (editor) : NULL;
}

/* Ctrl+Return: in a script's editor, runs just that module (what it needs
 * comes from the cache); elsewhere, the experiment. */
static void
retort_window_run_here_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  RetortWindow *self = RETORT_WINDOW (widget);
  RetortScriptEditor *editor = retort_window_get_focused_editor (self);

  if (editor != NULL)
    editor_run_requested_cb (self, editor);
  else
    retort_window_run_modules (self, NULL);
}

/* Runs the selected modules and what they need. */
static void
retort_window_run_selected_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  RetortWindow *self = RETORT_WINDOW (widget);
  g_autoptr(GPtrArray) selection = NULL;

  selection = retort_canvas_get_selection (self->canvas);
  if (selection->len == 0)
    return;
  g_ptr_array_add (selection, NULL);
  retort_window_run_modules (self, (const char * const *) selection->pdata);
}

/* Opens the script of the module whose id is @parameter in a tab. */
static void
retort_window_open_script_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  RetortWindow *self = RETORT_WINDOW (widget);
  RetortModule *module;

  if (self->experiment == NULL)
    return;
  module = retort_experiment_find_module (self->experiment, g_variant_get_string (parameter, NULL));
  if (module != NULL && module_has_script (module))
    retort_window_open_script (self, module, 0);
}

/* Opens the script of the selected module in a tab. */
static void
retort_window_edit_script_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  RetortWindow *self = RETORT_WINDOW (widget);
  RetortModule *module = retort_canvas_get_selected_module (self->canvas);

  if (module != NULL && module_has_script (module))
    retort_window_open_script (self, module, 0);
}

/* Ctrl+F: search in the script or the console that has the focus, or
 * else find a module to add. (An application's accelerator comes before
 * the focused widget's own shortcuts.) */
static void
retort_window_find_module_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  RetortWindow *self = RETORT_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *console = focus != NULL ? gtk_widget_get_ancestor (focus, RETORT_TYPE_CONSOLE_VIEW) : NULL;
  RetortScriptEditor *editor = retort_window_get_focused_editor (self);

  if (editor != NULL)
    gtk_widget_activate_action (GTK_WIDGET (editor), "editor.find", NULL);
  else if (console != NULL)
    retort_console_view_start_search (RETORT_CONSOLE_VIEW (console));
  else
    retort_palette_focus_search (self->palette);
}

/* The properties and results panes show the one selected module. */
static void
canvas_selection_changed_cb (RetortWindow *self)
{
  RetortModule *module = retort_canvas_get_selected_module (self->canvas);

  retort_window_update_actions (self);
  /* While a script's tab is in view, the panes show its module. */
  if (adw_tab_view_get_selected_page (self->tab_view) != self->canvas_page)
    return;
  if (self->experiment == NULL)
    module = NULL;
  retort_properties_pane_set_module (self->properties_pane, self->experiment, module);
  retort_results_pane_set_module (self->results_pane, self->scheduler, module);
  retort_window_update_actions (self);
}

typedef struct
{
  RetortWindow *window;
  RetortModule *module;
} OpenLater;

static gboolean
open_script_later_cb (gpointer user_data)
{
  OpenLater *later = user_data;

  if (later->window->experiment != NULL
      && retort_experiment_find_module (later->window->experiment,
                                        retort_module_get_id (later->module)) == later->module)
    retort_window_open_script (later->window, later->module, 0);
  g_object_unref (later->window);
  g_object_unref (later->module);
  g_free (later);
  return G_SOURCE_REMOVE;
}

/* Double-click or Enter on a module: to its script, or its parameters. The
 * script opens once the press is handled: the canvas gives the pressed card
 * the focus, which must not win over the editor's. */
static void
canvas_module_activated_cb (RetortWindow *self,
                            RetortModule *module)
{
  if (module_has_script (module))
    {
      OpenLater *later = g_new0 (OpenLater, 1);

      later->window = g_object_ref (self);
      later->module = g_object_ref (module);
      g_idle_add (open_script_later_cb, later);
    }
  else
    gtk_widget_child_focus (GTK_WIDGET (self->properties_pane), GTK_DIR_TAB_FORWARD);
}

static void
palette_kind_activated_cb (RetortWindow *self,
                           const char   *kind_id)
{
  g_autoptr(GError) error = NULL;

  if (retort_canvas_add_module (self->canvas, kind_id, NAN, NAN, &error) == NULL)
    g_warning ("Could not add a module of kind %s: %s", kind_id, error->message);
}

static void
retort_window_stop_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  retort_window_stop_run (RETORT_WINDOW (widget));
}

static void
retort_window_undo_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  RetortWindow *self = RETORT_WINDOW (widget);

  if (self->experiment != NULL)
    retort_experiment_undo (self->experiment);
}

static void
retort_window_redo_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  RetortWindow *self = RETORT_WINDOW (widget);

  if (self->experiment != NULL)
    retort_experiment_redo (self->experiment);
}

void
retort_window_open_file_async (RetortWindow        *self,
                               GFile               *file,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) read_task = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *loading_title = NULL;

  g_return_if_fail (RETORT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_set_object (&self->load_cancellable, cancellable);
  if (self->load_cancellable == NULL)
    self->load_cancellable = g_cancellable_new ();

  task = g_task_new (self, self->load_cancellable, callback, user_data);
  g_task_set_source_tag (task, retort_window_open_file_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);

  if (is_experiment_file (file))
    {
      g_autoptr(GError) error = NULL;

      /* Documents are small: loading on the main thread takes milliseconds. */
      retort_window_stop_loading (self);
      g_clear_object (&self->load_cancellable);
      if (!retort_window_load_experiment (self, file, &error))
        {
          g_autofree char *name = dup_display_name (file);

          retort_window_show_error (self, name, error);
          g_task_return_error (task, g_steal_pointer (&error));
        }
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  display_name = dup_display_name (file);
  /* Translators: shown while a file is read; %s is its name */
  loading_title = g_strdup_printf (_("Reading %s…"), display_name);
  adw_status_page_set_title (self->loading_page, loading_title);
  if (self->loading_page_source == 0)
    self->loading_page_source = g_timeout_add (LOADING_PAGE_DELAY_MS, show_loading_page_cb, self);

  read_task = g_task_new (NULL, self->load_cancellable, read_csv_cb, g_steal_pointer (&task));
  g_task_set_source_tag (read_task, read_csv_thread);
  g_task_set_task_data (read_task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (read_task, read_csv_thread);
}

gboolean
retort_window_open_file_finish (RetortWindow  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (RETORT_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == retort_window_open_file_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
retort_window_open_file (RetortWindow *self,
                         GFile        *file)
{
  /* The window itself shows the outcome; there is nothing left to do. */
  retort_window_open_file_async (self, file, NULL, NULL, NULL);
}

static void
file_chooser_response_cb (RetortWindow         *self,
                          int                   response,
                          GtkFileChooserNative *file_chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (file_chooser));

      if (file != NULL)
        retort_window_open_file_confirmed (self, file);
    }

  g_clear_object (&self->file_chooser);
}

static void
retort_window_open_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  RetortWindow *self = RETORT_WINDOW (widget);
  g_autoptr(GtkFileFilter) csv_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) experiment_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all_filter = gtk_file_filter_new ();

  if (self->file_chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->file_chooser));
      return;
    }

  gtk_file_filter_set_name (csv_filter, _("CSV Files"));
  gtk_file_filter_add_mime_type (csv_filter, "text/csv");
  gtk_file_filter_add_mime_type (csv_filter, "text/tab-separated-values");
  gtk_file_filter_add_pattern (csv_filter, "*.csv");
  gtk_file_filter_add_pattern (csv_filter, "*.tsv");
  gtk_file_filter_add_pattern (csv_filter, "*.txt");
  gtk_file_filter_set_name (experiment_filter, _("Retort Experiments"));
  gtk_file_filter_add_pattern (experiment_filter, "*.retort");
  gtk_file_filter_set_name (all_filter, _("All Files"));
  gtk_file_filter_add_pattern (all_filter, "*");

  self->file_chooser = gtk_file_chooser_native_new (_("Open a File"),
                                                    GTK_WINDOW (self),
                                                    GTK_FILE_CHOOSER_ACTION_OPEN,
                                                    _("_Open"),
                                                    _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->file_chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->file_chooser), csv_filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->file_chooser), experiment_filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->file_chooser), all_filter);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (self->file_chooser), csv_filter);
  g_signal_connect_object (self->file_chooser, "response",
                           G_CALLBACK (file_chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->file_chooser));
}

/* Saving */

static void
retort_window_show_save_error (RetortWindow *self,
                               GFile        *file,
                               const GError *error)
{
  g_autofree char *name = dup_display_name (file);
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  /* Translators: %s is the name of a document */
  heading = g_strdup_printf (_("Could Not Save “%s”"), name);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
retort_window_save_to_file (RetortWindow  *self,
                            GFile         *file,
                            GError       **error)
{
  g_return_val_if_fail (RETORT_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (self->experiment == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Only experiments can be saved"));
      return FALSE;
    }

  /* Documents are small: saved on the main thread, like they are loaded. */
  if (!retort_experiment_save (self->experiment, file, error))
    return FALSE;

  retort_recent_add_experiment (file);
  return TRUE;
}

static GFile *
dup_with_suffix (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *with_suffix = NULL;
  g_autoptr(GFile) parent = NULL;

  if (basename == NULL || g_str_has_suffix (basename, ".retort"))
    return g_object_ref (file);

  parent = g_file_get_parent (file);
  with_suffix = g_strconcat (basename, ".retort", NULL);
  return g_file_get_child (parent, with_suffix);
}

gboolean
retort_window_save_as (RetortWindow  *self,
                       GFile         *file,
                       GError       **error)
{
  g_autoptr(GFile) target = NULL;

  g_return_val_if_fail (RETORT_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  target = dup_with_suffix (file);
  return retort_window_save_to_file (self, target, error);
}

/* Saves to @file and completes @task (may be NULL) with the outcome. */
static void
save_as_and_complete (RetortWindow *self,
                      GFile        *file,
                      GTask        *task)
{
  g_autoptr(GTask) owned_task = task;
  g_autoptr(GError) error = NULL;

  if (!retort_window_save_as (self, file, &error))
    {
      retort_window_show_save_error (self, file, error);
      if (owned_task != NULL)
        g_task_return_error (owned_task, g_steal_pointer (&error));
      return;
    }

  if (owned_task != NULL)
    g_task_return_boolean (owned_task, TRUE);
}

static void
replace_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  g_autoptr(GTask) task = user_data;
  RetortWindow *self = g_object_get_data (G_OBJECT (dialog), "retort-window");
  GFile *target = g_object_get_data (G_OBJECT (dialog), "retort-target");

  if (g_str_equal (response, "replace"))
    {
      save_as_and_complete (self, target, g_steal_pointer (&task));
      return;
    }

  if (task != NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("The document was not saved"));
}

/* Asks before Save As replaces @target, which the chooser did not ask about. */
static void
confirm_replace (RetortWindow *self,
                 GFile        *target,
                 GTask        *task)
{
  g_autofree char *name = dup_display_name (target);
  g_autoptr(GFile) parent = g_file_get_parent (target);
  g_autofree char *folder = parent != NULL ? g_file_get_parse_name (parent) : g_strdup ("");
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL));
  /* Translators: %s is a file name */
  adw_message_dialog_format_heading (dialog, _("Replace “%s”?"), name);
  /* Translators: %s is a folder */
  adw_message_dialog_format_body (dialog,
                                  _("A file with this name already exists in “%s”. Replacing it overwrites what it holds."),
                                  folder);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "replace", _("_Replace"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "replace", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "retort-window", self);
  g_object_set_data_full (G_OBJECT (dialog), "retort-target", g_object_ref (target), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (replace_response_cb), task);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save_chooser_response_cb (RetortWindow         *self,
                          int                   response,
                          GtkFileChooserNative *chooser)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->save_task);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) target = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->save_chooser);

  if (file == NULL)
    {
      if (task != NULL)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("The document was not saved"));
      return;
    }

  /* The chooser asked before replacing the name typed; ".retort" added to
   * it may name another file, which must not be replaced without asking. */
  target = dup_with_suffix (file);
  if (!g_file_equal (target, file) && g_file_query_exists (target, NULL))
    {
      confirm_replace (self, target, g_steal_pointer (&task));
      return;
    }

  save_as_and_complete (self, target, g_steal_pointer (&task));
}

static void
retort_window_show_save_chooser (RetortWindow *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GFile *file = retort_experiment_get_file (self->experiment);

  self->save_chooser = gtk_file_chooser_native_new (_("Save Experiment"),
                                                    GTK_WINDOW (self),
                                                    GTK_FILE_CHOOSER_ACTION_SAVE,
                                                    _("_Save"),
                                                    _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->save_chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Retort Experiments"));
  gtk_file_filter_add_mime_type (filter, RETORT_EXPERIMENT_MIME_TYPE);
  gtk_file_filter_add_pattern (filter, "*.retort");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->save_chooser), filter);

  if (file != NULL)
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (self->save_chooser), file, NULL);
  else
    {
      g_autofree char *name = g_strconcat (_("Untitled Experiment"), ".retort", NULL);

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->save_chooser), name);
    }

  g_signal_connect_object (self->save_chooser, "response",
                           G_CALLBACK (save_chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->save_chooser));
}

/* Saves the experiment to its file, or asks where first (@save_as, or a
 * document that has no file yet). Fails with G_IO_ERROR_CANCELLED when the
 * user cancels the chooser; other failures are shown in a dialog. */
static void
retort_window_save_async (RetortWindow        *self,
                          gboolean             save_as,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(GError) error = NULL;
  GFile *file;

  g_task_set_source_tag (task, retort_window_save_async);

  if (self->experiment == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Only experiments can be saved"));
      return;
    }

  file = retort_experiment_get_file (self->experiment);
  if (!save_as && file != NULL)
    {
      if (retort_window_save_to_file (self, file, &error))
        g_task_return_boolean (task, TRUE);
      else
        {
          retort_window_show_save_error (self, file, error);
          g_task_return_error (task, g_steal_pointer (&error));
        }
      return;
    }

  if (self->save_chooser != NULL)
    {
      /* A second Save while the chooser is open waits for the same answer. */
      if (self->save_task != NULL)
        g_task_return_new_error (g_steal_pointer (&self->save_task), G_IO_ERROR,
                                 G_IO_ERROR_CANCELLED, _("The document was not saved"));
      self->save_task = g_steal_pointer (&task);
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->save_chooser));
      return;
    }

  self->save_task = g_steal_pointer (&task);
  retort_window_show_save_chooser (self);
}

static gboolean
retort_window_save_finish (RetortWindow  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
retort_window_save_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  /* Failures are shown; nothing else waits for the outcome. */
  retort_window_save_async (RETORT_WINDOW (widget), FALSE, NULL, NULL);
}

static void
retort_window_save_as_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  retort_window_save_async (RETORT_WINDOW (widget), TRUE, NULL, NULL);
}

/* Unsaved changes */

static void
save_changes_saved_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  /* Only a save that worked lets the document go. */
  g_task_return_boolean (task, retort_window_save_finish (RETORT_WINDOW (object), result, NULL));
}

static void
save_changes_response_cb (RetortWindow     *self,
                          const char       *response,
                          AdwMessageDialog *dialog)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->save_changes_task);

  g_clear_weak_pointer (&self->save_changes_dialog);
  if (task == NULL)
    return;

  if (g_str_equal (response, "save"))
    retort_window_save_async (self, FALSE, save_changes_saved_cb, g_steal_pointer (&task));
  else if (g_str_equal (response, "discard"))
    {
      if (self->autosave != NULL)
        retort_autosave_discard (self->autosave);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_boolean (task, FALSE);
}

/* Resolves to TRUE when the document may go: it has no unsaved changes, or
 * the user saved them, or chose to discard them. FALSE keeps everything. */
static void
retort_window_confirm_unsaved_async (RetortWindow        *self,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  g_task_set_source_tag (task, retort_window_confirm_unsaved_async);

  if (self->experiment == NULL || !retort_experiment_get_modified (self->experiment))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* Asked again while the question is on screen: the earlier asker gives up. */
  if (self->save_changes_task != NULL)
    g_task_return_boolean (g_steal_pointer (&self->save_changes_task), FALSE);
  self->save_changes_task = g_steal_pointer (&task);
  if (self->save_changes_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->save_changes_dialog));
      return;
    }

  /* Translators: %s is the name of a document */
  body = g_strdup_printf (_("“%s” has unsaved changes. Changes which are not saved will be "
                            "permanently lost."),
                          self->experiment_name);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Save Changes?"), body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (save_changes_response_cb), self,
                           G_CONNECT_SWAPPED);
  /* Weak: whatever destroys the window's dialogs may destroy this one too. */
  g_set_weak_pointer (&self->save_changes_dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
retort_window_confirm_unsaved_finish (RetortWindow *self,
                                      GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), NULL);
}

static void
open_confirmed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  RetortWindow *self = RETORT_WINDOW (object);
  g_autoptr(GFile) file = user_data;

  if (retort_window_confirm_unsaved_finish (self, result))
    retort_window_open_file (self, file);
}

/* Open… and recent documents replace the document only once its unsaved
 * changes are saved or discarded. */
RetortWindow *
retort_window_find_for_file (GtkApplication *application,
                             GFile          *file)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    {
      RetortWindow *window = l->data;
      GFile *shown;

      if (!RETORT_IS_WINDOW (window) || window->experiment == NULL)
        continue;
      shown = retort_experiment_get_file (window->experiment);
      if (shown != NULL && g_file_equal (shown, file))
        return window;
    }

  return NULL;
}

static void
retort_window_open_file_confirmed (RetortWindow *self,
                                   GFile        *file)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  RetortWindow *showing = application != NULL ? retort_window_find_for_file (application, file) : NULL;

  /* Already open: its window, with whatever it has not saved yet. */
  if (showing != NULL)
    {
      gtk_window_present (GTK_WINDOW (showing));
      return;
    }

  retort_window_confirm_unsaved_async (self, open_confirmed_cb, g_object_ref (file));
}

static void
retort_window_open_recent_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  retort_window_open_file_confirmed (RETORT_WINDOW (widget), file);
}

static void
retort_window_update_recent_menu (RetortWindow *self)
{
  g_autoptr(GPtrArray) recent = retort_recent_list_experiments ();
  g_autoptr(GMenu) submenu = NULL;

  g_menu_remove_all (self->recent_section);
  if (recent->len == 0)
    return;

  submenu = g_menu_new ();
  for (guint i = 0; i < recent->len; i++)
    {
      GtkRecentInfo *info = g_ptr_array_index (recent, i);
      g_autoptr(GMenuItem) item = NULL;
      g_autofree char *label = NULL;
      GString *escaped = g_string_new (gtk_recent_info_get_display_name (info));

      /* An underscore in a file name is not a mnemonic. */
      g_string_replace (escaped, "_", "__", 0);
      label = g_string_free (escaped, FALSE);
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target (item, "win.open-recent", "s",
                                         gtk_recent_info_get_uri (info));
      g_menu_append_item (submenu, item);
    }
  g_menu_append_submenu (self->recent_section, _("Open _Recent"), G_MENU_MODEL (submenu));
}

static void
retort_window_new_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  RetortWindow *self = RETORT_WINDOW (widget);
  g_autoptr(RetortExperiment) experiment = retort_experiment_new ();

  /* Unsaved work stays where it is: the new experiment gets its own window. */
  if (self->experiment != NULL && retort_experiment_get_modified (self->experiment))
    {
      GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

      self = retort_window_new (RETORT_APPLICATION (application));
      gtk_window_present (GTK_WINDOW (self));
    }

  retort_window_set_experiment (self, experiment, NULL);
}

gboolean
retort_window_open_recovery (RetortWindow    *self,
                             RetortRecovery  *recovery,
                             GError         **error)
{
  g_autoptr(RetortExperiment) experiment = NULL;

  g_return_val_if_fail (RETORT_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (RETORT_IS_RECOVERY (recovery), FALSE);

  experiment = retort_recovery_load (recovery, error);
  if (experiment == NULL)
    return FALSE;

  retort_window_set_experiment (self, experiment, retort_recovery_get_id (recovery));
  return TRUE;
}

gboolean
retort_window_is_empty (RetortWindow *self)
{
  g_return_val_if_fail (RETORT_IS_WINDOW (self), FALSE);

  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") == 0;
}

static gboolean
drop_cb (RetortWindow  *self,
         const GValue  *value,
         double         x,
         double         y,
         GtkDropTarget *target)
{
  GFile *file = g_value_get_object (value);

  if (file == NULL)
    return FALSE;

  retort_window_open_file_confirmed (self, file);
  return TRUE;
}

static gboolean
restore_panes_cb (gpointer user_data)
{
  RetortWindow *self = user_data;
  int width = gtk_widget_get_width (GTK_WIDGET (self->properties_paned));
  int height = gtk_widget_get_height (GTK_WIDGET (self->results_paned));

  self->restore_panes_source = 0;
  gtk_paned_set_position (self->properties_paned,
                          MAX (width / 3, width - g_settings_get_int (self->settings, "properties-width")));
  gtk_paned_set_position (self->results_paned,
                          MAX (height / 3, height - g_settings_get_int (self->settings, "results-height")));

  return G_SOURCE_REMOVE;
}

static void
retort_window_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  RetortWindow *self = RETORT_WINDOW (widget);

  GTK_WIDGET_CLASS (retort_window_parent_class)->size_allocate (widget, width, height, baseline);

  /* Positions set during an allocation would only apply at the next. */
  if (self->panes_to_restore && self->settings != NULL
      && gtk_widget_get_mapped (GTK_WIDGET (self->properties_paned))
      && gtk_widget_get_width (GTK_WIDGET (self->properties_paned)) > 0)
    {
      self->panes_to_restore = FALSE;
      self->restore_panes_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, restore_panes_cb, self, NULL);
    }
}

static void
retort_window_restore_state (RetortWindow *self)
{
  gtk_paned_set_position (self->palette_paned, g_settings_get_int (self->settings, "palette-width"));
  self->panes_to_restore = TRUE;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
retort_window_save_state (RetortWindow *self)
{
  int width;
  int height;

  /* The default size is the unmaximized size, which is what to restore. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  /* Pane sizes as last seen on the experiment page. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self->palette_paned)))
    {
      g_settings_set_int (self->settings, "palette-width",
                          gtk_paned_get_position (self->palette_paned));
      /* What the end panes take, handle included: what restoring gives back. */
      g_settings_set_int (self->settings, "properties-width",
                          gtk_widget_get_width (GTK_WIDGET (self->properties_paned))
                          - gtk_paned_get_position (self->properties_paned));
      g_settings_set_int (self->settings, "results-height",
                          gtk_widget_get_height (GTK_WIDGET (self->results_paned))
                          - gtk_paned_get_position (self->results_paned));
    }
  g_settings_apply (self->settings);
}

static void
close_confirmed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  RetortWindow *self = RETORT_WINDOW (object);

  if (!retort_window_confirm_unsaved_finish (self, result))
    return;

  self->close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
retort_window_close_request (GtkWindow *window)
{
  RetortWindow *self = RETORT_WINDOW (window);

  if (!self->close_confirmed && self->experiment != NULL
      && retort_experiment_get_modified (self->experiment))
    {
      retort_window_confirm_unsaved_async (self, close_confirmed_cb, NULL);
      return TRUE;
    }

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  retort_window_stop_run (self);

  if (self->settings != NULL)
    retort_window_save_state (self);

  return GTK_WINDOW_CLASS (retort_window_parent_class)->close_request (window);
}

static void
retort_window_dispose (GObject *object)
{
  RetortWindow *self = RETORT_WINDOW (object);

  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->file_chooser));
  g_clear_object (&self->file_chooser);
  if (self->save_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->save_chooser));
  g_clear_object (&self->save_chooser);
  if (self->save_task != NULL)
    g_task_return_new_error (g_steal_pointer (&self->save_task), G_IO_ERROR,
                             G_IO_ERROR_CANCELLED, _("The window was closed"));
  if (self->save_changes_task != NULL)
    g_task_return_boolean (g_steal_pointer (&self->save_changes_task), FALSE);
  if (self->save_changes_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->save_changes_dialog));
  g_clear_weak_pointer (&self->save_changes_dialog);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_handle_id (&self->loading_page_source, g_source_remove);
  g_clear_handle_id (&self->restore_panes_source, g_source_remove);
  g_clear_handle_id (&self->prepare_source, g_source_remove);
  g_clear_object (&self->settings);
  retort_window_stop_run (self);
  g_clear_object (&self->run_cancellable);
  if (self->experiment != NULL)
    g_signal_handlers_disconnect_by_data (self->experiment, self);
  g_clear_object (&self->experiment);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->autosave);
  g_clear_object (&self->language_runner);
  g_clear_pointer (&self->experiment_name, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), RETORT_TYPE_WINDOW);

  G_OBJECT_CLASS (retort_window_parent_class)->dispose (object);
}

static void
retort_window_class_init (RetortWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = retort_window_dispose;

  window_class->close_request = retort_window_close_request;
  widget_class->size_allocate = retort_window_size_allocate;

  g_type_ensure (RETORT_TYPE_START_PAGE);
  g_type_ensure (RETORT_TYPE_SUMMARY_PAGE);
  g_type_ensure (RETORT_TYPE_CANVAS);
  g_type_ensure (RETORT_TYPE_PALETTE);
  g_type_ensure (RETORT_TYPE_PROPERTIES_PANE);
  g_type_ensure (RETORT_TYPE_RESULTS_PANE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/retort/Retort/ui/retort-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, loading_page);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, summary_page);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, tab_view);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, tab_bar);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, palette);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, properties_pane);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, results_pane);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, palette_paned);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, properties_paned);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, results_paned);
  gtk_widget_class_bind_template_callback (widget_class, canvas_selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, canvas_module_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, palette_kind_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, tab_view_close_page_cb);
  gtk_widget_class_bind_template_callback (widget_class, tab_view_selected_page_cb);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, RetortWindow, recent_section);

  gtk_widget_class_install_action (widget_class, "win.new", NULL, retort_window_new_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, retort_window_open_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s",
                                   retort_window_open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, retort_window_save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL,
                                   retort_window_save_as_action);
  gtk_widget_class_install_action (widget_class, "win.run", NULL, retort_window_run_action);
  gtk_widget_class_install_action (widget_class, "win.run-here", NULL, retort_window_run_here_action);
  gtk_widget_class_install_action (widget_class, "win.run-selected", NULL,
                                   retort_window_run_selected_action);
  gtk_widget_class_install_action (widget_class, "win.find-module", NULL,
                                   retort_window_find_module_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, retort_window_stop_action);
  gtk_widget_class_install_action (widget_class, "win.edit-script", NULL,
                                   retort_window_edit_script_action);
  gtk_widget_class_install_action (widget_class, "win.open-script", "s",
                                   retort_window_open_script_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, retort_window_undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, retort_window_redo_action);
}

static void
retort_window_init (RetortWindow *self)
{
  GtkDropTarget *drop_target;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The canvas is a pinned tab: first, never closed, its name a tooltip.
   * Ctrl+Home and Ctrl+End belong to the script editors. */
  self->canvas_page = adw_tab_view_append_pinned (self->tab_view, GTK_WIDGET (self->canvas));
  adw_tab_page_set_title (self->canvas_page, _("Experiment"));
  adw_tab_view_remove_shortcuts (self->tab_view,
                                 ADW_TAB_VIEW_SHORTCUT_CONTROL_HOME
                                 | ADW_TAB_VIEW_SHORTCUT_CONTROL_END
                                 | ADW_TAB_VIEW_SHORTCUT_CONTROL_SHIFT_HOME
                                 | ADW_TAB_VIEW_SHORTCUT_CONTROL_SHIFT_END);
  {
    g_autoptr(GIcon) icon = g_themed_icon_new ("retort-columns-symbolic");

    adw_tab_page_set_icon (self->canvas_page, icon);
  }
  g_signal_connect_object (self->tab_view, "notify::n-pages",
                           G_CALLBACK (tab_view_n_pages_cb), self, G_CONNECT_SWAPPED);
  tab_view_n_pages_cb (self);
  g_signal_connect_object (self->results_pane, "line-activated",
                           G_CALLBACK (results_line_activated_cb), self, G_CONNECT_SWAPPED);
  retort_window_update_actions (self);

  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (retort_window_update_recent_menu), self,
                           G_CONNECT_SWAPPED);
  retort_window_update_recent_menu (self);

  drop_target = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect_object (drop_target, "drop", G_CALLBACK (drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));
}

RetortWindow *
retort_window_new (RetortApplication *application)
{
  RetortWindow *self;

  g_return_val_if_fail (RETORT_IS_APPLICATION (application), NULL);

  self = g_object_new (RETORT_TYPE_WINDOW,
                       "application", application,
                       NULL);
  self->settings = g_object_ref (retort_application_get_settings (application));
  retort_window_restore_state (self);

  return self;
}
