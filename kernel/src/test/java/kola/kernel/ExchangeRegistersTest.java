package kola.kernel;

import static kola.kernel.KernelHarness.ROOT;
import static kola.kernel.KernelHarness.sleep;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import kola.abi.ExRegs;
import kola.abi.IpcError;
import kola.abi.KernelError;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.machine.CostModel;
import org.junit.jupiter.api.Test;

/** ExchangeRegisters: reading and writing registers, halt and resume, restart, and its errors. */
class ExchangeRegistersTest {
    static final long A = tid(3);
    static final long B = tid(4);
    static final long C = tid(5);
    static final long NIL = ThreadId.NIL;

    static long[] read(L4 l4, long dest) {
        long id = l4.exchangeRegisters(dest, ExRegs.DELIVER, 0, 0, 0, 0, 0);
        return new long[] {id, l4.ret(ExRegs.OUT_CONTROL), l4.ret(ExRegs.OUT_SP), l4.ret(ExRegs.OUT_IP),
                l4.ret(ExRegs.OUT_FLAGS), l4.ret(ExRegs.OUT_USER_HANDLE), l4.ret(ExRegs.OUT_PAGER)};
    }

    /**
     * The X.2 derived forms set the d (deliver) bit: L4_PagerOf and L4_UserDefinedHandleOf are
     * control 0x200, L4_Stop is 0x301 and L4_AbortIpc_and_stop 0x307. Each call returns A's
     * local id, the other form of the global id it was given.
     */
    @Test
    void theDeliverBitOfTheX2DerivedFormsIsAccepted() {
        KernelHarness h = new KernelHarness();
        List<Long> got = new ArrayList<>();
        h.root(l4 -> {
            h.createActivated(l4, A);
            l4.exchangeRegisters(A, ExRegs.SET_USER_HANDLE | ExRegs.SET_PAGER, 0, 0, 0, 0x77, ROOT);
            long id = l4.exchangeRegisters(A, ExRegs.DELIVER, 0, 0, 0, 0, NIL); // L4_PagerOf
            got.add(id);
            got.add(l4.ret(ExRegs.OUT_PAGER));
            got.add(l4.ret(ExRegs.OUT_USER_HANDLE));
            long start = l4.exchangeRegisters(A, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, KernelHarness.ip(l4, "a", 0), 0, 0,
                    NIL);
            got.add(start);
            sleep(l4, 100);
            long stop = l4.exchangeRegisters(A, ExRegs.HALT | ExRegs.DELIVER | ExRegs.ABORT_IPC, 0, 0, 0, 0, NIL);
            got.add(stop); // L4_AbortIpc_and_stop
            got.add(l4.ret(ExRegs.OUT_CONTROL));
        });
        h.module("a", l4 -> l4.receive(l4.myGlobalId()));
        h.run();
        h.assertNoFailures();
        long local = KernelHarness.UTCB; // A's UTCB location
        assertEquals(List.of(local, ROOT, 0x77L, local, local, ExRegs.WAS_RECEIVING), got);
        assertEquals("ready,halted", h.state(A), "A's receive was aborted and A is stopped");
    }

    @Test
    void readsAndWritesTheRegisters() {
        KernelHarness h = new KernelHarness();
        List<long[]> reads = new ArrayList<>();
        List<Long> seenByA = new ArrayList<>();
        h.root(l4 -> {
            h.createActivated(l4, A);
            long ip = KernelHarness.ip(l4, "a", 0);
            l4.exchangeRegisters(A, ExRegs.SET_SP_IP | ExRegs.RESUME, 0x7000, ip, 0, 0, 0);
            reads.add(read(l4, A));
            // Values without their control bit are not written.
            l4.exchangeRegisters(A, 0, 1, 2, 3, 4, 5);
            reads.add(read(l4, A));
            // Write flags, user handle and pager; the call returns the old values.
            long id = l4.exchangeRegisters(A, ExRegs.SET_FLAGS | ExRegs.SET_USER_HANDLE | ExRegs.SET_PAGER
                    | ExRegs.DELIVER, 0, 0, 0x55, 0xCAFE, tid(9));
            reads.add(new long[] {id, l4.ret(ExRegs.OUT_FLAGS), l4.ret(ExRegs.OUT_USER_HANDLE), l4.ret(ExRegs.OUT_PAGER)});
            reads.add(read(l4, A));
            sleep(l4, 100); // A runs: it reads its registers and sets its own user handle
            reads.add(read(l4, A));
        });
        h.module("a", l4 -> {
            seenByA.add(l4.startSp());
            seenByA.add(l4.userHandle());
            seenByA.add(l4.pager());
            l4.setUserHandle(0xBEEF);
        });
        h.run();
        h.assertNoFailures();
        long ip = Lifecycle.moduleIpBase(2);
        long local = KernelHarness.UTCB; // A's local id: the result of ExchangeRegisters on its global id
        assertEquals(List.of(local, 0L, 0x7000L, ip, 0L, 0L, NIL), asList(reads.get(0)), "after start");
        assertEquals(asList(reads.get(0)), asList(reads.get(1)), "nothing written without control bits");
        assertEquals(List.of(local, 0L, 0L, NIL), asList(reads.get(2)), "old values returned");
        assertEquals(List.of(local, 0L, 0x7000L, ip, 0x55L, 0xCAFEL, tid(9)), asList(reads.get(3)));
        assertEquals(List.of(0x7000L, 0xCAFEL, tid(9)), seenByA);
        assertEquals(0xBEEFL, reads.get(4)[5], "the thread's own SetUserHandle is visible");
        assertEquals(ExRegs.WAS_HALTED, reads.get(4)[1], "a thread whose program ended counts as halted");
    }

    private static List<Long> asList(long[] a) {
        List<Long> l = new ArrayList<>();
        for (long x : a) {
            l.add(x);
        }
        return l;
    }

    @Test
    void reportsReceivingAndSendingStates() {
        KernelHarness h = new KernelHarness();
        List<Long> controls = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, C, "ended", 0, 100);
            h.startTask(l4, A, "receiver", 0, 100);
            h.startTask(l4, B, "sender", 0, 100);
            sleep(l4, 100);
            controls.add(read(l4, A)[1]);
            controls.add(read(l4, B)[1]);
            controls.add(read(l4, C)[1]);
            l4.exchangeRegisters(A, ExRegs.HALT, 0, 0, 0, 0, 0);
            controls.add(read(l4, A)[1]);
        });
        h.module("ended", l4 -> { });
        h.module("receiver", l4 -> l4.receive(ROOT));
        h.module("sender", l4 -> {
            l4.setMr(0, 0);
            l4.send(C);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(ExRegs.WAS_RECEIVING, ExRegs.WAS_SENDING, ExRegs.WAS_HALTED,
                ExRegs.WAS_RECEIVING | ExRegs.WAS_HALTED), controls);
    }

    @Test
    void aHaltedThreadDoesNotRunAndAResumedOneDoes() {
        KernelHarness h = new KernelHarness();
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "a", 0, 100);
            l4.exchangeRegisters(A, ExRegs.HALT, 0, 0, 0, 0, 0); // before it ever ran
            sleep(l4, 1000);
            seen.add("halted: " + h.log + " " + h.state(A));
            l4.exchangeRegisters(A, ExRegs.RESUME | ExRegs.DELIVER, 0, 0, 0, 0, 0);
            seen.add("control " + l4.ret(ExRegs.OUT_CONTROL));
            sleep(l4, 1000);
            seen.add("resumed: " + h.log);
        });
        h.module("a", l4 -> h.log("a ran"));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("halted: [] ready,halted", "control " + ExRegs.WAS_HALTED, "resumed: [a ran]"), seen);
    }

    @Test
    void aHaltedThreadStopsBetweenSystemCallsAndGoesOnWhereItStopped() {
        KernelHarness h = new KernelHarness().unchecked();
        List<Integer> counts = new ArrayList<>();
        int[] count = {0};
        h.root(l4 -> {
            h.startTask(l4, A, "counter", 0, 100);
            sleep(l4, 1000);
            l4.exchangeRegisters(A, ExRegs.HALT, 0, 0, 0, 0, 0);
            counts.add(count[0]);
            sleep(l4, 10_000);
            counts.add(count[0]);
            l4.exchangeRegisters(A, ExRegs.RESUME, 0, 0, 0, 0, 0);
            sleep(l4, 1000);
            counts.add(count[0]);
            l4.threadControl(A, NIL, NIL, NIL, -1);
        });
        h.module("counter", l4 -> {
            while (true) {
                count[0]++;
                l4.systemClock();
            }
        });
        h.run();
        h.assertNoFailures();
        // The counter runs while the root task sleeps, 1000 µs each time, and one round of its loop
        // costs one kernel entry (the harness does not meter a task's Java code); it stops at the
        // kernel entry that reaches the root task's wake-up: 1000 µs / TRAP cycles rounds.
        int rounds = (int) (1000 * CostModel.CYCLES_PER_MICROSECOND / CostModel.TRAP);
        assertEquals(rounds, counts.get(0), "ran before the halt");
        assertEquals(counts.get(0), counts.get(1), "did not run while halted");
        assertEquals(2 * rounds, counts.get(2), "ran again after resume, for the second sleep");
    }

    @Test
    void aThreadCanHaltItselfAndBeResumed() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, A, "a", 0, 100);
            sleep(l4, 1000);
            h.log("root sees " + h.state(A));
            l4.exchangeRegisters(A, ExRegs.RESUME, 0, 0, 0, 0, 0);
            sleep(l4, 1000);
        });
        h.module("a", l4 -> {
            h.log("before halt");
            long r = l4.exchangeRegisters(l4.myGlobalId(), ExRegs.HALT, 0, 0, 0, 0, 0);
            h.log("after halt " + (r == l4.myLocalId()));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("before halt", "root sees ready,halted", "after halt true"), h.log);
    }

    @Test
    void aHaltedReceiverStillTimesOutButRunsOnlyAfterResume() {
        KernelHarness h = new KernelHarness();
        List<Long> errors = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "a", 0, 100);
            sleep(l4, 10);
            l4.exchangeRegisters(A, ExRegs.HALT, 0, 0, 0, 0, 0);
            sleep(l4, 5000); // A's 1 ms timeout passes while it is halted
            h.log("root: " + h.state(A) + " " + errors);
            l4.exchangeRegisters(A, ExRegs.RESUME, 0, 0, 0, 0, 0);
        });
        h.module("a", l4 -> {
            l4.ipc(NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.relative(1000)));
            errors.add(l4.errorCode());
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("root: ready,halted []"), h.log);
        assertEquals(List.of(IpcError.code(IpcError.TIMEOUT, true)), errors);
    }

    @Test
    void settingTheIpRestartsTheThreadAtTheNewEntry() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, A, "a", 0, 100);
            sleep(l4, 100); // A blocks in a receive at entry 0
            long id = l4.exchangeRegisters(A, ExRegs.SET_IP | ExRegs.DELIVER, 0, KernelHarness.ip(l4, "a", 1), 0, 0, 0);
            h.log("root restarted " + (id == KernelHarness.UTCB) + " old control " + l4.ret(ExRegs.OUT_CONTROL));
            sleep(l4, 100);
            read(l4, A);
            h.log("ip now entry " + (l4.ret(ExRegs.OUT_IP) - KernelHarness.ip(l4, "a", 0)));
        });
        h.module("a", l4 -> {
            switch (KernelHarness.entry(l4)) {
                case 0 -> {
                    h.log("entry 0");
                    l4.receive(ROOT);
                    h.log("entry 0 after receive: must not happen");
                }
                case 1 -> {
                    h.log("entry 1");
                    l4.exchangeRegisters(l4.myGlobalId(), ExRegs.SET_IP, 0, KernelHarness.ip(l4, "a", 2), 0, 0, 0);
                    h.log("entry 1 after self-restart: must not happen");
                }
                default -> h.log("entry " + KernelHarness.entry(l4));
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("entry 0", "root restarted true old control " + ExRegs.WAS_RECEIVING, "entry 1",
                "entry 2", "ip now entry 2"), h.log);
    }

    @Test
    void restartingASenderTakesItOffItsPartnersQueue() {
        KernelHarness h = new KernelHarness();
        List<Long> got = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, B, "server", 0, 90);
            h.startTask(l4, A, "a", 0, 100);
            sleep(l4, 100);
            l4.exchangeRegisters(A, ExRegs.SET_IP, 0, KernelHarness.ip(l4, "a", 1), 0, 0, 0);
        });
        h.module("server", l4 -> {
            sleep(l4, 1000);
            l4.ipc(NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.ZERO));
            got.add(MsgTag.failed(l4.mr(0)) ? -l4.errorCode() : MsgTag.label(l4.mr(0)));
        });
        h.module("a", l4 -> {
            if (KernelHarness.entry(l4) == 0) {
                l4.setMr(0, MsgTag.make(1, 0, 0));
                l4.send(B);
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(-IpcError.code(IpcError.TIMEOUT, true)), got, "the old send was cancelled");
    }

    @Test
    void unprivilegedThreadsReachOnlyTheirOwnSpace() {
        KernelHarness h = new KernelHarness();
        List<Long> ok = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, B, "b", 0, 110);
            h.startTask(l4, A, "a", 0, 100);
            h.startThread(l4, C, A, 1, "a", 1, 80);
        });
        h.module("b", l4 -> sleep(l4, 1_000_000));
        h.module("a", l4 -> {
            if (KernelHarness.entry(l4) != 0) {
                sleep(l4, 1_000_000);
                return;
            }
            for (long other : new long[] {B, ROOT, KernelHarness.SIGMA0}) {
                h.expectError(l4, "read " + ThreadId.toString(other), KernelError.INVALID_THREAD, NIL,
                        () -> l4.exchangeRegisters(other, 0, 0, 0, 0, 0, 0));
                h.expectError(l4, "halt " + ThreadId.toString(other), KernelError.INVALID_THREAD, NIL,
                        () -> l4.exchangeRegisters(other, ExRegs.HALT | ExRegs.ABORT_IPC, 0, 0, 0, 0, 0));
            }
            ok.add(l4.exchangeRegisters(C, ExRegs.SET_USER_HANDLE, 0, 0, 0, 77, 0));
            ok.add(l4.exchangeRegisters(A, 0, 0, 0, 0, 0, 0));
            l4.threadControl(C, NIL, NIL, NIL, -1); // no privilege: C stays
            ok.add(l4.errorCode());
            h.log("B " + h.state(B) + ", C handle " + h.kernel.threads.lookup(C).userHandle);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(KernelHarness.UTCB + 1024, KernelHarness.UTCB, (long) KernelError.NO_PRIVILEGE), ok,
                "the local ids of C (UTCB slot 1) and A (slot 0)");
        assertEquals(List.of("B receiving, C handle 77"), h.log, "B untouched");
    }

    @Test
    void invalidThreadAndInvalidParameter() {
        KernelHarness h = new KernelHarness();
        List<Long> handles = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "a", 0, 100);
            sleep(l4, 100);
            h.check(l4.threadControl(B, B, ROOT, NIL, -1) == 1, "B without UTCB");
            long[] badIds = {NIL, ThreadId.ANY, tid(500), ThreadId.global(ThreadId.number(A), 2),
                    ThreadId.number(A) << 32, ThreadId.global(1, 1)};
            for (long id : badIds) {
                h.expectError(l4, "dest " + ThreadId.toString(id), KernelError.INVALID_THREAD, NIL,
                        () -> l4.exchangeRegisters(id, ExRegs.SET_USER_HANDLE, 0, 0, 0, 1, 0));
            }
            for (long control : new long[] {1L << 10, 1L << 20, 1L << 63, -1L}) {
                h.expectError(l4, "control " + Long.toHexString(control), KernelError.INVALID_PARAMETER, NIL,
                        () -> l4.exchangeRegisters(A, control | ExRegs.SET_USER_HANDLE, 0, 0, 0, 2, 0));
            }
            long last = (long) (l4.kernelInterface().bootModules().size() + 1) << 32;
            long other = KernelHarness.ip(l4, "b", 0);
            for (long ip : new long[] {0, 0x1000, -1L, last, last + 5, other}) {
                h.expectError(l4, "ip " + Long.toHexString(ip), KernelError.INVALID_PARAMETER, NIL,
                        () -> l4.exchangeRegisters(A, ExRegs.SET_IP | ExRegs.SET_USER_HANDLE | ExRegs.HALT, 0, ip, 0, 3, 0));
            }
            // A new space runs machine code from a user address only if a RISC-V program starts it.
            long fresh = tid(7);
            h.createActivated(l4, fresh);
            for (long ip : new long[] {0x10000, 0x3F_FFFF_F000L, 1L << 38}) {
                h.expectError(l4, "a Java starter, new space, ip " + Long.toHexString(ip), KernelError.INVALID_PARAMETER, NIL,
                        () -> l4.exchangeRegisters(fresh, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, ip, 0, 0, 0));
            }
            h.check(h.kernel.threads.lookup(fresh).space.module < 0, "the new space runs no module");
            h.expectError(l4, "start a thread without UTCB", KernelError.INVALID_PARAMETER, NIL,
                    () -> l4.exchangeRegisters(B, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, KernelHarness.ip(l4, "a", 0), 0, 0, 0));
            handles.add(read(l4, A)[5]);
            handles.add(read(l4, A)[1]);
        });
        h.module("a", l4 -> sleep(l4, 1_000_000));
        h.module("b", l4 -> { });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(0L, ExRegs.WAS_RECEIVING), handles, "no rejected call wrote anything or halted A");
    }

    @Test
    void resumingAHigherPriorityThreadSwitchesToItAtOnce() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.createActivated(l4, A);
            l4.schedule(A, -1, -1, 150, -1);
            l4.exchangeRegisters(A, ExRegs.SET_SP_IP | ExRegs.HALT, 0, KernelHarness.ip(l4, "a", 0), 0, 0, 0);
            l4.schedule(ROOT, -1, -1, 100, -1);
            h.log("root: started A halted");
            l4.exchangeRegisters(A, ExRegs.RESUME, 0, 0, 0, 0, 0);
            h.log("root: resumed A");
        });
        h.module("a", l4 -> h.log("a runs"));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("root: started A halted", "a runs", "root: resumed A"), h.log);
    }

    @Test
    void restartingAThreadThatWaitsForItsPagerStartsItAfresh() {
        KernelHarness h = new KernelHarness();
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, B, "pager", 0, 120); // a pager that never answers
            h.check(l4.threadControl(A, A, ROOT, NIL, -1) == 1, "create A");
            l4.spaceControl(A, 0, kola.abi.Kip.STANDARD_KIP_AREA, kola.abi.Kip.STANDARD_UTCB_AREA, NIL);
            l4.threadControl(A, A, NIL, B, KernelHarness.UTCB);
            l4.exchangeRegisters(A, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, KernelHarness.ip(l4, "a", 0), 0, 0, 0);
            sleep(l4, 100); // A faults; its page-fault IPC waits for B
            seen.add(h.state(A) + " " + ThreadId.toString(h.info(A).waitsFor()));
            l4.exchangeRegisters(A, ExRegs.SET_IP, 0, KernelHarness.ip(l4, "a", 1), 0, 0, 0);
            sleep(l4, 100);
            seen.add(h.state(A));
        });
        h.module("pager", l4 -> l4.receive(ROOT));
        h.module("a", l4 -> {
            if (KernelHarness.entry(l4) == 0) {
                l4.memory().load64(0x5000_0000L);
                h.log("a: fault resolved?");
            } else {
                l4.setMr(0, MsgTag.make(3, 0, 0));
                h.log("a: entry 1, tag " + MsgTag.toString(l4.mr(0)));
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("sending " + ThreadId.toString(B), "inactive"), seen);
        assertEquals(List.of("a: entry 1, tag " + MsgTag.toString(MsgTag.make(3, 0, 0))), h.log);
    }
}
