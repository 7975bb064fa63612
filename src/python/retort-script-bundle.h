/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Unpacks the Script Bundle zip @zip_path into the directory @dest (created;
 * its parent must exist). Refused, with RETORT_PYTHON_ERROR_BUNDLE and
 * nothing left behind: entries with absolute paths or `..`, symbolic links,
 * encrypted entries, more than @max_files entries or @max_size bytes in
 * all (the declared sizes are checked first and the bytes counted while
 * unpacking, so a zip that lies about its sizes is caught too), and a zip
 * that libzip cannot read (its message is kept). Only regular files and
 * directories are created, with modes 0644 and 0755. */
gboolean _retort_script_bundle_extract (const char  *zip_path,
                                        const char  *dest,
                                        guint64      max_size,
                                        guint        max_files,
                                        GError     **error);

/* Deletes @path and everything under it without following symbolic links
 * (a script may leave links to anywhere in its working directory).
 * A missing @path is not an error. */
gboolean _retort_python_delete_tree    (const char  *path,
                                        GError     **error);

G_END_DECLS
