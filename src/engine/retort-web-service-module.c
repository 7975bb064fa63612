/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-module-run-private.h"

/* Web Service Input and Output mark where `retort serve` feeds a request's
 * data in and takes the response out; in a normal run both pass their
 * dataset through unchanged. */

static const RetortPortSpec web_input_inputs[] = {
  { N_("Dataset"), RETORT_PORT_DATASET, TRUE },
};

static const RetortPortSpec web_output_inputs[] = {
  { N_("Dataset"), RETORT_PORT_DATASET, FALSE },
};

static const RetortPortSpec outputs[] = {
  { N_("Dataset"), RETORT_PORT_DATASET, FALSE },
};

static gboolean
web_input (RetortModuleRun  *run,
           GCancellable     *cancellable,
           GError          **error)
{
  RetortTable *table = retort_module_run_get_input_table (run, 0);
  g_autoptr(RetortTable) empty = NULL;

  /* Unconnected, it stands for a request's data, which a normal run does
   * not have: an empty table. */
  if (table == NULL)
    table = empty = retort_table_new (0, NULL, NULL, NULL);

  retort_module_run_set_output_table (run, 0, table);
  return TRUE;
}

static gboolean
web_output (RetortModuleRun  *run,
            GCancellable     *cancellable,
            GError          **error)
{
  RetortTable *table = _retort_module_run_require_table (run, 0, error);

  if (table == NULL)
    return FALSE;

  retort_module_run_set_output_table (run, 0, table);
  return TRUE;
}

static void
web_input_run_async (RetortModuleRun     *run,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  _retort_module_run_in_place (run, web_input_run_async, web_input, cancellable,
                               callback, user_data);
}

static void
web_output_run_async (RetortModuleRun     *run,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  _retort_module_run_in_place (run, web_output_run_async, web_output, cancellable,
                               callback, user_data);
}

const RetortModuleKind retort_web_input_module_kind = {
  .id = "web-input",
  .title = N_("Web Service Input"),
  .category = N_("Web Service"),
  .description = N_("Where a web service request’s data comes in"),
  .icon_name = "network-receive-symbolic",
  .inputs = web_input_inputs,
  .n_inputs = G_N_ELEMENTS (web_input_inputs),
  .outputs = outputs,
  .n_outputs = G_N_ELEMENTS (outputs),
  .run_async = web_input_run_async,
  .run_finish = _retort_module_run_task_finish,
};

const RetortModuleKind retort_web_output_module_kind = {
  .id = "web-output",
  .title = N_("Web Service Output"),
  .category = N_("Web Service"),
  .description = N_("What a web service answers with"),
  .icon_name = "network-transmit-symbolic",
  .inputs = web_output_inputs,
  .n_inputs = G_N_ELEMENTS (web_output_inputs),
  .outputs = outputs,
  .n_outputs = G_N_ELEMENTS (outputs),
  .run_async = web_output_run_async,
  .run_finish = _retort_module_run_task_finish,
};
