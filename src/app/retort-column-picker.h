/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define RETORT_TYPE_COLUMN_PICKER (retort_column_picker_get_type ())

G_DECLARE_FINAL_TYPE (RetortColumnPicker, retort_column_picker, RETORT, COLUMN_PICKER, AdwBin)

/*
 * Chooses names from a list — the columns of a table, with their types —
 * with a check box each; names that are not in the list (the table is not
 * known yet, or no longer has them) can be typed and stay listed.
 *
 * Signals:
 *   changed () when the user checks, unchecks or adds a name (never when
 *     the program calls the setters)
 */
GtkWidget  *retort_column_picker_new            (void);

/* The names to choose from, each with a short note (a column's type) or
 * NULL notes; NULL @names when they are not known. */
void        retort_column_picker_set_available  (RetortColumnPicker *self,
                                                 const char * const *names,
                                                 const char * const *notes);
/* Why the names are not listed and what to do about it; NULL hides it. */
void        retort_column_picker_set_hint       (RetortColumnPicker *self,
                                                 const char         *hint);

/* Whether names that are not available can be typed (the default). */
void        retort_column_picker_set_can_add    (RetortColumnPicker *self,
                                                 gboolean            can_add);

void        retort_column_picker_set_chosen     (RetortColumnPicker *self,
                                                 const char * const *names);
/* In the order they were chosen (free with g_strfreev). */
char      **retort_column_picker_dup_chosen     (RetortColumnPicker *self);

G_END_DECLS
