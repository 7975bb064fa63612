/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Python Device output: the console streams stdout and stderr (stderr
 * coloured), keeps up with a flood, follows the end, searches and copies;
 * the gallery shows thumbnails, a large view that fits and zooms, saves
 * the original bytes and copies the image. Real widgets in a real window,
 * and one real run of a script through the scheduler and the runner. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "retort-application.h"
#include "retort-console-view-private.h"
#include "retort-engine-lib.h"
#include "retort-image-gallery.h"
#include "retort-image-view.h"
#include "retort-python-device-view.h"
#include "retort-app-test.h"
#include "retort-gui-test.h"

/* The longest one turn of the main loop may take while 1 MiB of console
 * output streams in: more would be a visible stutter. */
#define MAX_ITERATION_MS 100

static RetortApplication *app;
static char *tmp_dir;

typedef struct
{
  GtkWindow              *window;
  RetortPythonDeviceView *view;
  RetortConsoleView      *console;
  RetortImageGallery     *gallery;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->view = RETORT_PYTHON_DEVICE_VIEW (retort_python_device_view_new ());
  fixture->console = retort_python_device_view_get_console (fixture->view);
  fixture->gallery = retort_python_device_view_get_gallery (fixture->view);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 900, 600);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->view));
  gtk_window_present (fixture->window);
  wait_for_idle ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  wait_for_idle ();
}

static GtkTextView *
console_text_view (Fixture *fixture)
{
  return find_descendant (fixture->console, GTK_TYPE_TEXT_VIEW);
}

static char *
buffer_text (Fixture *fixture)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (console_text_view (fixture));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

typedef struct
{
  Fixture    *fixture;
  const char *expected;
} TextWait;

/* Everything appended is in the buffer, the one the user sees. */
static gboolean
buffer_has_text (gpointer data)
{
  TextWait *wait = data;
  g_autofree char *text = buffer_text (wait->fixture);

  return g_strcmp0 (text, wait->expected) == 0;
}

static void
wait_for_buffer (Fixture    *fixture,
                 const char *expected)
{
  TextWait wait = { fixture, expected };

  g_assert_true (wait_until_seconds (buffer_has_text, &wait, 10));
}

/* A few frames, so layout, scrolling and drawing settle. */
static void
wait_frames (guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_usleep (20000);
      wait_for_idle ();
    }
}

static gboolean
is_status_page_mapped (GtkWidget  *root,
                       const char *title)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new ();

  collect_descendants (root, ADW_TYPE_STATUS_PAGE, pages);
  for (guint i = 0; i < pages->len; i++)
    {
      AdwStatusPage *page = g_ptr_array_index (pages, i);

      if (g_strcmp0 (adw_status_page_get_title (page), title) == 0)
        return gtk_widget_get_mapped (GTK_WIDGET (page));
    }

  return FALSE;
}

static gboolean
rgba_close (const GdkRGBA *a,
            const GdkRGBA *b)
{
  return ABS (a->red - b->red) < 0.01 && ABS (a->green - b->green) < 0.01 &&
         ABS (a->blue - b->blue) < 0.01;
}

/* Console */

static void
test_console_empty (Fixture       *fixture,
                    gconstpointer  data)
{
  g_assert_true (is_status_page_mapped (GTK_WIDGET (fixture->console), "No Console Output"));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (console_text_view (fixture))));

  retort_console_view_append (fixture->console, "stdout", "hello\n");
  wait_for_buffer (fixture, "hello\n");
  wait_for_idle ();
  g_assert_false (is_status_page_mapped (GTK_WIDGET (fixture->console), "No Console Output"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (console_text_view (fixture))));

  retort_console_view_clear (fixture->console);
  wait_for_idle ();
  g_assert_true (is_status_page_mapped (GTK_WIDGET (fixture->console), "No Console Output"));
}

/* stdout and stderr interleave in the order they came; stderr wears the
 * style's error colour, and the colour follows dark mode. */
static void
test_console_streams (Fixture       *fixture,
                      gconstpointer  data)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkTextView *text_view = console_text_view (fixture);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (text_view);
  GtkTextTag *stderr_tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "stderr");
  g_autofree char *text = NULL;
  GdkRGBA light_error, dark_error, *color = NULL;
  GtkTextIter iter;
  const char *expected = "loading data\nWarning: 3 rows dropped\nfitting\nTraceback: boom\n";

  retort_console_view_append (fixture->console, "stdout", "loading data\n");
  retort_console_view_append (fixture->console, "stderr", "Warning: 3 rows dropped\n");
  retort_console_view_append (fixture->console, "stdout", "fitting\n");
  retort_console_view_append (fixture->console, "stderr", "Traceback: boom\n");
  /* Until the next frame the text waits, but it is already the console's. */
  text = retort_console_view_dup_text (fixture->console);
  g_assert_cmpstr (text, ==, expected);
  wait_for_buffer (fixture, expected);

  g_assert_nonnull (stderr_tag);
  for (const char *p = expected; *p != '\0'; p++)
    {
      int offset = (int) (p - expected);
      gboolean in_stderr = (offset >= 13 && offset < 37) || offset >= 45;

      gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset);
      if (gtk_text_iter_has_tag (&iter, stderr_tag) != in_stderr)
        g_error ("offset %d (%c): stderr tag %d, expected %d", offset, *p,
                 gtk_text_iter_has_tag (&iter, stderr_tag), in_stderr);
    }

  /* The colour is libadwaita's error colour, light and dark. */
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  wait_frames (2);
  g_object_get (stderr_tag, "foreground-rgba", &color, NULL);
  light_error = *color;
  gdk_rgba_free (color);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  wait_frames (2);
  g_object_get (stderr_tag, "foreground-rgba", &color, NULL);
  dark_error = *color;
  gdk_rgba_free (color);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  g_assert_true (rgba_close (&light_error, &(GdkRGBA) { 0xc0 / 255., 0x1c / 255., 0x28 / 255., 1 }));
  g_assert_true (rgba_close (&dark_error, &(GdkRGBA) { 0xff / 255., 0x7b / 255., 0x63 / 255., 1 }));

  /* A finished run's console replaces what streamed in. */
  retort_console_view_set_text (fixture->console, "done\n");
  wait_for_buffer (fixture, "done\n");
}

typedef struct
{
  guint frames;
} Frames;

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  ((Frames *) user_data)->frames++;
  return G_SOURCE_CONTINUE;
}

/* A script printing 1 MiB in 10,000 pieces: the window keeps turning (no
 * turn of the main loop takes long) and every byte arrives, in order. */
static void
test_console_flood (Fixture       *fixture,
                    gconstpointer  data)
{
  const guint n_chunks = 10000;
  const gsize total = 1024 * 1024;
  g_autoptr(GString) expected = g_string_sized_new (total);
  GtkTextView *text_view = console_text_view (fixture);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (text_view);
  g_autofree char *shown = NULL;
  Frames frames = { 0 };
  gint64 max_iteration = 0, started, elapsed;
  guint next = 0, tick_id, iterations = 0;

  /* Pieces of 104 or 105 bytes, each a numbered line. */
  for (guint i = 0; i < n_chunks; i++)
    {
      gsize size = total / n_chunks + (i < total % n_chunks ? 1 : 0);
      g_autofree char *head = g_strdup_printf ("%s %05u ", i % 7 == 0 ? "err" : "out", i);

      g_string_append (expected, head);
      for (gsize j = strlen (head); j + 1 < size; j++)
        g_string_append_c (expected, 'a' + (char) ((i + j) % 26));
      g_string_append_c (expected, '\n');
    }
  g_assert_cmpuint (expected->len, ==, total);

  tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (text_view), count_frame_cb, &frames, NULL);
  started = g_get_monotonic_time ();

  /* As the scheduler would: a few pieces each time the pipe is read. */
  while ((guint) gtk_text_buffer_get_char_count (buffer) < total)
    {
      gint64 before;

      for (guint k = 0; k < 50 && next < n_chunks; k++, next++)
        {
          gsize offset = next * (total / n_chunks) + MIN (next, total % n_chunks);
          gsize size = total / n_chunks + (next < total % n_chunks ? 1 : 0);
          g_autofree char *piece = g_strndup (expected->str + offset, size);

          retort_console_view_append (fixture->console, next % 7 == 0 ? "stderr" : "stdout", piece);
        }

      before = g_get_monotonic_time ();
      g_main_context_iteration (NULL, TRUE);
      if (g_get_monotonic_time () - before > 40000)
        g_test_message ("turn %u took %.1f ms (%d characters shown)", iterations,
                        (g_get_monotonic_time () - before) / 1000.0,
                        gtk_text_buffer_get_char_count (buffer));
      max_iteration = MAX (max_iteration, g_get_monotonic_time () - before);
      iterations++;
      g_assert_cmpint (g_get_monotonic_time () - started, <, 60 * G_USEC_PER_SEC);
    }
  elapsed = g_get_monotonic_time () - started;
  gtk_widget_remove_tick_callback (GTK_WIDGET (text_view), tick_id);

  g_test_message ("1 MiB in %u pieces: %.0f ms, %u main loop turns, the longest %.1f ms, %u frames",
                  n_chunks, elapsed / 1000.0, iterations, max_iteration / 1000.0, frames.frames);
  g_assert_cmpint (max_iteration, <, MAX_ITERATION_MS * 1000);
  /* It drew while the text came in, not only at the end. */
  g_assert_cmpuint (frames.frames, >=, 5);

  shown = buffer_text (fixture);
  g_assert_cmpuint (strlen (shown), ==, total);
  g_assert_true (strcmp (shown, expected->str) == 0);
}

/* Beyond its cap the console keeps the end and says so at the top. */
static void
test_console_cap (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *shown = NULL;
  GtkTextView *text_view = console_text_view (fixture);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (text_view);

  _retort_console_view_set_max_chars (fixture->console, 10000);
  /* 20,000 characters: twice the cap. */
  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *line = g_strdup_printf ("line %04u\n", i);

      retort_console_view_append (fixture->console, "stdout", line);
    }
  wait_frames (10);
  while (strstr ((shown = buffer_text (fixture)), "line 1999\n") == NULL)
    {
      g_clear_pointer (&shown, g_free);
      wait_frames (1);
    }

  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), <=, 10000);
  g_assert_true (g_str_has_prefix (shown, "Earlier output was removed"));
  g_assert_null (strstr (shown, "line 0000\n"));
  /* Whole lines go: what follows the note is the start of a line. */
  g_assert_true (strstr (shown, "removed to keep the console fast.\nline ") != NULL);
  g_assert_true (g_str_has_suffix (shown, "line 1998\nline 1999\n"));
}

static gboolean
is_at_end (GtkAdjustment *adjustment)
{
  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
         >= gtk_adjustment_get_upper (adjustment) - 1;
}

static gboolean
at_end_cb (gpointer data)
{
  return gtk_adjustment_get_upper (data) > gtk_adjustment_get_page_size (data) && is_at_end (data);
}

static gboolean
at_start_cb (gpointer data)
{
  return gtk_adjustment_get_value (data) == 0;
}

static void
append_lines (Fixture *fixture,
              guint    from,
              guint    n)
{
  for (guint i = from; i < from + n; i++)
    {
      g_autofree char *line = g_strdup_printf ("step %u\n", i);

      retort_console_view_append (fixture->console, "stdout", line);
    }
}

/* New output scrolls into view while the user is at the end; once they
 * scroll up to read, it stays where they are; back at the end it follows. */
static void
test_console_autoscroll (Fixture       *fixture,
                         gconstpointer  data)
{
  /* The text view's own: the empty state's status page scrolls too. */
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (console_text_view (fixture)));
  double upper_before;
  gboolean handled;

  append_lines (fixture, 0, 400);
  g_assert_true (wait_until_seconds (at_end_cb, adjustment, 10));

  append_lines (fixture, 400, 100);
  wait_frames (5);
  g_assert_true (wait_until_seconds (at_end_cb, adjustment, 10));

  /* The user scrolls to the top (Ctrl+Home). */
  g_signal_emit_by_name (gtk_widget_get_ancestor (GTK_WIDGET (console_text_view (fixture)),
                                                  GTK_TYPE_SCROLLED_WINDOW),
                         "scroll-child", GTK_SCROLL_START, FALSE, &handled);
  g_assert_true (wait_until_seconds (at_start_cb, adjustment, 10));
  upper_before = gtk_adjustment_get_upper (adjustment);
  append_lines (fixture, 500, 100);
  wait_frames (10);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, upper_before);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);

  /* And back to the end (Ctrl+End). */
  g_signal_emit_by_name (gtk_widget_get_ancestor (GTK_WIDGET (console_text_view (fixture)),
                                                  GTK_TYPE_SCROLLED_WINDOW),
                         "scroll-child", GTK_SCROLL_END, FALSE, &handled);
  wait_frames (2);
  append_lines (fixture, 600, 100);
  wait_frames (5);
  g_assert_true (wait_until_seconds (at_end_cb, adjustment, 10));
}

typedef struct
{
  RetortConsoleView *console;
  const char        *status;
} StatusWait;

static gboolean
has_status (gpointer data)
{
  StatusWait *wait = data;

  return g_strcmp0 (_retort_console_view_get_search_status (wait->console), wait->status) == 0;
}

static void
assert_status (Fixture    *fixture,
               const char *status)
{
  StatusWait wait = { fixture->console, status };

  if (!wait_until_seconds (has_status, &wait, 5))
    g_error ("search status “%s”, expected “%s”",
             _retort_console_view_get_search_status (fixture->console), status);
}

static char *
selected_text (Fixture *fixture)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (console_text_view (fixture));
  GtkTextIter start, end;

  if (!gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    return NULL;
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static GtkButton *
find_button_by_tooltip (GtkWidget  *root,
                        const char *prefix)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect_descendants (root, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_str_has_prefix (gtk_widget_get_tooltip_text (g_ptr_array_index (buttons, i)) ?: "", prefix))
      return g_ptr_array_index (buttons, i);

  g_error ("no button “%s…”", prefix);
}

/* As a click does (gtk_widget_activate() clicks only after a quarter of a second). */
static void
click (GtkButton *button)
{
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button)));
  g_signal_emit_by_name (button, "clicked");
}

/* Ctrl+F's action opens the search bar; matches are counted, highlighted
 * and stepped through with Enter and the buttons. */
static void
test_console_search (Fixture       *fixture,
                     gconstpointer  data)
{
  GtkSearchBar *search_bar = find_descendant (fixture->console, GTK_TYPE_SEARCH_BAR);
  GtkSearchEntry *entry = find_descendant (fixture->console, GTK_TYPE_SEARCH_ENTRY);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (console_text_view (fixture));
  GtkTextTag *match_tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "search-match");
  const char *text = "epoch 1 loss 0.9\nepoch 2 LOSS 0.5\nwarning: loss is noisy\nepoch 3 loss 0.2\n";
  g_autofree char *selected = NULL;
  GtkTextIter iter;

  retort_console_view_append (fixture->console, "stdout", text);
  wait_for_buffer (fixture, text);

  g_assert_false (gtk_search_bar_get_search_mode (search_bar));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (console_text_view (fixture)),
                                             "console.search", NULL));
  wait_for_idle ();
  g_assert_true (gtk_search_bar_get_search_mode (search_bar));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (entry)) ||
                 gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)),
                                         GTK_WIDGET (entry)));

  gtk_editable_set_text (GTK_EDITABLE (entry), "loss");
  assert_status (fixture, "1 of 4");
  selected = selected_text (fixture);
  g_assert_cmpstr (selected, ==, "loss");
  g_clear_pointer (&selected, g_free);
  /* Every match is highlighted. */
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 25);
  g_assert_true (gtk_text_iter_has_tag (&iter, match_tag));
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 2);
  g_assert_false (gtk_text_iter_has_tag (&iter, match_tag));

  /* Enter: the next one, the one in capitals. */
  g_signal_emit_by_name (entry, "activate");
  assert_status (fixture, "2 of 4");
  selected = selected_text (fixture);
  g_assert_cmpstr (selected, ==, "LOSS");
  g_clear_pointer (&selected, g_free);

  /* Previous twice wraps round to the last. */
  click (find_button_by_tooltip (GTK_WIDGET (fixture->console), "Previous Match"));
  assert_status (fixture, "1 of 4");
  click (find_button_by_tooltip (GTK_WIDGET (fixture->console), "Previous Match"));
  assert_status (fixture, "4 of 4");
  click (find_button_by_tooltip (GTK_WIDGET (fixture->console), "Next Match"));
  assert_status (fixture, "1 of 4");

  /* Output arriving while searching is searched too. */
  retort_console_view_append (fixture->console, "stderr", "final loss 0.1\n");
  assert_status (fixture, "1 of 5");

  gtk_editable_set_text (GTK_EDITABLE (entry), "accuracy");
  assert_status (fixture, "No results");

  /* Closing the search removes the highlights. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "loss");
  assert_status (fixture, "1 of 5");
  gtk_search_bar_set_search_mode (search_bar, FALSE);
  wait_for_idle ();
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 25);
  g_assert_false (gtk_text_iter_has_tag (&iter, match_tag));
}

static void
read_text_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  g_assert_no_error (error);
}

/* Copy All puts the whole console, both streams, on the clipboard. */
static void
test_console_copy_all (Fixture       *fixture,
                       gconstpointer  data)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (fixture->console));
  g_autofree char *text = NULL;
  const char *expected = "out 1\nerr 1\nout 2\n";

  gdk_clipboard_set_text (clipboard, "something else");
  retort_console_view_append (fixture->console, "stdout", "out 1\n");
  retort_console_view_append (fixture->console, "stderr", "err 1\n");
  retort_console_view_append (fixture->console, "stdout", "out 2\n");
  wait_for_buffer (fixture, expected);

  click (find_button_by_tooltip (GTK_WIDGET (fixture->console), "Copy All"));
  gdk_clipboard_read_text_async (clipboard, NULL, read_text_cb, &text);
  g_assert_true (wait_until_seconds (is_set, &text, 10));
  g_assert_cmpstr (text, ==, expected);
}

/* Gallery */

static cairo_status_t
write_png_cb (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* A PNG of @width × @height: a diagonal gradient and a frame, drawn with cairo. */
static GBytes *
make_png (int    width,
          int    height,
          double hue)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  cairo_pattern_t *gradient = cairo_pattern_create_linear (0, 0, width, height);
  GByteArray *png = g_byte_array_new ();

  cairo_pattern_add_color_stop_rgb (gradient, 0, hue, 0.4, 1 - hue);
  cairo_pattern_add_color_stop_rgb (gradient, 1, 1 - hue, 0.8, hue);
  cairo_set_source (cr, gradient);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  cairo_set_line_width (cr, 4);
  cairo_rectangle (cr, 2, 2, width - 4, height - 4);
  cairo_stroke (cr);
  cairo_pattern_destroy (gradient);
  cairo_destroy (cr);

  g_assert_cmpint (cairo_surface_write_to_png_stream (surface, write_png_cb, png), ==,
                   CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (png);
}

static GPtrArray *
make_pngs (void)
{
  GPtrArray *pngs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_ptr_array_add (pngs, make_png (320, 200, 0.1));
  g_ptr_array_add (pngs, make_png (1600, 1200, 0.5));
  g_ptr_array_add (pngs, make_png (200, 300, 0.9));
  return pngs;
}

static gboolean
thumbnails_decoded (gpointer data)
{
  g_autoptr(GPtrArray) pictures = g_ptr_array_new ();
  guint n = 0;

  collect_descendants (GTK_WIDGET (data), RETORT_TYPE_IMAGE_VIEW, pictures);
  for (guint i = 0; i < pictures->len; i++)
    if (retort_image_view_get_texture (g_ptr_array_index (pictures, i)) != NULL &&
        gtk_widget_get_mapped (g_ptr_array_index (pictures, i)))
      n++;

  return n == retort_image_gallery_get_n_images (data);
}

static void
show_images (Fixture   *fixture,
             GPtrArray *pngs)
{
  retort_python_device_view_set_output (fixture->view, "", pngs);
  g_assert_true (wait_until_seconds (thumbnails_decoded, fixture->gallery, 10));
  wait_for_idle ();
}

static GtkFlowBoxChild *
find_thumbnail (Fixture *fixture,
                guint    index)
{
  GtkFlowBox *flow_box = find_descendant (fixture->gallery, GTK_TYPE_FLOW_BOX);

  return gtk_flow_box_get_child_at_index (flow_box, index);
}

static void
test_gallery_empty (Fixture       *fixture,
                    gconstpointer  data)
{
  retort_python_device_view_set_page (fixture->view, "images");
  wait_for_idle ();
  g_assert_cmpuint (retort_image_gallery_get_n_images (fixture->gallery), ==, 0);
  g_assert_true (is_status_page_mapped (GTK_WIDGET (fixture->gallery), "No Images"));
}

/* N PNGs, N thumbnails, each with its picture, in order; the page says how many. */
static void
test_gallery_thumbnails (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) pngs = make_pngs ();
  g_autoptr(GPtrArray) children = g_ptr_array_new ();
  GtkStackSwitcher *switcher = find_descendant (fixture->view, GTK_TYPE_STACK_SWITCHER);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  gboolean found_title = FALSE;

  show_images (fixture, pngs);
  /* A script that only plots opens on its plots. */
  g_assert_cmpstr (retort_python_device_view_get_page (fixture->view), ==, "images");
  g_assert_cmpuint (retort_image_gallery_get_n_images (fixture->gallery), ==, 3);

  collect_descendants (GTK_WIDGET (fixture->gallery), GTK_TYPE_FLOW_BOX_CHILD, children);
  g_assert_cmpuint (children->len, ==, 3);
  for (guint i = 0; i < children->len; i++)
    {
      RetortImageView *picture = find_descendant (g_ptr_array_index (children, i), RETORT_TYPE_IMAGE_VIEW);
      GdkPaintable *paintable = GDK_PAINTABLE (retort_image_view_get_texture (picture));
      g_autoptr(GdkTexture) expected = gdk_texture_new_from_bytes (g_ptr_array_index (pngs, i), NULL);

      g_assert_true (gtk_widget_get_mapped (g_ptr_array_index (children, i)));
      g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, gdk_texture_get_width (expected));
      g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, gdk_texture_get_height (expected));
      g_assert_true (GDK_TEXTURE (paintable) == retort_image_gallery_get_texture (fixture->gallery, i));
    }

  collect_descendants (GTK_WIDGET (switcher), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    found_title |= g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, i)), "Images (3)") == 0;
  g_assert_true (found_title);
}

/* The viewport of the large view (the thumbnails have one too). */
static GtkWidget *
large_view_viewport (Fixture *fixture)
{
  g_autoptr(GPtrArray) views = g_ptr_array_new ();

  collect_descendants (GTK_WIDGET (fixture->gallery), RETORT_TYPE_IMAGE_VIEW, views);
  for (guint i = 0; i < views->len; i++)
    if (GTK_IS_VIEWPORT (gtk_widget_get_parent (g_ptr_array_index (views, i))))
      return gtk_widget_get_parent (g_ptr_array_index (views, i));

  g_assert_not_reached ();
}

static gboolean
is_large_view_shown (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_mapped (large_view_viewport (fixture)) &&
         gtk_widget_get_width (large_view_viewport (fixture)) > 0 &&
         retort_image_gallery_get_zoom (fixture->gallery) < 1.0;
}

/* Activating a thumbnail opens the large view, fitted; zooming in scales
 * it, Ctrl+0's action fits it again, Back returns to the thumbnails. */
static void
test_gallery_viewer (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) pngs = make_pngs ();
  GtkWidget *viewport;
  int view_width, view_height;
  double fit, zoomed;

  show_images (fixture, pngs);

  g_signal_emit_by_name (find_thumbnail (fixture, 1), "activate");
  g_assert_cmpint (retort_image_gallery_get_open_image (fixture->gallery), ==, 1);
  g_assert_true (retort_image_gallery_get_zoom_to_fit (fixture->gallery));
  g_assert_true (wait_until_seconds (is_large_view_shown, fixture, 10));
  wait_frames (3);

  /* The 1600 × 1200 image fits the area: as large as it can be, whole. */
  viewport = large_view_viewport (fixture);
  view_width = gtk_widget_get_width (viewport);
  view_height = gtk_widget_get_height (viewport);
  fit = retort_image_gallery_get_zoom (fixture->gallery);
  g_test_message ("viewer %d × %d, fit %.3f", view_width, view_height, fit);
  g_assert_cmpfloat (fit, ==, MIN ((double) view_width / 1600, (double) view_height / 1200));
  g_assert_cmpfloat (1600 * fit, <=, view_width + 0.5);
  g_assert_cmpfloat (1200 * fit, <=, view_height + 0.5);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->gallery), "gallery.zoom-in", NULL));
  wait_frames (3);
  zoomed = retort_image_gallery_get_zoom (fixture->gallery);
  g_assert_false (retort_image_gallery_get_zoom_to_fit (fixture->gallery));
  g_assert_cmpfloat_with_epsilon (zoomed, fit * 1.25, 1e-9);
  /* Larger than the area now: it scrolls. */
  g_assert_cmpfloat (gtk_adjustment_get_upper (gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (viewport))),
                     >=, floor (1600 * zoomed));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->gallery), "gallery.zoom-original", NULL));
  wait_frames (2);
  g_assert_cmpfloat (retort_image_gallery_get_zoom (fixture->gallery), ==, 1.0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->gallery), "gallery.zoom-fit", NULL));
  wait_frames (3);
  g_assert_true (retort_image_gallery_get_zoom_to_fit (fixture->gallery));
  g_assert_cmpfloat (retort_image_gallery_get_zoom (fixture->gallery), ==, fit);

  /* A small image is shown at its own size, not blown up. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->gallery), "gallery.next", NULL));
  wait_frames (3);
  g_assert_cmpint (retort_image_gallery_get_open_image (fixture->gallery), ==, 2);
  g_assert_cmpfloat (retort_image_gallery_get_zoom (fixture->gallery), ==, 1.0);

  click (find_button_by_tooltip (GTK_WIDGET (fixture->gallery), "All Images"));
  wait_for_idle ();
  g_assert_cmpint (retort_image_gallery_get_open_image (fixture->gallery), ==, -1);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (find_thumbnail (fixture, 2))));
  /* The keyboard is back on the thumbnail the user looked at. */
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (find_thumbnail (fixture, 2))));
}

/* Save As writes the PNG exactly as the script made it; a failure says
 * why and loses nothing. */
static void
test_gallery_save (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) pngs = make_pngs ();
  g_autofree char *path = g_build_filename (tmp_dir, "saved.png", NULL);
  g_autofree char *bad_path = g_build_filename (tmp_dir, "no-such-folder", "saved.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad_path);
  g_autoptr(GBytes) written = NULL;
  g_autoptr(GError) error = NULL;

  show_images (fixture, pngs);

  g_assert_true (retort_image_gallery_save_image (fixture->gallery, 1, file, &error));
  g_assert_no_error (error);
  written = g_file_load_bytes (file, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (written, g_ptr_array_index (pngs, 1)));

  g_assert_false (retort_image_gallery_save_image (fixture->gallery, 0, bad_file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_true (g_bytes_equal (retort_image_gallery_get_png (fixture->gallery, 0),
                                g_ptr_array_index (pngs, 0)));
}

static void
read_texture_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GdkTexture **texture = user_data;
  g_autoptr(GError) error = NULL;

  *texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (object), result, &error);
  g_assert_no_error (error);
}

/* Copy puts the image on the clipboard at its own size. */
static void
test_gallery_copy (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) pngs = make_pngs ();
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (fixture->gallery));
  g_autoptr(GdkTexture) texture = NULL;

  show_images (fixture, pngs);
  gdk_clipboard_set_text (clipboard, "not an image");

  retort_image_gallery_open_image (fixture->gallery, 0);
  wait_for_idle ();
  click (find_button_by_tooltip (GTK_WIDGET (fixture->gallery), "Copy Image"));

  gdk_clipboard_read_texture_async (clipboard, NULL, read_texture_cb, &texture);
  g_assert_true (wait_until_seconds (is_set, &texture, 10));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 320);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 200);
}

/* A real run */

#define DEVICE_SCRIPT \
  "import sys\n" \
  "import matplotlib\n" \
  "matplotlib.use(\"Agg\")\n" \
  "import matplotlib.pyplot as plt\n" \
  "\n" \
  "def azureml_main(dataframe1=None, dataframe2=None):\n" \
  "    print(\"hello from stdout\")\n" \
  "    print(\"careful: from stderr\", file=sys.stderr)\n" \
  "    fig, ax = plt.subplots(figsize=(4, 3))\n" \
  "    ax.plot([0, 1, 2], [1, 0, 2])\n" \
  "    fig.savefig(\"plot.png\", dpi=100)\n" \
  "    plt.close(fig)\n" \
  "    return None\n"

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} RunWait;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  RunWait *wait = user_data;

  wait->ok = retort_scheduler_run_finish (RETORT_SCHEDULER (object), result, &wait->error);
  wait->done = TRUE;
}

static gboolean
run_done (gpointer data)
{
  return ((RunWait *) data)->done;
}

static void
console_cb (RetortScheduler   *scheduler,
            const char        *module_id,
            const char        *stream,
            const char        *text,
            RetortConsoleView *console)
{
  retort_console_view_append (console, stream, text);
}

typedef struct
{
  RetortExperiment *experiment;
  RetortScheduler  *scheduler;
  const char       *module_id;
} ScriptRun;

static void
script_run_clear (ScriptRun *run)
{
  g_clear_object (&run->scheduler);
  g_clear_object (&run->experiment);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ScriptRun, script_run_clear)

/* Runs @source in an Execute Python Script module with the real scheduler
 * and runner, streaming its console into the view as the results pane
 * does. */
static void
run_script (Fixture    *fixture,
            const char *source,
            ScriptRun  *run)
{
  g_autoptr(GError) error = NULL;
  RetortModule *module;
  RunWait wait = { 0 };

  run->experiment = retort_experiment_new ();
  module = retort_experiment_add_module (run->experiment, "python-script", 40, 40, &error);
  g_assert_no_error (error);
  run->module_id = retort_module_get_id (module);
  set_string_parameter (run->experiment, module, "script", source);

  run->scheduler = retort_scheduler_new (run->experiment);
  retort_scheduler_set_cache_dir (run->scheduler, NULL);
  g_signal_connect (run->scheduler, "console", G_CALLBACK (console_cb), fixture->console);
  retort_python_device_view_clear (fixture->view);

  retort_scheduler_run_async (run->scheduler, NULL, NULL, run_cb, &wait);
  g_assert_true (wait_until_seconds (run_done, &wait, 120));
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
  wait_frames (3);
}

/* A script prints to both streams and saves a figure: the device view
 * streams the console live (stderr coloured), then shows the finished
 * run's console and its one PNG at the figure's size. */
static void
test_real_run (Fixture       *fixture,
               gconstpointer  data)
{
  g_auto(ScriptRun) script_run = { 0 };
  g_autofree char *streamed = NULL;
  g_autofree char *finished = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (console_text_view (fixture));
  GtkTextTag *stderr_tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "stderr");
  RetortModuleRun *run;
  GPtrArray *images;
  GdkTexture *texture;
  GtkTextIter iter;
  char *found;

  run_script (fixture, DEVICE_SCRIPT, &script_run);

  /* Live: both lines, the stderr one coloured. */
  streamed = buffer_text (fixture);
  g_test_message ("streamed console: %s", streamed);
  g_assert_nonnull (strstr (streamed, "hello from stdout\n"));
  found = strstr (streamed, "careful: from stderr");
  g_assert_nonnull (found);
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, g_utf8_pointer_to_offset (streamed, found) + 2);
  g_assert_true (gtk_text_iter_has_tag (&iter, stderr_tag));
  gtk_text_buffer_get_iter_at_offset (buffer, &iter,
                                      g_utf8_pointer_to_offset (streamed, strstr (streamed, "hello")) + 2);
  g_assert_false (gtk_text_iter_has_tag (&iter, stderr_tag));

  /* Finished: the run's outputs on port 2 (index 1). */
  run = retort_scheduler_get_run (script_run.scheduler, script_run.module_id);
  g_assert_nonnull (run);
  images = retort_module_run_get_output_images (run, 1);
  retort_python_device_view_set_output (fixture->view, retort_module_run_get_output_console (run, 1),
                                        images);
  finished = retort_console_view_dup_text (fixture->console);
  g_assert_nonnull (strstr (finished, "hello from stdout"));
  g_assert_nonnull (strstr (finished, "careful: from stderr"));
  /* It is what streamed in, so stderr keeps its colour. */
  g_assert_cmpstr (finished, ==, streamed);
  wait_for_idle ();
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, g_utf8_pointer_to_offset (streamed, found) + 2);
  g_assert_true (gtk_text_iter_has_tag (&iter, stderr_tag));

  g_assert_cmpuint (retort_image_gallery_get_n_images (fixture->gallery), ==, 1);
  /* It printed: the console stays in front; the images are one click away. */
  g_assert_cmpstr (retort_python_device_view_get_page (fixture->view), ==, "console");
  retort_python_device_view_set_page (fixture->view, "images");
  g_assert_true (wait_until_seconds (thumbnails_decoded, fixture->gallery, 10));
  texture = retort_image_gallery_get_texture (fixture->gallery, 0);
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 400);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 300);
  g_assert_true (memcmp (g_bytes_get_data (retort_image_gallery_get_png (fixture->gallery, 0), NULL),
                         "\x89PNG\r\n\x1a\n", 8) == 0);
}

#define SAMPLE_SCRIPT \
  "import sys\n" \
  "import numpy as np\n" \
  "import matplotlib\n" \
  "matplotlib.use(\"Agg\")\n" \
  "import matplotlib.pyplot as plt\n" \
  "\n" \
  "def azureml_main(dataframe1=None, dataframe2=None):\n" \
  "    rng = np.random.default_rng(7)\n" \
  "    print(\"Training on 768 rows, 8 features\")\n" \
  "    losses = []\n" \
  "    for epoch in range(1, 9):\n" \
  "        losses.append(0.9 / epoch + rng.normal(0, 0.01))\n" \
  "        print(f\"epoch {epoch}: loss {losses[-1]:.3f}  accuracy {0.6 + epoch * 0.04:.2f}\")\n" \
  "    print(\"UserWarning: 5 rows have a glucose of 0 and were dropped\", file=sys.stderr)\n" \
  "    fig, ax = plt.subplots(figsize=(6.4, 4.2))\n" \
  "    ax.plot(range(1, 9), losses, marker=\"o\")\n" \
  "    ax.set_xlabel(\"Epoch\")\n" \
  "    ax.set_ylabel(\"Loss\")\n" \
  "    ax.set_title(\"Training loss\")\n" \
  "    fig.tight_layout()\n" \
  "    fig.savefig(\"loss.png\", dpi=100)\n" \
  "    fig, ax = plt.subplots(figsize=(6.4, 4.2))\n" \
  "    ax.hist(rng.normal(120, 30, 768), bins=30, color=\"#3584e4\")\n" \
  "    ax.set_title(\"Glucose\")\n" \
  "    fig.tight_layout()\n" \
  "    fig.savefig(\"glucose.png\", dpi=100)\n" \
  "    plt.close(\"all\")\n" \
  "    print(\"Saved 2 figures\")\n" \
  "    return None\n"

/* Renders the window the way it is on screen; saved as @name into
 * $RETORT_SCREENSHOT_DIR when that is set, to look at. */
static void
render_window (Fixture    *fixture,
               const char *name)
{
  GtkWidget *widget = GTK_WIDGET (fixture->window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  const char *dir = g_getenv ("RETORT_SCREENSHOT_DIR");
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  wait_frames (4);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);

  if (dir != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_true (gdk_texture_save_to_png (texture, path));
      g_test_message ("saved %s", path);
    }
}

/* Every page, light and dark, with a real script's output: nothing
 * asserted beyond drawing without warnings; the pictures are for people. */
static void
test_render (Fixture       *fixture,
             gconstpointer  data)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_auto(ScriptRun) script_run = { 0 };
  RetortModuleRun *run;

  gtk_window_set_default_size (fixture->window, 760, 520);
  run_script (fixture, SAMPLE_SCRIPT, &script_run);
  run = retort_scheduler_get_run (script_run.scheduler, script_run.module_id);
  g_assert_nonnull (run);

  for (int dark = 0; dark < 2; dark++)
    {
      const char *suffix = dark ? "dark" : "light";
      g_autofree char *console_name = g_strdup_printf ("device-console-%s.png", suffix);
      g_autofree char *live_name = g_strdup_printf ("device-live-%s.png", suffix);
      g_autofree char *search_name = g_strdup_printf ("device-search-%s.png", suffix);
      g_autofree char *images_name = g_strdup_printf ("device-images-%s.png", suffix);
      g_autofree char *viewer_name = g_strdup_printf ("device-viewer-%s.png", suffix);
      g_autofree char *empty_name = g_strdup_printf ("device-empty-%s.png", suffix);
      GtkSearchEntry *entry = find_descendant (fixture->console, GTK_TYPE_SEARCH_ENTRY);
      g_auto(ScriptRun) live_run = { 0 };

      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                      : ADW_COLOR_SCHEME_FORCE_LIGHT);
      retort_python_device_view_clear (fixture->view);
      retort_python_device_view_set_page (fixture->view, "console");
      render_window (fixture, empty_name);

      /* As streamed: stdout and stderr apart. */
      run_script (fixture, SAMPLE_SCRIPT, &live_run);
      render_window (fixture, live_name);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->console), "console.search", NULL));
      gtk_editable_set_text (GTK_EDITABLE (entry), "loss");
      assert_status (fixture, "1 of 8");
      render_window (fixture, search_name);
      gtk_search_bar_set_search_mode (find_descendant (fixture->console, GTK_TYPE_SEARCH_BAR), FALSE);
      /* The search bar slides away. */
      wait_frames (20);

      retort_python_device_view_set_output (fixture->view,
                                            retort_module_run_get_output_console (run, 1),
                                            retort_module_run_get_output_images (run, 1));
      render_window (fixture, console_name);
      retort_python_device_view_set_page (fixture->view, "images");
      g_assert_true (wait_until_seconds (thumbnails_decoded, fixture->gallery, 10));
      render_window (fixture, images_name);
      retort_image_gallery_open_image (fixture->gallery, 0);
      render_window (fixture, viewer_name);
    }

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* GLib logs messages on stdout, where they would break TAP. */
  g_log_writer_default_set_use_stderr (TRUE);

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display (run the 'gui' suite under xvfb-run)\n");
      return 0;
    }

  /* The application's style sheet and libadwaita, as in the real app. */
  app = register_test_app (G_APPLICATION_DEFAULT_FLAGS);

  tmp_dir = g_dir_make_tmp ("retort-python-device-XXXXXX", &error);
  g_assert_no_error (error);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/python-device/console/empty", test_console_empty);
  ADD ("/python-device/console/streams", test_console_streams);
  ADD ("/python-device/console/flood", test_console_flood);
  ADD ("/python-device/console/cap", test_console_cap);
  ADD ("/python-device/console/autoscroll", test_console_autoscroll);
  ADD ("/python-device/console/search", test_console_search);
  ADD ("/python-device/console/copy-all", test_console_copy_all);
  ADD ("/python-device/gallery/empty", test_gallery_empty);
  ADD ("/python-device/gallery/thumbnails", test_gallery_thumbnails);
  ADD ("/python-device/gallery/viewer", test_gallery_viewer);
  ADD ("/python-device/gallery/save", test_gallery_save);
  ADD ("/python-device/gallery/copy", test_gallery_copy);
  ADD ("/python-device/real-run", test_real_run);
  ADD ("/python-device/render", test_render);
#undef ADD

  status = g_test_run ();

  {
    g_autoptr(GFile) dir = g_file_new_for_path (tmp_dir);
    g_autofree char *saved = g_build_filename (tmp_dir, "saved.png", NULL);

    g_unlink (saved);
    g_file_delete (dir, NULL, NULL);
  }
  g_clear_pointer (&tmp_dir, g_free);
  g_clear_object (&app);
  return status;
}
