/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <string.h>

#include "retort-module-kind.h"

/* Every module kind, in palette order: one line each. Each names the
 * RetortModuleKind that retort-<name>-module.c exports as <name>_kind. */
#define RETORT_MODULE_KINDS(X) \
  X (retort_import_data_module) \
  X (retort_dataset_module) \
  X (retort_enter_data_module) \
  X (retort_script_bundle_module) \
  X (retort_export_data_module) \
  X (retort_select_columns_module) \
  X (retort_sql_module) \
  X (retort_python_script_module) \
  X (retort_summarize_module) \
  X (retort_web_input_module) \
  X (retort_web_output_module)

#define DECLARE_KIND(name) extern const RetortModuleKind name##_kind;
RETORT_MODULE_KINDS (DECLARE_KIND)

#define LIST_KIND(name) &name##_kind,
static const RetortModuleKind *kinds[] = {
  RETORT_MODULE_KINDS (LIST_KIND)
  NULL
};

const RetortModuleKind *
retort_module_kind_lookup (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; kinds[i] != NULL; i++)
    if (strcmp (kinds[i]->id, id) == 0)
      return kinds[i];

  return NULL;
}

/* NULL-terminated; owned by the registry. */
const RetortModuleKind **
retort_module_kind_list (guint *n_kinds)
{
  if (n_kinds != NULL)
    *n_kinds = G_N_ELEMENTS (kinds) - 1;

  return kinds;
}

const RetortParamSpec *
retort_module_kind_find_param (const RetortModuleKind *kind,
                               const char             *name)
{
  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < kind->n_params; i++)
    if (strcmp (kind->params[i].name, name) == 0)
      return &kind->params[i];

  return NULL;
}

const RetortParamSpec *
retort_module_kind_find_script (const RetortModuleKind *kind)
{
  g_return_val_if_fail (kind != NULL, NULL);

  for (guint i = 0; i < kind->n_params; i++)
    if (kind->params[i].type == RETORT_PARAM_SCRIPT)
      return &kind->params[i];

  return NULL;
}
