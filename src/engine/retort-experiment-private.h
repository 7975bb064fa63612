/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "retort-experiment.h"

G_BEGIN_DECLS

/* The primitives commands are made of. They change the model and emit
 * its signals; they check nothing (commands were validated when made). */
void     _retort_experiment_insert_module     (RetortExperiment       *self,
                                               RetortModule           *module,
                                               guint                   index);
void     _retort_experiment_take_module       (RetortExperiment       *self,
                                               RetortModule           *module);
void     _retort_experiment_insert_connection (RetortExperiment       *self,
                                               const RetortConnection *connection);
void     _retort_experiment_delete_connection (RetortExperiment       *self,
                                               const RetortConnection *connection);
void     _retort_experiment_put_dataset       (RetortExperiment       *self,
                                               const char             *name,
                                               GBytes                 *contents);

/* A name usable as datasets/NAME in a zip and as a file name elsewhere. */
gboolean _retort_dataset_name_is_valid        (const char             *name);

/* Documents (retort-experiment-document.c): the counter behind module
 * ids, and the state after a save. */
guint    _retort_experiment_get_next_id       (RetortExperiment       *self);
void     _retort_experiment_set_next_id       (RetortExperiment       *self,
                                               guint                   next_id);
void     _retort_experiment_mark_saved        (RetortExperiment       *self,
                                               GFile                  *file);

G_END_DECLS
