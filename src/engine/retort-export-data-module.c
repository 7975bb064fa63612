/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-module-run-private.h"

static const RetortPortSpec inputs[] = {
  { N_("Dataset"), RETORT_PORT_DATASET, FALSE },
};

/* The same dataset, so an export can sit in the middle of a chain. */
static const RetortPortSpec outputs[] = {
  { N_("Dataset"), RETORT_PORT_DATASET, FALSE },
};

static const RetortParamSpec params[] = {
  { "path", N_("File"), RETORT_PARAM_PATH, "\"\"", NULL,
    N_("Where to write the CSV file, relative to the document’s folder or absolute") },
  { "delimiter", N_("Delimiter"), RETORT_PARAM_CHOICE, "\",\"", _retort_write_delimiter_choices,
    N_("The character between fields") },
};

static gboolean
export_data (RetortModuleRun  *run,
             GCancellable     *cancellable,
             GError          **error)
{
  RetortTable *table = _retort_module_run_require_table (run, 0, error);
  g_autofree char *path = NULL;
  char delimiter;

  if (table == NULL)
    return FALSE;
  path = _retort_module_run_resolve_path (run, "path", error);
  if (path == NULL)
    return FALSE;

  delimiter = _retort_module_run_get_delimiter (run, "delimiter");
  if (!retort_csv_write_file (table, path, delimiter != 0 ? delimiter : ',', error))
    return FALSE;

  retort_module_run_set_output_table (run, 0, table);
  return TRUE;
}

static void
export_data_run_async (RetortModuleRun     *run,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  _retort_module_run_in_thread (run, export_data_run_async, export_data, cancellable,
                                callback, user_data);
}

const RetortModuleKind retort_export_data_module_kind = {
  .id = "export-data",
  .title = N_("Export Data"),
  .category = N_("Data Input and Output"),
  .description = N_("Writes a dataset to a CSV file"),
  .icon_name = "document-save-symbolic",
  .inputs = inputs,
  .n_inputs = G_N_ELEMENTS (inputs),
  .outputs = outputs,
  .n_outputs = G_N_ELEMENTS (outputs),
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .run_async = export_data_run_async,
  .run_finish = _retort_module_run_task_finish,
};
