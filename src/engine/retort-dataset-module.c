/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-module-run-private.h"

static const RetortPortSpec outputs[] = {
  { N_("Dataset"), RETORT_PORT_DATASET, FALSE },
};

static const RetortParamSpec params[] = {
  { "name", N_("Dataset"), RETORT_PARAM_DATASET, "\"\"", NULL,
    N_("CSV data embedded in the document") },
  { "delimiter", N_("Delimiter"), RETORT_PARAM_CHOICE, "\"auto\"", _retort_delimiter_choices,
    N_("The character between fields; “auto” detects it") },
  { "header", N_("Header Line"), RETORT_PARAM_BOOL, "true", NULL,
    N_("The first line holds the column names") },
};

static gboolean
read_dataset (RetortModuleRun  *run,
              GCancellable     *cancellable,
              GError          **error)
{
  const char *name = retort_module_run_get_string (run, "name");
  g_autoptr(RetortTable) table = NULL;
  RetortCsvOptions options;
  GBytes *bytes;
  gsize size;
  const char *data;

  if (name == NULL || name[0] == '\0')
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("“%s” has no dataset: choose one in its “name” parameter"),
                   retort_module_run_get_title (run));
      return FALSE;
    }
  bytes = retort_module_run_get_dataset (run, name);
  if (bytes == NULL)
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("The document has no dataset “%s”: add it, or choose another one"), name);
      return FALSE;
    }

  retort_csv_options_init (&options);
  options.delimiter = _retort_module_run_get_delimiter (run, "delimiter");
  options.has_header = retort_module_run_get_bool (run, "header");
  data = g_bytes_get_data (bytes, &size);
  table = retort_csv_read_data (data != NULL ? data : "", size, name, &options, error);
  if (table == NULL)
    return FALSE;

  retort_module_run_set_output_table (run, 0, table);
  return TRUE;
}

static void
dataset_run_async (RetortModuleRun     *run,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  _retort_module_run_in_thread (run, dataset_run_async, read_dataset, cancellable,
                                callback, user_data);
}

const RetortModuleKind retort_dataset_module_kind = {
  .id = "dataset",
  .title = N_("Dataset"),
  .category = N_("Data Input and Output"),
  .description = N_("CSV data saved in the document"),
  .icon_name = "x-office-spreadsheet-symbolic",
  .outputs = outputs,
  .n_outputs = G_N_ELEMENTS (outputs),
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .run_async = dataset_run_async,
  .run_finish = _retort_module_run_task_finish,
};
