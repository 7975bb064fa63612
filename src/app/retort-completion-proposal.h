/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtksourceview/gtksource.h>

G_BEGIN_DECLS

#define RETORT_TYPE_COMPLETION_PROPOSAL (retort_completion_proposal_get_type ())

G_DECLARE_FINAL_TYPE (RetortCompletionProposal, retort_completion_proposal, RETORT, COMPLETION_PROPOSAL, GObject)

/* One word the script editor offers: its text, what it is ("keyword",
 * "builtin", "column", "function", "module"...) and a line about it. The
 * "text" property is what the list filters on. */
RetortCompletionProposal *retort_completion_proposal_new        (const char               *text,
                                                                 const char               *kind,
                                                                 const char               *detail);
const char               *retort_completion_proposal_get_text   (RetortCompletionProposal *self);
const char               *retort_completion_proposal_get_kind   (RetortCompletionProposal *self);
const char               *retort_completion_proposal_get_detail (RetortCompletionProposal *self);

G_END_DECLS
