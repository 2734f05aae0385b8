/* SPDX-License-Identifier: BSD-2-Clause */
#include "rt.h"

int main(void)
{
	puts("hello from RISC-V");
	return 0;
}
