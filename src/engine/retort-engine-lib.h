/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The umbrella header of the engine layer. */
#pragma once

#include "retort-engine-types.h"
#include "retort-experiment.h"
#include "retort-module.h"
#include "retort-module-kind.h"
#include "retort-module-run.h"
#include "retort-scheduler.h"
