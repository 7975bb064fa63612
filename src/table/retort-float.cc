// SPDX-License-Identifier: GPL-3.0-or-later
// The one C++ file: correctly rounded parsing (fast_float) and shortest
// round-trip formatting (std::to_chars) of doubles, behind a C interface.

#include "config.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <fast_float/fast_float.h>

#include "retort-float-private.h"

gboolean
_retort_parse_double (const char *begin,
                      const char *end,
                      double     *value)
{
  auto result = fast_float::from_chars (begin, end, *value);

  return result.ec == std::errc () && result.ptr == end;
}

gsize
_retort_format_double (double value,
                       char   out[RETORT_FORMAT_DOUBLE_SIZE])
{
  char digits[RETORT_FORMAT_DOUBLE_SIZE];
  char *p = out;

  if (std::isnan (value))
    return (gsize) g_snprintf (out, RETORT_FORMAT_DOUBLE_SIZE, "nan");
  if (std::isinf (value))
    return (gsize) g_snprintf (out, RETORT_FORMAT_DOUBLE_SIZE, value < 0 ? "-inf" : "inf");

  if (std::signbit (value))
    {
      *p++ = '-';
      value = -value;
    }
  if (value == 0)
    {
      std::memcpy (p, "0.0", 4);
      return (gsize) (p + 3 - out);
    }

  // Shortest round-trip digits in scientific form: "d[.ddd]e[+-]XX".
  auto result = std::to_chars (digits, digits + sizeof digits - 1, value,
                               std::chars_format::scientific);
  *result.ptr = '\0';

  char *e = std::strchr (digits, 'e');
  int exponent = std::atoi (e + 1);
  char mantissa[RETORT_FORMAT_DOUBLE_SIZE];
  int n_digits = 0;

  for (char *q = digits; q < e; q++)
    if (*q != '.')
      mantissa[n_digits++] = *q;
  mantissa[n_digits] = '\0';

  // Python's repr switches to exponent notation outside 1e-4 <= |x| < 1e16.
  if (exponent < -4 || exponent >= 16)
    {
      *p++ = mantissa[0];
      if (n_digits > 1)
        {
          *p++ = '.';
          std::memcpy (p, mantissa + 1, (size_t) n_digits - 1);
          p += n_digits - 1;
        }
      p += std::sprintf (p, "e%c%02d", exponent < 0 ? '-' : '+', std::abs (exponent));
    }
  else if (exponent < 0)
    {
      *p++ = '0';
      *p++ = '.';
      for (int i = 0; i < -exponent - 1; i++)
        *p++ = '0';
      std::memcpy (p, mantissa, (size_t) n_digits);
      p += n_digits;
    }
  else
    {
      int integer_digits = exponent + 1;

      for (int i = 0; i < integer_digits; i++)
        *p++ = i < n_digits ? mantissa[i] : '0';
      *p++ = '.';
      if (n_digits > integer_digits)
        {
          std::memcpy (p, mantissa + integer_digits, (size_t) (n_digits - integer_digits));
          p += n_digits - integer_digits;
        }
      else
        *p++ = '0';
    }

  *p = '\0';
  return (gsize) (p - out);
}
