/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `retort run EXPERIMENT.retort [--set MODULE.PARAM=VALUE]... [--output DIR]
 * [--json] [--no-cache]` */
int retort_run_command_run (int    argc,
                            char **argv);

G_END_DECLS
