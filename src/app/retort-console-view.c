/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-console-view"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-console-view-private.h"

/* How often text waiting to be shown is put into the buffer: about once a
 * frame. A script printing in a tight loop sends thousands of small
 * pieces a second; inserting each as it comes would lay out the view
 * thousands of times. */
#define FLUSH_INTERVAL_MS 16
/* The most bytes one flush inserts, so that a flood (or a finished run's
 * whole console) is shown over a few frames instead of in one long stall. */
#define FLUSH_BUDGET (128 * 1024)
/* Counting matches stops here: past it nobody steps through them one by
 * one, and tagging them all would make the search slow. */
#define MAX_MATCHES 10000
/* How close to the end (in pixels) still counts as "at the end". */
#define END_SLACK 8.0

typedef struct
{
  gboolean  is_stderr;
  GString  *text;
} Chunk;

struct _RetortConsoleView
{
  AdwBin             parent_instance;

  /* Template widgets */
  GtkSearchBar      *search_bar;
  GtkSearchEntry    *search_entry;
  GtkLabel          *search_status;
  GtkWidget         *previous_button;
  GtkWidget         *next_button;
  GtkStack          *stack;
  GtkScrolledWindow *scroller;
  GtkTextView       *text_view;
  GtkWidget         *tools;

  GtkTextBuffer     *buffer;
  GtkTextTag        *stderr_tag;
  GtkTextTag        *note_tag;
  GtkTextTag        *match_tag;
  GtkTextTag        *current_match_tag;

  /* Text appended but not yet in the buffer, in order. */
  GQueue             pending;
  gsize              pending_bytes;
  guint              flush_id;

  guint              max_chars;
  /* The buffer begins with a note of note_chars characters that earlier
   * output was removed. */
  gboolean           trimmed;
  int                note_chars;

  /* Whether new text scrolls the view to the end: true while the user is
   * at the end, false once they scrolled up to read. */
  gboolean           follow_end;

  /* The search: character offsets where matches start, the one selected. */
  char              *needle;
  glong              needle_chars;
  GArray            *matches;
  guint              current_match;
  gboolean           too_many_matches;
};

G_DEFINE_FINAL_TYPE (RetortConsoleView, retort_console_view, ADW_TYPE_BIN)

static void
chunk_free (Chunk *chunk)
{
  g_string_free (chunk->text, TRUE);
  g_free (chunk);
}

static void
update_empty (RetortConsoleView *self)
{
  gboolean empty = gtk_text_buffer_get_char_count (self->buffer) == 0 && self->pending_bytes == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "text");
  /* Nothing to search or copy: the buttons would only cover the empty state. */
  gtk_widget_set_visible (self->tools, !empty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.copy-all", !empty);
}

/* The tag colours come from the style, so they follow dark mode and high
 * contrast; libadwaita's own values are the fallback. */
static void
update_colors (RetortConsoleView *self)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (style);
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self->text_view));
  GdkRGBA error, match, current;

  if (!gtk_style_context_lookup_color (context, "error_color", &error))
    gdk_rgba_parse (&error, dark ? "#ff7b63" : "#c01c28");
  /* The yellow of libadwaita's warnings, translucent so the text stays
   * readable and a selected match still shows the selection colour. */
  gdk_rgba_parse (&match, dark ? "rgba(205,147,9,0.45)" : "rgba(246,211,45,0.5)");
  /* The selected match in libadwaita's orange, whether the text has the
   * focus (and shows its selection) or the search entry has it. */
  gdk_rgba_parse (&current, dark ? "rgba(255,120,0,0.75)" : "rgba(255,163,72,0.85)");

  g_object_set (self->stderr_tag, "foreground-rgba", &error, NULL);
  g_object_set (self->match_tag, "background-rgba", &match, NULL);
  g_object_set (self->current_match_tag, "background-rgba", &current, NULL);
}

static gboolean
update_colors_idle_cb (gpointer user_data)
{
  update_colors (user_data);
  return G_SOURCE_REMOVE;
}

static void
style_changed_cb (RetortConsoleView *self)
{
  update_colors (self);
  /* The style sheet of the new scheme may be applied only after the
   * notification: look again once it has been. */
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_colors_idle_cb,
                   g_object_ref (self), g_object_unref);
}

static gboolean
is_at_end (RetortConsoleView *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
         >= gtk_adjustment_get_upper (adjustment) - END_SLACK;
}

/* Where the view is, without GtkTextView's scrolling animation: the end
 * moves while the animation runs, and it would stop short of it. */
static void
snap_to_end (RetortConsoleView *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));
}

/* Back at the end, by whatever means: follow it again. Leaving the end is
 * only the user's doing when they asked for it (below): GtkTextView also
 * moves the value as it measures lines it had only estimated. */
static void
vadjustment_value_changed_cb (RetortConsoleView *self)
{
  if (is_at_end (self))
    self->follow_end = TRUE;
}

static void
stop_following (RetortConsoleView *self)
{
  self->follow_end = FALSE;
}

/* Wheel or touchpad towards the start. */
static gboolean
scroll_cb (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           RetortConsoleView        *self)
{
  if (dy < 0)
    stop_following (self);
  return FALSE;
}

/* Keys (Page Up, Ctrl+Home, Ctrl+End...) that scroll the scrolled window. */
static void
scroll_child_cb (RetortConsoleView *self,
                 GtkScrollType      scroll,
                 gboolean           horizontal)
{
  if (horizontal)
    return;

  switch (scroll)
    {
    case GTK_SCROLL_STEP_BACKWARD:
    case GTK_SCROLL_STEP_UP:
    case GTK_SCROLL_PAGE_BACKWARD:
    case GTK_SCROLL_PAGE_UP:
    case GTK_SCROLL_START:
      stop_following (self);
      break;

    case GTK_SCROLL_END:
      /* Its animation aims at where the end was when the key was pressed. */
      self->follow_end = TRUE;
      snap_to_end (self);
      break;

    default:
      break;
    }
}

/* The same keys when the text view has the focus. */
static gboolean
text_key_pressed_cb (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     RetortConsoleView     *self)
{
  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      stop_following (self);
      break;

    default:
      break;
    }

  return FALSE;
}

/* A press on the scrollbar or in the text (to select, which may scroll):
 * the user is reading; releasing at the end follows again. */
static void
pressed_cb (RetortConsoleView *self)
{
  stop_following (self);
}

static void
released_cb (RetortConsoleView *self)
{
  if (is_at_end (self))
    self->follow_end = TRUE;
}

/* The text grew (or the view was resized): stay at the end if following. */
static void
vadjustment_changed_cb (RetortConsoleView *self)
{
  if (self->follow_end && !is_at_end (self))
    snap_to_end (self);
}

/* Search */

static void
update_search_status (RetortConsoleView *self)
{
  guint n = self->matches->len;
  g_autofree char *status = NULL;

  if (self->needle == NULL)
    status = g_strdup ("");
  else if (n == 0)
    status = g_strdup (_("No results"));
  else if (self->too_many_matches)
    /* Translators: the match selected and how many were counted, e.g. "3 of 10000+" */
    status = g_strdup_printf (_("%u of %u+"), self->current_match + 1, n);
  else
    /* Translators: the match selected and how many there are, e.g. "3 of 12" */
    status = g_strdup_printf (_("%u of %u"), self->current_match + 1, n);

  gtk_label_set_label (self->search_status, status);
  gtk_widget_set_sensitive (self->previous_button, n > 0);
  gtk_widget_set_sensitive (self->next_button, n > 0);
}

/* Finds and tags the matches starting at or after @from_offset. */
static void
find_matches_from (RetortConsoleView *self,
                   int                from_offset)
{
  GtkTextIter iter, match_start, match_end;

  if (self->needle == NULL || self->too_many_matches)
    return;

  gtk_text_buffer_get_iter_at_offset (self->buffer, &iter, MAX (from_offset, 0));
  while (gtk_text_iter_forward_search (&iter, self->needle,
                                       GTK_TEXT_SEARCH_CASE_INSENSITIVE | GTK_TEXT_SEARCH_TEXT_ONLY,
                                       &match_start, &match_end, NULL))
    {
      int offset = gtk_text_iter_get_offset (&match_start);

      if (self->matches->len == MAX_MATCHES)
        {
          self->too_many_matches = TRUE;
          break;
        }
      g_array_append_val (self->matches, offset);
      gtk_text_buffer_apply_tag (self->buffer, self->match_tag, &match_start, &match_end);
      iter = match_end;
    }
}

static void
select_current_match (RetortConsoleView *self)
{
  GtkTextIter start, end;
  int offset;

  if (self->matches->len == 0)
    return;

  offset = g_array_index (self->matches, int, self->current_match);
  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  gtk_text_buffer_remove_tag (self->buffer, self->current_match_tag, &start, &end);
  gtk_text_buffer_get_iter_at_offset (self->buffer, &start, offset);
  gtk_text_buffer_get_iter_at_offset (self->buffer, &end, offset + self->needle_chars);
  gtk_text_buffer_apply_tag (self->buffer, self->current_match_tag, &start, &end);
  gtk_text_buffer_select_range (self->buffer, &start, &end);
  /* Going to a match is reading: the view stays there as text arrives. */
  self->follow_end = FALSE;
  gtk_text_view_scroll_to_mark (self->text_view, gtk_text_buffer_get_insert (self->buffer),
                                0.1, FALSE, 0.0, 0.5);
}

static void
run_search (RetortConsoleView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  gtk_text_buffer_remove_tag (self->buffer, self->match_tag, &start, &end);
  gtk_text_buffer_remove_tag (self->buffer, self->current_match_tag, &start, &end);
  g_array_set_size (self->matches, 0);
  self->current_match = 0;
  self->too_many_matches = FALSE;
  g_clear_pointer (&self->needle, g_free);

  if (gtk_search_bar_get_search_mode (self->search_bar) && text[0] != '\0')
    {
      self->needle = g_strdup (text);
      self->needle_chars = g_utf8_strlen (text, -1);
      find_matches_from (self, 0);
      select_current_match (self);
    }

  update_search_status (self);
}

static void
search_changed_cb (RetortConsoleView *self)
{
  run_search (self);
}

static void
search_next_cb (RetortConsoleView *self)
{
  if (self->matches->len == 0)
    return;

  self->current_match = (self->current_match + 1) % self->matches->len;
  select_current_match (self);
  update_search_status (self);
}

static void
search_previous_cb (RetortConsoleView *self)
{
  if (self->matches->len == 0)
    return;

  self->current_match = (self->current_match + self->matches->len - 1) % self->matches->len;
  select_current_match (self);
  update_search_status (self);
}

static void
search_activate_cb (RetortConsoleView *self)
{
  search_next_cb (self);
}

static void
search_stop_cb (RetortConsoleView *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/* Shift+Enter in the entry goes back, as in GNOME Text Editor. */
static gboolean
search_key_pressed_cb (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       RetortConsoleView     *self)
{
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter) &&
      (state & GDK_SHIFT_MASK) != 0)
    {
      search_previous_cb (self);
      return TRUE;
    }

  return FALSE;
}

static void
search_stopped_cb (RetortConsoleView *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
search_mode_cb (RetortConsoleView *self)
{
  /* Closing the search removes its highlights; opening it searches again. */
  run_search (self);
}

/* Appending */

/* Removes the oldest whole lines so that the buffer holds about three
 * quarters of the cap, and says so at the top: the end of the output (an
 * error, a result) is what matters, and a buffer of hundreds of megabytes
 * would make every frame slow. */
static gboolean
trim (RetortConsoleView *self)
{
  int count = gtk_text_buffer_get_char_count (self->buffer);
  GtkTextIter start, end;

  if ((guint) count <= self->max_chars)
    return FALSE;

  if (!self->trimmed)
    {
      g_autofree char *note = g_strdup_printf ("%s\n",
                                               _("Earlier output was removed to keep the console fast."));

      gtk_text_buffer_get_start_iter (self->buffer, &start);
      gtk_text_buffer_insert_with_tags (self->buffer, &start, note, -1, self->note_tag, NULL);
      self->trimmed = TRUE;
      self->note_chars = g_utf8_strlen (note, -1);
    }

  count = gtk_text_buffer_get_char_count (self->buffer);
  gtk_text_buffer_get_iter_at_offset (self->buffer, &start, self->note_chars);
  gtk_text_buffer_get_iter_at_offset (self->buffer, &end,
                                      count - (int) (self->max_chars / 4 * 3));
  if (!gtk_text_iter_starts_line (&end))
    gtk_text_iter_forward_line (&end);
  gtk_text_buffer_delete (self->buffer, &start, &end);
  return TRUE;
}

/* Puts pending text into the buffer, at most FLUSH_BUDGET bytes of it. */
static void
flush (RetortConsoleView *self,
       gsize              budget)
{
  gboolean follow = self->follow_end || gtk_text_buffer_get_char_count (self->buffer) == 0;
  guint chars_before = gtk_text_buffer_get_char_count (self->buffer);
  gboolean trimmed;
  GtkTextIter end;

  while (budget > 0 && !g_queue_is_empty (&self->pending))
    {
      Chunk *chunk = g_queue_peek_head (&self->pending);
      gsize length = chunk->text->len;

      if (length > budget)
        {
          /* Split at a character boundary; the rest waits for the next frame. */
          const char *cut = g_utf8_find_prev_char (chunk->text->str, chunk->text->str + budget + 1);

          /* Not even one character fits: it waits for the next frame. */
          if (cut == NULL || cut == chunk->text->str)
            break;
          length = cut - chunk->text->str;
        }

      gtk_text_buffer_get_end_iter (self->buffer, &end);
      if (chunk->is_stderr)
        gtk_text_buffer_insert_with_tags (self->buffer, &end, chunk->text->str, length,
                                          self->stderr_tag, NULL);
      else
        gtk_text_buffer_insert (self->buffer, &end, chunk->text->str, length);

      self->pending_bytes -= length;
      budget = budget > length ? budget - length : 0;
      if (length == chunk->text->len)
        chunk_free (g_queue_pop_head (&self->pending));
      else
        g_string_erase (chunk->text, 0, length);
    }

  trimmed = trim (self);

  if (self->needle != NULL)
    {
      /* Removing text from the start moved every match. */
      if (trimmed)
        run_search (self);
      else
        {
          gboolean had_matches = self->matches->len > 0;

          find_matches_from (self, (int) chars_before - (int) self->needle_chars + 1);
          if (!had_matches)
            select_current_match (self);
          update_search_status (self);
        }
    }

  update_empty (self);

  if (follow)
    {
      self->follow_end = TRUE;
      snap_to_end (self);
    }
}

static gboolean
flush_cb (gpointer user_data)
{
  RetortConsoleView *self = user_data;

  flush (self, FLUSH_BUDGET);
  if (!g_queue_is_empty (&self->pending))
    return G_SOURCE_CONTINUE;

  self->flush_id = 0;
  return G_SOURCE_REMOVE;
}

static void
copy_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  RetortConsoleView *self = RETORT_CONSOLE_VIEW (widget);
  g_autofree char *text = retort_console_view_dup_text (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  retort_console_view_start_search (RETORT_CONSOLE_VIEW (widget));
}

static void
retort_console_view_dispose (GObject *object)
{
  RetortConsoleView *self = RETORT_CONSOLE_VIEW (object);

  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_queue_clear_full (&self->pending, (GDestroyNotify) chunk_free);
  self->pending_bytes = 0;

  /* The template's child is AdwBin's: let go of it there first, or both
   * would unparent it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), RETORT_TYPE_CONSOLE_VIEW);

  G_OBJECT_CLASS (retort_console_view_parent_class)->dispose (object);
}

static void
retort_console_view_finalize (GObject *object)
{
  RetortConsoleView *self = RETORT_CONSOLE_VIEW (object);

  g_clear_pointer (&self->matches, g_array_unref);
  g_clear_pointer (&self->needle, g_free);

  G_OBJECT_CLASS (retort_console_view_parent_class)->finalize (object);
}

static void
retort_console_view_class_init (RetortConsoleViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = retort_console_view_dispose;
  object_class->finalize = retort_console_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/retort/Retort/ui/retort-console-view.ui");
  gtk_widget_class_bind_template_child (widget_class, RetortConsoleView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, RetortConsoleView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, RetortConsoleView, search_status);
  gtk_widget_class_bind_template_child (widget_class, RetortConsoleView, previous_button);
  gtk_widget_class_bind_template_child (widget_class, RetortConsoleView, next_button);
  gtk_widget_class_bind_template_child (widget_class, RetortConsoleView, stack);
  gtk_widget_class_bind_template_child (widget_class, RetortConsoleView, scroller);
  gtk_widget_class_bind_template_child (widget_class, RetortConsoleView, text_view);
  gtk_widget_class_bind_template_child (widget_class, RetortConsoleView, tools);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_next_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_previous_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_stop_cb);

  gtk_widget_class_install_action (widget_class, "console.copy-all", NULL, copy_all_action);
  gtk_widget_class_install_action (widget_class, "console.search", NULL, search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "console.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "console.copy-all", NULL);
}

static void
retort_console_view_init (RetortConsoleView *self)
{
  GtkEventController *keys;
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->max_chars = RETORT_CONSOLE_VIEW_MAX_CHARS;
  self->follow_end = TRUE;
  self->matches = g_array_new (FALSE, FALSE, sizeof (int));
  g_queue_init (&self->pending);

  self->buffer = gtk_text_view_get_buffer (self->text_view);
  self->stderr_tag = gtk_text_buffer_create_tag (self->buffer, "stderr", NULL);
  self->note_tag = gtk_text_buffer_create_tag (self->buffer, "note",
                                               "style", PANGO_STYLE_ITALIC,
                                               "pixels-below-lines", 6,
                                               NULL);
  self->match_tag = gtk_text_buffer_create_tag (self->buffer, "search-match", NULL);
  /* Created last: it wins over the other match tag. */
  self->current_match_tag = gtk_text_buffer_create_tag (self->buffer, "current-search-match", NULL);

  /* Not gtk_search_bar_connect_entry(): the bar would focus the entry once
   * its reveal animation ends, selecting what was typed meanwhile, which the
   * next key then replaces. Escape (stop-search) closes the bar here. */
  g_signal_connect_object (self->search_entry, "stop-search",
                           G_CALLBACK (search_stopped_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_bar, "notify::search-mode-enabled",
                           G_CALLBACK (search_mode_cb), self, G_CONNECT_SWAPPED);
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (search_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scroller), controller);
  g_signal_connect_object (self->scroller, "scroll-child",
                           G_CALLBACK (scroll_child_cb), self, G_CONNECT_SWAPPED);
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (text_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), controller);
  controller = GTK_EVENT_CONTROLLER (gtk_gesture_click_new ());
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "pressed", G_CALLBACK (pressed_cb), self);
  g_signal_connect_swapped (controller, "released", G_CALLBACK (released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scroller), controller);

  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (vadjustment_value_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "changed",
                           G_CALLBACK (vadjustment_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::high-contrast",
                           G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
  update_colors (self);
  update_empty (self);
}

GtkWidget *
retort_console_view_new (void)
{
  return g_object_new (RETORT_TYPE_CONSOLE_VIEW, NULL);
}

void
retort_console_view_append (RetortConsoleView *self,
                            const char        *stream,
                            const char        *text)
{
  gboolean is_stderr;
  Chunk *last;
  gsize before;

  g_return_if_fail (RETORT_IS_CONSOLE_VIEW (self));

  if (text == NULL || text[0] == '\0')
    return;

  is_stderr = g_strcmp0 (stream, "stderr") == 0;
  last = g_queue_peek_tail (&self->pending);
  if (last == NULL || last->is_stderr != is_stderr)
    {
      last = g_new0 (Chunk, 1);
      last->is_stderr = is_stderr;
      last->text = g_string_new (NULL);
      g_queue_push_tail (&self->pending, last);
    }

  before = last->text->len;
  if (g_utf8_validate (text, -1, NULL))
    g_string_append (last->text, text);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (text, -1);

      g_string_append (last->text, valid);
    }
  self->pending_bytes += last->text->len - before;

  if (self->flush_id == 0)
    {
      self->flush_id = g_timeout_add (FLUSH_INTERVAL_MS, flush_cb, self);
      g_source_set_name_by_id (self->flush_id, "[retort] console flush");
    }

  if (gtk_text_buffer_get_char_count (self->buffer) == 0)
    update_empty (self);
}

void
retort_console_view_set_text (RetortConsoleView *self,
                              const char        *console)
{
  g_autofree char *shown = NULL;

  g_return_if_fail (RETORT_IS_CONSOLE_VIEW (self));

  /* A finished run's console is one text, without its streams; when it is
   * what streamed in while the run ran, what is shown stays, stderr still
   * in its colour. */
  shown = retort_console_view_dup_text (self);
  if (g_strcmp0 (shown, console != NULL ? console : "") == 0 && !self->trimmed)
    return;

  retort_console_view_clear (self);
  retort_console_view_append (self, "stdout", console);
}

void
retort_console_view_clear (RetortConsoleView *self)
{
  g_return_if_fail (RETORT_IS_CONSOLE_VIEW (self));

  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_queue_clear_full (&self->pending, (GDestroyNotify) chunk_free);
  self->pending_bytes = 0;
  self->trimmed = FALSE;
  self->note_chars = 0;
  self->follow_end = TRUE;
  gtk_text_buffer_set_text (self->buffer, "", 0);
  run_search (self);
  update_empty (self);
}

void
retort_console_view_start_search (RetortConsoleView *self)
{
  g_return_if_fail (RETORT_IS_CONSOLE_VIEW (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  /* Searching again for what the entry holds selects it for typing over. */
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

char *
retort_console_view_dup_text (RetortConsoleView *self)
{
  GString *text;
  GtkTextIter start, end;
  g_autofree char *shown = NULL;

  g_return_val_if_fail (RETORT_IS_CONSOLE_VIEW (self), NULL);

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  shown = gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
  text = g_string_new (shown);
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    g_string_append_len (text, ((Chunk *) l->data)->text->str, ((Chunk *) l->data)->text->len);

  return g_string_free (text, FALSE);
}

void
_retort_console_view_set_max_chars (RetortConsoleView *self,
                                    guint              max_chars)
{
  g_return_if_fail (RETORT_IS_CONSOLE_VIEW (self));

  self->max_chars = MAX (max_chars, 1024);
}

const char *
_retort_console_view_get_search_status (RetortConsoleView *self)
{
  g_return_val_if_fail (RETORT_IS_CONSOLE_VIEW (self), NULL);

  return gtk_label_get_label (self->search_status);
}
