#include "byte_scan.h"

#include <pthread.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

void nomen_teddy_init(nomen_teddy *t) {
    memset(t, 0, sizeof *t);
}

void nomen_teddy_add(nomen_teddy *t, const uint8_t *literal, size_t length, unsigned bucket) {
    uint8_t bit = (uint8_t)(1u << (bucket & 7));
    for (int k = 0; k < 4; k++) {
        if ((size_t)k < length) {
            uint8_t c = literal[k];
            t->lo[k][c & 15] |= bit;
            t->lo[k][16 + (c & 15)] |= bit;
            t->hi[k][c >> 4] |= bit;
            t->hi[k][16 + (c >> 4)] |= bit;
        } else {
            // Shorter literal: every nibble is allowed at this offset.
            for (int v = 0; v < 32; v++) { t->lo[k][v] |= bit; t->hi[k][v] |= bit; }
            t->any[k] |= bit;
        }
    }
}

// One position, by table lookups; bytes past the end match only buckets that need none.
static inline int candidate_at(const nomen_teddy *t, const uint8_t *p, size_t n, size_t i) {
    uint8_t acc = 0xFF;
    for (int k = 0; k < 4 && acc; k++) {
        if (i + (size_t)k < n) {
            uint8_t c = p[i + (size_t)k];
            acc &= t->lo[k][c & 15] & t->hi[k][c >> 4];
        } else {
            acc &= t->any[k];
        }
    }
    return acc != 0;
}

static inline int is_word(uint8_t c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

// Whether bytes 4..<20 at i agree with entry e's. Inline: a call from the SIMD loop would
// make it save and reload its eight table registers around every candidate.
__attribute__((always_inline))
static inline int tail_matches(const nomen_literal_table *lt, uint32_t e, const uint8_t *p, size_t n, size_t i) {
    uint64_t tail[2];
    if (i + 20 <= n) {
        memcpy(tail, p + i + 4, 16);
    } else {
        uint8_t bytes[16] = {0};
        for (size_t k = 0; k < 16 && i + 4 + k < n; k++) bytes[k] = p[i + 4 + k];
        memcpy(tail, bytes, 16);
    }
    return (tail[0] & lt->tail_masks[2 * e]) == lt->tails[2 * e] && (tail[1] & lt->tail_masks[2 * e + 1]) == lt->tails[2 * e + 1];
}

// Whether position i passes the word-start and literal checks; sets *triggers.
__attribute__((always_inline))
static inline int verify(const nomen_literal_table *lt, const uint8_t *p, size_t n, size_t i, int word_start, uint64_t *triggers) {
    if (!lt) return 1;  // fingerprints alone
    uint8_t c = p[i];
    if (word_start && (!is_word(c) || (i > 0 && is_word(p[i - 1])))) return 0;
    uint32_t from = lt->offsets[c], to = lt->offsets[c + 1];
    if (from == to) return 0;
    uint32_t w = 0;
    if (i + 4 <= n) {
        memcpy(&w, p + i, 4);
        w = __builtin_bswap32(w);
    } else {
        for (size_t k = 0; k < 4; k++) w = w << 8 | (i + k < n ? p[i + k] : 0);
    }
    uint64_t found = 0;
    int any = 0;
    for (uint32_t e = from; e < to; e++) {
        if ((w & lt->masks[e]) != lt->values[e]) continue;
        if (lt->tail_masks[2 * e] != 0 && !tail_matches(lt, e, p, n, i)) continue;
        found |= lt->triggers[e];
        any = 1;
    }
    if (!any) return 0;
    *triggers = found;
    return 1;
}

static size_t literal_next_scalar(const nomen_teddy *t, const nomen_literal_table *lt, const uint8_t *p, size_t n, size_t i,
                                  int word_start, uint64_t *triggers) {
    for (; i < n; i++) {
        if (candidate_at(t, p, n, i) && verify(lt, p, n, i, word_start, triggers)) return i;
    }
    return n;
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static size_t literal_next_avx2(const nomen_teddy *t, const nomen_literal_table *lt, const uint8_t *p, size_t n, size_t i,
                                int word_start, uint64_t *triggers) {
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i zero = _mm256_setzero_si256();
    __m256i lo0 = _mm256_loadu_si256((const __m256i *)t->lo[0]), hi0 = _mm256_loadu_si256((const __m256i *)t->hi[0]);
    __m256i lo1 = _mm256_loadu_si256((const __m256i *)t->lo[1]), hi1 = _mm256_loadu_si256((const __m256i *)t->hi[1]);
    __m256i lo2 = _mm256_loadu_si256((const __m256i *)t->lo[2]), hi2 = _mm256_loadu_si256((const __m256i *)t->hi[2]);
    __m256i lo3 = _mm256_loadu_si256((const __m256i *)t->lo[3]), hi3 = _mm256_loadu_si256((const __m256i *)t->hi[3]);
    while (i + 35 <= n) {
        __m256i v0 = _mm256_loadu_si256((const __m256i *)(p + i));
        __m256i v1 = _mm256_loadu_si256((const __m256i *)(p + i + 1));
        __m256i v2 = _mm256_loadu_si256((const __m256i *)(p + i + 2));
        __m256i v3 = _mm256_loadu_si256((const __m256i *)(p + i + 3));
        __m256i m0 = _mm256_and_si256(_mm256_shuffle_epi8(lo0, _mm256_and_si256(v0, nibble)),
                                      _mm256_shuffle_epi8(hi0, _mm256_and_si256(_mm256_srli_epi16(v0, 4), nibble)));
        __m256i m1 = _mm256_and_si256(_mm256_shuffle_epi8(lo1, _mm256_and_si256(v1, nibble)),
                                      _mm256_shuffle_epi8(hi1, _mm256_and_si256(_mm256_srli_epi16(v1, 4), nibble)));
        __m256i m2 = _mm256_and_si256(_mm256_shuffle_epi8(lo2, _mm256_and_si256(v2, nibble)),
                                      _mm256_shuffle_epi8(hi2, _mm256_and_si256(_mm256_srli_epi16(v2, 4), nibble)));
        __m256i m3 = _mm256_and_si256(_mm256_shuffle_epi8(lo3, _mm256_and_si256(v3, nibble)),
                                      _mm256_shuffle_epi8(hi3, _mm256_and_si256(_mm256_srli_epi16(v3, 4), nibble)));
        __m256i m = _mm256_and_si256(_mm256_and_si256(m0, m1), _mm256_and_si256(m2, m3));
        uint32_t hits = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(m, zero));
        while (hits) {
            size_t at = i + (size_t)__builtin_ctz(hits);
            hits &= hits - 1;
            if (verify(lt, p, n, at, word_start, triggers)) return at;
        }
        i += 32;
    }
    return literal_next_scalar(t, lt, p, n, i, word_start, triggers);
}

__attribute__((target("avx2")))
static size_t skip_ascii_avx2(const uint8_t *p, size_t n, size_t i) {
    while (i + 32 <= n) {
        uint32_t high = (uint32_t)_mm256_movemask_epi8(_mm256_loadu_si256((const __m256i *)(p + i)));
        if (high) return i + (size_t)__builtin_ctz(high);
        i += 32;
    }
    while (i < n && p[i] < 0x80) i++;
    return i;
}
#endif

size_t nomen_literal_next(const nomen_teddy *t, const nomen_literal_table *lt, const uint8_t *p, size_t n, size_t from,
                          int word_start, uint64_t *triggers) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) return literal_next_avx2(t, lt, p, n, from, word_start, triggers);
#endif
    return literal_next_scalar(t, lt, p, n, from, word_start, triggers);
}

int nomen_byteset_init(nomen_byteset *s, const uint8_t *bytes, size_t count) {
    memset(s, 0, sizeof *s);
    int bits = 0;
    int bit_of[16];
    for (int h = 0; h < 16; h++) bit_of[h] = -1;
    for (size_t k = 0; k < count; k++) {
        uint8_t c = bytes[k];
        int h = c >> 4, l = c & 15;
        if (bit_of[h] < 0) {
            if (bits == 8) return 0;
            bit_of[h] = bits++;
        }
        uint8_t bit = (uint8_t)(1u << bit_of[h]);
        s->lo[l] |= bit; s->lo[16 + l] |= bit;
        s->hi[h] = bit; s->hi[16 + h] = bit;
        s->member[c] = 1;
    }
    return 1;
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static size_t byteset_find_avx2(const nomen_byteset *s, const uint8_t *p, size_t n, size_t i) {
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i zero = _mm256_setzero_si256();
    const __m256i lo = _mm256_loadu_si256((const __m256i *)s->lo), hi = _mm256_loadu_si256((const __m256i *)s->hi);
    while (i + 32 <= n) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + i));
        __m256i m = _mm256_and_si256(_mm256_shuffle_epi8(lo, _mm256_and_si256(v, nibble)),
                                     _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble)));
        uint32_t hits = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(m, zero));
        if (hits) return i + (size_t)__builtin_ctz(hits);
        i += 32;
    }
    for (; i < n; i++) if (s->member[p[i]]) return i;
    return n;
}
#endif

size_t nomen_byteset_find(const nomen_byteset *s, const uint8_t *p, size_t n, size_t i) {
#if defined(__x86_64__)
    // One 32-byte block costs about what two bytes by table do.
    if (i + 32 <= n && __builtin_cpu_supports("avx2")) return byteset_find_avx2(s, p, n, i);
#endif
    for (; i < n; i++) if (s->member[p[i]]) return i;
    return n;
}

static size_t count_lines_scalar(const uint8_t *p, size_t i, size_t to, size_t *after_last) {
    size_t count = 0;
    for (; i < to; i++) if (p[i] == '\n') { count++; *after_last = i + 1; }
    return count;
}

#if defined(__x86_64__)
// 64 bytes a time; only the last block with a line feed is remembered, and the position
// after its last one worked out once at the end. The tail is the last 32 bytes before `to`
// with the bytes already counted masked off (the caller guarantees to - i >= 32).
__attribute__((target("avx2,popcnt")))
static size_t count_lines_avx2(const uint8_t *p, size_t i, size_t to, size_t *after_last) {
    const __m256i nl = _mm256_set1_epi8('\n');
    size_t count = 0, last_base = 0;
    uint64_t last_hits = 0;
    while (i + 64 <= to) {
        uint64_t lo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + i)), nl));
        uint64_t hi = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + i + 32)), nl));
        uint64_t hits = lo | (hi << 32);
        if (hits) { count += (size_t)__builtin_popcountll(hits); last_base = i; last_hits = hits; }
        i += 64;
    }
    if (i + 32 <= to) {
        uint64_t hits = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + i)), nl));
        if (hits) { count += (size_t)__builtin_popcountll(hits); last_base = i; last_hits = hits; }
        i += 32;
    }
    if (i < to) {
        size_t start = to - 32;
        uint64_t hits = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + start)), nl));
        hits &= ~(uint64_t)0 << (i - start);
        if (hits) { count += (size_t)__builtin_popcountll(hits); last_base = start; last_hits = hits; }
    }
    if (last_hits) *after_last = last_base + 64 - (size_t)__builtin_clzll(last_hits);
    return count;
}
#endif

size_t nomen_count_lines(const uint8_t *p, size_t from, size_t to, size_t *after_last) {
    if (from >= to) return 0;
#if defined(__x86_64__)
    if (to - from >= 32 && __builtin_cpu_supports("avx2")) return count_lines_avx2(p, from, to, after_last);
#endif
    return count_lines_scalar(p, from, to, after_last);
}

#if defined(__x86_64__)
// Back 32 bytes at a time: the last line feed of a block is its mask's highest bit.
__attribute__((target("avx2,lzcnt")))
static size_t line_start_avx2(const uint8_t *p, size_t at) {
    const __m256i nl = _mm256_set1_epi8('\n');
    while (at >= 32) {
        uint32_t hits = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + at - 32)), nl));
        if (hits) return at - 32 + (size_t)(32 - __builtin_clz(hits));
        at -= 32;
    }
    while (at > 0 && p[at - 1] != '\n') at--;
    return at;
}
#endif

size_t nomen_line_start(const uint8_t *p, size_t at) {
#if defined(__x86_64__)
    if (at >= 32 && __builtin_cpu_supports("avx2")) return line_start_avx2(p, at);
#endif
    while (at > 0 && p[at - 1] != '\n') at--;
    return at;
}

size_t nomen_skip_ascii(const uint8_t *p, size_t n, size_t i) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) return skip_ascii_avx2(p, n, i);
#endif
    while (i < n && p[i] < 0x80) i++;
    return i;
}

int nomen_prefilter_next(const nomen_teddy *t, const nomen_literal_table *lt, const uint8_t *p, size_t n, size_t from,
                         int word_start, const nomen_trigger_matchers *m, size_t *at, size_t *end, int *trigger, int *groups_set,
                         uint64_t *pending) {
    size_t i = from;
    while (i < n) {
        uint64_t triggers = 0;
        size_t c = nomen_literal_next(t, lt, p, n, i, word_start, &triggers);
        if (c >= n) return 0;
        i = c + 1;
        while (triggers) {
            int k = __builtin_ctzll(triggers);
            if (!m->code[k]) break;
            int rc = m->match[k](m->code[k], p, n, c, 0, m->match_data[k], m->context[k]);
            if (rc >= 0) {
                size_t s, e;
                m->range(m->match_data[k], &s, &e);
                if (s == c) { *at = c; *end = e; *trigger = k; *groups_set = rc; return 1; }
            } else if (rc != -1) {  // PCRE2_ERROR_NOMATCH is -1; any other is the caller's to report
                break;
            }
            triggers &= triggers - 1;
        }
        if (triggers) { *at = c; *trigger = __builtin_ctzll(triggers); *pending = triggers; return -1; }
    }
    return 0;
}

int nomen_prefilter_collect(const nomen_teddy *t, const nomen_literal_table *lt, const uint8_t *p, size_t n, size_t *from,
                            int word_start, const nomen_trigger_matchers *m, size_t max_pairs,
                            nomen_hit *hits, size_t hit_cap, size_t *hit_count, ptrdiff_t *groups, size_t group_cap,
                            size_t *group_count, size_t *at, int *trigger, uint64_t *pending) {
    size_t i = *from;
    while (i < n) {
        if (*hit_count >= hit_cap || *group_count + 2 * max_pairs > group_cap) { *from = i; return 1; }
        size_t s = 0, e = 0;
        int k = 0, rc = 0;
        int found = nomen_prefilter_next(t, lt, p, n, i, word_start, m, &s, &e, &k, &rc, pending);
        if (found == 0) break;
        if (found < 0) { *at = s; *trigger = k; *from = s; return -1; }
        nomen_hit *h = &hits[(*hit_count)++];
        h->at = s;
        h->end = e;
        h->trigger = k;
        h->groups = -1;
        uint32_t pairs = m->kept_pairs ? m->kept_pairs[k] : 0;
        if (pairs && rc > 0 && m->ovector[k]) {
            const size_t *ov = m->ovector[k];
            ptrdiff_t *g = groups + *group_count;
            h->groups = (int32_t)*group_count;
            for (uint32_t j = 0; j < pairs; j++) {
                // Pairs past the ones the match set may hold an earlier match's offsets.
                int set = (int)j < rc && ov[2 * j] != ~(size_t)0;
                g[2 * j] = set ? (ptrdiff_t)ov[2 * j] : -1;
                g[2 * j + 1] = set ? (ptrdiff_t)ov[2 * j + 1] : -1;
            }
            *group_count += 2 * (size_t)pairs;
        }
        i = e > s ? e : s + 1;
    }
    *from = n;
    return 0;
}

size_t nomen_teddy_next(const nomen_teddy *t, const uint8_t *p, size_t n, size_t from) {
    uint64_t unused = 0;
    return nomen_literal_next(t, NULL, p, n, from, 0, &unused);
}

static int same_bytes(const uint8_t *a, const uint8_t *b, size_t m) {
    for (size_t k = 0; k < m; k++) if (a[k] != b[k]) return 0;
    return 1;
}

// The first k in [i, end) with k + m <= end where needle starts; end when there is none.
// Blocks may be read up to n (>= end): a short stretch inside a buffer is still searched 32
// bytes at a time.
#if defined(__x86_64__)
__attribute__((target("avx2")))
static size_t find_avx2(const uint8_t *p, size_t n, size_t i, size_t end, const uint8_t *needle, size_t m) {
    const __m256i first = _mm256_set1_epi8((char)needle[0]);
    const __m256i last = _mm256_set1_epi8((char)needle[m - 1]);
    // Block starts i ..< i + 32; the last byte of each candidate is m - 1 further on.
    while (i + m <= end && i + m - 1 + 32 <= n) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(p + i));
        __m256i b = _mm256_loadu_si256((const __m256i *)(p + i + m - 1));
        uint32_t hits = (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(a, first), _mm256_cmpeq_epi8(b, last)));
        while (hits) {
            size_t k = i + (size_t)__builtin_ctz(hits);
            if (k + m > end) return end;
            if (same_bytes(p + k, needle, m)) return k;
            hits &= hits - 1;
        }
        i += 32;
    }
    for (; i + m <= end; i++) if (p[i] == needle[0] && same_bytes(p + i, needle, m)) return i;
    return end;
}
#endif

static size_t find_in(const uint8_t *p, size_t n, size_t from, size_t end, const uint8_t *needle, size_t m) {
    if (m == 0 || from >= end || end - from < m) return end;
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) return find_avx2(p, n, from, end, needle, m);
#endif
    for (size_t i = from; i + m <= end; i++) if (p[i] == needle[0] && same_bytes(p + i, needle, m)) return i;
    return end;
}

size_t nomen_find(const uint8_t *p, size_t n, size_t from, const uint8_t *needle, size_t m) {
    return find_in(p, n, from, n, needle, m);
}

size_t nomen_line_find(const uint8_t *p, size_t n, size_t at, const uint8_t *needle, size_t m, size_t *start, size_t *end) {
    if (at > n) at = n;
    size_t s = nomen_line_start(p, at);
    const uint8_t *lf = at < n ? memchr(p + at, '\n', n - at) : NULL;
    size_t e = lf ? (size_t)(lf - p) : n;
    *start = s;
    *end = e;
    return find_in(p, n, s, e, needle, m);
}

// What ends a stretch of Python code that nomen_python_code passes over in bulk: built once.
static nomen_byteset python_stop_set;
static pthread_once_t python_stop_once = PTHREAD_ONCE_INIT;

static void python_stops_init(void) {
    static const uint8_t bytes[] = "\n\\([{)]}'\"#";
    nomen_byteset_init(&python_stop_set, bytes, sizeof bytes - 1);
}

static const nomen_byteset *python_stops(void) {
    pthread_once(&python_stop_once, python_stops_init);
    return &python_stop_set;
}

static int python_blank(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f'; }
static int python_word(uint8_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c >= 0x80;
}

// A line feed, bracket or backslash stop `c`, with `i` just after it: updates the depth and
// whether the logical line has a token; returns where reading goes on.
static inline size_t python_layout(uint8_t c, const uint8_t *p, size_t n, size_t i, long *depth, int *token) {
    switch (c) {
    case '\n': if (*depth == 0) *token = 0; break;
    case '(': case '[': case '{': (*depth)++; *token = 1; break;
    case ')': case ']': case '}': if (*depth > 0) (*depth)--; *token = 1; break;
    case '\\':
        // A line continuation: the logical line goes on.
        if (i < n && p[i] == '\r') i++;
        if (i < n && p[i] == '\n') i++;
        break;
    }
    return i;
}

static size_t python_code_scalar(const uint8_t *p, size_t n, size_t i, nomen_python_state *state) {
    const nomen_byteset *stops = python_stops();
    long depth = state->depth;
    int token = state->line_has_token;
    for (;;) {
        // Between stops: identifiers, numbers, operators and blanks; any but a blank is a token.
        size_t j = nomen_byteset_find(stops, p, n, i);
        int before = token;
        if (!token) for (size_t k = i; k < j; k++) if (!python_blank(p[k])) { token = 1; break; }
        if (j >= n) { i = n; state->run_token = token; break; }
        uint8_t c = p[j];
        if (c == '\'' || c == '"' || c == '#') {
            // The line's state before the run of identifier bytes and dots that ends here.
            size_t k = j;
            while (k > i && python_word(p[k - 1])) k--;
            int run = before;
            if (!run) for (size_t x = i; x < k; x++) if (!python_blank(p[x])) { run = 1; break; }
            state->run_token = run;
            i = j;
            break;
        }
        i = python_layout(c, p, n, j + 1, &depth, &token);
    }
    state->depth = depth;
    state->line_has_token = token;
    return i;
}

#if defined(__x86_64__)
// Bits a ..< b of a 64-bit mask (0 <= a <= b <= 64).
static inline uint64_t bit_range(size_t a, size_t b) {
    uint64_t below_b = b >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << b) - 1);
    uint64_t below_a = a >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << a) - 1);
    return below_b & ~below_a;
}

// The stops of one block's bits `pending` (line feeds and brackets only) taken one by one,
// as the scalar loop does: for a block where a closing bracket would take the depth below 0
// (code that does not parse), which the whole-block arithmetic below does not model.
static inline void python_block_by_stop(const uint8_t *p, size_t n, size_t base, uint32_t pending, uint32_t nonblank,
                                        long *depth, int *token, size_t *seg, int *seg_token) {
    size_t cur = *seg > base ? *seg - base : 0;
    while (pending) {
        size_t j = (size_t)__builtin_ctz(pending);
        *token |= (nonblank & bit_range(cur, j)) != 0;
        python_layout(p[base + j], p, n, base + j + 1, depth, token);
        cur = j + 1;
        *seg = base + cur;
        *seg_token = *token;
        pending &= pending - 1;
    }
    if (cur < 32) *token |= (nonblank & bit_range(cur, 32)) != 0;
}

// nomen_python_code 32 bytes at a time, without a branch per stop: up to the block's first
// quote, `#` or backslash, the bracket depth after each byte is a prefix sum of +1 (opening)
// and -1 (closing) bytes, worked out in a few vector steps. A line feed where it is 0 clears
// the line's token; what follows the last such line feed, or everything when there is none,
// may set it again. `seg` is just after the last stop, `seg_token` the token value there:
// at a quote, the word run before it is read from `seg` (it may span blocks), and the tail
// is handed to the scalar loop from `seg` with the state there.
__attribute__((target("avx2")))
static size_t python_code_avx2(const uint8_t *p, size_t n, size_t i, nomen_python_state *state) {
    const __m256i sp = _mm256_set1_epi8(' '), tab = _mm256_set1_epi8('\t'), cr = _mm256_set1_epi8('\r'), ff = _mm256_set1_epi8('\f');
    const __m256i lf = _mm256_set1_epi8('\n');
    const __m256i quote = _mm256_set1_epi8('\''), dquote = _mm256_set1_epi8('"'), hash = _mm256_set1_epi8('#'), backslash = _mm256_set1_epi8('\\');
    const __m256i paren = _mm256_set1_epi8('('), bracket = _mm256_set1_epi8('['), brace = _mm256_set1_epi8('{');
    const __m256i cparen = _mm256_set1_epi8(')'), cbracket = _mm256_set1_epi8(']'), cbrace = _mm256_set1_epi8('}');
    const __m256i byte15 = _mm256_set1_epi8(15);
    long depth = state->depth;
    int token = state->line_has_token;
    size_t seg = i;          // just after the last stop
    int seg_token = token;   // the line-has-token value there
    while (i + 32 <= n) {
        const size_t base = i;
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + base));
        __m256i blank = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, sp), _mm256_cmpeq_epi8(v, tab)),
                                        _mm256_or_si256(_mm256_cmpeq_epi8(v, cr), _mm256_cmpeq_epi8(v, ff)));
        __m256i special = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, dquote)),
                                          _mm256_or_si256(_mm256_cmpeq_epi8(v, hash), _mm256_cmpeq_epi8(v, backslash)));
        __m256i open = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, paren), _mm256_cmpeq_epi8(v, bracket)), _mm256_cmpeq_epi8(v, brace));
        __m256i close = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, cparen), _mm256_cmpeq_epi8(v, cbracket)), _mm256_cmpeq_epi8(v, cbrace));
        __m256i newline = _mm256_cmpeq_epi8(v, lf);
        const uint32_t specials = (uint32_t)_mm256_movemask_epi8(special);
        const size_t limit = specials ? (size_t)__builtin_ctz(specials) : 32;
        const uint32_t in = limit == 32 ? ~0u : ((1u << limit) - 1);
        const uint32_t lfs = (uint32_t)_mm256_movemask_epi8(newline) & in;
        const uint32_t opens = (uint32_t)_mm256_movemask_epi8(open) & in;
        const uint32_t closes = (uint32_t)_mm256_movemask_epi8(close) & in;
        const uint32_t nonblank = ~(uint32_t)_mm256_movemask_epi8(blank);
        // Bytes that give the line a token: all but blanks and line feeds (brackets do).
        const uint32_t tokens = nonblank & ~lfs & in;
        const uint32_t stops = lfs | opens | closes;
        if (stops) {
            const size_t last = 31 - (size_t)__builtin_clz(stops);
            uint32_t resets;  // line feeds where the depth is 0
            long after = depth;
            int by_stop = 0;
            if ((opens | closes) == 0) {
                resets = depth == 0 ? lfs : 0;
            } else {
                // The depth change after each byte: +1 -1 0 bytes summed in each 16-byte lane
                // (four shifted adds), then the low lane's total added to the high lane.
                __m256i d = _mm256_sub_epi8(_mm256_and_si256(open, _mm256_set1_epi8(1)), _mm256_and_si256(close, _mm256_set1_epi8(1)));
                // Only bytes before the first special count.
                const __m256i index = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                                       16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
                d = _mm256_and_si256(d, _mm256_cmpgt_epi8(_mm256_set1_epi8((char)limit), index));
                d = _mm256_add_epi8(d, _mm256_slli_si256(d, 1));
                d = _mm256_add_epi8(d, _mm256_slli_si256(d, 2));
                d = _mm256_add_epi8(d, _mm256_slli_si256(d, 4));
                d = _mm256_add_epi8(d, _mm256_slli_si256(d, 8));
                __m256i low_total = _mm256_shuffle_epi8(_mm256_permute2x128_si256(d, d, 0x08), byte15);
                d = _mm256_add_epi8(d, low_total);
                after = depth + (int8_t)_mm256_extract_epi8(d, 31);
                if (depth >= 32) {
                    resets = 0;  // no line feed where it is 0, and never below 0, within 32 bytes
                } else {
                    const __m256i floor = _mm256_set1_epi8((char)-depth);
                    if ((uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(floor, d)) & in) by_stop = 1;
                    resets = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(d, floor)) & lfs;
                }
            }
            if (by_stop) {
                python_block_by_stop(p, n, base, stops, nonblank & in, &depth, &token, &seg, &seg_token);
            } else {
                // The token just after the last stop: a bracket sets it; a line feed where the
                // depth is 0 clears it; another keeps what the line had before it.
                if (!((lfs >> last) & 1)) {
                    seg_token = 1;
                } else if ((resets >> last) & 1) {
                    seg_token = 0;
                } else if (resets) {
                    const size_t r = 31 - (size_t)__builtin_clz(resets);
                    seg_token = (tokens & bit_range(r + 1, last)) != 0;
                } else {
                    seg_token = token | ((tokens & bit_range(0, last)) != 0);
                }
                seg = base + last + 1;
                token = seg_token | ((tokens & bit_range(last + 1, 32)) != 0);
                depth = after;
            }
        } else {
            token |= tokens != 0;
        }
        if (specials) {
            const size_t j = base + limit;
            const uint8_t c = p[j];
            if (c != '\\') {
                // The line's state before the run of identifier bytes and dots that ends here.
                size_t k = j;
                while (k > seg && python_word(p[k - 1])) k--;
                int run = seg_token;
                for (size_t x = seg; !run && x < k; x++) if (!python_blank(p[x])) run = 1;
                state->run_token = run;
                state->depth = depth;
                state->line_has_token = token;
                return j;
            }
            // A line continuation: the logical line goes on.
            const size_t next = python_layout(c, p, n, j + 1, &depth, &token);
            seg = next;
            seg_token = token;
            i = next;
            continue;
        }
        i = base + 32;
    }
    // The tail, read again from the last stop (no stop lies between it and `i`).
    state->depth = depth;
    state->line_has_token = seg_token;
    return python_code_scalar(p, n, seg > i ? i : seg, state);
}
#endif

size_t nomen_python_code(const uint8_t *p, size_t n, size_t i, nomen_python_state *state) {
#if defined(__x86_64__)
    // (The block arithmetic compares the depth as a byte: a negative one, which the tokenizer
    // never passes, is left to the scalar loop.)
    if (state->depth >= 0 && __builtin_cpu_supports("avx2")) return python_code_avx2(p, n, i, state);
#endif
    return python_code_scalar(p, n, i, state);
}

// The next byte at or after `i` that may end a plain string's text: the quote, a backslash,
// and for single quotes a line break (n when there is none).
static size_t string_stop_scalar(const uint8_t *p, size_t n, size_t i, uint8_t quote, int triple) {
    for (; i < n; i++) {
        uint8_t c = p[i];
        if (c == quote || c == '\\' || (!triple && (c == '\n' || c == '\r'))) return i;
    }
    return n;
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static size_t string_stop_avx2(const uint8_t *p, size_t n, size_t i, uint8_t quote, int triple) {
    const __m256i q = _mm256_set1_epi8((char)quote), bs = _mm256_set1_epi8('\\');
    const __m256i lf = _mm256_set1_epi8('\n'), cr = _mm256_set1_epi8('\r');
    for (; i + 32 <= n; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + i));
        __m256i m = _mm256_or_si256(_mm256_cmpeq_epi8(v, q), _mm256_cmpeq_epi8(v, bs));
        if (!triple) m = _mm256_or_si256(m, _mm256_or_si256(_mm256_cmpeq_epi8(v, lf), _mm256_cmpeq_epi8(v, cr)));
        uint32_t hits = (uint32_t)_mm256_movemask_epi8(m);
        if (hits) return i + (size_t)__builtin_ctz(hits);
    }
    return string_stop_scalar(p, n, i, quote, triple);
}
#endif

size_t nomen_python_string_end(const uint8_t *p, size_t n, size_t i, uint8_t quote, int triple, int *terminated) {
#if defined(__x86_64__)
    const int avx2 = __builtin_cpu_supports("avx2");
#endif
    *terminated = 0;
    while (i < n) {
#if defined(__x86_64__)
        size_t j = avx2 ? string_stop_avx2(p, n, i, quote, triple) : string_stop_scalar(p, n, i, quote, triple);
#else
        size_t j = string_stop_scalar(p, n, i, quote, triple);
#endif
        if (j >= n) return n;
        uint8_t c = p[j];
        if (c == '\\') {
            // The escaped byte, and the LF of an escaped CR LF.
            j += 2;
            if (j - 1 < n && p[j - 1] == '\r' && j < n && p[j] == '\n') j++;
            i = j;
            continue;
        }
        if (c != quote) return j;  // a line break ends a single-quoted string
        if (!triple) { *terminated = 1; return j + 1; }
        if (j + 2 < n && p[j + 1] == quote && p[j + 2] == quote) { *terminated = 1; return j + 3; }
        i = j + 1;
    }
    return n;
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static size_t line_starts_avx2(const uint8_t *p, size_t n, long *starts) {
    const __m256i nl = _mm256_set1_epi8('\n');
    size_t count = 0, i = 0;
    for (; i + 32 <= n; i += 32) {
        uint32_t hits = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + i)), nl));
        while (hits) {
            starts[count++] = (long)(i + (size_t)__builtin_ctz(hits) + 1);
            hits &= hits - 1;
        }
    }
    for (; i < n; i++) if (p[i] == '\n') starts[count++] = (long)(i + 1);
    return count;
}
#endif

size_t nomen_line_starts(const uint8_t *p, size_t n, long *starts) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) return line_starts_avx2(p, n, starts);
#endif
    size_t count = 0;
    for (size_t i = 0; i < n; i++) if (p[i] == '\n') starts[count++] = (long)(i + 1);
    return count;
}

// Identifier bytes as Python reads them (ASCII letters, `_`, any byte >= 0x80; digits only
// after the first): 1 for a start byte, 2 for a digit.
static uint8_t identifier_class[256];
static pthread_once_t identifier_once = PTHREAD_ONCE_INIT;

static void identifier_class_init(void) {
    for (int c = 0; c < 256; c++) {
        int start = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
        identifier_class[c] = start ? 1 : (c >= '0' && c <= '9') ? 2 : 0;
    }
}

// The number of a keyword packed as lowercase bytes (see SQLTokenizer.keywordBit), or -1.
static inline int sql_keyword_bit(uint64_t v) {
    switch (v) {
    case 0x73656c656374ULL: return 0;   // select
    case 0x66726f6dULL: return 1;       // from
    case 0x6a6f696eULL: return 2;       // join
    case 0x696e73657274ULL: return 3;   // insert
    case 0x696e746fULL: return 4;       // into
    case 0x637265617465ULL: return 5;   // create
    case 0x7461626c65ULL: return 6;     // table
    case 0x76696577ULL: return 7;       // view
    case 0x6d65726765ULL: return 8;     // merge
    case 0x757064617465ULL: return 9;   // update
    case 0x736574ULL: return 10;        // set
    case 0x64656c657465ULL: return 11;  // delete
    default: return -1;
    }
}

static inline int sql_seen_is_sql(uint32_t seen) {
#define HAS(bit) ((seen >> (bit)) & 1u)
    return (HAS(0) && HAS(1)) || (HAS(3) && HAS(4)) || (HAS(5) && (HAS(6) || HAS(7))) || (HAS(8) && HAS(4))
        || (HAS(9) && HAS(10)) || (HAS(11) && HAS(1)) || HAS(2);
#undef HAS
}

// The words a keyword could be: 3 to 6 identifier bytes starting with one of these letters.
static inline int sql_keyword_initial(uint8_t c) {
    switch (c | 0x20) {
    case 's': case 'f': case 'j': case 'i': case 'c': case 't': case 'v': case 'm': case 'u': case 'd': return 1;
    default: return 0;
    }
}

// The word at s (an identifier start after a non-identifier byte, or at the range's start):
// whether it is a keyword, and then the updated `seen`. Returns 1 when the keywords seen so
// far make a statement.
__attribute__((always_inline)) static inline int sql_word(const uint8_t *p, size_t s, size_t end, uint32_t *seen) {
    if (!sql_keyword_initial(p[s])) return 0;
    size_t e = s + 1;
    while (e < end && e < s + 7 && identifier_class[p[e]] != 0) e++;
    size_t n = e - s;
    if (n < 3 || n > 6) return 0;
    uint64_t v = 0;
    for (size_t x = s; x < e; x++) v = v << 8 | (uint8_t)(p[x] | 0x20);
    int bit = sql_keyword_bit(v);
    if (bit < 0) return 0;
    *seen |= 1u << bit;
    return sql_seen_is_sql(*seen);
}

#if defined(__x86_64__)
// The identifier bytes of p[k ..< min(k + 32, end)] as bits (0 past `end`), by table.
static inline uint32_t identifier_bits(const uint8_t *p, size_t k, size_t end) {
    uint32_t bits = 0;
    for (size_t x = k; x < end && x < k + 32; x++) bits |= (uint32_t)(identifier_class[p[x]] != 0) << (x - k);
    return bits;
}

// nomen_looks_like_sql 32 bytes at a time, the last block too when the buffer holds 32
// bytes from it (its bytes past `end` are masked off). A keyword is a word of 3 to 6
// identifier bytes whose first is one of c d f i j m s t u v: the word starts of a block
// that are so come from masks (the block's identifier bits and the next block's), and only
// those words are read, by one load. (Word by word, which word is one was as good as random.)
__attribute__((target("avx2")))
static int looks_like_sql_avx2(const uint8_t *p, size_t n, size_t start, size_t end) {
    const __m256i a = _mm256_set1_epi8('a'), zero = _mm256_set1_epi8('0'), under = _mm256_set1_epi8('_');
    const __m256i case_bit = _mm256_set1_epi8(0x20), twenty_five = _mm256_set1_epi8(25), nine = _mm256_set1_epi8(9);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    // Keyword initials by low nibble, after `| 0x20`: c d f i j m (high nibble 6), s t u v (7).
    const __m256i initials6 = _mm256_setr_epi8(0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0,
                                               0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0);
    const __m256i initials7 = _mm256_setr_epi8(0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                               0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    uint32_t seen = 0;
    size_t k = start;
    uint32_t before = 0;  // whether the byte before the block is an identifier byte
    while (k < end && k + 32 <= n) {
        const uint32_t in = end - k >= 32 ? ~0u : ((1u << (end - k)) - 1);
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + k));
        __m256i lower = _mm256_or_si256(v, case_bit);
        __m256i t = _mm256_sub_epi8(lower, a);
        __m256i letter = _mm256_cmpeq_epi8(_mm256_min_epu8(t, twenty_five), t);
        __m256i d = _mm256_sub_epi8(v, zero);
        __m256i digit = _mm256_cmpeq_epi8(_mm256_min_epu8(d, nine), d);
        uint32_t high = (uint32_t)_mm256_movemask_epi8(v);
        uint32_t starts_class = ((uint32_t)_mm256_movemask_epi8(_mm256_or_si256(letter, _mm256_cmpeq_epi8(v, under))) | high) & in;
        uint32_t ident = starts_class | ((uint32_t)_mm256_movemask_epi8(digit) & in);
        uint32_t starts = starts_class & ~((ident << 1) | before);
        __m256i lo = _mm256_and_si256(lower, nibble), hi = _mm256_and_si256(_mm256_srli_epi16(lower, 4), nibble);
        __m256i initial = _mm256_or_si256(_mm256_and_si256(_mm256_cmpeq_epi8(hi, _mm256_set1_epi8(6)), _mm256_shuffle_epi8(initials6, lo)),
                                          _mm256_and_si256(_mm256_cmpeq_epi8(hi, _mm256_set1_epi8(7)), _mm256_shuffle_epi8(initials7, lo)));
        uint32_t candidates = starts & ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(initial, _mm256_setzero_si256()));
        if (candidates) {
            // The next block's identifier bits: a word near the block's end goes on there.
            uint32_t next_ident = 0;
            if (k + 64 <= end) {
                __m256i w = _mm256_loadu_si256((const __m256i *)(p + k + 32));
                __m256i tw = _mm256_sub_epi8(_mm256_or_si256(w, case_bit), a);
                __m256i dw = _mm256_sub_epi8(w, zero);
                next_ident = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(tw, twenty_five), tw),
                                                                                            _mm256_cmpeq_epi8(_mm256_min_epu8(dw, nine), dw)),
                                                                            _mm256_cmpeq_epi8(w, under)))
                    | (uint32_t)_mm256_movemask_epi8(w);
            } else if (k + 32 < end) {
                next_ident = identifier_bits(p, k + 32, end);
            }
            const uint64_t bits = (uint64_t)ident | (uint64_t)next_ident << 32;
            const uint64_t three = bits & (bits >> 1) & (bits >> 2);
            const uint64_t seven = three & (bits >> 3) & (bits >> 4) & (bits >> 5) & (bits >> 6);
            candidates &= (uint32_t)three & ~(uint32_t)seven;
            while (candidates) {
                const size_t j = (size_t)__builtin_ctz(candidates);
                candidates &= candidates - 1;
                const size_t length = (size_t)__builtin_ctzll(~(bits >> j));
                const size_t s = k + j;
                uint64_t word = 0;
                if (s + 8 <= n) {
                    memcpy(&word, p + s, 8);
                    word = __builtin_bswap64(word) >> (8 * (8 - length));
                } else {
                    for (size_t x = s; x < s + length; x++) word = word << 8 | p[x];
                }
                // `| 0x20` on every byte, as the scalar loop reads a word.
                word |= 0x2020202020202020ULL >> (8 * (8 - length));
                const int bit = sql_keyword_bit(word);
                if (bit < 0) continue;
                seen |= 1u << bit;
                if (sql_seen_is_sql(seen)) return 1;
            }
        }
        before = ident >> 31;
        k += 32;
    }
    // Near the buffer's end, a byte at a time; a word that began in the last block is passed
    // over (its start was read there).
    while (k < end) {
        if (identifier_class[p[k]] == 0) { k++; before = 0; continue; }
        if (identifier_class[p[k]] == 1 && !before && sql_word(p, k, end, &seen)) return 1;
        before = 1;
        k++;
    }
    return 0;
}
#endif

int nomen_looks_like_sql(const uint8_t *p, size_t n, size_t start, size_t end) {
    pthread_once(&identifier_once, identifier_class_init);
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) return looks_like_sql_avx2(p, n, start, end);
#endif
    uint32_t seen = 0;
    size_t k = start;
    while (k < end) {
        if (identifier_class[p[k]] != 1) { k++; continue; }
        size_t s = k;
        while (k < end && identifier_class[p[k]] != 0) k++;
        size_t length = k - s;
        if (length < 3 || length > 6) continue;
        if (s != start && identifier_class[p[s - 1]] != 0) continue;
        uint64_t v = 0;
        for (size_t x = s; x < k; x++) v = v << 8 | (uint8_t)(p[x] | 0x20);
        int bit = sql_keyword_bit(v);
        if (bit >= 0) {
            seen |= 1u << bit;
            if (sql_seen_is_sql(seen)) return 1;
        }
    }
    return 0;
}

// MARK: JSON skipping (notebooks)

static inline int json_space(uint8_t c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

#if defined(__x86_64__)
// A notebook is indented: most runs of white space are a line feed and a few spaces.
__attribute__((target("avx2")))
static size_t json_skip_space_avx2(const uint8_t *p, size_t n, size_t i) {
    const __m256i space = _mm256_set1_epi8(' '), lf = _mm256_set1_epi8('\n'), cr = _mm256_set1_epi8('\r'), tab = _mm256_set1_epi8('\t');
    while (i + 32 <= n) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + i));
        __m256i white = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, space), _mm256_cmpeq_epi8(v, lf)),
                                        _mm256_or_si256(_mm256_cmpeq_epi8(v, cr), _mm256_cmpeq_epi8(v, tab)));
        uint32_t other = ~(uint32_t)_mm256_movemask_epi8(white);
        if (other) return i + (size_t)__builtin_ctz(other);
        i += 32;
    }
    while (i < n && json_space(p[i])) i++;
    return i;
}
#endif

static inline size_t json_skip_space(const uint8_t *p, size_t n, size_t i) {
    // Most places have no white space, or one byte of it.
    if (i >= n || !json_space(p[i])) return i;
    if (++i >= n || !json_space(p[i])) return i;
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) return json_skip_space_avx2(p, n, i);
#endif
    while (i < n && json_space(p[i])) i++;
    return i;
}

static size_t json_string_end_scalar(const uint8_t *p, size_t n, size_t k) {
    while (k < n) {
        if (p[k] == '"') return k + 1;
        k += p[k] == '\\' ? 2 : 1;
    }
    return 0;
}

#if defined(__x86_64__)
// 32 bytes at a time: the block's quotes and backslashes as bit masks, the escapes inside a
// block taken from the masks (a notebook's source lines are strings full of `\"` and `\n`).
__attribute__((target("avx2")))
static size_t json_string_end_avx2(const uint8_t *p, size_t n, size_t k) {
    const __m256i quote = _mm256_set1_epi8('"'), slash = _mm256_set1_epi8('\\');
    while (k + 32 <= n) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + k));
        uint32_t quotes = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, quote));
        uint32_t hits = quotes | (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, slash));
        size_t next = k + 32;
        while (hits) {
            unsigned bit = (unsigned)__builtin_ctz(hits);
            if (quotes >> bit & 1) return k + bit + 1;
            // A backslash: the byte after it is escaped (in the next block for the last bit).
            if (bit == 31) { next = k + 33; break; }
            hits &= ~(3u << bit);
        }
        k = next;
    }
    return json_string_end_scalar(p, n, k);
}
#endif

// A string whose opening quote is at i: the offset after its closing quote, or 0 when it is
// not terminated (a string never ends at offset 0).
static size_t json_string_end(const uint8_t *p, size_t n, size_t i) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) return json_string_end_avx2(p, n, i + 1);
#endif
    return json_string_end_scalar(p, n, i + 1);
}

static int json_skip(const uint8_t *p, size_t n, size_t *at, int depth) {
    size_t i = json_skip_space(p, n, *at);
    if (depth >= 512 || i >= n) return 0;
    uint8_t c = p[i];
    if (c == '"') {
        size_t e = json_string_end(p, n, i);
        if (!e) return 0;
        *at = e;
        return 1;
    }
    if (c == '{' || c == '[') {
        uint8_t close = c == '{' ? '}' : ']';
        i = json_skip_space(p, n, i + 1);
        if (i < n && p[i] == close) { *at = i + 1; return 1; }
        while (1) {
            if (c == '{') {
                i = json_skip_space(p, n, i);
                if (i >= n || p[i] != '"') return 0;
                size_t e = json_string_end(p, n, i);
                if (!e) return 0;
                i = json_skip_space(p, n, e);
                if (i >= n || p[i] != ':') return 0;
                i++;
            }
            if (!json_skip(p, n, &i, depth + 1)) return 0;
            i = json_skip_space(p, n, i);
            if (i >= n) return 0;
            if (p[i] == ',') { i++; continue; }
            if (p[i] == close) { *at = i + 1; return 1; }
            return 0;
        }
    }
    size_t s = i;
    while (i < n && !(p[i] == ',' || p[i] == '}' || p[i] == ']' || json_space(p[i]))) i++;
    if (i == s) return 0;
    *at = i;
    return 1;
}

int nomen_json_skip_value(const uint8_t *p, size_t n, size_t *at, int depth) {
    return json_skip(p, n, at, depth);
}

// MARK: notebook cells

// The string at i (its opening quote): its content's range, i moved past it. 0 when there is
// no string at i or it does not end.
static int nb_string(const uint8_t *p, size_t n, size_t *i, size_t *s, size_t *e) {
    if (*i >= n || p[*i] != '"') return 0;
    size_t end = json_string_end(p, n, *i);
    if (!end) return 0;
    *s = *i + 1;
    *e = end - 1;
    *i = end;
    return 1;
}

static int nb_is(const uint8_t *p, size_t s, size_t e, const char *name, size_t len) {
    return e - s == len && memcmp(p + s, name, len) == 0;
}

static int nb_has_escape(const uint8_t *p, size_t s, size_t e) {
    return memchr(p + s, '\\', e - s) != NULL;
}

typedef struct {
    size_t *pieces;       // start, end pairs
    size_t piece_cap, piece_count;
    size_t *cells;        // first piece, piece count pairs
    size_t cell_cap, cell_count;
    int status;           // 0, or NOMEN_CELLS_FULL / NOMEN_CELLS_ESCAPED_KEY
} nb_out;

// A source string at i: its content's range appended to the pieces, i moved past it.
static int nb_piece(const uint8_t *p, size_t n, size_t *i, nb_out *o) {
    size_t s, e;
    if (!nb_string(p, n, i, &s, &e)) return 0;
    if (o->piece_count == o->piece_cap) { o->status = NOMEN_CELLS_FULL; return 0; }
    o->pieces[2 * o->piece_count] = s;
    o->pieces[2 * o->piece_count + 1] = e;
    o->piece_count++;
    return 1;
}

// An array whose `[` is at *at: each element, after white space, read by `element`, which
// moves *at past it; *at ends after the `]`. 0 on a syntax error (or an element's failure).
typedef int (*nb_element)(const uint8_t *p, size_t n, size_t *at, nb_out *o);

static int nb_array(const uint8_t *p, size_t n, size_t *at, nb_out *o, nb_element element) {
    size_t i = json_skip_space(p, n, *at + 1);
    if (i < n && p[i] == ']') { *at = i + 1; return 1; }
    while (1) {
        i = json_skip_space(p, n, i);
        if (i >= n || !element(p, n, &i, o)) return 0;
        i = json_skip_space(p, n, i);
        if (i >= n) return 0;
        if (p[i] == ',') { i++; continue; }
        if (p[i] == ']') { *at = i + 1; return 1; }
        return 0;
    }
}

// One element of a cell's `source` list: a line (a piece), or any other value passed over.
static int nb_source_line(const uint8_t *p, size_t n, size_t *at, nb_out *o) {
    if (p[*at] == '"') return nb_piece(p, n, at, o);
    return json_skip(p, n, at, 0);
}

// One element of `cells`, at i (after white space).
static int nb_cell(const uint8_t *p, size_t n, size_t *at, nb_out *o) {
    size_t i = *at;
    if (p[i] != '{') { return json_skip(p, n, at, 0); }
    i = json_skip_space(p, n, i + 1);
    int saw_type = 0, saw_source = 0, has_type = 0, is_code = 0, has_pieces = 0;
    size_t first = o->piece_count, count = 0;
    if (i < n && p[i] == '}') { *at = i + 1; return 1; }
    while (1) {
        i = json_skip_space(p, n, i);
        size_t ks, ke;
        if (!nb_string(p, n, &i, &ks, &ke)) return 0;
        i = json_skip_space(p, n, i);
        if (i >= n || p[i] != ':') return 0;
        i = json_skip_space(p, n, i + 1);
        if (nb_has_escape(p, ks, ke)) { o->status = NOMEN_CELLS_ESCAPED; return 0; }
        if (!saw_type && nb_is(p, ks, ke, "cell_type", 9)) {
            saw_type = 1;
            if (i < n && p[i] == '"') {
                size_t ts, te;
                if (!nb_string(p, n, &i, &ts, &te)) return 0;
                if (nb_has_escape(p, ts, te)) { o->status = NOMEN_CELLS_ESCAPED; return 0; }
                has_type = 1;
                is_code = nb_is(p, ts, te, "code", 4);
            } else if (!json_skip(p, n, &i, 0)) {
                return 0;
            }
        } else if (!saw_source && nb_is(p, ks, ke, "source", 6) && i < n && (p[i] == '"' || p[i] == '[')) {
            saw_source = 1;
            // Only the first `source` counts (a later one is passed over below).
            first = o->piece_count;
            count = 0;
            if (p[i] == '"') {
                if (!nb_piece(p, n, &i, o)) return 0;
                count = 1;
            } else {
                if (!nb_array(p, n, &i, o, nb_source_line)) return 0;
                count = o->piece_count - first;
            }
            has_pieces = 1;
        } else {
            // Any other member; a `source` that is neither a string nor a list counts as seen.
            if (nb_is(p, ks, ke, "source", 6)) saw_source = 1;
            if (!json_skip(p, n, &i, 0)) return 0;
        }
        i = json_skip_space(p, n, i);
        if (i >= n) return 0;
        if (p[i] == ',') { i++; continue; }
        if (p[i] == '}') { i++; break; }
        return 0;
    }
    if (has_type && has_pieces && is_code) {
        if (o->cell_count == o->cell_cap) { o->status = NOMEN_CELLS_FULL; return 0; }
        o->cells[2 * o->cell_count] = first;
        o->cells[2 * o->cell_count + 1] = count;
        o->cell_count++;
    } else {
        o->piece_count = first;  // pieces of a cell that is not code are dropped
    }
    *at = i;
    return 1;
}

long nomen_notebook_cells(const uint8_t *p, size_t n, size_t *pieces, size_t piece_cap, size_t *piece_count,
                          size_t *cells, size_t cell_cap) {
    nb_out o = { pieces, piece_cap, 0, cells, cell_cap, 0, 0 };
    size_t i = 0;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) i = 3;
    i = json_skip_space(p, n, i);
    if (i >= n || p[i] != '{') return NOMEN_CELLS_INVALID;
    i = json_skip_space(p, n, i + 1);
    int have = 0;
    if (i < n && p[i] == '}') {
        i++;
    } else {
        while (1) {
            i = json_skip_space(p, n, i);
            size_t ks, ke;
            if (!nb_string(p, n, &i, &ks, &ke)) return o.status ? o.status : NOMEN_CELLS_INVALID;
            i = json_skip_space(p, n, i);
            if (i >= n || p[i] != ':') return NOMEN_CELLS_INVALID;
            i = json_skip_space(p, n, i + 1);
            if (nb_has_escape(p, ks, ke)) return NOMEN_CELLS_ESCAPED;
            if (!have && nb_is(p, ks, ke, "cells", 5)) {
                have = 1;
                if (i >= n || p[i] != '[') return NOMEN_CELLS_INVALID;
                if (!nb_array(p, n, &i, &o, nb_cell)) return o.status ? o.status : NOMEN_CELLS_INVALID;
            } else if (!json_skip(p, n, &i, 0)) {
                return NOMEN_CELLS_INVALID;
            }
            i = json_skip_space(p, n, i);
            if (i >= n) return NOMEN_CELLS_INVALID;
            if (p[i] == ',') { i++; continue; }
            if (p[i] == '}') { i++; break; }
            return NOMEN_CELLS_INVALID;
        }
    }
    if (json_skip_space(p, n, i) != n || !have) return NOMEN_CELLS_INVALID;
    *piece_count = o.piece_count;
    return (long)o.cell_count;
}

static int nb_hex4(const uint8_t *p, size_t at, size_t end, uint32_t *v) {
    if (at + 4 > end) return 0;
    uint32_t x = 0;
    for (size_t k = at; k < at + 4; k++) {
        uint8_t c = p[k], d;
        if (c >= '0' && c <= '9') d = (uint8_t)(c - '0');
        else if (c >= 'a' && c <= 'f') d = (uint8_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = (uint8_t)(c - 'A' + 10);
        else return 0;
        x = x << 4 | d;
    }
    *v = x;
    return 1;
}

static size_t nb_utf8(uint32_t s, uint8_t *o) {
    if ((s >= 0xD800 && s < 0xE000) || s > 0x10FFFF) s = 0xFFFD;  // no scalar: U+FFFD
    if (s < 0x80) { o[0] = (uint8_t)s; return 1; }
    if (s < 0x800) { o[0] = (uint8_t)(0xC0 | s >> 6); o[1] = (uint8_t)(0x80 | (s & 0x3F)); return 2; }
    if (s < 0x10000) {
        o[0] = (uint8_t)(0xE0 | s >> 12); o[1] = (uint8_t)(0x80 | ((s >> 6) & 0x3F)); o[2] = (uint8_t)(0x80 | (s & 0x3F));
        return 3;
    }
    o[0] = (uint8_t)(0xF0 | s >> 18); o[1] = (uint8_t)(0x80 | ((s >> 12) & 0x3F));
    o[2] = (uint8_t)(0x80 | ((s >> 6) & 0x3F)); o[3] = (uint8_t)(0x80 | (s & 0x3F));
    return 4;
}

long nomen_json_decode_pieces(const uint8_t *p, const size_t *pieces, size_t count, uint8_t *out, size_t *stretches,
                              size_t stretch_cap) {
    size_t w = 0, st = 0;
    for (size_t x = 0; x < count; x++) {
        size_t i = pieces[2 * x], end = pieces[2 * x + 1];
        while (i < end) {
            const uint8_t *slash = memchr(p + i, '\\', end - i);
            size_t k = slash ? (size_t)(slash - p) : end;
            size_t source = i, produced;
            int copied = 0;
            if (k > i) {
                memcpy(out + w, p + i, k - i);
                produced = k - i;
                copied = 1;
                i = k;
            } else if (i + 1 >= end) {
                out[w] = p[i];  // a lone backslash at the end stands for itself
                produced = 1;
                i += 1;
            } else {
                uint8_t e = p[i + 1];
                size_t consumed = 2;
                produced = 1;
                uint32_t scalar, low;
                switch (e) {
                case 'n': out[w] = 0x0A; break;
                case 't': out[w] = 0x09; break;
                case 'r': out[w] = 0x0D; break;
                case 'b': out[w] = 0x08; break;
                case 'f': out[w] = 0x0C; break;
                case 'u':
                    if (nb_hex4(p, i + 2, end, &scalar)) {
                        consumed = 6;
                        if (scalar >= 0xD800 && scalar < 0xDC00 && i + 12 <= end && p[i + 6] == '\\' && p[i + 7] == 'u'
                            && nb_hex4(p, i + 8, end, &low) && low >= 0xDC00 && low < 0xE000) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00);
                            consumed = 12;
                        }
                        produced = nb_utf8(scalar, out + w);
                    } else {
                        out[w] = e;
                    }
                    break;
                default: out[w] = e; break;
                }
                i += consumed;
            }
            if (st == stretch_cap) return -1;
            stretches[3 * st] = w;
            stretches[3 * st + 1] = source;
            stretches[3 * st + 2] = (size_t)copied;
            st++;
            w += produced;
        }
    }
    stretches[3 * stretch_cap] = w;
    return (long)st;
}

// MARK: references

// Name bytes of a reference's parts: ASCII letters, digits, `_` and `-`.
static const uint8_t part_byte[256] = {
    ['-'] = 1, ['_'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
    ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
    ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

size_t nomen_part_start(const uint8_t *p, size_t k, size_t lower) {
    while (k > lower && part_byte[p[k - 1]]) k--;
    return k;
}

size_t nomen_part_end(const uint8_t *p, size_t k, size_t upper) {
    while (k < upper && part_byte[p[k]]) k++;
    return k;
}

// What ends a path-like token: white space, quotes, backticks, `,;()`.
static const uint8_t token_stop[256] = {
    [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\''] = 1, ['"'] = 1, ['`'] = 1, [','] = 1, [';'] = 1, ['('] = 1, [')'] = 1,
};

size_t nomen_token_start(const uint8_t *p, size_t s, size_t lower) {
    while (s > lower && !token_stop[p[s - 1]]) s--;
    return s;
}

size_t nomen_token_end(const uint8_t *p, size_t e, size_t upper) {
    long depth = 0;
    while (e < upper) {
        uint8_t c = p[e];
        if (c == '{') depth++; else if (c == '}') depth--;
        if (depth <= 0 && token_stop[c]) break;
        e++;
    }
    return e;
}
