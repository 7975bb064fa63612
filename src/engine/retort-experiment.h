/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "retort-engine-types.h"
#include "retort-module.h"

G_BEGIN_DECLS

typedef struct
{
  char  *from_module;   /* module id */
  guint  from_port;     /* output port index */
  char  *to_module;
  guint  to_port;       /* input port index */
} RetortConnection;

GType             retort_connection_get_type (void) G_GNUC_CONST;
RetortConnection *retort_connection_copy     (const RetortConnection *connection);
void              retort_connection_free     (RetortConnection       *connection);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortConnection, retort_connection_free)

#define RETORT_TYPE_EXPERIMENT (retort_experiment_get_type ())

G_DECLARE_FINAL_TYPE (RetortExperiment, retort_experiment, RETORT, EXPERIMENT, GObject)

/*
 * An experiment: modules, the connections between their ports, and data
 * embedded in the document. Every edit is a command on the undo stack.
 *
 * Signals:
 *   module-added (RetortModule *), module-removed (RetortModule *),
 *   connection-added (RetortConnection *), connection-removed (RetortConnection *),
 *   changed () after any edit, undo or redo (also "notify::can-undo",
 *   "notify::can-redo", "notify::modified").
 */
RetortExperiment *retort_experiment_new              (void);

guint             retort_experiment_get_n_modules    (RetortExperiment  *self);
/* In the order they were added. */
RetortModule     *retort_experiment_get_module       (RetortExperiment  *self,
                                                      guint              index);
RetortModule     *retort_experiment_find_module      (RetortExperiment  *self,
                                                      const char        *id);
/* RetortConnection* (transfer none), in no particular order. */
GPtrArray        *retort_experiment_get_connections  (RetortExperiment  *self);
/* The connection feeding input @port of @module_id, or NULL. */
const RetortConnection *retort_experiment_find_source (RetortExperiment *self,
                                                      const char        *module_id,
                                                      guint              port);

/* Data embedded in the document (datasets/NAME in the .retort zip). */
GBytes           *retort_experiment_get_dataset      (RetortExperiment  *self,
                                                      const char        *name);
/* Names, sorted (transfer container). */
GPtrArray        *retort_experiment_list_datasets    (RetortExperiment  *self);

/* Where the document lives (relative paths in parameters start there);
 * NULL until loaded or saved. */
GFile            *retort_experiment_get_file         (RetortExperiment  *self);

/* Edits (commands). Each is validated first and refused with
 * RETORT_ENGINE_ERROR and a message; each can be undone. */
RetortModule     *retort_experiment_add_module       (RetortExperiment  *self,
                                                      const char        *kind_id,
                                                      double             x,
                                                      double             y,
                                                      GError           **error);
gboolean          retort_experiment_remove_module    (RetortExperiment  *self,
                                                      const char        *module_id,
                                                      GError           **error);
gboolean          retort_experiment_move_module      (RetortExperiment  *self,
                                                      const char        *module_id,
                                                      double             x,
                                                      double             y,
                                                      GError           **error);
gboolean          retort_experiment_set_title        (RetortExperiment  *self,
                                                      const char        *module_id,
                                                      const char        *title,
                                                      GError           **error);
/* Checks @value against the parameter's type (and choices). Consecutive
 * edits of the same text or script parameter merge into one undo step. */
gboolean          retort_experiment_set_parameter    (RetortExperiment  *self,
                                                      const char        *module_id,
                                                      const char        *name,
                                                      JsonNode          *value,
                                                      GError           **error);
gboolean          retort_experiment_connect          (RetortExperiment  *self,
                                                      const char        *from_module,
                                                      guint              from_port,
                                                      const char        *to_module,
                                                      guint              to_port,
                                                      GError           **error);
gboolean          retort_experiment_disconnect       (RetortExperiment  *self,
                                                      const char        *to_module,
                                                      guint              to_port,
                                                      GError           **error);
/* Without changing anything: would this connection be accepted? */
gboolean          retort_experiment_can_connect      (RetortExperiment  *self,
                                                      const char        *from_module,
                                                      guint              from_port,
                                                      const char        *to_module,
                                                      guint              to_port,
                                                      GError           **error);
gboolean          retort_experiment_set_dataset      (RetortExperiment  *self,
                                                      const char        *name,
                                                      GBytes            *contents,
                                                      GError           **error);

/* Ends the undo step that typing into a text or script parameter is
 * adding to: the next edit starts a new one (an editor calls it at a line's
 * end, after a pause, around a paste). */
void              retort_experiment_end_typing       (RetortExperiment  *self);

/* Several edits as one undo step (paste, delete a selection). */
void              retort_experiment_begin_group      (RetortExperiment  *self,
                                                      const char        *label);
void              retort_experiment_end_group        (RetortExperiment  *self);

gboolean          retort_experiment_can_undo         (RetortExperiment  *self);
gboolean          retort_experiment_can_redo         (RetortExperiment  *self);
/* The label of what undo would undo ("Add Import Data"), or NULL. */
const char       *retort_experiment_get_undo_label   (RetortExperiment  *self);
const char       *retort_experiment_get_redo_label   (RetortExperiment  *self);
gboolean          retort_experiment_undo             (RetortExperiment  *self);
gboolean          retort_experiment_redo             (RetortExperiment  *self);

/* Modules in an order where every module comes after its sources. */
GPtrArray        *retort_experiment_topological_order (RetortExperiment *self);

/* Documents (.retort: doc/experiment-format.md). Loading a damaged file
 * or one from a newer format version is an error that changes nothing on
 * disk. Saving is atomic: a temporary file, fsync, rename. */
RetortExperiment *retort_experiment_load             (GFile             *file,
                                                      GError           **error);
gboolean          retort_experiment_save             (RetortExperiment  *self,
                                                      GFile             *file,
                                                      GError           **error);
/* Edits since the last load or save. */
gboolean          retort_experiment_get_modified     (RetortExperiment  *self);

/* Recovery copies (drafts). save_copy writes the document as save does,
 * but the experiment keeps its file and its unsaved changes.
 * mark_unsaved binds a document loaded from such a copy to where it
 * belongs (@file, or NULL for an untitled one), with changes not yet saved
 * there. */
gboolean          retort_experiment_save_copy        (RetortExperiment  *self,
                                                      GFile             *file,
                                                      GError           **error);
void              retort_experiment_mark_unsaved     (RetortExperiment  *self,
                                                      GFile             *file);

G_END_DECLS
