/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Serves requests from @in_fd, sends events to @out_fd, one run at a time,
 * until the client closes @in_fd or asks for `shutdown`. Returns FALSE
 * with @error when the client can no longer be talked to. @fd_channel
 * (-1: none) is the unix socket that tables cross as descriptors. */
gboolean retort_runner_server_run (int      in_fd,
                                   int      out_fd,
                                   int      fd_channel,
                                   GError **error);

G_END_DECLS
