/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-fd-passing"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>

#include "retort-fd-passing.h"

gboolean
retort_fd_socket_pair (int      fds[2],
                       GError **error)
{
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create a socket for descriptors: %s", g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
retort_fd_send (int        socket,
                const int *fds,
                guint      n_fds,
                GError   **error)
{
  while (n_fds > 0)
    {
      guint n = MIN (n_fds, RETORT_FD_PASSING_MAX_PER_MESSAGE);
      union
      {
        char           buf[CMSG_SPACE (sizeof (int) * RETORT_FD_PASSING_MAX_PER_MESSAGE)];
        struct cmsghdr align;
      } control;
      guint32 count = GUINT32_TO_LE (n);
      struct iovec iov = { &count, sizeof count };
      struct msghdr msg = { 0 };
      struct cmsghdr *cmsg;
      ssize_t sent;

      memset (&control, 0, sizeof control);
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control.buf;
      msg.msg_controllen = CMSG_SPACE (sizeof (int) * n);
      cmsg = CMSG_FIRSTHDR (&msg);
      cmsg->cmsg_level = SOL_SOCKET;
      cmsg->cmsg_type = SCM_RIGHTS;
      cmsg->cmsg_len = CMSG_LEN (sizeof (int) * n);
      memcpy (CMSG_DATA (cmsg), fds, sizeof (int) * n);

      do
        sent = sendmsg (socket, &msg, MSG_NOSIGNAL);
      while (sent < 0 && errno == EINTR);
      if (sent < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "Cannot send descriptors: %s", g_strerror (saved_errno));
          return FALSE;
        }

      fds += n;
      n_fds -= n;
    }

  return TRUE;
}

/* One message: its descriptors appended to @fds (up to @room of them; any
 * beyond are closed). Returns how many were stored, or -1. */
static int
receive_one (int       socket,
             int      *fds,
             guint     room,
             gboolean *truncated)
{
  union
  {
    char           buf[CMSG_SPACE (sizeof (int) * RETORT_FD_PASSING_MAX_PER_MESSAGE)];
    struct cmsghdr align;
  } control;
  guint32 count = 0;
  struct iovec iov = { &count, sizeof count };
  struct msghdr msg = { 0 };
  guint stored = 0;
  ssize_t got;

  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;

  do
    got = recvmsg (socket, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  while (got < 0 && errno == EINTR);
  if (got <= 0)
    return -1;

  *truncated = (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) != 0;
  for (struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg); cmsg != NULL; cmsg = CMSG_NXTHDR (&msg, cmsg))
    {
      guint n;
      const int *received;

      if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
        continue;
      n = (cmsg->cmsg_len - CMSG_LEN (0)) / sizeof (int);
      received = (const int *) CMSG_DATA (cmsg);
      for (guint i = 0; i < n; i++)
        {
          int fd;

          memcpy (&fd, received + i, sizeof fd);
          if (stored < room)
            fds[stored++] = fd;
          else
            close (fd);
        }
    }

  if (GUINT32_FROM_LE (count) != stored)
    *truncated = TRUE;
  return (int) stored;
}

gboolean
retort_fd_receive (int      socket,
                   int     *fds,
                   guint    n_fds,
                   GError **error)
{
  guint done = 0;

  while (done < n_fds)
    {
      gboolean truncated = FALSE;
      int n = receive_one (socket, fds + done, n_fds - done, &truncated);

      if (n < 0 || truncated)
        {
          if (n > 0)
            done += n;
          for (guint i = 0; i < done; i++)
            close (fds[i]);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "Expected %u descriptors, received %u", n_fds, done);
          return FALSE;
        }
      done += n;
    }

  return TRUE;
}

void
retort_fd_drain (int socket)
{
  int fds[RETORT_FD_PASSING_MAX_PER_MESSAGE];
  gboolean truncated;
  int n;

  while ((n = receive_one (socket, fds, G_N_ELEMENTS (fds), &truncated)) >= 0)
    for (int i = 0; i < n; i++)
      close (fds[i]);
}
