/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-column-picker"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-column-picker.h"

struct _RetortColumnPicker
{
  AdwBin        parent_instance;

  /* Template widgets */
  GtkLabel     *hint_label;
  GtkListBox   *list_box;
  AdwEntryRow  *add_row;

  char        **available;   /* NULL: not known */
  char        **notes;
  GPtrArray    *chosen;      /* char*, in the order they were chosen */
  GPtrArray    *rows;        /* AdwActionRow*, one a name, above add_row */

  /* Set while the program (not the user) changes check boxes. */
  gboolean      updating;
};

G_DEFINE_FINAL_TYPE (RetortColumnPicker, retort_column_picker, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_chosen (RetortColumnPicker *self,
           const char         *name)
{
  return g_ptr_array_find_with_equal_func (self->chosen, name, g_str_equal, NULL);
}

static const char *
row_get_name (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "retort-name");
}

static GtkCheckButton *
row_get_check (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "retort-check");
}

static void
check_toggled_cb (RetortColumnPicker *self,
                  GParamSpec         *pspec,
                  GtkCheckButton     *check)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (check), ADW_TYPE_ACTION_ROW);
  const char *name = row_get_name (row);
  guint index;

  if (self->updating)
    return;

  if (gtk_check_button_get_active (check))
    {
      if (!is_chosen (self, name))
        g_ptr_array_add (self->chosen, g_strdup (name));
    }
  else if (g_ptr_array_find_with_equal_func (self->chosen, name, g_str_equal, &index))
    {
      g_ptr_array_remove_index (self->chosen, index);
    }

  g_signal_emit (self, signals[CHANGED], 0);
}

static void
add_name_row (RetortColumnPicker *self,
              const char         *name,
              const char         *note)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  gboolean known = self->available == NULL ||
                   g_strv_contains ((const char * const *) self->available, name);

  /* Column names are data, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  g_object_set_data_full (G_OBJECT (row), "retort-name", g_strdup (name), g_free);
  g_object_set_data (G_OBJECT (row), "retort-check", check);

  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), is_chosen (self, name));
  g_signal_connect_object (check, "notify::active", G_CALLBACK (check_toggled_cb), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);

  if (!known)
    note = _("not in the input");
  if (note != NULL)
    {
      GtkWidget *badge = gtk_label_new (note);

      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (badge, "badge");
      if (!known)
        gtk_widget_add_css_class (badge, "warning");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
    }

  gtk_list_box_insert (self->list_box, row, self->rows->len);
  g_ptr_array_add (self->rows, row);
}

static gboolean
has_row (RetortColumnPicker *self,
         const char         *name)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      if (g_str_equal (row_get_name (g_ptr_array_index (self->rows, i)), name))
        return TRUE;
    }

  return FALSE;
}

/* One row for every name there is to choose and every chosen name. */
static void
rebuild_rows (RetortColumnPicker *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    gtk_list_box_remove (self->list_box, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  self->updating = TRUE;
  for (guint i = 0; self->available != NULL && self->available[i] != NULL; i++)
    add_name_row (self, self->available[i], self->notes != NULL ? self->notes[i] : NULL);
  for (guint i = 0; i < self->chosen->len; i++)
    {
      const char *name = g_ptr_array_index (self->chosen, i);

      if (!has_row (self, name))
        add_name_row (self, name, NULL);
    }
  self->updating = FALSE;
}

static void
add_row_apply_cb (RetortColumnPicker *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->add_row));
  g_autofree char *name = g_strstrip (g_strdup (text));

  if (name[0] == '\0')
    return;

  gtk_editable_set_text (GTK_EDITABLE (self->add_row), "");
  if (is_chosen (self, name))
    return;

  g_ptr_array_add (self->chosen, g_strdup (name));
  if (has_row (self, name))
    {
      for (guint i = 0; i < self->rows->len; i++)
        {
          GtkWidget *row = g_ptr_array_index (self->rows, i);

          self->updating = TRUE;
          if (g_str_equal (row_get_name (row), name))
            gtk_check_button_set_active (row_get_check (row), TRUE);
          self->updating = FALSE;
        }
    }
  else
    {
      self->updating = TRUE;
      add_name_row (self, name, NULL);
      self->updating = FALSE;
    }

  g_signal_emit (self, signals[CHANGED], 0);
}

static void
retort_column_picker_dispose (GObject *object)
{
  RetortColumnPicker *self = RETORT_COLUMN_PICKER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), RETORT_TYPE_COLUMN_PICKER);
  g_clear_pointer (&self->available, g_strfreev);
  g_clear_pointer (&self->notes, g_strfreev);
  g_clear_pointer (&self->chosen, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (retort_column_picker_parent_class)->dispose (object);
}

static void
retort_column_picker_class_init (RetortColumnPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = retort_column_picker_dispose;

  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/retort/Retort/"
                                                             "ui/retort-column-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, RetortColumnPicker, hint_label);
  gtk_widget_class_bind_template_child (widget_class, RetortColumnPicker, list_box);
  gtk_widget_class_bind_template_child (widget_class, RetortColumnPicker, add_row);
  gtk_widget_class_bind_template_callback (widget_class, add_row_apply_cb);
}

static void
retort_column_picker_init (RetortColumnPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->chosen = g_ptr_array_new_with_free_func (g_free);
  self->rows = g_ptr_array_new ();
}

GtkWidget *
retort_column_picker_new (void)
{
  return g_object_new (RETORT_TYPE_COLUMN_PICKER, NULL);
}

static gboolean
strv_equal0 (const char * const *a,
             const char * const *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return g_strv_equal (a, b);
}

void
retort_column_picker_set_available (RetortColumnPicker *self,
                                    const char * const *names,
                                    const char * const *notes)
{
  g_return_if_fail (RETORT_IS_COLUMN_PICKER (self));

  /* Rebuilding on every refresh would lose the focused row. */
  if (strv_equal0 (names, (const char * const *) self->available) &&
      strv_equal0 (notes, (const char * const *) self->notes))
    return;

  g_clear_pointer (&self->available, g_strfreev);
  g_clear_pointer (&self->notes, g_strfreev);
  self->available = g_strdupv ((char **) names);
  self->notes = g_strdupv ((char **) notes);
  rebuild_rows (self);
}

void
retort_column_picker_set_hint (RetortColumnPicker *self,
                               const char         *hint)
{
  g_return_if_fail (RETORT_IS_COLUMN_PICKER (self));

  gtk_label_set_label (self->hint_label, hint);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), hint != NULL);
}

void
retort_column_picker_set_can_add (RetortColumnPicker *self,
                                  gboolean            can_add)
{
  g_return_if_fail (RETORT_IS_COLUMN_PICKER (self));

  gtk_widget_set_visible (GTK_WIDGET (self->add_row), can_add);
}

void
retort_column_picker_set_chosen (RetortColumnPicker *self,
                                 const char * const *names)
{
  gboolean needs_rows = FALSE;

  g_return_if_fail (RETORT_IS_COLUMN_PICKER (self));

  g_ptr_array_set_size (self->chosen, 0);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      if (!is_chosen (self, names[i]))
        g_ptr_array_add (self->chosen, g_strdup (names[i]));
      needs_rows |= !has_row (self, names[i]);
    }

  if (needs_rows)
    {
      rebuild_rows (self);
      return;
    }

  /* Same rows: only the check boxes change, and the focus stays. */
  self->updating = TRUE;
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      gtk_check_button_set_active (row_get_check (row), is_chosen (self, row_get_name (row)));
    }
  self->updating = FALSE;
}

char **
retort_column_picker_dup_chosen (RetortColumnPicker *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (RETORT_IS_COLUMN_PICKER (self), NULL);

  for (guint i = 0; i < self->chosen->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->chosen, i));

  return g_strv_builder_end (builder);
}
