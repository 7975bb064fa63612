/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-properties-pane"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "retort-code-style.h"
#include "retort-column-picker.h"
#include "retort-properties-pane.h"
#include "retort-table-lib.h"

struct _RetortPropertiesPane
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkStack          *stack;
  GtkImage          *kind_icon;
  GtkLabel          *kind_title_label;
  GtkLabel          *kind_description_label;
  AdwEntryRow       *title_row;
  GtkBox            *editors_box;

  RetortExperiment  *experiment;
  RetortModule      *module;
  RetortScheduler   *scheduler;

  /* ParamEditor*, in the kind's order; each is owned by its widget. */
  GPtrArray         *editors;

  /* Set while the pane shows the model's values, so that editors do not
   * send them back as edits. */
  gboolean           updating;
};

G_DEFINE_FINAL_TYPE (RetortPropertiesPane, retort_properties_pane, GTK_TYPE_WIDGET)

/* The editor of one parameter. */
typedef struct
{
  RetortPropertiesPane  *pane;
  const RetortParamSpec *spec;
  GtkWidget             *row;           /* a list row, or the group of a bigger editor */
  GtkWidget             *widget;        /* the widget holding the value */
  GtkLabel              *error_label;   /* below editors that are not rows */
  GtkWidget             *warning_icon;  /* PATH: the file does not exist */
  char                 **values;        /* CHOICE, DATASET: the value of each item */
  GtkFileChooserNative  *chooser;       /* PATH, while open */
} ParamEditor;

static void
param_editor_free (gpointer data)
{
  ParamEditor *editor = data;

  if (editor->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (editor->chooser));
  g_clear_object (&editor->chooser);
  g_strfreev (editor->values);
  g_free (editor);
}

/* Human names of the values of CHOICE parameters, which documents keep
 * short and stable. */
static const char *
choice_label (const char *value)
{
  static const struct {
    const char *value;
    const char *label;
  } labels[] = {
    { "auto", N_("Detect") },
    { ",", N_("Comma") },
    { ";", N_("Semicolon") },
    { "tab", N_("Tab") },
    { "|", N_("Vertical Bar") },
    /* Select Columns' mode: the row's description says what is kept. */
    { "include", N_("Keep") },
    { "exclude", N_("Drop") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      if (g_str_equal (labels[i].value, value))
        return _(labels[i].label);
    }

  return value;
}

/* Select Columns' "types" is the one COLUMNS parameter that lists column
 * types rather than names; the spec has no field to say so. */
static gboolean
lists_column_types (const RetortParamSpec *spec)
{
  return g_str_equal (spec->name, "types");
}

/* A module without outputs writes its file (Export Data): the file need
 * not exist yet, and choosing it means saving. */
static gboolean
writes_file (RetortPropertiesPane *self)
{
  return retort_module_get_kind (self->module)->n_outputs == 0;
}

static void
param_editor_show_error (ParamEditor *editor,
                         const char  *message)
{
  if (message != NULL)
    gtk_widget_add_css_class (editor->row, "error");
  else
    gtk_widget_remove_css_class (editor->row, "error");

  if (editor->error_label != NULL)
    {
      gtk_label_set_label (editor->error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (editor->error_label), message != NULL);
    }
  else if (ADW_IS_ACTION_ROW (editor->row))
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (editor->row),
                                   message != NULL ? message : _(editor->spec->description));
    }

  gtk_widget_set_tooltip_text (editor->row,
                               message != NULL ? message : _(editor->spec->description));
}

/* libadwaita 1.2 takes any change of an entry row's text for an edit and
 * offers to apply it: the model's value is no edit. */
static void
entry_row_show_text (AdwEntryRow *row,
                     const char  *text)
{
  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (row))) == 0)
    return;

  adw_entry_row_set_show_apply_button (row, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  adw_entry_row_set_show_apply_button (row, TRUE);
}

static char *
text_view_dup_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static GFile *
document_folder (RetortPropertiesPane *self)
{
  GFile *file = retort_experiment_get_file (self->experiment);

  return file != NULL ? g_file_get_parent (file) : NULL;
}

/* Where a PATH parameter points, or NULL when a relative path cannot be
 * resolved yet (the document was never saved). */
static GFile *
resolve_path (RetortPropertiesPane *self,
              const char           *path)
{
  g_autoptr(GFile) folder = NULL;

  if (path == NULL || path[0] == '\0')
    return NULL;
  if (g_path_is_absolute (path))
    return g_file_new_for_path (path);
  if ((folder = document_folder (self)) == NULL)
    return NULL;

  return g_file_resolve_relative_path (folder, path);
}

static void
param_editor_sync_datasets (ParamEditor *editor,
                            const char  *current)
{
  RetortPropertiesPane *self = editor->pane;
  g_autoptr(GPtrArray) names = retort_experiment_list_datasets (self->experiment);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) values = NULL;
  g_autoptr(GtkStringList) labels = NULL;

  /* "None" first, and the current name even when the document lacks it,
   * so that the combo always shows the truth. */
  g_strv_builder_add (builder, "");
  if (current[0] != '\0' &&
      !g_ptr_array_find_with_equal_func (names, current, g_str_equal, NULL))
    g_strv_builder_add (builder, current);
  for (guint i = 0; i < names->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (names, i));
  values = g_strv_builder_end (builder);

  if (editor->values != NULL &&
      g_strv_equal ((const char * const *) values, (const char * const *) editor->values))
    return;

  labels = gtk_string_list_new (NULL);
  for (guint i = 0; values[i] != NULL; i++)
    gtk_string_list_append (labels, values[i][0] != '\0' ? values[i] : _("None"));
  g_strfreev (editor->values);
  editor->values = g_steal_pointer (&values);
  adw_combo_row_set_model (ADW_COMBO_ROW (editor->widget), G_LIST_MODEL (labels));
}

static void
param_editor_sync_path (ParamEditor *editor,
                        const char  *path)
{
  RetortPropertiesPane *self = editor->pane;
  g_autoptr(GFile) file = resolve_path (self, path);
  gboolean missing = file != NULL && !writes_file (self) && !g_file_query_exists (file, NULL);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (editor->row),
                               path[0] != '\0' ? path : _("No file chosen"));
  gtk_widget_set_visible (editor->warning_icon, missing);
}

static void
param_editor_refresh_columns (ParamEditor *editor)
{
  RetortPropertiesPane *self = editor->pane;
  RetortColumnPicker *picker = RETORT_COLUMN_PICKER (editor->widget);
  const RetortConnection *source;
  RetortModuleRun *run = NULL;
  RetortTable *table = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) notes = g_strv_builder_new ();
  g_auto(GStrv) names_strv = NULL;
  g_auto(GStrv) notes_strv = NULL;

  if (lists_column_types (editor->spec))
    {
      for (RetortColumnType type = RETORT_COLUMN_TYPE_FLOAT64;
           type <= RETORT_COLUMN_TYPE_DATETIME;
           type++)
        g_strv_builder_add (names, retort_column_type_to_string (type));
      names_strv = g_strv_builder_end (names);
      retort_column_picker_set_available (picker, (const char * const *) names_strv, NULL);
      retort_column_picker_set_hint (picker, NULL);
      /* There are no other types to type. */
      retort_column_picker_set_can_add (picker, FALSE);
      return;
    }

  source = retort_experiment_find_source (self->experiment, retort_module_get_id (self->module), 0);
  if (source == NULL)
    {
      retort_column_picker_set_available (picker, NULL, NULL);
      retort_column_picker_set_hint (picker,
                                     _("Connect a dataset to the input to list its columns"));
      return;
    }

  if (self->scheduler != NULL)
    run = retort_scheduler_get_run (self->scheduler, source->from_module);
  if (run != NULL)
    table = retort_module_run_get_output_table (run, source->from_port);
  if (table == NULL)
    {
      retort_column_picker_set_available (picker, NULL, NULL);
      retort_column_picker_set_hint (picker, _("Run the upstream module to list its columns"));
      return;
    }

  for (guint c = 0; c < retort_table_get_n_columns (table); c++)
    {
      RetortColumnType type = retort_column_get_data_type (retort_table_get_column (table, c));

      g_strv_builder_add (names, retort_table_get_column_name (table, c));
      g_strv_builder_add (notes, retort_column_type_to_string (type));
    }
  names_strv = g_strv_builder_end (names);
  notes_strv = g_strv_builder_end (notes);
  retort_column_picker_set_available (picker,
                                      (const char * const *) names_strv,
                                      (const char * const *) notes_strv);
  retort_column_picker_set_hint (picker, NULL);
}

/* Shows the model's value; never sends it back as an edit. */
static void
param_editor_sync (ParamEditor *editor)
{
  RetortPropertiesPane *self = editor->pane;
  RetortModule *module = self->module;
  const char *name = editor->spec->name;
  gboolean was_updating = self->updating;

  self->updating = TRUE;

  switch (editor->spec->type)
    {
    case RETORT_PARAM_STRING:
      {
        entry_row_show_text (ADW_ENTRY_ROW (editor->widget),
                             retort_module_get_string (module, name));
      }
      break;

    case RETORT_PARAM_TEXT:
    case RETORT_PARAM_SCRIPT:
      {
        const char *value = retort_module_get_string (module, name);
        g_autofree char *shown = text_view_dup_text (GTK_TEXT_VIEW (editor->widget));

        /* Only an outside change (undo) moves the cursor. */
        if (g_strcmp0 (value, shown) != 0)
          gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor->widget)),
                                    value != NULL ? value : "", -1);
      }
      break;

    case RETORT_PARAM_INT:
    case RETORT_PARAM_DOUBLE:
      {
        double value = editor->spec->type == RETORT_PARAM_INT
          ? (double) retort_module_get_int (module, name)
          : retort_module_get_double (module, name);

        if (gtk_spin_button_get_value (GTK_SPIN_BUTTON (editor->widget)) != value)
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor->widget), value);
        else
          /* The text may still hold what was typed and refused. */
          gtk_spin_button_update (GTK_SPIN_BUTTON (editor->widget));
      }
      break;

    case RETORT_PARAM_BOOL:
      {
        gboolean value = retort_module_get_bool (module, name);

        if (gtk_switch_get_active (GTK_SWITCH (editor->widget)) != value)
          gtk_switch_set_active (GTK_SWITCH (editor->widget), value);
      }
      break;

    case RETORT_PARAM_CHOICE:
    case RETORT_PARAM_DATASET:
      {
        const char *value = retort_module_get_string (module, name);
        guint position = GTK_INVALID_LIST_POSITION;

        if (value == NULL)
          value = "";
        if (editor->spec->type == RETORT_PARAM_DATASET)
          param_editor_sync_datasets (editor, value);
        for (guint i = 0; editor->values[i] != NULL; i++)
          {
            if (g_str_equal (editor->values[i], value))
              position = i;
          }
        if (adw_combo_row_get_selected (ADW_COMBO_ROW (editor->widget)) != position)
          adw_combo_row_set_selected (ADW_COMBO_ROW (editor->widget), position);
      }
      break;

    case RETORT_PARAM_PATH:
      {
        const char *value = retort_module_get_string (module, name);

        param_editor_sync_path (editor, value != NULL ? value : "");
      }
      break;

    case RETORT_PARAM_COLUMNS:
      {
        g_auto(GStrv) value = retort_module_dup_strv (module, name);

        param_editor_refresh_columns (editor);
        retort_column_picker_set_chosen (RETORT_COLUMN_PICKER (editor->widget),
                                         (const char * const *) value);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  param_editor_show_error (editor, NULL);
  self->updating = was_updating;
}

/* Sends an edit to the experiment: it is applied (and can be undone) or
 * refused with a message, shown at the editor. */
static void
param_editor_apply (ParamEditor *editor,
                    JsonNode    *value)
{
  RetortPropertiesPane *self = editor->pane;
  g_autoptr(JsonNode) owned = value;
  g_autoptr(GError) error = NULL;

  if (self->updating || self->module == NULL)
    return;

  if (!retort_experiment_set_parameter (self->experiment, retort_module_get_id (self->module),
                                        editor->spec->name, value, &error))
    {
      /* Text stays as typed, to be corrected; a switch or a list goes back
       * to what the model holds, since that is what counts. */
      if (editor->spec->type != RETORT_PARAM_STRING &&
          editor->spec->type != RETORT_PARAM_TEXT &&
          editor->spec->type != RETORT_PARAM_SCRIPT)
        param_editor_sync (editor);
      param_editor_show_error (editor, error->message);
      return;
    }

  param_editor_show_error (editor, NULL);
}

static void
param_editor_apply_string (ParamEditor *editor,
                           const char  *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  param_editor_apply (editor, node);
}

static void
entry_row_apply_cb (AdwEntryRow *row,
                    ParamEditor *editor)
{
  param_editor_apply_string (editor, gtk_editable_get_text (GTK_EDITABLE (row)));
}

static void
text_buffer_changed_cb (GtkTextBuffer *buffer,
                        ParamEditor   *editor)
{
  g_autofree char *text = NULL;

  if (editor->pane->updating)
    return;

  /* Consecutive edits merge into one undo step in the experiment. */
  text = text_view_dup_text (GTK_TEXT_VIEW (editor->widget));
  param_editor_apply_string (editor, text);
}

/* What was typed must be a number in range. A numeric spin button drops
 * keys that are no part of a number, but alone it would silently put the
 * old value back for an empty or out-of-range text. */
static int
spin_button_input_cb (GtkSpinButton *spin,
                      double        *new_value,
                      ParamEditor   *editor)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (spin))));
  GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (spin);
  gboolean whole = editor->spec->type == RETORT_PARAM_INT;
  g_autofree char *message = NULL;
  char *end = NULL;
  double value;

  value = g_strtod (text, &end);
  if (text[0] == '\0')
    message = g_strdup (whole ? _("Enter a whole number") : _("Enter a number"));
  else if (*end != '\0' || !isfinite (value))
    message = g_strdup_printf (whole ? _("“%s” is not a whole number") : _("“%s” is not a number"),
                               text);
  else if (whole && value != floor (value))
    message = g_strdup_printf (_("“%s” is not a whole number"), text);
  else if (value < gtk_adjustment_get_lower (adjustment) ||
           value > gtk_adjustment_get_upper (adjustment))
    message = g_strdup_printf (_("%s must be between %.0f and %.0f"), _(editor->spec->label),
                               gtk_adjustment_get_lower (adjustment),
                               gtk_adjustment_get_upper (adjustment));

  if (message != NULL)
    {
      param_editor_show_error (editor, message);
      return GTK_INPUT_ERROR;
    }

  *new_value = value;
  return TRUE;
}

static void
spin_button_value_changed_cb (GtkSpinButton *spin,
                              ParamEditor   *editor)
{
  RetortPropertiesPane *self = editor->pane;
  JsonNode *node = json_node_new (JSON_NODE_VALUE);
  double value = gtk_spin_button_get_value (spin);

  if (editor->spec->type == RETORT_PARAM_INT)
    json_node_set_int (node, (gint64) llround (value));
  else
    json_node_set_double (node, value);

  /* A refused input puts the old value back and says so: that is no edit,
   * and must not hide the error. */
  if (self->module != NULL &&
      json_node_equal (node, retort_module_get_parameter (self->module, editor->spec->name)))
    {
      json_node_unref (node);
      return;
    }

  param_editor_apply (editor, node);
}

static void
switch_active_cb (GtkSwitch   *widget,
                  GParamSpec  *pspec,
                  ParamEditor *editor)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (node, gtk_switch_get_active (widget));
  param_editor_apply (editor, node);
}

static void
combo_row_selected_cb (AdwComboRow *row,
                       GParamSpec  *pspec,
                       ParamEditor *editor)
{
  guint position = adw_combo_row_get_selected (row);

  if (editor->pane->updating || position >= g_strv_length (editor->values))
    return;

  param_editor_apply_string (editor, editor->values[position]);
}

static void
column_picker_changed_cb (RetortColumnPicker *picker,
                          ParamEditor        *editor)
{
  g_auto(GStrv) names = retort_column_picker_dup_chosen (picker);
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; names[i] != NULL; i++)
    json_array_add_string_element (array, names[i]);
  json_node_take_array (node, array);
  param_editor_apply (editor, node);
}

/* Relative to the document's folder when the file is inside it, so that
 * the document and its data can move together. */
static char *
path_for_document (RetortPropertiesPane *self,
                   GFile                *file)
{
  g_autoptr(GFile) folder = document_folder (self);
  g_autofree char *relative = NULL;

  if (folder != NULL && (relative = g_file_get_relative_path (folder, file)) != NULL)
    return g_steal_pointer (&relative);

  return g_file_get_path (file);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     ParamEditor     *editor)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL &&
      editor->pane->module != NULL)
    {
      g_autofree char *path = path_for_document (editor->pane, file);

      if (path != NULL)
        param_editor_apply_string (editor, path);
      else
        param_editor_show_error (editor, _("Only local files can be chosen"));
    }

  gtk_native_dialog_destroy (chooser);
  g_clear_object (&editor->chooser);
}

static void
choose_clicked_cb (GtkButton   *button,
                   ParamEditor *editor)
{
  RetortPropertiesPane *self = editor->pane;
  gboolean save = writes_file (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *path = retort_module_get_string (self->module, editor->spec->name);
  g_autoptr(GFile) current = resolve_path (self, path);
  g_autoptr(GFile) folder = document_folder (self);

  if (editor->chooser != NULL)
    return;

  editor->chooser = gtk_file_chooser_native_new (_(editor->spec->label),
                                                 GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                 save ? GTK_FILE_CHOOSER_ACTION_SAVE
                                                      : GTK_FILE_CHOOSER_ACTION_OPEN,
                                                 save ? _("_Save") : _("_Choose"),
                                                 _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (editor->chooser), TRUE);
  if (current != NULL && (save || g_file_query_exists (current, NULL)))
    {
      if (save)
        {
          g_autoptr(GFile) parent = g_file_get_parent (current);
          g_autofree char *basename = g_file_get_basename (current);

          gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (editor->chooser), parent, NULL);
          gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (editor->chooser), basename);
        }
      else
        gtk_file_chooser_set_file (GTK_FILE_CHOOSER (editor->chooser), current, NULL);
    }
  else if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (editor->chooser), folder, NULL);

  g_signal_connect (editor->chooser, "response", G_CALLBACK (chooser_response_cb), editor);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (editor->chooser));
}

/* Python for scripts, SQL for the SQL module's query, plain text (CSV)
 * otherwise. */
static const char *
code_language (RetortPropertiesPane  *self,
               const RetortParamSpec *spec)
{
  if (spec->type == RETORT_PARAM_SCRIPT)
    return "python3";
  if (g_str_equal (retort_module_get_kind (self->module)->id, "sql"))
    return "sql";
  return NULL;
}

static GtkWidget *
new_group (const RetortParamSpec *spec)
{
  GtkWidget *group = adw_preferences_group_new ();

  if (spec != NULL)
    {
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _(spec->label));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _(spec->description));
    }

  return group;
}

static GtkLabel *
new_error_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_visible (label, FALSE);
  gtk_widget_add_css_class (label, "error");

  return GTK_LABEL (label);
}

static void
build_code_editor (RetortPropertiesPane *self,
                   ParamEditor          *editor)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  const char *language_id = code_language (self, editor->spec);
  GtkSourceLanguage *language = NULL;
  g_autoptr(GtkSourceBuffer) buffer = gtk_source_buffer_new (NULL);
  GtkWidget *group = new_group (editor->spec);
  GtkWidget *view = gtk_source_view_new_with_buffer (buffer);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *frame = gtk_frame_new (NULL);

  /* One undo history, the experiment's: Ctrl+Z in the view must reach it
   * rather than a history of the buffer's own. */
  gtk_text_buffer_set_enable_undo (GTK_TEXT_BUFFER (buffer), FALSE);
  if (language_id != NULL)
    language = gtk_source_language_manager_get_language (languages, language_id);
  gtk_source_buffer_set_language (buffer, language);
  gtk_source_buffer_set_highlight_matching_brackets (buffer, language_id != NULL);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_source_view_set_tab_width (GTK_SOURCE_VIEW (view), 4);
  gtk_source_view_set_insert_spaces_instead_of_tabs (GTK_SOURCE_VIEW (view), language_id != NULL);
  gtk_source_view_set_auto_indent (GTK_SOURCE_VIEW (view), language_id != NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(editor->spec->label),
                                  -1);

  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 160);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 360);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_frame_set_child (GTK_FRAME (frame), scrolled);
  gtk_widget_add_css_class (frame, "code-frame");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), frame);

  /* The script's own editor has room, completion, checks and marks. */
  if (editor->spec->type == RETORT_PARAM_SCRIPT)
    {
      GtkWidget *open = gtk_button_new_from_icon_name ("document-edit-symbolic");

      gtk_widget_set_tooltip_text (open, _("Open in Editor"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (open),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Open in Editor"),
                                      -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "win.open-script");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (open), "s",
                                        retort_module_get_id (self->module));
      gtk_widget_set_valign (open, GTK_ALIGN_START);
      gtk_widget_add_css_class (open, "flat");
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), open);
    }

  editor->row = group;
  editor->widget = view;
  editor->error_label = new_error_label ();
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (editor->error_label));

  retort_code_style_follow (buffer);
  g_signal_connect (buffer, "changed", G_CALLBACK (text_buffer_changed_cb), editor);
}

static void
build_spin_editor (ParamEditor *editor)
{
  gboolean whole = editor->spec->type == RETORT_PARAM_INT;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin;

  /* Every whole-number parameter so far is a count or a limit. */
  if (whole)
    spin = gtk_spin_button_new_with_range (0, G_MAXINT32, 1);
  else
    spin = gtk_spin_button_new_with_range (-1e9, 1e9, 0.1);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), whole ? 0 : 3);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  /* Room for the description next to it. */
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 6);
  gtk_spin_button_set_update_policy (GTK_SPIN_BUTTON (spin), GTK_UPDATE_IF_VALID);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(editor->spec->label),
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);

  editor->row = row;
  editor->widget = spin;
  g_signal_connect (spin, "input", G_CALLBACK (spin_button_input_cb), editor);
  g_signal_connect (spin, "value-changed", G_CALLBACK (spin_button_value_changed_cb), editor);
}

static void
build_path_editor (ParamEditor *editor)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *warning = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Choose…"));

  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  gtk_widget_set_tooltip_text (warning, _("The file does not exist"));
  gtk_widget_add_css_class (warning, "warning");
  gtk_widget_set_visible (warning, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), warning);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  editor->row = row;
  editor->widget = button;
  editor->warning_icon = warning;
  g_signal_connect (button, "clicked", G_CALLBACK (choose_clicked_cb), editor);
}

static void
build_choice_editor (ParamEditor *editor)
{
  GtkWidget *row = adw_combo_row_new ();

  editor->row = row;
  editor->widget = row;

  if (editor->spec->type == RETORT_PARAM_CHOICE)
    {
      g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

      editor->values = g_strdupv ((char **) editor->spec->choices);
      for (guint i = 0; editor->values[i] != NULL; i++)
        gtk_string_list_append (labels, choice_label (editor->values[i]));
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
    }
  else
    {
      param_editor_sync_datasets (editor, "");
    }

  g_signal_connect (row, "notify::selected", G_CALLBACK (combo_row_selected_cb), editor);
}

static ParamEditor *
build_editor (RetortPropertiesPane  *self,
              const RetortParamSpec *spec)
{
  ParamEditor *editor = g_new0 (ParamEditor, 1);

  editor->pane = self;
  editor->spec = spec;

  switch (spec->type)
    {
    case RETORT_PARAM_STRING:
      editor->row = editor->widget = adw_entry_row_new ();
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (editor->row), TRUE);
      g_signal_connect (editor->row, "apply", G_CALLBACK (entry_row_apply_cb), editor);
      g_signal_connect (editor->row, "entry-activated", G_CALLBACK (entry_row_apply_cb), editor);
      break;

    case RETORT_PARAM_TEXT:
    case RETORT_PARAM_SCRIPT:
      build_code_editor (self, editor);
      break;

    case RETORT_PARAM_INT:
    case RETORT_PARAM_DOUBLE:
      build_spin_editor (editor);
      break;

    case RETORT_PARAM_BOOL:
      editor->row = adw_action_row_new ();
      editor->widget = gtk_switch_new ();
      gtk_widget_set_valign (editor->widget, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (editor->widget),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _(spec->label),
                                      -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (editor->row), editor->widget);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (editor->row), editor->widget);
      g_signal_connect (editor->widget, "notify::active", G_CALLBACK (switch_active_cb), editor);
      break;

    case RETORT_PARAM_CHOICE:
    case RETORT_PARAM_DATASET:
      build_choice_editor (editor);
      break;

    case RETORT_PARAM_PATH:
      build_path_editor (editor);
      break;

    case RETORT_PARAM_COLUMNS:
      editor->row = new_group (spec);
      editor->widget = retort_column_picker_new ();
      editor->error_label = new_error_label ();
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (editor->row), editor->widget);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (editor->row),
                                 GTK_WIDGET (editor->error_label));
      g_signal_connect (editor->widget, "changed", G_CALLBACK (column_picker_changed_cb), editor);
      break;

    default:
      g_assert_not_reached ();
    }

  if (ADW_IS_PREFERENCES_ROW (editor->row))
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (editor->row), _(spec->label));
      gtk_widget_set_tooltip_text (editor->row, _(spec->description));
    }
  if (ADW_IS_ACTION_ROW (editor->row) && spec->type != RETORT_PARAM_PATH)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (editor->row), _(spec->description));

  g_object_set_data_full (G_OBJECT (editor->row), "retort-param-editor", editor, param_editor_free);

  return editor;
}

static ParamEditor *
find_editor (RetortPropertiesPane *self,
             const char           *name)
{
  for (guint i = 0; i < self->editors->len; i++)
    {
      ParamEditor *editor = g_ptr_array_index (self->editors, i);

      if (g_str_equal (editor->spec->name, name))
        return editor;
    }

  return NULL;
}

static void
sync_title (RetortPropertiesPane *self)
{
  self->updating = TRUE;
  entry_row_show_text (self->title_row, retort_module_get_title (self->module));
  self->updating = FALSE;
}

static void
title_row_apply_cb (RetortPropertiesPane *self)
{
  g_autoptr(GError) error = NULL;

  if (self->updating || self->module == NULL)
    return;

  if (!retort_experiment_set_title (self->experiment, retort_module_get_id (self->module),
                                    gtk_editable_get_text (GTK_EDITABLE (self->title_row)), &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->title_row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_row), error->message);
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->title_row), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_row), NULL);
  /* An empty title gives the kind's name back. */
  sync_title (self);
}

static void
module_title_cb (RetortPropertiesPane *self)
{
  sync_title (self);
}

static void
module_parameter_changed_cb (RetortPropertiesPane *self,
                             const char           *name)
{
  ParamEditor *editor = find_editor (self, name);

  if (editor != NULL)
    param_editor_sync (editor);
}

/* What an edit elsewhere may change: the datasets in the document, the
 * document's folder, the input's connection. Text being typed is left
 * alone. */
static void
refresh_surroundings (RetortPropertiesPane *self)
{
  gboolean was_updating = self->updating;

  self->updating = TRUE;
  for (guint i = 0; i < self->editors->len; i++)
    {
      ParamEditor *editor = g_ptr_array_index (self->editors, i);
      const char *value;

      switch (editor->spec->type)
        {
        case RETORT_PARAM_DATASET:
          value = retort_module_get_string (self->module, editor->spec->name);
          param_editor_sync_datasets (editor, value != NULL ? value : "");
          break;

        case RETORT_PARAM_PATH:
          value = retort_module_get_string (self->module, editor->spec->name);
          param_editor_sync_path (editor, value != NULL ? value : "");
          break;

        case RETORT_PARAM_COLUMNS:
          param_editor_refresh_columns (editor);
          break;

        default:
          break;
        }
    }
  self->updating = was_updating;
}

static void
experiment_changed_cb (RetortPropertiesPane *self)
{
  refresh_surroundings (self);
}

static void
module_removed_cb (RetortPropertiesPane *self,
                   RetortModule         *module)
{
  if (module == self->module)
    retort_properties_pane_set_module (self, self->experiment, NULL);
}

static void
scheduler_state_changed_cb (RetortPropertiesPane *self,
                            const char           *module_id,
                            RetortModuleState     state)
{
  if (self->module != NULL)
    refresh_surroundings (self);
}

static void
clear_editors (RetortPropertiesPane *self)
{
  GtkWidget *child;

  g_ptr_array_set_size (self->editors, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->editors_box))) != NULL)
    gtk_box_remove (self->editors_box, child);
}

static void
build_editors (RetortPropertiesPane *self)
{
  const RetortModuleKind *kind = retort_module_get_kind (self->module);
  GtkWidget *rows_group = NULL;

  for (guint i = 0; i < kind->n_params; i++)
    {
      ParamEditor *editor = build_editor (self, &kind->params[i]);

      g_ptr_array_add (self->editors, editor);
      if (ADW_IS_PREFERENCES_ROW (editor->row))
        {
          /* Rows in a row share a boxed list. */
          if (rows_group == NULL)
            {
              rows_group = new_group (NULL);
              gtk_box_append (self->editors_box, rows_group);
            }
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (rows_group), editor->row);
        }
      else
        {
          gtk_box_append (self->editors_box, editor->row);
          rows_group = NULL;
        }

      param_editor_sync (editor);
    }
}

static void
disconnect_model (RetortPropertiesPane *self)
{
  if (self->experiment != NULL)
    g_signal_handlers_disconnect_by_data (self->experiment, self);
  if (self->module != NULL)
    g_signal_handlers_disconnect_by_data (self->module, self);
}

static void
retort_properties_pane_dispose (GObject *object)
{
  RetortPropertiesPane *self = RETORT_PROPERTIES_PANE (object);

  disconnect_model (self);
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  if (self->editors != NULL)
    g_ptr_array_set_size (self->editors, 0);

  gtk_widget_dispose_template (GTK_WIDGET (self), RETORT_TYPE_PROPERTIES_PANE);
  g_clear_pointer (&self->editors, g_ptr_array_unref);
  g_clear_object (&self->module);
  g_clear_object (&self->experiment);
  g_clear_object (&self->scheduler);

  G_OBJECT_CLASS (retort_properties_pane_parent_class)->dispose (object);
}

static void
retort_properties_pane_class_init (RetortPropertiesPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = retort_properties_pane_dispose;

  gtk_source_init ();
  g_type_ensure (RETORT_TYPE_COLUMN_PICKER);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/retort/Retort/"
                                                             "ui/retort-properties-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, RetortPropertiesPane, stack);
  gtk_widget_class_bind_template_child (widget_class, RetortPropertiesPane, kind_icon);
  gtk_widget_class_bind_template_child (widget_class, RetortPropertiesPane, kind_title_label);
  gtk_widget_class_bind_template_child (widget_class, RetortPropertiesPane, kind_description_label);
  gtk_widget_class_bind_template_child (widget_class, RetortPropertiesPane, title_row);
  gtk_widget_class_bind_template_child (widget_class, RetortPropertiesPane, editors_box);
  gtk_widget_class_bind_template_callback (widget_class, title_row_apply_cb);
}

static void
retort_properties_pane_init (RetortPropertiesPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->editors = g_ptr_array_new ();

}

GtkWidget *
retort_properties_pane_new (void)
{
  return g_object_new (RETORT_TYPE_PROPERTIES_PANE, NULL);
}

RetortModule *
retort_properties_pane_get_module (RetortPropertiesPane *self)
{
  g_return_val_if_fail (RETORT_IS_PROPERTIES_PANE (self), NULL);

  return self->module;
}

void
retort_properties_pane_set_module (RetortPropertiesPane *self,
                                   RetortExperiment     *experiment,
                                   RetortModule         *module)
{
  const RetortModuleKind *kind;

  g_return_if_fail (RETORT_IS_PROPERTIES_PANE (self));
  g_return_if_fail (experiment == NULL || RETORT_IS_EXPERIMENT (experiment));
  g_return_if_fail (module == NULL || RETORT_IS_MODULE (module));
  g_return_if_fail (module == NULL || experiment != NULL);

  /* Selecting the same module again keeps the editors, and the focus. */
  if (experiment == self->experiment && module == self->module)
    return;

  disconnect_model (self);
  clear_editors (self);
  g_set_object (&self->experiment, experiment);
  g_set_object (&self->module, module);

  if (module == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  kind = retort_module_get_kind (module);
  gtk_image_set_from_icon_name (self->kind_icon, kind->icon_name);
  gtk_label_set_label (self->kind_title_label, _(kind->title));
  gtk_label_set_label (self->kind_description_label, _(kind->description));
  gtk_widget_remove_css_class (GTK_WIDGET (self->title_row), "error");
  sync_title (self);
  build_editors (self);

  g_signal_connect_object (experiment, "changed",
                           G_CALLBACK (experiment_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (experiment, "module-removed",
                           G_CALLBACK (module_removed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (module, "parameter-changed",
                           G_CALLBACK (module_parameter_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (module, "notify::title",
                           G_CALLBACK (module_title_cb), self, G_CONNECT_SWAPPED);

  gtk_stack_set_visible_child_name (self->stack, "module");
}

void
retort_properties_pane_set_scheduler (RetortPropertiesPane *self,
                                      RetortScheduler      *scheduler)
{
  g_return_if_fail (RETORT_IS_PROPERTIES_PANE (self));
  g_return_if_fail (scheduler == NULL || RETORT_IS_SCHEDULER (scheduler));

  if (self->scheduler == scheduler)
    return;

  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  g_set_object (&self->scheduler, scheduler);
  if (scheduler != NULL)
    g_signal_connect_object (scheduler, "state-changed",
                             G_CALLBACK (scheduler_state_changed_cb), self, G_CONNECT_SWAPPED);

  if (self->module != NULL)
    refresh_surroundings (self);
}
