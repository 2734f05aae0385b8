package kola.kernel;

import static kola.kernel.KernelHarness.ROOT;
import static kola.kernel.KernelHarness.sleep;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kola.abi.ExRegs;
import kola.abi.IpcError;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.machine.CostModel;
import org.junit.jupiter.api.Test;

/** Every IPC error code that applies before typed items: timeout, no partner, cancelled, message overflow. */
class IpcErrorsTest {
    static final long A = tid(3);
    static final long B = tid(4);
    static final long C = tid(5);
    static final long D = tid(6);
    static final long E = tid(7);
    static final long S = tid(8);

    static final long SEND_TIMEOUT = IpcError.code(IpcError.TIMEOUT, false);
    static final long RECEIVE_TIMEOUT = IpcError.code(IpcError.TIMEOUT, true);
    static final long SEND_NO_PARTNER = IpcError.code(IpcError.NO_PARTNER, false);
    static final long RECEIVE_NO_PARTNER = IpcError.code(IpcError.NO_PARTNER, true);
    static final long SEND_CANCELLED = IpcError.code(IpcError.CANCELLED, false);
    static final long RECEIVE_CANCELLED = IpcError.code(IpcError.CANCELLED, true);

    /** What an IPC left behind: ErrorCode, MR0, the returned sender. */
    record Outcome(long errorCode, long tag, long from) {
        boolean failed() {
            return MsgTag.failed(tag);
        }
    }

    static Outcome ipc(L4 l4, long to, long from, long timeouts) {
        l4.setMr(0, MsgTag.make(1, 1, 0));
        l4.setMr(1, 11);
        long ret = l4.ipc(to, from, timeouts);
        return new Outcome(l4.errorCode(), l4.mr(0), ret);
    }

    @Test
    void errorCodeEncodingAndPhaseBit() {
        assertEquals(2, IpcError.code(IpcError.TIMEOUT, false));
        assertEquals(3, IpcError.code(IpcError.TIMEOUT, true));
        assertEquals(5, IpcError.code(IpcError.NO_PARTNER, true));
        assertEquals(6, IpcError.code(IpcError.CANCELLED, false));
        assertEquals(8, IpcError.code(IpcError.MESSAGE_OVERFLOW, false));
        assertTrue(IpcError.inReceivePhase(RECEIVE_CANCELLED));
        assertEquals(IpcError.CANCELLED, IpcError.kind(RECEIVE_CANCELLED));
    }

    @Test
    void timeoutInBothPhasesSetsErrorFlagAndPhaseBit() {
        KernelHarness h = new KernelHarness();
        List<Outcome> out = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, B, "idle", 0, 110);
            h.startTask(l4, A, "a", 0, 100);
        });
        h.module("idle", l4 -> l4.receive(ROOT)); // exists, waits for someone else
        h.module("a", l4 -> {
            out.add(ipc(l4, B, ThreadId.NIL, Timeout.pair(Timeout.relative(10), Timeout.NEVER)));
            out.add(ipc(l4, ThreadId.NIL, B, Timeout.pair(Timeout.NEVER, Timeout.relative(10))));
            out.add(ipc(l4, B, ThreadId.ANY, Timeout.pair(Timeout.ZERO, Timeout.NEVER)));
            out.add(ipc(l4, ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.ZERO)));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(SEND_TIMEOUT, RECEIVE_TIMEOUT, SEND_TIMEOUT, RECEIVE_TIMEOUT),
                out.stream().map(Outcome::errorCode).toList());
        for (Outcome o : out) {
            assertTrue(o.failed(), "error flag in MR0");
            assertEquals(MsgTag.ERROR, o.tag(), "MR0 of a failed IPC is the bare error tag");
            assertEquals(ThreadId.NIL, o.from());
        }
    }

    @Test
    void impossibleTimeoutWordsFailTheirPhaseWithTimeout() {
        KernelHarness h = new KernelHarness();
        List<Outcome> out = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, B, "receiver", 0, 110);
            h.startTask(l4, A, "a", 0, 100);
        });
        h.module("receiver", l4 -> {
            while (true) {
                l4.waitAny();
                h.log("received label " + MsgTag.label(l4.mr(0)));
            }
        });
        h.module("a", l4 -> {
            // Bits above 32 in the timeouts word.
            out.add(ipc(l4, B, ThreadId.NIL, 1L << 40));
            out.add(ipc(l4, ThreadId.NIL, ThreadId.ANY, 1L << 40));
            out.add(ipc(l4, B, ThreadId.NIL, 1L << 32 | Timeout.pair(Timeout.NEVER, Timeout.NEVER)));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(SEND_TIMEOUT, RECEIVE_TIMEOUT, SEND_TIMEOUT),
                out.stream().map(Outcome::errorCode).toList());
        assertEquals(List.of(), h.log, "no message was delivered");
    }

    @Test
    void anAbsoluteTimePointEndsAWaitAtThatPointAndOneThatPassedIsZero() {
        KernelHarness h = new KernelHarness();
        List<Long> seen = new ArrayList<>();
        List<Long> codes = new ArrayList<>();
        h.root(l4 -> {
            long now = l4.systemClock();
            long at = now + 2500;
            long tag = l4.ipc(ThreadId.NIL, l4.myGlobalId(), Timeout.pair(Timeout.NEVER, Timeout.point(at, now)));
            codes.add(l4.errorCode());
            long woke = l4.systemClock();
            seen.add(woke - (at & -4)); // (e = 2 here: the point names at to 4 µs)
            // A point that has passed by the time the kernel reads it: no wait at all.
            int passed = Timeout.point(l4.systemClock() + 1, l4.systemClock());
            KernelHarness.sleep(l4, 50);
            long before = h.kernel.cycles();
            l4.ipc(ThreadId.NIL, l4.myGlobalId(), Timeout.pair(Timeout.NEVER, passed));
            codes.add(l4.errorCode());
            seen.add(h.kernel.cycles() - before);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of((long) RECEIVE_TIMEOUT, (long) RECEIVE_TIMEOUT), codes);
        // Woke at the point: the clock reads the microsecond the point names (the return and the
        // SystemClock call take less than one).
        assertEquals(0L, seen.get(0), "µs after the point");
        // No wait for a passed point: the call costs its kernel entry and the IPC path, in cycles.
        assertEquals(CostModel.TRAP + CostModel.IPC, seen.get(1), "cycles of a receive whose point has passed");
    }

    @Test
    void noPartnerForEveryKindOfIdThatNamesNoThread() {
        KernelHarness h = new KernelHarness();
        Map<String, Long> bad = new LinkedHashMap<>();
        bad.put("nonexistent", tid(500));
        bad.put("stale version", ThreadId.global(ThreadId.number(B), 2));
        bad.put("nil version", ThreadId.number(B) << 32);
        bad.put("number at the limit", ThreadId.global(KernelConfig.defaults().threadNumberLimit(), 1));
        bad.put("largest number", ThreadId.global(0xFFFF_FFFFL, 1));
        bad.put("interrupt thread", ThreadId.global(1, 1));
        bad.put("kernel thread range", ThreadId.global(Kernel.SYSTEM_BASE + 1, 1));
        bad.put("any as destination", ThreadId.ANY);
        Map<String, List<Long>> out = new LinkedHashMap<>();
        h.root(l4 -> {
            h.startTask(l4, B, "idle", 0, 110);
            h.startTask(l4, A, "a", 0, 100);
        });
        h.module("idle", l4 -> l4.receive(ROOT));
        h.module("a", l4 -> {
            for (var e : bad.entrySet()) {
                long id = e.getValue();
                List<Long> codes = new ArrayList<>();
                Outcome send = ipc(l4, id, ThreadId.NIL, KernelHarness.NEVER);
                codes.add(send.errorCode());
                h.check(send.failed(), e.getKey() + ": send without error flag");
                Outcome call = ipc(l4, id, id, KernelHarness.NEVER);
                codes.add(call.errorCode());
                Outcome replyWait = ipc(l4, id, ThreadId.ANY, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
                codes.add(replyWait.errorCode());
                if (id != ThreadId.ANY) {
                    Outcome receive = ipc(l4, ThreadId.NIL, id, KernelHarness.NEVER);
                    codes.add(receive.errorCode());
                    h.check(receive.failed(), e.getKey() + ": receive without error flag");
                }
                out.put(e.getKey(), codes);
            }
        });
        h.run();
        h.assertNoFailures();
        for (var e : out.entrySet()) {
            List<Long> expected = e.getKey().equals("any as destination")
                    ? List.of(SEND_NO_PARTNER, SEND_NO_PARTNER, SEND_NO_PARTNER)
                    : List.of(SEND_NO_PARTNER, SEND_NO_PARTNER, SEND_NO_PARTNER, RECEIVE_NO_PARTNER);
            assertEquals(expected, e.getValue(), e.getKey());
        }
        assertEquals("receiving", h.state(B), "the thread whose number was misused is untouched");
    }

    @Test
    void aReusedThreadNumberMakesTheOldIdStale() {
        KernelHarness h = new KernelHarness();
        long old = A;
        long renewed = ThreadId.global(ThreadId.number(A), 2);
        List<Long> out = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, old, "receiver", 0, 100);
            sleep(l4, 100);
            h.check(l4.threadControl(old, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1) == 1, "delete");
            h.startTask(l4, renewed, "receiver", 0, 100);
            sleep(l4, 100);
            out.add(ipc(l4, old, ThreadId.NIL, KernelHarness.NEVER).errorCode());
            Outcome ok = ipc(l4, renewed, ThreadId.NIL, KernelHarness.NEVER);
            out.add(ok.failed() ? ok.errorCode() : 0);
        });
        h.module("receiver", l4 -> {
            l4.waitAny();
            h.log("v" + ThreadId.version(l4.myGlobalId()) + " received");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(SEND_NO_PARTNER, 0L), out);
        assertEquals(List.of("v2 received"), h.log);
    }

    @Test
    void exchangeRegistersAbortCancelsBlockedReceiveAndSend() {
        KernelHarness h = new KernelHarness();
        List<Outcome> out = new ArrayList<>();
        List<Long> oldControl = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, C, "ended", 0, 100);
            h.startTask(l4, A, "receiver", 0, 100);
            h.startTask(l4, B, "sender", 0, 100);
            sleep(l4, 1000); // everyone blocks
            // s alone does not abort a receive; r alone does not abort a send.
            l4.exchangeRegisters(A, ExRegs.ABORT_SEND, 0, 0, 0, 0, 0);
            l4.exchangeRegisters(B, ExRegs.ABORT_RECEIVE, 0, 0, 0, 0, 0);
            h.check(h.state(A).equals("receiving") && h.state(B).equals("sending"),
                    "the wrong abort bit changed something: " + h.state(A) + "/" + h.state(B));
            l4.exchangeRegisters(A, ExRegs.ABORT_RECEIVE | ExRegs.DELIVER, 0, 0, 0, 0, 0);
            oldControl.add(l4.ret(ExRegs.OUT_CONTROL));
            l4.exchangeRegisters(B, ExRegs.ABORT_SEND | ExRegs.DELIVER, 0, 0, 0, 0, 0);
            oldControl.add(l4.ret(ExRegs.OUT_CONTROL));
        });
        h.module("ended", l4 -> { });
        h.module("receiver", l4 -> out.add(ipc(l4, ThreadId.NIL, ThreadId.ANY, KernelHarness.NEVER)));
        h.module("sender", l4 -> out.add(ipc(l4, C, C, KernelHarness.NEVER)));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(ExRegs.WAS_RECEIVING, ExRegs.WAS_SENDING), oldControl);
        assertEquals(List.of(RECEIVE_CANCELLED, SEND_CANCELLED), out.stream().map(Outcome::errorCode).toList());
        for (Outcome o : out) {
            assertTrue(o.failed());
        }
        assertEquals("inactive", h.state(A), "the cancelled threads ran on to their end");
        assertEquals("inactive", h.state(B));
    }

    @Test
    void abortCancelsTheReceivePhaseOfACallAndWorksWithinOneSpaceUnprivileged() {
        KernelHarness h = new KernelHarness();
        List<Outcome> out = new ArrayList<>();
        List<Long> aborter = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "server", 0, 120);
            h.startTask(l4, A, "task", 0, 100);
            h.startThread(l4, B, A, 1, "task", 1, 90);
        });
        h.module("server", l4 -> {
            l4.waitAny(); // takes the call and never replies
            sleep(l4, 1_000_000);
        });
        h.module("task", l4 -> {
            if (KernelHarness.entry(l4) == 0) {
                out.add(ipc(l4, S, S, KernelHarness.NEVER));
            } else {
                aborter.add(l4.exchangeRegisters(A, ExRegs.ABORT_IPC | ExRegs.DELIVER, 0, 0, 0, 0, 0));
                aborter.add(l4.ret(ExRegs.OUT_CONTROL));
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(KernelHarness.UTCB, ExRegs.WAS_RECEIVING), aborter, "A's local id, and A was receiving");
        assertEquals(1, out.size());
        assertEquals(RECEIVE_CANCELLED, out.get(0).errorCode());
    }

    @Test
    void deletingAThreadCancelsItsSendersAndTheClosedReceiversWaitingForIt() {
        KernelHarness h = new KernelHarness();
        Map<Long, Outcome> out = new LinkedHashMap<>();
        List<String> before = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "server", 0, 120);
            h.startTask(l4, D, "caller", 0, 110);
            h.startTask(l4, A, "sender", 0, 100);
            h.startTask(l4, B, "caller", 0, 100);
            h.startTask(l4, C, "receiver", 0, 100);
            h.startTask(l4, E, "open", 0, 100);
            sleep(l4, 1000);
            for (long t : new long[] {S, A, B, C, D, E}) {
                before.add(h.state(t));
            }
            h.check(l4.threadControl(S, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1) == 1, "delete S");
        });
        h.module("server", l4 -> {
            l4.receive(D); // D's call is received; D now waits for the reply
            sleep(l4, 10_000_000);
        });
        h.module("caller", l4 -> out.put(l4.myGlobalId(), ipc(l4, S, S, KernelHarness.NEVER)));
        h.module("sender", l4 -> out.put(l4.myGlobalId(), ipc(l4, S, ThreadId.NIL, KernelHarness.NEVER)));
        h.module("receiver", l4 -> out.put(l4.myGlobalId(), ipc(l4, ThreadId.NIL, S, KernelHarness.NEVER)));
        h.module("open", l4 -> {
            Outcome o = ipc(l4, ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.relative(50_000)));
            out.put(l4.myGlobalId(), o);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("receiving", "sending", "sending", "receiving", "receiving", "receiving"), before);
        assertEquals(SEND_CANCELLED, out.get(A).errorCode(), "queued sender");
        assertEquals(SEND_CANCELLED, out.get(B).errorCode(), "queued caller");
        assertEquals(RECEIVE_CANCELLED, out.get(C).errorCode(), "closed receiver");
        assertEquals(RECEIVE_CANCELLED, out.get(D).errorCode(), "caller waiting for the reply");
        assertEquals(RECEIVE_TIMEOUT, out.get(E).errorCode(), "an open receiver is not affected");
        assertEquals("absent", h.state(S));
    }

    @Test
    void deletingABlockedSenderRemovesItFromItsPartnersQueue() {
        KernelHarness h = new KernelHarness();
        List<Outcome> out = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "server", 0, 100);
            h.startTask(l4, A, "sender", 0, 110);
            h.startTask(l4, B, "sender", 0, 110);
            sleep(l4, 100);
            h.check(h.state(A).equals("sending") && h.state(B).equals("sending"), "senders blocked");
            h.check(l4.threadControl(A, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1) == 1, "delete A");
        });
        h.module("server", l4 -> {
            sleep(l4, 1000);
            Outcome first = ipc(l4, ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.ZERO));
            out.add(first);
            out.add(ipc(l4, ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.ZERO)));
        });
        h.module("sender", l4 -> ipc(l4, S, ThreadId.NIL, KernelHarness.NEVER));
        h.run();
        h.assertNoFailures();
        assertEquals(B, out.get(0).from(), "only the surviving sender is received");
        assertEquals(RECEIVE_TIMEOUT, out.get(1).errorCode(), "and nothing else is queued");
    }

    @Test
    void deletingAThreadWithAPendingTimeoutLeavesNoTimeoutBehind() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, A, "sleeper", 0, 100);
            sleep(l4, 100);
            h.check(l4.threadControl(A, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1) == 1, "delete A");
            long t0 = l4.systemClock();
            sleep(l4, 5000);
            h.check(l4.systemClock() - t0 >= 5000, "root slept");
        });
        h.module("sleeper", l4 -> sleep(l4, 2000));
        Kernel.RunResult r = h.run();
        h.assertNoFailures();
        assertEquals("absent", h.state(A));
        assertTrue(r.cycles() >= 5_100_000L);
    }

    @Test
    void messageOverflowFailsTheSendPhaseAndDeliversNothing() {
        KernelHarness h = new KernelHarness();
        List<Outcome> out = new ArrayList<>();
        int[][] tags = {{60, 10}, {63, 1}, {1, 63}, {32, 32}};
        h.root(l4 -> {
            h.startTask(l4, B, "receiver", 0, 110);
            h.startTask(l4, A, "a", 0, 100);
        });
        h.module("receiver", l4 -> {
            while (true) {
                l4.waitAny();
                h.log("received " + MsgTag.toString(l4.mr(0)));
            }
        });
        h.module("a", l4 -> {
            for (int[] ut : tags) {
                l4.setMr(0, MsgTag.make(5, ut[0], ut[1]));
                l4.ipc(B, ThreadId.NIL, KernelHarness.NEVER);
                out.add(new Outcome(l4.errorCode(), l4.mr(0), 0));
            }
            h.check(h.state(B).equals("receiving"), "receiver still waits");
        });
        h.run();
        h.assertNoFailures();
        for (Outcome o : out) {
            assertEquals(IpcError.code(IpcError.MESSAGE_OVERFLOW, false), o.errorCode());
            assertTrue(o.failed());
        }
        assertEquals(List.of(), h.log);
    }

    @Test
    void aTypedItemErrorReleasesABlockedReceiverWithoutLeavingItsTimeoutBehind() {
        // t = 1: an item needs two words, so the transfer fails with message overflow in both
        // partners. The receiver was blocked with a 5 ms timeout; that timeout must be gone with
        // the failed receive, so its next receive (3 ms) times out after 3 ms, not at the old 5 ms
        // mark, and the kernel does not trip over a thread queued twice in its timeout heap.
        KernelHarness h = new KernelHarness();
        List<long[]> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "receiver", 0, 110);
            h.startTask(l4, B, "sender", 0, 100);
        });
        h.module("receiver", l4 -> {
            long t0 = l4.systemClock();
            l4.ipc(ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.relative(5000)));
            seen.add(new long[] {l4.errorCode(), l4.systemClock() - t0});
            t0 = l4.systemClock();
            l4.ipc(ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.relative(3000)));
            seen.add(new long[] {l4.errorCode(), l4.systemClock() - t0});
        });
        h.module("sender", l4 -> {
            l4.setMr(1, 1);
            l4.setMr(0, MsgTag.make(1, 0, 1));
            l4.ipc(A, ThreadId.NIL, KernelHarness.NEVER);
            seen.add(new long[] {l4.errorCode(), -1});
        });
        h.run();
        h.assertNoFailures();
        assertEquals(3, seen.size());
        long[] first = seen.get(0);
        long[] sender = seen.get(1);
        long[] second = seen.get(2);
        assertEquals(IpcError.MESSAGE_OVERFLOW, IpcError.kind(first[0]));
        assertTrue(IpcError.inReceivePhase(first[0]));
        assertEquals(IpcError.MESSAGE_OVERFLOW, IpcError.kind(sender[0]));
        assertTrue(!IpcError.inReceivePhase(sender[0]));
        assertEquals(RECEIVE_TIMEOUT, second[0]);
        assertTrue(second[1] >= 3000 && second[1] <= 3002, "second receive took " + second[1] + " us");
    }

    @Test
    void aTypedItemErrorReleasesABlockedSenderWithoutLeavingItsTimeoutBehind() {
        KernelHarness h = new KernelHarness();
        List<long[]> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "sender", 0, 110);
            h.startTask(l4, B, "receiver", 0, 100);
        });
        h.module("sender", l4 -> {
            l4.setMr(1, 1);
            l4.setMr(0, MsgTag.make(1, 0, 1));
            long t0 = l4.systemClock();
            l4.ipc(B, ThreadId.NIL, Timeout.pair(Timeout.relative(5000), Timeout.NEVER)); // blocks: B not yet receiving
            seen.add(new long[] {l4.errorCode(), l4.systemClock() - t0});
            t0 = l4.systemClock();
            sleep(l4, 3000);
            seen.add(new long[] {l4.errorCode(), l4.systemClock() - t0});
        });
        h.module("receiver", l4 -> {
            l4.waitAny();
            seen.add(new long[] {l4.errorCode(), -1});
        });
        h.run();
        h.assertNoFailures();
        assertEquals(3, seen.size());
        assertEquals(IpcError.MESSAGE_OVERFLOW, IpcError.kind(seen.get(0)[0]), "receiver");
        assertEquals(IpcError.MESSAGE_OVERFLOW, IpcError.kind(seen.get(1)[0]), "sender");
        assertEquals(RECEIVE_TIMEOUT, seen.get(2)[0]);
        assertTrue(seen.get(2)[1] >= 3000 && seen.get(2)[1] <= 3002, "the sender's sleep took " + seen.get(2)[1] + " us");
    }
}
