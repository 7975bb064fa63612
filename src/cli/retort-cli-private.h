/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses shared by every subcommand. */
#define RETORT_CLI_EXIT_SUCCESS 0
#define RETORT_CLI_EXIT_FAILURE 1
#define RETORT_CLI_EXIT_USAGE   2

/* A subcommand gets its own argv: argv[0] is the command name. */
typedef int (*RetortCliCommandFunc) (int    argc,
                                     char **argv);

/* Parses @argv with @context; on a usage error prints it with a hint to
 * stderr and returns FALSE (the command then exits with RETORT_CLI_EXIT_USAGE). */
gboolean _retort_cli_parse_options (GOptionContext  *context,
                                    const char      *command,
                                    int             *argc,
                                    char          ***argv);

/* Prints "retort COMMAND: MESSAGE" and the usage hint; returns RETORT_CLI_EXIT_USAGE. */
int      _retort_cli_usage_error   (const char      *command,
                                    const char      *format,
                                    ...) G_GNUC_PRINTF (2, 3);

/* Prints "retort COMMAND: MESSAGE" for a failed command; returns RETORT_CLI_EXIT_FAILURE. */
int      _retort_cli_failure       (const char      *command,
                                    const GError    *error);

/* Writes @text to stdout in full; FALSE (and a message) when stdout fails. */
gboolean _retort_cli_write_stdout  (const char      *text,
                                    gsize            length);

G_END_DECLS
