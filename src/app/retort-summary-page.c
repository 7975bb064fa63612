/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-summary-page"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "retort-column-summary.h"
#include "retort-summary-page.h"

struct _RetortSummaryPage
{
  AdwBin                parent_instance;

  /* Template widgets */
  AdwPreferencesGroup  *columns_group;

  /* The rows shown in columns_group, to remove them on the next table. */
  GPtrArray            *rows;
};

G_DEFINE_FINAL_TYPE (RetortSummaryPage, retort_summary_page, ADW_TYPE_BIN)

static char *
format_number (double           value,
               RetortColumnType type)
{
  if (!isfinite (value))
    return g_strdup (value > 0 ? "∞" : value < 0 ? "−∞" : "NaN");

  if (type == RETORT_COLUMN_TYPE_INT64)
    return g_strdup_printf ("%.0f", value);

  /* Enough digits for what a CSV file holds, without an exponent before 1e10. */
  return g_strdup_printf ("%.10g", value);
}

/* Four significant digits, but whole numbers are never cut to an exponent. */
static char *
format_mean (double value)
{
  double magnitude = fabs (value);
  int decimals;

  if (!isfinite (value) || (magnitude < 1e-4 && magnitude > 0))
    return g_strdup_printf ("%.4g", value);

  decimals = magnitude < 1 ? 4 : MAX (0, 3 - (int) floor (log10 (magnitude)));

  return g_strdup_printf ("%.*f", decimals, value);
}

static char *
format_datetime (double ns_since_epoch)
{
  g_autoptr(GDateTime) datetime = NULL;

  if (!isfinite (ns_since_epoch))
    return g_strdup ("?");

  datetime = g_date_time_new_from_unix_utc ((gint64) floor (ns_since_epoch / 1e9));
  if (datetime == NULL)
    return g_strdup ("?");

  return g_date_time_format (datetime, "%F %T");
}

/* The statistics of a column in one line, for a row's subtitle; missing
 * values have a badge of their own, where they catch the eye. */
static char *
format_statistics (const RetortColumnSummary *summary)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (summary->count == 0)
    {
      g_ptr_array_add (parts, g_strdup (_("no values")));
    }
  else if (summary->type == RETORT_COLUMN_TYPE_BOOL && summary->has_numeric_stats)
    {
      /* Translators: the share of true values in a true/false column */
      g_ptr_array_add (parts, g_strdup_printf (_("%.1f %% true"), summary->mean * 100.0));
    }
  else if (summary->type == RETORT_COLUMN_TYPE_DATETIME && summary->has_numeric_stats)
    {
      g_autofree char *min = format_datetime (summary->min);
      g_autofree char *max = format_datetime (summary->max);

      /* Translators: the range of dates in a column */
      g_ptr_array_add (parts, g_strdup_printf (_("from %s to %s"), min, max));
    }
  else if (summary->has_numeric_stats)
    {
      g_autofree char *min = format_number (summary->min, summary->type);
      g_autofree char *max = format_number (summary->max, summary->type);
      g_autofree char *mean = format_mean (summary->mean);

      /* Translators: statistics of a numeric column */
      g_ptr_array_add (parts, g_strdup_printf (_("min %s"), min));
      g_ptr_array_add (parts, g_strdup_printf (_("max %s"), max));
      g_ptr_array_add (parts, g_strdup_printf (_("mean %s"), mean));
    }
  else
    {
      g_ptr_array_add (parts,
                       g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "%'lu distinct value", "%'lu distinct values",
                                                     summary->distinct),
                                        (unsigned long) summary->distinct));
    }

  g_ptr_array_add (parts, NULL);

  /* Translators: the separator between statistics, e.g. "min 4.3 · max 7.9" */
  return g_strjoinv (_(" · "), (char **) parts->pdata);
}

static GtkWidget *
create_badge (const char *text,
              const char *style_class)
{
  GtkWidget *badge = gtk_label_new (text);

  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "badge");
  if (style_class != NULL)
    gtk_widget_add_css_class (badge, style_class);

  return badge;
}

/* The badges at the end of a column's row: missing values, then the type. */
static GtkWidget *
create_badges (const RetortColumnSummary *summary)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gboolean numeric = summary->type == RETORT_COLUMN_TYPE_FLOAT64
                     || summary->type == RETORT_COLUMN_TYPE_INT64;

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);

  if (summary->missing > 0)
    {
      g_autofree char *missing = NULL;

      /* gsize as unsigned long: xgettext cannot read G_GSIZE_FORMAT. */
      missing = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'lu missing", "%'lu missing",
                                              summary->missing),
                                 (unsigned long) summary->missing);
      gtk_box_append (GTK_BOX (box), create_badge (missing, "warning"));
    }

  gtk_box_append (GTK_BOX (box),
                  create_badge (retort_column_type_to_string (summary->type),
                                numeric ? "numeric" : NULL));

  return box;
}

/* Text columns list their most frequent values when expanded. */
static GtkWidget *
create_text_column_row (const RetortColumnSummary *summary,
                        const char                *statistics)
{
  GtkWidget *row = adw_expander_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), summary->name);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), statistics);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), create_badges (summary));

  for (guint i = 0; i < summary->top_values->len; i++)
    {
      const RetortValueCount *value = g_ptr_array_index (summary->top_values, i);
      GtkWidget *value_row = adw_action_row_new ();
      g_autofree char *count = NULL;
      GtkWidget *count_label;

      count = g_strdup_printf ("%'lu", (unsigned long) value->count);
      count_label = gtk_label_new (count);
      gtk_widget_add_css_class (count_label, "dim-label");
      gtk_widget_add_css_class (count_label, "numeric");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (value_row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (value_row), value->value);
      adw_action_row_add_suffix (ADW_ACTION_ROW (value_row), count_label);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), value_row);
    }

  return row;
}

static GtkWidget *
create_column_row (const RetortColumnSummary *summary)
{
  g_autofree char *statistics = format_statistics (summary);
  GtkWidget *row;

  if (summary->type == RETORT_COLUMN_TYPE_STRING && summary->top_values != NULL
      && summary->top_values->len > 0)
    return create_text_column_row (summary, statistics);

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), summary->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), statistics);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), create_badges (summary));

  return row;
}

void
retort_summary_page_set_summaries (RetortSummaryPage *self,
                                   GPtrArray         *summaries)
{
  g_return_if_fail (RETORT_IS_SUMMARY_PAGE (self));
  g_return_if_fail (summaries != NULL);

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->columns_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < summaries->len; i++)
    {
      GtkWidget *row = create_column_row (g_ptr_array_index (summaries, i));

      adw_preferences_group_add (self->columns_group, row);
      g_ptr_array_add (self->rows, row);
    }
}

static void
retort_summary_page_dispose (GObject *object)
{
  RetortSummaryPage *self = RETORT_SUMMARY_PAGE (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), RETORT_TYPE_SUMMARY_PAGE);

  G_OBJECT_CLASS (retort_summary_page_parent_class)->dispose (object);
}

static void
retort_summary_page_class_init (RetortSummaryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = retort_summary_page_dispose;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/retort/Retort/ui/retort-summary-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RetortSummaryPage, columns_group);
}

static void
retort_summary_page_init (RetortSummaryPage *self)
{
  /* Widgets are owned by the group; the array only names them. */
  self->rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}
