/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "retort-column.h"

G_BEGIN_DECLS

/* An immutable, reference-counted table: named columns of equal length.
 * Names are unique: a repeated name gets the suffix " (2)", then " (3)"... */
typedef struct _RetortTable RetortTable;

GType         retort_table_get_type          (void) G_GNUC_CONST;

/* Takes references to the columns; fails when their lengths differ. */
RetortTable  *retort_table_new               (guint                n_columns,
                                              const char * const  *names,
                                              RetortColumn * const *columns,
                                              GError             **error);
RetortTable  *retort_table_ref               (RetortTable  *table);
void          retort_table_unref             (RetortTable  *table);

gsize         retort_table_get_n_rows        (RetortTable  *table);
guint         retort_table_get_n_columns     (RetortTable  *table);
RetortColumn *retort_table_get_column        (RetortTable  *table,
                                              guint         index);
const char   *retort_table_get_column_name   (RetortTable  *table,
                                              guint         index);
/* -1 when there is no such column. */
int           retort_table_find_column       (RetortTable  *table,
                                              const char   *name);

RetortTable  *retort_table_slice             (RetortTable  *table,
                                              gsize         offset,
                                              gsize         length);
RetortTable  *retort_table_select            (RetortTable  *table,
                                              const guint  *indices,
                                              guint         n_indices);
/* NULL when the cell is missing. */
char         *retort_table_dup_cell_text     (RetortTable  *table,
                                              gsize         row,
                                              guint         column);

/* Makes @names unique in place the way tables do (" (2)", " (3)", ...). */
void          retort_table_make_names_unique (GPtrArray    *names);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortTable, retort_table_unref)

G_END_DECLS
