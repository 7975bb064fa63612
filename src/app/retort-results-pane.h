/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "retort-module.h"
#include "retort-scheduler.h"

G_BEGIN_DECLS

#define RETORT_TYPE_RESULTS_PANE (retort_results_pane_get_type ())

G_DECLARE_FINAL_TYPE (RetortResultsPane, retort_results_pane, RETORT, RESULTS_PANE, GtkWidget)

/*
 * What the last run of one module gave: its state (live, from the
 * scheduler), how long it took, the full error of a failure, and the size
 * of each output.
 */
GtkWidget *retort_results_pane_new             (void);

/* @module: NULL when nothing is selected. */
void       retort_results_pane_set_module      (RetortResultsPane *self,
                                                RetortScheduler   *scheduler,
                                                RetortModule      *module);

/* "< 0.01 s", "0.42 s", "12.3 s", "1 min 3 s", "2 h 5 min". */
char      *retort_results_pane_format_duration (gint64 microseconds);

G_END_DECLS
