/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-table-row"

#include "config.h"

#include "retort-table-row.h"

struct _RetortTableRow
{
  GObject parent_instance;

  gsize   index;
};

G_DEFINE_FINAL_TYPE (RetortTableRow, retort_table_row, G_TYPE_OBJECT)

static void
retort_table_row_class_init (RetortTableRowClass *klass)
{
}

static void
retort_table_row_init (RetortTableRow *self)
{
}

RetortTableRow *
retort_table_row_new (gsize index)
{
  RetortTableRow *self = g_object_new (RETORT_TYPE_TABLE_ROW, NULL);

  self->index = index;

  return self;
}

/* The row of the table, not the line of the view: they differ once sorted. */
gsize
retort_table_row_get_index (RetortTableRow *self)
{
  g_return_val_if_fail (RETORT_IS_TABLE_ROW (self), 0);

  return self->index;
}
