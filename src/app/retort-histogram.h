/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RETORT_TYPE_HISTOGRAM (retort_histogram_get_type ())

G_DECLARE_FINAL_TYPE (RetortHistogram, retort_histogram, RETORT, HISTOGRAM, GtkWidget)

/* A small chart of counts drawn with cairo in the style's colours: a
 * histogram of a numeric column (bins between edges) or horizontal bars of
 * a column's most frequent values. */
GtkWidget *retort_histogram_new        (void);
/* @edge_labels: n_bins + 1 texts for the axis (only the ends and the
 * middle are drawn); @counts: n_bins. */
void       retort_histogram_set_bins   (RetortHistogram     *self,
                                        const guint64       *counts,
                                        guint                n_bins,
                                        const char * const  *edge_labels);
/* One bar per value, the first on top. */
void       retort_histogram_set_bars   (RetortHistogram     *self,
                                        const char * const  *labels,
                                        const guint64       *counts,
                                        guint                n_bars);
void       retort_histogram_clear      (RetortHistogram     *self);
guint      retort_histogram_get_n_bars (RetortHistogram     *self);

G_END_DECLS
