/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define RETORT_TYPE_CONSOLE_VIEW (retort_console_view_get_type ())

G_DECLARE_FINAL_TYPE (RetortConsoleView, retort_console_view, RETORT, CONSOLE_VIEW, AdwBin)

/* The console of a Python script: what it wrote to stdout and stderr, in
 * order, stderr in the style's error colour. Read-only, copyable and
 * searchable (Ctrl+F). Text appended while a script runs is shown once a
 * frame, so a script that prints in a tight loop does not freeze the
 * window; very long output keeps only its end (see
 * RETORT_CONSOLE_VIEW_MAX_CHARS). */

/* The most characters the console keeps: beyond it the oldest lines go,
 * and a note at the top says so. */
#define RETORT_CONSOLE_VIEW_MAX_CHARS (4 * 1024 * 1024)

GtkWidget *retort_console_view_new      (void);

/* Adds @text (UTF-8; invalid bytes are replaced) to the end; @stream is
 * "stdout" or "stderr". */
void       retort_console_view_append   (RetortConsoleView *self,
                                         const char        *stream,
                                         const char        *text);
/* Replaces everything with a finished run's whole console, or nothing when
 * @console is NULL. The finished console does not say which stream each
 * part came from: when it is the text that streamed in, the streamed text
 * (stderr coloured) stays; otherwise it is shown as stdout. */
void       retort_console_view_set_text (RetortConsoleView *self,
                                         const char        *console);
void       retort_console_view_clear    (RetortConsoleView *self);
/* Opens the search bar and focuses its entry: what Ctrl+F does when the
 * focus is in the console. An application accelerator for Ctrl+F (like
 * win.find-module) is handled before any widget sees the key, so its
 * action should call this when the focus is inside a console. */
void       retort_console_view_start_search (RetortConsoleView *self);
/* Everything the console shows, including text not drawn yet. */
char      *retort_console_view_dup_text (RetortConsoleView *self);

G_END_DECLS
