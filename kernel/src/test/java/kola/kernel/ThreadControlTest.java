package kola.kernel;

import static kola.kernel.KernelHarness.NO_UTCB;
import static kola.kernel.KernelHarness.ROOT;
import static kola.kernel.KernelHarness.UTCB;
import static kola.kernel.KernelHarness.sleep;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.KernelError;
import kola.abi.Kip;
import kola.abi.MsgTag;
import kola.abi.Schedule;
import kola.abi.ThreadId;
import org.junit.jupiter.api.Test;

/** ThreadControl: create, modify, activate, delete, and every error it reports. */
class ThreadControlTest {
    static final long A = tid(3);
    static final long B = tid(4);
    static final long C = tid(5);
    static final long NIL = ThreadId.NIL;

    @Test
    void createInANewSpaceAndInAnExistingSpace() {
        KernelHarness h = new KernelHarness();
        List<Integer> spaceCounts = new ArrayList<>();
        h.root(l4 -> {
            spaceCounts.add(h.kernel.spaces().size());
            h.check(l4.threadControl(A, A, ROOT, NIL, NO_UTCB) == 1, "create A in a new space");
            spaceCounts.add(h.kernel.spaces().size());
            h.check(l4.spaceControl(A, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, NIL) == 1, "areas");
            h.check(l4.threadControl(B, A, ROOT, NIL, UTCB + 1024) == 1, "create B in A's space, active");
            h.check(l4.threadControl(C, B, ROOT, NIL, NO_UTCB) == 1, "create C in the space B names, inactive");
            spaceCounts.add(h.kernel.spaces().size());
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(2, 3, 3), spaceCounts);
        assertNotEquals(h.info(ROOT).asid(), h.info(A).asid());
        assertEquals(h.info(A).asid(), h.info(B).asid());
        assertEquals(h.info(A).asid(), h.info(C).asid());
        assertEquals("inactive", h.state(A));
        assertEquals(100, h.info(A).priority(), "a new thread gets the default priority");
        Kernel.SpaceInfo space = h.kernel.spaces().stream().filter(s -> s.asid() == h.info(A).asid()).findFirst()
                .orElseThrow();
        assertEquals(3, space.threads());
        assertTrue(!space.privileged(), "a space the root task creates is not privileged");
    }

    @Test
    void aThreadNeedsAUtcbBeforeItCanBeStarted() {
        KernelHarness h = new KernelHarness();
        List<Long> results = new ArrayList<>();
        h.root(l4 -> {
            long ip = KernelHarness.ip(l4, "a", 0);
            l4.threadControl(A, A, ROOT, NIL, NO_UTCB);
            l4.spaceControl(A, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, NIL);
            results.add(l4.exchangeRegisters(A, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, ip, 0, 0, 0));
            results.add(l4.errorCode());
            results.add(l4.threadControl(A, A, NIL, NIL, UTCB + 3 * 1024));
            results.add(l4.exchangeRegisters(A, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, ip, 0, 0, 0));
        });
        h.module("a", l4 -> h.log("a runs"));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(NIL, (long) KernelError.INVALID_PARAMETER, 1L, UTCB + 3 * 1024), results,
                "the start returns A's local id, its UTCB location");
        assertEquals(List.of("a runs"), h.log);
    }

    @Test
    void modifyPagerAndScheduler() {
        KernelHarness h = new KernelHarness();
        List<Long> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, B, "scheduler", 0, 200);
            h.createActivated(l4, A);
            l4.exchangeRegisters(A, ExRegs.DELIVER, 0, 0, 0, 0, 0);
            seen.add(l4.ret(ExRegs.OUT_PAGER));
            h.check(l4.threadControl(A, A, B, tid(40), NO_UTCB) == 1, "modify scheduler and pager");
            l4.exchangeRegisters(A, ExRegs.DELIVER, 0, 0, 0, 0, 0);
            seen.add(l4.ret(ExRegs.OUT_PAGER));
            // The old scheduler (the root task) may no longer schedule A.
            seen.add(l4.schedule(A, Schedule.UNCHANGED, Schedule.UNCHANGED, 50, Schedule.UNCHANGED));
            seen.add(l4.errorCode());
            // Nil scheduler and nil pager leave both unchanged.
            h.check(l4.threadControl(A, A, NIL, NIL, NO_UTCB) == 1, "modify nothing");
            l4.exchangeRegisters(A, ExRegs.DELIVER, 0, 0, 0, 0, 0);
            seen.add(l4.ret(ExRegs.OUT_PAGER));
            // Wake the new scheduler: it schedules A.
            l4.setMr(0, 0);
            l4.send(B);
        });
        h.module("scheduler", l4 -> {
            l4.receive(ROOT);
            long state = l4.schedule(A, Schedule.UNCHANGED, Schedule.UNCHANGED, 50, Schedule.UNCHANGED);
            h.log("schedule by new scheduler -> " + state);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(NIL, tid(40), 0L, (long) KernelError.NO_PRIVILEGE, tid(40)), seen);
        assertEquals(List.of("schedule by new scheduler -> " + kola.abi.ThreadState.INACTIVE), h.log);
        assertEquals(50, h.info(A).priority());
    }

    @Test
    void theThreadSeesThePagerSetByThreadControl() {
        KernelHarness h = new KernelHarness();
        List<Long> pagers = new ArrayList<>();
        h.root(l4 -> {
            l4.threadControl(A, A, ROOT, NIL, NO_UTCB);
            l4.spaceControl(A, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, NIL);
            l4.threadControl(A, A, NIL, KernelHarness.SIGMA0, UTCB);
            l4.exchangeRegisters(A, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, KernelHarness.ip(l4, "a", 0), 0, 0, 0);
        });
        h.module("a", l4 -> pagers.add(l4.pager()));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(KernelHarness.SIGMA0), pagers);
    }

    @Test
    void deleteRemovesTheThreadAndItsSpaceWithTheLastThreadAndFreesEverything() {
        KernelHarness h = new KernelHarness();
        List<Long> memory = new ArrayList<>();
        List<Integer> spaces = new ArrayList<>();
        h.root(l4 -> {
            memory.add(h.kernel.kernelMemory()[0]);
            spaces.add(h.kernel.spaces().size());
            h.startTask(l4, A, "a", 0, 100);
            h.startThread(l4, B, A, 1, "a", 1, 100);
            sleep(l4, 100);
            memory.add(h.kernel.kernelMemory()[0]);
            h.check(l4.threadControl(A, NIL, NIL, NIL, NO_UTCB) == 1, "delete A");
            h.check(h.state(A).equals("absent"), "A is gone");
            spaces.add(h.kernel.spaces().size());
            h.check(l4.threadControl(B, NIL, NIL, NIL, NO_UTCB) == 1, "delete B");
            spaces.add(h.kernel.spaces().size());
            memory.add(h.kernel.kernelMemory()[0]);
            // The number can be used again, and its UTCB slot too.
            h.check(l4.threadControl(C, ROOT, ROOT, NIL, UTCB + 5 * 1024) == 1, "C in the root's space");
            h.check(l4.threadControl(C, NIL, NIL, NIL, NO_UTCB) == 1, "delete C");
            h.check(l4.threadControl(tid(6), ROOT, ROOT, NIL, UTCB + 5 * 1024) == 1, "the freed UTCB slot");
        });
        h.module("a", l4 -> sleep(l4, 1_000_000));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(2, 3, 2), spaces);
        // The task: two TCBs, its space descriptor, and the three Sv39 tables on the way to its KIP page.
        assertEquals(2 * Tcb.BYTES + Space.BYTES + 3 * 4096, memory.get(1) - memory.get(0));
        assertEquals(memory.get(0), memory.get(2), "deleting the task returned all of its kernel memory");
    }

    @Test
    void unprivilegedCallerGetsNoPrivilege() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> h.startTask(l4, A, "a", 0, 100));
        h.module("a", l4 -> {
            h.expectError(l4, "create", KernelError.NO_PRIVILEGE, 0, () -> l4.threadControl(B, B, A, NIL, NO_UTCB));
            h.expectError(l4, "create in own space", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.threadControl(B, A, A, NIL, UTCB + 1024));
            h.expectError(l4, "modify self", KernelError.NO_PRIVILEGE, 0, () -> l4.threadControl(A, A, A, A, NO_UTCB));
            h.expectError(l4, "delete root", KernelError.NO_PRIVILEGE, 0, () -> l4.threadControl(ROOT, NIL, NIL, NIL, NO_UTCB));
            h.log("done");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("done"), h.log);
    }

    @Test
    void invalidThreadIds() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.createActivated(l4, A);
            long limit = KernelConfig.defaults().threadNumberLimit();
            long[][] bad = {
                {NIL}, {ThreadId.ANY}, {ThreadId.global(1, 2)}, {ThreadId.global(Kernel.SYSTEM_BASE, 1)},
                {ThreadId.global(Kernel.USER_BASE - 1, 1)}, {ThreadId.number(B) << 32},
                {ThreadId.global(limit, 1)}, {ThreadId.global(0xFFFF_FFFFL, 1)},
            };
            for (long[] id : bad) {
                String name = ThreadId.toString(id[0]);
                h.expectError(l4, "create " + name, KernelError.INVALID_THREAD, 0,
                        () -> l4.threadControl(id[0], id[0], ROOT, NIL, NO_UTCB));
                h.expectError(l4, "create in root's space " + name, KernelError.INVALID_THREAD, 0,
                        () -> l4.threadControl(id[0], ROOT, ROOT, NIL, UTCB + 7 * 1024));
                h.expectError(l4, "delete " + name, KernelError.INVALID_THREAD, 0,
                        () -> l4.threadControl(id[0], NIL, NIL, NIL, NO_UTCB));
            }
            long a2 = ThreadId.global(ThreadId.number(A), 2);
            h.expectError(l4, "delete A under another version", KernelError.INVALID_THREAD, 0,
                    () -> l4.threadControl(a2, NIL, NIL, NIL, NO_UTCB));
            h.expectError(l4, "A's version changed, in root's space", KernelError.INVALID_SPACE, 0,
                    () -> l4.threadControl(a2, ROOT, ROOT, NIL, NO_UTCB));
            h.expectError(l4, "delete self", KernelError.INVALID_THREAD, 0,
                    () -> l4.threadControl(ROOT, NIL, NIL, NIL, NO_UTCB));
            h.expectError(l4, "delete nonexistent", KernelError.INVALID_THREAD, 0,
                    () -> l4.threadControl(tid(600), NIL, NIL, NIL, NO_UTCB));
            h.log("done");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("done"), h.log);
    }

    @Test
    void invalidSpace() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.createActivated(l4, A);
            h.expectError(l4, "create in a nonexistent thread's space", KernelError.INVALID_SPACE, 0,
                    () -> l4.threadControl(B, tid(700), ROOT, NIL, NO_UTCB));
            h.expectError(l4, "create in a stale id's space", KernelError.INVALID_SPACE, 0,
                    () -> l4.threadControl(B, ThreadId.global(ThreadId.number(A), 9), ROOT, NIL, NO_UTCB));
            h.expectError(l4, "create in anythread's space", KernelError.INVALID_SPACE, 0,
                    () -> l4.threadControl(B, ThreadId.ANY, ROOT, NIL, NO_UTCB));
            h.expectError(l4, "move A to the root's space", KernelError.INVALID_SPACE, 0,
                    () -> l4.threadControl(A, ROOT, NIL, NIL, NO_UTCB));
            h.expectError(l4, "modify A naming a nonexistent space", KernelError.INVALID_SPACE, 0,
                    () -> l4.threadControl(A, tid(700), NIL, NIL, NO_UTCB));
            h.log("done");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("done"), h.log);
    }

    @Test
    void invalidScheduler() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.createActivated(l4, A);
            h.expectError(l4, "create with nil scheduler", KernelError.INVALID_SCHEDULER, 0,
                    () -> l4.threadControl(B, B, NIL, NIL, NO_UTCB));
            h.expectError(l4, "create with nonexistent scheduler", KernelError.INVALID_SCHEDULER, 0,
                    () -> l4.threadControl(B, B, tid(701), NIL, NO_UTCB));
            h.expectError(l4, "create with stale scheduler", KernelError.INVALID_SCHEDULER, 0,
                    () -> l4.threadControl(B, B, ThreadId.global(ThreadId.number(ROOT), 2), NIL, NO_UTCB));
            h.expectError(l4, "modify with nonexistent scheduler", KernelError.INVALID_SCHEDULER, 0,
                    () -> l4.threadControl(A, A, tid(701), NIL, NO_UTCB));
            h.log("done");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("done"), h.log);
    }

    @Test
    void invalidUtcb() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.createActivated(l4, A); // A's UTCB is the area's first slot
            h.expectError(l4, "below the area", KernelError.INVALID_UTCB, 0,
                    () -> l4.threadControl(B, A, ROOT, NIL, UTCB - 1024));
            h.expectError(l4, "above the area", KernelError.INVALID_UTCB, 0,
                    () -> l4.threadControl(B, A, ROOT, NIL, UTCB + (1L << 20)));
            h.expectError(l4, "misaligned", KernelError.INVALID_UTCB, 0,
                    () -> l4.threadControl(B, A, ROOT, NIL, UTCB + 512));
            h.expectError(l4, "in use", KernelError.INVALID_UTCB, 0,
                    () -> l4.threadControl(B, A, ROOT, NIL, UTCB));
            h.expectError(l4, "a new space has no UTCB area", KernelError.INVALID_UTCB, 0,
                    () -> l4.threadControl(B, B, ROOT, NIL, UTCB));
            // A thread in a space without areas cannot be activated.
            h.check(l4.threadControl(C, C, ROOT, NIL, NO_UTCB) == 1, "create C");
            h.expectError(l4, "activate in a space without UTCB area", KernelError.INVALID_UTCB, 0,
                    () -> l4.threadControl(C, C, NIL, NIL, UTCB));
            // An active thread's UTCB does not move.
            h.expectError(l4, "move an active UTCB", KernelError.INVALID_UTCB, 0,
                    () -> l4.threadControl(A, A, NIL, NIL, UTCB + 1024));
            h.check(l4.threadControl(A, A, NIL, NIL, UTCB) == 1, "naming the UTCB it has is fine");
            // An inactive thread in A's space activated at a free slot: fine.
            h.check(l4.threadControl(B, A, ROOT, NIL, NO_UTCB) == 1, "create B inactive");
            h.expectError(l4, "activate B at A's UTCB", KernelError.INVALID_UTCB, 0,
                    () -> l4.threadControl(B, A, NIL, NIL, UTCB));
            h.check(l4.threadControl(B, A, NIL, NIL, UTCB + (1L << 20) - 1024) == 1, "activate B at the last slot");
            h.log("done");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("done"), h.log);
    }

    @Test
    void outOfMemoryIsAnErrorAndDeletingThreadsMakesRoomAgain() {
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withKernelMemory(64 * 1024));
        List<Long> created = new ArrayList<>();
        List<String> after = new ArrayList<>();
        long[] room = new long[2]; // free kernel memory before the loop, threads the loop made
        h.root(l4 -> {
            long n = 3;
            room[0] = h.kernel.kernelMemory()[1] - h.kernel.kernelMemory()[0];
            while (n < 1000) {
                long id = tid(n);
                KernelHarness.Snapshot before = h.snapshot();
                if (l4.threadControl(id, ROOT, ROOT, NIL, NO_UTCB) == 0) {
                    h.check(l4.errorCode() == KernelError.OUT_OF_MEMORY,
                            "creation failed with " + KernelError.describe(l4.errorCode()));
                    h.check(h.snapshot().equals(before), "the failed creation changed the kernel");
                    break;
                }
                created.add(id);
                n++;
            }
            h.check(n < 1000, "kernel memory never ran out");
            room[1] = created.size();
            // A new space does not fit either; its descriptor is rolled back.
            h.expectError(l4, "new space", KernelError.OUT_OF_MEMORY, 0,
                    () -> l4.threadControl(tid(2000), tid(2000), ROOT, NIL, NO_UTCB));
            // Free TCBs until there is room for a space descriptor and its page-table root, but not
            // for its thread: the half-made space must be taken back.
            long free = h.kernel.kernelMemory()[1] - h.kernel.kernelMemory()[0];
            long spaceOnly = Space.BYTES + 4096;
            int k = (int) Math.ceilDiv(spaceOnly - free, Tcb.BYTES);
            h.check(free + k * Tcb.BYTES < spaceOnly + Tcb.BYTES, "arithmetic: free " + free + " k " + k);
            for (int i = 0; i < k; i++) {
                h.check(l4.threadControl(created.remove(created.size() - 1), NIL, NIL, NIL, NO_UTCB) == 1, "delete");
            }
            h.expectError(l4, "new space with room for the space only", KernelError.OUT_OF_MEMORY, 0,
                    () -> l4.threadControl(tid(2000), tid(2000), ROOT, NIL, NO_UTCB));
            h.check(l4.threadControl(created.remove(created.size() - 1), NIL, NIL, NIL, NO_UTCB) == 1, "delete");
            // Now a task fits: create it, start it, and talk to it.
            String failure = KernelHarness.createTask(l4, tid(2000), NIL, KernelHarness.ip(l4, "echo", 0), 100);
            if (failure != null) {
                // the KIP mapping needs two page-table frames more: make room for them
                for (int i = 0; i < 8 && failure != null; i++) {
                    l4.threadControl(tid(2000), NIL, NIL, NIL, NO_UTCB);
                    l4.threadControl(created.remove(created.size() - 1), NIL, NIL, NIL, NO_UTCB);
                    failure = KernelHarness.createTask(l4, tid(2000), NIL, KernelHarness.ip(l4, "echo", 0), 100);
                }
            }
            h.check(failure == null, "task creation after freeing memory: " + failure);
            l4.setMr(0, MsgTag.make(3, 0, 0));
            long tag = l4.call(tid(2000));
            after.add("call " + (MsgTag.failed(tag) ? "failed" : "label " + MsgTag.label(tag)));
        });
        h.module("echo", l4 -> {
            long from = l4.waitAny();
            l4.setMr(0, MsgTag.make(MsgTag.label(l4.mr(0)) + 1, 0, 0));
            l4.reply(from);
        });
        h.run();
        h.assertNoFailures();
        // A thread in the root task's own space costs a TCB and nothing else: the pool refuses the
        // first one for which less than a TCB is left.
        assertEquals(room[0] / Tcb.BYTES, room[1], room[0] + " bytes free at first");
        assertEquals(List.of("call label 4"), after);
    }

    @Test
    void kernelMemoryIsChargedPerThreadAndSpace() {
        KernelHarness h = new KernelHarness();
        List<Long> used = new ArrayList<>();
        h.root(l4 -> {
            used.add(h.kernel.kernelMemory()[0]);
            l4.threadControl(A, ROOT, ROOT, NIL, NO_UTCB);
            used.add(h.kernel.kernelMemory()[0]);
            l4.threadControl(B, B, ROOT, NIL, NO_UTCB);
            used.add(h.kernel.kernelMemory()[0]);
            l4.threadControl(A, NIL, NIL, NIL, NO_UTCB);
            l4.threadControl(B, NIL, NIL, NIL, NO_UTCB);
            used.add(h.kernel.kernelMemory()[0]);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(Tcb.BYTES, used.get(1) - used.get(0), "a TCB");
        assertEquals(Tcb.BYTES + Space.BYTES + 4096, used.get(2) - used.get(1), "a TCB, a space and its root table");
        assertEquals(used.get(0), used.get(3));
    }

    @Test
    void theThreadNumberLimitIsExact() {
        long limit = 5000;
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withThreadNumberLimit(limit));
        long last = ThreadId.global(limit - 1, 1);
        List<Long> got = new ArrayList<>();
        h.root(l4 -> {
            h.expectError(l4, "number at the limit", KernelError.INVALID_THREAD, 0,
                    () -> l4.threadControl(ThreadId.global(limit, 1), ThreadId.global(limit, 1), ROOT, NIL, NO_UTCB));
            h.check(KernelHarness.createTask(l4, last, NIL, KernelHarness.ip(l4, "echo", 0), 100) == null,
                    "the highest thread number");
            l4.setMr(0, MsgTag.make(9, 0, 0));
            got.add(MsgTag.label(l4.call(last)));
            h.check(l4.threadControl(last, NIL, NIL, NIL, NO_UTCB) == 1, "delete it");
            l4.setMr(0, 0);
            l4.send(last);
            got.add(IpcErrorCode.of(l4));
        });
        h.module("echo", l4 -> {
            long from = l4.waitAny();
            l4.setMr(0, MsgTag.make(MsgTag.label(l4.mr(0)) + 1, 0, 0));
            l4.reply(from);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(10L, kola.abi.IpcError.code(kola.abi.IpcError.NO_PARTNER, false)), got);
    }

    /** The ErrorCode after an IPC. */
    static final class IpcErrorCode {
        static long of(kola.abi.L4 l4) {
            return l4.errorCode();
        }
    }

    @Test
    void anInterruptThreadNamesNoAddressSpaceToCreateThreadsIn() {
        // Interrupt pseudo-threads live in the kernel's thread table but in no user address space:
        // as a space specifier they are invalid, and the kernel must not build a user thread there
        // (deleting such a thread later would "delete" the pseudo-threads' space).
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            long irq = l4.kernelInterface().interruptThread(5);
            h.expectError(l4, "create in an interrupt thread's space", KernelError.INVALID_SPACE, 0,
                    () -> l4.threadControl(A, irq, ROOT, NIL, NO_UTCB));
            l4.threadControl(A, NIL, NIL, NIL, NO_UTCB); // in case the creation went through
            h.log("done");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("done"), h.log);
    }

    @Test
    void anExistingThreadNumberWithAnotherVersionChangesTheThreadsVersion() {
        KernelHarness h = new KernelHarness();
        long a2 = ThreadId.global(ThreadId.number(A), 2);
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "a", 0, 200); // it waits for a message from the root task
            h.startTask(l4, B, "b", 0, 50);  // it sends to A by its old id, and blocks (A waits for root only)
            sleep(l4, 100);
            seen.add("A " + h.state(A) + ", B " + h.state(B));
            h.check(l4.threadControl(a2, a2, NIL, NIL, NO_UTCB) == 1, "change A's version: " + KernelError.describe(l4.errorCode()));
            sleep(l4, 100);
            seen.add("old id " + (h.kernel.threads.lookup(A) == null ? "names nobody" : "still names A")
                    + ", new id " + (h.kernel.threads.lookup(a2) != null ? "names A" : "names nobody"));
            l4.setMr(0, MsgTag.make(9, 0, 0));
            seen.add("a send to the new id: " + (MsgTag.failed(l4.send(a2)) ? "failed" : "ok"));
            sleep(l4, 100);
        });
        h.module("a", l4 -> {
            l4.receive(ROOT);
            h.log("A's first wait: " + (MsgTag.failed(l4.mr(0)) ? kola.abi.IpcError.describe(l4.errorCode()) : "a message")
                    + ", A is now " + ThreadId.toString(l4.myGlobalId()));
            l4.receive(ROOT);
            h.log("A then received label " + MsgTag.label(l4.mr(0)));
        });
        h.module("b", l4 -> {
            l4.setMr(0, MsgTag.make(5, 0, 0));
            long tag = l4.send(A);
            h.log("B's send to the old id: " + (MsgTag.failed(tag) ? kola.abi.IpcError.describe(l4.errorCode()) : "ok"));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("A receiving, B sending", "old id names nobody, new id names A", "a send to the new id: ok"), seen);
        assertEquals(List.of("A's first wait: " + kola.abi.IpcError.describe(kola.abi.IpcError.code(kola.abi.IpcError.CANCELLED, true))
                + ", A is now " + ThreadId.toString(a2),
                "B's send to the old id: " + kola.abi.IpcError.describe(kola.abi.IpcError.code(kola.abi.IpcError.CANCELLED, false)),
                "A then received label 9"), h.log);
        assertEquals(List.of(), h.kernel.checkInvariants());
    }
}
