package kola.machine.riscv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures the hart on a compiled program: {@code java ... kola.machine.riscv.HartBench prog.elf [slice [rounds
 * [cache]]]}, {@code cache} a memory cache's geometry ({@code 256x4x64}), {@code none} (the default)
 * or {@code interpret} (no cache, no compiled blocks: the interpreter alone).
 * Runs the program to its exit once as warm-up, then once timed in a fresh system, and prints
 * instructions, seconds and millions of instructions per second. Not a test: nothing is asserted.
 */
public final class HartBench {

    private HartBench() {
    }

    /** CPU time of the whole process (the JIT compilers' threads included). */
    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }

    /** CPU time of this thread (by reflection: the tests' module does not read java.management). */
    private static long threadCpuNanos() {
        try {
            Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            return (Long) Class.forName("java.lang.management.ThreadMXBean").getMethod("getCurrentThreadCpuTime").invoke(threads);
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }

    public static void main(String[] args) throws IOException {
        byte[] file = Files.readAllBytes(Path.of(args[0]));
        long slice = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String cache = args.length > 3 ? args[3] : "none";
        for (int round = 1; round <= rounds; round++) {
            RiscvSystem sys = switch (cache) {
                case "none", "interpret" -> new RiscvSystem(256L << 20);
                default -> new RiscvSystem(256L << 20, new kola.machine.Cache(kola.machine.Cache.Geometry.parse(cache)));
            };
            if (cache.equals("interpret")) {
                sys.hart.compileBlocks = false;
            }
            HartState s = sys.load(file);
            long c0 = cpuNanos();
            long m0 = threadCpuNanos();
            long t0 = System.nanoTime();
            RiscvSystem.Outcome o = sys.runProgram(s, slice, Long.MAX_VALUE);
            long t1 = System.nanoTime();
            long c1 = cpuNanos();
            long m1 = threadCpuNanos();
            double secs = (t1 - t0) / 1e9;
            double cpu = (c1 - c0) / 1e9;
            double own = (m1 - m0) / 1e9;
            System.out.printf("round %d: %s exit %d, %d instructions, %.3f s (cpu %.3f s, this thread %.3f s), %.1f MIPS "
                    + "(%.1f per cpu s, %.1f per thread cpu s), output %d bytes, %d cycles%n",
                    round, Cause.name(o.cause()), o.exitStatus(), o.instret(), secs, cpu, own, o.instret() / secs / 1e6,
                    o.instret() / cpu / 1e6, o.instret() / own / 1e6, o.output().length(), sys.clock.now());
            if (round == rounds && !o.output().isEmpty()) {
                System.out.print(o.output().length() > 400 ? o.output().substring(0, 400) : o.output());
            }
        }
    }
}
