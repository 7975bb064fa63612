/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-table"

#include "config.h"

#include <string.h>

#include "retort-table-types.h"

G_DEFINE_QUARK (retort-table-error-quark, retort_table_error)

static const char * const type_names[] = {
  [RETORT_COLUMN_TYPE_FLOAT64] = "float64",
  [RETORT_COLUMN_TYPE_INT64] = "int64",
  [RETORT_COLUMN_TYPE_BOOL] = "bool",
  [RETORT_COLUMN_TYPE_STRING] = "string",
  [RETORT_COLUMN_TYPE_DATETIME] = "datetime",
};

const char *
retort_column_type_to_string (RetortColumnType type)
{
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (type_names), NULL);

  return type_names[type];
}

gboolean
retort_column_type_from_string (const char       *text,
                                RetortColumnType *type)
{
  g_return_val_if_fail (text != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (type_names); i++)
    {
      if (strcmp (text, type_names[i]) == 0)
        {
          if (type != NULL)
            *type = (RetortColumnType) i;
          return TRUE;
        }
    }

  return FALSE;
}
