/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The umbrella header of the Python client layer. */
#pragma once

#include "retort-python-runner.h"
#include "retort-python-sandbox.h"
#include "retort-script-job.h"
#include "retort-script-result.h"
