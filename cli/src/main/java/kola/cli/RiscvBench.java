package kola.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kola.bench.SideBySide;
import kola.kernel.ElfProgram;

/**
 * {@code kola bench riscv}: the CPU-bound RISC-V programs of {@code user/bench} (sort, sieve,
 * matmul, crc32, strsearch, bcinterp), each run with {@code kola exec} in this process and, when
 * it is installed, with {@code qemu-riscv64} (a translating JIT) in the same run. Every run's
 * output must be the line {@code user/bench/EXPECTED} gives and its status 0. A row: host ns per
 * instruction retired (so MIPS = 1000 / ns_per_op), baseline qemu-riscv64, ratio = Kola's time
 * over qemu's (the median of the rounds of each). Each program first runs once under Kola
 * untimed (its output checked too), so that the rounds measure JIT-compiled code rather than the
 * JVM compiling it; that warm-up round's time is printed, not counted.
 */
final class RiscvBench {
    /** What the rows' ratio is measured against. */
    static final String QEMU = "qemu-riscv64";

    /** A measured program. */
    record Row(String name, double nsPerInstruction, long instructions, double kolaSeconds, double qemuSeconds,
               double[] kolaRounds) {
        double mips() {
            return 1000 / nsPerInstruction;
        }

        double ratio() {
            return Double.isNaN(qemuSeconds) ? Double.NaN : kolaSeconds / qemuSeconds;
        }
    }

    private RiscvBench() {
    }

    /** The programs and their expected output lines, from {@code user/bench/EXPECTED}. */
    static Map<String, String> expected(Path user) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(user.resolve("bench/EXPECTED"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int sp = line.indexOf(' ');
                out.put(line.substring(0, sp), line.substring(sp + 1));
            }
        }
        return out;
    }

    /** Measures every program {@code rounds} times under each; progress to {@code progress} (null: none). */
    static List<Row> measure(Path user, int rounds, PrintStream progress) throws IOException, InterruptedException {
        boolean qemu = onPath(QEMU);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, String> e : expected(user).entrySet()) {
            Path elf = user.resolve("build/bench/" + e.getKey());
            if (!Files.isRegularFile(elf)) {
                throw new IllegalStateException(elf + " is not built: run 'make -C user' (it needs the RISC-V cross "
                        + "compiler: apt-get install gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf)");
            }
            ElfProgram program = ElfProgram.read(elf);
            double[] kola = new double[rounds];
            double[] emu = new double[rounds];
            long instructions = 0;
            long warm = System.nanoTime();
            run(program, e.getKey(), e.getValue());
            double warmup = (System.nanoTime() - warm) / 1e9;
            for (int r = 0; r < rounds; r++) {
                long start = System.nanoTime();
                instructions = run(program, e.getKey(), e.getValue());
                kola[r] = (System.nanoTime() - start) / 1e9;
                emu[r] = qemu ? qemu(elf, e.getKey(), e.getValue()) : Double.NaN;
            }
            double k = SideBySide.median(kola);
            Row row = new Row("riscv-" + e.getKey(), k * 1e9 / instructions, instructions, k, qemu ? SideBySide.median(emu) : Double.NaN, kola);
            if (progress != null) {
                progress.printf(java.util.Locale.ROOT, "  %-16s %,15d instructions  %7.1f MIPS  kola %6.2f s (warm-up %5.2f s)  %s%n",
                        row.name(), instructions, row.mips(), k, warmup, qemu ? String.format(java.util.Locale.ROOT, "qemu %6.2f s  ratio %5.1f",
                                row.qemuSeconds(), row.ratio()) : "(qemu-riscv64 not installed)");
            }
            rows.add(row);
        }
        return rows;
    }

    /** Runs {@code program} once under {@code kola exec}, checks its output, and returns the instructions it retired. */
    private static long run(ElfProgram program, String name, String expected) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExecCommand.Outcome o = ExecCommand.execute(program, name, List.of(), new MachineOptions(),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        check(name, "kola", o.status() == null ? -1 : o.status(), out.toString(StandardCharsets.UTF_8), expected);
        return o.instructions();
    }

    private static double qemu(Path elf, String name, String expected) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(QEMU, elf.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(name + ": qemu-riscv64 did not finish");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        check(name, QEMU, p.exitValue(), out, expected);
        return seconds;
    }

    private static void check(String name, String under, int status, String out, String expected) {
        if (status != 0 || !out.strip().equals(expected)) {
            throw new IllegalStateException(name + " under " + under + ": status " + status + ", output '" + out.strip()
                    + "', expected '" + expected + "'");
        }
    }

    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
