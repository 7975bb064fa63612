/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define RETORT_TYPE_APPLICATION (retort_application_get_type ())

G_DECLARE_FINAL_TYPE (RetortApplication, retort_application, RETORT, APPLICATION, AdwApplication)

RetortApplication *retort_application_new          (void);
GSettings         *retort_application_get_settings (RetortApplication *self);

G_END_DECLS
