package kola.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import kola.abi.KernelLabels;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.Memory;
import kola.abi.MsgTag;
import kola.abi.Timeout;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.kernel.KernelEvents;
import kola.machine.Machine;
import kola.system.Drivers;
import kola.system.RootTask;
import kola.system.Sigma0;

/**
 * Interrupt latency ({@code kola bench irq}): from an interrupt line being raised to the first
 * instruction of its user-level driver after the interrupt IPC, in simulated cycles and host
 * nanoseconds (paper section 2: interrupts are IPC from the line's pseudo-thread).
 *
 * <p>The driver is a user task with the device's registers mapped from sigma0 and the line
 * attached by the root task (module argument {@code irq=N}). It waits in a closed receive from the
 * line's pseudo-thread; the moment its receive returns it reads {@link System#nanoTime()} and the
 * timer's NOW register, then acknowledges (a send to the pseudo-thread) and waits again.
 *
 * <ul>
 * <li><b>irq-timer-idle</b>: the timer line. The driver arms the one-shot timer {@value #PERIOD_MICROS} µs
 * ahead; nothing else runs, so the kernel skips simulated time to the deadline. Simulated
 * latency = NOW − deadline.</li>
 * <li><b>irq-timer-busy</b>: the same with a lower-priority thread spinning on memory accesses
 * (time slice {@value #BUSY_TIMESLICE_MICROS} µs): the interrupt should be taken at its first
 * memory access past the deadline, the driver preempting it; today it is taken at the end of the
 * spinner's time slice.</li>
 * <li><b>irq-uart-idle</b>: the UART line, raised when a line of console input arrives (one
 * byte and a newline per interrupt); the driver drains the FIFO. Simulated latency = NOW − the
 * cycle of the kernel's interrupt event.</li>
 * </ul>
 *
 * <p>Host nanoseconds are measured from the kernel's {@link KernelEvents#INTERRUPT} event (a
 * listener records {@code System.nanoTime()} when the kernel takes the pending line, right after
 * the device raised it) to the driver's own {@code System.nanoTime()}. The listener is called for
 * every kernel event, which slows the whole run by a little; the whole-run figure (host ns of the
 * run over the interrupts) is printed too, for an instrumentation-free view.
 */
public final class IrqBench {
    /** Microseconds between timer interrupts. */
    public static final long PERIOD_MICROS = 50;
    /** Interrupts per timed run, after the warm-up. */
    public static final int INTERRUPTS = 20_000;
    /** Interrupts before the measured ones, in every run. */
    public static final int WARMUP = 2_000;
    /**
     * Interrupts per timed run of {@code irq-timer-busy}: fewer, because each costs a whole time
     * slice of the spinning thread: the kernel takes the timer interrupt only at the end of the
     * running thread's time slice, not at the deadline (a bug: see InterruptLatencyTest in the cli
     * tests). The busy runs use a time slice of {@value #BUSY_TIMESLICE_MICROS} µs, not the default
     * 10 ms, so that a round takes about a second.
     */
    public static final int BUSY_INTERRUPTS = 200;
    /** Interrupts before the measured ones in {@code irq-timer-busy}. */
    public static final int BUSY_WARMUP = 20;
    /** The time slice of the busy runs, in µs. */
    public static final long BUSY_TIMESLICE_MICROS = 1_000;
    private static final long REGS = 0x1000_0000L;
    private static final long TIMER_REGS = REGS + 0x1000;
    private static final long NOW = 0x00;
    private static final long DEADLINE = 0x08;
    private static final long STATUS = 0x08;
    private static final long SPIN_VA = 0x0200_0000L;

    private IrqBench() {
    }

    /** Where the interrupts come from. */
    public enum Source {
        TIMER_IDLE("irq-timer-idle", "timer deadline -> driver running, nothing else runnable", INTERRUPTS, WARMUP),
        TIMER_BUSY("irq-timer-busy", "timer deadline -> driver running, preempting a lower-priority spinning thread",
                BUSY_INTERRUPTS, BUSY_WARMUP),
        UART_IDLE("irq-uart-idle", "UART line raised by console input -> driver running", INTERRUPTS, WARMUP);

        final String name;
        final String description;
        /** Interrupts per timed run. */
        public final int interrupts;
        /** Interrupts before the measured ones. */
        public final int warmup;

        Source(String name, String description, int interrupts, int warmup) {
            this.name = name;
            this.description = description;
            this.interrupts = interrupts;
            this.warmup = warmup;
        }
    }

    /** One run: per measured interrupt, its latency in simulated cycles and host ns; and the run's host ns. */
    public record Run(Source source, long[] cycles, long[] hostNanos, long runNanos, long interrupts) {
    }

    /** What the driver and the event listener share (they run on the kernel's host thread). */
    private static final class Shared {
        long eventNanos;
        long eventCycle;
        long[] cycles;
        long[] hostNanos;
        int measured;
        long interrupts;
        volatile boolean done;
        String failure;
    }

    /** Boots a fresh system, takes {@code warmup + n} interrupts, returns the last n measured. */
    public static Run run(Source source, int warmup, int n) {
        Shared s = new Shared();
        s.cycles = new long[n];
        s.hostNanos = new long[n];
        int line = source == Source.UART_IDLE ? Machine.UART_IRQ : Machine.TIMER_IRQ;
        Image.Builder image = Image.builder(Sigma0::new, RootTask::new)
                .module("driver", () -> l4 -> driver(l4, source, line, warmup, n, s), 200, List.of("irq=" + line));
        if (source == Source.TIMER_BUSY) {
            image.module("spinner", () -> l4 -> spin(l4, s), 50, List.of());
        }
        byte[] input = null;
        if (source == Source.UART_IDLE) {
            input = new byte[2 * (warmup + n)];
            for (int i = 0; i < input.length; i += 2) {
                input[i] = (byte) ('a' + i % 26);
                input[i + 1] = '\n';
            }
        }
        ByteArrayOutputStream kdb = new ByteArrayOutputStream();
        Machine machine = new Machine(new Machine.Config(64L << 20, 256,
                input == null ? null : new ByteArrayInputStream(input), null));
        KernelConfig config = KernelConfig.defaults().withKernelMemory(4L << 20);
        if (source == Source.TIMER_BUSY) {
            config = config.withTimeslice(BUSY_TIMESLICE_MICROS);
        }
        Kernel kernel = new Kernel(machine, config, image.build(),
                new PrintStream(kdb, true, StandardCharsets.UTF_8));
        kernel.setEventListener((type, time, a, b, c) -> {
            if (type == KernelEvents.INTERRUPT) {
                s.eventNanos = System.nanoTime();
                s.eventCycle = time;
                s.interrupts++;
            }
        });
        long t0 = System.nanoTime();
        kernel.run();
        long elapsed = System.nanoTime() - t0;
        if (s.failure != null || s.measured != n) {
            throw new IllegalStateException("irq benchmark (" + source.name + ") failed: "
                    + (s.failure != null ? s.failure : s.measured + " of " + n + " interrupts measured")
                    + "; kernel console: " + kdb.toString(StandardCharsets.UTF_8).strip().replace('\n', '|'));
        }
        return new Run(source, s.cycles, s.hostNanos, elapsed, s.interrupts);
    }

    /** The driver: maps its device (and the timer, for NOW), has the root task attach the line, then measures. */
    private static void driver(L4 l4, Source source, int line, int warmup, int n, Shared s) {
        Kip kip = l4.kernelInterface();
        boolean uart = source == Source.UART_IDLE;
        if ((uart && !Drivers.mapDevice(l4, "uart", REGS)) || !Drivers.mapDevice(l4, "timer", TIMER_REGS)
                || !Drivers.attachInterrupt(l4, line)) {
            s.failure = "the driver could not get its device or its interrupt line";
            s.done = true;
            return;
        }
        Memory m = l4.memory();
        long irq = kip.interruptThread(line);
        long cyclesPerMicro = kip.cyclesPerMicrosecond();
        long deadline = uart ? 0 : arm(m, PERIOD_MICROS * cyclesPerMicro);
        long from = l4.receive(irq);
        for (int i = 0; i < warmup + n; i++) {
            long host = System.nanoTime();
            long now = m.load64(TIMER_REGS + NOW);
            long tag = l4.mr(0);
            if (from != irq || MsgTag.failed(tag) || MsgTag.label(tag) != KernelLabels.INTERRUPT) {
                s.failure = "interrupt " + i + ": got " + MsgTag.toString(tag) + " from " + from;
                break;
            }
            if (i >= warmup) {
                s.cycles[s.measured] = now - (uart ? s.eventCycle : deadline);
                s.hostNanos[s.measured] = host - s.eventNanos;
                s.measured++;
            }
            if (uart) {
                while ((m.load64(REGS + STATUS) & 1) != 0) {
                    m.load64(REGS); // DATA
                }
            }
            if (i == warmup + n - 1) {
                break;
            }
            if (!uart) {
                deadline = arm(m, PERIOD_MICROS * cyclesPerMicro);
            }
            l4.setMr(0, MsgTag.make(0, 0, 0));
            // Acknowledge (a send to the pseudo-thread unmasks the line), then wait for the next one.
            from = l4.ipc(irq, irq, Timeout.pair(Timeout.NEVER, Timeout.NEVER));
        }
        s.done = true;
        l4.setMr(0, MsgTag.make(0, 0, 0));
        l4.reply(irq);
        // Detach the line so that, input or not, the system has nothing left to do.
        l4.setMr(0, MsgTag.make(kola.system.Protocol.ROOT_SHUTDOWN, 0, 0));
        l4.call(kip.rootTask());
    }

    /** Arms the timer {@code delta} cycles from now; returns the deadline. */
    private static long arm(Memory m, long delta) {
        long deadline = m.load64(TIMER_REGS + NOW) + delta;
        m.store64(TIMER_REGS + DEADLINE, deadline);
        return deadline;
    }

    /** The busy variant's background thread: memory accesses until the driver is done. */
    private static void spin(L4 l4, Shared s) {
        Memory m = l4.memory();
        for (long i = 0; !s.done; i++) {
            m.store64(SPIN_VA + (i & 0x1FF) * 8, i);
        }
    }

    /** A measured contender: the median (over rounds) of each round's median, plus the simulated figures. */
    public record Measurement(Source source, double hostNsMedian, double[] roundMedians, double hostNsMean,
                              double hostNsP99, long cyclesMin, long cyclesMedian, long cyclesMax,
                              double runNsPerInterrupt) {
    }

    /**
     * Measures every source: one untimed warm-up run each (three for irq-timer-busy), then {@code rounds} interleaved rounds of
     * {@link #INTERRUPTS} interrupts. Also measures the Kola 0-word IPC round trip (half of it is
     * the one-way reference). Progress to {@code progress} (null: none).
     */
    public static List<Measurement> measure(int rounds, PrintStream progress) {
        Source[] sources = Source.values();
        for (Source src : sources) {
            // The busy path (a preemption at a memory access) is reached rarely: warm it up longer.
            for (int w = src == Source.TIMER_BUSY ? 3 : 1; w > 0; w--) {
                run(src, src.warmup, src.interrupts);
            }
        }
        double[][] medians = new double[sources.length][rounds];
        Run[] last = new Run[sources.length];
        double[] runNs = new double[sources.length];
        for (int r = 0; r < rounds; r++) {
            for (int c = 0; c < sources.length; c++) {
                Run run = run(sources[c], sources[c].warmup, sources[c].interrupts);
                medians[c][r] = SideBySide.median(Arrays.stream(run.hostNanos()).asDoubleStream().toArray());
                runNs[c] += (double) run.runNanos() / run.interrupts() / rounds;
                last[c] = run;
            }
        }
        List<Measurement> out = new ArrayList<>();
        for (int c = 0; c < sources.length; c++) {
            long[] h = last[c].hostNanos().clone();
            long[] cy = last[c].cycles().clone();
            Arrays.sort(h);
            Arrays.sort(cy);
            Measurement m = new Measurement(sources[c], SideBySide.median(medians[c]), medians[c],
                    Arrays.stream(h).average().orElse(0), h[(int) (h.length * 0.99)], cy[0], cy[cy.length / 2],
                    cy[cy.length - 1], runNs[c]);
            if (progress != null) {
                StringBuilder b = new StringBuilder();
                for (double v : medians[c]) {
                    b.append(b.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.0f", v));
                }
                progress.printf(Locale.ROOT, "  %-16s %8.0f ns  (median of %d rounds of %,d interrupts: %s)%n",
                        sources[c].name, m.hostNsMedian(), rounds, sources[c].interrupts, b);
            }
            out.add(m);
        }
        return out;
    }

    /** Half the Kola 0-word cross-space round trip, median of {@code rounds} rounds of {@code n}: one IPC. */
    public static double ipcOneWayNs(int rounds, long n) {
        KolaIpc.roundTrips(KolaIpc.Layout.CROSS_SPACE, 0, n);
        double[] v = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            v[r] = (double) KolaIpc.roundTrips(KolaIpc.Layout.CROSS_SPACE, 0, n) / n / 2;
        }
        return SideBySide.median(v);
    }

    /** The rows: each source against one IPC; the IPC row against irq-timer-idle. */
    public static List<SideBySide.Row> rows(List<Measurement> ms, double ipcOneWay) {
        List<SideBySide.Row> rows = new ArrayList<>();
        for (Measurement m : ms) {
            rows.add(new SideBySide.Row(m.source().name, m.source().description, m.hostNsMedian(), "kola-ipc-one-way",
                    m.hostNsMedian() / ipcOneWay, Double.NaN, m.source().interrupts, SideBySide.spread(m.roundMedians())));
        }
        double idle = ms.get(0).hostNsMedian();
        rows.add(new SideBySide.Row("kola-ipc-one-way", "half a Kola 0-word cross-space Call/ReplyWait round trip",
                ipcOneWay, ms.get(0).source().name, idle / ipcOneWay, Double.NaN, 0, 0));
        return rows;
    }

    /** The table of {@code kola bench irq}. */
    public static void printTable(List<Measurement> ms, double ipcOneWay, PrintStream out) {
        out.printf(Locale.ROOT, "%-16s %9s %9s %9s %7s  %-22s %10s %8s%n", "name", "host ns", "mean", "p99",
                "spread", "sim cycles min/med/max", "run ns/irq", "ratio");
        List<SideBySide.Row> rows = rows(ms, ipcOneWay);
        for (int i = 0; i < ms.size(); i++) {
            Measurement m = ms.get(i);
            SideBySide.Row r = rows.get(i);
            out.printf(Locale.ROOT, "%-16s %9.0f %9.0f %9.0f %6.1f%%  %-22s %10.0f %8.2f%n", r.name(), m.hostNsMedian(),
                    m.hostNsMean(), m.hostNsP99(), 100 * r.spread(),
                    m.cyclesMin() + "/" + m.cyclesMedian() + "/" + m.cyclesMax(), m.runNsPerInterrupt(), r.ratio());
        }
        out.printf(Locale.ROOT, "%-16s %9.0f %9s %9s %7s  %-22s %10s %8.2f%n", "kola-ipc-one-way", ipcOneWay, "", "", "",
                "", "", rows.get(ms.size()).ratio());
        out.println("host ns: from the kernel taking the raised line (KernelEvents.INTERRUPT) to the driver's first"
                + " instruction after its receive returned; median of the rounds' medians (mean and p99: last round).");
        out.println("sim cycles: simulated cycles from the raise (timer: the deadline; UART: the interrupt event) to the"
                + " driver reading NOW (deterministic). run ns/irq: host ns of the whole run over the interrupts.");
        out.println("ratio = the row's host ns over one Kola IPC (half a 0-word cross-space round trip); the IPC row:"
                + " irq-timer-idle over it.");
    }
}
