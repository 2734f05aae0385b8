/* SPDX-License-Identifier: BSD-2-Clause
 *
 * sieve: the primes below 10 million with a byte array (Eratosthenes),
 * ROUNDS times; prints their count and a checksum of all of them.
 */
#include "rt.h"

#define LIMIT 10000000
#define ROUNDS 5

static unsigned char composite[LIMIT];

int main(void)
{
	long count = 0;
	uint64_t sum = 0;

	for (int r = 0; r < ROUNDS; r++) {
		memset(composite, 0, sizeof(composite));
		count = 0;
		sum = 0;
		for (long i = 2; i * i < LIMIT; i++) {
			if (composite[i])
				continue;
			for (long j = i * i; j < LIMIT; j += i)
				composite[j] = 1;
		}
		for (long i = 2; i < LIMIT; i++) {
			if (!composite[i]) {
				count++;
				sum = sum * 31 + (uint64_t)i;
			}
		}
	}
	printf("sieve: limit=%d primes=%ld checksum=0x%016lx\n", LIMIT, count, sum);
	return 0;
}
