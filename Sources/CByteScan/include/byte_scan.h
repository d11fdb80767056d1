#ifndef NOMEN_BYTE_SCAN_H
#define NOMEN_BYTE_SCAN_H

#include <stddef.h>
#include <stdint.h>

// A "Teddy" fingerprint search (the SIMD literal search of Hyperscan and ripgrep): up to 8
// buckets of literals; a position is a candidate when its first three bytes could begin a
// literal of some bucket, judged by nibble tables 32 bytes at a time. Candidates are only
// likely: the caller checks them. No false negatives.
typedef struct {
    // For byte k (0..2) of a literal: which buckets allow a low (high) nibble value.
    // 16 entries, repeated for both 128-bit lanes of an AVX2 register.
    uint8_t lo[3][32];
    uint8_t hi[3][32];
    // Buckets whose literals are shorter than k + 1 bytes: any byte at offset k will do.
    uint8_t any[3];
} nomen_teddy;

// Clears `t`; then add literals one by one.
void nomen_teddy_init(nomen_teddy *t);

// Adds a literal (its first three bytes count) to bucket 0..7.
void nomen_teddy_add(nomen_teddy *t, const uint8_t *literal, size_t length, unsigned bucket);

// The first candidate position in [from, n), or n when there is none.
size_t nomen_teddy_next(const nomen_teddy *t, const uint8_t *p, size_t n, size_t from);

#endif
