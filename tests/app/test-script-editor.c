/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The script editor in the real window: typing (through the X server),
 * undo in the experiment, pasted tabs, the syntax check and completion from
 * the real runner, Ctrl+Return running the module, and the traceback of a
 * failure whose frames open the editor at their line. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "retort-application.h"
#include "retort-canvas.h"
#include "retort-engine-lib.h"
#include "retort-python-device-view.h"
#include "retort-results-pane.h"
#include "retort-script-editor.h"
#include "retort-table-view.h"
#include "retort-window.h"
#include "retort-app-test.h"
#include "retort-gui-test.h"

#define DATA "name,age,height\nAda,36,1.65\nAlan,41,1.78\n"

/* Fails on line 4 (a KeyError from pandas). */
#define FAILING_SCRIPT \
  "import pandas as pd\n" \
  "\n" \
  "def azureml_main(dataframe1=None, dataframe2=None):\n" \
  "    missing = dataframe1['weight']\n" \
  "    return dataframe1,\n"

static RetortApplication *app;
static char *tmp_dir;

typedef struct
{
  RetortWindow       *window;
  RetortExperiment   *experiment;
  RetortModule       *data;
  RetortModule       *script;
  RetortScriptEditor *editor;
  GtkSourceView      *view;
  GtkTextBuffer      *buffer;
  char               *path;
} Fixture;

/* Enter Data -> Execute Python Script, saved, opened in a real window, the
 * script in its tab. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  script)
{
  g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  static guint counter;
  RetortModule *data, *python;
  RetortCanvas *canvas;

  data = retort_experiment_add_module (experiment, "enter-data", 40, 40, &error);
  g_assert_no_error (error);
  python = retort_experiment_add_module (experiment, "python-script", 40, 200, &error);
  g_assert_no_error (error);
  set_string_parameter (experiment, data, "data", DATA);
  if (script != NULL)
    set_string_parameter (experiment, python, "script", script);
  g_assert_true (retort_experiment_connect (experiment, retort_module_get_id (data), 0,
                                            retort_module_get_id (python), 0, &error));
  g_assert_no_error (error);

  fixture->path = g_strdup_printf ("%s/editor-%u.retort", tmp_dir, counter++);
  file = g_file_new_for_path (fixture->path);
  g_assert_true (retort_experiment_save (experiment, file, &error));
  g_assert_no_error (error);

  fixture->window = retort_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 760);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (open_file (fixture->window, fixture->path, &error));
  g_assert_no_error (error);

  canvas = find_descendant (fixture->window, RETORT_TYPE_CANVAS);
  fixture->experiment = retort_canvas_get_experiment (canvas);
  fixture->data = retort_experiment_find_module (fixture->experiment, retort_module_get_id (data));
  fixture->script = retort_experiment_find_module (fixture->experiment,
                                                  retort_module_get_id (python));

  fixture->editor = retort_window_open_script (fixture->window, fixture->script, 0);
  g_assert_nonnull (fixture->editor);
  fixture->view = retort_script_editor_get_view (fixture->editor);
  fixture->buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (fixture->view));
  wait_for_idle ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GFile) file = g_file_new_for_path (fixture->path);
  g_autoptr(GError) error = NULL;

  /* Saved: closing must not ask. */
  g_assert_true (retort_experiment_save (fixture->experiment, file, &error));
  g_assert_no_error (error);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  wait_for_idle ();
  g_unlink (fixture->path);
  g_free (fixture->path);
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
set_buffer (Fixture    *fixture,
            const char *text)
{
  GtkTextIter start;

  gtk_text_buffer_set_text (fixture->buffer, text, -1);
  gtk_text_buffer_get_start_iter (fixture->buffer, &start);
  gtk_text_buffer_place_cursor (fixture->buffer, &start);
}

static void
cursor_to_end (Fixture *fixture)
{
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (fixture->buffer, &end);
  gtk_text_buffer_place_cursor (fixture->buffer, &end);
}

typedef struct
{
  RetortWindow      *window;
  const char        *module_id;
  RetortModuleState  state;
} StateWait;

static RetortScheduler *
window_scheduler (RetortWindow *window)
{
  RetortCanvas *canvas = find_descendant (window, RETORT_TYPE_CANVAS);

  return retort_canvas_get_scheduler (canvas);
}

static gboolean
has_state (gpointer data)
{
  StateWait *wait = data;

  return retort_scheduler_get_state (window_scheduler (wait->window), wait->module_id) == wait->state;
}

static void
wait_for_state (Fixture           *fixture,
                RetortModule      *module,
                RetortModuleState  state)
{
  StateWait wait = { fixture->window, retort_module_get_id (module), state };

  g_assert_true (wait_until_seconds (has_state, &wait, 60));
}

#define SKIP_WITHOUT_XDOTOOL() \
  G_STMT_START { \
    if (!can_drive_pointer ()) \
      { \
        g_test_skip ("needs xdotool and an X11 display"); \
        return; \
      } \
  } G_STMT_END

/* The editor is set up for Python, and what is typed is the experiment's. */
static void
test_typing (Fixture       *fixture,
             gconstpointer  data)
{
  GtkSourceBuffer *source_buffer = GTK_SOURCE_BUFFER (fixture->buffer);
  g_autofree char *typed = NULL;
  g_autofree char *pasted = NULL;
  g_autofree char *undone = NULL;
  const char *script;

  /* A new module starts from the azureml_main template. */
  script = retort_module_get_string (fixture->script, "script");
  g_assert_nonnull (strstr (script, "def azureml_main(dataframe1=None, dataframe2=None):"));
  g_assert_nonnull (strstr (script, "Script Bundle"));
  typed = buffer_text (fixture->buffer);
  g_assert_cmpstr (typed, ==, script);
  g_clear_pointer (&typed, g_free);

  g_assert_cmpstr (gtk_source_language_get_id (gtk_source_buffer_get_language (source_buffer)),
                   ==, "python3");
  g_assert_true (gtk_source_view_get_show_line_numbers (fixture->view));
  g_assert_true (gtk_source_view_get_highlight_current_line (fixture->view));
  g_assert_true (gtk_source_view_get_auto_indent (fixture->view));
  g_assert_true (gtk_source_view_get_insert_spaces_instead_of_tabs (fixture->view));
  g_assert_cmpuint (gtk_source_view_get_tab_width (fixture->view), ==, 4);
  g_assert_true (gtk_source_buffer_get_highlight_matching_brackets (source_buffer));
  g_assert_nonnull (gtk_source_buffer_get_style_scheme (source_buffer));
  g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (source_buffer)),
                   ==, adw_style_manager_get_dark (adw_style_manager_get_default ())
                       ? "Adwaita-dark" : "Adwaita");

  SKIP_WITHOUT_XDOTOOL ();

  /* Typed through the X server: a new line after "if x:" is indented. */
  set_buffer (fixture, "");
  gtk_widget_grab_focus (GTK_WIDGET (fixture->view));
  wait_for_idle ();
  xdotool ("type", "--delay", "5", "def f(x):", NULL);
  xdotool ("key", "Return", NULL);
  xdotool ("type", "--delay", "5", "return x", NULL);
  typed = buffer_text (fixture->buffer);
  g_assert_cmpstr (typed, ==, "def f(x):\n    return x");
  /* An edit of the document. */
  g_assert_cmpstr (retort_module_get_string (fixture->script, "script"), ==, typed);
  g_assert_true (retort_experiment_get_modified (fixture->experiment));

  /* Pasted tabs become spaces. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (fixture->view)),
                          "\nif x:\n\treturn 1\n");
  wait_for_idle ();
  xdotool ("key", "ctrl+v", NULL);
  pasted = buffer_text (fixture->buffer);
  g_assert_null (strchr (pasted, '\t'));
  g_assert_nonnull (strstr (pasted, "if x:\n    return 1\n"));

  /* Undo is the experiment's: the text before the edits comes back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL));
  wait_for_idle ();
  undone = buffer_text (fixture->buffer);
  g_assert_cmpstr (undone, !=, pasted);
  g_assert_cmpstr (undone, ==, retort_module_get_string (fixture->script, "script"));
}

static gboolean
has_syntax_error (gpointer data)
{
  return retort_script_editor_get_n_syntax_errors (data) > 0;
}

static gboolean
has_no_syntax_error (gpointer data)
{
  return retort_script_editor_get_n_syntax_errors (data) == 0;
}

/* The runner compiles what is typed: an error is underlined with its
 * message, and goes when fixed. */
static void
test_syntax_check (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *message;

  set_buffer (fixture, "import pandas as pd\n\ndef azureml_main(dataframe1=None:\n    return dataframe1,\n");
  g_assert_true (wait_until_seconds (has_syntax_error, fixture->editor, 60));
  message = retort_script_editor_get_syntax_error (fixture->editor, 3);
  g_test_message ("syntax error: %s", message);
  g_assert_nonnull (message);
  g_assert_null (retort_script_editor_get_syntax_error (fixture->editor, 1));

  set_buffer (fixture, "import pandas as pd\n\ndef azureml_main(dataframe1=None):\n    return dataframe1,\n");
  g_assert_true (wait_until_seconds (has_no_syntax_error, fixture->editor, 30));
}

typedef struct
{
  GtkWidget  *widget;
  const char *text;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_descendants (wait->widget, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (labels, i))
        && g_strcmp0 (gtk_label_get_text (g_ptr_array_index (labels, i)), wait->text) == 0)
      return TRUE;

  return FALSE;
}

/* After a run, `dataframe1["` offers the input's columns; Return takes one. */
static void
test_completion_offers_columns (Fixture       *fixture,
                                gconstpointer  data)
{
  LabelWait wait = { GTK_WIDGET (fixture->view), "height" };
  g_autofree char *text = NULL;

  SKIP_WITHOUT_XDOTOOL ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.run", NULL));
  wait_for_state (fixture, fixture->script, RETORT_MODULE_STATE_FINISHED);

  set_buffer (fixture, "def azureml_main(dataframe1=None, dataframe2=None):\n    x = dataframe1");
  cursor_to_end (fixture);
  gtk_widget_grab_focus (GTK_WIDGET (fixture->view));
  wait_for_idle ();
  xdotool ("type", "--delay", "20", "[\"he", NULL);
  g_assert_true (wait_until_seconds (label_shown, &wait, 10));

  xdotool ("key", "Return", NULL);
  text = buffer_text (fixture->buffer);
  g_assert_true (g_str_has_suffix (text, "x = dataframe1[\"height\"]"));
}

/* Module attributes come from the runner: `np.ar` offers arange, and
 * `dataframe1.grou` groupby. */
static void
test_completion_from_runner (Fixture       *fixture,
                             gconstpointer  data)
{
  LabelWait wait = { GTK_WIDGET (fixture->view), "arange" };

  SKIP_WITHOUT_XDOTOOL ();

  set_buffer (fixture, "import numpy as np\n\ndef azureml_main(dataframe1=None):\n    y = ");
  cursor_to_end (fixture);
  gtk_widget_grab_focus (GTK_WIDGET (fixture->view));
  wait_for_idle ();
  xdotool ("type", "--delay", "20", "np.ar", NULL);
  g_assert_true (wait_until_seconds (label_shown, &wait, 30));
  xdotool ("key", "Escape", NULL);

  /* The inputs are DataFrames. */
  set_buffer (fixture, "def azureml_main(dataframe1=None, dataframe2=None):\n    y = ");
  cursor_to_end (fixture);
  wait_for_idle ();
  wait.text = "groupby";
  xdotool ("type", "--delay", "20", "dataframe1.grou", NULL);
  g_assert_true (wait_until_seconds (label_shown, &wait, 30));
  xdotool ("key", "Escape", NULL);
}

static gboolean
cursor_on_line (gpointer data)
{
  Fixture *fixture = data;

  /* The focus of the window (which need not be the X server's active one
   * after the earlier tests' windows). */
  return retort_script_editor_get_cursor_line (fixture->editor) == 4
         && gtk_root_get_focus (GTK_ROOT (fixture->window)) == GTK_WIDGET (fixture->view);
}

static GtkLabel *
find_label_containing (gpointer    widget,
                       const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_descendants (widget, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (labels, i))
        && strstr (gtk_label_get_text (g_ptr_array_index (labels, i)), text) != NULL)
      return g_ptr_array_index (labels, i);

  return NULL;
}

/* The frame of the script in a traceback is a link to its line: clicked
 * with the real pointer. */
static void
click_script_frame (Fixture *fixture)
{
  RetortResultsPane *results = find_descendant (fixture->window, RETORT_TYPE_RESULTS_PANE);
  GtkLabel *error_label = find_label_containing (results, "Error 0085");
  const char *text, *frame;
  PangoRectangle position;
  GtkWidget *scrolled;
  GtkAdjustment *adjustment;
  graphene_point_t in_scrolled;
  double lx, ly;
  char x[16], y[16];

  g_assert_nonnull (error_label);
  text = gtk_label_get_text (error_label);
  g_test_message ("error: %s", text);
  g_assert_nonnull (strstr (text, "KeyError"));
  frame = strstr (text, "line 4, in azureml_main");
  g_assert_nonnull (frame);

  /* Where the frame's text is laid out (the label is aligned to its top
   * left corner, and wraps: at its final width), scrolled into the middle
   * of the summary. */
  wait_for_layout (error_label);
  pango_layout_index_to_pos (gtk_label_get_layout (error_label), frame - text, &position);
  lx = position.x / (double) PANGO_SCALE + 4;
  ly = (position.y + position.height / 2) / (double) PANGO_SCALE;
  scrolled = gtk_widget_get_ancestor (GTK_WIDGET (error_label), GTK_TYPE_SCROLLED_WINDOW);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (error_label), scrolled,
                                           &GRAPHENE_POINT_INIT (lx, ly), &in_scrolled));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + in_scrolled.y
                                        - gtk_widget_get_height (scrolled) / 2.0);
  wait_for_layout (error_label);

  screen_point (error_label, GRAPHENE_POINT_INIT (lx, ly), x, y);
  xdotool ("mousemove", "0", "0", "mousemove", "--sync", x, y, "click", "1", NULL);
}

static gboolean
table_shown (gpointer data)
{
  Fixture *fixture = data;
  RetortResultsPane *results = find_descendant (fixture->window, RETORT_TYPE_RESULTS_PANE);
  RetortTableView *table_view = find_descendant (results, RETORT_TYPE_TABLE_VIEW);

  return table_view != NULL && gtk_widget_get_mapped (GTK_WIDGET (table_view))
         && retort_table_view_get_table (table_view) != NULL;
}

/* A failure: Error 0085 and the traceback in the results pane, the line
 * marked in the gutter; clicking the frame opens the editor there; fixed
 * and run again with Ctrl+Return, the mark goes and the table shows. */
static void
test_traceback_opens_line (Fixture       *fixture,
                           gconstpointer  data)
{
  RetortResultsPane *results = find_descendant (fixture->window, RETORT_TYPE_RESULTS_PANE);
  RetortTableView *table_view;
  RetortTable *table;

  SKIP_WITHOUT_XDOTOOL ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.run", NULL));
  wait_for_state (fixture, fixture->script, RETORT_MODULE_STATE_FAILED);
  wait_for_idle ();
  g_assert_cmpint (retort_script_editor_get_run_error_line (fixture->editor), ==, 4);

  /* Away from line 4 first, then the link brings the cursor there. */
  {
    GtkTextIter start;

    gtk_text_buffer_get_start_iter (fixture->buffer, &start);
    gtk_text_buffer_place_cursor (fixture->buffer, &start);
  }
  g_assert_cmpint (retort_script_editor_get_cursor_line (fixture->editor), ==, 1);
  click_script_frame (fixture);
  if (!wait_until_seconds (cursor_on_line, fixture, 5))
    g_error ("the cursor is on line %d", retort_script_editor_get_cursor_line (fixture->editor));

  /* Fixed, and run with Ctrl+Return from the editor: only this module and
   * what it needs (from the cache). */
  set_buffer (fixture,
              "def azureml_main(dataframe1=None, dataframe2=None):\n"
              "    dataframe1['bmi'] = dataframe1['age'] / 2\n"
              "    return dataframe1,\n");
  gtk_widget_grab_focus (GTK_WIDGET (fixture->view));
  wait_for_idle ();
  xdotool ("key", "ctrl+Return", NULL);
  wait_for_state (fixture, fixture->script, RETORT_MODULE_STATE_FINISHED);
  wait_for_idle ();
  g_assert_cmpint (retort_script_editor_get_run_error_line (fixture->editor), ==, 0);
  /* Ctrl+Return did not type a new line. */
  g_assert_cmpint (gtk_text_buffer_get_line_count (fixture->buffer), ==, 4);

  /* The results pane shows the new output's table. */
  g_assert_true (wait_until_seconds (table_shown, fixture, 10));
  table_view = find_descendant (results, RETORT_TYPE_TABLE_VIEW);
  table = retort_table_view_get_table (table_view);
  g_assert_cmpint (retort_table_get_n_rows (table), ==, 2);
  g_assert_cmpint (retort_table_find_column (table, "bmi"), ==, 3);
  {
    LabelWait wait = { GTK_WIDGET (table_view), "20.5" };

    g_assert_true (wait_until_seconds (label_shown, &wait, 10));
  }
}

#define CONSOLE_SCRIPT \
  "import sys\n" \
  "import matplotlib\n" \
  "matplotlib.use('Agg')\n" \
  "import matplotlib.pyplot as plt\n" \
  "\n" \
  "def azureml_main(dataframe1=None, dataframe2=None):\n" \
  "    print('rows:', len(dataframe1))\n" \
  "    print('careful', file=sys.stderr)\n" \
  "    plt.figure(figsize=(4, 3), dpi=50)\n" \
  "    plt.plot(dataframe1['age'])\n" \
  "    return dataframe1,\n"

static gboolean
device_filled (gpointer data)
{
  RetortPythonDeviceView *device = data;
  g_autofree char *console =
    retort_console_view_dup_text (retort_python_device_view_get_console (device));

  return console != NULL && strstr (console, "careful") != NULL
         && retort_image_gallery_get_n_images (retort_python_device_view_get_gallery (device)) == 1;
}

/* The Python Device tab: console output and the figure. */
static void
test_python_device (Fixture       *fixture,
                    gconstpointer  data)
{
  RetortResultsPane *results = find_descendant (fixture->window, RETORT_TYPE_RESULTS_PANE);
  RetortPythonDeviceView *device = find_descendant (results, RETORT_TYPE_PYTHON_DEVICE_VIEW);
  g_autofree char *console = NULL;
  GdkTexture *texture;

  g_assert_nonnull (device);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.run", NULL));
  wait_for_state (fixture, fixture->script, RETORT_MODULE_STATE_FINISHED);
  g_assert_true (wait_until_seconds (device_filled, device, 10));

  console = retort_console_view_dup_text (retort_python_device_view_get_console (device));
  g_assert_nonnull (strstr (console, "rows: 2"));
  texture = retort_image_gallery_get_texture (retort_python_device_view_get_gallery (device), 0);
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 200);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 150);
}

static gboolean
search_bar_open (gpointer data)
{
  Fixture *fixture = data;
  GtkEditable *entry = find_descendant (fixture->editor, GTK_TYPE_SEARCH_ENTRY);

  /* Open, and taking what is typed. */
  return gtk_widget_get_mapped (GTK_WIDGET (entry))
         && gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)),
                                     GTK_TYPE_SEARCH_ENTRY) == GTK_WIDGET (entry);
}

static GtkWidget *
find_button_labelled (gpointer    widget,
                      const char *label)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect_descendants (widget, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), label) == 0)
      return g_ptr_array_index (buttons, i);

  return NULL;
}

/* Ctrl+F in the editor searches the script (not the palette), "N of M";
 * Replace All is one undoable edit of the experiment. */
static void
test_search_and_replace (Fixture       *fixture,
                         gconstpointer  data)
{
  LabelWait matches = { GTK_WIDGET (fixture->editor), "1 of 3" };
  g_autofree char *replaced = NULL;
  g_autofree char *undone = NULL;
  GtkWidget *replace_all;

  SKIP_WITHOUT_XDOTOOL ();

  set_buffer (fixture,
              "def azureml_main(dataframe1=None, dataframe2=None):\n"
              "    print(dataframe1.shape)\n"
              "    return dataframe1,\n");
  gtk_widget_grab_focus (GTK_WIDGET (fixture->view));
  wait_for_idle ();
  xdotool ("key", "ctrl+f", NULL);
  g_assert_true (wait_until_seconds (search_bar_open, fixture, 5));
  xdotool ("type", "--delay", "10", "dataframe1", NULL);
  g_assert_true (wait_until_seconds (label_shown, &matches, 5));
  /* The palette's search was left alone. */
  g_assert_true (gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)),
                                          RETORT_TYPE_SCRIPT_EDITOR) != NULL);

  xdotool ("key", "ctrl+h", NULL);
  xdotool ("type", "--delay", "10", "df", NULL);
  replace_all = find_button_labelled (fixture->editor, "Replace _All");
  g_assert_nonnull (replace_all);
  g_assert_true (gtk_widget_get_mapped (replace_all));
  /* A click (activating a button emits "clicked" a moment later). */
  g_signal_emit_by_name (replace_all, "clicked");
  wait_for_idle ();
  replaced = buffer_text (fixture->buffer);
  g_assert_cmpstr (replaced, ==,
                   "def azureml_main(df=None, dataframe2=None):\n"
                   "    print(df.shape)\n"
                   "    return df,\n");
  g_assert_cmpstr (retort_module_get_string (fixture->script, "script"), ==, replaced);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL));
  wait_for_idle ();
  undone = buffer_text (fixture->buffer);
  g_assert_nonnull (strstr (undone, "print(dataframe1.shape)"));
}

/* The view's font size in points (GTK hands Pango pixels at 96 dpi). */
static double
view_font_size (Fixture *fixture)
{
  PangoFontDescription *font = pango_context_get_font_description (
    gtk_widget_get_pango_context (GTK_WIDGET (fixture->view)));
  double size = pango_font_description_get_size (font) / (double) PANGO_SCALE;

  return pango_font_description_get_size_is_absolute (font) ? size * 72 / 96 : size;
}

/* The font size setting, Ctrl+plus in the editor, and the dark style. */
static void
test_font_and_style (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkSourceBuffer *source_buffer = GTK_SOURCE_BUFFER (fixture->buffer);

  g_settings_set_int (settings, "editor-font-size", 16);
  wait_for_layout (fixture->view);
  g_assert_cmpfloat_with_epsilon (view_font_size (fixture), 16, 0.5);

  gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "editor.zoom-in", NULL);
  wait_for_layout (fixture->view);
  g_assert_cmpint (g_settings_get_int (settings, "editor-font-size"), ==, 17);
  g_assert_cmpfloat_with_epsilon (view_font_size (fixture), 17, 0.5);
  g_settings_reset (settings, "editor-font-size");

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  wait_for_idle ();
  g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (source_buffer)),
                   ==, "Adwaita-dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  wait_for_idle ();
  g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (source_buffer)),
                   ==, "Adwaita");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

#define STREAMING_SCRIPT \
  "import time\n" \
  "\n" \
  "def azureml_main(dataframe1=None, dataframe2=None):\n" \
  "    print('first line', flush=True)\n" \
  "    time.sleep(3)\n" \
  "    print('second line')\n" \
  "    return dataframe1,\n"

typedef struct
{
  RetortPythonDeviceView *device;
  const char             *text;
} ConsoleWait;

static gboolean
console_has (gpointer data)
{
  ConsoleWait *wait = data;
  g_autofree char *console =
    retort_console_view_dup_text (retort_python_device_view_get_console (wait->device));

  return console != NULL && strstr (console, wait->text) != NULL;
}

/* While the script runs, what it printed is already in the results pane. */
static void
test_console_streams (Fixture       *fixture,
                      gconstpointer  data)
{
  RetortResultsPane *results = find_descendant (fixture->window, RETORT_TYPE_RESULTS_PANE);
  RetortPythonDeviceView *device = find_descendant (results, RETORT_TYPE_PYTHON_DEVICE_VIEW);
  ConsoleWait first = { device, "first line" };
  ConsoleWait second = { device, "second line" };
  StateWait running = { fixture->window, retort_module_get_id (fixture->script),
                        RETORT_MODULE_STATE_RUNNING };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.run", NULL));
  g_assert_true (wait_until_seconds (console_has, &first, 30));
  g_assert_true (has_state (&running));
  g_assert_false (console_has (&second));

  wait_for_state (fixture, fixture->script, RETORT_MODULE_STATE_FINISHED);
  g_assert_true (wait_until_seconds (console_has, &second, 5));
  g_assert_true (console_has (&first));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache_dir = NULL;
  g_autofree char *rm = NULL;
  int status;

  g_log_writer_default_set_use_stderr (TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);

  /* A cache of our own, so every run really runs. */
  tmp_dir = g_dir_make_tmp ("retort-test-editor-XXXXXX", NULL);
  cache_dir = g_build_filename (tmp_dir, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache_dir, TRUE);

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display (run the 'gui' suite under xvfb-run)\n");
      return 0;
    }

  app = register_test_app (G_APPLICATION_HANDLES_OPEN);

  g_test_add ("/script-editor/typing", Fixture, NULL,
              fixture_set_up, test_typing, fixture_tear_down);
  g_test_add ("/script-editor/syntax-check", Fixture, NULL,
              fixture_set_up, test_syntax_check, fixture_tear_down);
  g_test_add ("/script-editor/completion-offers-columns", Fixture, NULL,
              fixture_set_up, test_completion_offers_columns, fixture_tear_down);
  g_test_add ("/script-editor/completion-from-runner", Fixture, NULL,
              fixture_set_up, test_completion_from_runner, fixture_tear_down);
  g_test_add ("/script-editor/traceback-opens-line", Fixture, FAILING_SCRIPT,
              fixture_set_up, test_traceback_opens_line, fixture_tear_down);
  g_test_add ("/script-editor/search-and-replace", Fixture, NULL,
              fixture_set_up, test_search_and_replace, fixture_tear_down);
  g_test_add ("/script-editor/font-and-style", Fixture, NULL,
              fixture_set_up, test_font_and_style, fixture_tear_down);
  g_test_add ("/script-editor/console-streams", Fixture, STREAMING_SCRIPT,
              fixture_set_up, test_console_streams, fixture_tear_down);
  g_test_add ("/script-editor/python-device", Fixture, CONSOLE_SCRIPT,
              fixture_set_up, test_python_device, fixture_tear_down);

  status = g_test_run ();

  g_clear_object (&app);
  rm = g_strdup_printf ("rm -rf '%s'", tmp_dir);
  g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  g_free (tmp_dir);

  return status;
}
