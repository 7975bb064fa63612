/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define RETORT_ENGINE_ERROR (retort_engine_error_quark ())

typedef enum
{
  RETORT_ENGINE_ERROR_INVALID,        /* a bad edit: unknown module, port, parameter value */
  RETORT_ENGINE_ERROR_CYCLE,          /* the connection would close a cycle */
  RETORT_ENGINE_ERROR_TYPE_MISMATCH,  /* the ports carry different kinds of data */
  RETORT_ENGINE_ERROR_PORT_TAKEN,     /* the input port already has a source */
  RETORT_ENGINE_ERROR_DOCUMENT,       /* a .retort file is damaged or unreadable */
  RETORT_ENGINE_ERROR_NEWER_FORMAT,   /* a .retort file from a newer Retort */
  RETORT_ENGINE_ERROR_MISSING_INPUT,  /* a required input port is not connected */
  RETORT_ENGINE_ERROR_FAILED,         /* a module failed while running */
  RETORT_ENGINE_ERROR_UPSTREAM,       /* a module upstream failed or was cancelled */
} RetortEngineError;

GQuark retort_engine_error_quark (void);

/* What flows along a connection. */
typedef enum
{
  RETORT_PORT_DATASET,  /* a RetortTable */
  RETORT_PORT_ZIP,      /* a zip archive (Script Bundle), as GBytes */
  RETORT_PORT_DEVICE,   /* Python Device: console text and PNG images */
} RetortPortType;

typedef enum
{
  RETORT_MODULE_STATE_NOT_RUN,
  RETORT_MODULE_STATE_QUEUED,
  RETORT_MODULE_STATE_RUNNING,
  RETORT_MODULE_STATE_FINISHED,
  RETORT_MODULE_STATE_CACHED,
  RETORT_MODULE_STATE_FAILED,
  RETORT_MODULE_STATE_CANCELLED,
} RetortModuleState;

const char *retort_port_type_to_string    (RetortPortType    type);
/* For people: "Dataset", "Zip archive", "Python device" (translated). */
const char *retort_port_type_get_title    (RetortPortType    type);
/* "not run", "queued", "running", "finished", "cached", "failed", "cancelled" */
const char *retort_module_state_to_string (RetortModuleState state);

typedef struct _RetortExperiment RetortExperiment;
typedef struct _RetortModule     RetortModule;
typedef struct _RetortModuleRun  RetortModuleRun;
typedef struct _RetortModuleKind RetortModuleKind;

G_END_DECLS
