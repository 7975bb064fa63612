/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtksourceview/gtksource.h>

#include "retort-python-lib.h"

G_BEGIN_DECLS

#define RETORT_TYPE_SCRIPT_COMPLETION (retort_script_completion_get_type ())

G_DECLARE_FINAL_TYPE (RetortScriptCompletion, retort_script_completion, RETORT, SCRIPT_COMPLETION, GObject)

/*
 * What the script editor offers as you type (a GtkSourceCompletionProvider):
 *  - inside `dataframe1["` (any name, either quote): the column names of the
 *    datasets on the module's inputs, and nothing else;
 *  - elsewhere: Python's keywords and builtins, and what the language
 *    runner finds at the cursor (module attributes after `np.`, names of
 *    the script; with Debian's python3-jedi, jedi's completions).
 * The words already in the buffer come from GtkSourceCompletionWords.
 */
RetortScriptCompletion *retort_script_completion_new         (void);
/* The inputs' columns (NULL: none known). */
void                    retort_script_completion_set_columns (RetortScriptCompletion *self,
                                                              const char * const     *names);
void                    retort_script_completion_set_runner  (RetortScriptCompletion *self,
                                                              RetortPythonRunner     *runner);

G_END_DECLS
