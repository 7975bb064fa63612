/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "retort-experiment.h"

G_BEGIN_DECLS

/* One undo step: a label and the primitive changes it made, in order.
 * Redo replays them; undo plays their inverses backwards, so removing a
 * module (its connections first, then the module) comes back whole.
 * A group is one command holding the changes of several edits. Commands
 * are private to the engine: the app sees the experiment's undo API. */
typedef struct _RetortCommand RetortCommand;

RetortCommand *_retort_command_new           (const char             *label);
void           _retort_command_free          (RetortCommand          *self);
const char    *_retort_command_get_label     (RetortCommand          *self);
gboolean       _retort_command_is_empty      (RetortCommand          *self);

void           _retort_command_add_module    (RetortCommand          *self,
                                              RetortModule           *module,
                                              guint                   index);
void           _retort_command_remove_module (RetortCommand          *self,
                                              RetortModule           *module,
                                              guint                   index);
void           _retort_command_connect       (RetortCommand          *self,
                                              const RetortConnection *connection);
void           _retort_command_disconnect    (RetortCommand          *self,
                                              const RetortConnection *connection);
void           _retort_command_move          (RetortCommand          *self,
                                              RetortModule           *module,
                                              double                  x,
                                              double                  y);
void           _retort_command_set_title     (RetortCommand          *self,
                                              RetortModule           *module,
                                              const char             *title);
void           _retort_command_set_parameter (RetortCommand          *self,
                                              RetortModule           *module,
                                              const char             *name,
                                              JsonNode               *value);
/* @contents NULL: no such dataset. */
void           _retort_command_set_dataset   (RetortCommand          *self,
                                              const char             *name,
                                              GBytes                 *old_contents,
                                              GBytes                 *contents);

/* Moves @other's changes to the end of @self (a group collecting edits). */
void           _retort_command_append        (RetortCommand          *self,
                                              RetortCommand          *other);

/* Does (or redoes) the changes from the first to the last. */
void           _retort_command_apply         (RetortCommand          *self,
                                              RetortExperiment       *experiment);
/* Undoes them from the last to the first. */
void           _retort_command_revert        (RetortCommand          *self,
                                              RetortExperiment       *experiment);

/* Typing: when @self and @next each set the same text or script parameter
 * of the same module, @self takes @next's new value (its old value stays)
 * and TRUE is returned; @next is then redundant. */
gboolean       _retort_command_merge         (RetortCommand          *self,
                                              RetortCommand          *next);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortCommand, _retort_command_free)

G_END_DECLS
