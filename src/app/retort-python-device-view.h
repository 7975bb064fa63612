/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "retort-console-view.h"
#include "retort-image-gallery.h"

G_BEGIN_DECLS

#define RETORT_TYPE_PYTHON_DEVICE_VIEW (retort_python_device_view_get_type ())

G_DECLARE_FINAL_TYPE (RetortPythonDeviceView, retort_python_device_view, RETORT, PYTHON_DEVICE_VIEW, AdwBin)

/* The Python Device output of an Execute Python Script module: its console
 * and its images, one page each ("Console", "Images (N)"). While a script
 * runs, feed the scheduler's "console" signal to
 * retort_console_view_append() on retort_python_device_view_get_console(). */

GtkWidget              *retort_python_device_view_new         (void);

/* A finished run's output: the whole console (nullable) and its PNGs
 * (GBytes, nullable), as retort_module_run_get_output_console() and
 * _get_output_images() give them. */
void                    retort_python_device_view_set_output  (RetortPythonDeviceView *self,
                                                               const char             *console,
                                                               GPtrArray              *images);
/* Empties both pages, e.g. when a run starts. */
void                    retort_python_device_view_clear       (RetortPythonDeviceView *self);
RetortConsoleView      *retort_python_device_view_get_console (RetortPythonDeviceView *self);
RetortImageGallery     *retort_python_device_view_get_gallery (RetortPythonDeviceView *self);
/* Shows the "console" or the "images" page. */
void                    retort_python_device_view_set_page    (RetortPythonDeviceView *self,
                                                               const char             *page);
const char             *retort_python_device_view_get_page    (RetortPythonDeviceView *self);

G_END_DECLS
