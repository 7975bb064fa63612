/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-script-editor"

#include "config.h"

#include <string.h>

#include "retort-python-indenter.h"

#define INDENT_WIDTH 4

struct _RetortPythonIndenter
{
  GObject parent_instance;
};

static void indenter_iface_init (GtkSourceIndenterInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RetortPythonIndenter, retort_python_indenter, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GTK_SOURCE_TYPE_INDENTER, indenter_iface_init))

static gboolean
retort_python_indenter_is_trigger (GtkSourceIndenter *indenter,
                                   GtkSourceView     *view,
                                   const GtkTextIter *location,
                                   GdkModifierType    state,
                                   guint              keyval)
{
  /* Shift+Return too; Ctrl+Return runs the module. */
  return (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) == 0
         && (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter);
}

/* The code of @line without its comment and trailing blanks (a '#' in a
 * string is rare enough in a line that opens a block to be ignored). */
static char *
dup_code (const char *line)
{
  const char *hash = strchr (line, '#');
  char *code = hash != NULL ? g_strndup (line, hash - line) : g_strdup (line);

  return g_strchomp (code);
}

static gboolean
starts_with_word (const char *code,
                  const char *word)
{
  gsize length = strlen (word);

  return strncmp (code, word, length) == 0
         && (code[length] == '\0' || g_ascii_isspace (code[length]) || code[length] == '(');
}

/* Brackets opened and not closed on @code. */
static int
open_brackets (const char *code)
{
  int depth = 0;
  char quote = 0;

  for (const char *p = code; *p != '\0'; p++)
    {
      if (quote != 0)
        {
          if (*p == '\\' && p[1] != '\0')
            p++;
          else if (*p == quote)
            quote = 0;
        }
      else if (*p == '\'' || *p == '"')
        quote = *p;
      else if (strchr ("([{", *p) != NULL)
        depth++;
      else if (strchr (")]}", *p) != NULL)
        depth--;
    }

  return depth;
}

static void
retort_python_indenter_indent (GtkSourceIndenter *indenter,
                               GtkSourceView     *view,
                               GtkTextIter       *iter)
{
  GtkTextBuffer *buffer = gtk_text_iter_get_buffer (iter);
  GtkTextIter previous_start = *iter;
  GtkTextIter previous_end;
  g_autofree char *previous = NULL;
  g_autofree char *code = NULL;
  g_autofree char *indent = NULL;
  int width = 0;
  const char *p;

  /* @iter is at the start of the new line; the line before is what the
   * new one continues. */
  if (!gtk_text_iter_backward_line (&previous_start))
    return;
  previous_end = previous_start;
  if (!gtk_text_iter_ends_line (&previous_end))
    gtk_text_iter_forward_to_line_end (&previous_end);
  previous = gtk_text_iter_get_text (&previous_start, &previous_end);

  for (p = previous; *p == ' ' || *p == '\t'; p++)
    width += *p == '\t' ? INDENT_WIDTH - width % INDENT_WIDTH : 1;
  code = dup_code (p);

  if (g_str_has_suffix (code, ":") || open_brackets (code) > 0)
    width += INDENT_WIDTH;
  else if (starts_with_word (code, "return") || starts_with_word (code, "pass")
           || starts_with_word (code, "break") || starts_with_word (code, "continue")
           || starts_with_word (code, "raise"))
    width = MAX (0, width - INDENT_WIDTH);

  /* Whatever blanks the new line starts with are replaced. */
  {
    GtkTextIter blank_end = *iter;

    while (!gtk_text_iter_ends_line (&blank_end)
           && (gtk_text_iter_get_char (&blank_end) == ' ' || gtk_text_iter_get_char (&blank_end) == '\t'))
      gtk_text_iter_forward_char (&blank_end);
    if (!gtk_text_iter_equal (iter, &blank_end))
      gtk_text_buffer_delete (buffer, iter, &blank_end);
  }

  indent = g_strnfill (width, ' ');
  gtk_text_buffer_insert (buffer, iter, indent, -1);
}

static void
indenter_iface_init (GtkSourceIndenterInterface *iface)
{
  iface->is_trigger = retort_python_indenter_is_trigger;
  iface->indent = retort_python_indenter_indent;
}

static void
retort_python_indenter_class_init (RetortPythonIndenterClass *klass)
{
}

static void
retort_python_indenter_init (RetortPythonIndenter *self)
{
}

GtkSourceIndenter *
retort_python_indenter_new (void)
{
  return g_object_new (RETORT_TYPE_PYTHON_INDENTER, NULL);
}
