/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "retort-experiment.h"
#include "retort-module.h"
#include "retort-scheduler.h"

G_BEGIN_DECLS

#define RETORT_TYPE_PROPERTIES_PANE (retort_properties_pane_get_type ())

G_DECLARE_FINAL_TYPE (RetortPropertiesPane, retort_properties_pane,
                      RETORT, PROPERTIES_PANE, GtkWidget)

/*
 * The settings of one module: its kind, its title and an editor per
 * parameter. Every change goes through the experiment (so it can be
 * undone); a value the experiment refuses shows its error at the editor.
 * The pane follows the model: undo, redo and edits made elsewhere show up
 * in the editors, and it empties itself when its module is removed.
 */
GtkWidget    *retort_properties_pane_new           (void);

/* @module: NULL when nothing is selected. */
void          retort_properties_pane_set_module    (RetortPropertiesPane *self,
                                                    RetortExperiment     *experiment,
                                                    RetortModule         *module);
RetortModule *retort_properties_pane_get_module    (RetortPropertiesPane *self);

/* Where column pickers find the columns of their input: the last run of
 * the upstream module. NULL: no runs, names are typed. */
void          retort_properties_pane_set_scheduler (RetortPropertiesPane *self,
                                                    RetortScheduler      *scheduler);

G_END_DECLS
