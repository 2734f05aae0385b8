package kola.bench;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import kola.abi.Program;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.machine.Machine;
import kola.system.Console;
import kola.system.DefaultImage;
import kola.system.RootTask;
import kola.system.Sigma0;
import kola.system.UartDriver;

/**
 * Console throughput ({@code kola bench console}): bytes per host second from the UART's receive
 * FIFO up to a user program reading lines and back out through the UART. Host input is fed to the
 * machine as a script (a line at a time, when the machine is idle, as {@code kola run --script}
 * does), and every byte the UART transmits is counted and checked.
 *
 * <p>Each run boots a fresh system; its clock starts when the answer to the first line has gone out
 * (after boot and the start of the UART's host reader thread) and stops when the run ends, and
 * its bytes are those of the other lines.
 *
 * <ul>
 * <li><b>console-echo</b>: a minimal image (sigma0, root task, UART driver on line 2, console, and an
 * echo program that reads a line from the console and writes it back). Per line: the UART
 * interrupt, the driver draining the FIFO, the console's reader and server, the echo's
 * ReadLine call, its Write call and the driver's transmit. The output must equal the input
 * byte for byte. Figure: host ns per byte echoed.</li>
 * <li><b>console-shell</b>: the default image with the shell echoing commands; every line is an
 * unknown command, so the shell prints a prompt, the echo and an error line per line read.
 * Figure: host ns per input byte.</li>
 * <li><b>java-line-echo</b>: the same lines read with a {@link BufferedReader} and written to a
 * {@link PrintStream}, no kernel: the host floor.</li>
 * </ul>
 */
public final class ConsoleBench {
    /**
     * Lines per run: 1,000 lines of 64 bytes fit in the UART's 64 KiB host-side buffer
     * ({@code kola.machine.HostInput}), so the figure is the system's path, not the host reader
     * thread's back-pressure (a longer script roughly doubles the cost per byte on a 2-core host,
     * as the kernel's thread and the reader thread hand the buffer back and forth).
     */
    public static final int LINES = 1_000;
    /** Runs (each a fresh boot) per timed round. */
    public static final int RUNS_PER_ROUND = 8;
    /** Bytes per line, the newline included. */
    public static final int LINE_BYTES = 64;

    private ConsoleBench() {
    }

    /** One timed run: {@code bytes} bytes (echoed or read), {@code hostNanos}, simulated {@code cycles}. */
    public record Run(String name, long bytes, long outputBytes, long hostNanos, long cycles) {
        public double nsPerByte() {
            return (double) hostNanos / bytes;
        }

        public double bytesPerSecond() {
            return bytes * 1e9 / hostNanos;
        }

        public double cyclesPerByte() {
            return (double) cycles / bytes;
        }
    }

    /** A measured contender: median of the rounds. */
    public record Measurement(String name, String description, double nsPerByte, double[] rounds, long bytes,
                              long outputBytes, double cyclesPerByte) {
        public double bytesPerSecond() {
            return 1e9 / nsPerByte;
        }
    }

    /** The script: {@code lines} lines of {@code lineBytes - 1} printable bytes and a newline, all different. */
    public static byte[] script(int lines, int lineBytes) {
        byte[] out = new byte[lines * lineBytes];
        int k = 0;
        for (int i = 0; i < lines; i++) {
            String head = "l" + i + "-";
            for (int j = 0; j < lineBytes - 1; j++) {
                out[k++] = (byte) (j < head.length() ? head.charAt(j) : 'a' + (i + j) % 26);
            }
            out[k++] = '\n';
        }
        return out;
    }

    /** The echo program: reads lines from the console and writes each back. */
    static Program echo() {
        return l4 -> {
            long console = RootTask.lookup(l4, "console");
            while (true) {
                String line = Console.readLine(l4, console);
                if (line == null) {
                    return;
                }
                Console.write(l4, console, line + "\n");
            }
        };
    }

    /**
     * Counts the bytes the UART transmits and checks them against the expected bytes (null: just
     * count); notes the host time when the {@code mark}-th byte goes out (the end of the first
     * line's answer: the clock starts there, after boot and the host reader thread's start).
     */
    static final class CheckingOutput extends OutputStream {
        private final byte[] expected;
        private final long mark;
        long count;
        long mismatchAt = -1;
        long markNanos;

        CheckingOutput(byte[] expected, long mark) {
            this.expected = expected;
            this.mark = mark;
        }

        @Override
        public void write(int b) {
            if (expected != null && mismatchAt < 0 && (count >= expected.length || expected[(int) count] != (byte) b)) {
                mismatchAt = count;
            }
            if (++count == mark) {
                markNanos = System.nanoTime();
            }
        }
    }

    /** Runs {@code image} with {@code input} as console input; returns the run, checked by {@code out}. */
    private static Run run(String name, Image image, byte[] input, CheckingOutput out, long countedBytes) {
        ByteArrayOutputStream kdb = new ByteArrayOutputStream();
        Machine machine = new Machine(new Machine.Config(64L << 20, 256, new ByteArrayInputStream(input), out));
        Kernel kernel = new Kernel(machine, KernelConfig.defaults().withKernelMemory(4L << 20), image,
                new PrintStream(kdb, true, StandardCharsets.UTF_8));
        Kernel.RunResult r = kernel.run();
        long elapsed = System.nanoTime() - out.markNanos;
        if (out.markNanos == 0) {
            throw new IllegalStateException(name + ": the first line was never answered (" + out.count + " bytes out)");
        }
        return new Run(name, countedBytes, out.count, elapsed, r.cycles());
    }

    /** console-echo: the minimal image; every byte must come back. */
    public static Run echo(int lines, int lineBytes) {
        byte[] input = script(lines, lineBytes);
        Image image = Image.builder(Sigma0::new, RootTask::new)
                .module("uart", UartDriver::new, 220, List.of("irq=2"))
                .module("console", Console::new, 210, List.of())
                .module("echo", ConsoleBench::echo, 100, List.of())
                .build();
        CheckingOutput out = new CheckingOutput(input, lineBytes);
        Run r = run("console-echo", image, input, out, (long) (lines - 1) * lineBytes);
        if (out.mismatchAt >= 0 || out.count != input.length) {
            throw new IllegalStateException("console-echo: the output differs from the input"
                    + (out.mismatchAt >= 0 ? " at byte " + out.mismatchAt : "") + " (" + out.count + " of "
                    + input.length + " bytes came back)");
        }
        return r;
    }

    /** console-shell: the default image, the shell echoing; every line is an unknown command. */
    public static Run shell(int lines, int lineBytes) {
        byte[] input = script(lines, lineBytes);
        Image image = SystemImages.of(DefaultImage.modules(List.of("echo=on")), true);
        // Per line: "kola> " + the line + "unknown command: " + the line + " (try help)\n".
        long banner = "Kola shell. Type 'help' for commands.\n".length();
        long perLine = 2L * lineBytes + "kola> ".length() + "unknown command: ".length() + " (try help)".length();
        long expected = banner + lines * perLine + "kola> ".length();
        CheckingOutput out = new CheckingOutput(null, banner + perLine);
        Run r = run("console-shell", image, input, out, (long) (lines - 1) * lineBytes);
        // (+1: a newline, should the shell ever hear of the end of its input.)
        if (out.count != expected && out.count != expected + 1) {
            throw new IllegalStateException("console-shell: " + out.count + " bytes out, expected " + expected);
        }
        return r;
    }

    /** java-line-echo: BufferedReader lines to a PrintStream, no kernel; the script {@code reps} times over. */
    public static Run javaEcho(int lines, int lineBytes, int reps) throws IOException {
        byte[] input = script(lines, lineBytes);
        long elapsed = 0;
        long count = 0;
        for (int rep = 0; rep < reps; rep++) {
            CheckingOutput out = new CheckingOutput(input, -1);
            long t0 = System.nanoTime();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(input),
                    StandardCharsets.UTF_8)); PrintStream p = new PrintStream(out, true, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    p.print(line + "\n");
                }
            }
            elapsed += System.nanoTime() - t0;
            if (out.mismatchAt >= 0 || out.count != input.length) {
                throw new IllegalStateException("java-line-echo: the output differs from the input");
            }
            count += out.count;
        }
        return new Run("java-line-echo", (long) input.length * reps, count, elapsed, 0);
    }

    /** A contender: one run of it. */
    @FunctionalInterface
    interface Runner {
        Run run() throws Exception;
    }

    /** {@link #RUNS_PER_ROUND} runs as one: their bytes and host time summed. */
    private static Run round(Runner runner) throws Exception {
        long bytes = 0;
        long out = 0;
        long nanos = 0;
        long cycles = 0;
        String name = null;
        for (int i = 0; i < RUNS_PER_ROUND; i++) {
            Run r = runner.run();
            name = r.name();
            bytes += r.bytes();
            out += r.outputBytes();
            nanos += r.hostNanos();
            cycles += r.cycles();
        }
        return new Run(name, bytes, out, nanos, cycles);
    }

    /**
     * Measures the three contenders: one untimed warm-up run each, then {@code rounds} rounds,
     * interleaved; each figure is the median of its rounds. Progress to {@code progress} (null: none).
     */
    public static List<Measurement> measure(int rounds, PrintStream progress) throws Exception {
        String[] names = {"console-echo", "console-shell", "java-line-echo"};
        String[] descriptions = {
            "UART -> driver -> console -> echo program -> console -> driver -> UART, minimal image",
            "UART -> driver -> console -> shell (echo, unknown command) -> UART, default image",
            "BufferedReader.readLine -> PrintStream, no kernel (host floor)"};
        Runner[] runners = {() -> echo(LINES, LINE_BYTES), () -> shell(LINES / 2, LINE_BYTES),
            () -> javaEcho(LINES, LINE_BYTES, 10)};
        Run[] last = new Run[names.length];
        for (int c = 0; c < names.length; c++) {
            for (int w = 0; w < 3; w++) {
                last[c] = round(runners[c]);
            }
        }
        double[][] perByte = new double[names.length][rounds];
        double[] cycles = new double[names.length];
        for (int r = 0; r < rounds; r++) {
            for (int c = 0; c < names.length; c++) {
                Run run = round(runners[c]);
                perByte[c][r] = run.nsPerByte();
                cycles[c] = run.cyclesPerByte();
                last[c] = run;
            }
        }
        List<Measurement> out = new ArrayList<>();
        for (int c = 0; c < names.length; c++) {
            Measurement m = new Measurement(names[c], descriptions[c], SideBySide.median(perByte[c]), perByte[c],
                    last[c].bytes(), last[c].outputBytes(), cycles[c]);
            if (progress != null) {
                StringBuilder b = new StringBuilder();
                for (double v : perByte[c]) {
                    b.append(b.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.1f", v));
                }
                progress.printf(Locale.ROOT, "  %-16s %8.1f ns/byte  (median of %d rounds of %,d bytes: %s)%n",
                        m.name(), m.nsPerByte(), rounds, m.bytes(), b);
            }
            out.add(m);
        }
        return out;
    }

    /** The rows: the Kola contenders against java-line-echo, and java-line-echo against console-echo. */
    public static List<SideBySide.Row> rows(List<Measurement> ms) {
        Measurement echo = ms.get(0);
        Measurement floor = ms.get(2);
        List<SideBySide.Row> rows = new ArrayList<>();
        for (Measurement m : ms.subList(0, 2)) {
            rows.add(new SideBySide.Row(m.name(), m.description(), m.nsPerByte(), floor.name(),
                    SideBySide.ratio(m.rounds(), floor.rounds()), Double.NaN, m.bytes(), SideBySide.spread(m.rounds())));
        }
        rows.add(new SideBySide.Row(floor.name(), floor.description(), floor.nsPerByte(), echo.name(),
                SideBySide.ratio(echo.rounds(), floor.rounds()), Double.NaN, floor.bytes(), SideBySide.spread(floor.rounds())));
        return rows;
    }

    /** The table of {@code kola bench console}. */
    public static void printTable(List<Measurement> ms, PrintStream out) {
        List<SideBySide.Row> rows = rows(ms);
        out.printf(Locale.ROOT, "%-16s %9s %11s %13s %7s  %-16s %8s%n", "name", "ns/byte", "MB/s", "sim cyc/byte",
                "spread", "baseline", "ratio");
        for (int i = 0; i < rows.size(); i++) {
            SideBySide.Row r = rows.get(i);
            Measurement m = ms.get(i);
            out.printf(Locale.ROOT, "%-16s %9.1f %11.2f %13s %6.1f%%  %-16s %8.1f%n", r.name(), r.nsPerOp(),
                    m.bytesPerSecond() / 1e6, m.cyclesPerByte() > 0 ? String.format(Locale.ROOT, "%.1f",
                            m.cyclesPerByte()) : "-", 100 * r.spread(), r.baseline(), r.ratio());
        }
        out.println("ns/byte: host time from the first line's answer to the end of the run, over the bytes of the other"
                + " lines (" + RUNS_PER_ROUND + " runs per round); console-echo sends every byte back, byte for byte.");
        out.println("ratio = the row's ns over the baseline's (Kola rows: over java-line-echo; java-line-echo:"
                + " console-echo over it), round by round: the median of each round's ratio.");
    }
}
