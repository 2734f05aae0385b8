package kola.kernel;

import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import kola.abi.IpcError;
import kola.abi.Kip;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.machine.Machine;
import org.junit.jupiter.api.Test;

/** The same image gives the same run, event for event; a different image gives a different one. */
class DeterminismTest {
    static final long ADD = 1;
    static final long NOTE = 2;
    static final long LOOKUP = 3;

    /** Like the default image: sigma0, a root task that starts the modules and answers lookups, ping server and client. */
    static Image defaultLike(int calls, int clientPriority) {
        return Image.builder(() -> l4 -> {
            long client = l4.waitAny();
            while (true) {
                l4.setMr(0, MsgTag.make(-1, 0, 0));
                client = l4.replyWait(client);
            }
        }, () -> l4 -> {
            Kip kip = l4.kernelInterface();
            long[] first = new long[kip.bootModules().size()];
            for (int i = 2; i < first.length; i++) {
                first[i] = tid(i + 1);
                int prio = kip.bootModules().get(i).name().equals("client") ? clientPriority : 110;
                String failure = KernelHarness.createTask(l4, first[i], kip.sigma0(), kip.bootModules().get(i).entry(0), prio);
                if (failure != null) {
                    l4.kdbPrint("root: " + failure);
                }
            }
            long client = l4.waitAny();
            while (true) {
                long index = l4.mr(1);
                l4.setMr(1, index >= 0 && index < first.length ? first[(int) index] : ThreadId.NIL);
                l4.setMr(0, MsgTag.make(0, 1, 0));
                client = l4.replyWait(client);
            }
        }).module("server", () -> l4 -> {
            long client = l4.waitAny();
            while (true) {
                long tag = l4.mr(0);
                if (MsgTag.label(tag) == NOTE) {
                    l4.kdbPrint("server: note " + l4.mr(1));
                    client = l4.waitAny();
                    continue;
                }
                l4.setMr(1, l4.mr(1) + l4.mr(2));
                l4.setMr(0, MsgTag.make(0, 1, 0));
                client = l4.replyWait(client);
            }
        }).module("client", () -> l4 -> {
            l4.setMr(1, 2);
            l4.setMr(0, MsgTag.make(LOOKUP, 1, 0));
            l4.call(l4.kernelInterface().rootTask());
            long server = l4.mr(1);
            long t0 = l4.systemClock();
            long sum = 0;
            for (int i = 0; i < calls; i++) {
                l4.setMr(1, i);
                l4.setMr(2, 1);
                l4.setMr(0, MsgTag.make(ADD, 2, 0));
                l4.call(server);
                sum += l4.mr(1);
            }
            l4.kdbPrint("client: " + calls + " calls, sum " + sum + ", " + (l4.systemClock() - t0) + " us");
            l4.setMr(1, 7);
            l4.setMr(0, MsgTag.make(NOTE, 1, 0));
            l4.send(server);
            l4.ipc(ThreadId.NIL, server, Timeout.pair(Timeout.NEVER, Timeout.relative(1000)));
            l4.kdbPrint("client: " + IpcError.describe(l4.errorCode()));
            for (int i = 0; i < 1000; i++) {
                l4.memory().load32(KernelHarness.KIP_BASE);
            }
            l4.setMr(0, 0);
            l4.send(ThreadId.global(ThreadId.number(server), 5));
            l4.kdbPrint("client: stale -> " + IpcError.describe(l4.errorCode()));
        }).build();
    }

    record Outcome(Kernel.RunResult result, long hash, String console, List<Kernel.ThreadInfo> threads) {
    }

    static Outcome run(Image image, long chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Kernel k = new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)), KernelConfig.defaults(), image,
                new PrintStream(out, true, StandardCharsets.UTF_8));
        Kernel.RunResult r = null;
        long traps = -1;
        while (r == null || r.traps() != traps) {
            traps = r == null ? -1 : r.traps();
            r = k.run(chunk);
        }
        return new Outcome(r, k.eventHash(), out.toString(StandardCharsets.UTF_8), k.threads());
    }

    @Test
    void theSameImageRunsTheSameTwice() {
        Outcome a = run(defaultLike(500, 100), Long.MAX_VALUE);
        Outcome b = run(defaultLike(500, 100), Long.MAX_VALUE);
        assertTrue(a.console().contains("client: 500 calls, sum 125250"), a.console());
        assertTrue(a.console().contains("client: timeout (receive phase)"), a.console());
        assertTrue(a.console().contains("client: stale -> no such partner (send phase)"), a.console());
        assertEquals(a.result(), b.result());
        assertEquals(a.hash(), b.hash());
        assertEquals(a.result().eventHash(), a.hash());
        assertEquals(a.console(), b.console());
        assertEquals(a.threads(), b.threads());
    }

    @Test
    void runningInChunksGivesTheSameRunAsRunningAtOnce() {
        Outcome once = run(defaultLike(200, 100), Long.MAX_VALUE);
        Outcome chunked = run(defaultLike(200, 100), 7);
        assertEquals(once.hash(), chunked.hash());
        assertEquals(once.result().cycles(), chunked.result().cycles());
        assertEquals(once.result().events(), chunked.result().events());
        assertEquals(once.console(), chunked.console());
    }

    @Test
    void aDifferentImageGivesADifferentRun() {
        Outcome base = run(defaultLike(500, 100), Long.MAX_VALUE);
        Outcome fewerCalls = run(defaultLike(499, 100), Long.MAX_VALUE);
        Outcome otherPriority = run(defaultLike(500, 120), Long.MAX_VALUE);
        assertNotEquals(base.hash(), fewerCalls.hash());
        assertNotEquals(base.hash(), otherPriority.hash());
        assertNotEquals(fewerCalls.hash(), otherPriority.hash());
    }

    @Test
    void aSecondRunOfAFinishedKernelChangesNothing() {
        Image image = defaultLike(10, 100);
        Kernel k = new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)), KernelConfig.defaults(), image,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Kernel.RunResult first = k.run();
        Kernel.RunResult second = k.run();
        assertEquals(first, second);
    }

    @Test
    void anEventHashDependsOnWhatHappenedNotOnTheHost() {
        // Two kernels interleaved on one host thread do not disturb each other.
        Image image = defaultLike(100, 100);
        Kernel k1 = new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)), KernelConfig.defaults(), image,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Kernel k2 = new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)), KernelConfig.defaults(), image,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        for (int i = 0; i < 1000; i++) {
            k1.run(3);
            k2.run(5);
        }
        Kernel.RunResult r1 = k1.run();
        Kernel.RunResult r2 = k2.run();
        assertEquals(r1, r2);
        assertEquals(run(image, Long.MAX_VALUE).result(), r1);
    }

    @Test
    void theDefaultLikeImageUsesEveryFormAndLeavesTheServersWaiting() {
        Outcome o = run(defaultLike(10, 100), Long.MAX_VALUE);
        assertTrue(o.console().contains("server: note 7"), o.console());
        assertEquals("receiving", o.threads().stream().filter(t -> t.id() == tid(3)).findFirst().orElseThrow().state());
        assertEquals(4, o.threads().size(), "sigma0, root task, server, client: " + o.threads());
    }
}
