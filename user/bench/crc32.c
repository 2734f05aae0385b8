/* SPDX-License-Identifier: BSD-2-Clause
 *
 * crc32: CRC-32 (IEEE 802.3, reflected polynomial 0xedb88320, as zlib)
 * of a 16 MiB buffer filled from xorshift64, and of the stream made of
 * PASSES copies of it.  The 256-entry table is computed bit by bit, then
 * the data is processed a byte at a time.  Also prints the CRC of
 * "123456789" (0xcbf43926).
 */
#include "rt.h"

#define SIZE (16UL << 20)
#define PASSES 6

static uint8_t buf[SIZE];
static uint32_t table[256];

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void make_table(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0xedb88320U : c >> 1;
		table[i] = c;
	}
}

/* continue the CRC crc (0 to start) over p[0..n) */
static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	uint32_t c = crc ^ 0xffffffffU;

	while (n--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffU;
}

int main(void)
{
	uint64_t s = 0x13198a2e03707344UL;
	uint32_t one, all;

	make_table();
	for (size_t i = 0; i < SIZE; i += 8) {
		uint64_t x = xorshift64(&s);

		memcpy(&buf[i], &x, 8);
	}
	one = crc32(0, buf, SIZE);
	all = one;
	for (int k = 1; k < PASSES; k++)
		all = crc32(all, buf, SIZE);
	printf("crc32: bytes=%lu crc=0x%08x passes=%d crc=0x%08x check=0x%08x\n", SIZE, one,
	       PASSES, all, crc32(0, (const uint8_t *)"123456789", 9));
	return 0;
}
