/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when @arg names a subcommand (`inspect`, ...) or is `--version`:
 * those run without a display and never initialise GTK. */
gboolean retort_cli_is_command (const char *arg);

/* Runs `retort COMMAND [ARGS...]` and returns the process exit status:
 * 0 on success, 1 when the command failed, 2 on a usage error. */
int      retort_cli_run        (int         argc,
                                char      **argv);

G_END_DECLS
