/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "retort-module-run-private.h"

static const RetortPortSpec outputs[] = {
  { N_("Script Bundle"), RETORT_PORT_ZIP, FALSE },
};

static const RetortParamSpec params[] = {
  { "name", N_("Zip File"), RETORT_PARAM_DATASET, "\"\"", NULL,
    N_("A zip of Python modules embedded in the document") },
};

static gboolean
script_bundle (RetortModuleRun  *run,
               GCancellable     *cancellable,
               GError          **error)
{
  const char *name = retort_module_run_get_string (run, "name");
  GBytes *bytes;
  gsize size;
  const char *data;

  if (name == NULL || name[0] == '\0')
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("“%s” has no zip file: choose one in its “name” parameter"),
                   retort_module_run_get_title (run));
      return FALSE;
    }
  bytes = retort_module_run_get_dataset (run, name);
  if (bytes == NULL)
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("The document has no file “%s”: add it, or choose another one"), name);
      return FALSE;
    }

  /* Said here, next to the name, rather than later by the Python module
   * that unpacks it. A zip starts with a local header, or with the end of
   * the central directory when it is empty. */
  data = g_bytes_get_data (bytes, &size);
  if (size < 4 || (memcmp (data, "PK\003\004", 4) != 0 && memcmp (data, "PK\005\006", 4) != 0))
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("“%s” is not a zip file: a Script Bundle is a zip of Python files"), name);
      return FALSE;
    }

  retort_module_run_set_output_bytes (run, 0, bytes);
  return TRUE;
}

static void
script_bundle_run_async (RetortModuleRun     *run,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  _retort_module_run_in_place (run, script_bundle_run_async, script_bundle, cancellable,
                               callback, user_data);
}

const RetortModuleKind retort_script_bundle_module_kind = {
  .id = "script-bundle",
  .title = N_("Script Bundle"),
  .category = N_("Data Input and Output"),
  .description = N_("A zip of Python modules for Execute Python Script"),
  .icon_name = "package-x-generic-symbolic",
  .outputs = outputs,
  .n_outputs = G_N_ELEMENTS (outputs),
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .run_async = script_bundle_run_async,
  .run_finish = _retort_module_run_task_finish,
};
