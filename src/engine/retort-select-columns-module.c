/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-module-run-private.h"

static const RetortPortSpec inputs[] = {
  { N_("Dataset"), RETORT_PORT_DATASET, FALSE },
};

static const RetortPortSpec outputs[] = {
  { N_("Results dataset"), RETORT_PORT_DATASET, FALSE },
};

static const char * const modes[] = { "include", "exclude", NULL };

static const RetortParamSpec params[] = {
  { "columns", N_("Columns"), RETORT_PARAM_COLUMNS, "[]", NULL,
    N_("Columns chosen by name") },
  { "types", N_("Column Types"), RETORT_PARAM_COLUMNS, "[]", NULL,
    N_("Columns chosen by type: float64, int64, bool, string, datetime") },
  { "mode", N_("Mode"), RETORT_PARAM_CHOICE, "\"include\"", modes,
    N_("Keep the chosen columns, or every column but them") },
};

static char *
list_names (RetortTable *table)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint c = 0; c < retort_table_get_n_columns (table); c++)
    g_string_append_printf (text, "%s“%s”", c > 0 ? ", " : "",
                            retort_table_get_column_name (table, c));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
select_columns (RetortModuleRun  *run,
                GCancellable     *cancellable,
                GError          **error)
{
  RetortTable *table = _retort_module_run_require_table (run, 0, error);
  g_auto(GStrv) names = retort_module_run_dup_strv (run, "columns");
  g_auto(GStrv) type_names = retort_module_run_dup_strv (run, "types");
  const char *mode = retort_module_run_get_string (run, "mode");
  gboolean exclude = g_strcmp0 (mode, "exclude") == 0;
  g_autoptr(GArray) chosen = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GString) unknown = g_string_new (NULL);
  g_autoptr(GArray) kept = NULL;
  g_autoptr(RetortTable) result = NULL;
  g_autofree gboolean *is_chosen = NULL;
  guint n_columns;
  guint n_unknown = 0;
  guint types_mask = 0;

  if (table == NULL)
    return FALSE;
  n_columns = retort_table_get_n_columns (table);
  is_chosen = g_new0 (gboolean, MAX (n_columns, 1));

  for (guint i = 0; type_names[i] != NULL; i++)
    {
      RetortColumnType type;

      if (!retort_column_type_from_string (type_names[i], &type))
        {
          g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                       _("Unknown column type “%s”: the types are float64, int64, bool, "
                         "string and datetime"), type_names[i]);
          return FALSE;
        }
      types_mask |= 1u << type;
    }

  /* Names first, in the order given: that is the order of the output. */
  for (guint i = 0; names[i] != NULL; i++)
    {
      int index = retort_table_find_column (table, names[i]);

      if (index < 0)
        {
          g_string_append_printf (unknown, "%s“%s”", n_unknown > 0 ? ", " : "", names[i]);
          n_unknown++;
          continue;
        }
      if (!is_chosen[index])
        {
          guint u = index;

          is_chosen[index] = TRUE;
          g_array_append_val (chosen, u);
        }
    }
  if (n_unknown > 0)
    {
      g_autofree char *available = list_names (table);

      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   ngettext ("No column %s in the dataset; its columns are: %s",
                             "No columns %s in the dataset; its columns are: %s", n_unknown),
                   unknown->str, available);
      return FALSE;
    }
  for (guint c = 0; c < n_columns; c++)
    {
      RetortColumnType type = retort_column_get_data_type (retort_table_get_column (table, c));

      if (!is_chosen[c] && (types_mask & (1u << type)) != 0)
        {
          is_chosen[c] = TRUE;
          g_array_append_val (chosen, c);
        }
    }

  if (exclude)
    {
      kept = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint c = 0; c < n_columns; c++)
        if (!is_chosen[c])
          g_array_append_val (kept, c);
    }
  else
    {
      if (names[0] == NULL && type_names[0] == NULL)
        {
          g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                       _("No columns are chosen: choose them by name or by type"));
          return FALSE;
        }
      kept = g_steal_pointer (&chosen);
    }

  result = retort_table_select (table, (const guint *) kept->data, kept->len);
  retort_module_run_set_output_table (run, 0, result);
  return TRUE;
}

static void
select_columns_run_async (RetortModuleRun     *run,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  /* Selecting takes references to columns: no copy, no thread needed. */
  _retort_module_run_in_place (run, select_columns_run_async, select_columns, cancellable,
                               callback, user_data);
}

const RetortModuleKind retort_select_columns_module_kind = {
  .id = "select-columns",
  .title = N_("Select Columns"),
  .category = N_("Data Transformation"),
  .description = N_("Keeps or drops columns by name or type"),
  .icon_name = "retort-columns-symbolic",
  .inputs = inputs,
  .n_inputs = G_N_ELEMENTS (inputs),
  .outputs = outputs,
  .n_outputs = G_N_ELEMENTS (outputs),
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .run_async = select_columns_run_async,
  .run_finish = _retort_module_run_task_finish,
};
