package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kola.machine.CycleClock;
import org.junit.jupiter.api.Test;

/**
 * The one decision of who runs next that ends a kernel entry ({@link Cpu#schedule}; DESIGN.md,
 * "Scheduling"): handlers change thread states and name at most one thread, and nothing
 * changes who runs until the decision. An IPC partner named by a thread that blocks runs unless
 * a ready thread has a higher priority; a woken thread preempts a running one of lower priority
 * only; ThreadSwitch donates whatever the priority; after other system calls a ready thread of
 * higher priority preempts; a current thread that blocked without naming anyone gives way to
 * the best ready thread, or to none.
 */
class ScheduleDecisionTest {
    private final CycleClock clock = new CycleClock();
    private final Cpu cpu = new Cpu(clock, new EventLog(clock));
    private long next = 100;

    private Tcb thread(int priority) {
        return thread(priority, next++);
    }

    private static Tcb thread(int priority, long number) {
        Tcb t = new Tcb(number);
        t.id = kola.abi.ThreadId.global(number, 1);
        t.priority = priority;
        t.timeslice = 10_000;
        t.remaining = t.timeslice;
        t.state = Tcb.READY;
        return t;
    }

    /** {@code t} runs: the decision of an entry that named it as ThreadSwitch does. */
    private void running(Tcb t) {
        cpu.donate(t);
        cpu.schedule();
        assertSame(t, cpu.current);
    }

    @Test
    void aPartnerNamedByABlockedThreadRunsWithoutEnteringTheQueue() {
        Tcb client = thread(100);
        Tcb server = thread(100);
        Tcb other = thread(100);
        running(client);
        cpu.makeReady(other);
        client.state = Tcb.RECEIVING;
        server.state = Tcb.READY;
        cpu.prefer(server);
        assertSame(client, cpu.current, "nothing is decided before the end of the entry");
        cpu.schedule();
        assertSame(server, cpu.current, "the direct switch, past an equal that waits in the queue");
        assertFalse(server.queued);
        assertTrue(other.queued);
    }

    /**
     * The direct switch is made at once when nothing else needs looking at ({@code
     * Cpu.switchedDirect}): it leaves what a dispatch of the partner leaves (ThreadSwitch's way):
     * the running thread, the clock (an address-space switch's cycles), the event, the slices and
     * the preemption point.
     */
    @Test
    void theDirectSwitchLeavesWhatADispatchOfThePartnerLeaves() {
        for (boolean sameSpace : new boolean[] {false, true}) {
            long[] direct = afterSwitch(true, sameSpace);
            long[] dispatched = afterSwitch(false, sameSpace);
            assertArrayEquals(dispatched, direct, sameSpace ? "one space" : "two spaces");
            assertEquals(kola.abi.ThreadId.global(2, 1), direct[0], "the partner runs");
            assertEquals(sameSpace ? 700 : 700 + kola.machine.CostModel.CONTEXT_SWITCH, direct[1], "the clock");
            assertEquals(10_000 - 700, direct[4], "the client's slice, less what it ran");
            assertEquals(direct[1] + 10_000, direct[6], "the preemption point: the end of the partner's slice");
        }
    }

    /** A client runs 700 cycles, blocks and names the server ({@code named}) or switches to it; what the decision leaves. */
    private static long[] afterSwitch(boolean named, boolean sameSpace) {
        CycleClock clock = new CycleClock();
        EventLog events = new EventLog(clock);
        Cpu cpu = new Cpu(clock, events);
        Tcb client = thread(100, 1);
        Tcb server = thread(100, 2);
        client.space = new Space(1, "client");
        server.space = sameSpace ? client.space : new Space(2, "server");
        cpu.donate(client);
        cpu.schedule();
        clock.advance(700);
        client.state = Tcb.RECEIVING;
        if (named) {
            cpu.prefer(server);
        } else {
            cpu.donate(server);
        }
        cpu.schedule();
        return new long[] {cpu.current.id, clock.now(), events.count(), events.hash(), client.remaining, server.remaining,
            cpu.preemptAt, server.queued ? 1 : 0};
    }

    @Test
    void aPartnerWithNoSliceLeftGoesBehindAnEqualThatWaits() {
        Tcb client = thread(100);
        Tcb server = thread(100);
        Tcb other = thread(100);
        running(client);
        cpu.makeReady(other);
        client.state = Tcb.RECEIVING;
        server.remaining = 0;
        cpu.prefer(server);
        cpu.schedule();
        assertSame(other, cpu.current, "round robin among equals, however the partner was named");
        assertTrue(server.queued);
        assertEquals(server.timeslice, server.remaining, "a fresh slice");
    }

    @Test
    void aPartnerGivesWayToAReadyThreadOfHigherPriority() {
        Tcb client = thread(100);
        Tcb server = thread(50);
        Tcb urgent = thread(80);
        running(client);
        cpu.makeReady(urgent);
        client.state = Tcb.RECEIVING;
        cpu.prefer(server);
        cpu.schedule();
        assertSame(urgent, cpu.current);
        assertTrue(server.queued, "the partner waits in its queue");
    }

    @Test
    void aWokenThreadPreemptsOnlyALowerPriority() {
        Tcb runner = thread(100);
        Tcb equal = thread(100);
        Tcb higher = thread(120);
        running(runner);
        cpu.woke(equal);
        cpu.schedule();
        assertSame(runner, cpu.current, "on a tie the running thread keeps the CPU");
        assertTrue(equal.queued);
        cpu.woke(higher);
        cpu.schedule();
        assertSame(higher, cpu.current);
        assertTrue(runner.queued, "the preempted thread waits at the head of its queue");
    }

    @Test
    void afterASystemCallAReadyThreadOfHigherPriorityPreemptsButNotAfterThreadSwitch() {
        Tcb runner = thread(50);
        Tcb higher = thread(60);
        running(runner);
        cpu.ready.enqueue(higher);
        cpu.repick(false); // ThreadSwitch: the donation stands
        cpu.schedule();
        assertSame(runner, cpu.current);
        cpu.repick(true);
        cpu.schedule();
        assertSame(higher, cpu.current);
    }

    @Test
    void aThreadThatBlockedNamingNoOneGivesWayToTheBestReadyOrToNone() {
        Tcb a = thread(10);
        Tcb b = thread(20);
        running(a);
        cpu.makeReady(b);
        a.state = Tcb.RECEIVING;
        cpu.schedule();
        assertSame(b, cpu.current);
        b.halted = true;
        cpu.schedule();
        assertNull(cpu.current, "nothing is ready");
    }

    @Test
    void yieldPutsTheRunningThreadBehindItsEqualsWithAFreshSlice() {
        Tcb a = thread(10);
        Tcb b = thread(10);
        running(a);
        cpu.makeReady(b);
        cpu.yieldCurrent();
        cpu.schedule();
        assertSame(b, cpu.current);
        assertTrue(a.queued);
        assertEquals(0, a.remaining, "its slice is given up: a fresh one when it is picked again");
    }
}
