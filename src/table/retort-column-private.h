/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "retort-column.h"

G_BEGIN_DECLS

struct _RetortColumn
{
  gatomicrefcount   ref_count;
  RetortColumnType  type;
  gsize             length;
  gsize             null_count;
  RetortBuffer     *validity;   /* NULL when null_count == 0 */
  RetortBuffer     *values;     /* fixed-width values, or string offsets (length + 1) */
  RetortBuffer     *data;       /* string bytes; NULL for other types */
};

/* Takes the buffers' references. @validity may be NULL when nothing is missing;
 * a validity bitmap with no unset bit is dropped. */
RetortColumn *_retort_column_new (RetortColumnType  type,
                                  gsize             length,
                                  RetortBuffer     *validity,
                                  RetortBuffer     *values,
                                  RetortBuffer     *data);

/* Fixed width of a value in bytes; 0 for strings. */
gsize         _retort_column_type_width (RetortColumnType type);

G_END_DECLS
