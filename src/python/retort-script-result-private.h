/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "retort-script-result.h"

G_BEGIN_DECLS

/* For the runner client: builds a result. @table may be NULL (empty);
 * @images is consumed; @error_event is the protocol's `error` event or NULL. */
RetortScriptResult *_retort_script_result_new             (RetortTable        *table,
                                                           GPtrArray          *images,
                                                           const char         *console,
                                                           guint64             elapsed_ms,
                                                           JsonObject         *error_event);
/* Maps a protocol error kind ("script", "memory"...) to a code; -1 when the
 * kind is not a script outcome (cancelled, protocol, busy, internal). */
int                 _retort_python_error_from_kind        (const char         *kind);

G_END_DECLS
