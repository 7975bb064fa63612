/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "retort-language-items.h"

RetortSyntaxIssue *
retort_syntax_issue_new (int         line,
                         int         column,
                         int         end_line,
                         int         end_column,
                         const char *message,
                         gboolean    warning)
{
  RetortSyntaxIssue *issue = g_new0 (RetortSyntaxIssue, 1);

  issue->line = line;
  issue->column = column;
  issue->end_line = end_line;
  issue->end_column = end_column;
  issue->message = g_strdup (message != NULL ? message : "");
  issue->warning = warning;
  return issue;
}

void
retort_syntax_issue_free (RetortSyntaxIssue *issue)
{
  if (issue == NULL)
    return;
  g_free (issue->message);
  g_free (issue);
}

RetortCompletionItem *
retort_completion_item_new (const char *text,
                            const char *kind,
                            const char *detail)
{
  RetortCompletionItem *item = g_new0 (RetortCompletionItem, 1);

  item->text = g_strdup (text);
  item->kind = g_strdup (kind != NULL ? kind : "statement");
  item->detail = g_strdup (detail != NULL ? detail : "");
  return item;
}

void
retort_completion_item_free (RetortCompletionItem *item)
{
  if (item == NULL)
    return;
  g_free (item->text);
  g_free (item->kind);
  g_free (item->detail);
  g_free (item);
}
