/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "retort-engine-types.h"
#include "retort-module-kind.h"
#include "retort-module-run.h"

G_BEGIN_DECLS

/*
 * The scheduler's on-disk cache of module outputs: DIR/<hash>/ holds one
 * file per output port (tables as table files, zip bytes, console text and
 * PNGs) and outputs.json, which says what each file is (and where a
 * console's stderr text lies: "stderr": [[start, end], ...] in bytes). An entry appears
 * whole or not at all (written in a temporary directory, then renamed), so
 * a crash mid-write or two Retorts writing the same entry never leave a
 * half entry behind.
 */

/* The outputs of one run, detached from it so that a thread may write them. */
typedef struct
{
  RetortPortType  type;
  RetortTable    *table;    /* RETORT_PORT_DATASET, or NULL */
  GBytes         *bytes;    /* RETORT_PORT_ZIP, or NULL */
  char           *console;  /* RETORT_PORT_DEVICE */
  /* RETORT_PORT_DEVICE: where stderr's text lies in the console (guint64
   * start, end pairs), or NULL when the run did not tell */
  GArray         *stderr_ranges;
  GPtrArray      *images;   /* RETORT_PORT_DEVICE: GBytes of PNG data */
} RetortCachedOutput;

typedef struct
{
  guint               n_outputs;
  RetortCachedOutput *outputs;
} RetortCachedOutputs;

RetortCachedOutputs *_retort_cached_outputs_from_run (RetortModuleRun      *run);
void                 _retort_cached_outputs_apply    (RetortCachedOutputs  *outputs,
                                                      RetortModuleRun      *run);
void                 _retort_cached_outputs_free     (RetortCachedOutputs  *outputs);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortCachedOutputs, _retort_cached_outputs_free)

/* NULL with G_IO_ERROR_NOT_FOUND when there is no entry for @hash; an entry
 * that does not match @kind's outputs or is damaged is an error too. */
RetortCachedOutputs *_retort_output_cache_read   (const char              *dir,
                                                  const char              *hash,
                                                  const RetortModuleKind  *kind,
                                                  GError                 **error);
/* Writes the entry in a thread. */
void                 _retort_output_cache_write_async  (const char           *dir,
                                                        const char           *hash,
                                                        RetortCachedOutputs  *outputs,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean             _retort_output_cache_write_finish (GAsyncResult         *result,
                                                        GError              **error);
gboolean             _retort_output_cache_write     (const char              *dir,
                                                     const char              *hash,
                                                     RetortCachedOutputs     *outputs,
                                                     GError                 **error);

G_END_DECLS
