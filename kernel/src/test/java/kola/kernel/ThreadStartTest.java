package kola.kernel;

import static kola.kernel.KernelHarness.NEVER;
import static kola.kernel.KernelHarness.NO_UTCB;
import static kola.kernel.KernelHarness.ROOT;
import static kola.kernel.KernelHarness.UTCB;
import static kola.kernel.KernelHarness.sleep;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.IpcError;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import org.junit.jupiter.api.Test;

/**
 * X.2 thread start: a thread activated with a pager waits for its pager's start message (MR1
 * ip, MR2 sp) and starts there; only the pager's own, well-formed message starts it; a bad one
 * fails the pager's send and the thread goes on waiting; ExchangeRegisters starts it too, and its
 * r bit ends the wait.
 */
class ThreadStartTest {
    static final long A = tid(3);
    static final long P = tid(4);
    static final long B = tid(5);
    static final long NIL = ThreadId.NIL;
    static final long ZERO_SEND = Timeout.pair(Timeout.ZERO, Timeout.NEVER);
    static final long MESSAGE_OVERFLOW = IpcError.code(IpcError.MESSAGE_OVERFLOW, false);
    static final long SEND_TIMEOUT = IpcError.code(IpcError.TIMEOUT, false);

    /** Creates {@code id} in a space of its own with the standard areas, and activates it with {@code pager}. */
    static void activate(KernelHarness h, L4 l4, long id, long pager) {
        h.check(l4.threadControl(id, id, l4.myGlobalId(), NIL, NO_UTCB) == 1
                && l4.spaceControl(id, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, NIL) == 1
                && l4.threadControl(id, id, NIL, pager, UTCB) == 1, "activate " + ThreadId.toString(id));
    }

    /** Sends a start message of {@code tag} with MR1 {@code ip}, MR2 {@code sp}; returns 0 or the ErrorCode. */
    static long startMessage(L4 l4, long to, long tag, long ip, long sp, long timeouts) {
        l4.setMr(0, tag);
        l4.setMr(1, ip);
        l4.setMr(2, sp);
        l4.setMr(3, Fpage.of(0x7000, 12, Fpage.R)); // (for a message with typed words)
        l4.ipc(to, NIL, timeouts);
        return MsgTag.failed(l4.mr(0)) ? l4.errorCode() : 0;
    }

    static final long START = MsgTag.make(0, 2, 0);

    @Test
    void aThreadActivatedWithAPagerStartsWhereItsPagersMessageSays() {
        KernelHarness h = new KernelHarness();
        List<Object> seen = new ArrayList<>();
        h.root(l4 -> {
            activate(h, l4, A, ROOT);
            seen.add(h.state(A));
            seen.add(h.info(A).waitsFor());
            l4.exchangeRegisters(A, ExRegs.DELIVER, 0, 0, 0, 0, NIL);
            seen.add(l4.ret(ExRegs.OUT_CONTROL));
            // A call: the start message, then the reply of the started thread.
            l4.setMr(0, START);
            l4.setMr(1, KernelHarness.ip(l4, "a", 1));
            l4.setMr(2, 0x7_0000);
            long from = l4.ipc(A, A, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
            seen.add(MsgTag.failed(l4.mr(0)) ? "failed " + IpcError.describe(l4.errorCode()) : "reply " + l4.mr(1));
            seen.add(from);
            sleep(l4, 100);
            seen.add(h.state(A));
        });
        h.module("a", l4 -> {
            h.log("a at entry " + KernelHarness.entry(l4) + ", sp 0x" + Long.toHexString(l4.startSp()));
            l4.setMr(0, MsgTag.make(0, 1, 0));
            l4.setMr(1, 42);
            l4.send(l4.pager());
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("inactive,awaiting start", ROOT, ExRegs.WAS_HALTED | ExRegs.WAS_RECEIVING, "reply 42", A,
                "inactive"), seen);
        assertEquals(List.of("a at entry 1, sp 0x70000"), h.log);
    }

    /**
     * Only the pager's message starts the thread; a message of another shape from the pager, or
     * with an ip the space cannot start at, fails the pager's send with message overflow and
     * leaves the thread waiting; then a good one starts it.
     */
    @Test
    void onlyThePagersWellFormedStartMessageStartsTheThread() {
        KernelHarness h = new KernelHarness();
        List<Long> byRoot = new ArrayList<>();
        List<Long> byPager = new ArrayList<>();
        List<String> states = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, P, "pager", 0, 90);
            activate(h, l4, A, P);
            long ip = KernelHarness.ip(l4, "a", 0);
            // Not the pager: A does not receive from the root task.
            byRoot.add(startMessage(l4, A, START, ip, 0, ZERO_SEND));
            byRoot.add(startMessage(l4, A, START, ip, 0, Timeout.pair(Timeout.relative(100), Timeout.NEVER)));
            states.add(h.state(A));
            l4.setMr(0, 0);
            l4.send(P); // go
            states.add(h.state(A));
        });
        h.module("pager", l4 -> {
            l4.receive(ROOT);
            long good = KernelHarness.ip(l4, "a", 0);
            long last = (long) (l4.kernelInterface().bootModules().size() + 1) << 32;
            long[][] bad = {
                {MsgTag.make(0, 1, 0), good}, // short
                {MsgTag.make(0, 3, 0), good}, // long
                {MsgTag.make(0, 0, 2), good}, // typed words
                {MsgTag.make(0, 2, 2), good}, // and typed words
                {START, 0x1000}, // not an entry of a module (a new space may start at any module's entry)
                {START, last}, // no module
                {START, -1L},
                {MsgTag.make(0, 62, 2), good}, // u + t = 64: overflow before anything
            };
            for (long[] b : bad) {
                byPager.add(startMessage(l4, A, b[0], b[1], 0x1000, ZERO_SEND));
            }
            states.add(h.state(A));
            byPager.add(startMessage(l4, A, START | MsgTag.make(0x77, 0, 0), good, 0x2000, ZERO_SEND));
            sleep(l4, 100);
            states.add(h.state(A));
            // Started: a second start message is an ordinary message to a thread that does not receive.
            byPager.add(startMessage(l4, A, START, good, 0x3000, ZERO_SEND));
        });
        h.module("a", l4 -> {
            h.log("a at entry " + KernelHarness.entry(l4) + ", sp 0x" + Long.toHexString(l4.startSp()));
            sleep(l4, 1000);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(SEND_TIMEOUT, SEND_TIMEOUT), byRoot);
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            expected.add(MESSAGE_OVERFLOW);
        }
        expected.add(0L);
        expected.add(SEND_TIMEOUT);
        assertEquals(expected, byPager);
        assertEquals(List.of("inactive,awaiting start", "inactive,awaiting start", "inactive,awaiting start", "receiving"),
                states);
        assertEquals(List.of("a at entry 0, sp 0x2000"), h.log, "any label; started once");
    }

    /** ExchangeRegisters still starts a waiting thread, and its r bit ends the wait without starting it. */
    @Test
    void exchangeRegistersStartsAWaitingThreadAndItsRBitEndsTheWait() {
        KernelHarness h = new KernelHarness();
        List<Object> seen = new ArrayList<>();
        h.root(l4 -> {
            activate(h, l4, A, ROOT);
            activate(h, l4, B, ROOT);
            long ip = KernelHarness.ip(l4, "a", 0);
            h.check(l4.exchangeRegisters(A, ExRegs.SET_SP_IP | ExRegs.RESUME, 0x100, ip, 0, 0, NIL) == UTCB, "start A");
            seen.add(h.state(A));
            l4.exchangeRegisters(B, ExRegs.ABORT_RECEIVE | ExRegs.DELIVER, 0, 0, 0, 0, NIL);
            seen.add(l4.ret(ExRegs.OUT_CONTROL));
            seen.add(h.state(B));
            seen.add(startMessage(l4, B, START, ip, 0x200, ZERO_SEND)); // B waits for nothing now
            seen.add(h.state(B));
            h.check(l4.exchangeRegisters(B, ExRegs.SET_SP_IP | ExRegs.RESUME, 0x300, ip, 0, 0, NIL) == UTCB, "start B");
            sleep(l4, 100);
        });
        h.module("a", l4 -> h.log("sp 0x" + Long.toHexString(l4.startSp())));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("ready", ExRegs.WAS_HALTED | ExRegs.WAS_RECEIVING, "inactive", SEND_TIMEOUT, "inactive"), seen);
        assertEquals(List.of("sp 0x100", "sp 0x300"), h.log);
    }

    /** Without a pager a thread does not wait; a pager given before it ever ran makes it wait for that pager. */
    @Test
    void aPagerGivenToAnActivatedThreadMakesItWait() {
        KernelHarness h = new KernelHarness();
        List<Object> seen = new ArrayList<>();
        h.root(l4 -> {
            h.createActivated(l4, A); // pager nil
            seen.add(h.state(A));
            h.startTask(l4, P, "pager", 0, 90);
            h.check(l4.threadControl(A, A, NIL, P, NO_UTCB) == 1, "give A a pager");
            seen.add(h.state(A));
            seen.add(h.info(A).waitsFor());
            l4.setMr(0, 0);
            l4.send(P);
            sleep(l4, 100);
            seen.add(h.state(A));
        });
        h.module("pager", l4 -> {
            l4.receive(ROOT);
            h.check(startMessage(l4, A, START, KernelHarness.ip(l4, "a", 0), 0, ZERO_SEND) == 0, "start A");
        });
        h.module("a", l4 -> h.log("a runs"));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("inactive", "inactive,awaiting start", P, "inactive"), seen);
        assertEquals(List.of("a runs"), h.log);
    }

    /** A thread of the pager's own space (ThreadControl into an existing space) is started by its pager too, named locally. */
    @Test
    void aThreadOfAnExistingSpaceStartsOnItsPagersMessage() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, P, "pager", 0, 90);
            h.check(l4.threadControl(B, P, ROOT, P, UTCB + 1024) == 1, "B in P's space, paged by P");
            l4.setMr(0, 0);
            l4.send(P);
        });
        h.module("pager", l4 -> {
            if (KernelHarness.entry(l4) == 1) {
                h.log("b runs, paged by " + (l4.pager() == P ? "P" : ThreadId.toString(l4.pager())));
                return;
            }
            l4.receive(ROOT);
            h.check(startMessage(l4, UTCB + 1024, START, KernelHarness.ip(l4, "pager", 1), 0, ZERO_SEND) == 0, "start B");
            sleep(l4, 100);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("b runs, paged by P"), h.log);
    }
}
