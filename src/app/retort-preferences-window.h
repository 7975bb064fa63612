/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define RETORT_TYPE_PREFERENCES_WINDOW (retort_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (RetortPreferencesWindow, retort_preferences_window,
                      RETORT, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWindow *retort_preferences_window_new (GSettings *settings);

G_END_DECLS
