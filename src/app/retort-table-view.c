/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-table-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "retort-column-statistics.h"
#include "retort-csv.h"
#include "retort-table-row.h"
#include "retort-table-row-model.h"
#include "retort-table-sort.h"
#include "retort-table-view.h"

/* Past this many rows a copy would stall the window and fill the clipboard
 * with more than any application pastes usefully: export is the way. */
#define COPY_MAX_ROWS 100000
/* Column widths are measured over the first rows, not the whole column. */
#define WIDTH_SAMPLE_ROWS 100
#define CELL_PADDING 24
#define MAX_COLUMN_WIDTH 320
#define MIN_COLUMN_WIDTH 64

struct _RetortTableView
{
  GtkWidget               parent_instance;

  RetortTable            *table;
  RetortTableRowModel    *rows;
  GtkMultiSelection      *selection;

  /* The order on show (sorted_column G_MAXUINT: the table's order) and the
   * sort being computed, if any. */
  guint                   sorted_column;
  gboolean                sorted_descending;
  GCancellable           *sort_cancellable;
  guint                   pending_column;
  gboolean                pending_descending;

  /* Set by the column sorters while the view's sorter is probed. */
  guint                   probed_column;
  gboolean                rebuilding_columns;
  gboolean                show_statistics;

  GtkWidget              *context_popover;

  /* Template widgets */
  AdwToastOverlay        *toast_overlay;
  GtkStack               *stack;
  GtkLabel               *size_label;
  GtkSpinner             *sort_spinner;
  GtkLabel               *sort_label;
  GtkPaned               *paned;
  GtkScrolledWindow      *scrolled_window;
  GtkColumnView          *column_view;
  GtkLabel               *no_rows_label;
  GtkWidget              *statistics_scroller;
  RetortColumnStatistics *statistics;
  GMenuModel             *context_menu;
};

enum {
  PROP_0,
  PROP_TABLE,
  PROP_SHOW_STATISTICS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (RetortTableView, retort_table_view, GTK_TYPE_WIDGET)

static void
show_toast (RetortTableView *self,
            const char      *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static gboolean
is_numeric (RetortColumnType type)
{
  return type == RETORT_COLUMN_TYPE_FLOAT64 || type == RETORT_COLUMN_TYPE_INT64;
}

/* Cells */

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               RetortTableView          *self)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), 0);

  /* Numbers line up on their last digit, in figures of one width. */
  if (column == G_MAXUINT
      || (self->table != NULL && column < retort_table_get_n_columns (self->table)
          && is_numeric (retort_column_get_data_type (retort_table_get_column (self->table,
                                                                               column)))))
    {
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_add_css_class (label, "numeric");
    }
  if (column == G_MAXUINT)
    gtk_widget_add_css_class (label, "dim-label");

  gtk_list_item_set_child (item, label);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              RetortTableView          *self)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  GtkWidget *label = gtk_list_item_get_child (item);
  RetortTableRow *row = gtk_list_item_get_item (item);
  gsize index;
  g_autofree char *text = NULL;

  if (row == NULL || self->table == NULL)
    return;
  index = retort_table_row_get_index (row);

  if (column == G_MAXUINT)
    {
      text = g_strdup_printf ("%" G_GSIZE_FORMAT, index + 1);
      gtk_label_set_text (GTK_LABEL (label), text);
      return;
    }

  text = retort_column_dup_text (retort_table_get_column (self->table, column), index);
  if (text == NULL)
    {
      gtk_label_set_text (GTK_LABEL (label), "—");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_tooltip_text (label, _("Missing"));
    }
  else
    {
      gtk_label_set_text (GTK_LABEL (label), text);
      gtk_widget_remove_css_class (label, "dim-label");
      gtk_widget_set_tooltip_text (label, NULL);
    }
}

/* Sorting */

typedef struct
{
  RetortTableView *self;
  guint            column;
} ColumnProbe;

/* Each column's sorter compares nothing: the view sorts on its own thread.
 * GtkColumnView 4.8 has no getter for the column a click sorted by, so the
 * view's sorter is probed: it calls its primary column's sorter first, which
 * tells its column, and inverts the answer when that column is descending. */
static int
probe_column_cb (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  ColumnProbe *probe = user_data;

  probe->self->probed_column = probe->column;

  return GTK_ORDERING_SMALLER;
}

static void
update_sort_indicator (RetortTableView *self)
{
  gboolean sorting = self->sort_cancellable != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->sort_spinner), sorting);
  gtk_widget_set_visible (GTK_WIDGET (self->sort_label), sorting);
  if (sorting)
    gtk_spinner_start (self->sort_spinner);
  else
    gtk_spinner_stop (self->sort_spinner);
}

static void
cancel_sort (RetortTableView *self)
{
  g_cancellable_cancel (self->sort_cancellable);
  g_clear_object (&self->sort_cancellable);
  update_sort_indicator (self);
}

/* The table rows of the selected lines, or NULL when none are selected. */
static GArray *
selected_table_rows (RetortTableView *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GtkBitsetIter iter;
  GArray *rows;
  guint position;

  if (gtk_bitset_is_empty (selected))
    return NULL;

  rows = g_array_sized_new (FALSE, FALSE, sizeof (guint32), MIN (gtk_bitset_get_size (selected), 4096));
  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position);
       more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      guint32 row = (guint32) retort_table_row_model_get_table_row (self->rows, position);

      g_array_append_val (rows, row);
    }
  return rows;
}

/* GtkColumnView 4.8 has no scroll_to(): its list view has an action. */
static void
scroll_to_line (RetortTableView *self,
                guint            position)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      {
        gtk_widget_activate_action (child, "list.scroll-to-item", "u", position);
        return;
      }
}

/* Selects the lines that now show @rows (table rows), and scrolls to the
 * first of them. */
static void
select_table_rows (RetortTableView *self,
                   GArray          *rows,
                   GBytes          *order)
{
  g_autoptr(GtkBitset) lines = gtk_bitset_new_empty ();
  g_autofree guint32 *line_of_row = NULL;
  gsize n_rows = retort_table_get_n_rows (self->table);

  if (order != NULL)
    {
      const guint32 *table_rows = g_bytes_get_data (order, NULL);

      line_of_row = g_new (guint32, n_rows);
      for (gsize line = 0; line < n_rows; line++)
        line_of_row[table_rows[line]] = (guint32) line;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      guint32 row = g_array_index (rows, guint32, i);

      gtk_bitset_add (lines, line_of_row != NULL ? line_of_row[row] : row);
    }

  gtk_selection_model_set_selection (GTK_SELECTION_MODEL (self->selection), lines, lines);
  scroll_to_line (self, gtk_bitset_get_minimum (lines));
}

static void
apply_order (RetortTableView *self,
             GBytes          *order)
{
  g_autoptr(GArray) selected = NULL;
  g_autoptr(GtkBitset) all = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  gboolean all_selected = self->table != NULL && retort_table_get_n_rows (self->table) > 0
                          && gtk_bitset_get_size (all) == retort_table_get_n_rows (self->table);

  if (!all_selected)
    selected = selected_table_rows (self);

  /* GTK 4.8's list views look up every added item to reuse the widgets of
   * removed ones: "all ten million rows changed" would make ten million
   * rows (9 s in bench/table-view). Without a model while the order
   * changes, the view starts afresh at the top as after set_table, and
   * the selection is lost: the rows that were selected are selected
   * again where they are now, and the first is scrolled to. */
  gtk_column_view_set_model (self->column_view, NULL);
  retort_table_row_model_set_order (self->rows, order);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  if (all_selected)
    gtk_selection_model_select_all (GTK_SELECTION_MODEL (self->selection));
  else if (selected != NULL)
    select_table_rows (self, selected, order);
}

static void
sort_ready_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(RetortTableView) self = user_data;
  g_autoptr(GBytes) order = NULL;
  g_autoptr(GError) error = NULL;

  order = retort_table_sort_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->sort_cancellable);
  update_sort_indicator (self);

  if (order == NULL)
    {
      show_toast (self, error->message);
      return;
    }

  self->sorted_column = self->pending_column;
  self->sorted_descending = self->pending_descending;
  apply_order (self, order);
}

static void
request_sort (RetortTableView *self,
              guint            column,
              gboolean         descending)
{
  cancel_sort (self);

  if (column == self->sorted_column && (column == G_MAXUINT || descending == self->sorted_descending))
    return;

  if (column == G_MAXUINT)
    {
      self->sorted_column = G_MAXUINT;
      apply_order (self, NULL);
      return;
    }

  self->pending_column = column;
  self->pending_descending = descending;
  self->sort_cancellable = g_cancellable_new ();
  update_sort_indicator (self);
  retort_table_sort_async (self->table, column, descending, self->sort_cancellable,
                           sort_ready_cb, g_object_ref (self));
}

static void
sorter_changed_cb (GtkSorter       *sorter,
                   GtkSorterChange  change,
                   RetortTableView *self)
{
  GtkOrdering ordering;

  if (self->rebuilding_columns || self->table == NULL)
    return;

  self->probed_column = G_MAXUINT;
  /* Two distinct items: gtk_sorter_compare() answers "equal" for one item twice. */
  ordering = gtk_sorter_compare (sorter, self, self->rows);
  if (ordering == GTK_ORDERING_EQUAL)
    self->probed_column = G_MAXUINT;

  request_sort (self, self->probed_column, ordering == GTK_ORDERING_LARGER);

  /* The column the user clicked is the one they look at. */
  if (self->probed_column != G_MAXUINT)
    retort_column_statistics_set_column (self->statistics, self->probed_column);
}

/* Columns */

static int
text_width (PangoLayout *layout,
            const char  *text)
{
  int width;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &width, NULL);

  return width;
}

/* A fixed width from the header and the first rows: the column view then
 * need not measure every cell of every frame, and columns do not jump
 * while scrolling. The user can still resize them. */
static int
estimate_column_width (RetortTableView *self,
                       PangoLayout     *layout,
                       guint            column,
                       const char      *name,
                       const char      *type_name)
{
  gsize n_rows = retort_table_get_n_rows (self->table);
  RetortColumn *data = retort_table_get_column (self->table, column);
  /* Room for the sort arrow next to the header. */
  int width = MAX (text_width (layout, name), text_width (layout, type_name)) + 16;

  for (gsize row = 0; row < MIN (n_rows, WIDTH_SAMPLE_ROWS); row++)
    {
      g_autofree char *text = retort_column_dup_text (data, row);

      if (text != NULL)
        width = MAX (width, text_width (layout, text));
    }

  return CLAMP (width + CELL_PADDING, MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH);
}

static GMenuModel *
create_header_menu (guint column)
{
  GMenu *menu = g_menu_new ();
  GMenu *section = g_menu_new ();
  g_autoptr(GMenuItem) ascending = g_menu_item_new (_("Sort _Ascending"), NULL);
  g_autoptr(GMenuItem) descending = g_menu_item_new (_("Sort _Descending"), NULL);
  g_autoptr(GMenuItem) statistics = g_menu_item_new (_("Show _Statistics"), NULL);

  g_menu_item_set_action_and_target (ascending, "table.sort", "(ub)", column, FALSE);
  g_menu_item_set_action_and_target (descending, "table.sort", "(ub)", column, TRUE);
  g_menu_item_set_action_and_target (statistics, "table.show-column-statistics", "u", column);
  g_menu_append_item (section, ascending);
  g_menu_append_item (section, descending);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_object_unref (section);
  g_menu_append_item (menu, statistics);

  return G_MENU_MODEL (menu);
}

static GtkColumnViewColumn *
create_column (RetortTableView *self,
               guint            column,
               const char      *title,
               int              width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), self);

  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_fixed_width (view_column, width);
  gtk_column_view_column_set_resizable (view_column, TRUE);

  return view_column;
}

static void
remove_columns (RetortTableView *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (self->column_view, column);
    }
}

static void
add_columns (RetortTableView *self)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self->column_view),
                                                                  NULL);
  g_autofree char *last_row = g_strdup_printf ("%" G_GSIZE_FORMAT,
                                               retort_table_get_n_rows (self->table));
  g_autoptr(GtkColumnViewColumn) row_numbers = NULL;
  guint n_columns = retort_table_get_n_columns (self->table);

  /* Row numbers are those of the table, so a sorted row still says where it came from. */
  row_numbers = create_column (self, G_MAXUINT, NULL,
                               MAX (text_width (layout, last_row) + CELL_PADDING, 48));
  gtk_column_view_column_set_resizable (row_numbers, FALSE);
  gtk_column_view_append_column (self->column_view, row_numbers);

  for (guint i = 0; i < n_columns; i++)
    {
      const char *name = retort_table_get_column_name (self->table, i);
      RetortColumnType type = retort_column_get_data_type (retort_table_get_column (self->table, i));
      const char *type_name = retort_column_type_to_string (type);
      /* GtkColumnViewColumn has only a title in GTK 4.8 (no header widget):
       * a second line under the name says the type. */
      g_autofree char *title = g_strdup_printf ("%s\n%s", name, type_name);
      g_autoptr(GtkColumnViewColumn) column = NULL;
      g_autoptr(GMenuModel) header_menu = create_header_menu (i);
      ColumnProbe *probe = g_new (ColumnProbe, 1);
      GtkSorter *sorter;

      probe->self = self;
      probe->column = i;
      sorter = GTK_SORTER (gtk_custom_sorter_new (probe_column_cb, probe, g_free));

      column = create_column (self, i, title,
                              estimate_column_width (self, layout, i, name, type_name));
      gtk_column_view_column_set_sorter (column, sorter);
      gtk_column_view_column_set_header_menu (column, header_menu);
      g_object_unref (sorter);
      gtk_column_view_append_column (self->column_view, column);
    }
}

static void
update_size_label (RetortTableView *self)
{
  gsize n_rows = retort_table_get_n_rows (self->table);
  guint n_columns = retort_table_get_n_columns (self->table);
  g_autofree char *rows = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'" G_GSIZE_FORMAT " row",
                                                        "%'" G_GSIZE_FORMAT " rows", n_rows),
                                           n_rows);
  g_autofree char *columns = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u column",
                                                           "%u columns", n_columns),
                                              n_columns);
  /* Translators: the size of a table, "150 rows · 5 columns". */
  g_autofree char *text = g_strdup_printf (_("%s · %s"), rows, columns);

  gtk_label_set_text (self->size_label, text);
}

/* Actions */

static void
append_cell (GString    *text,
             const char *cell)
{
  /* A tab or a line end inside a cell would start another cell or row. */
  for (const char *p = cell; *p != '\0'; p++)
    g_string_append_c (text, *p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p);
}

static char *
dup_selection_text (RetortTableView *self,
                    guint           *n_copied,
                    guint           *n_selected)
{
  g_autoptr(GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  GString *text;
  guint n_columns, position, copied = 0;

  *n_copied = *n_selected = 0;
  if (self->table == NULL)
    return NULL;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  if (gtk_bitset_is_empty (selected))
    return NULL;

  n_columns = retort_table_get_n_columns (self->table);
  text = g_string_new (NULL);
  for (guint i = 0; i < n_columns; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\t');
      append_cell (text, retort_table_get_column_name (self->table, i));
    }
  g_string_append_c (text, '\n');

  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position);
       more && copied < COPY_MAX_ROWS;
       more = gtk_bitset_iter_next (&iter, &position), copied++)
    {
      gsize row = retort_table_row_model_get_table_row (self->rows, position);

      for (guint i = 0; i < n_columns; i++)
        {
          g_autofree char *cell = retort_table_dup_cell_text (self->table, row, i);

          if (i > 0)
            g_string_append_c (text, '\t');
          if (cell != NULL)
            append_cell (text, cell);
        }
      g_string_append_c (text, '\n');
    }

  *n_copied = copied;
  *n_selected = (guint) MIN (gtk_bitset_get_size (selected), G_MAXUINT);

  return g_string_free (text, FALSE);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RetortTableView *self = RETORT_TABLE_VIEW (widget);
  g_autofree char *text = NULL;
  guint n_copied, n_selected;

  text = dup_selection_text (self, &n_copied, &n_selected);
  if (text == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);

  if (n_copied < n_selected)
    {
      g_autofree char *message =
        g_strdup_printf (_("Copied the first %'u of %'u rows: export as CSV to keep them all"),
                         n_copied, n_selected);

      show_toast (self, message);
    }
}

static void
select_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  RetortTableView *self = RETORT_TABLE_VIEW (widget);

  gtk_selection_model_select_all (GTK_SELECTION_MODEL (self->selection));
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RetortTable *table = g_object_get_data (G_OBJECT (task), "table");
  GBytes *order = g_object_get_data (G_OBJECT (task), "order");
  GError *error = NULL;

  if (retort_csv_write_file_in_order (table, order != NULL ? g_bytes_get_data (order, NULL) : NULL,
                                      task_data, ',', &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_ready_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RetortTableView *self = RETORT_TABLE_VIEW (source_object);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *name = g_path_get_basename (g_task_get_task_data (G_TASK (result)));

      message = g_strdup_printf (_("Exported “%s”"), name);
    }
  else
    {
      message = g_strdup_printf (_("Could not export the table: %s"), error->message);
    }

  show_toast (self, message);
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    RetortTableView *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GTask) task = NULL;
  GBytes *order;
  char *path;

  if (response == GTK_RESPONSE_ACCEPT && self->table != NULL)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (file == NULL)
    return;

  path = g_file_get_path (file);
  if (path == NULL)
    {
      show_toast (self, _("Could not export the table: only local files can be written"));
      return;
    }

  /* Ten million rows take seconds to write: not on the main loop. */
  task = g_task_new (self, NULL, export_ready_cb, NULL);
  g_task_set_source_tag (task, export_response_cb);
  g_task_set_task_data (task, path, g_free);
  g_object_set_data_full (G_OBJECT (task), "table", retort_table_ref (self->table),
                          (GDestroyNotify) retort_table_unref);
  /* In the order on show. */
  order = retort_table_row_model_get_order (self->rows);
  if (order != NULL)
    g_object_set_data_full (G_OBJECT (task), "order", g_bytes_ref (order),
                            (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, export_thread);
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  RetortTableView *self = RETORT_TABLE_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->table == NULL)
    return;

  native = gtk_file_chooser_native_new (_("Export as CSV"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_filter_set_name (filter, _("CSV Files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), _("table.csv"));

  g_signal_connect (native, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
sort_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  guint column;
  gboolean descending;

  g_variant_get (parameter, "(ub)", &column, &descending);
  retort_table_view_sort_by_column (RETORT_TABLE_VIEW (widget), column,
                                    descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
}

static void
show_column_statistics_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  RetortTableView *self = RETORT_TABLE_VIEW (widget);

  retort_table_view_set_show_statistics (self, TRUE);
  retort_column_statistics_set_column (self->statistics, g_variant_get_uint32 (parameter));
}

static void
update_actions (RetortTableView *self)
{
  gboolean has_table = self->table != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "table.copy", has_table);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "table.select-all", has_table);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "table.export-csv", has_table);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "table.sort", has_table);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "table.show-column-statistics", has_table);
}

static void
context_pressed_cb (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    RetortTableView *self)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  graphene_point_t point;

  if (self->table == NULL
      || !gtk_widget_compute_point (widget, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &point))
    return;

  if (self->context_popover == NULL)
    {
      self->context_popover = gtk_popover_menu_new_from_model (self->context_menu);
      gtk_popover_set_has_arrow (GTK_POPOVER (self->context_popover), FALSE);
      gtk_widget_set_halign (self->context_popover, GTK_ALIGN_START);
      gtk_widget_set_parent (self->context_popover, GTK_WIDGET (self));
    }

  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_popover),
                               &(GdkRectangle) { point.x, point.y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_popover));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* GObject */

static void
retort_table_view_dispose (GObject *object)
{
  RetortTableView *self = RETORT_TABLE_VIEW (object);

  /* Not cancel_sort(): dispose may run again after the template is gone. */
  g_cancellable_cancel (self->sort_cancellable);
  g_clear_object (&self->sort_cancellable);
  g_clear_pointer (&self->context_popover, gtk_widget_unparent);
  /* Columns go with the column view, and its sorter says so: nobody listens now. */
  if (self->column_view != NULL)
    g_signal_handlers_disconnect_by_func (gtk_column_view_get_sorter (self->column_view),
                                          sorter_changed_cb, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), RETORT_TYPE_TABLE_VIEW);
  g_clear_object (&self->selection);
  g_clear_object (&self->rows);
  g_clear_pointer (&self->table, retort_table_unref);

  G_OBJECT_CLASS (retort_table_view_parent_class)->dispose (object);
}

static void
retort_table_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  RetortTableView *self = RETORT_TABLE_VIEW (object);

  switch (prop_id)
    {
    case PROP_TABLE:
      g_value_set_boxed (value, self->table);
      break;
    case PROP_SHOW_STATISTICS:
      g_value_set_boolean (value, self->show_statistics);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
retort_table_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  RetortTableView *self = RETORT_TABLE_VIEW (object);

  switch (prop_id)
    {
    case PROP_TABLE:
      retort_table_view_set_table (self, g_value_get_boxed (value));
      break;
    case PROP_SHOW_STATISTICS:
      retort_table_view_set_show_statistics (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
retort_table_view_class_init (RetortTableViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = retort_table_view_dispose;
  object_class->get_property = retort_table_view_get_property;
  object_class->set_property = retort_table_view_set_property;

  properties[PROP_TABLE] =
    g_param_spec_boxed ("table", NULL, NULL, retort_table_get_type (),
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_STATISTICS] =
    g_param_spec_boolean ("show-statistics", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (RETORT_TYPE_COLUMN_STATISTICS);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/retort/Retort/ui/retort-table-view.ui");
  gtk_widget_class_bind_template_child (widget_class, RetortTableView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RetortTableView, stack);
  gtk_widget_class_bind_template_child (widget_class, RetortTableView, size_label);
  gtk_widget_class_bind_template_child (widget_class, RetortTableView, sort_spinner);
  gtk_widget_class_bind_template_child (widget_class, RetortTableView, sort_label);
  gtk_widget_class_bind_template_child (widget_class, RetortTableView, paned);
  gtk_widget_class_bind_template_child (widget_class, RetortTableView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, RetortTableView, column_view);
  gtk_widget_class_bind_template_child (widget_class, RetortTableView, no_rows_label);
  gtk_widget_class_bind_template_child (widget_class, RetortTableView, statistics_scroller);
  gtk_widget_class_bind_template_child (widget_class, RetortTableView, statistics);
  gtk_widget_class_bind_template_child (widget_class, RetortTableView, context_menu);

  gtk_widget_class_install_action (widget_class, "table.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "table.select-all", NULL, select_all_action);
  gtk_widget_class_install_action (widget_class, "table.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "table.sort", "(ub)", sort_action);
  gtk_widget_class_install_action (widget_class, "table.show-column-statistics", "u",
                                   show_column_statistics_action);
  gtk_widget_class_install_property_action (widget_class, "table.show-statistics",
                                            "show-statistics");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK,
                                       "table.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, GDK_CONTROL_MASK,
                                       "table.copy", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "tableview");
}

static void
retort_table_view_init (RetortTableView *self)
{
  GtkGesture *context_click;

  self->sorted_column = G_MAXUINT;
  self->pending_column = G_MAXUINT;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = retort_table_row_model_new ();
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->rows)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (sorter_changed_cb), self, 0);

  context_click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (context_click), GDK_BUTTON_SECONDARY);
  g_signal_connect (context_click, "pressed", G_CALLBACK (context_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scrolled_window),
                             GTK_EVENT_CONTROLLER (context_click));

  update_actions (self);
}

GtkWidget *
retort_table_view_new (void)
{
  return g_object_new (RETORT_TYPE_TABLE_VIEW, NULL);
}

void
retort_table_view_set_table (RetortTableView *self,
                             RetortTable     *table)
{
  g_return_if_fail (RETORT_IS_TABLE_VIEW (self));

  if (table == self->table)
    return;

  cancel_sort (self);
  self->sorted_column = G_MAXUINT;

  /* Cells of the old columns are unbound while the old table still lives. */
  self->rebuilding_columns = TRUE;
  remove_columns (self);
  retort_table_row_model_set_table (self->rows, NULL);
  g_clear_pointer (&self->table, retort_table_unref);

  if (table != NULL)
    {
      self->table = retort_table_ref (table);
      add_columns (self);
      retort_table_row_model_set_table (self->rows, table);
      update_size_label (self);
      gtk_widget_set_visible (GTK_WIDGET (self->no_rows_label),
                              retort_table_get_n_rows (table) == 0);
    }
  self->rebuilding_columns = FALSE;

  retort_column_statistics_set_table (self->statistics, table);
  gtk_stack_set_visible_child_name (self->stack, table != NULL ? "table" : "empty");
  update_actions (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TABLE]);
}

RetortTable *
retort_table_view_get_table (RetortTableView *self)
{
  g_return_val_if_fail (RETORT_IS_TABLE_VIEW (self), NULL);

  return self->table;
}

void
retort_table_view_sort_by_column (RetortTableView *self,
                                  guint            column,
                                  GtkSortType      direction)
{
  GListModel *columns;
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_return_if_fail (RETORT_IS_TABLE_VIEW (self));

  if (self->table == NULL || column >= retort_table_get_n_columns (self->table))
    return;

  /* The first column of the view is the row numbers. */
  columns = gtk_column_view_get_columns (self->column_view);
  view_column = g_list_model_get_item (columns, column + 1);
  gtk_column_view_sort_by_column (self->column_view, view_column, direction);
}

gboolean
retort_table_view_is_sorting (RetortTableView *self)
{
  g_return_val_if_fail (RETORT_IS_TABLE_VIEW (self), FALSE);

  return self->sort_cancellable != NULL;
}

gsize
retort_table_view_get_table_row (RetortTableView *self,
                                 guint            position)
{
  g_return_val_if_fail (RETORT_IS_TABLE_VIEW (self), 0);

  return retort_table_row_model_get_table_row (self->rows, position);
}

void
retort_table_view_set_show_statistics (RetortTableView *self,
                                       gboolean         show)
{
  g_return_if_fail (RETORT_IS_TABLE_VIEW (self));

  show = !!show;
  if (show == self->show_statistics)
    return;

  self->show_statistics = show;
  gtk_widget_set_visible (self->statistics_scroller, show);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_STATISTICS]);
}

gboolean
retort_table_view_get_show_statistics (RetortTableView *self)
{
  g_return_val_if_fail (RETORT_IS_TABLE_VIEW (self), FALSE);

  return self->show_statistics;
}

char *
retort_table_view_dup_selection_text (RetortTableView *self)
{
  guint n_copied, n_selected;

  g_return_val_if_fail (RETORT_IS_TABLE_VIEW (self), NULL);

  return dup_selection_text (self, &n_copied, &n_selected);
}

gboolean
retort_table_view_export_csv (RetortTableView  *self,
                              GFile            *file,
                              GError          **error)
{
  g_autofree char *path = NULL;
  GBytes *order;

  g_return_val_if_fail (RETORT_IS_TABLE_VIEW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (self->table == NULL)
    {
      g_set_error_literal (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_INVALID,
                           _("There is no table to export"));
      return FALSE;
    }

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Cannot write to “%s”: only local files can be written"), uri);
      return FALSE;
    }

  order = retort_table_row_model_get_order (self->rows);
  return retort_csv_write_file_in_order (self->table,
                                         order != NULL ? g_bytes_get_data (order, NULL) : NULL,
                                         path, ',', error);
}
