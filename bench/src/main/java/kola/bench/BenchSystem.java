package kola.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.KernelError;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.Schedule;
import kola.abi.ThreadId;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.machine.Machine;
import kola.system.Tasks;

/**
 * A Kola system booted inside a benchmark's own process, as {@link KolaIpc} does it: a
 * {@link Machine}, a {@link Kernel} running an {@link Image} whose user programs are written
 * against {@code kola.abi} (and {@code kola.system}), and the kernel console captured so that a
 * failure can say what the kernel said.
 *
 * <p>The user programs of a benchmark share a {@link Probe} with the host: they run on the
 * calling host thread ({@link Kernel#run(long)} is synchronous), so plain fields are enough. A
 * program that sees a wrong result records it there and stops; {@link #step} and {@link #runUntil}
 * throw it. The system also fails when it stops before it did the kernel entries asked for (a
 * thread died, or everyone waits), so a benchmark cannot silently time a broken system.
 *
 * <p>Benchmark systems use a time slice of {@value #LONG_SLICE_MICROS} µs: no thread is ever
 * preempted, so every operation costs exactly the kernel entries it makes and a JMH invocation of
 * {@code k} operations is {@code k} times a fixed number of entries ({@link #step}).
 */
final class BenchSystem {
    /** A time slice no benchmark outlives (2^40 µs, about 12.7 simulated days). */
    static final long LONG_SLICE_MICROS = 1L << 40;
    /** The priority of the tasks a benchmark root task starts. */
    static final int PRIORITY = 100;
    /** UTCB size (Kip.utcbSizeLog2 = 10): the k-th thread of a space has its UTCB at area base + k KiB. */
    static final long UTCB_SIZE = 1024;
    /** Threads per space with {@link Kip#STANDARD_UTCB_AREA} (1 MiB of 1 KiB UTCBs). */
    static final int THREADS_PER_STANDARD_SPACE = 1024;

    /** What the user programs of a benchmark report to the host. */
    static class Probe {
        /** Set by user code once it is past its set-up and doing the measured operation. */
        volatile boolean started;
        /** The first failure seen, or null. */
        volatile String failure;

        /** Records a failure (the first one wins). */
        void fail(String why) {
            if (failure == null) {
                failure = why;
            }
        }
    }

    final String what;
    final Machine machine;
    final Kernel kernel;
    final Probe probe;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private long traps;

    /**
     * A system on a machine of {@code ramBytes} (256-entry TLB, no UART) with {@code kernelMemory}
     * bytes of kernel memory and the long time slice. Nothing runs until the first step.
     */
    BenchSystem(String what, long ramBytes, long kernelMemory, Image image, Probe probe) {
        this(what, new Machine.Config(ramBytes, 256, null, OutputStream.nullOutputStream()),
                KernelConfig.defaults().withKernelMemory(kernelMemory).withTimeslice(LONG_SLICE_MICROS), image, probe);
    }

    BenchSystem(String what, Machine.Config machineConfig, KernelConfig config, Image image, Probe probe) {
        this.what = what;
        this.probe = probe;
        this.machine = new Machine(machineConfig);
        this.kernel = new Kernel(machine, config, image, new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    /** Kernel entries made so far. */
    long traps() {
        return traps;
    }

    /**
     * Runs exactly {@code n} more kernel entries.
     *
     * @throws IllegalStateException if a user program recorded a failure, or the system stopped first
     */
    void step(long n) {
        long before = traps;
        traps = kernel.run(n).traps();
        check();
        if (traps - before != n) {
            throw failure("the system stopped after " + (traps - before) + " of " + n + " kernel entries");
        }
    }

    /** Runs one kernel entry at a time until {@code done}; throws if that takes more than {@code maxTraps}. */
    void runUntil(BooleanSupplier done, long maxTraps) {
        long limit = traps + maxTraps;
        while (!done.getAsBoolean()) {
            if (traps >= limit) {
                throw failure("not done after " + maxTraps + " kernel entries");
            }
            step(1);
        }
    }

    /** Runs until nothing can happen any more ({@link Kernel#run()}); returns the kernel entries made. */
    long runToEnd() {
        long before = traps;
        traps = kernel.run().traps();
        check();
        return traps - before;
    }

    /** Throws if a user program recorded a failure. */
    void check() {
        if (probe.failure != null) {
            throw failure(probe.failure);
        }
    }

    IllegalStateException failure(String why) {
        return new IllegalStateException(what + ": " + why + consoleTail());
    }

    /** The last lines the kernel printed, for error messages. */
    String consoleTail() {
        String text = console.toString(StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return "";
        }
        String[] lines = text.split("\n");
        int from = Math.max(0, lines.length - 5);
        return "; kernel console: " + String.join(" | ", Arrays.copyOfRange(lines, from, lines.length));
    }

    /** Everything the kernel printed. */
    String console() {
        return console.toString(StandardCharsets.UTF_8);
    }

    // ---- user-side helpers, for root tasks and workers --------------------------------------

    /** The id of the {@code i}-th thread a benchmark root task creates: thread userBase + 3 + i, version 1. */
    static long threadId(Kip kip, long i) {
        return ThreadId.global(kip.userBase() + 3 + i, 1);
    }

    /**
     * Starts boot module {@code module} as a new task whose first thread is {@code id}, paged by
     * {@code pager}, at {@code priority} (the root task's way: {@link Tasks#create}). Returns null,
     * or what failed.
     */
    static String startTask(L4 l4, long id, String module, long pager, int priority) {
        Kip.BootModule m = l4.kernelInterface().module(module);
        if (m == null) {
            return "no boot module " + module;
        }
        return Tasks.create(l4, id, pager, m.entry(0), priority);
    }

    /**
     * Creates thread {@code id} in the space of {@code sibling} with UTCB slot {@code slot} of the
     * standard UTCB area, paged by {@code pager}, and starts it at entry {@code entry} of boot
     * module {@code module} with {@code priority} (a privileged caller). Null, or what failed.
     */
    static String startThread(L4 l4, long id, long sibling, int slot, long pager, String module, int entry,
                              int priority) {
        long utcb = Fpage.base(Kip.STANDARD_UTCB_AREA) + slot * UTCB_SIZE;
        if (l4.threadControl(id, sibling, l4.myGlobalId(), pager, utcb) == 0) {
            return "ThreadControl(create " + ThreadId.toString(id) + "): " + KernelError.describe(l4.errorCode());
        }
        if (priority != PRIORITY && l4.schedule(id, Schedule.UNCHANGED, Schedule.UNCHANGED, priority,
                Schedule.UNCHANGED) == 0) {
            return "Schedule: " + KernelError.describe(l4.errorCode());
        }
        long ip = l4.kernelInterface().module(module).entry(entry);
        if (l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, ip, 0, 0, ThreadId.NIL) == ThreadId.NIL) {
            return "ExchangeRegisters(start): " + KernelError.describe(l4.errorCode());
        }
        return null;
    }
}
