#include "render/pngz.h"

#include <stdlib.h>
#include <string.h>

/* ---- bit output (LSB first, as deflate wants) ------------------------------ */

typedef struct {
    unsigned char *p;
    size_t n, cap;
    uint64_t bits;
    int nb;
} bitw;

static bool bw_reserve(bitw *b, size_t more)
{
    if (b->n + more <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 65536;
    while (cap < b->n + more)
        cap *= 2;
    unsigned char *p = realloc(b->p, cap);
    if (!p)
        return false;
    b->p = p;
    b->cap = cap;
    return true;
}

/* n ≤ 32 bits; space reserved by the caller */
static inline void bw_put(bitw *b, uint32_t v, int n)
{
    b->bits |= (uint64_t)v << b->nb;
    b->nb += n;
    while (b->nb >= 8) {
        b->p[b->n++] = (unsigned char)b->bits;
        b->bits >>= 8;
        b->nb -= 8;
    }
}

static void bw_align(bitw *b)
{
    if (b->nb)
        bw_put(b, 0, 8 - b->nb);
}

/* ---- Huffman code lengths (Moffat–Katajainen, then limited) ---------------- */

typedef struct {
    uint32_t key;
    uint16_t sym;
} symfreq;

static int cmp_symfreq(const void *a, const void *b)
{
    const symfreq *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (int)x->sym - (int)y->sym;
}

/* A sorted by ascending weight; on return A[i].key is the code length of
 * A[i] (in-place minimum-redundancy code, Moffat & Katajainen 1995). */
static void min_redundancy(symfreq *A, int n)
{
    if (n == 0)
        return;
    if (n == 1) {
        A[0].key = 1;
        return;
    }
    A[0].key += A[1].key;
    int root = 0, leaf = 2, next;
    for (next = 1; next < n - 1; next++) {
        if (leaf >= n || A[root].key < A[leaf].key) {
            A[next].key = A[root].key;
            A[root++].key = (uint32_t)next;
        } else {
            A[next].key = A[leaf++].key;
        }
        if (leaf >= n || (root < next && A[root].key < A[leaf].key)) {
            A[next].key += A[root].key;
            A[root++].key = (uint32_t)next;
        } else {
            A[next].key += A[leaf++].key;
        }
    }
    A[n - 2].key = 0;
    for (next = n - 3; next >= 0; next--)
        A[next].key = A[A[next].key].key + 1;
    int avbl = 1, used = 0, dpth = 0;
    root = n - 2;
    next = n - 1;
    while (avbl > 0) {
        while (root >= 0 && (int)A[root].key == dpth) {
            used++;
            root--;
        }
        while (avbl > used) {
            A[next--].key = (uint32_t)dpth;
            avbl--;
        }
        avbl = 2 * used;
        dpth++;
        used = 0;
    }
}

/* Code lengths ≤ maxbits for n symbols with the given frequencies; symbols
 * with frequency 0 get length 0. At least two symbols must be used. */
static void huff_lengths(const uint32_t *freq, int n, int maxbits, uint8_t *len)
{
    symfreq A[320];
    int m = 0;
    for (int i = 0; i < n; i++) {
        len[i] = 0;
        if (freq[i])
            A[m++] = (symfreq){freq[i], (uint16_t)i};
    }
    qsort(A, (size_t)m, sizeof *A, cmp_symfreq);
    uint16_t syms[320];
    for (int i = 0; i < m; i++)
        syms[i] = A[i].sym;
    min_redundancy(A, m);
    int count[64] = {0};
    for (int i = 0; i < m; i++)
        count[A[i].key < 63 ? A[i].key : 63]++;
    /* fold lengths above maxbits into maxbits, then repair the Kraft sum */
    for (int i = maxbits + 1; i < 64; i++) {
        count[maxbits] += count[i];
        count[i] = 0;
    }
    uint32_t total = 0;
    for (int i = maxbits; i > 0; i--)
        total += (uint32_t)count[i] << (maxbits - i);
    while (total != (1u << maxbits)) {
        count[maxbits]--;
        for (int i = maxbits - 1; i > 0; i--)
            if (count[i]) {
                count[i]--;
                count[i + 1] += 2;
                break;
            }
        total--;
    }
    /* shortest codes to the most frequent symbols (the end of syms) */
    int j = m;
    for (int bits = 1; bits <= maxbits; bits++)
        for (int k = count[bits]; k > 0; k--)
            len[syms[--j]] = (uint8_t)bits;
}

static uint32_t reverse_bits(uint32_t v, int n)
{
    uint32_t r = 0;
    for (int i = 0; i < n; i++, v >>= 1)
        r = (r << 1) | (v & 1);
    return r;
}

/* Canonical codes (RFC 1951 3.2.2), bit-reversed for LSB-first output. */
static void huff_codes(const uint8_t *len, int n, uint16_t *code)
{
    int bl_count[16] = {0};
    for (int i = 0; i < n; i++)
        bl_count[len[i]]++;
    bl_count[0] = 0;
    uint32_t next[16] = {0}, c = 0;
    for (int bits = 1; bits < 16; bits++) {
        c = (c + (uint32_t)bl_count[bits - 1]) << 1;
        next[bits] = c;
    }
    for (int i = 0; i < n; i++)
        code[i] = len[i] ? (uint16_t)reverse_bits(next[len[i]]++, len[i]) : 0;
}

/* ---- deflate tables -------------------------------------------------------- */

static const uint16_t LBASE[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                   31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t LEXT[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t DBASE[30] = {1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
                                   33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
                                   1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t DEXT[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
static const uint8_t CL_ORDER[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

/* token: a literal byte, or TOK_MATCH | (distance − 1) << 16 | length */
#define TOK_MATCH 0x80000000u
#define MAX_TOKENS 65536
#define HASH_BITS 14

typedef struct {
    bitw out;
    uint32_t *tok;
    size_t ntok;
    /* length → symbol, extra bits, extra value */
    uint16_t len_sym[259];
    uint8_t len_ext[259];
    uint16_t len_val[259];
    bool oom;
} pngz;

/* Distance code of distance n + 1 (n = 0..32767). */
static inline unsigned dist_code(unsigned n)
{
    if (n < 4)
        return n;
    unsigned lg = 31u - (unsigned)__builtin_clz(n);
    return 2 * lg + ((n >> (lg - 1)) & 1);
}

/* One block with its own dynamic Huffman tables. */
static void flush_block(pngz *z, bool final)
{
    uint32_t fl[286] = {0}, fd[30] = {0};
    fl[256] = 1;
    for (size_t i = 0; i < z->ntok; i++) {
        uint32_t t = z->tok[i];
        if (t & TOK_MATCH) {
            fl[z->len_sym[t & 0xffff]]++;
            fd[dist_code((t >> 16) & 0x7fff)]++;
        } else {
            fl[t]++;
        }
    }
    /* every tree gets at least two codes (single-code trees trip decoders) */
    int used = 0;
    for (int i = 0; i < 286; i++)
        used += fl[i] != 0;
    if (used < 2)
        fl[fl[0] ? 1 : 0]++;
    used = 0;
    for (int i = 0; i < 30; i++)
        used += fd[i] != 0;
    for (int i = 0; used < 2; i++)
        if (!fd[i]) {
            fd[i] = 1;
            used++;
        }
    uint8_t ll[286 + 30];
    uint8_t *ld = ll + 286;
    huff_lengths(fl, 286, 15, ll);
    huff_lengths(fd, 30, 15, ld);
    int nlit = 286, ndist = 30;
    while (nlit > 257 && ll[nlit - 1] == 0)
        nlit--;
    while (ndist > 1 && ld[ndist - 1] == 0)
        ndist--;
    /* the code lengths, run-length coded with symbols 16/17/18 */
    uint8_t seq[286 + 30];
    memcpy(seq, ll, (size_t)nlit);
    memcpy(seq + nlit, ld, (size_t)ndist);
    int total = nlit + ndist;
    uint8_t rle_sym[286 + 30], rle_ext[286 + 30];
    int nrle = 0;
    for (int i = 0; i < total;) {
        uint8_t l = seq[i];
        int run = 1;
        while (i + run < total && seq[i + run] == l)
            run++;
        if (l == 0) {
            int left = run;
            while (left >= 11) {
                int r = left > 138 ? 138 : left;
                rle_sym[nrle] = 18;
                rle_ext[nrle++] = (uint8_t)(r - 11);
                left -= r;
            }
            if (left >= 3) {
                rle_sym[nrle] = 17;
                rle_ext[nrle++] = (uint8_t)(left - 3);
                left = 0;
            }
            while (left-- > 0) {
                rle_sym[nrle] = 0;
                rle_ext[nrle++] = 0;
            }
        } else {
            rle_sym[nrle] = l;
            rle_ext[nrle++] = 0;
            int left = run - 1;
            while (left >= 3) {
                int r = left > 6 ? 6 : left;
                rle_sym[nrle] = 16;
                rle_ext[nrle++] = (uint8_t)(r - 3);
                left -= r;
            }
            while (left-- > 0) {
                rle_sym[nrle] = l;
                rle_ext[nrle++] = 0;
            }
        }
        i += run;
    }
    uint32_t fc[19] = {0};
    for (int i = 0; i < nrle; i++)
        fc[rle_sym[i]]++;
    used = 0;
    for (int i = 0; i < 19; i++)
        used += fc[i] != 0;
    for (int i = 0; used < 2; i++)
        if (!fc[i]) {
            fc[i] = 1;
            used++;
        }
    uint8_t lc[19];
    uint16_t cc[19], cl[286], cd[30];
    huff_lengths(fc, 19, 7, lc);
    huff_codes(lc, 19, cc);
    huff_codes(ll, 286, cl);
    huff_codes(ld, 30, cd);
    int ncl = 19;
    while (ncl > 4 && lc[CL_ORDER[ncl - 1]] == 0)
        ncl--;
    bitw *b = &z->out;
    if (!bw_reserve(b, 1024 + 6 * z->ntok + 16)) {
        z->oom = true;
        return;
    }
    bw_put(b, final ? 1 : 0, 1);
    bw_put(b, 2, 2); /* dynamic Huffman */
    bw_put(b, (uint32_t)(nlit - 257), 5);
    bw_put(b, (uint32_t)(ndist - 1), 5);
    bw_put(b, (uint32_t)(ncl - 4), 4);
    for (int i = 0; i < ncl; i++)
        bw_put(b, lc[CL_ORDER[i]], 3);
    static const uint8_t RLE_EXT_BITS[19] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                             0, 0, 0, 0, 0, 0, 2, 3, 7};
    for (int i = 0; i < nrle; i++) {
        bw_put(b, cc[rle_sym[i]], lc[rle_sym[i]]);
        if (RLE_EXT_BITS[rle_sym[i]])
            bw_put(b, rle_ext[i], RLE_EXT_BITS[rle_sym[i]]);
    }
    for (size_t i = 0; i < z->ntok; i++) {
        uint32_t t = z->tok[i];
        if (t & TOK_MATCH) {
            unsigned L = t & 0xffff, s = z->len_sym[L], n = (t >> 16) & 0x7fff;
            unsigned dc = dist_code(n);
            bw_put(b, cl[s], ll[s]);
            if (z->len_ext[L])
                bw_put(b, z->len_val[L], z->len_ext[L]);
            bw_put(b, cd[dc], ld[dc]);
            if (DEXT[dc])
                bw_put(b, n + 1 - DBASE[dc], DEXT[dc]);
        } else {
            bw_put(b, cl[t], ll[t]);
        }
    }
    bw_put(b, cl[256], ll[256]);
    z->ntok = 0;
}

static inline void push(pngz *z, uint32_t t)
{
    if (z->ntok == MAX_TOKENS)
        flush_block(z, false);
    z->tok[z->ntok++] = t;
}

/* A match of `bytes` (≥ 3) bytes at `dist` (1..32768), split into
 * deflate's 3..258. */
static inline void push_match(pngz *z, unsigned long bytes, unsigned dist)
{
    while (bytes > 0) {
        unsigned long c = bytes > 258 ? 258 : bytes;
        if (bytes - c > 0 && bytes - c < 3)
            c = bytes - 3;
        push(z, TOK_MATCH | (uint32_t)(dist - 1) << 16 | (uint32_t)c);
        bytes -= c;
    }
}

static inline uint32_t hash2(uint32_t p0, uint32_t p1)
{
    uint32_t h = ((p0 & 0xffffffu) * 2654435761u) ^ ((p1 & 0xffffffu) * 2246822519u);
    return h >> (32 - HASH_BITS);
}

bool pngz_compress(const unsigned char *pix, int w, int h, int stride, unsigned char **out,
                   size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (w <= 0 || h <= 0 || w > 32767 || h > 32767)
        return false;
    pngz z;
    memset(&z, 0, sizeof z);
    z.tok = malloc(MAX_TOKENS * sizeof *z.tok);
    if (!z.tok || !bw_reserve(&z.out, 65536)) {
        free(z.tok);
        free(z.out.p);
        return false;
    }
    for (int L = 3; L <= 258; L++) {
        int s = 28;
        while (LBASE[s] > L)
            s--;
        z.len_sym[L] = (uint16_t)(257 + s);
        z.len_ext[L] = LEXT[s];
        z.len_val[L] = (uint16_t)(L - LBASE[s]);
    }
    unsigned row_bytes = 1 + 3 * (unsigned)w;
    bool above_ok = row_bytes <= 32768; /* deflate's window */
    /* recent positions of pixel pairs (y·w + x + 1; 0 = none), for the
     * pixels no run covers: antialiased text and curves repeat */
    uint32_t *head = calloc(1u << HASH_BITS, sizeof *head);
    if (!head) {
        free(z.tok);
        free(z.out.p);
        return false;
    }
    z.out.p[z.out.n++] = 0x78; /* zlib: deflate, 32 KiB window, fastest */
    z.out.p[z.out.n++] = 0x01;
    uint64_t a = 1, s2 = 0; /* Adler-32 */
    for (int y = 0; y < h && !z.oom; y++) {
        const uint32_t *p = (const uint32_t *)(const void *)(pix + (size_t)y * (size_t)stride);
        const uint32_t *u = y > 0 && above_ok
                                ? (const uint32_t *)(const void *)(pix + (size_t)(y - 1) * (size_t)stride)
                                : NULL;
        push(&z, 0); /* filter byte: none */
        s2 += a;
        int x = 0;
        while (x < w) {
            uint32_t c = p[x] & 0xffffffu;
            int ru = 0, rl = 0;
            if (u)
                while (x + ru < w && ((p[x + ru] ^ u[x + ru]) & 0xffffffu) == 0)
                    ru++;
            if (x > 0) {
                uint32_t left = p[x - 1] & 0xffffffu;
                if (left == c)
                    while (x + rl < w && (p[x + rl] & 0xffffffu) == left)
                        rl++;
            }
            int run, rh = 0;
            unsigned hd = 0;
            if (rl < 2 && ru < 2 && x + 1 < w) {
                uint32_t hh = hash2(p[x], p[x + 1]);
                uint32_t cand = head[hh];
                head[hh] = (uint32_t)y * (uint32_t)w + (uint32_t)x + 1;
                if (cand) {
                    cand--;
                    int cy = (int)(cand / (unsigned)w), cx = (int)(cand % (unsigned)w);
                    unsigned long dist = ((unsigned long)y - (unsigned long)cy) * row_bytes +
                                         3ul * (unsigned long)x - 3ul * (unsigned long)cx;
                    if (dist >= 3 && dist <= 32768) {
                        const uint32_t *q = (const uint32_t *)(const void *)(pix + (size_t)cy * (size_t)stride);
                        int lim = w - x < w - cx ? w - x : w - cx;
                        while (rh < lim && ((p[x + rh] ^ q[cx + rh]) & 0xffffffu) == 0 &&
                               (cy < y || cx + rh < x))
                            rh++;
                        hd = (unsigned)dist;
                    }
                }
            }
            if (rl >= 2 && rl >= ru) {
                run = rl;
                push_match(&z, 3ul * (unsigned long)run, 3);
            } else if (ru >= 2) {
                run = ru;
                push_match(&z, 3ul * (unsigned long)run, row_bytes);
            } else if (rh >= 2) {
                run = rh;
                push_match(&z, 3ul * (unsigned long)run, hd);
            } else {
                run = 1;
                push(&z, (c >> 16) & 0xff);
                push(&z, (c >> 8) & 0xff);
                push(&z, c & 0xff);
            }
            if (run == rl && run > 1) {
                /* n equal pixels: Adler-32 in closed form */
                uint64_t r = (c >> 16) & 0xff, g = (c >> 8) & 0xff, bl = c & 0xff;
                uint64_t n = (uint64_t)run, S = r + g + bl;
                s2 += 3 * n * a + 3 * S * (n * (n - 1) / 2) + n * (3 * r + 2 * g + bl);
                a += n * S;
            } else {
                for (int k = 0; k < run; k++) {
                    uint32_t v = p[x + k];
                    uint32_t r = (v >> 16) & 0xff, g = (v >> 8) & 0xff, bl = v & 0xff;
                    s2 += 3 * a + 3 * r + 2 * g + bl;
                    a += r + g + bl;
                }
            }
            x += run;
        }
        a %= 65521;
        s2 %= 65521;
    }
    if (!z.oom)
        flush_block(&z, true);
    free(z.tok);
    free(head);
    if (z.oom || !bw_reserve(&z.out, 16)) {
        free(z.out.p);
        return false;
    }
    bw_align(&z.out);
    uint32_t adler = (uint32_t)((s2 << 16) | a);
    for (int k = 3; k >= 0; k--)
        z.out.p[z.out.n++] = (unsigned char)(adler >> (8 * k));
    *out = z.out.p;
    *out_len = z.out.n;
    return true;
}
