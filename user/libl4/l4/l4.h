/* SPDX-License-Identifier: BSD-2-Clause
 *
 * l4/l4.h: all of libl4 (Kola's L4 X.2 convenience interface for RISC-V).
 */
#ifndef KOLA_L4_L4_H
#define KOLA_L4_L4_H

#include <l4/types.h>
#include <l4/vregs.h>
#include <l4/syscalls.h>
#include <l4/message.h>
#include <l4/ipc.h>
#include <l4/thread.h>
#include <l4/schedule.h>
#include <l4/space.h>
#include <l4/misc.h>
#include <l4/kdebug.h>
#include <l4/kip.h>
#include <l4/bootinfo.h>
#include <l4/kola.h>
#include <l4/start.h>
#include <l4/sigma0.h>

#endif
