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
 * the canvas maps to the screen; moving a module is an experiment command. */
GtkWidget        *retort_canvas_new            (void);
RetortExperiment *retort_canvas_get_experiment (RetortCanvas     *self);
void              retort_canvas_set_experiment (RetortCanvas     *self,
                                                RetortExperiment *experiment);
/* Module badges follow @scheduler's states (NULL: none). */
void              retort_canvas_set_scheduler  (RetortCanvas     *self,
                                                RetortScheduler  *scheduler);
/* The widget showing @module_id, or NULL. */
GtkWidget        *retort_canvas_get_module_widget (RetortCanvas  *self,
                                                   const char    *module_id);
double            retort_canvas_get_zoom       (RetortCanvas     *self);
void              retort_canvas_set_zoom       (RetortCanvas     *self,
                                                double            zoom);
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
