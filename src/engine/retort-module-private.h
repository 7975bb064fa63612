/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "retort-module.h"

G_BEGIN_DECLS

/* Only the experiment and its commands change modules, so every change
 * can be undone. Each setter emits the matching notification. */
RetortModule *_retort_module_new           (const RetortModuleKind *kind,
                                            const char             *id);
void          _retort_module_set_title     (RetortModule           *self,
                                            const char             *title);
void          _retort_module_set_position  (RetortModule           *self,
                                            double                  x,
                                            double                  y);
/* Takes a reference on @value, which must have been checked with
 * _retort_module_check_parameter(). */
void          _retort_module_set_parameter (RetortModule           *self,
                                            const char             *name,
                                            JsonNode               *value);
/* Is @value acceptable for parameter @name (its JSON type, its choices)?
 * Errors are RETORT_ENGINE_ERROR_INVALID with a message naming the module. */
gboolean      _retort_module_check_parameter (RetortModule         *self,
                                              const char           *name,
                                              JsonNode             *value,
                                              GError              **error);

G_END_DECLS
