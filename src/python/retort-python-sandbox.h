/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How the runner is confined (DESIGN.md §3, PLATFORM.md "Sandbox"). */
typedef enum
{
  RETORT_PYTHON_SANDBOX_NONE,     /* no sandbox: bwrap missing or turned off */
  RETORT_PYTHON_SANDBOX_BWRAP,    /* bubblewrap: the usual case */
  RETORT_PYTHON_SANDBOX_FLATPAK,  /* inside Flatpak, where bwrap cannot nest */
} RetortPythonSandboxMode;

/* Picks the sandbox: FLATPAK inside Flatpak, BWRAP when bwrap is on PATH,
 * NONE when @enabled is FALSE, RETORT_NO_SANDBOX=1 is set, or no sandbox
 * program exists. Logs plainly (g_message) why scripts run without one. */
RetortPythonSandboxMode _retort_python_sandbox_choose     (gboolean     enabled,
                                                           char       **program);

/* The argv that starts @runner (with @runner_args) confined by @mode: no
 * network, read-only /usr, a private /tmp, @session_dir (bound at its own
 * path) as the only writable place, @font_cache (may be NULL) read-only
 * and named by RETORT_MPL_CACHE. @program is what _choose() returned. */
GStrv                   _retort_python_sandbox_build_argv (RetortPythonSandboxMode   mode,
                                                           const char               *program,
                                                           const char               *runner,
                                                           const char * const       *runner_args,
                                                           const char               *session_dir,
                                                           const char               *font_cache);

G_END_DECLS
