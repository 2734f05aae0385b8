package kola.kernel;

import static kola.kernel.KernelHarness.sleep;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kola.abi.IpcError;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The IPC forms of L4 X.2 as Kola implements them: call, reply-and-wait, send, receive, timeouts, transfer. */
class IpcTest {
    static final long A = tid(3);
    static final long B = tid(4);
    static final long C = tid(5);

    /** A server that answers label-1 calls with MR1 + MR2 under label 7, by reply-and-wait. */
    static void adder(KernelHarness h, kola.abi.L4 l4, List<Long> senders) {
        long client = l4.waitAny();
        while (true) {
            senders.add(client);
            long tag = l4.mr(0);
            h.check(!MsgTag.failed(tag), "server receive failed: " + IpcError.describe(l4.errorCode()));
            l4.setMr(1, l4.mr(1) + l4.mr(2));
            l4.setMr(0, MsgTag.make(7, 1, 0));
            client = l4.replyWait(client);
        }
    }

    @Test
    void callAndReplyWaitBetweenTwoSpaces() {
        KernelHarness h = new KernelHarness();
        List<Long> senders = new ArrayList<>();
        List<Long> results = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "server", 0, 110);
            h.startTask(l4, B, "client", 0, 100);
        });
        h.module("server", l4 -> adder(h, l4, senders));
        h.module("client", l4 -> {
            for (long[] args : new long[][] {{20, 22}, {3, 4}, {-5, 1}}) {
                l4.setMr(1, args[0]);
                l4.setMr(2, args[1]);
                l4.setMr(0, MsgTag.make(1, 2, 0));
                long tag = l4.call(A);
                h.check(!MsgTag.failed(tag), "call failed: " + IpcError.describe(l4.errorCode()));
                h.check(MsgTag.label(tag) == 7 && MsgTag.untyped(tag) == 1 && MsgTag.typed(tag) == 0,
                        "reply tag " + MsgTag.toString(tag));
                results.add(l4.mr(1));
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(42L, 7L, -4L), results);
        assertEquals(List.of(B, B, B), senders);
        assertNotEquals(h.info(A).asid(), h.info(B).asid(), "server and client live in different spaces");
        assertEquals("receiving", h.state(A), "the server waits in its open receive again");
        assertEquals(ThreadId.ANY, h.info(A).waitsFor());
    }

    /**
     * A thread's register file holds MR0..MR15 until it uses more (Tcb.FEW_MESSAGE_REGISTERS): a
     * register never written reads 0, and a message of up to 63 words arrives whole whichever
     * side has grown its registers, in either direction and after shorter ones.
     */
    @Test
    void messagesOfAnyLengthArriveWholeWhetherOrNotTheRegistersHaveGrown() {
        KernelHarness h = new KernelHarness();
        List<String> fresh = new ArrayList<>();
        List<long[]> replies = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "server", 0, 110);
            h.startTask(l4, B, "client", 0, 100);
        });
        h.module("server", l4 -> {
            // Answers an n-word message with n + 1 words: each word plus 1, then the word count.
            long client = l4.waitAny();
            while (true) {
                int n = MsgTag.untyped(l4.mr(0));
                for (int i = 1; i <= n; i++) {
                    l4.setMr(i, l4.mr(i) + 1);
                }
                if (n < MsgTag.MAX_WORDS) {
                    l4.setMr(n + 1, n);
                }
                l4.setMr(0, MsgTag.make(7, Math.min(n + 1, MsgTag.MAX_WORDS), 0));
                client = l4.replyWait(client);
            }
        });
        h.module("client", l4 -> {
            fresh.add(l4.mr(15) + " " + l4.mr(16) + " " + l4.mr(63));
            for (int n : new int[] {1, 15, 16, 63, 2, 20}) {
                for (int i = 1; i <= n; i++) {
                    l4.setMr(i, 1000L * n + i);
                }
                l4.setMr(0, MsgTag.make(1, n, 0));
                long tag = l4.call(A);
                h.check(!MsgTag.failed(tag), "call of " + n + " words failed: " + IpcError.describe(l4.errorCode()));
                long[] got = new long[MsgTag.untyped(tag) + 1];
                for (int i = 1; i < got.length; i++) {
                    got[i] = l4.mr(i);
                }
                got[0] = n;
                replies.add(got);
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("0 0 0"), fresh, "registers never written read 0");
        assertEquals(6, replies.size());
        for (long[] got : replies) {
            int n = (int) got[0];
            assertEquals(Math.min(n + 1, MsgTag.MAX_WORDS) + 1, got.length, "reply length to " + n + " words");
            for (int i = 1; i <= n; i++) {
                assertEquals(1000L * n + i + 1, got[i], "word " + i + " of the reply to " + n + " words");
            }
            if (n < MsgTag.MAX_WORDS) {
                assertEquals(n, got[n + 1], "the count word of the reply to " + n + " words");
            }
        }
    }

    /** Words a sender's tag claims but it never wrote arrive as 0, also into a receiver whose registers held other values. */
    @Test
    void wordsASenderNeverWroteArriveAsZero() {
        KernelHarness h = new KernelHarness();
        List<Long> words = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "receiver", 0, 110);
            h.startTask(l4, B, "sender", 0, 100);
        });
        h.module("receiver", l4 -> {
            for (int i = 1; i <= 40; i++) {
                l4.setMr(i, -1);
            }
            l4.waitAny();
            for (int i = 1; i <= 40; i++) {
                words.add(l4.mr(i));
            }
        });
        h.module("sender", l4 -> {
            l4.setMr(1, 5);
            l4.setMr(0, MsgTag.make(3, 40, 0));
            h.check(!MsgTag.failed(l4.send(A)), "send failed: " + IpcError.describe(l4.errorCode()));
        });
        h.run();
        h.assertNoFailures();
        List<Long> expected = new ArrayList<>(java.util.Collections.nCopies(40, 0L));
        expected.set(0, 5L);
        assertEquals(expected, words);
    }

    @Test
    void callToAServerThatIsNotYetReceivingBlocksInTheSendPhase() {
        KernelHarness h = new KernelHarness();
        List<Long> senders = new ArrayList<>();
        List<Long> results = new ArrayList<>();
        List<String> clientStateWhileBlocked = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, B, "client", 0, 110); // the client runs first: the server does not wait yet
            h.startTask(l4, A, "server", 0, 100);
        });
        h.module("server", l4 -> {
            clientStateWhileBlocked.add(h.state(B));
            adder(h, l4, senders);
        });
        h.module("client", l4 -> {
            l4.setMr(1, 40);
            l4.setMr(2, 2);
            l4.setMr(0, MsgTag.make(1, 2, 0));
            long tag = l4.call(A);
            h.check(!MsgTag.failed(tag), "call failed: " + IpcError.describe(l4.errorCode()));
            results.add(l4.mr(1));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("sending"), clientStateWhileBlocked);
        assertEquals(List.of(42L), results);
        assertEquals(List.of(B), senders);
    }

    @Test
    void sendOnlyDeliversAndReturnsNilWithoutAReceivePhase() {
        KernelHarness h = new KernelHarness();
        List<Long> ret = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "receiver", 0, 110);
            h.startTask(l4, B, "sender", 0, 100);
        });
        h.module("receiver", l4 -> {
            long from = l4.waitAny();
            h.log("received " + MsgTag.label(l4.mr(0)) + "/" + l4.mr(1) + " from " + ThreadId.toString(from));
        });
        h.module("sender", l4 -> {
            l4.setMr(1, 99);
            l4.setMr(0, MsgTag.make(2, 1, 0));
            ret.add(l4.ipc(A, ThreadId.NIL, KernelHarness.NEVER));
            h.check(!MsgTag.failed(l4.mr(0)), "send failed");
            h.log("sender continues");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(ThreadId.NIL), ret, "a send without receive phase returns nil");
        assertEquals(List.of("received 2/99 from " + ThreadId.toString(B), "sender continues"), h.log);
        assertEquals("inactive", h.state(B), "the sender ran to its end: it did not wait for a reply");
    }

    @Test
    void replyWithZeroTimeoutToAThreadThatDoesNotWaitFailsInTheSendPhase() {
        KernelHarness h = new KernelHarness();
        List<Long> errors = new ArrayList<>();
        List<Long> elapsed = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "ended", 0, 120);     // exists, never receives
            h.startTask(l4, B, "otherwise", 0, 110); // waits, but for someone else
            h.startTask(l4, C, "replier", 0, 100);
        });
        h.module("ended", l4 -> { });
        h.module("otherwise", l4 -> l4.receive(KernelHarness.ROOT));
        h.module("replier", l4 -> {
            for (long to : new long[] {A, B}) {
                l4.setMr(1, 5);
                l4.setMr(0, MsgTag.make(9, 1, 0));
                long t0 = l4.systemClock();
                long tag = l4.reply(to);
                elapsed.add(l4.systemClock() - t0);
                h.check(MsgTag.failed(tag), "reply to a non-waiting thread should fail");
                errors.add(l4.errorCode());
            }
        });
        h.run();
        h.assertNoFailures();
        long sendTimeout = IpcError.code(IpcError.TIMEOUT, false);
        assertEquals(List.of(sendTimeout, sendTimeout), errors);
        for (long e : elapsed) {
            assertTrue(e <= 2, "a zero timeout does not wait: " + e + " µs");
        }
        assertEquals("receiving", h.state(B), "the thread waiting for someone else is undisturbed");
        assertEquals(KernelHarness.ROOT, h.info(B).waitsFor());
    }

    @Test
    void closedReceiveTakesOnlyTheNamedSenderOthersWait() {
        KernelHarness h = new KernelHarness();
        List<String> seenByA = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, C, "receiver", 0, 120);
            h.startTask(l4, B, "intruder", 0, 110);
            h.startTask(l4, A, "partner", 0, 100);
        });
        h.module("receiver", l4 -> {
            long from = l4.receive(A);
            h.log("closed from " + ThreadId.toString(from) + " label " + MsgTag.label(l4.mr(0)));
            from = l4.waitAny();
            h.log("open from " + ThreadId.toString(from) + " label " + MsgTag.label(l4.mr(0)));
        });
        h.module("intruder", l4 -> {
            l4.setMr(0, MsgTag.make(2, 0, 0));
            long tag = l4.send(C);
            h.check(!MsgTag.failed(tag), "intruder's send failed: " + IpcError.describe(l4.errorCode()));
            h.log("intruder delivered");
        });
        h.module("partner", l4 -> {
            seenByA.add(h.state(B) + " " + ThreadId.toString(h.info(B).waitsFor()));
            seenByA.add(h.state(C) + " " + ThreadId.toString(h.info(C).waitsFor()));
            l4.setMr(0, MsgTag.make(1, 0, 0));
            l4.send(C);
            h.log("partner delivered");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("sending " + ThreadId.toString(C), "receiving " + ThreadId.toString(A)), seenByA,
                "the intruder waits while the receiver waits for its partner only");
        assertEquals(List.of("closed from " + ThreadId.toString(A) + " label 1",
                "open from " + ThreadId.toString(B) + " label 2",
                "intruder delivered", "partner delivered"), h.log);
    }

    @Test
    void openReceiveTakesSendersInArrivalOrder() {
        KernelHarness h = new KernelHarness();
        List<Long> from = new ArrayList<>();
        List<Long> labels = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "sender", 0, 110);
            h.startTask(l4, B, "sender", 1, 110);
            h.startTask(l4, C, "receiver", 0, 100);
        });
        h.module("sender", l4 -> {
            l4.setMr(0, MsgTag.make(10 + KernelHarness.entry(l4), 0, 0));
            l4.send(C);
        });
        h.module("receiver", l4 -> {
            for (int i = 0; i < 2; i++) {
                from.add(l4.waitAny());
                labels.add(MsgTag.label(l4.mr(0)));
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(A, B), from);
        assertEquals(List.of(10L, 11L), labels);
    }

    @Test
    void receiveWithRelativeTimeoutTimesOutAfterThatTime() {
        KernelHarness h = new KernelHarness();
        List<long[]> seen = new ArrayList<>();
        h.root(l4 -> h.startTask(l4, A, "a", 0, 100));
        h.module("a", l4 -> {
            for (long micros : new long[] {1000, 5000, 37}) {
                long t0 = l4.systemClock();
                long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.relative(micros)));
                long t1 = l4.systemClock();
                seen.add(new long[] {micros, t1 - t0, l4.errorCode(), from, l4.mr(0)});
            }
            // A closed receive from an existing thread that never sends times out the same way.
            long t0 = l4.systemClock();
            l4.ipc(ThreadId.NIL, KernelHarness.ROOT, Timeout.pair(Timeout.NEVER, Timeout.relative(2500)));
            seen.add(new long[] {2500, l4.systemClock() - t0, l4.errorCode(), 0, l4.mr(0)});
        });
        h.run();
        h.assertNoFailures();
        assertEquals(4, seen.size());
        for (long[] s : seen) {
            assertTrue(s[1] >= s[0] && s[1] <= s[0] + 2, "timeout " + s[0] + " µs took " + s[1] + " µs");
            assertEquals(IpcError.code(IpcError.TIMEOUT, true), s[2]);
            assertEquals(ThreadId.NIL, s[3]);
            assertTrue(MsgTag.failed(s[4]));
        }
    }

    @Test
    void sendWithRelativeTimeoutToAThreadThatNeverReceivesTimesOutInTheSendPhase() {
        KernelHarness h = new KernelHarness();
        List<long[]> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, B, "never", 0, 110);
            h.startTask(l4, A, "a", 0, 100);
        });
        h.module("never", l4 -> { });
        h.module("a", l4 -> {
            l4.setMr(0, MsgTag.make(1, 0, 0));
            long t0 = l4.systemClock();
            l4.ipc(B, ThreadId.NIL, Timeout.pair(Timeout.relative(2000), Timeout.NEVER));
            seen.add(new long[] {l4.systemClock() - t0, l4.errorCode(), l4.mr(0)});
            // A call: the receive phase never starts.
            l4.setMr(0, MsgTag.make(1, 0, 0));
            t0 = l4.systemClock();
            l4.ipc(B, B, Timeout.pair(Timeout.relative(3000), Timeout.NEVER));
            seen.add(new long[] {l4.systemClock() - t0, l4.errorCode(), l4.mr(0)});
        });
        h.run();
        h.assertNoFailures();
        assertEquals(2, seen.size());
        assertTrue(seen.get(0)[0] >= 2000 && seen.get(0)[0] <= 2002, "took " + seen.get(0)[0]);
        assertTrue(seen.get(1)[0] >= 3000 && seen.get(1)[0] <= 3002, "took " + seen.get(1)[0]);
        for (long[] s : seen) {
            assertEquals(IpcError.code(IpcError.TIMEOUT, false), s[1]);
            assertTrue(MsgTag.failed(s[2]));
        }
        assertEquals("inactive", h.state(A), "the sender is no longer queued");
    }

    @Test
    void timeoutNeverWaitsAsLongAsItTakes() {
        KernelHarness h = new KernelHarness();
        List<long[]> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "receiver", 0, 110);
            h.startTask(l4, B, "late", 0, 100);
        });
        h.module("receiver", l4 -> {
            long t0 = l4.systemClock();
            long from = l4.ipc(ThreadId.NIL, B, Timeout.pair(Timeout.NEVER, Timeout.NEVER));
            seen.add(new long[] {l4.systemClock() - t0, from, l4.mr(0), l4.mr(1)});
        });
        h.module("late", l4 -> {
            sleep(l4, 200_000);
            l4.setMr(1, 1234);
            l4.setMr(0, MsgTag.make(3, 1, 0));
            l4.ipc(A, ThreadId.NIL, Timeout.pair(Timeout.NEVER, Timeout.NEVER));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(1, seen.size());
        long[] s = seen.get(0);
        assertTrue(s[0] >= 200_000, "received after " + s[0] + " µs");
        assertEquals(B, s[1]);
        assertEquals(MsgTag.make(3, 1, 0), s[2]);
        assertEquals(1234, s[3]);
    }

    @Test
    void zeroTimeoutFailsAtOnceWithoutPartnerAndSucceedsWithOne() {
        KernelHarness h = new KernelHarness();
        List<long[]> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "a", 0, 110);
            h.startTask(l4, B, "b", 0, 100);
        });
        h.module("a", l4 -> {
            long zero = Timeout.pair(Timeout.ZERO, Timeout.ZERO);
            long t0 = l4.systemClock();
            long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, zero);
            seen.add(new long[] {l4.systemClock() - t0, from, l4.errorCode()});
            sleep(l4, 100); // b runs and blocks sending to us
            t0 = l4.systemClock();
            from = l4.ipc(ThreadId.NIL, ThreadId.ANY, zero);
            seen.add(new long[] {l4.systemClock() - t0, from, MsgTag.label(l4.mr(0))});
            // b now waits for our message with a closed receive: a zero-timeout send reaches it.
            l4.setMr(0, MsgTag.make(77, 0, 0));
            l4.ipc(B, ThreadId.NIL, zero);
            seen.add(new long[] {0, MsgTag.failed(l4.mr(0)) ? 1 : 0, 0});
        });
        h.module("b", l4 -> {
            l4.setMr(0, MsgTag.make(5, 0, 0));
            l4.ipc(A, A, KernelHarness.NEVER);
            h.log("b got " + MsgTag.label(l4.mr(0)));
        });
        h.run();
        h.assertNoFailures();
        assertTrue(seen.get(0)[0] <= 1, "a zero timeout does not wait");
        assertEquals(ThreadId.NIL, seen.get(0)[1]);
        assertEquals(IpcError.code(IpcError.TIMEOUT, true), seen.get(0)[2]);
        assertTrue(seen.get(1)[0] <= 1);
        assertEquals(B, seen.get(1)[1]);
        assertEquals(5, seen.get(1)[2]);
        assertEquals(0, seen.get(2)[1], "zero-timeout send to a waiting receiver succeeds");
        assertEquals(List.of("b got 77"), h.log);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8, 63})
    void untypedWordsAreTransferredExactly(int words) {
        KernelHarness h = new KernelHarness();
        List<long[]> received = new ArrayList<>();
        List<Long> tags = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "receiver", 0, 110);
            h.startTask(l4, B, "sender", 0, 100);
        });
        h.module("receiver", l4 -> {
            for (int i = 1; i < 64; i++) {
                l4.setMr(i, -1);
            }
            l4.receive(B);
            tags.add(l4.mr(0));
            long[] mrs = new long[64];
            for (int i = 0; i < 64; i++) {
                mrs[i] = l4.mr(i);
            }
            received.add(mrs);
        });
        h.module("sender", l4 -> {
            for (int i = 1; i < 64; i++) {
                l4.setMr(i, 0x5EED_0000_0000L * i + i);
            }
            l4.setMr(0, MsgTag.make(42, words, 0));
            long tag = l4.send(A);
            h.check(!MsgTag.failed(tag), "send of " + words + " words failed: " + IpcError.describe(l4.errorCode()));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(MsgTag.make(42, words, 0)), tags);
        long[] mrs = received.get(0);
        for (int i = 1; i <= words; i++) {
            assertEquals(0x5EED_0000_0000L * i + i, mrs[i], "MR" + i);
        }
    }

    @Test
    void tagLabelIsPreservedAndFlagsAreCleared() {
        long[] labels = {0, 1, -1, -12345, (1L << 47) - 1, -(1L << 47)};
        KernelHarness h = new KernelHarness();
        List<Long> tags = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "receiver", 0, 110);
            h.startTask(l4, B, "sender", 0, 100);
        });
        h.module("receiver", l4 -> {
            for (int i = 0; i < labels.length; i++) {
                l4.receive(B);
                tags.add(l4.mr(0));
            }
        });
        h.module("sender", l4 -> {
            for (long label : labels) {
                l4.setMr(1, label);
                l4.setMr(0, MsgTag.make(label, 1, 0) | MsgTag.PROPAGATED | MsgTag.REDIRECTED | MsgTag.CROSS_CPU
                        | MsgTag.ERROR);
                l4.send(A);
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(labels.length, tags.size());
        for (int i = 0; i < labels.length; i++) {
            long tag = tags.get(i);
            assertEquals(labels[i], MsgTag.label(tag), "label");
            assertEquals(1, MsgTag.untyped(tag));
            assertEquals(0, MsgTag.typed(tag));
            assertEquals(0, MsgTag.flags(tag), "flags cleared in " + MsgTag.toString(tag));
        }
    }

    @Test
    void receiverSeesASenderOfItsOwnSpaceUnderItsLocalId() {
        // X.2: "Thread IDs are delivered as local thread IDs iff they identify a thread executing
        // in the same address space", however the sender named the receiver (here: globally).
        KernelHarness h = new KernelHarness();
        List<Long> from = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "task", 0, 100);
            h.startThread(l4, B, A, 1, "task", 1, 110);
            h.startThread(l4, C, A, 2, "task", 2, 110);
        });
        h.module("task", l4 -> {
            switch (KernelHarness.entry(l4)) {
                case 0 -> {
                    for (int i = 0; i < 2; i++) {
                        from.add(l4.waitAny());
                    }
                }
                default -> {
                    l4.setMr(0, 0);
                    l4.send(A);
                }
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(KernelHarness.UTCB + 1024, KernelHarness.UTCB + 2048), from, "B's and C's UTCB locations");
        assertEquals(h.info(A).asid(), h.info(B).asid());
        assertEquals(h.info(A).asid(), h.info(C).asid());
    }

    @Test
    void ipcSwitchesDirectlyToTheReceiverOfHigherPriority() {
        // A sender of lower priority that sends to a waiting receiver of higher priority: the receiver
        // runs before the sender's next instruction.
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, A, "receiver", 0, 150);
            h.startTask(l4, B, "sender", 0, 100);
        });
        h.module("receiver", l4 -> {
            l4.waitAny();
            h.log("received");
        });
        h.module("sender", l4 -> {
            l4.setMr(0, 0);
            l4.send(A);
            h.log("sent");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("received", "sent"), h.log);
    }

    @Test
    void aMapItemOfTheNilFpageIsDeliveredAndMapsNothingWhateverTheWindow() {
        KernelHarness h = new KernelHarness();
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, B, "b", 0, 200);
            h.startTask(l4, A, "a", 0, 100);
        });
        h.module("a", l4 -> {
            l4.setMr(0, MsgTag.make(7, 0, 2));
            kola.abi.Items.putMap(l4, 1, kola.abi.Fpage.NIL, 0x4000);
            long before = h.kernel.mappings().size();
            l4.ipc(B, ThreadId.NIL, Timeout.pair(Timeout.NEVER, Timeout.NEVER));
            seen.add("sent: " + ((l4.mr(0) & MsgTag.ERROR) == 0 ? "ok" : IpcError.describe(l4.errorCode()))
                    + ", mappings made " + (h.kernel.mappings().size() - before));
        });
        h.module("b", l4 -> {
            l4.setBr(0, 0); // a nil receive window: no map could land, but nothing is mapped
            l4.ipc(ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.NEVER));
            seen.add("received label " + MsgTag.label(l4.mr(0)) + ", typed " + MsgTag.typed(l4.mr(0)) + ", fpage " + l4.mr(2));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("received label 7, typed 2, fpage 0", "sent: ok, mappings made 0"), seen);
    }
}
