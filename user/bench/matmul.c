/* SPDX-License-Identifier: BSD-2-Clause
 *
 * matmul: 200x200 integer matrix products (64-bit, wrapping), ROUNDS
 * times: C = A * B, then A = C with its entries folded to 16 bits.
 * Prints a checksum of the final C.
 */
#include "rt.h"

#define N 200
#define ROUNDS 24

static int64_t A[N][N], B[N][N], C[N][N];

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void multiply(void)
{
	for (int i = 0; i < N; i++) {
		for (int j = 0; j < N; j++)
			C[i][j] = 0;
		for (int k = 0; k < N; k++) {
			int64_t aik = A[i][k];

			for (int j = 0; j < N; j++)
				C[i][j] += aik * B[k][j];
		}
	}
}

int main(void)
{
	uint64_t s = 0x243f6a8885a308d3UL, sum = 0;

	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			A[i][j] = (int64_t)(xorshift64(&s) % 2001) - 1000;
			B[i][j] = (int64_t)(xorshift64(&s) % 2001) - 1000;
		}
	for (int r = 0; r < ROUNDS; r++) {
		multiply();
		for (int i = 0; i < N; i++)
			for (int j = 0; j < N; j++)
				A[i][j] = (int16_t)(C[i][j] ^ (C[i][j] >> 16));
	}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			sum = (sum ^ (uint64_t)C[i][j]) * 0x100000001b3UL;
	printf("matmul: n=%d rounds=%d checksum=0x%016lx\n", N, ROUNDS, sum);
	return 0;
}
