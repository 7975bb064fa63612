/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-palette"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "retort-module-kind.h"
#include "retort-palette.h"

struct _RetortPalette
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkSearchEntry    *search_entry;
  GtkScrolledWindow *scrolled_window;
  GtkListBox        *list_box;

  /* The casefolded words of the search; NULL shows every kind. */
  char             **search_words;
};

G_DEFINE_FINAL_TYPE (RetortPalette, retort_palette, GTK_TYPE_WIDGET)

enum {
  KIND_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A row's kind (static, owned by the registry) and the text a search looks
 * into: its title, description and category, translated and casefolded. */
static GQuark row_kind_quark (void);
static GQuark row_search_text_quark (void);
G_DEFINE_QUARK (retort-palette-kind, row_kind)
G_DEFINE_QUARK (retort-palette-search-text, row_search_text)

typedef char RetortModuleKindId;

static RetortModuleKindId *
retort_module_kind_id_copy (RetortModuleKindId *id)
{
  return g_strdup (id);
}

static void
retort_module_kind_id_free (RetortModuleKindId *id)
{
  g_free (id);
}

G_DEFINE_BOXED_TYPE (RetortModuleKindId, retort_module_kind_id,
                     retort_module_kind_id_copy, retort_module_kind_id_free)

/* Casefolded and normalized, so "SQL" finds "sql" and "é" finds "é". */
static char *
fold_for_search (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normalized, -1);
}

static const RetortModuleKind *
row_get_kind (GtkListBoxRow *row)
{
  return g_object_get_qdata (G_OBJECT (row), row_kind_quark ());
}

static gboolean
row_matches_search (RetortPalette *self,
                    GtkListBoxRow *row)
{
  const char *search_text = g_object_get_qdata (G_OBJECT (row), row_search_text_quark ());

  if (self->search_words == NULL)
    return TRUE;

  for (guint i = 0; self->search_words[i] != NULL; i++)
    if (strstr (search_text, self->search_words[i]) == NULL)
      return FALSE;

  return TRUE;
}

static gboolean
filter_row (GtkListBoxRow *row,
            gpointer       user_data)
{
  return row_matches_search (RETORT_PALETTE (user_data), row);
}

/* A category's heading above the first row of the category that the search
 * leaves visible: GtkListBox passes the previous visible row as @before. */
static void
update_row_header (GtkListBoxRow *row,
                   GtkListBoxRow *before,
                   gpointer       user_data)
{
  const RetortModuleKind *kind = row_get_kind (row);
  GtkWidget *header;

  if (before != NULL && g_strcmp0 (row_get_kind (before)->category, kind->category) == 0)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  header = gtk_list_box_row_get_header (row);
  if (header == NULL)
    {
      header = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (header), 0);
      gtk_label_set_ellipsize (GTK_LABEL (header), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (header, "palette-heading");
      gtk_widget_add_css_class (header, "caption-heading");
      gtk_widget_add_css_class (header, "dim-label");
      gtk_list_box_row_set_header (row, header);
    }
  gtk_label_set_label (GTK_LABEL (header), _(kind->category));
  /* The list's own padding is space enough above the first heading. */
  if (before == NULL)
    gtk_widget_add_css_class (header, "first");
  else
    gtk_widget_remove_css_class (header, "first");
}

static GtkListBoxRow *
retort_palette_get_first_visible_row (RetortPalette *self)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list_box, i)) != NULL; i++)
    if (row_matches_search (self, row))
      return row;

  return NULL;
}

static void
retort_palette_apply_search (RetortPalette *self,
                             const char    *text)
{
  g_autofree char *folded = fold_for_search (text != NULL ? text : "");
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (folded), " \t\n", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_strv_builder_add (builder, words[i]);

  g_clear_pointer (&self->search_words, g_strfreev);
  self->search_words = g_strv_builder_end (builder);
  if (self->search_words[0] == NULL)
    g_clear_pointer (&self->search_words, g_strfreev);

  gtk_list_box_invalidate_filter (self->list_box);
  gtk_list_box_invalidate_headers (self->list_box);
}

static void
on_search_changed (RetortPalette  *self,
                   GtkSearchEntry *entry)
{
  retort_palette_apply_search (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

/* Escape (the entry's stop-search) clears the search and shows every kind. */
static void
on_stop_search (RetortPalette  *self,
                GtkSearchEntry *entry)
{
  retort_palette_set_filter_text (self, NULL);
}

/* Enter in the search entry adds the first match, as Enter on it would. */
static void
on_search_activate (RetortPalette  *self,
                    GtkSearchEntry *entry)
{
  GtkListBoxRow *row = retort_palette_get_first_visible_row (self);

  if (row != NULL)
    g_signal_emit (self, signals[KIND_ACTIVATED], 0, row_get_kind (row)->id);
}

static gboolean
on_search_key_pressed (RetortPalette         *self,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       GtkEventControllerKey *controller)
{
  GtkListBoxRow *row;

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return GDK_EVENT_PROPAGATE;

  row = retort_palette_get_first_visible_row (self);
  if (row == NULL)
    return GDK_EVENT_PROPAGATE;

  gtk_widget_grab_focus (GTK_WIDGET (row));
  return GDK_EVENT_STOP;
}

static void
on_row_activated (RetortPalette *self,
                  GtkListBoxRow *row,
                  GtkListBox    *list_box)
{
  g_signal_emit (self, signals[KIND_ACTIVATED], 0, row_get_kind (row)->id);
}

/* What follows the pointer: a small card like the module it will become. */
static GtkWidget *
create_drag_card (const RetortModuleKind *kind)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *icon = gtk_image_new_from_icon_name (kind->icon_name);
  GtkWidget *title = gtk_label_new (_(kind->title));

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "palette-drag-card");
  gtk_widget_add_css_class (icon, "palette-drag-icon");
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (card), icon);
  gtk_box_append (GTK_BOX (card), title);

  return card;
}

static void
on_drag_begin (GtkDragSource *source,
               GdkDrag       *drag,
               gpointer       user_data)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  GtkWidget *drag_icon = gtk_drag_icon_get_for_drag (drag);

  gtk_drag_icon_set_child (GTK_DRAG_ICON (drag_icon),
                           create_drag_card (row_get_kind (GTK_LIST_BOX_ROW (row))));
  /* The card hangs from the pointer by its top left corner, off the cursor. */
  gdk_drag_set_hotspot (drag, -12, -12);
}

static GtkWidget *
create_row (const RetortModuleKind *kind)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name (kind->icon_name);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (_(kind->title));
  GtkWidget *description = gtk_label_new (_(kind->description));
  GtkDragSource *drag_source = gtk_drag_source_new ();
  g_autoptr(GdkContentProvider) content = NULL;
  g_autofree char *search_text = NULL;

  gtk_widget_add_css_class (box, "palette-row");
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  /* A wrapping label asks for little width: the row's is what it may use. */
  gtk_widget_set_hexpand (labels, TRUE);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);

  /* Two lines at most; the tooltip has the rest. */
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (description), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (description), 2);
  gtk_label_set_ellipsize (GTK_LABEL (description), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (description, "caption");
  gtk_widget_add_css_class (description, "dim-label");

  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (labels), description);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  gtk_widget_set_tooltip_text (row, _(kind->description));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(kind->title),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _(kind->description),
                                  -1);

  content = gdk_content_provider_new_typed (RETORT_TYPE_MODULE_KIND_ID, kind->id);
  gtk_drag_source_set_content (drag_source, content);
  gtk_drag_source_set_actions (drag_source, GDK_ACTION_COPY);
  g_signal_connect (drag_source, "drag-begin", G_CALLBACK (on_drag_begin), NULL);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (drag_source));

  search_text = g_strjoin ("\n", _(kind->title), _(kind->description), _(kind->category), NULL);
  g_object_set_qdata (G_OBJECT (row), row_kind_quark (), (gpointer) kind);
  g_object_set_qdata_full (G_OBJECT (row), row_search_text_quark (),
                           fold_for_search (search_text), g_free);

  return row;
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  retort_palette_focus_search (RETORT_PALETTE (widget));
}

static void
retort_palette_dispose (GObject *object)
{
  RetortPalette *self = RETORT_PALETTE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), RETORT_TYPE_PALETTE);
  g_clear_pointer (&self->search_words, g_strfreev);

  G_OBJECT_CLASS (retort_palette_parent_class)->dispose (object);
}

static void
retort_palette_class_init (RetortPaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = retort_palette_dispose;

  /**
   * RetortPalette::kind-activated:
   * @kind_id: the id of the module kind, "import-data"
   *
   * A row was double-clicked or activated with the keyboard: the user wants
   * a module of that kind.
   */
  signals[KIND_ACTIVATED] =
    g_signal_new ("kind-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/retort/Retort/ui/retort-palette.ui");
  gtk_widget_class_bind_template_child (widget_class, RetortPalette, search_entry);
  gtk_widget_class_bind_template_child (widget_class, RetortPalette, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, RetortPalette, list_box);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  gtk_widget_class_install_action (widget_class, "palette.focus-search", NULL,
                                   focus_search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "palette.focus-search", NULL);

  gtk_widget_class_set_css_name (widget_class, "palette");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
retort_palette_init (RetortPalette *self)
{
  const RetortModuleKind **kinds = retort_module_kind_list (NULL);
  GtkEventController *search_keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Down leaves the entry for the list; the entry's text would take it. */
  search_keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (search_keys, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (search_keys, "key-pressed",
                            G_CALLBACK (on_search_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), search_keys);
  /* Typing while a row has the focus goes on with the search. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));

  gtk_list_box_set_filter_func (self->list_box, filter_row, self, NULL);
  gtk_list_box_set_header_func (self->list_box, update_row_header, NULL, NULL);

  for (guint i = 0; kinds[i] != NULL; i++)
    gtk_list_box_append (self->list_box, create_row (kinds[i]));
}

GtkWidget *
retort_palette_new (void)
{
  return g_object_new (RETORT_TYPE_PALETTE, NULL);
}

void
retort_palette_focus_search (RetortPalette *self)
{
  g_return_if_fail (RETORT_IS_PALETTE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

void
retort_palette_set_filter_text (RetortPalette *self,
                                const char    *text)
{
  g_return_if_fail (RETORT_IS_PALETTE (self));

  if (text == NULL)
    text = "";

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  /* The entry says search-changed only after its delay. */
  retort_palette_apply_search (self, text);
}
