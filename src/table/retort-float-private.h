/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Large enough for any double in shortest form: "-2.2250738585072014e-308". */
#define RETORT_FORMAT_DOUBLE_SIZE 32

/* Parses the decimal number [@begin, @end) correctly rounded (fast_float).
 * The caller has checked the syntax: an optional '-', digits with at most one
 * '.', an optional exponent. Returns FALSE when the text is not a number. */
gboolean _retort_parse_double  (const char *begin,
                                const char *end,
                                double     *value);

/* Writes @value as Python's repr() does: the shortest digits that read back
 * to the same double, "inf", "-inf", "nan"; returns the length. */
gsize    _retort_format_double (double      value,
                                char        out[RETORT_FORMAT_DOUBLE_SIZE]);

G_END_DECLS
