/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-script-editor"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "retort-code-style.h"
#include "retort-python-indenter.h"
#include "retort-script-completion.h"
#include "retort-script-editor.h"

/* Compiling in the runner waits for a pause in typing this long (ms). */
#define CHECK_DELAY_MS 300
/* Typing after a pause this long (µs) is a new undo step. */
#define TYPING_PAUSE_US (1500 * G_TIME_SPAN_MILLISECOND)

#define SYNTAX_CATEGORY "syntax-error"
#define RUN_CATEGORY    "run-error"

typedef struct
{
  int   line;        /* 1-based */
  int   column;      /* 1-based, 0: the whole line */
  int   end_line;
  int   end_column;
  char *message;
} SyntaxIssue;

struct _RetortScriptEditor
{
  GtkWidget               parent_instance;

  GtkWidget              *box;
  GtkWidget              *search_bar;
  GtkSearchEntry         *search_entry;
  GtkEntry               *replace_entry;
  GtkWidget              *replace_box;
  GtkLabel               *match_label;
  GtkSourceView          *view;
  GtkSourceBuffer        *buffer;
  GtkSourceSearchContext *search;
  GtkCssProvider         *font_css;
  GSettings              *settings;
  GtkTextTag             *syntax_tag;

  RetortExperiment       *experiment;
  RetortModule           *module;
  char                   *script_param;
  RetortScheduler        *scheduler;
  RetortPythonRunner     *runner;
  RetortScriptCompletion *completion;

  GArray                 *issues;        /* SyntaxIssue */
  /* Undo steps: when the last edit was, and whether it ended a step (a
   * new line, a paste). */
  gint64                  last_edit;
  gboolean                step_ended;
  guint                   check_source;
  GCancellable           *check_cancellable;
  int                     run_error_line;
  /* Setting the buffer from the model: not an edit. */
  gboolean                updating;
  /* Asked for the focus before it was on screen (a tab just opened). */
  gboolean                focus_on_map;
};

enum {
  PROP_0,
  PROP_EXPERIMENT,
  PROP_MODULE,
  N_PROPS
};

enum {
  SIGNAL_RUN_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RetortScriptEditor, retort_script_editor, GTK_TYPE_WIDGET)

static void update_run_error (RetortScriptEditor *self);
static void queue_check      (RetortScriptEditor *self);

static void
syntax_issue_clear (SyntaxIssue *issue)
{
  g_clear_pointer (&issue->message, g_free);
}

static char *
dup_text (RetortScriptEditor *self)
{
  GtkTextIter begin, end;

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &begin, &end);
  return gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->buffer), &begin, &end, FALSE);
}

static void
get_line_iter (RetortScriptEditor *self,
               int                 line,
               int                 column,
               GtkTextIter        *iter)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);

  gtk_text_buffer_get_iter_at_line (buffer, iter, MAX (line, 1) - 1);
  if (column > 1)
    {
      /* Python counts columns in characters; stop at the line's end. */
      for (int i = 1; i < column && !gtk_text_iter_ends_line (iter); i++)
        gtk_text_iter_forward_char (iter);
    }
}

/* Model -> view */

static void
update_font (RetortScriptEditor *self)
{
  int size = self->settings != NULL ? g_settings_get_int (self->settings, "editor-font-size") : 11;
  g_autofree char *css = g_strdup_printf ("textview { font-family: monospace; font-size: %dpt; }",
                                          size);

  gtk_css_provider_load_from_data (self->font_css, css, -1);
}

static void
load_script (RetortScriptEditor *self)
{
  const char *script = retort_module_get_string (self->module, self->script_param);
  g_autofree char *current = dup_text (self);

  if (g_strcmp0 (script, current) == 0)
    return;

  /* Undo or redo in the experiment: show its text, keeping the cursor's
   * line where it was as far as it still exists. */
  {
    GtkTextIter cursor;
    int line, offset;

    gtk_text_buffer_get_iter_at_mark (GTK_TEXT_BUFFER (self->buffer), &cursor,
                                      gtk_text_buffer_get_insert (GTK_TEXT_BUFFER (self->buffer)));
    line = gtk_text_iter_get_line (&cursor);
    offset = gtk_text_iter_get_line_offset (&cursor);

    self->updating = TRUE;
    gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->buffer), script != NULL ? script : "", -1);
    self->updating = FALSE;

    gtk_text_buffer_get_iter_at_line_offset (GTK_TEXT_BUFFER (self->buffer), &cursor, line, 0);
    for (int i = 0; i < offset && !gtk_text_iter_ends_line (&cursor); i++)
      gtk_text_iter_forward_char (&cursor);
    gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &cursor);
  }

  /* Replacing the text dropped the marks. */
  update_run_error (self);
  queue_check (self);
}

static void
parameter_changed_cb (RetortScriptEditor *self,
                      const char         *name)
{
  if (g_strcmp0 (name, self->script_param) == 0)
    load_script (self);
}

/* The inputs' column names, from the last runs of the modules feeding
 * them, for completion. */
static void
update_columns (RetortScriptEditor *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const RetortModuleKind *kind = retort_module_get_kind (self->module);
  g_auto(GStrv) names = NULL;

  if (self->scheduler == NULL)
    return;

  for (guint port = 0; port < kind->n_inputs; port++)
    {
      const RetortConnection *source;
      RetortModuleRun *run;
      RetortTable *table;

      if (kind->inputs[port].type != RETORT_PORT_DATASET)
        continue;
      source = retort_experiment_find_source (self->experiment, retort_module_get_id (self->module),
                                              port);
      if (source == NULL)
        continue;
      run = retort_scheduler_get_run (self->scheduler, source->from_module);
      table = run != NULL ? retort_module_run_get_output_table (run, source->from_port) : NULL;
      if (table == NULL)
        continue;
      for (guint c = 0; c < retort_table_get_n_columns (table); c++)
        {
          const char *name = retort_table_get_column_name (table, c);

          if (g_hash_table_add (seen, (gpointer) name))
            g_strv_builder_add (builder, name);
        }
    }

  names = g_strv_builder_end (builder);
  retort_script_completion_set_columns (self->completion, (const char * const *) names);
}

/* Marks */

static void
clear_marks (RetortScriptEditor *self,
             const char         *category)
{
  GtkTextIter begin, end;

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &begin, &end);
  gtk_source_buffer_remove_source_marks (self->buffer, &begin, &end, category);
}

static void
add_mark (RetortScriptEditor *self,
          const char         *category,
          int                 line,
          const char         *message)
{
  GtkSourceMark *mark;
  GtkTextIter iter;

  get_line_iter (self, line, 0, &iter);
  mark = gtk_source_buffer_create_source_mark (self->buffer, NULL, category, &iter);
  g_object_set_data_full (G_OBJECT (mark), "message", g_strdup (message), g_free);
}

static char *
mark_tooltip_cb (GtkSourceMarkAttributes *attributes,
                 GtkSourceMark           *mark,
                 gpointer                 user_data)
{
  return g_strdup (g_object_get_data (G_OBJECT (mark), "message"));
}

static void
set_run_error (RetortScriptEditor *self,
               int                 line,
               const char         *message)
{
  clear_marks (self, RUN_CATEGORY);
  self->run_error_line = line;
  if (line > 0)
    add_mark (self, RUN_CATEGORY, line, message);
}

/* The last run of the module: a failure marks its line, a success clears
 * the mark. */
static void
update_run_error (RetortScriptEditor *self)
{
  const char *module_id = retort_module_get_id (self->module);
  RetortModuleState state;
  RetortModuleRun *run;
  RetortScriptResult *result;

  if (self->scheduler == NULL)
    return;

  state = retort_scheduler_get_state (self->scheduler, module_id);
  if (state == RETORT_MODULE_STATE_FINISHED || state == RETORT_MODULE_STATE_CACHED)
    {
      set_run_error (self, 0, NULL);
      return;
    }
  if (state != RETORT_MODULE_STATE_FAILED)
    return;

  run = retort_scheduler_get_run (self->scheduler, module_id);
  result = run != NULL ? retort_module_run_get_script_result (run) : NULL;
  if (result != NULL && retort_script_result_get_line (result) > 0)
    {
      const char *type = retort_script_result_get_error_type (result);
      const char *message = retort_script_result_get_message (result);
      g_autofree char *text = NULL;

      if (type != NULL && message != NULL)
        text = g_strdup_printf ("%s: %s", type, message);
      else if (retort_script_result_get_error (result) != NULL)
        text = g_strdup (retort_script_result_get_error (result)->message);
      set_run_error (self, retort_script_result_get_line (result), text);
    }
}

static void
state_changed_cb (RetortScriptEditor *self,
                  const char         *module_id,
                  RetortModuleState   state)
{
  if (g_strcmp0 (module_id, retort_module_get_id (self->module)) == 0)
    update_run_error (self);
  else if (state == RETORT_MODULE_STATE_FINISHED || state == RETORT_MODULE_STATE_CACHED)
    update_columns (self);
}

/* Syntax check in the runner */

static void
apply_issues (RetortScriptEditor *self,
              GPtrArray          *issues)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  GtkTextIter begin, end;

  g_array_set_size (self->issues, 0);
  clear_marks (self, SYNTAX_CATEGORY);
  gtk_text_buffer_get_bounds (buffer, &begin, &end);
  gtk_text_buffer_remove_tag (buffer, self->syntax_tag, &begin, &end);

  for (guint i = 0; issues != NULL && i < issues->len; i++)
    {
      RetortSyntaxIssue *found = g_ptr_array_index (issues, i);
      SyntaxIssue issue = {
        .line = found->line,
        .column = found->column,
        .end_line = found->end_line > 0 ? found->end_line : found->line,
        .end_column = found->end_column,
        .message = g_strdup (found->message),
      };

      if (found->warning)
        {
          g_free (issue.message);
          continue;
        }

      g_array_append_val (self->issues, issue);
      get_line_iter (self, issue.line, issue.column, &begin);
      if (issue.end_column > issue.column || issue.end_line > issue.line)
        get_line_iter (self, issue.end_line, issue.end_column, &end);
      else
        {
          /* A point: underline the word there, or the line's end. */
          end = begin;
          if (gtk_text_iter_ends_line (&end))
            {
              gtk_text_iter_set_line_offset (&begin, 0);
              gtk_text_iter_forward_to_line_end (&end);
            }
          else if (!gtk_text_iter_forward_word_end (&end) || gtk_text_iter_get_line (&end) != gtk_text_iter_get_line (&begin))
            gtk_text_iter_forward_to_line_end (&end);
        }
      if (gtk_text_iter_equal (&begin, &end))
        gtk_text_iter_backward_char (&begin);
      gtk_text_buffer_apply_tag (buffer, self->syntax_tag, &begin, &end);
      add_mark (self, SYNTAX_CATEGORY, issue.line, issue.message);
    }
}

static void
check_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(RetortScriptEditor) self = user_data;
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(GError) error = NULL;

  issues = retort_python_runner_check_finish (RETORT_PYTHON_RUNNER (object), result, &error);
  if (issues == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("The runner could not check the script: %s", error->message);
      return;
    }
  apply_issues (self, issues);
}

static gboolean
check_timeout_cb (gpointer user_data)
{
  RetortScriptEditor *self = user_data;
  g_autofree char *source = dup_text (self);

  self->check_source = 0;
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  if (self->runner == NULL)
    return G_SOURCE_REMOVE;

  self->check_cancellable = g_cancellable_new ();
  retort_python_runner_check_async (self->runner, source, self->check_cancellable,
                                    check_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
queue_check (RetortScriptEditor *self)
{
  g_clear_handle_id (&self->check_source, g_source_remove);
  if (self->runner != NULL)
    self->check_source = g_timeout_add (CHECK_DELAY_MS, check_timeout_cb, self);
}

/* View -> model */

static void
buffer_changed_cb (RetortScriptEditor *self)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) value = NULL;
  g_autoptr(GError) error = NULL;

  if (self->updating)
    return;

  text = dup_text (self);
  value = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (value, text);
  /* Consecutive edits merge into one undo step of the experiment, up to a
   * line's end or a pause in typing, as in a text editor. */
  if (g_get_monotonic_time () - self->last_edit > TYPING_PAUSE_US)
    retort_experiment_end_typing (self->experiment);
  if (!retort_experiment_set_parameter (self->experiment, retort_module_get_id (self->module),
                                        self->script_param, value, &error))
    g_warning ("The script could not be changed: %s", error->message);
  if (self->step_ended)
    retort_experiment_end_typing (self->experiment);
  self->step_ended = FALSE;
  self->last_edit = g_get_monotonic_time ();

  queue_check (self);
}

/* Tabs typed are spaces (insert-spaces-instead-of-tabs); tabs pasted in
 * become spaces too, to the next multiple of four on their line. */
static void
insert_text_cb (GtkTextBuffer *buffer,
                GtkTextIter   *location,
                const char    *text,
                int            length,
                gpointer       user_data)
{
  RetortScriptEditor *self = user_data;
  g_autoptr(GString) spaced = NULL;
  int column;

  if (self->updating)
    return;
  /* A new line or a paste ends an undo step. */
  if (length > 1 || memchr (text, '\n', length) != NULL)
    self->step_ended = TRUE;
  if (length < 2 || memchr (text, '\t', length) == NULL)
    return;

  spaced = g_string_sized_new (length + 16);
  column = gtk_text_iter_get_line_offset (location);
  for (const char *p = text; p < text + length; p = g_utf8_next_char (p))
    {
      if (*p == '\t')
        {
          int spaces = 4 - column % 4;

          g_string_append_printf (spaced, "%*s", spaces, "");
          column += spaces;
          continue;
        }
      g_string_append_len (spaced, p, g_utf8_next_char (p) - p);
      column = *p == '\n' ? 0 : column + 1;
    }

  g_signal_stop_emission_by_name (buffer, "insert-text");
  g_signal_handlers_block_by_func (buffer, insert_text_cb, self);
  gtk_text_buffer_insert (buffer, location, spaced->str, spaced->len);
  g_signal_handlers_unblock_by_func (buffer, insert_text_cb, self);
}

/* Tooltips on underlined errors */

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  RetortScriptEditor *self = user_data;
  GtkTextIter iter;
  int bx, by;

  if (keyboard)
    gtk_text_buffer_get_iter_at_mark (GTK_TEXT_BUFFER (self->buffer), &iter,
                                      gtk_text_buffer_get_insert (GTK_TEXT_BUFFER (self->buffer)));
  else
    {
      gtk_text_view_window_to_buffer_coords (GTK_TEXT_VIEW (self->view), GTK_TEXT_WINDOW_WIDGET,
                                             x, y, &bx, &by);
      if (!gtk_text_view_get_iter_at_location (GTK_TEXT_VIEW (self->view), &iter, bx, by))
        return FALSE;
    }

  if (!gtk_text_iter_has_tag (&iter, self->syntax_tag))
    return FALSE;

  for (guint i = 0; i < self->issues->len; i++)
    {
      SyntaxIssue *issue = &g_array_index (self->issues, SyntaxIssue, i);
      int line = gtk_text_iter_get_line (&iter) + 1;

      if (line >= issue->line && line <= issue->end_line)
        {
          gtk_tooltip_set_text (tooltip, issue->message);
          return TRUE;
        }
    }

  return FALSE;
}

/* Search and replace */

static void
update_match_label (RetortScriptEditor *self)
{
  GtkTextIter begin, end;
  int count = gtk_source_search_context_get_occurrences_count (self->search);
  int position = -1;
  g_autofree char *text = NULL;

  if (gtk_text_buffer_get_selection_bounds (GTK_TEXT_BUFFER (self->buffer), &begin, &end))
    position = gtk_source_search_context_get_occurrence_position (self->search, &begin, &end);

  if (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] == '\0' || count < 0)
    text = g_strdup ("");
  else if (count == 0)
    text = g_strdup (_("No matches"));
  else if (position > 0)
    /* Translators: "2 of 5" matches */
    text = g_strdup_printf (_("%d of %d"), position, count);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d match", "%d matches", count), count);
  gtk_label_set_text (self->match_label, text);
}

/* The search entry tells of a change a moment after it (search-changed);
 * Enter or a replace right after typing must use what it holds now. */
static void
sync_search_text (RetortScriptEditor *self)
{
  GtkSourceSearchSettings *settings = gtk_source_search_context_get_settings (self->search);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (g_strcmp0 (gtk_source_search_settings_get_search_text (settings), text[0] != '\0' ? text : NULL) != 0)
    gtk_source_search_settings_set_search_text (settings, text);
}

static void
select_match (RetortScriptEditor *self,
              gboolean            backward)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  GtkTextIter begin, end, from, match_begin, match_end;
  gboolean wrapped;
  gboolean found;

  sync_search_text (self);
  gtk_text_buffer_get_selection_bounds (buffer, &begin, &end);
  from = backward ? begin : end;
  if (backward)
    found = gtk_source_search_context_backward (self->search, &from, &match_begin, &match_end, &wrapped);
  else
    found = gtk_source_search_context_forward (self->search, &from, &match_begin, &match_end, &wrapped);

  if (found)
    {
      gtk_text_buffer_select_range (buffer, &match_begin, &match_end);
      gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->view), &match_begin, 0.1, FALSE, 0, 0);
    }
  update_match_label (self);
}

static void
search_changed_cb (RetortScriptEditor *self)
{
  GtkSourceSearchSettings *settings = gtk_source_search_context_get_settings (self->search);
  GtkTextIter begin, end;

  gtk_source_search_settings_set_search_text (settings,
                                              gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  /* Search from where the cursor is, as you type. */
  gtk_text_buffer_get_selection_bounds (GTK_TEXT_BUFFER (self->buffer), &begin, &end);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &begin);
  select_match (self, FALSE);
}

static void
occurrences_changed_cb (RetortScriptEditor *self)
{
  update_match_label (self);
}

static void
next_match_cb (RetortScriptEditor *self)
{
  select_match (self, FALSE);
}

static void
previous_match_cb (RetortScriptEditor *self)
{
  select_match (self, TRUE);
}

static void
replace_cb (RetortScriptEditor *self)
{
  const char *replacement = gtk_editable_get_text (GTK_EDITABLE (self->replace_entry));
  GtkTextIter begin, end;
  g_autoptr(GError) error = NULL;

  sync_search_text (self);
  if (gtk_text_buffer_get_selection_bounds (GTK_TEXT_BUFFER (self->buffer), &begin, &end)
      && gtk_source_search_context_get_occurrence_position (self->search, &begin, &end) > 0)
    {
      if (!gtk_source_search_context_replace (self->search, &begin, &end, replacement, -1, &error))
        g_warning ("Could not replace: %s", error->message);
    }
  select_match (self, FALSE);
}

static void
replace_all_cb (RetortScriptEditor *self)
{
  const char *replacement = gtk_editable_get_text (GTK_EDITABLE (self->replace_entry));
  g_autoptr(GError) error = NULL;

  sync_search_text (self);
  /* Every replacement, one undo step. */
  retort_experiment_begin_group (self->experiment, _("Replace All"));
  gtk_text_buffer_begin_user_action (GTK_TEXT_BUFFER (self->buffer));
  gtk_source_search_context_replace_all (self->search, replacement, -1, &error);
  gtk_text_buffer_end_user_action (GTK_TEXT_BUFFER (self->buffer));
  retort_experiment_end_group (self->experiment);
  if (error != NULL)
    g_warning ("Could not replace: %s", error->message);
  update_match_label (self);
}

static void
stop_search_cb (RetortScriptEditor *self)
{
  gtk_widget_set_visible (self->search_bar, FALSE);
  gtk_source_search_context_set_highlight (self->search, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

static gboolean
escape_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  stop_search_cb (user_data);
  return TRUE;
}

static void
show_search (RetortScriptEditor *self,
             gboolean            replace)
{
  GtkTextIter begin, end;

  /* A word selected on one line is what to look for, unless a search is
   * going on (its match is what is selected). */
  if (!gtk_widget_get_visible (self->search_bar)
      && gtk_text_buffer_get_selection_bounds (GTK_TEXT_BUFFER (self->buffer), &begin, &end)
      && gtk_text_iter_get_line (&begin) == gtk_text_iter_get_line (&end))
    {
      g_autofree char *selected = gtk_text_iter_get_text (&begin, &end);

      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), selected);
    }
  gtk_widget_set_visible (self->replace_box, replace);
  gtk_widget_set_visible (self->search_bar, TRUE);
  gtk_source_search_context_set_highlight (self->search, TRUE);
  /* Replacing what is already looked for: straight to the replacement. */
  if (replace && gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0')
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->replace_entry));
      gtk_editable_select_region (GTK_EDITABLE (self->replace_entry), 0, -1);
    }
  else
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
      gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
    }
}

static void
find_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  show_search (RETORT_SCRIPT_EDITOR (widget), FALSE);
}

static void
replace_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  show_search (RETORT_SCRIPT_EDITOR (widget), TRUE);
}

static void
run_action_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_RUN_REQUESTED], 0);
}

static void
zoom_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  RetortScriptEditor *self = RETORT_SCRIPT_EDITOR (widget);
  int size;

  if (self->settings == NULL)
    return;
  size = g_settings_get_int (self->settings, "editor-font-size");
  if (g_str_equal (action_name, "editor.zoom-in"))
    size = MIN (size + 1, 48);
  else if (g_str_equal (action_name, "editor.zoom-out"))
    size = MAX (size - 1, 6);
  else
    size = 11;
  g_settings_set_int (self->settings, "editor-font-size", size);
}

/* Construction */

static GtkWidget *
icon_button (const char *icon_name,
             const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                  -1);
  return button;
}

static void
build_search_bar (RetortScriptEditor *self)
{
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *find_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *previous = icon_button ("go-up-symbolic", _("Previous Match (Shift+Enter)"));
  GtkWidget *next = icon_button ("go-down-symbolic", _("Next Match (Enter)"));
  GtkWidget *replace = gtk_button_new_with_mnemonic (_("_Replace"));
  GtkWidget *replace_all = gtk_button_new_with_mnemonic (_("Replace _All"));
  GtkWidget *close, *bar;

  self->search_entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->search_entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Find"),
                                  -1);
  self->match_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->match_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->match_label), "numeric");
  gtk_label_set_width_chars (self->match_label, 10);

  gtk_widget_add_css_class (find_box, "linked");
  gtk_box_append (GTK_BOX (find_box), GTK_WIDGET (self->search_entry));
  gtk_box_append (GTK_BOX (find_box), previous);
  gtk_box_append (GTK_BOX (find_box), next);

  self->replace_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->replace_entry, _("Replace with…"));
  gtk_widget_set_hexpand (GTK_WIDGET (self->replace_entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->replace_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Replace With"),
                                  -1);
  self->replace_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (self->replace_box), GTK_WIDGET (self->replace_entry));
  gtk_box_append (GTK_BOX (self->replace_box), replace);
  gtk_box_append (GTK_BOX (self->replace_box), replace_all);

  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 6);
  gtk_widget_set_size_request (grid, 420, -1);
  gtk_grid_attach (GTK_GRID (grid), find_box, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->match_label), 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), self->replace_box, 0, 1, 2, 1);

  /* A bar of our own rather than a GtkSearchBar: that one focuses its entry
   * only once its reveal animation has ended, selecting what was typed
   * meanwhile (which the next key then replaces), and keys typed before it
   * can take the focus would go into the script. This one shows at once
   * (a revealer without a transition kept its room when hidden, on 4.8). */
  close = icon_button ("window-close-symbolic", _("Close Search (Escape)"));
  gtk_widget_add_css_class (close, "flat");
  gtk_widget_add_css_class (close, "circular");
  gtk_widget_set_valign (close, GTK_ALIGN_START);
  gtk_widget_set_halign (grid, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (grid, TRUE);
  bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (bar, "editor-search");
  gtk_box_append (GTK_BOX (bar), grid);
  gtk_box_append (GTK_BOX (bar), close);

  /* Escape closes it from the replacement entry and the buttons too. */
  {
    GtkEventController *keys = gtk_shortcut_controller_new ();

    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                            gtk_callback_action_new (escape_cb, self,
                                                                                     NULL)));
    gtk_widget_add_controller (bar, keys);
  }

  self->search_bar = bar;
  gtk_widget_set_visible (bar, FALSE);
  g_signal_connect_swapped (close, "clicked", G_CALLBACK (stop_search_cb), self);

  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self);
  g_signal_connect_swapped (self->search_entry, "activate", G_CALLBACK (next_match_cb), self);
  g_signal_connect_swapped (self->search_entry, "next-match", G_CALLBACK (next_match_cb), self);
  g_signal_connect_swapped (self->search_entry, "previous-match", G_CALLBACK (previous_match_cb), self);
  g_signal_connect_swapped (self->search_entry, "stop-search", G_CALLBACK (stop_search_cb), self);
  g_signal_connect_swapped (next, "clicked", G_CALLBACK (next_match_cb), self);
  g_signal_connect_swapped (previous, "clicked", G_CALLBACK (previous_match_cb), self);
  g_signal_connect_swapped (replace, "clicked", G_CALLBACK (replace_cb), self);
  g_signal_connect_swapped (replace_all, "clicked", G_CALLBACK (replace_all_cb), self);
  g_signal_connect_swapped (self->replace_entry, "activate", G_CALLBACK (replace_cb), self);
}

static void
set_mark_attributes (RetortScriptEditor *self,
                     const char         *category,
                     const char         *icon_name,
                     const GdkRGBA      *background,
                     int                 priority)
{
  GtkSourceMarkAttributes *attributes = gtk_source_mark_attributes_new ();

  gtk_source_mark_attributes_set_icon_name (attributes, icon_name);
  if (background != NULL)
    gtk_source_mark_attributes_set_background (attributes, background);
  g_signal_connect (attributes, "query-tooltip-text", G_CALLBACK (mark_tooltip_cb), NULL);
  gtk_source_view_set_mark_attributes (self->view, category, attributes, priority);
  g_object_unref (attributes);
}

static void
build_view (RetortScriptEditor *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkSourceCompletion *completion;
  g_autoptr(GtkSourceCompletionWords) words = NULL;
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GdkRGBA error_line = { 0.88, 0.11, 0.14, 0.15 };

  self->buffer = gtk_source_buffer_new_with_language (
    gtk_source_language_manager_get_language (languages, "python3"));
  /* One undo history, the experiment's: Ctrl+Z in the view reaches it
   * (the window's actions) rather than a history of the buffer's own. */
  gtk_text_buffer_set_enable_undo (GTK_TEXT_BUFFER (self->buffer), FALSE);
  gtk_source_buffer_set_highlight_matching_brackets (self->buffer, TRUE);
  self->syntax_tag = gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (self->buffer), "syntax-error",
                                                 "underline", PANGO_UNDERLINE_ERROR,
                                                 NULL);

  self->view = GTK_SOURCE_VIEW (gtk_source_view_new_with_buffer (self->buffer));
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (self->view), TRUE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self->view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (self->view), 48);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self->view), 6);
  gtk_source_view_set_show_line_numbers (self->view, TRUE);
  gtk_source_view_set_show_line_marks (self->view, TRUE);
  gtk_source_view_set_highlight_current_line (self->view, TRUE);
  gtk_source_view_set_auto_indent (self->view, TRUE);
  {
    g_autoptr(GtkSourceIndenter) indenter = retort_python_indenter_new ();

    gtk_source_view_set_indenter (self->view, indenter);
  }
  gtk_source_view_set_indent_on_tab (self->view, TRUE);
  gtk_source_view_set_tab_width (self->view, 4);
  gtk_source_view_set_indent_width (self->view, 4);
  gtk_source_view_set_insert_spaces_instead_of_tabs (self->view, TRUE);
  gtk_source_view_set_smart_backspace (self->view, TRUE);
  gtk_source_view_set_smart_home_end (self->view, GTK_SOURCE_SMART_HOME_END_BEFORE);
  gtk_source_view_set_show_right_margin (self->view, TRUE);
  gtk_source_view_set_right_margin_position (self->view, 79);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->view), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Script"),
                                  -1);

  self->font_css = gtk_css_provider_new ();
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_add_provider (gtk_widget_get_style_context (GTK_WIDGET (self->view)),
                                  GTK_STYLE_PROVIDER (self->font_css),
                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  G_GNUC_END_IGNORE_DEPRECATIONS

  set_mark_attributes (self, SYNTAX_CATEGORY, "dialog-warning-symbolic", NULL, 10);
  set_mark_attributes (self, RUN_CATEGORY, "dialog-error-symbolic", &error_line, 20);

  completion = gtk_source_view_get_completion (self->view);
  self->completion = retort_script_completion_new ();
  gtk_source_completion_add_provider (completion, GTK_SOURCE_COMPLETION_PROVIDER (self->completion));
  words = gtk_source_completion_words_new (_("Script"));
  gtk_source_completion_words_register (words, GTK_TEXT_BUFFER (self->buffer));
  gtk_source_completion_add_provider (completion, GTK_SOURCE_COMPLETION_PROVIDER (words));
  g_object_set (completion, "select-on-show", TRUE, NULL);

  self->search = gtk_source_search_context_new (self->buffer, NULL);
  gtk_source_search_settings_set_wrap_around (gtk_source_search_context_get_settings (self->search),
                                              TRUE);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->view));
  gtk_widget_set_vexpand (scrolled, TRUE);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  build_search_bar (self);
  gtk_box_append (GTK_BOX (self->box), self->search_bar);
  gtk_box_append (GTK_BOX (self->box), scrolled);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  g_signal_connect (self->buffer, "insert-text", G_CALLBACK (insert_text_cb), self);
  g_signal_connect_object (self->buffer, "changed", G_CALLBACK (buffer_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search, "notify::occurrences-count",
                           G_CALLBACK (occurrences_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self->view, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);
}

static gboolean
settings_has_key (GSettings  *settings,
                  const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  return schema != NULL && g_settings_schema_has_key (schema, key);
}

static void
retort_script_editor_constructed (GObject *object)
{
  RetortScriptEditor *self = RETORT_SCRIPT_EDITOR (object);
  const RetortParamSpec *script = retort_module_kind_find_script (retort_module_get_kind (self->module));
  GSettingsSchemaSource *schemas = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  G_OBJECT_CLASS (retort_script_editor_parent_class)->constructed (object);

  g_return_if_fail (script != NULL);
  self->script_param = g_strdup (script->name);

  if (schemas != NULL)
    schema = g_settings_schema_source_lookup (schemas, APPLICATION_ID, TRUE);
  if (schema != NULL)
    {
      self->settings = g_settings_new (APPLICATION_ID);
      if (settings_has_key (self->settings, "editor-font-size"))
        g_signal_connect_object (self->settings, "changed::editor-font-size",
                                 G_CALLBACK (update_font), self, G_CONNECT_SWAPPED);
      else
        g_clear_object (&self->settings);
    }
  update_font (self);
  retort_code_style_follow (self->buffer);

  self->updating = TRUE;
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->buffer),
                            retort_module_get_string (self->module, self->script_param), -1);
  self->updating = FALSE;
  {
    GtkTextIter start;

    gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (self->buffer), &start);
    gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &start);
  }

  g_signal_connect_object (self->module, "parameter-changed",
                           G_CALLBACK (parameter_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
retort_script_editor_dispose (GObject *object)
{
  RetortScriptEditor *self = RETORT_SCRIPT_EDITOR (object);

  g_clear_handle_id (&self->check_source, g_source_remove);
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->runner);
  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (retort_script_editor_parent_class)->dispose (object);
}

static void
retort_script_editor_finalize (GObject *object)
{
  RetortScriptEditor *self = RETORT_SCRIPT_EDITOR (object);

  g_clear_object (&self->buffer);
  g_clear_object (&self->search);
  g_clear_object (&self->font_css);
  g_clear_object (&self->settings);
  g_clear_object (&self->completion);
  g_clear_object (&self->experiment);
  g_clear_object (&self->module);
  g_clear_pointer (&self->script_param, g_free);
  g_clear_pointer (&self->issues, g_array_unref);

  G_OBJECT_CLASS (retort_script_editor_parent_class)->finalize (object);
}

static void
retort_script_editor_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  RetortScriptEditor *self = RETORT_SCRIPT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_EXPERIMENT:
      self->experiment = g_value_dup_object (value);
      break;

    case PROP_MODULE:
      self->module = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
retort_script_editor_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  RetortScriptEditor *self = RETORT_SCRIPT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_EXPERIMENT:
      g_value_set_object (value, self->experiment);
      break;

    case PROP_MODULE:
      g_value_set_object (value, self->module);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
retort_script_editor_grab_focus (GtkWidget *widget)
{
  RetortScriptEditor *self = RETORT_SCRIPT_EDITOR (widget);

  /* A tab just selected is shown at the next frame: the focus waits. */
  if (!gtk_widget_get_mapped (widget))
    {
      self->focus_on_map = TRUE;
      return TRUE;
    }

  return gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

static void
retort_script_editor_map (GtkWidget *widget)
{
  RetortScriptEditor *self = RETORT_SCRIPT_EDITOR (widget);

  GTK_WIDGET_CLASS (retort_script_editor_parent_class)->map (widget);

  if (self->focus_on_map)
    {
      self->focus_on_map = FALSE;
      gtk_widget_grab_focus (GTK_WIDGET (self->view));
    }
}

static void
retort_script_editor_class_init (RetortScriptEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = retort_script_editor_constructed;
  object_class->dispose = retort_script_editor_dispose;
  object_class->finalize = retort_script_editor_finalize;
  object_class->set_property = retort_script_editor_set_property;
  object_class->get_property = retort_script_editor_get_property;
  widget_class->grab_focus = retort_script_editor_grab_focus;
  widget_class->map = retort_script_editor_map;

  properties[PROP_EXPERIMENT] =
    g_param_spec_object ("experiment", NULL, NULL, RETORT_TYPE_EXPERIMENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MODULE] =
    g_param_spec_object ("module", NULL, NULL, RETORT_TYPE_MODULE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_RUN_REQUESTED] =
    g_signal_new ("run-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "editor.find", NULL, find_action_cb);
  gtk_widget_class_install_action (widget_class, "editor.replace", NULL, replace_action_cb);
  gtk_widget_class_install_action (widget_class, "editor.run", NULL, run_action_cb);
  gtk_widget_class_install_action (widget_class, "editor.zoom-in", NULL, zoom_action_cb);
  gtk_widget_class_install_action (widget_class, "editor.zoom-out", NULL, zoom_action_cb);
  gtk_widget_class_install_action (widget_class, "editor.zoom-reset", NULL, zoom_action_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "scripteditor");
}

static void
add_shortcut (GtkShortcutController *controller,
              const char            *accelerator,
              const char            *action)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string (accelerator),
                                                          gtk_named_action_new (action)));
}

static void
retort_script_editor_init (RetortScriptEditor *self)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  self->issues = g_array_new (FALSE, TRUE, sizeof (SyntaxIssue));
  g_array_set_clear_func (self->issues, (GDestroyNotify) syntax_issue_clear);
  build_view (self);

  /* In the capture phase, before the text view takes Ctrl+Return as a new
   * line. In RetortWindow the application's accelerators come first (they
   * look at the focus and do the same); these serve an editor elsewhere. */
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>Return", "editor.run");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>KP_Enter", "editor.run");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>f", "editor.find");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>h", "editor.replace");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>plus", "editor.zoom-in");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>equal", "editor.zoom-in");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>minus", "editor.zoom-out");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>0", "editor.zoom-reset");
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
}

GtkWidget *
retort_script_editor_new (RetortExperiment *experiment,
                          RetortModule     *module)
{
  g_return_val_if_fail (RETORT_IS_EXPERIMENT (experiment), NULL);
  g_return_val_if_fail (RETORT_IS_MODULE (module), NULL);

  return g_object_new (RETORT_TYPE_SCRIPT_EDITOR,
                       "experiment", experiment,
                       "module", module,
                       NULL);
}

RetortModule *
retort_script_editor_get_module (RetortScriptEditor *self)
{
  g_return_val_if_fail (RETORT_IS_SCRIPT_EDITOR (self), NULL);

  return self->module;
}

GtkSourceView *
retort_script_editor_get_view (RetortScriptEditor *self)
{
  g_return_val_if_fail (RETORT_IS_SCRIPT_EDITOR (self), NULL);

  return self->view;
}

void
retort_script_editor_set_scheduler (RetortScriptEditor *self,
                                    RetortScheduler    *scheduler)
{
  g_return_if_fail (RETORT_IS_SCRIPT_EDITOR (self));

  if (self->scheduler == scheduler)
    return;
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  g_set_object (&self->scheduler, scheduler);
  if (scheduler != NULL)
    g_signal_connect_swapped (scheduler, "state-changed", G_CALLBACK (state_changed_cb), self);

  update_columns (self);
  update_run_error (self);
}

void
retort_script_editor_set_language_runner (RetortScriptEditor *self,
                                          RetortPythonRunner *runner)
{
  g_return_if_fail (RETORT_IS_SCRIPT_EDITOR (self));

  g_set_object (&self->runner, runner);
  retort_script_completion_set_runner (self->completion, runner);
  if (runner != NULL)
    check_timeout_cb (self);
}

void
retort_script_editor_go_to_line (RetortScriptEditor *self,
                                 int                 line)
{
  GtkTextIter iter;

  g_return_if_fail (RETORT_IS_SCRIPT_EDITOR (self));

  get_line_iter (self, line, 0, &iter);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &iter);
  /* A mark, so that it scrolls there once laid out (a tab just opened). */
  gtk_text_view_scroll_to_mark (GTK_TEXT_VIEW (self->view),
                                gtk_text_buffer_get_insert (GTK_TEXT_BUFFER (self->buffer)),
                                0.25, TRUE, 0, 0.3);
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

int
retort_script_editor_get_cursor_line (RetortScriptEditor *self)
{
  GtkTextIter iter;

  g_return_val_if_fail (RETORT_IS_SCRIPT_EDITOR (self), 0);

  gtk_text_buffer_get_iter_at_mark (GTK_TEXT_BUFFER (self->buffer), &iter,
                                    gtk_text_buffer_get_insert (GTK_TEXT_BUFFER (self->buffer)));
  return gtk_text_iter_get_line (&iter) + 1;
}

int
retort_script_editor_get_run_error_line (RetortScriptEditor *self)
{
  g_return_val_if_fail (RETORT_IS_SCRIPT_EDITOR (self), 0);

  return self->run_error_line;
}

guint
retort_script_editor_get_n_syntax_errors (RetortScriptEditor *self)
{
  g_return_val_if_fail (RETORT_IS_SCRIPT_EDITOR (self), 0);

  return self->issues->len;
}

const char *
retort_script_editor_get_syntax_error (RetortScriptEditor *self,
                                       int                 line)
{
  g_return_val_if_fail (RETORT_IS_SCRIPT_EDITOR (self), NULL);

  for (guint i = 0; i < self->issues->len; i++)
    {
      SyntaxIssue *issue = &g_array_index (self->issues, SyntaxIssue, i);

      if (line >= issue->line && line <= issue->end_line)
        return issue->message;
    }

  return NULL;
}
