/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "retort-engine-types.h"
#include "retort-module-kind.h"

G_BEGIN_DECLS

#define RETORT_TYPE_MODULE (retort_module_get_type ())

G_DECLARE_FINAL_TYPE (RetortModule, retort_module, RETORT, MODULE, GObject)

/* A module placed in an experiment. Read-only for everyone but the
 * experiment's commands: edits go through RetortExperiment so they can be
 * undone. "notify" is emitted for title, x, y; "parameter-changed" (const
 * char *name) when a parameter changes. */
const char             *retort_module_get_id         (RetortModule *self);   /* stable: "m3" */
const RetortModuleKind *retort_module_get_kind       (RetortModule *self);
const char             *retort_module_get_title      (RetortModule *self);
double                  retort_module_get_x          (RetortModule *self);
double                  retort_module_get_y          (RetortModule *self);

/* The value of parameter @name, or its kind's default (transfer none);
 * NULL for a name the kind does not have. */
JsonNode               *retort_module_get_parameter  (RetortModule *self,
                                                      const char   *name);
const char             *retort_module_get_string     (RetortModule *self,
                                                      const char   *name);
gint64                  retort_module_get_int        (RetortModule *self,
                                                      const char   *name);
double                  retort_module_get_double     (RetortModule *self,
                                                      const char   *name);
gboolean                retort_module_get_bool       (RetortModule *self,
                                                      const char   *name);
/* RETORT_PARAM_COLUMNS: a NULL-terminated array (free with g_strfreev). */
char                  **retort_module_dup_strv       (RetortModule *self,
                                                      const char   *name);
/* Every parameter, defaults included, as one JSON object (transfer full):
 * what a run sees and what its cache key is made of. */
JsonObject             *retort_module_dup_parameters (RetortModule *self);

G_END_DECLS
