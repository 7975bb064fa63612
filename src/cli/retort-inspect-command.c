/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-cli"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "retort-cli-private.h"
#include "retort-inspect-command.h"
#include "retort-table-lib.h"

#define COMMAND_NAME "inspect"

/* Columns of the text report. */
enum
{
  FIELD_COLUMN,
  FIELD_TYPE,
  FIELD_MISSING,
  FIELD_MIN,
  FIELD_MAX,
  FIELD_MEAN,
  FIELD_STD,
  FIELD_DISTINCT,
  FIELD_TOP,
  N_FIELDS
};

static gboolean
parse_delimiter (const char *text,
                 char       *delimiter)
{
  if (g_str_equal (text, ",") || g_str_equal (text, ";") || g_str_equal (text, "|"))
    *delimiter = text[0];
  else if (g_str_equal (text, "tab") || g_str_equal (text, "\\t") || g_str_equal (text, "\t"))
    *delimiter = '\t';
  else if (g_str_equal (text, "auto"))
    *delimiter = 0;
  else
    return FALSE;

  return TRUE;
}

/* The shortest text that reads back to @value, in the C locale whatever
 * LC_NUMERIC says ("4.3", not "4.2999999999999998" nor "4,3"). */
static void
format_double (double  value,
               char    buffer[G_ASCII_DTOSTR_BUF_SIZE])
{
  for (int precision = 1; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buffer, G_ASCII_DTOSTR_BUF_SIZE, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        return;
    }
}

/* A readable approximation for means and deviations. */
static char *
format_approximate (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    return g_strdup ("");

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.6g", value));
}

static char *
format_exact (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    return g_strdup ("");

  format_double (value, buffer);
  return g_strdup (buffer);
}

static char *
format_datetime (double ns)
{
  g_autoptr(GDateTime) epoch = NULL;
  g_autoptr(GDateTime) datetime = NULL;

  if (!isfinite (ns))
    return format_exact (ns);

  epoch = g_date_time_new_from_unix_utc (0);
  datetime = g_date_time_add (epoch, (GTimeSpan) floor (ns / 1000.0));
  if (datetime == NULL)
    return format_exact (ns);

  return g_date_time_format_iso8601 (datetime);
}

static char *
format_top_value (const RetortColumnSummary *summary)
{
  const RetortValueCount *top;

  if (summary->top_values == NULL || summary->top_values->len == 0)
    return g_strdup ("");

  top = g_ptr_array_index (summary->top_values, 0);
  return g_strdup_printf ("%s (%" G_GSIZE_FORMAT ")", top->value, top->count);
}

static void
fill_text_row (const RetortColumnSummary  *summary,
               char                      **row)
{
  row[FIELD_COLUMN] = g_strdup (summary->name);
  row[FIELD_TYPE] = g_strdup (retort_column_type_to_string (summary->type));
  row[FIELD_MISSING] = g_strdup_printf ("%" G_GSIZE_FORMAT, summary->missing);
  row[FIELD_DISTINCT] = g_strdup_printf ("%" G_GSIZE_FORMAT, summary->distinct);

  if (summary->has_numeric_stats && summary->type == RETORT_COLUMN_TYPE_DATETIME)
    {
      row[FIELD_MIN] = format_datetime (summary->min);
      row[FIELD_MAX] = format_datetime (summary->max);
      row[FIELD_MEAN] = format_datetime (summary->mean);
      row[FIELD_STD] = g_strdup ("");
    }
  else if (summary->has_numeric_stats && summary->type == RETORT_COLUMN_TYPE_BOOL)
    {
      /* The CSV said True/False; the mean is still the share of True. */
      row[FIELD_MIN] = g_strdup (isnan (summary->min) ? "" : summary->min != 0 ? "True" : "False");
      row[FIELD_MAX] = g_strdup (isnan (summary->max) ? "" : summary->max != 0 ? "True" : "False");
      row[FIELD_MEAN] = format_approximate (summary->mean);
      row[FIELD_STD] = format_approximate (summary->std);
    }
  else if (summary->has_numeric_stats)
    {
      row[FIELD_MIN] = format_exact (summary->min);
      row[FIELD_MAX] = format_exact (summary->max);
      row[FIELD_MEAN] = format_approximate (summary->mean);
      row[FIELD_STD] = format_approximate (summary->std);
    }
  else
    {
      row[FIELD_MIN] = g_strdup ("");
      row[FIELD_MAX] = g_strdup ("");
      row[FIELD_MEAN] = g_strdup ("");
      row[FIELD_STD] = g_strdup ("");
    }

  /* The most frequent value says more than min/max where there is no order. */
  if (!summary->has_numeric_stats || summary->type == RETORT_COLUMN_TYPE_BOOL)
    row[FIELD_TOP] = format_top_value (summary);
  else
    row[FIELD_TOP] = g_strdup ("");
}

static void
append_padded (GString    *out,
               const char *text,
               int         width,
               gboolean    right_aligned)
{
  int padding = width - (int) g_utf8_strlen (text, -1);

  if (right_aligned)
    g_string_append_printf (out, "%*s%s", MAX (padding, 0), "", text);
  else
    g_string_append_printf (out, "%s%*s", text, MAX (padding, 0), "");
}

static GString *
format_text (const char *path,
             RetortTable *table,
             GPtrArray   *summaries)
{
  static const char *headers[N_FIELDS] = {
    N_("column"), N_("type"), N_("missing"), N_("min"), N_("max"),
    N_("mean"), N_("std"), N_("distinct"), N_("top value"),
  };
  static const gboolean right_aligned[N_FIELDS] = {
    FALSE, FALSE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, FALSE,
  };
  guint n_rows = summaries->len + 1;
  g_autofree char **cells = g_new0 (char *, n_rows * N_FIELDS);
  int widths[N_FIELDS] = { 0 };
  GString *out = g_string_new (NULL);

  for (guint f = 0; f < N_FIELDS; f++)
    cells[f] = g_strdup (_(headers[f]));
  for (guint i = 0; i < summaries->len; i++)
    fill_text_row (g_ptr_array_index (summaries, i), &cells[(i + 1) * N_FIELDS]);

  for (guint r = 0; r < n_rows; r++)
    for (guint f = 0; f < N_FIELDS; f++)
      widths[f] = MAX (widths[f], (int) g_utf8_strlen (cells[r * N_FIELDS + f], -1));

  g_string_append_printf (out, "%s\n", path);
  /* xgettext cannot read G_GSIZE_FORMAT: the count goes in as text. */
  {
    g_autofree char *rows = g_strdup_printf ("%" G_GSIZE_FORMAT, retort_table_get_n_rows (table));

    g_string_append_printf (out, _("Rows: %s\n"), rows);
  }
  g_string_append_printf (out, _("Columns: %u\n\n"), retort_table_get_n_columns (table));

  for (guint r = 0; r < n_rows; r++)
    {
      for (guint f = 0; f < N_FIELDS; f++)
        {
          if (f > 0)
            g_string_append (out, "  ");
          append_padded (out, cells[r * N_FIELDS + f], widths[f], right_aligned[f]);
        }

      while (out->len > 0 && out->str[out->len - 1] == ' ')
        g_string_truncate (out, out->len - 1);
      g_string_append_c (out, '\n');
    }

  for (guint i = 0; i < n_rows * N_FIELDS; i++)
    g_free (cells[i]);

  return out;
}

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);
  g_autofree char *quoted = json_to_string (node, FALSE);

  g_string_append (out, quoted);
}

/* Numbers round-trip; infinities become "inf"/"-inf" (JSON has no such
 * number) and NaN (a mean of no values) becomes null. */
static void
append_json_double (GString *out,
                    double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    g_string_append (out, "null");
  else if (isinf (value))
    g_string_append (out, value > 0 ? "\"inf\"" : "\"-inf\"");
  else
    {
      format_double (value, buffer);
      g_string_append (out, buffer);
    }
}

static GString *
format_json (RetortTable *table,
             GPtrArray   *summaries)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "{\"rows\": %" G_GSIZE_FORMAT ", \"columns\": [",
                          retort_table_get_n_rows (table));

  for (guint i = 0; i < summaries->len; i++)
    {
      const RetortColumnSummary *summary = g_ptr_array_index (summaries, i);
      /* Datetimes have statistics in ns, but they are not numbers to a reader. */
      gboolean numeric = summary->has_numeric_stats && summary->type != RETORT_COLUMN_TYPE_DATETIME;

      if (i > 0)
        g_string_append (out, ", ");

      g_string_append (out, "{\"name\": ");
      append_json_string (out, summary->name);
      g_string_append_printf (out, ", \"type\": \"%s\", \"missing\": %" G_GSIZE_FORMAT,
                              retort_column_type_to_string (summary->type), summary->missing);

      g_string_append (out, ", \"min\": ");
      append_json_double (out, numeric ? summary->min : NAN);
      g_string_append (out, ", \"max\": ");
      append_json_double (out, numeric ? summary->max : NAN);
      g_string_append (out, ", \"mean\": ");
      append_json_double (out, numeric ? summary->mean : NAN);

      g_string_append_printf (out, ", \"distinct\": %" G_GSIZE_FORMAT "}", summary->distinct);
    }

  g_string_append (out, "]}\n");

  return out;
}

int
retort_inspect_command_run (int    argc,
                            char **argv)
{
  g_autofree char *delimiter_text = NULL;
  gboolean no_header = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "delimiter", 'd', 0, G_OPTION_ARG_STRING, &delimiter_text,
      N_("Field delimiter: “,” “;” “|” or “tab” (detected by default)"), N_("C") },
    { "no-header", 0, 0, G_OPTION_ARG_NONE, &no_header,
      N_("The first line is data, not column names"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print the summary as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE.csv"));
  g_autoptr(GError) error = NULL;
  g_autoptr(RetortTable) table = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(GString) out = NULL;
  RetortCsvOptions options;

  g_option_context_set_summary (context,
                                _("Reads a CSV file the way an experiment imports it and prints\n"
                                  "the inferred schema, the row count and a summary of each column."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  if (!_retort_cli_parse_options (context, COMMAND_NAME, &argc, &argv))
    return RETORT_CLI_EXIT_USAGE;

  if (argc < 2)
    return _retort_cli_usage_error (COMMAND_NAME, _("no file given"));
  if (argc > 2)
    return _retort_cli_usage_error (COMMAND_NAME, _("unexpected argument “%s”"), argv[2]);

  retort_csv_options_init (&options);
  options.has_header = !no_header;
  if (delimiter_text != NULL && !parse_delimiter (delimiter_text, &options.delimiter))
    return _retort_cli_usage_error (COMMAND_NAME,
                                    _("invalid delimiter “%s”: use “,” “;” “|” or “tab”"),
                                    delimiter_text);

  table = retort_csv_read_file (argv[1], &options, &error);
  if (table == NULL)
    return _retort_cli_failure (COMMAND_NAME, error);

  summaries = retort_table_summarize (table);
  if (json)
    out = format_json (table, summaries);
  else
    out = format_text (argv[1], table, summaries);

  if (!_retort_cli_write_stdout (out->str, out->len))
    return RETORT_CLI_EXIT_FAILURE;

  return RETORT_CLI_EXIT_SUCCESS;
}
