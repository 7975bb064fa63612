/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-module-run-private.h"

static const RetortPortSpec outputs[] = {
  { N_("Dataset"), RETORT_PORT_DATASET, FALSE },
};

static const RetortParamSpec params[] = {
  { "path", N_("File"), RETORT_PARAM_PATH, "\"\"", NULL,
    N_("A CSV file, relative to the document’s folder or absolute") },
  { "delimiter", N_("Delimiter"), RETORT_PARAM_CHOICE, "\"auto\"", _retort_delimiter_choices,
    N_("The character between fields; “auto” detects it") },
  { "header", N_("Header Line"), RETORT_PARAM_BOOL, "true", NULL,
    N_("The first line holds the column names") },
};

static gboolean
import_data (RetortModuleRun  *run,
             GCancellable     *cancellable,
             GError          **error)
{
  g_autofree char *path = _retort_module_run_resolve_path (run, "path", error);
  g_autoptr(RetortTable) table = NULL;
  RetortCsvOptions options;

  if (path == NULL)
    return FALSE;

  retort_csv_options_init (&options);
  options.delimiter = _retort_module_run_get_delimiter (run, "delimiter");
  options.has_header = retort_module_run_get_bool (run, "header");
  /* The table layer's errors already name the file, line and column. */
  table = retort_csv_read_file (path, &options, error);
  if (table == NULL)
    return FALSE;

  retort_module_run_set_output_table (run, 0, table);
  return TRUE;
}

static void
import_data_run_async (RetortModuleRun     *run,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  _retort_module_run_in_thread (run, import_data_run_async, import_data, cancellable,
                                callback, user_data);
}

const RetortModuleKind retort_import_data_module_kind = {
  .id = "import-data",
  .title = N_("Import Data"),
  .category = N_("Data Input and Output"),
  .description = N_("Reads a CSV file"),
  .icon_name = "document-open-symbolic",
  .outputs = outputs,
  .n_outputs = G_N_ELEMENTS (outputs),
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .run_async = import_data_run_async,
  .run_finish = _retort_module_run_task_finish,
};
