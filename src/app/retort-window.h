/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "retort-application.h"
#include "retort-recovery.h"
#include "retort-script-editor.h"

G_BEGIN_DECLS

#define RETORT_TYPE_WINDOW (retort_window_get_type ())

G_DECLARE_FINAL_TYPE (RetortWindow, retort_window, RETORT, WINDOW, AdwApplicationWindow)

RetortWindow *retort_window_new              (RetortApplication    *application);

/* A .retort experiment is loaded (on the main thread: documents are small)
 * and shown on the canvas; anything else is read as CSV on a worker thread
 * and shown as its summary. Errors show on the error page, naming file, line
 * and column. Opening another file cancels a read still in progress. */
void          retort_window_open_file        (RetortWindow         *self,
                                              GFile                *file);
/* The same, with a callback once the page shows the result. */
void          retort_window_open_file_async  (RetortWindow         *self,
                                              GFile                *file,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean      retort_window_open_file_finish (RetortWindow         *self,
                                              GAsyncResult         *result,
                                              GError              **error);

/* Saves the experiment to @file, which becomes its file (Save As once a
 * file is chosen; save_as adds ".retort" when the chosen name lacks it). */
gboolean      retort_window_save_to_file     (RetortWindow         *self,
                                              GFile                *file,
                                              GError              **error);
gboolean      retort_window_save_as          (RetortWindow         *self,
                                              GFile                *file,
                                              GError              **error);
/* Shows a recovered copy as a document with unsaved changes. */
gboolean      retort_window_open_recovery    (RetortWindow         *self,
                                              RetortRecovery       *recovery,
                                              GError              **error);
/* Nothing is open: the window shows its start page. */
gboolean      retort_window_is_empty         (RetortWindow         *self);
/* The window of @application that shows the experiment saved in @file, or
 * NULL: opening a document twice brings its window forward instead. */
RetortWindow *retort_window_find_for_file    (GtkApplication       *application,
                                              GFile                *file);
/* Opens the script of @module (an Execute Python Script) in a tab next to
 * the canvas, or goes to its tab; @line > 0 puts the cursor there. */
RetortScriptEditor *retort_window_open_script (RetortWindow        *self,
                                               RetortModule        *module,
                                               int                  line);

G_END_DECLS
