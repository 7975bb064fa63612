/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-column-statistics"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "retort-column-statistics.h"
#include "retort-column-summary.h"
#include "retort-histogram.h"

/* Sturges' rule gives 9 bins for 150 values and 25 for ten million; past
 * this many the bars are too thin for a side panel. */
#define MAX_BINS 30

struct _RetortColumnStatistics
{
  GtkWidget        parent_instance;

  RetortTable     *table;
  guint            column;
  GCancellable    *cancellable;

  GtkDropDown     *column_dropdown;
  GtkStringList   *column_names;
  GtkGrid         *values_grid;
  GtkSpinner      *spinner;
  GtkLabel        *chart_title;
  RetortHistogram *histogram;
};

enum {
  PROP_0,
  PROP_COLUMN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (RetortColumnStatistics, retort_column_statistics, GTK_TYPE_WIDGET)

/* What the worker thread hands back. */
typedef struct
{
  RetortColumnSummary *summary;
  GArray              *bins;         /* guint64 */
  GPtrArray           *edge_labels;  /* n_bins + 1 */
} Statistics;

static void
statistics_free (Statistics *statistics)
{
  g_clear_pointer (&statistics->summary, retort_column_summary_free);
  g_clear_pointer (&statistics->bins, g_array_unref);
  g_clear_pointer (&statistics->edge_labels, g_ptr_array_unref);
  g_free (statistics);
}

typedef struct
{
  RetortColumn *column;
  char         *name;
} StatisticsJob;

static void
statistics_job_free (StatisticsJob *job)
{
  retort_column_unref (job->column);
  g_free (job->name);
  g_free (job);
}

static char *
format_datetime (double ns_since_epoch,
                 gboolean with_time)
{
  g_autoptr(GDateTime) datetime = NULL;

  if (isfinite (ns_since_epoch))
    datetime = g_date_time_new_from_unix_utc ((gint64) floor (ns_since_epoch / 1e9));
  if (datetime == NULL)
    return g_strdup ("?");

  return g_date_time_format (datetime, with_time ? "%F %T" : "%F");
}

static char *
format_value (double           value,
              RetortColumnType type)
{
  if (!isfinite (value))
    return g_strdup (value > 0 ? "∞" : value < 0 ? "−∞" : "NaN");
  if (type == RETORT_COLUMN_TYPE_DATETIME)
    return format_datetime (value, TRUE);
  if (type == RETORT_COLUMN_TYPE_INT64)
    return g_strdup_printf ("%.0f", value);

  return g_strdup_printf ("%.10g", value);
}

/* Four significant digits, but whole numbers are never cut to an exponent
 * (as the summary page shows them). */
static char *
format_approximate (double value)
{
  double magnitude = fabs (value);
  int decimals;

  if (!isfinite (value) || (magnitude < 1e-4 && magnitude > 0))
    return g_strdup_printf ("%.4g", value);

  decimals = magnitude < 1 ? 4 : MAX (0, 3 - (int) floor (log10 (magnitude)));

  return g_strdup_printf ("%.*f", decimals, value);
}

static char *
format_edge (double           value,
             RetortColumnType type)
{
  if (type == RETORT_COLUMN_TYPE_DATETIME)
    return format_datetime (value, FALSE);

  return g_strdup_printf ("%.4g", value);
}

static char *
format_count (gsize count)
{
  /* %'d groups digits the way the user's locale does. */
  return g_strdup_printf ("%'" G_GSIZE_FORMAT, count);
}

static double
numeric_value (RetortColumn     *column,
               RetortColumnType  type,
               gsize             row)
{
  switch (type)
    {
    case RETORT_COLUMN_TYPE_FLOAT64:
      return retort_column_get_float64_data (column)[row];
    case RETORT_COLUMN_TYPE_INT64:
      return retort_column_get_int64_data (column)[row];
    case RETORT_COLUMN_TYPE_DATETIME:
      return retort_column_get_datetime_data (column)[row];
    case RETORT_COLUMN_TYPE_BOOL:
    case RETORT_COLUMN_TYPE_STRING:
    default:
      return NAN;
    }
}

/* Bins over the finite values: the summary's min and max may be infinite. */
static void
compute_histogram (RetortColumn  *column,
                   Statistics    *statistics,
                   GCancellable  *cancellable)
{
  RetortColumnType type = retort_column_get_data_type (column);
  gsize n_rows = retort_column_get_length (column);
  double min = INFINITY, max = -INFINITY, width;
  gsize n_finite = 0;
  guint n_bins;

  for (gsize row = 0; row < n_rows; row++)
    {
      double value;

      if (!retort_column_is_valid (column, row))
        continue;
      value = numeric_value (column, type, row);
      if (!isfinite (value))
        continue;
      min = MIN (min, value);
      max = MAX (max, value);
      n_finite++;
    }

  if (n_finite == 0 || g_cancellable_is_cancelled (cancellable))
    return;

  n_bins = CLAMP ((guint) ceil (log2 ((double) n_finite)) + 1, 1, MAX_BINS);
  /* Whole numbers over a short range get a bin each: 0 to 5 children is six bars. */
  if (type == RETORT_COLUMN_TYPE_INT64 && max - min + 1 <= MAX_BINS)
    n_bins = (guint) (max - min + 1);
  if (min == max)
    n_bins = 1;
  width = min == max ? 1 : (max - min) / n_bins;
  if (type == RETORT_COLUMN_TYPE_INT64 && max - min + 1 <= MAX_BINS)
    width = 1;

  statistics->bins = g_array_new (FALSE, TRUE, sizeof (guint64));
  g_array_set_size (statistics->bins, n_bins);
  for (gsize row = 0; row < n_rows; row++)
    {
      double value;
      guint bin;

      if (!retort_column_is_valid (column, row))
        continue;
      value = numeric_value (column, type, row);
      if (!isfinite (value))
        continue;
      bin = (guint) MIN ((value - min) / width, n_bins - 1);
      g_array_index (statistics->bins, guint64, bin)++;
    }

  statistics->edge_labels = g_ptr_array_new_with_free_func (g_free);
  for (guint edge = 0; edge <= n_bins; edge++)
    g_ptr_array_add (statistics->edge_labels, format_edge (min + edge * width, type));
}

static void
statistics_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  StatisticsJob *job = task_data;
  Statistics *statistics = g_new0 (Statistics, 1);
  RetortColumnType type = retort_column_get_data_type (job->column);

  statistics->summary = retort_column_summary_new (job->column, job->name);
  if (type == RETORT_COLUMN_TYPE_FLOAT64 || type == RETORT_COLUMN_TYPE_INT64
      || type == RETORT_COLUMN_TYPE_DATETIME)
    compute_histogram (job->column, statistics, cancellable);

  if (g_task_return_error_if_cancelled (task))
    statistics_free (statistics);
  else
    g_task_return_pointer (task, statistics, (GDestroyNotify) statistics_free);
}

static void
clear_values (RetortColumnStatistics *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->values_grid))) != NULL)
    gtk_grid_remove (self->values_grid, child);

  retort_histogram_clear (self->histogram);
  gtk_widget_set_visible (GTK_WIDGET (self->chart_title), FALSE);
}

static void
add_value (RetortColumnStatistics *self,
           const char             *name,
           const char             *value)
{
  GtkWidget *name_label = gtk_label_new (name);
  GtkWidget *value_label = gtk_label_new (value);
  int row = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->values_grid));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    row++;
  row /= 2;

  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_widget_add_css_class (name_label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value_label), 1);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (value_label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (value_label, TRUE);
  gtk_widget_add_css_class (value_label, "numeric");

  gtk_grid_attach (self->values_grid, name_label, 0, row, 1, 1);
  gtk_grid_attach (self->values_grid, value_label, 1, row, 1, 1);
}

static void
show_statistics (RetortColumnStatistics *self,
                 Statistics             *statistics)
{
  RetortColumnSummary *summary = statistics->summary;
  g_autofree char *count = format_count (summary->count);
  g_autofree char *missing = format_count (summary->missing);
  g_autofree char *distinct = format_count (summary->distinct);

  clear_values (self);

  add_value (self, _("Type"), retort_column_type_to_string (summary->type));
  add_value (self, _("Values"), count);
  add_value (self, _("Missing"), missing);
  add_value (self, _("Distinct"), distinct);

  if (summary->has_numeric_stats && summary->count > 0
      && summary->type != RETORT_COLUMN_TYPE_BOOL)
    {
      g_autofree char *min = format_value (summary->min, summary->type);
      g_autofree char *max = format_value (summary->max, summary->type);

      add_value (self, _("Minimum"), min);
      add_value (self, _("Maximum"), max);
      if (summary->type != RETORT_COLUMN_TYPE_DATETIME)
        {
          g_autofree char *mean = format_approximate (summary->mean);
          g_autofree char *std = format_approximate (summary->std);

          add_value (self, _("Mean"), mean);
          add_value (self, _("Standard Deviation"), isnan (summary->std) ? "—" : std);
        }
    }

  if (statistics->bins != NULL)
    {
      retort_histogram_set_bins (self->histogram,
                                 (const guint64 *) (gpointer) statistics->bins->data,
                                 statistics->bins->len,
                                 (const char * const *) statistics->edge_labels->pdata);
      gtk_label_set_label (self->chart_title, _("Distribution"));
      gtk_widget_set_visible (GTK_WIDGET (self->chart_title), TRUE);
    }
  else if (summary->top_values != NULL && summary->top_values->len > 0)
    {
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();
      g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint64));

      for (guint i = 0; i < summary->top_values->len; i++)
        {
          RetortValueCount *value = g_ptr_array_index (summary->top_values, i);
          guint64 value_count = value->count;

          g_ptr_array_add (labels, value->value);
          g_array_append_val (counts, value_count);
        }
      retort_histogram_set_bars (self->histogram, (const char * const *) labels->pdata,
                                 (const guint64 *) (gpointer) counts->data, counts->len);
      gtk_label_set_label (self->chart_title, _("Most Frequent Values"));
      gtk_widget_set_visible (GTK_WIDGET (self->chart_title), TRUE);
    }
}

static void
statistics_ready_cb (GObject      *source_object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(RetortColumnStatistics) self = user_data;
  Statistics *statistics;
  g_autoptr(GError) error = NULL;

  statistics = g_task_propagate_pointer (G_TASK (result), &error);
  if (statistics == NULL)
    {
      /* Cancelled: another column or table is being computed. */
      return;
    }

  g_clear_object (&self->cancellable);
  gtk_spinner_stop (self->spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  show_statistics (self, statistics);
  statistics_free (statistics);
}

static void
compute (RetortColumnStatistics *self)
{
  g_autoptr(GTask) task = NULL;
  StatisticsJob *job;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear_values (self);

  if (self->table == NULL || self->column >= retort_table_get_n_columns (self->table))
    {
      gtk_spinner_stop (self->spinner);
      gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
      return;
    }

  job = g_new0 (StatisticsJob, 1);
  job->column = retort_column_ref (retort_table_get_column (self->table, self->column));
  job->name = g_strdup (retort_table_get_column_name (self->table, self->column));

  self->cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_spinner_start (self->spinner);

  task = g_task_new (NULL, self->cancellable, statistics_ready_cb, g_object_ref (self));
  g_task_set_source_tag (task, compute);
  g_task_set_task_data (task, job, (GDestroyNotify) statistics_job_free);
  g_task_run_in_thread (task, statistics_thread);
}

static void
dropdown_selected_cb (RetortColumnStatistics *self)
{
  guint selected = gtk_drop_down_get_selected (self->column_dropdown);

  if (selected != GTK_INVALID_LIST_POSITION)
    retort_column_statistics_set_column (self, selected);
}

static void
retort_column_statistics_dispose (GObject *object)
{
  RetortColumnStatistics *self = RETORT_COLUMN_STATISTICS (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->table, retort_table_unref);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (retort_column_statistics_parent_class)->dispose (object);
}

static void
retort_column_statistics_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  RetortColumnStatistics *self = RETORT_COLUMN_STATISTICS (object);

  switch (prop_id)
    {
    case PROP_COLUMN:
      g_value_set_uint (value, retort_column_statistics_get_column (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
retort_column_statistics_class_init (RetortColumnStatisticsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = retort_column_statistics_dispose;
  object_class->get_property = retort_column_statistics_get_property;

  properties[PROP_COLUMN] =
    g_param_spec_uint ("column", NULL, NULL, 0, G_MAXUINT, G_MAXUINT,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "columnstatistics");
}

static void
retort_column_statistics_init (RetortColumnStatistics *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  GtkWidget *header, *title;
  g_autoptr(GtkExpression) name_expression = NULL;

  self->column = G_MAXUINT;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 12);

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  title = gtk_label_new (_("Statistics"));
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_box_append (GTK_BOX (header), title);
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->spinner));
  gtk_widget_set_parent (header, GTK_WIDGET (self));

  self->column_names = gtk_string_list_new (NULL);
  name_expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  self->column_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (self->column_names),
                                                            g_steal_pointer (&name_expression)));
  gtk_drop_down_set_enable_search (self->column_dropdown, TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->column_dropdown), _("Column"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Column"), -1);
  g_signal_connect_swapped (self->column_dropdown, "notify::selected",
                            G_CALLBACK (dropdown_selected_cb), self);
  gtk_widget_set_parent (GTK_WIDGET (self->column_dropdown), GTK_WIDGET (self));

  self->values_grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_row_spacing (self->values_grid, 6);
  gtk_grid_set_column_spacing (self->values_grid, 12);
  gtk_widget_set_parent (GTK_WIDGET (self->values_grid), GTK_WIDGET (self));

  self->chart_title = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->chart_title), "heading");
  gtk_label_set_xalign (self->chart_title, 0);
  gtk_widget_set_margin_top (GTK_WIDGET (self->chart_title), 6);
  gtk_widget_set_visible (GTK_WIDGET (self->chart_title), FALSE);
  gtk_widget_set_parent (GTK_WIDGET (self->chart_title), GTK_WIDGET (self));

  self->histogram = RETORT_HISTOGRAM (retort_histogram_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->histogram), GTK_WIDGET (self));
}

GtkWidget *
retort_column_statistics_new (void)
{
  return g_object_new (RETORT_TYPE_COLUMN_STATISTICS, NULL);
}

void
retort_column_statistics_set_table (RetortColumnStatistics *self,
                                    RetortTable            *table)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint n_columns, old_column;

  g_return_if_fail (RETORT_IS_COLUMN_STATISTICS (self));

  if (table == self->table)
    return;

  g_clear_pointer (&self->table, retort_table_unref);
  if (table != NULL)
    self->table = retort_table_ref (table);

  n_columns = table != NULL ? retort_table_get_n_columns (table) : 0;
  for (guint i = 0; i < n_columns; i++)
    g_ptr_array_add (names, (gpointer) retort_table_get_column_name (table, i));
  g_ptr_array_add (names, NULL);

  /* Setting the names moves the dropdown's selection: it must not compute. */
  old_column = self->column;
  self->column = G_MAXUINT;
  g_signal_handlers_block_by_func (self->column_dropdown, dropdown_selected_cb, self);
  gtk_string_list_splice (self->column_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->column_names)),
                          (const char * const *) names->pdata);
  g_signal_handlers_unblock_by_func (self->column_dropdown, dropdown_selected_cb, self);

  self->column = n_columns > 0 ? 0 : G_MAXUINT;
  g_signal_handlers_block_by_func (self->column_dropdown, dropdown_selected_cb, self);
  gtk_drop_down_set_selected (self->column_dropdown,
                              n_columns > 0 ? 0 : GTK_INVALID_LIST_POSITION);
  g_signal_handlers_unblock_by_func (self->column_dropdown, dropdown_selected_cb, self);
  compute (self);
  if (old_column != self->column)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLUMN]);
}

RetortTable *
retort_column_statistics_get_table (RetortColumnStatistics *self)
{
  g_return_val_if_fail (RETORT_IS_COLUMN_STATISTICS (self), NULL);

  return self->table;
}

void
retort_column_statistics_set_column (RetortColumnStatistics *self,
                                     guint                   column)
{
  guint n_columns;

  g_return_if_fail (RETORT_IS_COLUMN_STATISTICS (self));

  n_columns = self->table != NULL ? retort_table_get_n_columns (self->table) : 0;
  if (column >= n_columns)
    column = G_MAXUINT;

  if (column == self->column)
    return;

  self->column = column;
  g_signal_handlers_block_by_func (self->column_dropdown, dropdown_selected_cb, self);
  gtk_drop_down_set_selected (self->column_dropdown,
                              column == G_MAXUINT ? GTK_INVALID_LIST_POSITION : column);
  g_signal_handlers_unblock_by_func (self->column_dropdown, dropdown_selected_cb, self);

  compute (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLUMN]);
}

guint
retort_column_statistics_get_column (RetortColumnStatistics *self)
{
  g_return_val_if_fail (RETORT_IS_COLUMN_STATISTICS (self), G_MAXUINT);

  return self->column;
}

gboolean
retort_column_statistics_is_busy (RetortColumnStatistics *self)
{
  g_return_val_if_fail (RETORT_IS_COLUMN_STATISTICS (self), FALSE);

  return self->cancellable != NULL;
}
