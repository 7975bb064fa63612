/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "retort-module-run-private.h"

static const RetortPortSpec outputs[] = {
  { N_("Dataset"), RETORT_PORT_DATASET, FALSE },
};

static const RetortParamSpec params[] = {
  { "data", N_("Data"), RETORT_PARAM_TEXT, "\"\"", NULL,
    N_("CSV text: one line per row, fields separated by commas") },
  { "header", N_("Header Line"), RETORT_PARAM_BOOL, "true", NULL,
    N_("The first line holds the column names") },
};

static gboolean
enter_data (RetortModuleRun  *run,
            GCancellable     *cancellable,
            GError          **error)
{
  const char *data = retort_module_run_get_string (run, "data");
  g_autoptr(RetortTable) table = NULL;
  RetortCsvOptions options;

  if (data == NULL)
    data = "";
  retort_csv_options_init (&options);
  options.has_header = retort_module_run_get_bool (run, "header");
  /* Errors name the module, as they would name a file. */
  table = retort_csv_read_data (data, strlen (data), retort_module_run_get_title (run),
                                &options, error);
  if (table == NULL)
    return FALSE;

  retort_module_run_set_output_table (run, 0, table);
  return TRUE;
}

static void
enter_data_run_async (RetortModuleRun     *run,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  _retort_module_run_in_thread (run, enter_data_run_async, enter_data, cancellable,
                                callback, user_data);
}

const RetortModuleKind retort_enter_data_module_kind = {
  .id = "enter-data",
  .title = N_("Enter Data Manually"),
  .category = N_("Data Input and Output"),
  .description = N_("A small dataset typed in as CSV text"),
  .icon_name = "document-edit-symbolic",
  .outputs = outputs,
  .n_outputs = G_N_ELEMENTS (outputs),
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .run_async = enter_data_run_async,
  .run_finish = _retort_module_run_task_finish,
};
