/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "retort-experiment.h"

G_BEGIN_DECLS

#define RETORT_TYPE_RECOVERY (retort_recovery_get_type ())

G_DECLARE_FINAL_TYPE (RetortRecovery, retort_recovery, RETORT, RECOVERY, GObject)

/*
 * A recovery copy of a document with unsaved changes, written by
 * RetortAutosave to $XDG_STATE_HOME/retort/recovery/ID.retort, with
 * ID.ini beside it naming the document it stands for and when it was
 * written. One found at startup was left there by a crash.
 */

/* The folder of the copies (transfer full). */
char             *retort_recovery_dup_dir           (void);
GFile            *retort_recovery_dup_copy_file     (const char           *id);
GFile            *retort_recovery_dup_info_file     (const char           *id);

/* Ids whose copies this process is writing: never offered as left by a
 * crash. */
void              retort_recovery_claim_id          (const char           *id);
void              retort_recovery_release_id        (const char           *id);

/* The copies in the folder that no document of this process claims, newest
 * first: a GPtrArray of RetortRecovery. Reads the folder on a thread. */
void              retort_recovery_list_async        (GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GPtrArray        *retort_recovery_list_finish       (GAsyncResult         *result,
                                                     GError              **error);

const char       *retort_recovery_get_id            (RetortRecovery       *self);
/* The document the copy stands for, or NULL for an untitled one. */
GFile            *retort_recovery_get_original      (RetortRecovery       *self);
GDateTime        *retort_recovery_get_time          (RetortRecovery       *self);
/* The name of the document, as a window title shows it. */
char             *retort_recovery_dup_display_name  (RetortRecovery       *self);

/* The copy as a document with unsaved changes, bound to the original:
 * saving it writes the original. The copy stays until then. */
RetortExperiment *retort_recovery_load              (RetortRecovery       *self,
                                                     GError              **error);
/* Deletes the copy. */
void              retort_recovery_discard           (RetortRecovery       *self);

G_END_DECLS
