package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kola.abi.Comm;
import kola.abi.IpcError;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.kernel.CommModel;
import kola.system.Names;
import kola.system.Protocol;
import kola.system.RootTask;
import org.junit.jupiter.api.Test;

/**
 * The default system under the capabilities model (issue 14): the README tour runs as under global
 * ids, the thread-id models still run the same image, a task reaches only what it was given, and a
 * run is deterministic.
 */
@org.junit.jupiter.api.Timeout(value = 120, unit = TimeUnit.SECONDS,
        threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class CapabilitySystemTest {
    static final String TOUR = """
            ps
            ipc 1000
            sleep 5
            crash uart
            demo fig1
            demo fig5
            demo ipc
            demo ipc
            start names
            uptime
            exit
            """;

    @Test
    void theTourRunsUnderCapabilities() {
        String out = ShellSessionTest.boot(ShellSessionTest.defaultImage(), TOUR, CommModel.CAPABILITIES);
        ShellSessionTest.Cursor c = new ShellSessionTest.Cursor(out);
        c.expect("kernel: Kola, L4 X.2 API 0x84, 256 MiB RAM, 16384 KiB kernel memory, 17 boot modules");
        c.expect("Kola shell. Type 'help' for commands.");
        c.expect("kola> ps");
        c.next();
        var ps = ShellSessionTest.Ps.bySpace(c.until("kola> "));
        for (String server : List.of("sigma0", "roottask", "names", "uart", "timer")) {
            assertEquals("any", ps.get(server).get(0).waits(), server);
        }
        assertEquals(2, ps.get("console").size(), "console: server and reader threads");
        assertEquals("reply", ps.get("console").get(1).waits(), "the reader waits for the uart driver's answer to its call");
        assertFalse(ps.containsKey("interrupts"), "no interrupt pseudo-thread has a handler: the lines signal notifications");
        c.expect("kola> ipc 1000");
        c.expectMatch("ipc: 1000 round trips to names: \\d+ simulated cycles each");
        c.expect("kola> sleep 5");
        c.expect("slept 5 ms");
        c.expect("kola> crash uart");
        c.expect("kernel: thread 44.1 (uart): java.lang.IllegalStateException: uart driver crashed on request -> exception IPC to 42.1");
        c.expect("roottask: uart (thread 44.1) died (exception code 1); restarting it (1/3)");
        c.expect("uart: driver restarted (start 2)");
        c.expect("crash: the uart driver crashed; the root task restarts it");
        c.expect("kola> demo fig1");
        c.expect("demo fig1 started");
        c.skipTo("fig1: C reads 0xa1 and D reads 0xa1: one frame, three spaces");
        c.skipTo("fig1: done");
        c.expect("demo fig1 done; its 5 tasks are gone");
        c.expect("kola> demo fig5");
        c.skipTo("client: done");
        c.expect("demo fig5 done; its 3 tasks are gone");
        for (int run = 0; run < 2; run++) {
            c.expect("kola> demo ipc");
            c.expect("demo ipc started");
            c.expectMatch("ping-client: ping-server is the gate in slot \\d+");
            c.expect("ping-client: call add(20, 22) -> 42 (tag(label=0, u=1, t=0))");
            c.expectMatch("ping-client: 1000 calls took \\d+ µs of simulated time");
            c.expectMatch("ping-server: note 7 from [0-9a-f]+\\.1 \\(open receive\\)");
            c.expectMatch("ping-server: receive checked by label: from [0-9a-f]+\\.1 got label 2, MR1 = 99");
            c.expectMatch("ping-client: receive from ping-server with a 1 ms timeout -> timeout \\(receive phase\\) after \\d+ µs");
            c.expect("ping-client: call through empty slot 15 -> no such partner (send phase)");
            c.expectMatch("ping-client: call to the server's global id [0-9a-f]+\\.1 -> no such partner \\(send phase\\) "
                    + "\\(capabilities: ids name no one\\)");
            c.expect("ping-client: done");
            c.expect("demo ipc done; its 2 tasks are gone");
        }
        c.expect("kola> start names");
        c.expect("start: names was started already (thread 43.1)");
        c.expect("kola> uptime");
        c.next();
        c.expect("kola> exit");
        c.expect("bye");
        ShellSessionTest.assertRunEnded(out);
        assertFalse(out.contains("failed"), out);
    }

    @Test
    void theThreadIdModelsRunTheSameImage() {
        for (CommModel model : List.of(CommModel.GLOBAL_IDS, CommModel.CLANS, CommModel.REDIRECTION,
                CommModel.REDIRECTORS, CommModel.PCLANS)) {
            String out = ShellSessionTest.boot(ShellSessionTest.defaultImage(), TOUR, model);
            assertTrue(out.contains("fig1: C reads 0xa1 and D reads 0xa1: one frame, three spaces\n"), model + out);
            assertTrue(out.contains("demo fig5 done; its 3 tasks are gone\n"), model + out);
            assertTrue(out.contains("ping-client: call to stale id"), model + out);
            assertTrue(out.contains("slept 5 ms\n"), model + out);
            assertTrue(out.contains("uart: driver restarted (start 2)\n"), model + out);
            ShellSessionTest.assertRunEnded(out);
        }
    }

    @Test
    void theSameRunGivesTheSameTraceHash() {
        List<String> hashes = new ArrayList<>();
        java.nio.file.Path script;
        try {
            script = java.nio.file.Files.createTempFile("tour", ".txt");
            java.nio.file.Files.writeString(script, TOUR);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (int i = 0; i < 2; i++) {
            ImageFileTest.Cli r = ImageFileTest.kola("run", "--trace-hash", "--script", script.toString());
            assertEquals(0, r.code(), r.err());
            hashes.add(r.out().lines().filter(l -> l.startsWith("trace-hash:")).findFirst().orElseThrow());
        }
        assertEquals(hashes.get(0), hashes.get(1));
    }

    /**
     * A task that was given nothing reaches only the root task and sigma0: not the UART driver,
     * by its global id or by any slot, until it asks the root task, which grants it a gate.
     */
    @Test
    void aTaskReachesOnlyTheServicesItWasGiven() {
        List<String> seen = new ArrayList<>();
        Program probe = l4 -> {
            List<Integer> reachable = reachableSlots(l4);
            seen.add("reachable at start: " + reachable);
            long uartId = ThreadId.global(l4.kernelInterface().userBase() + 4, 1); // the uart driver's first thread
            l4.setMr(0, MsgTag.make(Protocol.PING, 0, 0));
            l4.ipc(uartId, uartId, Timeout.pair(Timeout.ZERO, Timeout.ZERO));
            seen.add("uart by global id: " + IpcError.kind(l4.errorCode()));
            l4.setMr(0, MsgTag.make(Protocol.PING, 0, 0));
            l4.ipc(Names.lookupSelector(3), Names.lookupSelector(3), Timeout.pair(Timeout.ZERO, Timeout.ZERO));
            seen.add("uart's lookup slot before the lookup: " + IpcError.kind(l4.errorCode()));
            RootTask.Found uart = RootTask.find(l4, "uart");
            seen.add("lookup: thread " + ThreadId.toString(uart.thread()) + " through slot " + Comm.slot(uart.name()));
            seen.add("rights " + l4.commControl(Comm.LOOKUP, uart.name(), 0, 0));
            l4.setMr(0, MsgTag.make(Protocol.PING, 0, 0));
            long tag = l4.call(uart.name());
            seen.add("ping through the gate: " + (MsgTag.failed(tag) ? "failed" : MsgTag.label(tag)));
            seen.add("reachable after the lookup: " + reachableSlots(l4));
            // A gate to a thread of another space: only privileged spaces may make one.
            seen.add("own gate to the uart: " + l4.commControl(Comm.GATE, Comm.selector(9), uartId, 1));
        };
        String out = ShellSessionTest.boot(SystemBadInputTest.defaultPlus(
                SystemBadInputTest.entry("probe", 90, List.of(), () -> probe)), "ipc 5\nsleep 1\nexit\n", CommModel.CAPABILITIES);
        assertEquals(List.of(
                "reachable at start: [" + Names.ROOT_SLOT + ", " + Names.SIGMA0_SLOT + "]",
                "uart by global id: " + IpcError.NO_PARTNER,
                "uart's lookup slot before the lookup: " + IpcError.NO_PARTNER,
                "lookup: thread 44.1 through slot " + (Names.LOOKUP_BASE + 3),
                "rights " + (Comm.SEND | Comm.GRANT),
                "ping through the gate: " + Protocol.OK,
                "reachable after the lookup: [" + Names.ROOT_SLOT + ", " + Names.SIGMA0_SLOT + ", " + (Names.LOOKUP_BASE + 3) + "]",
                "own gate to the uart: 0"), seen, out);
        SystemBadInputTest.assertEveryoneElseGoesOn(out);
    }

    /** The slots of the caller's object space that hold a capability. */
    private static List<Integer> reachableSlots(L4 l4) {
        List<Integer> slots = new ArrayList<>();
        for (int i = 1; i < Comm.SLOTS; i++) {
            if (l4.commControl(Comm.LOOKUP, Comm.selector(i), 0, 0) != 0) {
                slots.add(i);
            }
        }
        return slots;
    }
}
