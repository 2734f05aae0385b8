/* SPDX-License-Identifier: BSD-2-Clause
 *
 * l4/kdebug.h: Kola's kernel debugger calls. Output goes to the kernel console a line at a time
 * (at each '\n'), prefixed with the task's name, control characters escaped.
 */
#ifndef KOLA_L4_KDEBUG_H
#define KOLA_L4_KDEBUG_H

#include <l4/types.h>
#include <l4/syscalls.h>

L4_INLINE void L4_KDB_PrintChar(char c)
{
	__L4_Syscall3(__L4_SYS_KDB_PRINT_CHAR, (L4_Word_t)(unsigned char)c, 0, 0);
}

void L4_KDB_PrintString(const char *s);

/*
 * Enters the kernel debugger: Kola's prints a snapshot of this space's mappings on the kernel
 * console and returns. Kola's KDB_Enter takes no text; the reason is printed first as a line of
 * its own with L4_KDB_PrintString.
 */
void L4_KDB_Enter(const char *reason);

#endif
