package kola.kernel;

import static kola.kernel.KernelHarness.NEVER;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import kola.abi.Comm;
import kola.abi.IpcError;
import kola.abi.Items;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * IPC's fast path ({@link Ipc}'s {@code fast}) takes the call and the reply-and-wait it can and
 * does for them exactly what the general path does: the same run, event for event (the trace
 * hash), the same cycles, the same console, with the fast path on and off. The workloads mix
 * what it takes with what it must leave to the general path: typed items, timeouts, a partner
 * that does not wait yet, a stale id, notifications, local ids, every communication model.
 */
class FastPathTest {
    private static final long S = tid(3);
    private static final long C = tid(4);
    private static final int CALLS = 50;

    /** The outcome of one run: what a trace compares, and how many IPCs went the fast way. */
    record Run(long traps, long cycles, long events, long hash, String console, List<Object> seen, long fast) {
        /** Everything but the fast-path count. */
        List<Object> trace() {
            return List.of(traps, cycles, events, hash, console, seen);
        }
    }

    private static Run run(KernelConfig config, Function<List<Object>, KernelHarness> workload, boolean fast) {
        List<Object> seen = new ArrayList<>();
        KernelHarness h = workload.apply(seen).config(config.withFastPath(fast));
        Kernel.RunResult r = h.run();
        h.assertNoFailures();
        return new Run(r.traps(), r.cycles(), r.events(), r.eventHash(), h.console(), seen, h.kernel.ipc.fastIpcs);
    }

    /** Runs the workload with the fast path off and on, checks the two runs are one, and returns the second. */
    private static Run same(KernelConfig config, Function<List<Object>, KernelHarness> workload) {
        Run general = run(config, workload, false);
        Run fast = run(config, workload, true);
        assertEquals(0, general.fast());
        assertEquals(general.trace(), fast.trace());
        return fast;
    }

    @Test
    void theDefaultLikeSystemRunsTheSameWithAndWithoutTheFastPath() {
        for (int clientPriority : new int[] {100, 120}) {
            KernelConfig config = KernelConfig.defaults();
            Kernel a = new Kernel(new kola.machine.Machine(kola.machine.Machine.Config.defaults().withUart(null, null)),
                    config.withFastPath(false), DeterminismTest.defaultLike(200, clientPriority), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            Kernel b = new Kernel(new kola.machine.Machine(kola.machine.Machine.Config.defaults().withUart(null, null)),
                    config, DeterminismTest.defaultLike(200, clientPriority), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            Kernel.RunResult ra = a.run();
            Kernel.RunResult rb = b.run();
            assertEquals(ra, rb);
            assertEquals(0, a.ipc.fastIpcs);
            // The lookup call to the root task and its reply, each of the 200 ADD calls and its
            // reply; but a client that outranks the server (110) makes its first call before the
            // server waits, and blocks. The NOTE's send and the timed wait go the general way.
            assertEquals(2 + 2 * 200 - (clientPriority > 110 ? 1 : 0), b.ipc.fastIpcs);
        }
    }

    /**
     * The fast path looks a partner up itself only under the model that controls nothing
     * (global ids), whose route is the thread table's lookup, the sender as itself: for a thread
     * of the sender's space, of another, an interrupt's, a stale version and an unused number.
     */
    @ParameterizedTest
    @EnumSource(CommModel.class)
    void onlyTheModelWhoseRouteIsTheLookupControlsNothing(CommModel model) {
        Kernel k = new Kernel(new kola.machine.Machine(kola.machine.Machine.Config.defaults().withUart(null, null)),
                KernelConfig.defaults().withComm(model), DeterminismTest.defaultLike(1, 100),
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        assertEquals(model == CommModel.GLOBAL_IDS, k.comm.controlsNothing());
        if (model != CommModel.GLOBAL_IDS) {
            return;
        }
        ThreadTable threads = new ThreadTable(1 << 10);
        Space mine = new Space(1, "mine");
        Tcb sender = thread(threads, 10, mine, -1);
        thread(threads, 11, mine, -1);
        thread(threads, 12, new Space(2, "other"), -1);
        thread(threads, 13, null, 5);
        GlobalIds ids = new GlobalIds(threads);
        int delivered = 0;
        for (long to : new long[] {id(11), id(12), id(13), ThreadId.global(12, 9), id(99), id(10)}) {
            Route out = new Route();
            boolean routed = ids.route(sender, to, out);
            Tcb named = threads.lookup(to);
            assertEquals(named != null, routed, ThreadId.toString(to));
            if (routed) {
                delivered++;
                assertSame(named, out.target);
                assertEquals(sender.id, out.senderId);
                assertTrue(out.notification == null && out.endpoint == null && out.intended == ThreadId.NIL);
            }
        }
        assertEquals(4, delivered, "11, 12, the interrupt's thread and the sender itself");
    }

    private static long id(long number) {
        return ThreadId.global(number, 1);
    }

    private static Tcb thread(ThreadTable threads, long number, Space space, int interruptLine) {
        Tcb t = new Tcb(number);
        t.id = id(number);
        t.space = space;
        t.interruptLine = interruptLine;
        threads.put(t);
        return t;
    }

    /** A server that answers each call with the word plus one, forever, and a client that calls it. */
    private static Function<List<Object>, KernelHarness> pingPong(long to, int clientPriority) {
        return seen -> {
            KernelHarness h = new KernelHarness();
            h.root(l4 -> {
                h.startTask(l4, S, "s", 0, 100);
                h.startTask(l4, C, "c", 0, clientPriority);
            });
            h.module("s", l4 -> {
                long client = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
                while (true) {
                    l4.setMr(1, l4.mr(1) + 1);
                    l4.setMr(0, MsgTag.make(MsgTag.label(l4.mr(0)) + 1, 1, 0));
                    client = l4.replyWait(client);
                }
            });
            h.module("c", l4 -> calls(l4, to, to, seen));
            return h;
        };
    }

    /**
     * A server under the capabilities model: receives from {@code from} (anyone, or an endpoint)
     * and answers each message through the reply capability with label + 1 and word + 1, by a
     * reply-and-receive; {@code each} runs before each answer.
     */
    private static void replyServer(L4 l4, long from, java.util.function.Consumer<L4> each) {
        l4.ipc(ThreadId.NIL, from, NEVER);
        while (true) {
            each.accept(l4);
            l4.setMr(1, l4.mr(1) + 1);
            l4.setMr(0, MsgTag.make(MsgTag.label(l4.mr(0)) + 1, 1, 0));
            l4.ipc(Comm.REPLY, from, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
            if (l4.errorCode() != 0 && (l4.errorCode() & IpcError.RECEIVE_PHASE) == 0) {
                l4.ipc(ThreadId.NIL, from, NEVER); // the caller is gone: just wait
            }
        }
    }

    /** CALLS calls to {@code to} (waiting on {@code from}), checking each reply; then a call with a map item and a stale one. */
    private static void calls(L4 l4, long to, long from, List<Object> seen) {
        long sum = 0;
        for (int i = 0; i < CALLS; i++) {
            l4.setMr(0, MsgTag.make(i, 1, 0));
            l4.setMr(1, i);
            l4.ipc(to, from, NEVER);
            sum += MsgTag.label(l4.mr(0)) == i + 1 ? l4.mr(1) : -1_000_000;
        }
        seen.add("sum " + sum);
        // A typed item: the general path (the server accepts nothing: a message error).
        l4.setMr(0, MsgTag.make(7, 0, 2));
        Items.putMap(l4, 1, kola.abi.Fpage.of(0x10000, 12, kola.abi.Fpage.R), 0);
        l4.ipc(to, from, NEVER);
        seen.add("map item " + IpcError.kind(l4.errorCode()));
        // A receive timeout: the general path.
        l4.setMr(0, MsgTag.make(8, 1, 0));
        l4.setMr(1, 99);
        l4.ipc(to, from, Timeout.pair(Timeout.NEVER, Timeout.relative(5000)));
        seen.add("with timeout " + l4.mr(1));
        // A stale version: no partner.
        l4.setMr(0, 0);
        l4.ipc(ThreadId.global(ThreadId.number(S), 9), ThreadId.global(ThreadId.number(S), 9), NEVER);
        seen.add("stale " + IpcError.kind(l4.errorCode()));
    }

    @ParameterizedTest
    @EnumSource(value = CommModel.class, names = {"GLOBAL_IDS", "CLANS", "REDIRECTION", "REDIRECTORS", "PCLANS"})
    void callsByThreadIdRunTheSameUnderEveryThreadIdModel(CommModel model) {
        for (int clientPriority : new int[] {90, 100, 110}) {
            Run r = same(KernelConfig.defaults().withComm(model), pingPong(S, clientPriority));
            assertEquals(List.of("sum " + (CALLS * (CALLS + 1) / 2), "map item " + IpcError.MESSAGE_OVERFLOW,
                    "with timeout 100", "stale " + IpcError.NO_PARTNER), r.seen());
            // Every call and its reply (2 CALLS), and the reply to the call with a receive timeout,
            // whose call went the general way; but a client that outranks the server makes its
            // first call before the server waits, and that call blocks (the general path's).
            // Siblings of one root task: no model steps between them.
            assertEquals(2 * CALLS + 1 - (clientPriority > 100 ? 1 : 0), r.fast());
        }
    }

    @Test
    void callsThroughAGateAndRepliesThroughTheReplyCapabilityRunTheSame() {
        Function<List<Object>, KernelHarness> workload = seen -> {
            KernelHarness h = new KernelHarness();
            h.root(l4 -> {
                h.startTask(l4, S, "s", 0, 100);
                h.startTask(l4, C, "c", 0, 110);
                h.check(l4.commControl(Comm.GATE, Comm.selector(1), S, 0x51) == 1, "gate to s");
                h.check(l4.commControl(Comm.GATE, Comm.selector(2), C, 0x77) == 1, "gate to c");
                l4.setMr(0, MsgTag.make(0, 0, 2));
                Items.putMap(l4, 1, Comm.objectFpage(1, 0, Comm.SEND), 0);
                l4.ipc(Comm.selector(2), ThreadId.NIL, NEVER);
                h.check(l4.errorCode() == 0, "map the gate");
            });
            h.module("s", l4 -> replyServer(l4, ThreadId.ANY, x -> { }));
            h.module("c", l4 -> {
                l4.setBr(0, Items.acceptor(Comm.objectFpage(8, 0, 0), false));
                l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
                calls(l4, Comm.selector(8), Comm.selector(8), seen);
            });
            return h;
        };
        Run r = same(KernelConfig.defaults().withComm(CommModel.CAPABILITIES), workload);
        assertEquals(List.of("sum " + (CALLS * (CALLS + 1) / 2), "map item " + IpcError.MESSAGE_OVERFLOW,
                "with timeout 100", "stale " + IpcError.NO_PARTNER), r.seen());
        // As by thread id: the client outranks the server, so its first call blocks.
        assertEquals(2 * CALLS + 1 - 1, r.fast());
    }

    /**
     * A call through a gate waits for the reply: when the server ends without answering, the
     * caller's wait ends with an error. The call takes the fast path (the server waits first),
     * which must leave the caller waiting for the reply capability, as the general path does.
     */
    @Test
    void aCallThroughAGateEndsWithAnErrorWhenTheServerEndsWithoutAnswering() {
        Function<List<Object>, KernelHarness> workload = seen -> {
            KernelHarness h = new KernelHarness();
            h.root(l4 -> {
                h.startTask(l4, S, "s", 0, 110);
                h.startTask(l4, C, "c", 0, 100);
                h.check(l4.commControl(Comm.GATE, Comm.selector(1), S, 0x51) == 1, "gate to s");
                h.check(l4.commControl(Comm.MAP, C, Comm.objectFpage(1, 0, Comm.SEND), Comm.selector(8)) == 1, "to c");
            });
            h.module("s", l4 -> {
                long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
                seen.add("s got " + MsgTag.label(l4.mr(0)) + " from " + Long.toHexString(from));
            });
            h.module("c", l4 -> {
                l4.setMr(0, MsgTag.make(5, 0, 0));
                long tag = l4.call(Comm.selector(8));
                seen.add("call " + MsgTag.failed(tag) + " " + IpcError.kind(l4.errorCode()));
            });
            return h;
        };
        Run r = same(KernelConfig.defaults().withComm(CommModel.CAPABILITIES), workload);
        assertEquals(List.of("s got 5 from 51", "call true " + IpcError.CANCELLED), r.seen());
        assertEquals(1, r.fast(), "the call");
    }

    /**
     * Calls through a gate to an endpoint that two server threads receive from, each answering
     * with a reply-and-receive from the endpoint: the client's call goes to the endpoint's first
     * waiting receiver, the server's reply-and-receive waits on the endpoint again.
     */
    @Test
    void callsThroughAnEndpointToAPoolOfServersRunTheSame() {
        long s2 = tid(5);
        Function<List<Object>, KernelHarness> workload = seen -> {
            KernelHarness h = new KernelHarness();
            h.root(l4 -> {
                h.startTask(l4, S, "s", 0, 100);
                h.startThread(l4, s2, S, 1, "s", 0, 100);
                h.startTask(l4, C, "c", 0, 90);
                h.check(l4.commControl(Comm.ENDPOINT, Comm.selector(1), 0, 0) == 1, "endpoint");
                h.check(l4.commControl(Comm.ENDPOINT_GATE, Comm.selector(2), Comm.selector(1), 0x51) == 1, "gate");
                h.check(l4.commControl(Comm.MAP, S, Comm.objectFpage(1, 0, Comm.RECEIVE), Comm.selector(3)) == 1, "to s");
                h.check(l4.commControl(Comm.MAP, C, Comm.objectFpage(2, 0, Comm.SEND), Comm.selector(8)) == 1, "to c");
            });
            h.module("s", l4 -> replyServer(l4, Comm.selector(3), x -> seen.add(x.myGlobalId() == S ? "s" : "s2")));
            h.module("c", l4 -> calls(l4, Comm.selector(8), Comm.selector(8), seen));
            return h;
        };
        Run r = same(KernelConfig.defaults().withComm(CommModel.CAPABILITIES), workload);
        // The servers outrank the client, so both wait on the endpoint before its first call, s
        // first; each answer puts its server back at the end of the endpoint's queue, so they
        // take turns. The map item fails at s (which then answers nobody and waits again, behind
        // s2); s2 answers the call with a receive timeout.
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            expected.add(i % 2 == 0 ? "s" : "s2");
        }
        expected.addAll(List.of("sum " + (CALLS * (CALLS + 1) / 2), "s", "map item " + IpcError.MESSAGE_OVERFLOW, "s2",
                "with timeout 100", "stale " + IpcError.NO_PARTNER));
        assertEquals(expected, r.seen());
        // Every call of the loop and every reply-and-receive after it went the fast way, and the
        // reply to the call with a receive timeout (the timeout is the caller's, not the replier's).
        assertEquals(2 * CALLS + 1, r.fast());
    }

    /**
     * Hostile words to a server that waits for anyone: each either fails as the general path
     * fails it or goes the general way, with the same run either way, and the server is still
     * answering afterwards.
     */
    @Test
    void badWordsFailAsTheGeneralPathFailsThemAndLeaveTheServerAnswering() {
        Function<List<Object>, KernelHarness> workload = seen -> {
            KernelHarness h = new KernelHarness();
            h.root(l4 -> {
                h.startTask(l4, S, "s", 0, 100);
                h.startTask(l4, C, "c", 0, 90);
            });
            h.module("s", l4 -> {
                long client = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
                while (true) {
                    l4.setMr(1, l4.mr(1) + 1);
                    l4.setMr(0, MsgTag.make(MsgTag.label(l4.mr(0)) + 1, 1, 0));
                    client = l4.replyWait(client);
                }
            });
            h.module("c", l4 -> {
                long[][] cases = {
                    {ThreadId.ANY, ThreadId.ANY, NEVER, 0},                   // to anyone: no such partner
                    {ThreadId.ANY_LOCAL, ThreadId.ANY_LOCAL, NEVER, 0},       // to any local thread
                    {S, S, NEVER | 1L << 32, 0},                              // timeouts word with high bits
                    {S, S, Timeout.pair(Timeout.NEVER, Timeout.point(5, 0)), 0}, // a receive time point
                    {S, S, NEVER, MsgTag.PROPAGATED},                        // propagated, no virtual sender
                    {0x7c00L, 0x7c00L, NEVER, 0},                              // a local id of nobody
                };
                for (long[] c : cases) {
                    l4.setMr(0, MsgTag.make(4, 1, 0) | c[3]);
                    l4.setMr(1, 10);
                    l4.ipc(c[0], c[1], c[2]);
                    long tag = l4.mr(0);
                    seen.add((tag & MsgTag.ERROR) != 0 ? "error " + IpcError.kind(l4.errorCode())
                            + ((l4.errorCode() & IpcError.RECEIVE_PHASE) != 0 ? " receiving" : " sending")
                            : "label " + MsgTag.label(tag) + " word " + l4.mr(1));
                }
                calls(l4, S, S, seen);
            });
            return h;
        };
        Run r = same(KernelConfig.defaults(), workload);
        String noPartner = "error " + IpcError.NO_PARTNER + " sending";
        // A receive time point and a propagation with no virtual sender go the general way, as an
        // ordinary call (X.2); the rest fail in their send phase, having changed nothing.
        assertEquals(List.of(noPartner, noPartner, "error " + IpcError.TIMEOUT + " sending", "label 5 word 11",
                "label 5 word 11", noPartner, "sum " + (CALLS * (CALLS + 1) / 2), "map item " + IpcError.MESSAGE_OVERFLOW,
                "with timeout 100", "stale " + IpcError.NO_PARTNER), r.seen());
        // The server's replies to the two calls that went the general way are fast, besides the
        // calls' 2 CALLS + 1 (the server waits first: the client ranks below it).
        assertEquals(2 * CALLS + 1 + 2, r.fast());
    }

    @Test
    void localCallsBetweenThreadsOfOneSpaceRunTheSame() {
        long partner = tid(5);
        Function<List<Object>, KernelHarness> workload = seen -> {
            KernelHarness h = new KernelHarness();
            h.root(l4 -> {
                h.startTask(l4, C, "c", 0, 100);
                h.startThread(l4, partner, C, 1, "c", 1, 100);
            });
            h.module("c", l4 -> {
                if (KernelHarness.entry(l4) == 0) {
                    long local = l4.ipc(ThreadId.NIL, partner, NEVER); // its hello: a thread of our space arrives as its local id
                    seen.add("local " + ThreadId.isLocal(local));
                    calls(l4, local, local, seen);
                    return;
                }
                l4.setMr(0, MsgTag.make(0, 0, 0));
                l4.ipc(C, ThreadId.NIL, NEVER);
                long client = l4.ipc(ThreadId.NIL, ThreadId.ANY_LOCAL, NEVER);
                while (true) {
                    l4.setMr(1, l4.mr(1) + 1);
                    l4.setMr(0, MsgTag.make(MsgTag.label(l4.mr(0)) + 1, 1, 0));
                    client = l4.ipc(client, ThreadId.ANY_LOCAL, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
                }
            });
            return h;
        };
        Run r = same(KernelConfig.defaults(), workload);
        assertEquals(List.of("local true", "sum " + (CALLS * (CALLS + 1) / 2), "map item " + IpcError.MESSAGE_OVERFLOW,
                "with timeout 100"), r.seen().subList(0, 4));
        // Every local call, every reply-and-wait on anylocalthread, and the reply to the timed call.
        assertEquals(2 * CALLS + 1, r.fast());
    }
}
