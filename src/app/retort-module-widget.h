/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "retort-module.h"

G_BEGIN_DECLS

#define RETORT_TYPE_MODULE_WIDGET (retort_module_widget_get_type ())

G_DECLARE_FINAL_TYPE (RetortModuleWidget, retort_module_widget, RETORT, MODULE_WIDGET, GtkWidget)

/* A module on the canvas: a card with its kind's icon, its title, its
 * ports as dots and the state of its last run. */
GtkWidget    *retort_module_widget_new            (RetortModule       *module);
RetortModule *retort_module_widget_get_module     (RetortModuleWidget *self);
/* @message: why it failed (a tooltip), or NULL. */
void          retort_module_widget_set_state      (RetortModuleWidget *self,
                                                   RetortModuleState   state,
                                                   const char         *message);
RetortModuleState retort_module_widget_get_state  (RetortModuleWidget *self);
/* The dot of input (@output FALSE) or output port @index, or NULL. */
GtkWidget    *retort_module_widget_get_port       (RetortModuleWidget *self,
                                                   gboolean            output,
                                                   guint               index);

G_END_DECLS
