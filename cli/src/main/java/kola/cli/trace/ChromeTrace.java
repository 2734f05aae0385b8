package kola.cli.trace;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import kola.abi.Fpage;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.kernel.Kernel;
import kola.kernel.KernelEvents;
import kola.machine.CostModel;

/**
 * Writes the kernel event stream as a trace in the Trace Event format (JSON object form), which
 * <a href="https://ui.perfetto.dev">Perfetto</a> and {@code chrome://tracing} open.
 *
 * <ul>
 * <li>Tracks: one process per address space (pid = asid, {@code process_name} = the space's name)
 * and in it one thread track per thread (tid = thread number, {@code thread_name} = space name and
 * thread id). Interrupt pseudo-threads are tracks of the pseudo space "interrupts" (pid 0). A
 * process "cpu" (pid {@value #CPU_PID}) has one track, cpu0, with a slice per thread dispatch and
 * for idle time.</li>
 * <li>Slices ("X" complete events) on a thread's track: {@code running} from the SWITCH that
 * dispatched it to the SWITCH that took the CPU away; while it is off the CPU, what a small state
 * model derives from the events: {@code blocked: receive}, {@code blocked: call} (waiting for the
 * reply from the thread it sent to), {@code blocked: send}, {@code blocked: page fault} (waiting for
 * the pager), {@code blocked: exception}, {@code blocked: timed out}, {@code blocked: cancelled},
 * and {@code ready} (runnable, waiting for the CPU: preempted, yielded, or woken but not yet
 * dispatched). At the end, what is still open is named from the kernel's final thread states.</li>
 * <li>IPC: each TRANSFER is a zero-length {@code send} slice on the sender's track and a
 * {@code receive} slice on the receiver's (label, words and partner in their args), joined by a
 * flow arrow: an "s" event bound to the send slice and an "f" event ({@code "bp":"e"}) bound to
 * the receive slice, with one id per message.</li>
 * <li>Instants ("i", thread scope): page faults, maps and grants (on the sender), unmaps and
 * flushes, interrupts (on the line's pseudo-thread), halts, timeouts and cancels, system calls
 * other than IPC, thread creation and deletion; space creation and deletion are process-scoped
 * instants.</li>
 * <li>Time: {@code ts} and {@code dur} in simulated microseconds (cycles /
 * {@link CostModel#CYCLES_PER_MICROSECOND}), with nanosecond (cycle) resolution.</li>
 * </ul>
 *
 * <p>Bounded: the trace streams to its output as events happen; the exporter keeps only one small
 * record per thread and per space (O(threads + spaces) memory, independent of the run's length).
 * After {@code limit} kernel events it closes every open slice, marks the trace {@code truncated}
 * (in {@code otherData} and with a global instant) and ignores the rest, so a runaway run cannot
 * fill the disk: a kernel event yields at most six trace events (a message: two state slices, two
 * IPC slices, two flow events), about 400 bytes on average, so the default limit of
 * {@value #DEFAULT_LIMIT} kernel events bounds a trace at roughly 400 MB, about what a browser
 * can still load.
 *
 * <p>Metadata (names, sort order) and {@code otherData} (event count, event hash, whether cut) are
 * written at the end, when every name is known. Called on the kernel loop's thread only.
 */
public final class ChromeTrace implements KernelEvents.Listener, Closeable {
    /** The default bound on traced kernel events. */
    public static final long DEFAULT_LIMIT = 1_000_000L;
    /** The pid of the "cpu" pseudo process, whose track shows who ran when. */
    public static final int CPU_PID = 1_000_000;
    /** The pid of threads whose space the trace never learnt. */
    public static final int UNKNOWN_PID = 1_000_001;
    private static final BigDecimal CYCLES_PER_US = BigDecimal.valueOf(CostModel.CYCLES_PER_MICROSECOND);

    private final JsonGenerator json;
    private final Kernel kernel;
    private final TraceNames names;
    private final long limit;
    private final Map<Long, Track> tracks = new LinkedHashMap<>();
    private final TreeSet<Integer> processes = new TreeSet<>();
    private long events;
    private long lastTime;
    private long nextFlow = 1;
    private boolean truncated;
    private boolean closed;
    /** The first write error: tracing stopped there; {@link #close()} reports it. */
    private IOException failure;
    /** The thread on the CPU (0: idle), or -1 before the first dispatch. */
    private long cpuThread = -1;
    private long cpuSince;
    private long slices;
    private long flows;
    private long instants;

    /** One thread's track and the state model behind its slices. */
    private static final class Track {
        final long id;
        final long tid;
        final int pid;
        boolean running;
        /** Start of the open segment (running, or off the CPU); -1: none (never ran, halted, deleted). */
        long since = -1;
        /** The name of the open off-CPU segment once an event told what it is; null: not known yet. */
        String offName;
        /** The thread this one last sent to, for naming the wait for the reply of a call. */
        long sentTo = ThreadId.NIL;
        /** Set by a page fault or exception while running: what the coming wait is for. */
        String waitFor;
        boolean halted;
        boolean deleted;

        Track(long id, int pid) {
            this.id = id;
            this.tid = ThreadId.number(id);
            this.pid = pid;
        }
    }

    /**
     * A trace written to {@code out} (closed by {@link #close()}). {@code kernel} may be null (then
     * names are "space N" and the trace ends at the last event); it is only read, through its
     * snapshots. At most {@code limit} kernel events are traced.
     */
    public ChromeTrace(OutputStream out, Kernel kernel, long limit) throws IOException {
        this.kernel = kernel;
        this.names = new TraceNames(kernel);
        this.limit = limit;
        this.json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8);
        json.setPrettyPrinter(new OneEventPerLine());
        json.writeStartObject();
        json.writeStringField("displayTimeUnit", "ns");
        json.writeArrayFieldStart("traceEvents");
        processes.add(CPU_PID);
    }

    /** A trace written to {@code file}. */
    public static ChromeTrace toFile(Path file, Kernel kernel, long limit) throws IOException {
        return new ChromeTrace(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), kernel, limit);
    }

    /** Counts of what the trace holds so far: {slices, flow arrows, instants}. */
    public long[] counts() {
        return new long[] {slices, flows, instants};
    }

    /** Whether the trace was cut at its limit. */
    public boolean truncated() {
        return truncated;
    }

    @Override
    public void event(int type, long time, long a, long b, long c) {
        if (closed || truncated || failure != null) {
            return;
        }
        if (++events > limit) {
            events--;
            truncated = true;
            try {
                closeOpenSegments(lastTime, true);
                json.writeStartObject();
                common("i", "trace cut: limit of " + limit + " kernel events reached", "trace", CPU_PID, CPU_PID, lastTime);
                json.writeStringField("s", "g");
                json.writeEndObject();
                instants++;
            } catch (IOException e) {
                failure = e;
            }
            return;
        }
        lastTime = time;
        names.learn(type, a, b);
        try {
            switch (type) {
                case KernelEvents.SWITCH -> onSwitch(time, a, b);
                case KernelEvents.TRANSFER -> onTransfer(time, a, b, c);
                case KernelEvents.TIMEOUT -> onAbort(time, a, "blocked: timed out", "timeout", b);
                case KernelEvents.CANCEL -> onAbort(time, a, "blocked: cancelled", "cancel", b);
                case KernelEvents.FAULT -> {
                    Track t = track(a);
                    t.waitFor = "page fault";
                    instant(t, time, "page fault", "fault", "address", EventText.hex(b), "access", EventText.rights(c));
                }
                case KernelEvents.KERNEL_IPC -> {
                    Track t = track(a);
                    t.waitFor = EventText.isPageFault(b) ? "page fault" : EventText.label(b);
                }
                case KernelEvents.MAP -> instant(track(a), time, (c & 1) != 0 ? "grant" : "map", "memory",
                        "to", names.thread(b), "destination", EventText.hex(c & ~1L));
                case KernelEvents.UNMAP -> instant(track(a), time, c != 0 ? "flush" : "unmap", "memory",
                        "fpage", Fpage.toString(b), null, null);
                case KernelEvents.INTERRUPT -> instant(track(ThreadId.global(a, 1)), time, "interrupt", "interrupt",
                        "line", Long.toString(a), "handler", names.thread(b));
                case KernelEvents.HALT -> onHalt(time, a, b);
                case KernelEvents.TRAP -> {
                    if (b != EventText.TRAP_PAGE_FAULT && b != EventText.TRAP_EXIT && b != EventText.TRAP_UNMAP) {
                        instant(track(a), time, EventText.trap(b), "syscall", null, null, null, null);
                    }
                }
                case KernelEvents.THREAD_CREATE -> instant(track(a), time, "thread created", "lifecycle",
                        "space", Long.toString(b), null, null);
                case KernelEvents.THREAD_DELETE -> onDelete(time, a);
                case KernelEvents.SPACE_CREATE, KernelEvents.SPACE_DELETE -> {
                    int pid = (int) a;
                    processes.add(pid);
                    json.writeStartObject();
                    common("i", type == KernelEvents.SPACE_CREATE ? "space created" : "space deleted", "lifecycle",
                            pid, pid, time);
                    json.writeStringField("s", "p");
                    json.writeEndObject();
                    instants++;
                }
                default -> { }
            }
        } catch (IOException e) {
            failure = e; // never let a full disk stop the kernel: stop tracing, report it at close
        }
    }

    private Track track(long thread) {
        Track t = tracks.get(thread);
        if (t == null) {
            int asid = names.asidOf(thread);
            int pid = asid == TraceNames.UNKNOWN_ASID ? UNKNOWN_PID : asid;
            t = new Track(thread, pid);
            tracks.put(thread, t);
            processes.add(pid);
        }
        return t;
    }

    // ---- the state model ----------------------------------------------------------------------

    private void onSwitch(long time, long prev, long next) throws IOException {
        if (cpuThread >= 0 && (time > cpuSince || cpuThread != 0)) {
            slice(CPU_PID, CPU_PID, cpuSince, time, names.thread(cpuThread), "cpu", null, null);
        }
        cpuThread = next;
        cpuSince = time;
        if (prev != ThreadId.NIL) {
            Track t = track(prev);
            if (t.running) {
                slice(t, t.since, time, "running", "cpu", null, null);
            }
            t.running = false;
            t.since = t.halted || t.deleted ? -1 : time;
            t.offName = null;
        }
        if (next != ThreadId.NIL) {
            Track t = track(next);
            if (!t.running && t.since >= 0) {
                String name = t.offName != null ? t.offName : "ready";
                slice(t, t.since, time, name, "state", null, null);
            }
            t.running = true;
            t.halted = false;
            t.since = time;
            t.offName = null;
            t.waitFor = null;
            t.sentTo = ThreadId.NIL;
        }
    }

    /** Closes {@code t}'s open off-CPU segment at {@code time} as {@code name}; the next one starts then. */
    private void endOff(Track t, long time, String name, String partner) throws IOException {
        if (t.running || t.since < 0) {
            return;
        }
        slice(t, t.since, time, name, "state", partner == null ? null : "partner", partner);
        t.since = time;
    }

    private void onTransfer(long time, long from, long to, long tag) throws IOException {
        Track s = track(from);
        Track r = track(to);
        String label = EventText.label(tag);
        if (!s.running && s.since >= 0) {
            // its send phase completed while it was blocked; it may go on waiting (a call's receive)
            endOff(s, time, s.waitFor != null ? "blocked: " + s.waitFor : "blocked: send", names.thread(to));
            s.offName = null;
        }
        s.sentTo = to;
        long id = nextFlow++;
        ipcSlice(s, time, "send", "to", names.thread(to), label, tag);
        flow("s", s, time, id);
        if (!r.running && r.since >= 0) {
            String name;
            if (r.waitFor != null) {
                name = "blocked: " + r.waitFor;
            } else if (r.sentTo == from) {
                name = "blocked: call";
            } else {
                name = "blocked: receive";
            }
            endOff(r, time, name, names.thread(from));
            r.offName = "ready";
            r.waitFor = null;
        }
        ipcSlice(r, time, "receive", "from", names.thread(from), label, tag);
        flow("f", r, time, id);
    }

    private void onAbort(long time, long thread, String name, String instant, long code) throws IOException {
        Track t = track(thread);
        endOff(t, time, name, null);
        t.offName = "ready";
        t.waitFor = null;
        instant(t, time, instant, "ipc", "error", Long.toString(code), null, null);
    }

    private void onHalt(long time, long thread, long how) throws IOException {
        Track t = track(thread);
        if (!t.running && t.since >= 0) {
            endOff(t, time, t.offName != null ? t.offName : "blocked: " + (t.waitFor != null ? t.waitFor : "ipc"), null);
            t.since = -1;
        }
        t.halted = how != 1; // an exception may go to an exception handler, which can restart the thread
        instant(t, time, "halt", "lifecycle", "how", EventText.halt(how), null, null);
    }

    private void onDelete(long time, long thread) throws IOException {
        Track t = track(thread);
        if (t.running) {
            slice(t, t.since, time, "running", "cpu", null, null);
            t.running = false;
        } else if (t.since >= 0) {
            endOff(t, time, t.offName != null ? t.offName : "blocked", null);
        }
        t.since = -1;
        t.deleted = true;
        instant(t, time, "thread deleted", "lifecycle", null, null, null, null);
    }

    /** Ends every open slice at {@code time}: at the limit, or at the end with the kernel's final states. */
    private void closeOpenSegments(long time, boolean cut) throws IOException {
        Map<Long, String> finalStates = new java.util.HashMap<>();
        if (!cut && kernel != null) {
            for (Kernel.ThreadInfo info : kernel.threads()) {
                finalStates.put(info.id(), info.state());
            }
        }
        for (Track t : tracks.values()) {
            if (t.since < 0) {
                continue;
            }
            if (t.running) {
                slice(t, t.since, time, "running", "cpu", null, null);
            } else {
                String name = t.offName;
                String state = finalStates.get(t.id);
                if (cut) {
                    name = "trace cut";
                } else if (state != null && state.startsWith("receiving")) {
                    name = t.waitFor != null ? "blocked: " + t.waitFor : "blocked: receive";
                } else if (state != null && state.startsWith("sending")) {
                    name = "blocked: send";
                } else if (state != null && state.startsWith("inactive")) {
                    name = "inactive";
                } else if (name == null) {
                    name = "ready";
                }
                slice(t, t.since, time, name, "state", null, null);
            }
            t.since = -1;
            t.running = false;
        }
        if (cpuThread >= 0 && (time > cpuSince || cpuThread != 0)) {
            slice(CPU_PID, CPU_PID, cpuSince, time, names.thread(cpuThread), "cpu", null, null);
        }
        cpuThread = -1;
    }

    // ---- writing ------------------------------------------------------------------------------

    private static BigDecimal micros(long cycles) {
        return BigDecimal.valueOf(cycles).divide(CYCLES_PER_US, 3, RoundingMode.HALF_EVEN);
    }

    private void common(String ph, String name, String cat, int pid, long tid, long time) throws IOException {
        json.writeStringField("ph", ph);
        json.writeStringField("name", name);
        json.writeStringField("cat", cat);
        json.writeNumberField("pid", pid);
        json.writeNumberField("tid", tid);
        json.writeFieldName("ts");
        json.writeNumber(micros(time));
    }

    private void slice(Track t, long from, long to, String name, String cat, String key, String value) throws IOException {
        if (to > from || name.equals("running")) {
            slice(t.pid, t.tid, from, to, name, cat, key, value);
        }
    }

    private void slice(int pid, long tid, long from, long to, String name, String cat, String key, String value)
            throws IOException {
        json.writeStartObject();
        common("X", name, cat, pid, tid, from);
        json.writeFieldName("dur");
        json.writeNumber(micros(to - from));
        if (key != null) {
            json.writeObjectFieldStart("args");
            json.writeStringField(key, value);
            json.writeEndObject();
        }
        json.writeEndObject();
        slices++;
    }

    private void ipcSlice(Track t, long time, String name, String key, String partner, String label, long tag)
            throws IOException {
        json.writeStartObject();
        common("X", name, "ipc", t.pid, t.tid, time);
        json.writeNumberField("dur", 0);
        json.writeObjectFieldStart("args");
        json.writeStringField(key, partner);
        json.writeStringField("message", label);
        json.writeNumberField("untyped", MsgTag.untyped(tag));
        json.writeNumberField("typed", MsgTag.typed(tag));
        json.writeEndObject();
        json.writeEndObject();
        slices++;
    }

    private void flow(String ph, Track t, long time, long id) throws IOException {
        json.writeStartObject();
        common(ph, "ipc", "ipc", t.pid, t.tid, time);
        json.writeNumberField("id", id);
        if (ph.equals("f")) {
            json.writeStringField("bp", "e");
        } else {
            flows++;
        }
        json.writeEndObject();
    }

    private void instant(Track t, long time, String name, String cat, String k1, String v1, String k2, String v2)
            throws IOException {
        json.writeStartObject();
        common("i", name, cat, t.pid, t.tid, time);
        json.writeStringField("s", "t");
        if (k1 != null) {
            json.writeObjectFieldStart("args");
            json.writeStringField(k1, v1);
            if (k2 != null) {
                json.writeStringField(k2, v2);
            }
            json.writeEndObject();
        }
        json.writeEndObject();
        instants++;
    }

    private void metadata(String name, int pid, long tid, String key, Object value) throws IOException {
        json.writeStartObject();
        json.writeStringField("ph", "M");
        json.writeStringField("name", name);
        json.writeNumberField("pid", pid);
        json.writeNumberField("tid", tid);
        json.writeObjectFieldStart("args");
        if (value instanceof String s) {
            json.writeStringField(key, s);
        } else {
            json.writeNumberField(key, ((Number) value).longValue());
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    /**
     * Ends the trace: closes what is open at the kernel's current time (the end of the run),
     * writes the names of every process and thread and the summary, and closes the output.
     * Throws the write error that stopped the trace early, if one did.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (failure != null) {
            try {
                json.close();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
            throw failure;
        }
        try {
            long end = kernel != null && !truncated ? Math.max(lastTime, kernel.cycles()) : lastTime;
            if (!truncated) {
                closeOpenSegments(end, false);
            }
            names.refresh();
            for (int pid : processes) {
                String name = pid == CPU_PID ? "cpu" : pid == UNKNOWN_PID ? "unknown space" : names.space(pid);
                metadata("process_name", pid, 0, "name", name);
                metadata("process_sort_index", pid, 0, "sort_index", pid == CPU_PID ? -1 : pid);
            }
            metadata("thread_name", CPU_PID, CPU_PID, "name", "cpu0");
            for (Track t : tracks.values()) {
                metadata("thread_name", t.pid, t.tid, "name", names.thread(t.id));
                metadata("thread_sort_index", t.pid, t.tid, "sort_index", t.tid);
            }
            json.writeEndArray();
            json.writeObjectFieldStart("otherData");
            json.writeStringField("producer", "kola");
            json.writeNumberField("kernelEvents", events);
            if (kernel != null) {
                json.writeStringField("eventHash", String.format("%016x", kernel.eventHash()));
                json.writeNumberField("cycles", kernel.cycles());
            }
            json.writeNumberField("cyclesPerMicrosecond", CostModel.CYCLES_PER_MICROSECOND);
            json.writeBooleanField("truncated", truncated);
            json.writeNumberField("limit", limit);
            json.writeEndObject();
            json.writeEndObject();
        } finally {
            json.close();
        }
    }

    /** Puts each trace event on a line of its own: the file stays greppable and diffable. */
    private static final class OneEventPerLine extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;
        private int depth;

        @Override
        public void writeStartObject(JsonGenerator g) throws IOException {
            depth++;
            super.writeStartObject(g);
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            depth--;
            super.writeEndObject(g, entries);
            if (depth == 0) {
                g.writeRaw('\n');
            }
        }

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            super.writeStartArray(g);
            g.writeRaw('\n');
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            super.writeArrayValueSeparator(g);
            g.writeRaw('\n');
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            super.writeObjectEntrySeparator(g);
            if (depth == 1) {
                g.writeRaw('\n');
            }
        }
    }
}
