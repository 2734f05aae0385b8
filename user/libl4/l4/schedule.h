/* SPDX-License-Identifier: BSD-2-Clause
 *
 * l4/schedule.h: Schedule, ThreadSwitch, SystemClock (L4 X.2; Schedule.java, ThreadState.java).
 */
#ifndef KOLA_L4_SCHEDULE_H
#define KOLA_L4_SCHEDULE_H

#include <l4/types.h>
#include <l4/syscalls.h>

#define L4_SCHEDRESULT_ERROR 0
#define L4_SCHEDRESULT_DEAD 1
#define L4_SCHEDRESULT_INACTIVE 2
#define L4_SCHEDRESULT_RUNNING 3
#define L4_SCHEDRESULT_PENDING_SEND 4
#define L4_SCHEDRESULT_SENDING 5
#define L4_SCHEDRESULT_WAITING 6
#define L4_SCHEDRESULT_RECEIVING 7

/*
 * Schedule (the caller must be dest's scheduler): dest's state (L4_SCHEDRESULT_*), or 0 with
 * L4_ErrorCode set. A control word of all ones leaves that parameter alone. Kola's RISC-V
 * binding returns only a0: the old time control (which the Java personality gets) does not come
 * back, so *old_TimeControl is set to ~0 ("not known"), never to a value the kernel did not give.
 */
L4_INLINE L4_Word_t L4_Schedule(L4_ThreadId_t dest, L4_Word_t TimeControl, L4_Word_t ProcessorControl,
				L4_Word_t PrioControl, L4_Word_t PreemptionControl, L4_Word_t *old_TimeControl)
{
	__L4_Regs_t r = {{dest.raw, TimeControl, ProcessorControl, PrioControl, PreemptionControl, 0, 0}};
	__L4_Syscall(__L4_SYS_SCHEDULE, &r);
	*old_TimeControl = r.a[1];
	return r.a[0];
}

L4_INLINE L4_Word_t L4_Set_Priority(L4_ThreadId_t tid, L4_Word_t prio)
{
	L4_Word_t d;
	return L4_Schedule(tid, ~0UL, ~0UL, prio & 0xFF, ~0UL, &d);
}

/* Kola has no total quantum: pass L4_Never (0) as totalquantum. */
L4_INLINE L4_Word_t L4_Set_Timeslice(L4_ThreadId_t tid, L4_Time_t timeslice, L4_Time_t totalquantum)
{
	L4_Word_t d;
	return L4_Schedule(tid, (L4_Word_t)timeslice.raw << 16 | totalquantum.raw, ~0UL, ~0UL, ~0UL, &d);
}

/* ThreadSwitch: give the rest of the time slice to dest (nil: yield). */
L4_INLINE void L4_ThreadSwitch(L4_ThreadId_t dest)
{
	__L4_Syscall3(__L4_SYS_THREAD_SWITCH, dest.raw, 0, 0);
}

L4_INLINE void L4_Yield(void)
{
	L4_ThreadSwitch(L4_nilthread);
}

/* SystemClock: simulated microseconds since boot (a0), as X.2's L4_Clock_t. */
L4_INLINE L4_Clock_t L4_SystemClock(void)
{
	L4_Clock_t c;
	c.raw = __L4_Syscall3(__L4_SYS_SYSTEM_CLOCK, 0, 0, 0);
	return c;
}

/*
 * The absolute time point for clock value at (as Timeout.point): the finest exponent whose
 * window reaches it from now. L4_ZeroTime if at has passed; L4_Never if it lies 2^25 us or more
 * ahead (beyond what a point can name).
 */
L4_INLINE L4_Time_t L4_TimePoint(L4_Clock_t at)
{
	L4_Word64_t now = L4_SystemClock().raw;
	L4_Time_t t;
	unsigned e = 0;
	if (at.raw <= now)
		return L4_ZeroTime;
	if (at.raw - now >= (1024ULL << 15))
		return L4_Never;
	while (at.raw - now >= (1024ULL << e))
		e++;
	t.raw = (L4_Word16_t)(1U << 15 | e << 11 | ((at.raw >> (e + 10)) & 1) << 10 | ((at.raw >> e) & 1023));
	return t;
}

/*
 * Kola's extension: SystemClock with the simulated cycle count too (a1; the clock runs at 1 GHz,
 * one cycle per nanosecond), both read by one call.
 */
L4_INLINE L4_Clock_t Kola_SystemClock(L4_Word64_t *cycles)
{
	__L4_Regs_t r = {{0, 0, 0, 0, 0, 0, 0}};
	L4_Clock_t c;
	__L4_Syscall(__L4_SYS_SYSTEM_CLOCK, &r);
	c.raw = r.a[0];
	*cycles = r.a[1];
	return c;
}

#endif
