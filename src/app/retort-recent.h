/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RETORT_RECENT_MAX_ITEMS 8
#define RETORT_EXPERIMENT_MIME_TYPE "application/x-retort"

/* Experiments in GtkRecentManager's default list. */
void       retort_recent_add_experiment   (GFile *file);
/* GtkRecentInfo (transfer full) of experiments that still exist locally,
 * most recently used first, at most RETORT_RECENT_MAX_ITEMS. */
GPtrArray *retort_recent_list_experiments (void);
/* The folder of @info, with the home folder shown as "~" (transfer full). */
char      *retort_recent_dup_location     (GtkRecentInfo *info);

G_END_DECLS
