/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Descriptors over a SOCK_SEQPACKET unix socket (doc/runner-protocol.md,
 * "Descriptors"): messages of a 4-byte little-endian count with that many
 * descriptors attached (SCM_RIGHTS), at most RETORT_FD_PASSING_MAX_PER_MESSAGE
 * each. They are always sent before the JSON message that refers to them,
 * so a receiver never waits for them. */
#define RETORT_FD_PASSING_MAX_PER_MESSAGE 253

/* A connected SOCK_SEQPACKET pair, close-on-exec. */
gboolean retort_fd_socket_pair (int      fds[2],
                                GError **error);
/* Sends @n_fds descriptors (the caller keeps its copies). */
gboolean retort_fd_send        (int        socket,
                                const int *fds,
                                guint      n_fds,
                                GError   **error);
/* Receives exactly @n_fds descriptors that were sent already (close-on-exec;
 * never blocks: missing ones are an error). On failure none is left open. */
gboolean retort_fd_receive     (int        socket,
                                int       *fds,
                                guint      n_fds,
                                GError   **error);
/* Receives and closes whatever descriptors are queued on @socket. */
void     retort_fd_drain       (int        socket);

G_END_DECLS
