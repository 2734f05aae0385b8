/* SPDX-License-Identifier: BSD-2-Clause */
#include <l4/kdebug.h>

void L4_KDB_PrintString(const char *s)
{
	while (*s)
		L4_KDB_PrintChar(*s++);
}

void L4_KDB_Enter(const char *reason)
{
	if (reason && *reason) {
		L4_KDB_PrintString(reason);
		L4_KDB_PrintChar('\n');
	}
	__L4_Syscall3(__L4_SYS_KDB_ENTER, 0, 0, 0);
}
