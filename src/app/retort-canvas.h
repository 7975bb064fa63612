/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "retort-experiment.h"
#include "retort-scheduler.h"

G_BEGIN_DECLS

#define RETORT_TYPE_CANVAS (retort_canvas_get_type ())

G_DECLARE_FINAL_TYPE (RetortCanvas, retort_canvas, RETORT, CANVAS, GtkWidget)

/* Modules snap to this grid when they are moved (canvas units). */
#define RETORT_CANVAS_GRID 16

/* Shows an experiment: its modules as child widgets at their canvas
 * positions, its connections as curves. Panning and zooming change only how
 * the canvas maps to the screen; every edit (move, connect, delete, paste)
 * is an experiment command, so undo covers it.
 *
 * Actions (also in its context menus, with their shortcuts while the focus
 * is on the canvas): canvas.select-all (Ctrl+A), canvas.delete (Delete),
 * canvas.cut/copy/paste (Ctrl+X/C/V), canvas.duplicate (Ctrl+D),
 * canvas.zoom-fit (Ctrl+0), canvas.zoom-reset (Ctrl+1), canvas.zoom-in
 * (Ctrl+plus), canvas.zoom-out (Ctrl+minus). The module menu offers
 * win.run-selected, which the window provides.
 *
 * Signals:
 *   selection-changed ()
 *   module-activated (RetortModule *): double-click or Enter on a module
 */
GtkWidget        *retort_canvas_new            (void);
RetortExperiment *retort_canvas_get_experiment (RetortCanvas     *self);
void              retort_canvas_set_experiment (RetortCanvas     *self,
                                                RetortExperiment *experiment);
/* Module badges follow @scheduler's states (NULL: none). */
void              retort_canvas_set_scheduler  (RetortCanvas     *self,
                                                RetortScheduler  *scheduler);
RetortScheduler  *retort_canvas_get_scheduler  (RetortCanvas     *self);
/* The widget showing @module_id, or NULL. */
GtkWidget        *retort_canvas_get_module_widget (RetortCanvas  *self,
                                                   const char    *module_id);
/* Adds a module of @kind_id at a point of the widget (NAN, NAN: the middle
 * of the view), snapped to the grid, then selects and focuses it. */
RetortModule     *retort_canvas_add_module     (RetortCanvas     *self,
                                                const char       *kind_id,
                                                double            screen_x,
                                                double            screen_y,
                                                GError          **error);

/* Selection: modules, or one connection. */
void              retort_canvas_select_module  (RetortCanvas     *self,
                                                const char       *module_id,
                                                gboolean          extend);
void              retort_canvas_select_connection (RetortCanvas  *self,
                                                const RetortConnection *connection);
void              retort_canvas_select_all     (RetortCanvas     *self);
void              retort_canvas_unselect_all   (RetortCanvas     *self);
/* The selected modules' ids in the experiment's order (transfer container). */
GPtrArray        *retort_canvas_get_selection  (RetortCanvas     *self);
/* The selected module when exactly one is selected, else NULL. */
RetortModule     *retort_canvas_get_selected_module (RetortCanvas *self);
const RetortConnection *retort_canvas_get_selected_connection (RetortCanvas *self);
/* Pastes modules from the clipboard (asynchronously: they appear, selected,
 * once the clipboard has been read). */
void              retort_canvas_paste          (RetortCanvas     *self);

double            retort_canvas_get_zoom       (RetortCanvas     *self);
void              retort_canvas_set_zoom       (RetortCanvas     *self,
                                                double            zoom);
/* Shows every module, no larger than 100 %. */
void              retort_canvas_zoom_to_fit    (RetortCanvas     *self);
void              retort_canvas_pan_by         (RetortCanvas     *self,
                                                double            dx,
                                                double            dy);
/* Canvas coordinates to the widget's, and back. */
void              retort_canvas_to_screen      (RetortCanvas     *self,
                                                double            x,
                                                double            y,
                                                double           *screen_x,
                                                double           *screen_y);
void              retort_canvas_from_screen    (RetortCanvas     *self,
                                                double            screen_x,
                                                double            screen_y,
                                                double           *x,
                                                double           *y);

G_END_DECLS
