/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-engine-types.h"

G_DEFINE_QUARK (retort-engine-error-quark, retort_engine_error)

const char *
retort_port_type_to_string (RetortPortType type)
{
  switch (type)
    {
    case RETORT_PORT_DATASET:
      return "dataset";
    case RETORT_PORT_ZIP:
      return "zip";
    case RETORT_PORT_DEVICE:
      return "device";
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
retort_port_type_get_title (RetortPortType type)
{
  switch (type)
    {
    case RETORT_PORT_DATASET:
      return _("Dataset");
    case RETORT_PORT_ZIP:
      return _("Zip archive");
    case RETORT_PORT_DEVICE:
      return _("Python device");
    default:
      g_return_val_if_reached ("");
    }
}

const char *
retort_module_state_to_string (RetortModuleState state)
{
  static const char * const names[] = {
    [RETORT_MODULE_STATE_NOT_RUN] = "not run",
    [RETORT_MODULE_STATE_QUEUED] = "queued",
    [RETORT_MODULE_STATE_RUNNING] = "running",
    [RETORT_MODULE_STATE_FINISHED] = "finished",
    [RETORT_MODULE_STATE_CACHED] = "cached",
    [RETORT_MODULE_STATE_FAILED] = "failed",
    [RETORT_MODULE_STATE_CANCELLED] = "cancelled",
  };

  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (names), NULL);

  return names[state];
}
