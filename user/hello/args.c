/* SPDX-License-Identifier: BSD-2-Clause
 *
 * Prints its arguments, one per line ("argv[i] = text"), after "argc = N"; exits 0. argv[0] is
 * the program's name: the module's under kola exec, the path under qemu-riscv64.
 */
#include "rt.h"

int main(int argc, char **argv)
{
	printf("argc = %d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] = %s\n", i, argv[i]);
	return argv[argc] == 0 ? 0 : 1;
}
