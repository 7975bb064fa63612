/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define RETORT_TYPE_START_PAGE (retort_start_page_get_type ())

G_DECLARE_FINAL_TYPE (RetortStartPage, retort_start_page, RETORT, START_PAGE, AdwBin)

/*
 * What a window shows with nothing open: New Experiment, Open…, and the
 * recent experiments (win.open-recent with the document's URI), kept in
 * step with GtkRecentManager.
 */

G_END_DECLS
