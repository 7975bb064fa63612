/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-python"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "retort-script-bundle.h"
#include "retort-script-result.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (zip_t, zip_discard)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (zip_file_t, zip_fclose)

static int
delete_entry (const char        *path,
              const struct stat *st,
              int                flag,
              struct FTW        *ftw)
{
  int ret = flag == FTW_DP ? rmdir (path) : unlink (path);

  return ret == 0 || errno == ENOENT ? 0 : -1;
}

gboolean
_retort_python_delete_tree (const char  *path,
                            GError     **error)
{
  struct stat st;

  if (lstat (path, &st) != 0)
    return TRUE;

  /* FTW_PHYS: never follow a link; FTW_DEPTH: contents before their directory. */
  if (nftw (path, delete_entry, 16, FTW_PHYS | FTW_DEPTH | FTW_MOUNT) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot delete “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static gboolean
bundle_error (GError    **error,
              const char *zip_path,
              const char *format,
              ...) G_GNUC_PRINTF (3, 4);

static gboolean
bundle_error (GError    **error,
              const char *zip_path,
              const char *format,
              ...)
{
  g_autofree char *reason = NULL;
  g_autofree char *name = g_filename_display_basename (zip_path);
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_BUNDLE,
               _("The Script Bundle “%s” was refused: %s"), name, reason);
  return FALSE;
}

/* A relative path of plain components: no "..", no absolute path, no
 * drive letter or backslash (a Windows path that would be one odd name
 * here), no NUL. "." components and a trailing slash are allowed. */
static gboolean
entry_name_is_safe (const char *name)
{
  g_auto(GStrv) parts = NULL;

  if (name[0] == '\0' || name[0] == '/' || strchr (name, '\\') != NULL)
    return FALSE;
  if (g_ascii_isalpha (name[0]) && name[1] == ':')
    return FALSE;
  if (!g_utf8_validate (name, -1, NULL))
    return FALSE;

  parts = g_strsplit (name, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_str_equal (parts[i], ".."))
        return FALSE;
    }

  return TRUE;
}

static gboolean
entry_is_symlink (zip_t      *zip,
                  zip_uint64_t index)
{
  zip_uint8_t opsys = 0;
  zip_uint32_t attributes = 0;

  if (zip_file_get_external_attributes (zip, index, 0, &opsys, &attributes) != 0)
    return FALSE;

  /* Unix zips keep st_mode in the high 16 bits of the external attributes. */
  return opsys == ZIP_OPSYS_UNIX && S_ISLNK ((attributes >> 16) & 0xffff);
}

/* Creates every directory of @relative (a checked entry name) under @dest. */
static gboolean
make_parents (const char  *dest,
              const char  *relative,
              gboolean     including_last,
              GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (relative, "/", -1);
  guint n = g_strv_length (parts);
  g_autoptr(GString) path = g_string_new (dest);

  /* A trailing "/" leaves an empty last part. */
  if (n > 0 && parts[n - 1][0] == '\0')
    n--;
  if (!including_last && n > 0)
    n--;

  for (guint i = 0; i < n; i++)
    {
      struct stat st;

      if (parts[i][0] == '\0' || g_str_equal (parts[i], "."))
        continue;
      g_string_append_c (path, '/');
      g_string_append (path, parts[i]);

      if (mkdir (path->str, 0755) == 0)
        continue;
      /* Only directories this function made can be there: no links. */
      if (errno == EEXIST && lstat (path->str, &st) == 0 && S_ISDIR (st.st_mode))
        continue;

      int saved_errno = errno == EEXIST ? ENOTDIR : errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("cannot create the folder “%s”: %s"), relative, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static gboolean
extract_all (zip_t       *zip,
             const char  *zip_path,
             const char  *dest,
             guint64      max_size,
             GError     **error)
{
  zip_int64_t n_entries = zip_get_num_entries (zip, 0);
  guint64 written = 0;
  g_autofree char *buffer = g_malloc (64 * 1024);
  g_autofree char *size_text = g_format_size (max_size);

  for (zip_int64_t i = 0; i < n_entries; i++)
    {
      const char *name = zip_get_name (zip, i, ZIP_FL_ENC_GUESS);
      g_autoptr(zip_file_t) file = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *path = NULL;
      zip_stat_t st;
      guint64 entry_written = 0;
      int fd;

      zip_stat_init (&st);
      if (zip_stat_index (zip, i, 0, &st) != 0)
        return bundle_error (error, zip_path, "%s", zip_error_strerror (zip_get_error (zip)));

      if (g_str_has_suffix (name, "/"))
        {
          if (!make_parents (dest, name, TRUE, &local_error))
            return bundle_error (error, zip_path, "%s", local_error->message);
          continue;
        }

      if (!make_parents (dest, name, FALSE, &local_error))
        return bundle_error (error, zip_path, "%s", local_error->message);

      file = zip_fopen_index (zip, i, 0);
      if (file == NULL)
        return bundle_error (error, zip_path, _("“%s” cannot be read: %s"),
                             name, zip_error_strerror (zip_get_error (zip)));

      path = g_build_filename (dest, name, NULL);
      /* O_EXCL|O_NOFOLLOW: a duplicate entry never overwrites, a link is never followed. */
      fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd < 0)
        {
          int saved_errno = errno;

          return bundle_error (error, zip_path, _("“%s” cannot be unpacked: %s"),
                               name, g_strerror (saved_errno));
        }

      for (;;)
        {
          zip_int64_t n = zip_fread (file, buffer, 64 * 1024);

          if (n < 0)
            {
              close (fd);
              return bundle_error (error, zip_path, _("“%s” is damaged: %s"),
                                   name, zip_file_strerror (file));
            }
          if (n == 0)
            break;

          written += n;
          entry_written += n;
          /* Count what really comes out: the declared sizes may lie. */
          if (written > max_size || ((st.valid & ZIP_STAT_SIZE) && entry_written > st.size))
            {
              close (fd);
              return bundle_error (error, zip_path,
                                   _("it unpacks to more than %s"),
                                   size_text);
            }

          for (zip_int64_t done = 0; done < n;)
            {
              ssize_t w = write (fd, buffer + done, n - done);

              if (w < 0 && errno == EINTR)
                continue;
              if (w < 0)
                {
                  int saved_errno = errno;

                  close (fd);
                  return bundle_error (error, zip_path, _("“%s” cannot be written: %s"),
                                       name, g_strerror (saved_errno));
                }
              done += w;
            }
        }

      if (close (fd) != 0)
        {
          int saved_errno = errno;

          return bundle_error (error, zip_path, _("“%s” cannot be written: %s"),
                               name, g_strerror (saved_errno));
        }
    }

  return TRUE;
}

gboolean
_retort_script_bundle_extract (const char  *zip_path,
                               const char  *dest,
                               guint64      max_size,
                               guint        max_files,
                               GError     **error)
{
  g_autoptr(zip_t) zip = NULL;
  zip_int64_t n_entries;
  guint64 declared = 0;
  int code = 0;
  g_autofree char *size_text = g_format_size (max_size);

  g_return_val_if_fail (zip_path != NULL, FALSE);
  g_return_val_if_fail (dest != NULL, FALSE);

  /* ZIP_CHECKCONS: a zip whose central directory disagrees with its local
   * headers is damaged or crafted; either way it is refused. */
  zip = zip_open (zip_path, ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (zip == NULL)
    {
      zip_error_t zip_error;
      g_autofree char *reason = NULL;

      zip_error_init_with_code (&zip_error, code);
      reason = g_strdup (zip_error_strerror (&zip_error));
      zip_error_fini (&zip_error);

      return bundle_error (error, zip_path, _("it is not a readable zip file (%s)"), reason);
    }

  n_entries = zip_get_num_entries (zip, 0);
  if (n_entries < 0 || (guint64) n_entries > max_files)
    return bundle_error (error, zip_path, _("it has %" G_GINT64_FORMAT " entries, more than %u"),
                         (gint64) n_entries, max_files);

  /* Check every entry before writing anything. */
  for (zip_int64_t i = 0; i < n_entries; i++)
    {
      const char *name = zip_get_name (zip, i, ZIP_FL_ENC_GUESS);
      zip_stat_t st;

      if (name == NULL)
        return bundle_error (error, zip_path, "%s", zip_error_strerror (zip_get_error (zip)));
      if (!entry_name_is_safe (name))
        return bundle_error (error, zip_path,
                             _("the entry “%s” is not a relative path inside the bundle "
                               "(absolute paths and “..” are not allowed)"), name);
      if (entry_is_symlink (zip, i))
        return bundle_error (error, zip_path,
                             _("the entry “%s” is a symbolic link (links are not allowed)"), name);

      zip_stat_init (&st);
      if (zip_stat_index (zip, i, 0, &st) != 0)
        return bundle_error (error, zip_path, "%s", zip_error_strerror (zip_get_error (zip)));
      if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        return bundle_error (error, zip_path, _("the entry “%s” is encrypted"), name);
      if (st.valid & ZIP_STAT_SIZE)
        {
          declared += st.size;
          if (declared > max_size || st.size > max_size)
            return bundle_error (error, zip_path,
                                 _("it unpacks to more than %s"),
                                 size_text);
        }
    }

  if (g_mkdir (dest, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create “%s”: %s"), dest, g_strerror (saved_errno));
      return FALSE;
    }

  if (!extract_all (zip, zip_path, dest, max_size, error))
    {
      _retort_python_delete_tree (dest, NULL);
      return FALSE;
    }

  return TRUE;
}
