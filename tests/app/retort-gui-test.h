/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Helpers of the in-process GUI tests (suite 'gui'): waiting on the main
 * loop and finding widgets the way a user finds them on screen. */

typedef gboolean (*Condition) (gpointer data);

/* Runs the main loop until nothing is pending. */
void      wait_for_idle       (void);
/* Layout happens on the frame clock: waits until @widget has been laid
 * out again (two frames), then for idle. */
void      wait_for_layout     (gpointer    widget);
/* Runs the main loop until @condition holds; FALSE after @seconds. */
gboolean  wait_until_seconds  (Condition   condition,
                               gpointer    data,
                               guint       seconds);
/* The same with 30 seconds. */
gboolean  wait_until          (Condition   condition,
                               gpointer    data);
/* A Condition: whether the pointer @data points to is set. */
gboolean  is_set              (gpointer    data);

/* Every descendant of @widget that is a @type, depth first. */
void      collect_descendants (GtkWidget  *widget,
                               GType       type,
                               GPtrArray  *found);
/* The first, or NULL. */
gpointer  find_descendant     (gpointer    widget,
                               GType       type);
/* A visible toplevel window that is a @type, or NULL. */
gpointer  find_toplevel       (GType       type);
/* The labels of a menu, its sections and submenus, mnemonics removed. */
void      collect_menu_labels (GMenuModel *model,
                               GPtrArray  *labels);

/* Real keyboard and pointer input through the X server needs xdotool and
 * an X11 display. */
gboolean  can_drive_pointer   (void);
/* Runs xdotool with the arguments while the main loop turns (what needs
 * the app to answer during the input, such as drag and drop, works), then
 * waits for idle. "mousemove --sync" waits forever when the pointer is
 * already there: move to the screen's corner first. */
void      xdotool             (const char *first,
                               ...) G_GNUC_NULL_TERMINATED;

/* @point of @widget on the X screen, as text for xdotool. */
void      screen_point        (gpointer          widget,
                               graphene_point_t  point,
                               char              x[16],
                               char              y[16]);

G_END_DECLS
