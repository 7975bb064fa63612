/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "retort-experiment.h"

G_BEGIN_DECLS

#define RETORT_TYPE_AUTOSAVE (retort_autosave_get_type ())

/* How often a document with unsaved changes is copied for recovery. */
#define RETORT_AUTOSAVE_DEFAULT_INTERVAL_MS 60000

G_DECLARE_FINAL_TYPE (RetortAutosave, retort_autosave, RETORT, AUTOSAVE, GObject)

/*
 * Keeps a recovery copy (RetortRecovery) of an experiment while it has
 * unsaved changes, like GNOME Text Editor's drafts: the copy is written
 * an interval after the first change not yet copied, and deleted once the
 * document is saved (or back at its saved state).
 */

/* @id: of a recovered copy to keep writing, or NULL for a new one. */
RetortAutosave *retort_autosave_new          (RetortExperiment  *experiment,
                                              const char        *id);
const char     *retort_autosave_get_id       (RetortAutosave    *self);
/* Milliseconds; RETORT_AUTOSAVE_INTERVAL_MS in the environment overrides
 * the default (tests shorten it). */
guint           retort_autosave_get_interval (void);
/* Writes the copy now, if there are unsaved changes. */
gboolean        retort_autosave_save_now     (RetortAutosave    *self,
                                              GError           **error);
/* The changes are thrown away on purpose: deletes the copy and stops. */
void            retort_autosave_discard      (RetortAutosave    *self);

G_END_DECLS
