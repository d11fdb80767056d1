#ifndef NOMEN_CPCRE2_SHIM_H
#define NOMEN_CPCRE2_SHIM_H

// Swift sees only the 8-bit (`_8`-suffixed) PCRE2 API.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>

// glibc's allocator tuning (malloc.h is not in Swift's Glibc module).
int mallopt(int param, int value);
#define NOMEN_M_TRIM_THRESHOLD (-1)
#define NOMEN_M_MMAP_THRESHOLD (-3)

#endif
