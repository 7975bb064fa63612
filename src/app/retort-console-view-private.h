/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "retort-console-view.h"

G_BEGIN_DECLS

/* For tests: a smaller cap than RETORT_CONSOLE_VIEW_MAX_CHARS. */
void        _retort_console_view_set_max_chars   (RetortConsoleView *self,
                                                  guint              max_chars);
/* What the search bar's status label says ("2 of 5", "No results", ""). */
const char *_retort_console_view_get_search_status (RetortConsoleView *self);

G_END_DECLS
