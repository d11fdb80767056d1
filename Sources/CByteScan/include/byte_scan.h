#ifndef NOMEN_BYTE_SCAN_H
#define NOMEN_BYTE_SCAN_H

#include <stddef.h>
#include <stdint.h>

// A "Teddy" fingerprint search (the SIMD literal search of Hyperscan and ripgrep): up to 8
// buckets of literals; a position is a candidate when its first four bytes could begin a
// literal of some bucket, judged by nibble tables 32 bytes at a time. Candidates are only
// likely: the caller checks them. No false negatives.
typedef struct {
    // For byte k (0..3) of a literal: which buckets allow a low (high) nibble value.
    // 16 entries, repeated for both 128-bit lanes of an AVX2 register.
    uint8_t lo[4][32];
    uint8_t hi[4][32];
    // Buckets whose literals are shorter than k + 1 bytes: any byte at offset k will do.
    uint8_t any[4];
} nomen_teddy;

// Clears `t`; then add literals one by one.
void nomen_teddy_init(nomen_teddy *t);

// Adds a literal (its first four bytes count) to bucket 0..7.
void nomen_teddy_add(nomen_teddy *t, const uint8_t *literal, size_t length, unsigned bucket);

// The first candidate position in [from, n), or n when there is none.
size_t nomen_teddy_next(const nomen_teddy *t, const uint8_t *p, size_t n, size_t from);

// The literals behind the fingerprints: for each first byte, the entries (first four bytes,
// big-endian, and a mask for shorter literals; then bytes 4..<20 as two little-endian words
// with their masks) and the set of triggers each stands for.
typedef struct {
    const uint32_t *values;
    const uint32_t *masks;
    const uint64_t *tails;       // two words per entry
    const uint64_t *tail_masks;  // two words per entry
    const uint64_t *triggers;
    // Entries for first byte c are offsets[c] ..< offsets[c + 1].
    uint32_t offsets[257];
} nomen_literal_table;

// The first position in [from, n) that passes the fingerprints, starts a word (when
// `word_start`; a word byte is [A-Za-z0-9_]) and whose first twenty bytes (zeros past the
// end) agree with an entry's literal; `*triggers` receives the union of those entries' trigger sets.
// Returns n when there is none. With `lt` NULL, the fingerprints alone decide.
size_t nomen_literal_next(const nomen_teddy *t, const nomen_literal_table *lt, const uint8_t *p, size_t n, size_t from,
                          int word_start, uint64_t *triggers);

// A pattern's match, called as PCRE2's pcre2_jit_match_8 (or pcre2_match_8) with the pattern,
// match data and context as untyped pointers; and the range of the last match in a match data.
typedef int (*nomen_match_fn)(const void *code, const uint8_t *subject, size_t length, size_t start,
                              uint32_t options, void *match_data, void *context);
typedef void (*nomen_match_range_fn)(void *match_data, size_t *start, size_t *end);

// Each trigger's compiled pattern (anchored), match data, context and match function (the
// JIT's or the interpreter's: a pattern's own); `code[t]` NULL when trigger t's matcher is
// not made yet. For `nomen_prefilter_collect`: each match data's offset pairs, and how many
// of them a match of trigger t keeps (0: none).
typedef struct {
    const void *const *code;
    void *const *match_data;
    void *const *context;
    const nomen_match_fn *match;
    nomen_match_range_fn range;
    const size_t *const *ovector;
    const uint32_t *kept_pairs;
} nomen_trigger_matchers;

// A trigger match: its range, its trigger, and where its kept offset pairs start in the
// groups buffer (-1: none kept).
typedef struct {
    size_t at;
    size_t end;
    int32_t trigger;
    int32_t groups;
} nomen_hit;

// nomen_literal_next, each candidate's triggers then checked in order (lowest first) at the
// candidate. Returns 1 with *at and *end the match of trigger *trigger (the first whose match
// starts at the candidate), its match data holding the match and *groups_set the match's
// return code (the number of groups set, or 0 when the ovector was too small); 0 when no
// candidate is left; -1 when the candidate *at needs the caller: trigger *trigger has no
// matcher yet or its match failed with an error. Then *pending holds that trigger and the
// candidate's later ones, to be checked by the caller.
int nomen_prefilter_next(const nomen_teddy *t, const nomen_literal_table *lt, const uint8_t *p, size_t n, size_t from,
                         int word_start, const nomen_trigger_matchers *m, size_t *at, size_t *end, int *trigger, int *groups_set,
                         uint64_t *pending);

// nomen_prefilter_next over the buffer from *from on, each match appended to hits (with
// *hit_count of them already there, at most hit_cap) and, when its trigger keeps them, its
// offset pairs to groups (-1 for a group not set; at most group_cap values, room for
// max_pairs pairs left before each search). The next
// search starts after the match. Returns 0 when no candidate is left; 1 when a buffer is full
// (go on from *from); -1 when candidate *at needs the caller (trigger *trigger and the later
// ones in *pending, as nomen_prefilter_next), *from left at it.
int nomen_prefilter_collect(const nomen_teddy *t, const nomen_literal_table *lt, const uint8_t *p, size_t n, size_t *from,
                            int word_start, const nomen_trigger_matchers *m, size_t max_pairs,
                            nomen_hit *hits, size_t hit_cap, size_t *hit_count, ptrdiff_t *groups, size_t group_cap,
                            size_t *group_count, size_t *at, int *trigger, uint64_t *pending);

// A set of bytes, tested 32 at a time by two nibble lookups: byte c is in the set when
// lo[c & 15] & hi[c >> 4] is not zero (each high nibble of a member has a bit of its own,
// so at most 8 distinct high nibbles: any set of ASCII bytes).
typedef struct {
    uint8_t lo[32];
    uint8_t hi[32];
    uint8_t member[256];
} nomen_byteset;

// Fills `s` with `count` bytes; returns 0 when they have more than 8 distinct high nibbles.
int nomen_byteset_init(nomen_byteset *s, const uint8_t *bytes, size_t count);

// The first position in [from, n) holding a member of `s`, or n.
size_t nomen_byteset_find(const nomen_byteset *s, const uint8_t *p, size_t n, size_t from);

// The number of line feeds in [from, to); `*after_last` receives the position just after the
// last one (unchanged when there is none).
size_t nomen_count_lines(const uint8_t *p, size_t from, size_t to, size_t *after_last);

// Where the line holding position `at` starts: after the last line feed before `at`, or 0.
size_t nomen_line_start(const uint8_t *p, size_t at);

// The first position in [from, n) holding a byte >= 0x80, or n.
size_t nomen_skip_ascii(const uint8_t *p, size_t n, size_t from);

// The first position in [from, n) where `needle` (length m >= 1) occurs, or n. Candidates
// are the positions whose first and last needle bytes agree, 32 at a time.
size_t nomen_find(const uint8_t *p, size_t n, size_t from, const uint8_t *needle, size_t m);

// The line around offset `at` of p[0..<n] ([*start, *end): from after the line feed before
// `at` up to the next line feed or n) and where `needle` first lies in it (*end if nowhere).
size_t nomen_line_find(const uint8_t *p, size_t n, size_t at, const uint8_t *needle, size_t m, size_t *start, size_t *end);

// Python code between strings and comments, as the tokenizer reads it: from `from`, passes
// over identifiers, numbers, operators, blanks, line ends, brackets and line continuations,
// and stops at a quote or `#` (or n). Updates the bracket depth and whether the logical line
// has a token yet (a line feed at depth 0 clears it; blanks are space, tab, CR and form feed;
// a backslash and the line end after it change nothing). `*run_token` receives the
// line-has-token value from just before the run of identifier bytes and dots that ends at
// the stop (the current value when the stop follows no such run): a string prefix there is
// part of the string, not a token.
typedef struct {
    long depth;
    int line_has_token;
    int run_token;
} nomen_python_state;

size_t nomen_python_code(const uint8_t *p, size_t n, size_t from, nomen_python_state *state);

// The end of a Python string literal that is not an f-string, its content starting at `from`
// (just after the opening quote or quotes): one past the closing quote(s); unterminated, the
// line break that ends a single-quoted string, or n. A backslash escapes the byte after it
// (and a CR LF pair). `*terminated` says whether the closing quote(s) were found.
size_t nomen_python_string_end(const uint8_t *p, size_t n, size_t from, uint8_t quote, int triple, int *terminated);

// Writes the position just after each line feed in [0, n) to `starts` (which has room for
// one per line feed: see nomen_count_lines) and returns how many.
size_t nomen_line_starts(const uint8_t *p, size_t n, long *starts);

// Whether [start, end) reads as SQL: it holds words (Python identifiers, any case) that make
// a statement: SELECT … FROM, INSERT INTO, CREATE TABLE/VIEW, MERGE … INTO, UPDATE … SET,
// DELETE FROM, or JOIN (see SQLTokenizer.looksLikeSQL, its byte-by-byte twin). The buffer
// holds n >= end bytes: those past `end` may be read, never counted.
int nomen_looks_like_sql(const uint8_t *p, size_t n, size_t start, size_t end);

// Passes over one JSON value from *at (white space first), checking its syntax as strictly
// as reading it: strings end at an unescaped quote, objects and arrays are balanced with
// their commas and colons, other values are runs of bytes up to a delimiter; `depth` levels
// are already open (512 at most). On success, *at is just after the value and 1 is returned.
int nomen_json_skip_value(const uint8_t *p, size_t n, size_t *at, int depth);

// A notebook's code cells, read without building the document (as `Notebook.cellsInSwift`
// reads them): each cell's `source` pieces, the raw ranges between the quotes of its
// strings, go into `pieces` (start, end pairs; *piece_count of them), and each code cell
// into `cells` (first piece, piece count). Returns the number of code cells, or:
#define NOMEN_CELLS_INVALID (-1)  // not JSON, or no `cells` array
#define NOMEN_CELLS_FULL (-2)     // more pieces or cells than the capacities: call again with more
#define NOMEN_CELLS_ESCAPED (-3)  // a key or cell type holds an escape: read it in Swift
// Decodes `count` JSON string pieces (raw start, end pairs) one after another into `out`
// (room for the pieces' total raw length: decoding never lengthens). Each stretch of output
// goes into `stretches` as (output start, source offset, copied 1 / produced by an escape 0);
// the output's length goes into stretches[3 * stretch_cap]. Returns the number of stretches,
// or -1 when there are more than `stretch_cap`.
long nomen_json_decode_pieces(const uint8_t *p, const size_t *pieces, size_t count, uint8_t *out, size_t *stretches,
                              size_t stretch_cap);

// The run of reference-part bytes (ASCII letters, digits, `_`, `-`) that ends at k (looking
// left, down to `lower`) or starts at k (looking right, up to `upper`): its other end.
size_t nomen_part_start(const uint8_t *p, size_t k, size_t lower);
size_t nomen_part_end(const uint8_t *p, size_t k, size_t upper);

// A path-like token around a match (`FileScan.token(around:within:)`): its start, looking
// left from s down to `lower`, and its end, looking right from e up to `upper` (a stop byte
// inside braces does not end it).
size_t nomen_token_start(const uint8_t *p, size_t s, size_t lower);
size_t nomen_token_end(const uint8_t *p, size_t e, size_t upper);

long nomen_notebook_cells(const uint8_t *p, size_t n, size_t *pieces, size_t piece_cap, size_t *piece_count,
                          size_t *cells, size_t cell_cap);

#endif
