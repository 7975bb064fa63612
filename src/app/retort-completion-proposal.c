/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-script-editor"

#include "config.h"

#include "retort-completion-proposal.h"

struct _RetortCompletionProposal
{
  GObject  parent_instance;

  char    *text;
  char    *kind;
  char    *detail;
};

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
retort_completion_proposal_get_typed_text (GtkSourceCompletionProposal *proposal)
{
  return g_strdup (RETORT_COMPLETION_PROPOSAL (proposal)->text);
}

static void
proposal_iface_init (GtkSourceCompletionProposalInterface *iface)
{
  iface->get_typed_text = retort_completion_proposal_get_typed_text;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (RetortCompletionProposal, retort_completion_proposal, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GTK_SOURCE_TYPE_COMPLETION_PROPOSAL,
                                                      proposal_iface_init))

static void
retort_completion_proposal_finalize (GObject *object)
{
  RetortCompletionProposal *self = RETORT_COMPLETION_PROPOSAL (object);

  g_free (self->text);
  g_free (self->kind);
  g_free (self->detail);

  G_OBJECT_CLASS (retort_completion_proposal_parent_class)->finalize (object);
}

static void
retort_completion_proposal_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  RetortCompletionProposal *self = RETORT_COMPLETION_PROPOSAL (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
retort_completion_proposal_class_init (RetortCompletionProposalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = retort_completion_proposal_finalize;
  object_class->get_property = retort_completion_proposal_get_property;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
retort_completion_proposal_init (RetortCompletionProposal *self)
{
}

RetortCompletionProposal *
retort_completion_proposal_new (const char *text,
                                const char *kind,
                                const char *detail)
{
  RetortCompletionProposal *self = g_object_new (RETORT_TYPE_COMPLETION_PROPOSAL, NULL);

  self->text = g_strdup (text);
  self->kind = g_strdup (kind);
  self->detail = g_strdup (detail);

  return self;
}

const char *
retort_completion_proposal_get_text (RetortCompletionProposal *self)
{
  g_return_val_if_fail (RETORT_IS_COMPLETION_PROPOSAL (self), NULL);

  return self->text;
}

const char *
retort_completion_proposal_get_kind (RetortCompletionProposal *self)
{
  g_return_val_if_fail (RETORT_IS_COMPLETION_PROPOSAL (self), NULL);

  return self->kind;
}

const char *
retort_completion_proposal_get_detail (RetortCompletionProposal *self)
{
  g_return_val_if_fail (RETORT_IS_COMPLETION_PROPOSAL (self), NULL);

  return self->detail;
}
