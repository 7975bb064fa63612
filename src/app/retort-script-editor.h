/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <gtksourceview/gtksource.h>

#include "retort-engine-lib.h"
#include "retort-python-lib.h"

G_BEGIN_DECLS

#define RETORT_TYPE_SCRIPT_EDITOR (retort_script_editor_get_type ())

G_DECLARE_FINAL_TYPE (RetortScriptEditor, retort_script_editor, RETORT, SCRIPT_EDITOR, GtkWidget)

/*
 * The script of one Execute Python Script module in a GtkSourceView: every
 * edit is an edit of the experiment (one undo history, the document's), and
 * undo in the experiment shows here. Python highlighting, line numbers,
 * 4-space indentation (pasted tabs become spaces), bracket matching, search
 * and replace (Ctrl+F, Ctrl+H), the style scheme of the light or dark style,
 * the font size of the "editor-font-size" setting.
 *
 * With a language runner, the script is compiled in it as it is typed and
 * syntax errors are underlined, with a mark in the gutter and the message
 * as a tooltip; completion offers Python's keywords and builtins, the
 * names in the script, what the runner finds, and the column names of the
 * datasets on the module's inputs (from their last run). With a scheduler,
 * the line where the last run failed is marked with the error until a run
 * succeeds.
 *
 * Signals:
 *   run-requested () on Ctrl+Return: run this module
 */
GtkWidget        *retort_script_editor_new                 (RetortExperiment   *experiment,
                                                            RetortModule       *module);
RetortModule     *retort_script_editor_get_module          (RetortScriptEditor *self);
GtkSourceView    *retort_script_editor_get_view            (RetortScriptEditor *self);
void              retort_script_editor_set_scheduler       (RetortScriptEditor *self,
                                                            RetortScheduler    *scheduler);
void              retort_script_editor_set_language_runner (RetortScriptEditor *self,
                                                            RetortPythonRunner *runner);
/* Puts the cursor at the start of @line (1-based), scrolls to it and
 * focuses the view. */
void              retort_script_editor_go_to_line          (RetortScriptEditor *self,
                                                            int                 line);
/* 1-based. */
int               retort_script_editor_get_cursor_line     (RetortScriptEditor *self);
/* The line the last run failed on (0: none) and its message. */
int               retort_script_editor_get_run_error_line  (RetortScriptEditor *self);
/* The syntax errors found so far: how many, and the message on @line
 * (NULL when there is none). */
guint             retort_script_editor_get_n_syntax_errors (RetortScriptEditor *self);
const char       *retort_script_editor_get_syntax_error    (RetortScriptEditor *self,
                                                            int                 line);

G_END_DECLS
