/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtksourceview/gtksource.h>

G_BEGIN_DECLS

#define RETORT_TYPE_PYTHON_INDENTER (retort_python_indenter_get_type ())

G_DECLARE_FINAL_TYPE (RetortPythonIndenter, retort_python_indenter, RETORT, PYTHON_INDENTER, GObject)

/* Indents a new line of Python: as the line before, one level (four
 * spaces) more after a line ending with ":", an open bracket leaves the
 * line open, and one level less after return, pass, break, continue or
 * raise. */
GtkSourceIndenter *retort_python_indenter_new (void);

G_END_DECLS
