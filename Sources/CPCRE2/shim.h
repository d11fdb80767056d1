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

// PCRE2's match and its result, for a C loop that holds the pattern, match data and
// context as untyped pointers (CByteScan's prefilter check, see nomen_prefilter_next).
static inline int nomen_pcre2_jit_match(const void *code, const uint8_t *subject, size_t length, size_t start,
                                        uint32_t options, void *match_data, void *context) {
    return pcre2_jit_match_8((const pcre2_code_8 *)code, subject, length, start, options,
                             (pcre2_match_data_8 *)match_data, (pcre2_match_context_8 *)context);
}

static inline int nomen_pcre2_match(const void *code, const uint8_t *subject, size_t length, size_t start,
                                    uint32_t options, void *match_data, void *context) {
    return pcre2_match_8((const pcre2_code_8 *)code, subject, length, start, options,
                         (pcre2_match_data_8 *)match_data, (pcre2_match_context_8 *)context);
}

static inline void nomen_pcre2_range(void *match_data, size_t *start, size_t *end) {
    PCRE2_SIZE *ovector = pcre2_get_ovector_pointer_8((pcre2_match_data_8 *)match_data);
    *start = ovector[0];
    *end = ovector[1];
}

#endif
