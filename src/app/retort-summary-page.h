/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define RETORT_TYPE_SUMMARY_PAGE (retort_summary_page_get_type ())

G_DECLARE_FINAL_TYPE (RetortSummaryPage, retort_summary_page, RETORT, SUMMARY_PAGE, AdwBin)

/* Shows one row per column of a table: @summaries is a GPtrArray of
 * RetortColumnSummary* as retort_table_summarize() returns it. */
void retort_summary_page_set_summaries (RetortSummaryPage *self,
                                        GPtrArray         *summaries);

G_END_DECLS
