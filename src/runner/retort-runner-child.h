/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One run child: a fork of the warm server in a process group of its own,
 * with its console and its answer coming back through pipes. */
typedef struct
{
  GPid pid;
  int  pidfd;        /* readable when the child exits; -1 when unsupported */
  int  stdout_fd;    /* read ends, non-blocking, -1 once closed */
  int  stderr_fd;
  int  event_fd;
  int  fd_socket;    /* descriptors of the result come here; -1: none */
} RetortRunnerChild;

/* Forks a child that runs @request_json through the harness and writes its
 * answer to the event pipe. @memory_mb (0: none) limits the address space
 * the script may add to what the warm process already maps. The child
 * closes @inherited_fds (the protocol) first thing; every other descriptor
 * of the server (the input tables' ones, say) it inherits. */
RetortRunnerChild *retort_runner_child_spawn (const char  *request_json,
                                              guint64      memory_mb,
                                              const int   *inherited_fds,
                                              guint        n_inherited_fds,
                                              GError     **error);
/* SIGKILL to the child's whole process group (it may have started others). */
void               retort_runner_child_kill  (RetortRunnerChild *child);
/* Closes the pipes; the child must have been reaped. */
void               retort_runner_child_free  (RetortRunnerChild *child);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortRunnerChild, retort_runner_child_free)

G_END_DECLS
