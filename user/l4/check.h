/* SPDX-License-Identifier: BSD-2-Clause
 *
 * The checks of the test programs of l4/ (l4lib_test, l4test): one line per check, "ok  N what"
 * or "FAIL N what", then "P passed, F failed" from checks_done(), whose value is the exit status
 * (0 only if none failed).
 */
#ifndef KOLA_L4_CHECK_H
#define KOLA_L4_CHECK_H

#include "rt.h"

static int passed, failed, number;

static void check(int ok, const char *what)
{
	number++;
	if (ok) {
		passed++;
		printf("ok  %d %s\n", number, what);
	} else {
		failed++;
		printf("FAIL %d %s\n", number, what);
	}
}

static int checks_done(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}

#endif
