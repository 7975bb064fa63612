/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `retort inspect FILE.csv [--delimiter C] [--no-header] [--json]` */
int retort_inspect_command_run (int    argc,
                                char **argv);

G_END_DECLS
