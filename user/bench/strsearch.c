/* SPDX-License-Identifier: BSD-2-Clause
 *
 * strsearch: counts the occurrences of NPAT patterns (lengths 3..33, half
 * cut from the text, half random) in a 4 MiB pseudo-random text over an
 * 8-letter alphabet, once with a naive search and once with
 * Boyer-Moore-Horspool; both must agree.  Prints the total number of
 * matches and a checksum of their positions.
 */
#include "rt.h"

#define TEXT (4UL << 20)
#define NPAT 16
#define MAXPAT 40

static char text[TEXT];
static char pat[NPAT][MAXPAT];
static size_t patlen[NPAT];

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

struct result {
	uint64_t count;
	uint64_t possum;
};

static struct result naive(const char *t, size_t n, const char *p, size_t m)
{
	struct result r = { 0, 0 };

	for (size_t i = 0; i + m <= n; i++) {
		size_t j = 0;

		while (j < m && t[i + j] == p[j])
			j++;
		if (j == m) {
			r.count++;
			r.possum += i;
		}
	}
	return r;
}

static struct result horspool(const char *t, size_t n, const char *p, size_t m)
{
	struct result r = { 0, 0 };
	size_t shift[256];
	size_t i = 0;

	for (int c = 0; c < 256; c++)
		shift[c] = m;
	for (size_t j = 0; j + 1 < m; j++)
		shift[(unsigned char)p[j]] = m - 1 - j;
	while (i + m <= n) {
		unsigned char last = (unsigned char)t[i + m - 1];

		if (last == (unsigned char)p[m - 1] && memcmp(t + i, p, m - 1) == 0) {
			r.count++;
			r.possum += i;
		}
		i += shift[last];
	}
	return r;
}

int main(void)
{
	uint64_t s = 0xa4093822299f31d0UL, sum = 0, total = 0;

	for (size_t i = 0; i < TEXT; i++)
		text[i] = (char)('a' + (xorshift64(&s) >> 61));
	for (int k = 0; k < NPAT; k++) {
		size_t m = 3 + (size_t)(k * 2);

		patlen[k] = m;
		if (k % 2 == 0) {
			size_t at = (size_t)(xorshift64(&s) % (TEXT - m));

			memcpy(pat[k], text + at, m);
		} else {
			for (size_t j = 0; j < m; j++)
				pat[k][j] = (char)('a' + (xorshift64(&s) >> 61));
		}
	}
	for (int k = 0; k < NPAT; k++) {
		struct result a = naive(text, TEXT, pat[k], patlen[k]);
		struct result b = horspool(text, TEXT, pat[k], patlen[k]);

		if (a.count != b.count || a.possum != b.possum) {
			printf("strsearch: pattern %d: naive %lu, horspool %lu matches\n",
			       k, a.count, b.count);
			return 1;
		}
		total += a.count;
		sum = (sum ^ (a.count * 1000003 + a.possum)) * 0x100000001b3UL;
	}
	printf("strsearch: text=%lu patterns=%d matches=%lu checksum=0x%016lx\n",
	       TEXT, NPAT, total, sum);
	return 0;
}
