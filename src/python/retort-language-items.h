/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the runner's language services answer (doc/runner-protocol.md,
 * Language services): plain structs, owned by the GPtrArray that
 * retort_python_runner_check_finish() and _complete_finish() return (its
 * free function frees them). Lines and columns are 1-based, counted in
 * characters; an issue ends before end_line:end_column. */
typedef struct
{
  int       line;
  int       column;
  int       end_line;
  int       end_column;
  char     *message;
  gboolean  warning;     /* TRUE: a warning (no azureml_main, a SyntaxWarning) */
} RetortSyntaxIssue;

typedef struct
{
  char *text;    /* the whole name, which replaces the word at the cursor */
  char *kind;    /* "function", "module", "class", "keyword", "instance",
                  * "statement", "param", "path" or "property" */
  char *detail;  /* a one-line signature or description; may be empty */
} RetortCompletionItem;

RetortSyntaxIssue    *retort_syntax_issue_new        (int                   line,
                                                      int                   column,
                                                      int                   end_line,
                                                      int                   end_column,
                                                      const char           *message,
                                                      gboolean              warning);
void                  retort_syntax_issue_free       (RetortSyntaxIssue    *issue);

RetortCompletionItem *retort_completion_item_new     (const char           *text,
                                                      const char           *kind,
                                                      const char           *detail);
void                  retort_completion_item_free    (RetortCompletionItem *item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortSyntaxIssue, retort_syntax_issue_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortCompletionItem, retort_completion_item_free)

G_END_DECLS
