/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-canvas"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-module-kind.h"
#include "retort-module-widget.h"

struct _RetortModuleWidget
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkBox            *inputs_box;
  GtkBox            *card;
  GtkBox            *outputs_box;
  GtkImage          *icon;
  GtkLabel          *title_label;
  GtkLabel          *kind_label;
  GtkBox            *badge_box;
  /* Made the first time the module runs: most cards never need one. */
  GtkWidget         *spinner;
  GtkImage          *badge_icon;

  RetortModule      *module;
  GPtrArray         *inputs;
  GPtrArray         *outputs;
  RetortModuleState  state;
};

G_DEFINE_FINAL_TYPE (RetortModuleWidget, retort_module_widget, GTK_TYPE_WIDGET)

static void
add_ports (RetortModuleWidget   *self,
           GtkBox               *box,
           GPtrArray            *dots,
           const RetortPortSpec *specs,
           guint                 n_specs,
           gboolean              output)
{
  for (guint i = 0; i < n_specs; i++)
    {
      GtkWidget *dot = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      g_autofree char *tooltip = NULL;
      g_autofree char *label = NULL;

      /* Translators: a port's tooltip: its name and the type of data it carries */
      tooltip = g_strdup_printf (_("%s (%s)"), _(specs[i].name), retort_port_type_get_title (specs[i].type));
      /* Setting a tooltip on a visible widget asks the display where the
       * pointer is (a round trip to the X server); a big experiment has
       * thousands of ports, and opening it took that many round trips. */
      gtk_widget_set_visible (dot, FALSE);
      gtk_widget_set_tooltip_text (dot, tooltip);
      gtk_widget_set_visible (dot, TRUE);
      /* A dot has no text of its own: its name says which way data flows. */
      label = output
        /* Translators: an output port's accessible name: its name, its type of data */
        ? g_strdup_printf (_("Output %s (%s)"), _(specs[i].name), retort_port_type_get_title (specs[i].type))
        /* Translators: an input port's accessible name: its name, its type of data */
        : g_strdup_printf (_("Input %s (%s)"), _(specs[i].name), retort_port_type_get_title (specs[i].type));
      gtk_accessible_update_property (GTK_ACCESSIBLE (dot),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
      gtk_widget_set_halign (dot, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (dot, "port");
      gtk_widget_add_css_class (dot, retort_port_type_to_string (specs[i].type));
      if (specs[i].optional)
        gtk_widget_add_css_class (dot, "optional");
      gtk_box_append (box, dot);
      g_ptr_array_add (dots, dot);
    }
}

static void
retort_module_widget_update_title (RetortModuleWidget *self)
{
  const RetortModuleKind *kind = retort_module_get_kind (self->module);
  const char *title = retort_module_get_title (self->module);
  g_autofree char *label = NULL;

  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->kind_label, _(kind->title));
  /* Translators: a module's accessible name: its title, then its kind */
  label = g_strdup_printf (_("%s, %s"), title, _(kind->title));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
retort_module_widget_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  RetortModuleWidget *self = RETORT_MODULE_WIDGET (widget);

  /* The port dots overlap the card's edges and must stay on top of it. */
  gtk_widget_snapshot_child (widget, GTK_WIDGET (self->card), snapshot);
  gtk_widget_snapshot_child (widget, GTK_WIDGET (self->inputs_box), snapshot);
  gtk_widget_snapshot_child (widget, GTK_WIDGET (self->outputs_box), snapshot);
}

static void
retort_module_widget_dispose (GObject *object)
{
  RetortModuleWidget *self = RETORT_MODULE_WIDGET (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), RETORT_TYPE_MODULE_WIDGET);
  g_clear_pointer (&self->inputs, g_ptr_array_unref);
  g_clear_pointer (&self->outputs, g_ptr_array_unref);
  g_clear_object (&self->module);

  G_OBJECT_CLASS (retort_module_widget_parent_class)->dispose (object);
}

static void
retort_module_widget_class_init (RetortModuleWidgetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = retort_module_widget_dispose;

  widget_class->snapshot = retort_module_widget_snapshot;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/retort/Retort/ui/retort-module-widget.ui");
  gtk_widget_class_bind_template_child (widget_class, RetortModuleWidget, inputs_box);
  gtk_widget_class_bind_template_child (widget_class, RetortModuleWidget, card);
  gtk_widget_class_bind_template_child (widget_class, RetortModuleWidget, outputs_box);
  gtk_widget_class_bind_template_child (widget_class, RetortModuleWidget, icon);
  gtk_widget_class_bind_template_child (widget_class, RetortModuleWidget, title_label);
  gtk_widget_class_bind_template_child (widget_class, RetortModuleWidget, kind_label);
  gtk_widget_class_bind_template_child (widget_class, RetortModuleWidget, badge_box);
  gtk_widget_class_bind_template_child (widget_class, RetortModuleWidget, badge_icon);

  gtk_widget_class_set_css_name (widget_class, "module");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
retort_module_widget_init (RetortModuleWidget *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->inputs = g_ptr_array_new ();
  self->outputs = g_ptr_array_new ();
}

GtkWidget *
retort_module_widget_new (RetortModule *module)
{
  RetortModuleWidget *self;
  const RetortModuleKind *kind;

  g_return_val_if_fail (RETORT_IS_MODULE (module), NULL);

  self = g_object_new (RETORT_TYPE_MODULE_WIDGET, NULL);
  self->module = g_object_ref (module);
  kind = retort_module_get_kind (module);

  gtk_image_set_from_icon_name (self->icon, kind->icon_name);
  add_ports (self, self->inputs_box, self->inputs, kind->inputs, kind->n_inputs, FALSE);
  add_ports (self, self->outputs_box, self->outputs, kind->outputs, kind->n_outputs, TRUE);
  retort_module_widget_update_title (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Not run"),
                                  -1);
  g_signal_connect_object (module, "notify::title",
                           G_CALLBACK (retort_module_widget_update_title), self,
                           G_CONNECT_SWAPPED);

  return GTK_WIDGET (self);
}

RetortModule *
retort_module_widget_get_module (RetortModuleWidget *self)
{
  g_return_val_if_fail (RETORT_IS_MODULE_WIDGET (self), NULL);

  return self->module;
}

GtkWidget *
retort_module_widget_get_port (RetortModuleWidget *self,
                               gboolean            output,
                               guint               index)
{
  GPtrArray *dots;

  g_return_val_if_fail (RETORT_IS_MODULE_WIDGET (self), NULL);

  dots = output ? self->outputs : self->inputs;
  return index < dots->len ? g_ptr_array_index (dots, index) : NULL;
}

RetortModuleState
retort_module_widget_get_state (RetortModuleWidget *self)
{
  g_return_val_if_fail (RETORT_IS_MODULE_WIDGET (self), RETORT_MODULE_STATE_NOT_RUN);

  return self->state;
}

void
retort_module_widget_set_state (RetortModuleWidget *self,
                                RetortModuleState   state,
                                const char         *message)
{
  static const char * const state_classes[] = {
    "queued", "running", "finished", "cached", "failed", "cancelled",
  };
  const char *icon_name = NULL;
  const char *tooltip = NULL;
  g_autofree char *description = NULL;

  g_return_if_fail (RETORT_IS_MODULE_WIDGET (self));

  self->state = state;
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->card), state_classes[i]);

  switch (state)
    {
    case RETORT_MODULE_STATE_QUEUED:
      icon_name = "content-loading-symbolic";
      tooltip = _("Queued");
      break;
    case RETORT_MODULE_STATE_RUNNING:
      tooltip = _("Running");
      break;
    case RETORT_MODULE_STATE_FINISHED:
      icon_name = "emblem-ok-symbolic";
      tooltip = _("Finished");
      break;
    case RETORT_MODULE_STATE_CACHED:
      icon_name = "emblem-ok-symbolic";
      tooltip = _("Finished (cached result)");
      break;
    case RETORT_MODULE_STATE_FAILED:
      icon_name = "dialog-error-symbolic";
      tooltip = message != NULL ? message : _("Failed");
      break;
    case RETORT_MODULE_STATE_CANCELLED:
      icon_name = "process-stop-symbolic";
      tooltip = _("Cancelled");
      break;
    case RETORT_MODULE_STATE_NOT_RUN:
    default:
      break;
    }

  /* The badge is the state for the eye; its description is for assistive
   * technologies, which read it after the module's name. */
  if (state == RETORT_MODULE_STATE_FAILED && message != NULL)
    /* Translators: a failed module's accessible description: why it failed */
    description = g_strdup_printf (_("Failed: %s"), message);
  else
    description = g_strdup (tooltip != NULL ? tooltip : _("Not run"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);

  if (state >= RETORT_MODULE_STATE_QUEUED && state <= RETORT_MODULE_STATE_CANCELLED)
    gtk_widget_add_css_class (GTK_WIDGET (self->card), state_classes[state - 1]);

  if (state == RETORT_MODULE_STATE_RUNNING && self->spinner == NULL)
    {
      /* The state is in the module's accessible description. */
      self->spinner = g_object_new (GTK_TYPE_SPINNER,
                                    "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                    NULL);
      gtk_box_append (self->badge_box, self->spinner);
    }
  if (self->spinner != NULL)
    {
      gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), state == RETORT_MODULE_STATE_RUNNING);
      gtk_widget_set_visible (self->spinner, state == RETORT_MODULE_STATE_RUNNING);
    }
  if (icon_name != NULL)
    gtk_image_set_from_icon_name (self->badge_icon, icon_name);
  gtk_widget_set_visible (GTK_WIDGET (self->badge_icon), icon_name != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->badge_box), tooltip);
}
