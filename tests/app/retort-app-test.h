/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "retort-application.h"
#include "retort-window.h"

G_BEGIN_DECLS

/* Helpers of the GUI tests that drive the application's windows (they link
 * the app library, which the helpers of retort-gui-test.h do not need). */

/* The application, registered without claiming its bus name (with
 * G_APPLICATION_NON_UNIQUE and @flags), so a test never talks to a Retort
 * that is running. Once per test program, after gtk_init_check(); the
 * caller gets a reference. */
RetortApplication *register_test_app (GApplicationFlags  flags);
/* What register_test_app() made. */
RetortApplication *test_app          (void);

/* A new window of the test app, presented. */
RetortWindow      *create_window     (void);
void               destroy_window    (RetortWindow      *window);
/* Sets @module's parameter @name to the string @value (asserting it is
 * taken), as an editor does. */
void               set_string_parameter (RetortExperiment *experiment,
                                         RetortModule     *module,
                                         const char       *name,
                                         const char       *value);

/* Opens @path as Open… does and waits for the window to show the outcome. */
gboolean           open_file         (RetortWindow      *window,
                                      const char        *path,
                                      GError           **error);

G_END_DECLS
