package kola.kernel;

import static kola.kernel.KernelHarness.NEVER;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import kola.abi.Comm;
import kola.abi.IpcError;
import kola.abi.KernelError;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import org.junit.jupiter.api.Test;

/**
 * IPC endpoints (seL4's, under the capabilities model): kernel objects with their own queues of
 * senders and receivers. A pool of server threads receives from one endpoint; senders reach it
 * through gates, whose labels the receivers see; the queues are FIFO; timeouts, rights, bad
 * input, revocation and thread deletion release exactly the threads they concern.
 */
class EndpointTest {
    static final long S = tid(3);
    static final long S2 = tid(4);
    static final long A = tid(5);
    static final long B = tid(6);
    static final long ZERO = Timeout.pair(Timeout.ZERO, Timeout.ZERO);
    static final long SEND_ZERO = Timeout.pair(Timeout.ZERO, Timeout.NEVER);
    static final long RECEIVE_ZERO = Timeout.pair(Timeout.NEVER, Timeout.ZERO);
    static final long LABEL_A = 0xA1;
    static final long LABEL_B = 0xB2;
    /** The root task's slots: the endpoint, and a gate to it for each client. */
    static final long EP = Comm.selector(1);
    static final long GATE_A = Comm.selector(2);
    static final long GATE_B = Comm.selector(4);
    /** Where the server's space holds the endpoint (receive right), and where each client holds its gate. */
    static final long SERVER_EP = Comm.selector(3);
    static final long CLIENT_GATE = Comm.selector(8);

    private static KernelHarness harness() {
        return new KernelHarness().config(KernelConfig.defaults().withComm(CommModel.CAPABILITIES));
    }

    /** Sleeps: a wait for a reply no call asked for, with a relative timeout (a global id names nothing here). */
    private static void sleep(L4 l4, long micros) {
        l4.ipc(ThreadId.NIL, Comm.REPLY, Timeout.pair(Timeout.NEVER, Timeout.relative(micros)));
    }

    /** The root task makes the endpoint and a gate for each client (b's only if b exists), and hands them out (privileged MAP). */
    private static void distribute(KernelHarness h, L4 l4, int serverRights) {
        h.check(l4.commControl(Comm.ENDPOINT, EP, 0, 0) == 1, "endpoint: " + KernelError.describe(l4.errorCode()));
        h.check(l4.commControl(Comm.ENDPOINT_GATE, GATE_A, EP, LABEL_A) == 1, "gate a");
        h.check(l4.commControl(Comm.ENDPOINT_GATE, GATE_B, EP, LABEL_B) == 1, "gate b");
        h.check(l4.commControl(Comm.MAP, S, Comm.objectFpage(1, 0, serverRights), SERVER_EP) == 1, "endpoint to s");
        h.check(l4.commControl(Comm.MAP, A, Comm.objectFpage(2, 0, Comm.SEND), CLIENT_GATE) == 1, "gate to a");
        if (h.kernel.threads.lookup(B) != null) {
            h.check(l4.commControl(Comm.MAP, B, Comm.objectFpage(4, 0, Comm.SEND), CLIENT_GATE) == 1, "gate to b");
        }
    }

    /** Sends one word (send phase only); 0 or the error kind. */
    private static long send(L4 l4, long to, long word, long timeouts) {
        l4.setMr(0, MsgTag.make(0, 1, 0));
        l4.setMr(1, word);
        l4.ipc(to, ThreadId.NIL, timeouts);
        return (l4.mr(0) & MsgTag.ERROR) != 0 ? IpcError.kind(l4.errorCode()) : 0;
    }

    /** A call of one word through the client's gate: the answer's word, or minus the error kind. */
    private static long call(L4 l4, long word) {
        l4.setMr(0, MsgTag.make(0, 1, 0));
        l4.setMr(1, word);
        l4.ipc(CLIENT_GATE, CLIENT_GATE, NEVER);
        return (l4.mr(0) & MsgTag.ERROR) != 0 ? -IpcError.kind(l4.errorCode()) : l4.mr(1);
    }

    /** A receive from the endpoint: "label:word", or "error K". */
    private static String receive(L4 l4, long from, long timeouts) {
        return received(l4, l4.ipc(ThreadId.NIL, from, timeouts));
    }

    /** What an Ipc whose receive phase returned {@code label} got: "label:word", or "error K". */
    private static String received(L4 l4, long label) {
        return (l4.mr(0) & MsgTag.ERROR) != 0 ? "error " + IpcError.kind(l4.errorCode())
                : Long.toHexString(label) + ":" + l4.mr(1);
    }

    /** The root task unmaps its endpoint with every right: the endpoint and every capability derived from it go (the gates stay). */
    private static void revokeEndpoint(L4 l4) {
        l4.setMr(0, Comm.objectFpage(1, 0, Comm.RECEIVE | Comm.SEND | Comm.GRANT));
        l4.unmap(0x40);
    }

    private static String me(L4 l4) {
        return l4.myGlobalId() == S ? "s" : "s2";
    }

    @Test
    void aPoolOfServerThreadsReceivesFromOneEndpointAndEachCallSeesItsGatesLabel() {
        KernelHarness h = harness();
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startThread(l4, S2, S, 1, "s", 0, 100);
            h.startTask(l4, A, "a", 0, 90);
            h.startTask(l4, B, "b", 0, 90);
            distribute(h, l4, Comm.RECEIVE);
        });
        // Each server thread serves two calls: a receive, then a reply-and-receive; it answers word + 1.
        h.module("s", l4 -> {
            String got = receive(l4, SERVER_EP, NEVER);
            seen.add(me(l4) + " got " + got);
            for (int i = 0; i < 2; i++) {
                l4.setMr(0, MsgTag.make(0, 1, 0));
                l4.setMr(1, l4.mr(1) + 1);
                long label = l4.ipc(Comm.REPLY, i == 0 ? SERVER_EP : ThreadId.NIL, i == 0 ? NEVER : ZERO);
                if (i == 0) {
                    seen.add(me(l4) + " got " + received(l4, label));
                }
            }
        });
        h.module("a", l4 -> {
            seen.add("a answered " + call(l4, 10));
            seen.add("a answered " + call(l4, 20));
        });
        h.module("b", l4 -> {
            seen.add("b answered " + call(l4, 30));
            seen.add("b answered " + call(l4, 40));
        });
        h.run();
        h.assertNoFailures();
        // Both server threads (priority 100) wait on the endpoint before the clients (90) run, s
        // first. a's call goes to s, which outranks a, answers at once and waits again, behind s2;
        // the reply switches to a, whose second call goes to s2; then b's calls go to s and s2. The
        // receivers take turns in the order they came to wait, and each sees the caller's label.
        assertEquals(List.of("s got a1:10", "a answered 11", "s2 got a1:20", "a answered 21",
                "s got b2:30", "b answered 31", "s2 got b2:40", "b answered 41"), seen);
    }

    @Test
    void sendersWaitOnTheEndpointInOrderAndTimeoutsOfZeroFailWithoutAPartner() {
        KernelHarness h = harness();
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 90);
            h.startTask(l4, A, "a", 0, 110);
            h.startTask(l4, B, "b", 0, 100);
            distribute(h, l4, Comm.RECEIVE);
        });
        h.module("a", l4 -> {
            seen.add("a, zero send timeout: " + send(l4, CLIENT_GATE, 1, SEND_ZERO));
            seen.add("a sent: " + send(l4, CLIENT_GATE, 2, NEVER));
        });
        h.module("b", l4 -> seen.add("b sent: " + send(l4, CLIENT_GATE, 3, NEVER)));
        h.module("s", l4 -> {
            seen.add("queued: a " + h.state(A) + ", b " + h.state(B));
            seen.add("s " + receive(l4, SERVER_EP, NEVER));
            seen.add("s " + receive(l4, SERVER_EP, NEVER));
            seen.add("s, zero receive timeout: " + receive(l4, SERVER_EP, RECEIVE_ZERO));
        });
        h.run();
        h.assertNoFailures();
        // a and b outrank s: both block on the endpoint before s first receives, a first. Each
        // receive takes the first waiting sender; a sender released by a receive becomes ready
        // without preempting its receiver, so a and b report once s blocks (its thread ends).
        assertEquals(List.of("a, zero send timeout: " + IpcError.TIMEOUT, "queued: a sending,endpoint, b sending,endpoint",
                "s a1:2", "s b2:3", "s, zero receive timeout: error " + IpcError.TIMEOUT, "a sent: 0", "b sent: 0"), seen);
    }

    @Test
    void aReceiverOnTheEndpointTakesNoMessageSentToItAsAThreadWithTheEndpointsSelectorAsLabel() {
        // A receive from an endpoint names its selector; a gate to the receiving thread itself
        // whose label is that word must not reach the receive (it would leave the thread queued
        // on the endpoint while it runs: the harness checks the invariants after every entry).
        KernelHarness h = harness();
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 110);
            h.startTask(l4, A, "a", 0, 100);
            distribute(h, l4, Comm.RECEIVE);
            h.check(l4.commControl(Comm.GATE, Comm.selector(6), S, SERVER_EP) == 1, "gate to s itself");
            h.check(l4.commControl(Comm.MAP, A, Comm.objectFpage(6, 0, Comm.SEND), Comm.selector(9)) == 1, "to a");
        });
        h.module("s", l4 -> seen.add("s " + receive(l4, SERVER_EP, NEVER)));
        h.module("a", l4 -> {
            seen.add("s " + h.state(S));
            seen.add("a to s itself, zero send timeout: " + send(l4, Comm.selector(9), 1, SEND_ZERO));
            seen.add("s still " + h.state(S));
            seen.add("a through the endpoint: " + send(l4, CLIENT_GATE, 2, NEVER));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("s receiving,endpoint", "a to s itself, zero send timeout: " + IpcError.TIMEOUT,
                "s still receiving,endpoint", "s a1:2", "a through the endpoint: 0"), seen);
    }

    @Test
    void aReceiveThatTimesOutLeavesTheEndpointsQueue() {
        KernelHarness h = harness();
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startTask(l4, A, "a", 0, 90);
            distribute(h, l4, Comm.RECEIVE);
        });
        h.module("s", l4 -> seen.add("s " + receive(l4, SERVER_EP, Timeout.pair(Timeout.NEVER, Timeout.relative(100)))));
        h.module("a", l4 -> {
            seen.add("a sees s " + h.state(S));
            sleep(l4, 500);
            seen.add("a, zero send timeout after s gave up: " + send(l4, CLIENT_GATE, 1, SEND_ZERO));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("a sees s receiving,endpoint", "s error " + IpcError.TIMEOUT,
                "a, zero send timeout after s gave up: " + IpcError.TIMEOUT), seen);
    }

    @Test
    void rightsHoldAndBadInputIsRefusedChangingNothing() {
        KernelHarness h = harness();
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startTask(l4, A, "a", 0, 90);
            h.startTask(l4, B, "b", 0, 90);
            h.expectError(l4, "endpoint in slot 0", KernelError.INVALID_PARAMETER, 0, () -> l4.commControl(Comm.ENDPOINT, 0, 0, 0));
            h.expectError(l4, "endpoint beyond the object space", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.ENDPOINT, Comm.selector(Comm.SLOTS), 0, 0));
            h.expectError(l4, "endpoint selector not aligned", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.ENDPOINT, EP + 8, 0, 0));
            h.expectError(l4, "gate to an empty slot", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.ENDPOINT_GATE, GATE_A, EP, LABEL_A));
            distribute(h, l4, Comm.RECEIVE);
            h.expectError(l4, "endpoint into an occupied slot", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.ENDPOINT, EP, 0, 0));
            h.expectError(l4, "gate into an occupied slot", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.ENDPOINT_GATE, GATE_A, EP, LABEL_A));
            h.expectError(l4, "gate to a gate", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.ENDPOINT_GATE, Comm.selector(5), GATE_A, LABEL_A));
            for (long label : new long[] {0, -1, Comm.REPLY, Comm.NOTIFIED}) {
                h.expectError(l4, "gate labelled " + Long.toHexString(label), KernelError.INVALID_PARAMETER, 0,
                        () -> l4.commControl(Comm.ENDPOINT_GATE, Comm.selector(5), EP, label));
            }
            h.check(l4.commControl(Comm.NOTIFICATION, Comm.selector(6), 0, 0) == 1, "a notification");
            h.expectError(l4, "gate to a notification", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.ENDPOINT_GATE, Comm.selector(5), Comm.selector(6), LABEL_A));
            // A holds the endpoint itself with receive and grant rights only: no gates of its own.
            h.check(l4.commControl(Comm.MAP, A, Comm.objectFpage(1, 0, Comm.RECEIVE | Comm.GRANT), Comm.selector(9)) == 1, "to a");
            seen.add("objects " + h.kernel.caps.objectCount() + ", endpoint bytes "
                    + h.kernel.threads.lookup(l4.myGlobalId()).space.kernelBytes[KernelObject.ENDPOINT.ordinal()]);
        });
        h.module("s", l4 -> {
            seen.add("s sends through the endpoint itself: " + send(l4, SERVER_EP, 1, ZERO));
            seen.add("s receives: " + receive(l4, SERVER_EP, NEVER));
        });
        h.module("a", l4 -> {
            h.expectError(l4, "a makes a gate without the send right", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.ENDPOINT_GATE, Comm.selector(10), Comm.selector(9), LABEL_A));
            seen.add("a receives through its gate: " + receive(l4, CLIENT_GATE, RECEIVE_ZERO));
            seen.add("a sends: " + send(l4, CLIENT_GATE, 7, NEVER));
        });
        h.module("b", l4 -> seen.add("b receives with no right: " + receive(l4, Comm.selector(9), RECEIVE_ZERO)));
        h.run();
        h.assertNoFailures();
        // Three objects: the endpoint, two gates, a notification; the endpoint charged to the root task.
        assertEquals(List.of("objects 4, endpoint bytes " + Endpoint.BYTES,
                "s sends through the endpoint itself: " + IpcError.NO_PARTNER,
                "a receives through its gate: error " + IpcError.TIMEOUT, "s receives: a1:7", "a sends: 0",
                "b receives with no right: error " + IpcError.NO_PARTNER), seen);
    }

    @Test
    void revokingTheEndpointCancelsEveryThreadQueuedOnItAndItsGatesLeadNowhere() {
        KernelHarness h = harness();
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startThread(l4, S2, S, 1, "s", 0, 100);
            h.startTask(l4, A, "a", 0, 90);
            distribute(h, l4, Comm.RECEIVE);
            sleep(l4, 1000);
            seen.add("before: s " + h.state(S) + ", s2 " + h.state(S2) + ", objects " + h.kernel.caps.objectCount());
            revokeEndpoint(l4);
            seen.add("after: objects " + h.kernel.caps.objectCount());
        });
        h.module("s", l4 -> seen.add(me(l4) + " " + receive(l4, SERVER_EP, NEVER)));
        h.module("a", l4 -> {
            sleep(l4, 3000); // (until the endpoint is gone)
            seen.add("a sends through its gate: " + send(l4, CLIENT_GATE, 1, NEVER));
        });
        h.run();
        h.assertNoFailures();
        // The root outranks everyone: it reports first; then s and s2 (cancelled, in the order they
        // waited), then a, whose gate lives on but leads to an endpoint that is gone.
        assertEquals(List.of("before: s receiving,endpoint, s2 receiving,endpoint, objects 3", "after: objects 2",
                "s error " + IpcError.CANCELLED, "s2 error " + IpcError.CANCELLED,
                "a sends through its gate: " + IpcError.NO_PARTNER), seen);
    }

    @Test
    void revokingTheEndpointCancelsItsWaitingSenders() {
        KernelHarness h = harness();
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "a", 0, 90);
            h.startTask(l4, B, "b", 0, 90);
            h.startTask(l4, S, "s", 0, 80);
            distribute(h, l4, Comm.RECEIVE);
            sleep(l4, 1000);
            seen.add("before: a " + h.state(A) + ", b " + h.state(B));
            revokeEndpoint(l4);
        });
        h.module("a", l4 -> seen.add("a " + send(l4, CLIENT_GATE, 1, NEVER)));
        h.module("b", l4 -> seen.add("b " + call(l4, 2)));
        h.module("s", l4 -> {
            sleep(l4, 3000); // (until the endpoint is gone)
            seen.add("s " + receive(l4, SERVER_EP, ZERO));
        });
        h.run();
        h.assertNoFailures();
        // s (lowest) runs last: its slot is empty by then, so its receive names nothing.
        assertEquals(List.of("before: a sending,endpoint, b sending,endpoint", "a " + IpcError.CANCELLED,
                "b " + -IpcError.CANCELLED, "s error " + IpcError.NO_PARTNER), seen);
    }

    @Test
    void deletingAQueuedThreadTakesItOffTheEndpoint() {
        KernelHarness h = harness();
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startThread(l4, S2, S, 1, "s", 0, 100);
            h.startTask(l4, A, "a", 0, 90);
            distribute(h, l4, Comm.RECEIVE);
            sleep(l4, 1000);
            h.check(l4.threadControl(S, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1) == 1, "delete s");
            seen.add("s deleted; s2 " + h.state(S2));
        });
        h.module("s", l4 -> seen.add(me(l4) + " " + receive(l4, SERVER_EP, NEVER)));
        h.module("a", l4 -> {
            sleep(l4, 3000); // (until s is deleted)
            seen.add("a " + call(l4, 5));
        });
        h.run();
        h.assertNoFailures();
        // s waited first; deleted, it leaves the queue, so a's call goes to s2, which has no
        // reply to give (it served one receive) and ends: a's call ends with it.
        assertEquals(List.of("s deleted; s2 receiving,endpoint", "s2 a1:5", "a " + -IpcError.CANCELLED), seen);
    }

    /**
     * A string through an endpoint into a receiver's buffer page that nobody mapped: the receiver
     * leaves the endpoint's queue to fault the page in (its pager answers through the reply
     * capability), the sender waits for that very receiver meanwhile, and the receiver's restarted
     * receive from the endpoint takes it first: the bytes arrive, with the gate's label.
     */
    @Test
    void aStringIntoAnUnmappedBufferIsFaultedInAndTheSameReceiverTakesIt() {
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withComm(CommModel.CAPABILITIES));
        h.sigma0(KmemFramesTest::sigma0);
        h.module("s", l4 -> {
            sleep(l4, 500);
            l4.setBr(0, kola.abi.Items.acceptor(kola.abi.Fpage.NIL, true));
            l4.setBr(1, kola.abi.Items.stringWord(RestartTest.LEN));
            l4.setBr(2, RestartTest.DST);
            String got = receive(l4, SERVER_EP, NEVER);
            boolean same = true;
            for (int i = 0; i < RestartTest.LEN && !got.startsWith("error"); i++) {
                same &= l4.memory().load8(RestartTest.DST + i) == RestartTest.pattern(i);
            }
            h.log("s: received from " + got.split(":")[0] + (same ? ", the bytes sent" : ", other bytes"));
        });
        h.module("a", l4 -> {
            for (int i = 0; i < RestartTest.LEN; i++) {
                l4.memory().store8(RestartTest.SRC + i, RestartTest.pattern(i)); // (the first store faults the page in)
            }
            sleep(l4, 1000);
            l4.setMr(0, MsgTag.make(0, 0, 2));
            l4.setMr(1, kola.abi.Items.stringWord(RestartTest.LEN));
            l4.setMr(2, RestartTest.SRC);
            l4.ipc(CLIENT_GATE, ThreadId.NIL, NEVER);
            h.log((l4.mr(0) & MsgTag.ERROR) != 0 ? "a: error 0x" + Long.toHexString(l4.errorCode()) : "a: sent");
        });
        // The root task is the pager of s and a: it maps a page of its own at each fault.
        h.root(l4 -> {
            long root = l4.myGlobalId();
            KmemFramesTest.memory(l4, RestartTest.PAGER_PHYS, 13, RestartTest.PWIN);
            h.check(KernelHarness.createTask(l4, S, root, KernelHarness.ip(l4, "s", 0), 150) == null, "s");
            h.check(KernelHarness.createTask(l4, A, root, KernelHarness.ip(l4, "a", 0), 100) == null, "a");
            distribute(h, l4, Comm.RECEIVE);
            for (int i = 0; i < 2; i++) {
                long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
                h.log("fault from " + (from == S ? "s" : from == A ? "a" : ThreadId.toString(from)) + " at 0x"
                        + Long.toHexString(l4.mr(1)));
                l4.setMr(0, MsgTag.make(0, 0, 2));
                kola.abi.Items.putMap(l4, 1, kola.abi.Fpage.of(RestartTest.PWIN + i * RestartTest.PAGE, 12,
                        kola.abi.Fpage.R | kola.abi.Fpage.W), l4.mr(1));
                l4.ipc(Comm.REPLY, ThreadId.NIL, ZERO);
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("fault from a at 0x" + Long.toHexString(RestartTest.SRC),
                "fault from s at 0x" + Long.toHexString(RestartTest.DST), "s: received from a1, the bytes sent", "a: sent"), h.log);
        assertEquals(1, h.kernel.restartedCalls, "the receive from the endpoint was performed again once, by the kernel");
    }

    /**
     * A server's reply-and-receive from the endpoint is no call to the client it answers: the
     * client holds no reply capability to the server afterwards (a send to REPLY finds no
     * partner), and the server stays waiting on the endpoint, for the next client's label.
     */
    @Test
    void aReplyAndReceiveFromTheEndpointGivesTheAnsweredClientNoWayBackIn() {
        KernelHarness h = harness();
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startTask(l4, A, "a", 0, 90);
            h.startTask(l4, B, "b", 0, 80);
            distribute(h, l4, Comm.RECEIVE);
        });
        h.module("s", l4 -> {
            seen.add("s " + receive(l4, SERVER_EP, NEVER));
            for (int i = 0; i < 2; i++) {
                l4.setMr(0, MsgTag.make(0, 1, 0));
                l4.setMr(1, l4.mr(1) + 1);
                long label = l4.ipc(Comm.REPLY, SERVER_EP, NEVER);
                seen.add("s " + received(l4, label));
            }
        });
        h.module("a", l4 -> {
            seen.add("a answered " + call(l4, 1));
            seen.add("a sends to REPLY: " + send(l4, Comm.REPLY, 66, ZERO));
            seen.add("s " + h.state(S));
        });
        h.module("b", l4 -> seen.add("b answered " + call(l4, 2)));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("s a1:1", "a answered 2", "a sends to REPLY: " + IpcError.NO_PARTNER, "s receiving,endpoint",
                "s b2:2", "b answered 3"), seen);
    }

    /**
     * Halting keeps a thread's IPC state (X.2): a halted server thread keeps its place on the
     * endpoint and takes the next call, which it answers once resumed; ExchangeRegisters' abort
     * takes a halted thread off the endpoint, so the next call goes to the other server thread.
     */
    @Test
    void aHaltedReceiverKeepsItsPlaceAndAnAbortTakesItOff() {
        KernelHarness h = harness();
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startThread(l4, S2, S, 1, "s", 0, 100);
            h.startTask(l4, A, "a", 0, 90);
            distribute(h, l4, Comm.RECEIVE);
            sleep(l4, 1000); // s and s2 wait on the endpoint, s first; a sleeps
            h.check(l4.exchangeRegisters(S, kola.abi.ExRegs.HALT, 0, 0, 0, 0, ThreadId.NIL) != ThreadId.NIL, "halt s");
            sleep(l4, 3000); // a calls: the message goes to s, halted
            seen.add("s " + h.state(S) + ", a " + h.state(A));
            h.check(l4.exchangeRegisters(S, kola.abi.ExRegs.RESUME, 0, 0, 0, 0, ThreadId.NIL) != ThreadId.NIL, "resume s");
            sleep(l4, 3000); // s answers a and waits again, behind s2; a's second call goes to s2, which waits again
            h.check(l4.exchangeRegisters(S, kola.abi.ExRegs.HALT | kola.abi.ExRegs.ABORT_IPC, 0, 0, 0, 0, ThreadId.NIL)
                    != ThreadId.NIL, "halt s and abort its receive");
            seen.add("s " + h.state(S));
        });
        h.module("s", l4 -> {
            for (int i = 0; i < 2; i++) {
                String got = receive(l4, SERVER_EP, NEVER);
                seen.add(me(l4) + " " + got);
                l4.setMr(0, MsgTag.make(0, 1, 0));
                l4.setMr(1, l4.mr(1) + 1);
                l4.ipc(Comm.REPLY, ThreadId.NIL, ZERO);
            }
        });
        h.module("a", l4 -> {
            sleep(l4, 2000);
            seen.add("a answered " + call(l4, 1));
            seen.add("a answered " + call(l4, 2));
            sleep(l4, 8000); // (until s is off the endpoint)
            seen.add("a answered " + call(l4, 3));
        });
        h.run();
        h.assertNoFailures();
        // s was first on the endpoint when a called: the message went to it, halted (a waits for
        // the reply); resumed, s answers. After a's second call (s2's) the queue is s, s2; the
        // abort takes s off, so the third call goes to s2.
        assertEquals(List.of("s ready,halted, a receiving", "s a1:1", "a answered 2", "s2 a1:2", "a answered 3",
                "s ready,halted", "s2 a1:3", "a answered 4"), seen);
    }
}
