/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "retort-experiment.h"

G_BEGIN_DECLS

/* What the canvas puts on the clipboard: modules with their titles,
 * parameters and positions, and the connections between them, as JSON. */
#define RETORT_MODULE_CLIPBOARD_MIME_TYPE "application/x-retort-modules+json"

char      *retort_module_clipboard_serialize (RetortExperiment   *experiment,
                                              const char * const *module_ids);
/* Adds copies of the serialized modules moved by (@dx, @dy) and connects
 * them as they were, as one undo step. Returns the new modules' ids, or NULL
 * with an error (and the experiment unchanged) when @json is not something
 * serialize() wrote or an edit is refused. */
GPtrArray *retort_module_clipboard_paste     (RetortExperiment   *experiment,
                                              const char         *json,
                                              double              dx,
                                              double              dy,
                                              GError            **error);

G_END_DECLS
