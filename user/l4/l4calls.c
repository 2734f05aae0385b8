/* SPDX-License-Identifier: BSD-2-Clause
 *
 * The L4 system-call binding of docs/ABI-RISCV.md, used directly (no library yet): the UTCB
 * at tp, SystemClock, an IPC call to the exec runtime's echo service, ThreadControl refused to
 * an unprivileged task (a thousand times: a fork bomb that never gets a thread), a request the
 * runtime does not serve (answered with an error, not left waiting), an unknown
 * negative call number handled by the runtime, KDB_PrintChar. Exits 0 if every check held,
 * otherwise (check << 1) | 1.
 */
#include "rt.h"

#define L4_IPC (-1L)
#define L4_THREAD_CONTROL (-5L)
#define L4_SYSTEM_CLOCK (-9L)
#define L4_KDB_PRINT_CHAR (-10L)

#define UTCB_MY_GLOBAL_ID 0
#define UTCB_PAGER 3
#define UTCB_ERROR_CODE 7
#define UTCB_MR0 16

#define ECHO_LABEL 0xEC0UL
#define NO_PRIVILEGE 1

struct result {
	long a0, a1;
};

static inline unsigned long *utcb(void)
{
	unsigned long *p;
	__asm__ volatile("mv %0, tp" : "=r"(p));
	return p;
}

static inline struct result l4_call(long n, long a0, long a1, long a2, long a3, long a4)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2;
	register long r3 __asm__("a3") = a3;
	register long r4 __asm__("a4") = a4;
	register long r7 __asm__("a7") = n;
	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4)
			 : "r"(r7)
			 : "a5", "a6", "memory");
	struct result r = {r0, r1};
	return r;
}

static void kdb_print(const char *s)
{
	while (*s) {
		l4_call(L4_KDB_PRINT_CHAR, *s++, 0, 0, 0, 0);
	}
}

#define CHECK(n, cond) do { if (!(cond)) { printf("l4calls: check %d failed\n", n); return ((n) << 1) | 1; } } while (0)

int main(void)
{
	volatile unsigned long *u = utcb();
	CHECK(1, u != 0 && ((unsigned long)u & 1023) == 0);
	unsigned long me = u[UTCB_MY_GLOBAL_ID];
	CHECK(2, me != 0 && (me & 0x3F) == 1); /* version 1 */

	struct result c1 = l4_call(L4_SYSTEM_CLOCK, 0, 0, 0, 0, 0);
	struct result c2 = l4_call(L4_SYSTEM_CLOCK, 0, 0, 0, 0, 0);
	CHECK(3, c2.a1 > c1.a1 && c2.a0 >= c1.a0);

	/* Call the pager's echo service: three words come back, each plus one. */
	unsigned long pager = u[UTCB_PAGER];
	CHECK(4, pager != 0);
	u[UTCB_MR0] = ECHO_LABEL << 16 | 3;
	u[UTCB_MR0 + 1] = 10;
	u[UTCB_MR0 + 2] = 20;
	u[UTCB_MR0 + 3] = 30;
	struct result r = l4_call(L4_IPC, (long)pager, (long)pager, 0, 0, 0);
	CHECK(5, (unsigned long)r.a0 == pager);
	CHECK(6, u[UTCB_MR0] == (ECHO_LABEL << 16 | 3));
	CHECK(7, u[UTCB_MR0 + 1] == 11 && u[UTCB_MR0 + 2] == 21 && u[UTCB_MR0 + 3] == 31);

	/* A request the runtime does not serve gets its error reply (label 0xE77, MR1 1), not silence. */
	u[UTCB_MR0] = 0x123UL << 16 | 1;
	u[UTCB_MR0 + 1] = 7;
	r = l4_call(L4_IPC, (long)pager, (long)pager, 0, 0, 0);
	CHECK(10, (unsigned long)r.a0 == pager && u[UTCB_MR0] == (0xE77UL << 16 | 1) && u[UTCB_MR0 + 1] == 1);

	/* A fork bomb: ThreadControl is the root task's; every attempt is refused, nothing is made. */
	for (int i = 0; i < 1000; i++) {
		unsigned long id = (me & ~0x3FFFUL) + ((unsigned long)(i + 1) << 14) + 1;
		struct result t = l4_call(L4_THREAD_CONTROL, (long)id, (long)me, (long)me, (long)pager, -1);
		CHECK(8, t.a0 == 0 && u[UTCB_ERROR_CODE] == NO_PRIVILEGE);
	}

	/* A negative number that is no system call: an exception for the runtime, which says ENOSYS. */
	struct result x = l4_call(-100, 0, 0, 0, 0, 0);
	CHECK(9, x.a0 == -38);

	kdb_print("KDB_PrintChar works\n");
	printf("l4calls: ok\n");
	return 0;
}
