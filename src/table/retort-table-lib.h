/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The umbrella header of the table layer. */
#pragma once

#include "retort-buffer.h"
#include "retort-column.h"
#include "retort-column-summary.h"
#include "retort-csv.h"
#include "retort-fd-passing.h"
#include "retort-table.h"
#include "retort-table-types.h"
#include "retort-table-file.h"
