/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `retort script SCRIPT.py [--in1 A.csv] [--in2 B.csv] [--bundle X.zip]
 * [--out DIR] [--timeout SECONDS] [--memory MB] [--no-sandbox]` */
int retort_script_command_run (int    argc,
                               char **argv);

G_END_DECLS
