/* SPDX-License-Identifier: BSD-2-Clause
 *
 * sort: quicksort of 200000 pseudo-random 64-bit integers (xorshift64,
 * fixed seeds), ROUNDS times with a new seed each round; every result is
 * checked to be in order and folded into a checksum.
 */
#include "rt.h"

#define N 200000
#define ROUNDS 24

static uint64_t a[N];

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void insertion_sort(uint64_t *v, long n)
{
	for (long i = 1; i < n; i++) {
		uint64_t x = v[i];
		long j = i - 1;

		while (j >= 0 && v[j] > x) {
			v[j + 1] = v[j];
			j--;
		}
		v[j + 1] = x;
	}
}

static void swap(uint64_t *p, uint64_t *q)
{
	uint64_t t = *p;

	*p = *q;
	*q = t;
}

/* Hoare partition around a median-of-three pivot; recurse on the smaller
 * side, loop on the larger one. */
static void quicksort(uint64_t *v, long n)
{
	while (n > 16) {
		long mid = n / 2, i = -1, j = n;
		uint64_t p;

		if (v[mid] < v[0])
			swap(&v[mid], &v[0]);
		if (v[n - 1] < v[0])
			swap(&v[n - 1], &v[0]);
		if (v[n - 1] < v[mid])
			swap(&v[n - 1], &v[mid]);
		p = v[mid];
		for (;;) {
			do
				i++;
			while (v[i] < p);
			do
				j--;
			while (v[j] > p);
			if (i >= j)
				break;
			swap(&v[i], &v[j]);
		}
		/* [0, j] <= p <= [j + 1, n) */
		if (j + 1 < n - j - 1) {
			quicksort(v, j + 1);
			v += j + 1;
			n -= j + 1;
		} else {
			quicksort(v + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	insertion_sort(v, n);
}

int main(void)
{
	uint64_t seed = 0x9e3779b97f4a7c15UL, sum = 0;

	for (int r = 0; r < ROUNDS; r++) {
		uint64_t s = seed + (uint64_t)r;

		for (long i = 0; i < N; i++)
			a[i] = xorshift64(&s);
		quicksort(a, N);
		for (long i = 1; i < N; i++) {
			if (a[i - 1] > a[i]) {
				printf("sort: not sorted at %ld in round %d\n", i, r);
				return 1;
			}
		}
		for (long i = 0; i < N; i += 97)
			sum = (sum ^ a[i]) * 0x100000001b3UL;
	}
	printf("sort: n=%d rounds=%d checksum=0x%016lx\n", N, ROUNDS, sum);
	return 0;
}
