/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-table-row-model"

#include "config.h"

#include "retort-table-row.h"
#include "retort-table-row-model.h"

struct _RetortTableRowModel
{
  GObject       parent_instance;

  RetortTable  *table;
  /* GListModel positions are guint: a longer table shows its first G_MAXUINT rows. */
  guint         n_items;
  GBytes       *order;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RetortTableRowModel, retort_table_row_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
retort_table_row_model_get_item_type (GListModel *model)
{
  return RETORT_TYPE_TABLE_ROW;
}

static guint
retort_table_row_model_get_n_items (GListModel *model)
{
  return RETORT_TABLE_ROW_MODEL (model)->n_items;
}

static gpointer
retort_table_row_model_get_item (GListModel *model,
                                 guint       position)
{
  RetortTableRowModel *self = RETORT_TABLE_ROW_MODEL (model);

  if (position >= self->n_items)
    return NULL;

  return retort_table_row_new (retort_table_row_model_get_table_row (self, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = retort_table_row_model_get_item_type;
  iface->get_n_items = retort_table_row_model_get_n_items;
  iface->get_item = retort_table_row_model_get_item;
}

static void
retort_table_row_model_finalize (GObject *object)
{
  RetortTableRowModel *self = RETORT_TABLE_ROW_MODEL (object);

  g_clear_pointer (&self->table, retort_table_unref);
  g_clear_pointer (&self->order, g_bytes_unref);

  G_OBJECT_CLASS (retort_table_row_model_parent_class)->finalize (object);
}

static void
retort_table_row_model_class_init (RetortTableRowModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = retort_table_row_model_finalize;
}

static void
retort_table_row_model_init (RetortTableRowModel *self)
{
}

RetortTableRowModel *
retort_table_row_model_new (void)
{
  return g_object_new (RETORT_TYPE_TABLE_ROW_MODEL, NULL);
}

void
retort_table_row_model_set_table (RetortTableRowModel *self,
                                  RetortTable         *table)
{
  guint removed;

  g_return_if_fail (RETORT_IS_TABLE_ROW_MODEL (self));

  if (table == self->table)
    return;

  removed = self->n_items;
  g_clear_pointer (&self->table, retort_table_unref);
  g_clear_pointer (&self->order, g_bytes_unref);
  if (table != NULL)
    self->table = retort_table_ref (table);
  self->n_items = table != NULL ? (guint) MIN (retort_table_get_n_rows (table), G_MAXUINT) : 0;

  if (removed != 0 || self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->n_items);
}

RetortTable *
retort_table_row_model_get_table (RetortTableRowModel *self)
{
  g_return_val_if_fail (RETORT_IS_TABLE_ROW_MODEL (self), NULL);

  return self->table;
}

void
retort_table_row_model_set_order (RetortTableRowModel *self,
                                  GBytes              *order)
{
  g_return_if_fail (RETORT_IS_TABLE_ROW_MODEL (self));
  g_return_if_fail (order == NULL
                    || g_bytes_get_size (order) == (gsize) self->n_items * sizeof (guint32));

  if (order == self->order)
    return;

  g_clear_pointer (&self->order, g_bytes_unref);
  if (order != NULL)
    self->order = g_bytes_ref (order);

  /* Every line may show another row now. The list view keeps rows out of
   * view as counts, so this costs what the rows in view cost. */
  if (self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, self->n_items, self->n_items);
}

GBytes *
retort_table_row_model_get_order (RetortTableRowModel *self)
{
  g_return_val_if_fail (RETORT_IS_TABLE_ROW_MODEL (self), NULL);

  return self->order;
}

gsize
retort_table_row_model_get_table_row (RetortTableRowModel *self,
                                      guint                position)
{
  g_return_val_if_fail (RETORT_IS_TABLE_ROW_MODEL (self), 0);
  g_return_val_if_fail (position < self->n_items, 0);

  if (self->order != NULL)
    return ((const guint32 *) g_bytes_get_data (self->order, NULL))[position];

  return position;
}
