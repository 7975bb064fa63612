/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "retort-engine-types.h"

G_BEGIN_DECLS

typedef struct
{
  const char     *name;       /* "Dataset1", "Results dataset", "Python device" */
  RetortPortType  type;
  gboolean        optional;   /* an input that may stay unconnected */
} RetortPortSpec;

typedef enum
{
  RETORT_PARAM_STRING,    /* one line of text */
  RETORT_PARAM_TEXT,      /* several lines: CSV text, SQL */
  RETORT_PARAM_SCRIPT,    /* Python source; saved as scripts/<module id>.py in documents */
  RETORT_PARAM_INT,
  RETORT_PARAM_DOUBLE,
  RETORT_PARAM_BOOL,
  RETORT_PARAM_CHOICE,    /* one of @choices */
  RETORT_PARAM_PATH,      /* a file path, relative to the document's folder */
  RETORT_PARAM_DATASET,   /* the name of data embedded in the document (datasets/NAME) */
  RETORT_PARAM_COLUMNS,   /* a list of column names (JSON array of strings) */
} RetortParamType;

typedef struct
{
  const char         *name;           /* stable key in documents: "delimiter" */
  const char         *label;          /* for the properties pane: N_("Delimiter") */
  RetortParamType     type;
  const char         *default_json;   /* the default as JSON text: "\",\"", "true", "600" */
  const char * const *choices;        /* RETORT_PARAM_CHOICE: NULL-terminated */
  const char         *description;    /* one line for tooltips */
} RetortParamSpec;

/* A kind of module: its ports, its parameters and how it runs. One kind per
 * file (retort-<name>-module.c), each exporting its RetortModuleKind, listed
 * once in retort-module-kinds.c. */
struct _RetortModuleKind
{
  const char            *id;           /* stable key in documents: "import-data" */
  const char            *title;        /* N_("Import Data") */
  const char            *category;     /* N_("Data Input and Output"), ... */
  const char            *description;  /* one line for the palette */
  const char            *icon_name;    /* a symbolic icon */
  const RetortPortSpec  *inputs;
  guint                  n_inputs;
  const RetortPortSpec  *outputs;
  guint                  n_outputs;
  const RetortParamSpec *params;
  guint                  n_params;

  /* Runs the module on @run's inputs and parameters and sets its outputs.
   * Called on the scheduler's main context; CPU work goes to a thread
   * (GTask), Python to the runner (asynchronously). Must honour @cancellable.
   * Errors are GErrors with a message a user can act on (what, where). */
  void     (*run_async)  (RetortModuleRun     *run,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data);
  gboolean (*run_finish) (RetortModuleRun     *run,
                          GAsyncResult        *result,
                          GError             **error);
};

/* The registry (retort-module-kinds.c). */
const RetortModuleKind  *retort_module_kind_lookup      (const char             *id);
const RetortModuleKind **retort_module_kind_list        (guint                  *n_kinds);

const RetortParamSpec   *retort_module_kind_find_param  (const RetortModuleKind *kind,
                                                         const char             *name);
/* The kind's RETORT_PARAM_SCRIPT parameter (Execute Python Script's), or
 * NULL: kinds that have one open in the script editor. */
const RetortParamSpec   *retort_module_kind_find_script (const RetortModuleKind *kind);

G_END_DECLS
