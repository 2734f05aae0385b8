package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kola.abi.ThreadId;
import kola.cli.trace.ChromeTrace;
import kola.cli.trace.IpcGraph;
import kola.cli.trace.JfrListener;
import kola.cli.trace.Listeners;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.kernel.KernelEvents;
import kola.machine.CostModel;
import kola.machine.Machine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Perfetto / Chrome trace of a scripted run (the fig1 and fig5 demos) is valid JSON in the
 * Trace Event format with the expected tracks, slices, flows and instants, and tracing changes
 * nothing the kernel does.
 */
class TraceExportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A kernel for a demo whose console goes nowhere. */
    static Kernel kernel(String demo, PrintStream console) {
        Image image = Images.demo(demo);
        return new Kernel(new Machine(new Machine.Config(256L << 20, 256, null, console)), KernelConfig.defaults(), image,
                console);
    }

    static PrintStream nowhere() {
        return new PrintStream(OutputStream.nullOutputStream());
    }

    /** Every kernel event of a run, as the listener saw it. */
    record Event(int type, long time, long a, long b, long c) {
    }

    /** A traced run: the events, the trace parsed back, the kernel at the end. */
    record Traced(List<Event> events, JsonNode trace, Kernel kernel, ChromeTrace exporter) {
        long count(int type) {
            return events.stream().filter(e -> e.type() == type).count();
        }

        List<JsonNode> all(String ph) {
            List<JsonNode> out = new ArrayList<>();
            trace.get("traceEvents").forEach(e -> {
                if (e.get("ph").asText().equals(ph)) {
                    out.add(e);
                }
            });
            return out;
        }

        List<JsonNode> named(String ph, String name) {
            return all(ph).stream().filter(e -> e.get("name").asText().equals(name)).toList();
        }
    }

    static Traced traced(String demo, long limit) throws Exception {
        Kernel kernel = kernel(demo, nowhere());
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        ChromeTrace trace = new ChromeTrace(file, kernel, limit);
        List<Event> events = new ArrayList<>();
        kernel.setEventListener(Listeners.all(List.of((type, time, a, b, c) -> events.add(new Event(type, time, a, b, c)),
                trace)));
        kernel.run();
        trace.close();
        kernel.setEventListener(null);
        return new Traced(events, JSON.readTree(file.toByteArray()), kernel, trace);
    }

    private static String track(JsonNode e) {
        return e.get("pid").asLong() + "/" + e.get("tid").asLong();
    }

    @Test
    void fig1TraceIsTraceEventJsonWithTracksSlicesAndFlows() throws Exception {
        Traced t = traced("fig1", ChromeTrace.DEFAULT_LIMIT);
        JsonNode root = t.trace();
        assertTrue(root.isObject());
        assertTrue(root.get("traceEvents").isArray());
        assertEquals("ns", root.get("displayTimeUnit").asText());
        assertEquals(t.events().size(), root.get("otherData").get("kernelEvents").asLong());
        assertEquals(String.format("%016x", t.kernel().eventHash()), root.get("otherData").get("eventHash").asText());
        assertFalse(root.get("otherData").get("truncated").asBoolean());

        // every event is well formed: a phase, a track, and a time (µs = cycles / 1000) within the run
        double endMicros = (double) t.kernel().cycles() / CostModel.CYCLES_PER_MICROSECOND;
        for (JsonNode e : root.get("traceEvents")) {
            String ph = e.get("ph").asText();
            assertTrue(Set.of("X", "i", "s", "f", "M").contains(ph), e.toString());
            assertTrue(e.get("pid").canConvertToInt() && e.get("tid").canConvertToLong(), e.toString());
            assertTrue(e.has("name"), e.toString());
            if (!ph.equals("M")) {
                assertTrue(e.get("ts").isNumber(), e.toString());
                double ts = e.get("ts").asDouble();
                double dur = ph.equals("X") ? e.get("dur").asDouble() : 0;
                assertTrue(ts >= 0 && dur >= 0 && ts + dur <= endMicros + 1e-9, e.toString());
            }
        }

        // metadata: a process per space (pid = asid, named), a named track per thread
        Map<String, String> threadNames = new HashMap<>();
        Map<Long, String> processNames = new HashMap<>();
        for (JsonNode m : t.all("M")) {
            if (m.get("name").asText().equals("thread_name")) {
                threadNames.put(track(m), m.get("args").get("name").asText());
            } else if (m.get("name").asText().equals("process_name")) {
                processNames.put(m.get("pid").asLong(), m.get("args").get("name").asText());
            }
        }
        for (Kernel.ThreadInfo info : t.kernel().threads()) {
            String key = info.asid() + "/" + ThreadId.number(info.id());
            assertEquals(info.space() + " " + ThreadId.toString(info.id()), threadNames.get(key), key);
            assertEquals(info.space(), processNames.get((long) info.asid()));
        }
        for (JsonNode e : root.get("traceEvents")) {
            if (!e.get("ph").asText().equals("M") && !(e.get("ph").asText().equals("i") && e.path("s").asText().equals("p"))) {
                assertNotNull(threadNames.get(track(e)), "no thread_name for the track of " + e);
            }
        }
        assertEquals(List.of("A", "B", "C", "D", "fig1", "roottask", "sigma0"),
                processNames.entrySet().stream().filter(e -> e.getKey() < ChromeTrace.CPU_PID).map(Map.Entry::getValue)
                        .sorted().toList());

        // at least one "running" slice on the track of every thread that ran, and none for others
        Set<String> ran = new HashSet<>();
        for (Event e : t.events()) {
            if (e.type() == KernelEvents.SWITCH && e.b() != 0) {
                ran.add(asidOf(t, e.b()) + "/" + ThreadId.number(e.b()));
            }
        }
        Set<String> running = new HashSet<>();
        for (JsonNode x : t.named("X", "running")) {
            running.add(track(x));
        }
        assertEquals(ran, running);
        assertEquals(7, ran.size());
        assertFalse(t.named("X", "blocked: receive").isEmpty());
        assertFalse(t.named("X", "blocked: call").isEmpty());

        // slices on one track nest or are disjoint: never partly overlap
        Map<String, List<double[]>> byTrack = new HashMap<>();
        for (JsonNode x : t.all("X")) {
            double ts = x.get("ts").asDouble();
            byTrack.computeIfAbsent(track(x), k -> new ArrayList<>()).add(new double[] {ts, ts + x.get("dur").asDouble()});
        }
        for (var e : byTrack.entrySet()) {
            List<double[]> slices = e.getValue().stream().filter(s -> s[1] > s[0])
                    .sorted((p, q) -> Double.compare(p[0], q[0])).toList();
            for (int i = 1; i < slices.size(); i++) {
                assertTrue(slices.get(i)[0] >= slices.get(i - 1)[1] - 1e-9, "overlap on " + e.getKey());
            }
        }

        // one flow arrow per message: an "s" on the sender bound to a send slice, an "f" on the receiver
        // bound (bp e) to a receive slice, same id, same time
        List<Event> transfers = t.events().stream().filter(e -> e.type() == KernelEvents.TRANSFER).toList();
        List<JsonNode> starts = t.all("s");
        List<JsonNode> finishes = t.all("f");
        assertEquals(transfers.size(), starts.size());
        assertEquals(transfers.size(), finishes.size());
        assertEquals(43, transfers.size()); // (the last two: the coordinator's exit to the root task, and its answer)
        Map<Long, JsonNode> finishById = new HashMap<>();
        for (JsonNode f : finishes) {
            assertEquals("e", f.get("bp").asText());
            finishById.put(f.get("id").asLong(), f);
        }
        assertEquals(transfers.size(), finishById.size());
        Set<String> sendSlices = new HashSet<>();
        Set<String> receiveSlices = new HashSet<>();
        for (JsonNode x : t.named("X", "send")) {
            sendSlices.add(track(x) + "@" + x.get("ts").asText());
        }
        for (JsonNode x : t.named("X", "receive")) {
            receiveSlices.add(track(x) + "@" + x.get("ts").asText());
        }
        for (int i = 0; i < starts.size(); i++) {
            JsonNode s = starts.get(i);
            JsonNode f = finishById.get(s.get("id").asLong());
            assertNotNull(f, "no finish for " + s);
            Event m = transfers.get(i);
            assertEquals(ThreadId.number(m.a()), s.get("tid").asLong());
            assertEquals(ThreadId.number(m.b()), f.get("tid").asLong());
            assertEquals(s.get("ts").asText(), f.get("ts").asText());
            assertEquals((double) m.time() / CostModel.CYCLES_PER_MICROSECOND, s.get("ts").asDouble(), 1e-9);
            assertTrue(sendSlices.contains(track(s) + "@" + s.get("ts").asText()), "unbound flow start " + s);
            assertTrue(receiveSlices.contains(track(f) + "@" + f.get("ts").asText()), "unbound flow finish " + f);
        }

        // instants for maps, grants, unmaps and the halt
        assertEquals(t.count(KernelEvents.MAP), t.named("i", "map").size() + t.named("i", "grant").size());
        assertEquals(1, t.named("i", "grant").size());
        assertEquals(t.count(KernelEvents.UNMAP), t.named("i", "unmap").size() + t.named("i", "flush").size());
        assertEquals(t.count(KernelEvents.HALT), t.named("i", "halt").size());
        long[] counts = t.exporter().counts();
        assertEquals(t.all("X").size(), counts[0]);
        assertEquals(starts.size(), counts[1]);
        assertEquals(t.all("i").size(), counts[2]);
    }

    private static int asidOf(Traced t, long thread) {
        for (Event e : t.events()) {
            if (e.type() == KernelEvents.THREAD_CREATE && e.a() == thread) {
                return (int) e.b();
            }
        }
        return -1;
    }

    @Test
    void fig5TraceShowsPageFaultsAndTheWaitForThePager() throws Exception {
        Traced t = traced("fig5", ChromeTrace.DEFAULT_LIMIT);
        // The client faults on its four pages and once more after the revoke; pager2 serves each from
        // its pool, faulting the pool page in from pager1 (pager1 asks sigma0 for its pool): 5 + 5.
        long faults = t.count(KernelEvents.FAULT);
        assertEquals(10, faults);
        List<JsonNode> instants = t.named("i", "page fault");
        assertEquals(faults, instants.size());
        for (JsonNode i : instants) {
            assertTrue(i.get("args").get("address").asText().startsWith("0x"));
            assertEquals("t", i.get("s").asText());
        }
        // Each fault blocks its thread until the pager's answer: one such slice per fault.
        assertEquals(faults, t.named("X", "blocked: page fault").size());
        assertEquals(t.count(KernelEvents.TRANSFER), t.all("s").size());
        boolean pageFaultMessage = false;
        for (JsonNode x : t.named("X", "send")) {
            pageFaultMessage |= x.get("args").get("message").asText().startsWith("page fault");
        }
        assertTrue(pageFaultMessage);
    }

    @Test
    void aTraceCutAtItsLimitIsStillValidAndSaysSo() throws Exception {
        Traced t = traced("fig1", 40);
        JsonNode other = t.trace().get("otherData");
        assertTrue(other.get("truncated").asBoolean());
        assertEquals(40, other.get("kernelEvents").asLong());
        assertTrue(t.exporter().truncated());
        assertEquals(1, t.all("i").stream().filter(e -> e.get("name").asText().startsWith("trace cut")).count());
        assertEquals(t.all("s").size(), t.all("f").size());
        assertTrue(t.all("s").size() < t.count(KernelEvents.TRANSFER));
    }

    @Test
    void aWriteErrorStopsTheTraceNotTheRun() throws Exception {
        Kernel kernel = kernel("fig1", nowhere());
        OutputStream full = new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws java.io.IOException {
                if (++written > 20_000) {
                    throw new java.io.IOException("disk full");
                }
            }
        };
        ChromeTrace trace = new ChromeTrace(full, kernel, ChromeTrace.DEFAULT_LIMIT);
        kernel.setEventListener(trace);
        Kernel.RunResult r = kernel.run();
        assertEquals(kernel("fig1", nowhere()).run(), r);
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, trace::close);
        assertEquals("disk full", e.getMessage());
    }

    @Test
    void tracingChangesNoBehaviour() throws Exception {
        ByteArrayOutputStream plainOut = new ByteArrayOutputStream();
        Kernel plain = kernel("fig1", new PrintStream(plainOut, true, StandardCharsets.UTF_8));
        Kernel.RunResult p = plain.run();

        ByteArrayOutputStream tracedOut = new ByteArrayOutputStream();
        Kernel traced = kernel("fig1", new PrintStream(tracedOut, true, StandardCharsets.UTF_8));
        ChromeTrace trace = new ChromeTrace(OutputStream.nullOutputStream(), traced, ChromeTrace.DEFAULT_LIMIT);
        traced.setEventListener(Listeners.all(List.of(trace, new JfrListener(traced), new IpcGraph(traced))));
        Kernel.RunResult r = traced.run();
        trace.close();

        assertEquals(p, r);
        assertEquals(plain.eventHash(), traced.eventHash());
        assertEquals(plainOut.toString(StandardCharsets.UTF_8), tracedOut.toString(StandardCharsets.UTF_8));
        assertEquals(plain.mappings(), traced.mappings());
    }

    @Test
    void demoCommandWritesTheTraceFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fig1.json");
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = new CommandLine(new Main()).execute("demo", "fig1", "--trace", file.toString(), "--trace-hash");
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("trace: " + file + ": "), printed);
        JsonNode root = JSON.readTree(Files.readAllBytes(file));
        assertEquals(43, root.get("traceEvents").findValues("ph").stream().filter(n -> n.asText().equals("s")).count());
        String hash = root.get("otherData").get("eventHash").asText();
        assertTrue(printed.contains("trace-hash: " + hash), printed);
    }
}
