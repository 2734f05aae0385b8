package kola.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import kola.kernel.CommModel;
import kola.kernel.Image;
import kola.kernel.InvariantViolation;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.kernel.KernelEvents;
import kola.machine.Machine;
import kola.machine.PhysicalMemory;
import kola.system.fuzz.FuzzChecks;
import kola.system.fuzz.FuzzImage;
import kola.system.fuzz.FuzzPlan;

/**
 * The engine of {@code kola fuzz} (issue #6): boots fuzzed systems ({@link FuzzImage}) one after
 * another and runs them, one kernel entry at a time, until the requested number of kernel entries
 * ("operations") is done, with the invariant checker after every operation.
 *
 * <p>A run is a sequence of rounds. Round r boots a fresh kernel whose plan and configuration
 * (kernel-memory pool, thread-number limit, time slice) are drawn from the run's seed, and ends
 * after {@code roundOps} operations, when the system has nothing left to do, or at the first
 * failure: a Java exception escaping {@link Kernel#run} (a kernel error: a kernel bug) or an
 * {@link InvariantViolation}. Operation numbers count across rounds, so that a seed and an
 * operation number name one moment of one run, and {@link Options#stopAt} reruns up to it.
 */
final class FuzzRunner {
    /** Kernel entries per round unless told otherwise. */
    static final long DEFAULT_ROUND_OPS = 50_000;
    /** Full stack traces printed per run; further failures get one line each. */
    private static final int TRACES = 5;

    /**
     * What to run.
     *
     * @param seed     the run's seed
     * @param ops      kernel entries in all
     * @param check    whether the invariant checker runs after every operation
     * @param roundOps kernel entries per round at most
     * @param stopAt   stop after this global operation (replay), or -1
     * @param console  where the kernels' debug consoles go (null: discarded)
     * @param verbose  print a line per round
     * @param comm     the communication model every round boots with, or null: each round draws
     *                 its own from its seed ({@link #drawModel})
     */
    record Options(long seed, long ops, boolean check, long roundOps, long stopAt, PrintStream console, boolean verbose,
                   CommModel comm) {
        Options {
            if (ops < 0 || roundOps <= 0) {
                throw new IllegalArgumentException("ops must be >= 0 and round ops > 0");
            }
        }

        /** Options of a run whose rounds draw their models ({@code --comm all}). */
        Options(long seed, long ops, boolean check, long roundOps, long stopAt, PrintStream console, boolean verbose) {
            this(seed, ops, check, roundOps, stopAt, console, verbose, null);
        }

        static Options of(long seed, long ops) {
            return new Options(seed, ops, true, DEFAULT_ROUND_OPS, -1, null, false);
        }

        /** The words of a replay command line that give this run's model and round length (empty for the defaults). */
        String replayArgs() {
            return (comm != null ? " --comm " + comm.label() : "")
                    + (roundOps != DEFAULT_ROUND_OPS ? " --round-ops " + roundOps : "") + (check ? "" : " --no-check");
        }
    }

    /** A failure: what, where (global operation, round, operation in the round) and the trace. */
    record Failure(boolean violation, long seed, long op, int round, long roundOp, String message, String trace) {
    }

    /** A failed check ({@link FuzzChecks}): its kind, where, and what. */
    record CheckFailure(String kind, long seed, long op, int round, String message) {
    }

    /**
     * What a run did.
     *
     * @param ops          kernel entries done
     * @param kernelErrors exceptions that escaped the kernel
     * @param violations   invariant violations
     * @param rounds       systems booted
     * @param traceHash    the event hashes of all rounds, combined
     * @param events       kernel events by {@link KernelEvents} type, summed over the rounds
     * @param nanos        host time spent
     * @param failures     every failure, in order
     * @param checks       failed checks by kind, in the order of {@link FuzzChecks#KINDS}
     * @param checkFailures every failed check, in order
     */
    record Result(long ops, long kernelErrors, long violations, int rounds, long traceHash, long[] events, long nanos,
                  List<Failure> failures, long[] checks, List<CheckFailure> checkFailures) {
        /** The summary line, exactly as the issue states it. */
        String summary() {
            return "fuzz: " + ops + " ops, " + kernelErrors + " kernel errors, " + violations + " invariant violations";
        }

        /** The line of failed checks: each kind's count. */
        String checkSummary() {
            StringBuilder b = new StringBuilder("fuzz: checks:");
            for (int i = 0; i < FuzzChecks.KINDS.size(); i++) {
                b.append(i == 0 ? " " : ", ").append(checks[i]).append(' ').append(FuzzChecks.KINDS.get(i));
            }
            return b.toString();
        }

        /** Failed checks in all. */
        long checkFailureCount() {
            long n = 0;
            for (long c : checks) {
                n += c;
            }
            return n;
        }

        double opsPerSecond() {
            return nanos == 0 ? 0 : ops * 1e9 / nanos;
        }
    }

    /** One round's setting: the plan and the kernel configuration. */
    record Round(int index, long seed, FuzzPlan plan, KernelConfig config) {
        /** The round's communication model. */
        CommModel comm() {
            return config.comm();
        }

        Image image() {
            return image(FuzzChecks.IGNORED);
        }

        Image image(FuzzChecks checks) {
            return Images.trusted(FuzzImage.modules(plan, checks));
        }

        String describe() {
            return "round " + index + ": seed 0x" + Long.toHexString(seed) + ", comm " + comm().label() + ", " + plan.tasks() + " tasks, "
                    + plan.threadSlots() + " thread slots, population " + plan.population() + ", "
                    + plan.privileged() + " privileged fuzzers, focus " + plan.focus() + ", kernel memory " + (config.kernelMemoryBytes() >> 10)
                    + " KiB, thread limit " + config.threadNumberLimit() + ", slice " + config.timesliceMicros() + " µs";
        }
    }

    private final Options options;
    private final PrintStream out;
    /** The kernel of the round in progress (for replay: the state it stopped in). */
    private Kernel kernel;
    private Round round;
    private final long[] events = new long[16];
    /** The last kernel events of the round in progress, for failure reports. */
    private static final int RECENT = 32;
    private final long[][] recent = new long[RECENT][5];
    private int recentNext;

    /**
     * A liveness oracle: the page each thread last faulted on, how many times in a row, and whom
     * its faults went to. A thread that faults on one page {@value #LIVELOCK} times without
     * faulting anywhere else is answered by its pager without getting a mapping, again and again:
     * a livelock. With sigma0 as the pager that is a kernel bug (a map that silently fails); with
     * a fuzz thread as the pager it is usually the fuzz's doing. It is reported as a warning, not counted.
     */
    private final java.util.Map<Long, long[]> faults = new java.util.HashMap<>();
    static final long LIVELOCK = 5_000;
    private long step;
    private int warnings;

    private void watchFault(long thread, long page) {
        long[] f = faults.computeIfAbsent(thread, x -> new long[3]);
        if (f[0] != page) {
            f[0] = page;
            f[1] = 0;
        }
        if (++f[1] == LIVELOCK && warnings++ < TRACES) {
            boolean sigma0 = f[2] == kola.abi.ThreadId.global(Kernel.USER_BASE, 1);
            out.println("fuzz: warning: thread " + kola.abi.ThreadId.toString(thread) + " faulted " + LIVELOCK
                    + " times in a row on page 0x" + Long.toHexString(page << 12) + " at seed " + options.seed()
                    + " op " + step + " (round " + round.index() + "), its pager " + kola.abi.ThreadId.toString(f[2])
                    + " answering without mapping it: a livelock" + (sigma0 ? " (sigma0 is the pager: a kernel bug?)"
                    : " (a pager that is not one, or maps what it does not hold: the fuzz's own doing)"));
        }
    }

    /** The image each round boots: the fuzz image of its plan (tests of the fuzzer itself may boot others). */
    java.util.function.Function<Round, Image> images = r -> r.image(this::check);

    // ---- failed checks ----------------------------------------------------------------------

    private final long[] checkCounts = new long[FuzzChecks.KINDS.size()];
    private final List<CheckFailure> checkFailures = new ArrayList<>();

    /** A fuzz program or the runner's own watch reports a failed check, during the current operation. */
    void check(String kind, String what) {
        int k = FuzzChecks.KINDS.indexOf(kind);
        if (k < 0) {
            throw new IllegalArgumentException("unknown check " + kind);
        }
        checkCounts[k]++;
        CheckFailure f = new CheckFailure(kind, options.seed(), step, round.index(), what);
        checkFailures.add(f);
        if (checkCounts[k] <= TRACES) {
            out.println("fuzz: CHECK FAILED (" + kind + ") at seed " + f.seed() + " op " + f.op() + " (round " + f.round()
                    + ", comm " + round.comm().label() + "): " + what);
            out.println("fuzz: replay with: kola fuzz --seed " + f.seed() + options.replayArgs() + " --replay " + f.op());
        }
    }

    /**
     * The console the kernels print on, watched for kernel lines a task forged with KdbPrint (a
     * line that starts with "kernel:" and carries {@link FuzzChecks#FORGED}); lines go on to
     * {@code target} (null: nowhere).
     */
    private PrintStream watchedConsole(PrintStream target) {
        return new PrintStream(target != null ? target : OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8) {
            @Override
            public void println(String x) {
                if (x != null && x.contains(FuzzChecks.FORGED)) {
                    for (String line : x.split("\\R", -1)) {
                        if (line.startsWith("kernel:") && line.contains(FuzzChecks.FORGED)) {
                            check(FuzzChecks.KDB_LEAK, "a task's KdbPrint put a line on the console that poses as the kernel's: "
                                    + line);
                            break;
                        }
                    }
                }
                if (target != null) {
                    super.println(x);
                }
            }
        };
    }

    // ---- the hang watch ---------------------------------------------------------------------

    /**
     * The hang watch: threads in a page-fault or exception IPC (a kernel-made IPC) whose partner
     * is a thread whose program has ended (returned, thrown, or halted by the kernel after its
     * exception IPC) and that has not run since. Nothing but a restart by another thread can
     * answer such an IPC; the kernel must not leave a thread waiting on it (it fails faults to a
     * pager that is gone, and must do the same for one whose program ended). Kept from the event
     * stream, indexed by thread number; checked every {@value #HANG_CHECK} operations and at the
     * end of each round, and reported when it held at two checks in a row.
     */
    static final long HANG_CHECK = 256;
    private long[] kernelIpcId = new long[0];
    private long[] kernelIpcOp = new long[0];
    private long[] endedId = new long[0];
    private long[] endedOp = new long[0];
    private long[] suspectOp = new long[0];

    private void resetHangWatch(long threadLimit) {
        int n = (int) Math.min(threadLimit, 1 << 16);
        kernelIpcId = new long[n];
        kernelIpcOp = new long[n];
        endedId = new long[n];
        endedOp = new long[n];
        suspectOp = new long[n];
    }

    private int slot(long id) {
        long no = kola.abi.ThreadId.number(id);
        return no > 0 && no < kernelIpcId.length ? (int) no : -1;
    }

    private void hangEvent(int type, long a, long b, long c) {
        switch (type) {
            case KernelEvents.KERNEL_IPC -> {
                int s = slot(a);
                if (s >= 0) {
                    kernelIpcId[s] = a;
                    kernelIpcOp[s] = step;
                }
            }
            case KernelEvents.TRANSFER -> {
                int s = slot(b);
                if (s >= 0 && kernelIpcId[s] == b) {
                    kernelIpcId[s] = 0;
                }
            }
            case KernelEvents.SWITCH -> {
                int s = slot(b);
                if (s >= 0 && endedId[s] == b) {
                    endedId[s] = 0;
                }
            }
            case KernelEvents.HALT -> {
                int s = slot(a);
                if (s >= 0) {
                    kernelIpcId[s] = 0;
                    endedId[s] = a;
                    endedOp[s] = step;
                }
            }
            case KernelEvents.TIMEOUT, KernelEvents.CANCEL, KernelEvents.TRAP, KernelEvents.THREAD_CREATE,
                 KernelEvents.THREAD_DELETE -> {
                int s = slot(a);
                if (s >= 0) {
                    kernelIpcId[s] = 0;
                    if (type != KernelEvents.TIMEOUT && type != KernelEvents.CANCEL) {
                        endedId[s] = 0;
                    }
                }
            }
            default -> { }
        }
    }

    /** Looks for threads waiting in a kernel-made IPC on a thread whose program ended. */
    private void checkHangs() {
        java.util.Map<Long, String> states = null;
        for (int s = 0; s < kernelIpcId.length; s++) {
            long t = kernelIpcId[s];
            if (t == 0) {
                suspectOp[s] = 0;
                continue;
            }
            if (states == null) {
                states = new java.util.HashMap<>();
                for (Kernel.ThreadInfo info : kernel.threads()) {
                    states.put(info.id(), info.state() + " " + info.waitsFor());
                }
            }
            String st = states.get(t);
            boolean suspect = false;
            long partner = 0;
            if (st != null && (st.startsWith("sending ") || st.startsWith("receiving "))) {
                partner = Long.parseLong(st.substring(st.indexOf(' ') + 1));
                int p = slot(partner);
                String ps = states.get(partner);
                suspect = p >= 0 && endedId[p] == partner && ps != null && ps.startsWith("inactive ");
            }
            if (!suspect) {
                suspectOp[s] = 0;
            } else if (suspectOp[s] != kernelIpcOp[s] + 1) {
                suspectOp[s] = kernelIpcOp[s] + 1; // seen once: report if it still holds at the next check
            } else {
                int p = slot(partner);
                check(FuzzChecks.HANG, "thread " + kola.abi.ThreadId.toString(t) + " waits for ever in its page-fault or"
                        + " exception IPC (since op " + kernelIpcOp[s] + ", " + st.substring(0, st.indexOf(' '))
                        + ") on " + kola.abi.ThreadId.toString(partner) + ", whose program ended at op " + endedOp[p]);
                kernelIpcId[s] = 0;
                suspectOp[s] = 0;
            }
        }
    }

    /** For tests of the fuzzer itself: a listener on every kernel event, whose exceptions escape the kernel. */
    KernelEvents.Listener injected;

    FuzzRunner(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** The setting of round {@code index} of the run with {@code seed}. */
    static Round round(long seed, int index) {
        return round(seed, index, null);
    }

    /**
     * The model of a round whose run leaves the choice to the rounds ({@code --comm all}):
     * capabilities (the default system's model) in about half of them, each of the six others in
     * about a twelfth, drawn from a random source of its own so that the plan and the kernel
     * configuration of the round are the same whatever the model.
     */
    static CommModel drawModel(long roundSeed) {
        SplittableRandom r = new SplittableRandom(roundSeed ^ 0x636F6D6D6F64656CL);
        if (r.nextBoolean()) {
            return CommModel.CAPABILITIES;
        }
        return OTHER_MODELS.get(r.nextInt(OTHER_MODELS.size()));
    }

    private static final List<CommModel> OTHER_MODELS = java.util.Arrays.stream(CommModel.values())
            .filter(m -> m != CommModel.CAPABILITIES).toList();

    /** The setting of round {@code index} of the run with {@code seed}, under {@code comm} (null: drawn). */
    static Round round(long seed, int index, CommModel comm) {
        SplittableRandom rounds = new SplittableRandom(seed);
        long roundSeed = 0;
        for (int i = 0; i <= index; i++) {
            roundSeed = rounds.nextLong();
        }
        SplittableRandom r = new SplittableRandom(roundSeed);
        long ram = Machine.Config.DEFAULT_RAM_BYTES;
        FuzzPlan plan = FuzzPlan.random(roundSeed, Kernel.USER_BASE + 3, ram);
        KernelConfig config = KernelConfig.defaults();
        if (r.nextInt(4) == 0) {
            // A small central pool: tasks run it dry, and everyone gets OUT_OF_MEMORY (paper section 4.2).
            config = config.withKernelMemory((16 + r.nextInt(240)) * (long) PhysicalMemory.PAGE_SIZE);
        }
        // Thread numbers: a few thousand (some rounds cut the fuzz range short, so that part of it is
        // out of range). The kernel and the checker scan the thread table up to the highest number
        // ever used, so the default 2^22 would make garbage ids near the limit cost 4M steps each.
        config = config.withThreadNumberLimit(r.nextInt(8) == 0
                ? plan.threadBase() + plan.threadSlots() / 2 + r.nextInt(plan.threadSlots())
                : 1L << (10 + r.nextInt(4)));
        if (r.nextInt(4) == 0) {
            config = config.withTimeslice(50 + r.nextInt(20_000));
        }
        config = config.withComm(comm != null ? comm : drawModel(roundSeed));
        return new Round(index, roundSeed, plan, config);
    }

    /** The kernel the run stopped in (the last round's), or null before the first. */
    Kernel kernel() {
        return kernel;
    }

    Round currentRound() {
        return round;
    }

    /** Runs. */
    Result run() {
        long start = System.nanoTime();
        long total = 0;
        long errors = 0;
        long violations = 0;
        long hash = 0xCBF29CE484222325L;
        List<Failure> failures = new ArrayList<>();
        long limit = options.stopAt() >= 0 ? Math.min(options.ops(), options.stopAt()) : options.ops();
        PrintStream console = watchedConsole(options.console());
        int index = 0;
        while (total < limit) {
            round = round(options.seed(), index, options.comm());
            kernel = new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)), round.config(),
                    images.apply(round), console);
            kernel.setInvariantChecking(options.check());
            resetHangWatch(round.config().threadNumberLimit());
            kernel.setEventListener((type, time, a, b, c) -> {
                if (injected != null) {
                    injected.event(type, time, a, b, c);
                }
                events[type & 15]++;
                hangEvent(type, a, b, c);
                if (type == KernelEvents.FAULT) {
                    watchFault(a, b >>> 12);
                } else if (type == KernelEvents.TRANSFER && kola.abi.KernelLabels.isPageFault(kola.abi.MsgTag.label(c))) {
                    faults.computeIfAbsent(a, x -> new long[3])[2] = b; // who a's faults go to
                }
                int i = recentNext++ & (RECENT - 1);
                recent[i][0] = type;
                recent[i][1] = time;
                recent[i][2] = a;
                recent[i][3] = b;
                recent[i][4] = c;
            });
            recentNext = 0;
            faults.clear();
            long roundStart = total;
            long done = 0;
            Failure failure = null;
            while (total < limit && done < options.roundOps()) {
                Kernel.RunResult r;
                step = total + 1;
                try {
                    r = kernel.run(1);
                } catch (InvariantViolation v) {
                    long op = roundStart + v.operation();
                    failure = new Failure(true, options.seed(), op, index, v.operation(),
                            summarize(v.violations()), recentEvents());
                    total = op;
                    break;
                } catch (Throwable e) {
                    long op = roundStart + done + 1;
                    failure = new Failure(false, options.seed(), op, index, done + 1, e.toString(),
                            stackTrace(e) + recentEvents());
                    total = op;
                    break;
                }
                if (r.traps() == done) {
                    break; // nothing left to do: this system is finished
                }
                done = r.traps();
                total = roundStart + done;
                if (done % HANG_CHECK == 0) {
                    checkHangs();
                }
            }
            if (failure == null) {
                checkHangs(); // a hang seen at the last check that still holds: nothing runs any more to end it
            }
            hash = (hash ^ kernel.eventHash()) * 0x100000001B3L;
            if (failure != null) {
                failures.add(failure);
                if (failure.violation()) {
                    violations++;
                } else {
                    errors++;
                }
                report(failure, failures.size() <= TRACES || failure.op() == options.stopAt());
            }
            if (options.verbose()) {
                out.println("fuzz: " + round.describe() + ": " + (total - roundStart) + " ops, trace hash "
                        + String.format("%016x", kernel.eventHash()));
            }
            index++;
        }
        return new Result(total, errors, violations, index, hash, events.clone(), System.nanoTime() - start, failures,
                checkCounts.clone(), List.copyOf(checkFailures));
    }

    private void report(Failure f, boolean trace) {
        out.println("fuzz: " + (f.violation() ? "INVARIANT VIOLATION" : "KERNEL ERROR") + " at seed " + f.seed()
                + " op " + f.op() + " (round " + f.round() + ", comm " + round.comm().label() + ", op " + f.roundOp()
                + " of the round): " + f.message());
        if (trace) {
            out.print(f.trace());
        }
        out.println("fuzz: replay with: kola fuzz --seed " + f.seed() + options.replayArgs() + " --replay " + f.op());
    }

    /** The first few violations, and how many more there are. */
    static String summarize(List<String> violations) {
        int shown = Math.min(3, violations.size());
        return String.join("; ", violations.subList(0, shown))
                + (violations.size() > shown ? "; and " + (violations.size() - shown) + " more" : "");
    }

    /** The last kernel events before a failure, oldest first: type, time in cycles, and the three words. */
    private String recentEvents() {
        StringBuilder b = new StringBuilder("  the last kernel events (type, cycle, words; thread ids as number.version):\n");
        int n = Math.min(recentNext, RECENT);
        for (int k = recentNext - n; k < recentNext; k++) {
            long[] e = recent[k & (RECENT - 1)];
            b.append("    ").append(KernelEvents.name((int) e[0])).append(" @").append(e[1]).append(' ')
                    .append(describeWords((int) e[0], e[2], e[3], e[4])).append('\n');
        }
        return b.toString();
    }

    /** Trap numbers as the kernel's event stream gives them (the kernel's Trap constants). */
    private static final String[] TRAPS = {"trap 0", "Ipc", "ThreadControl", "SpaceControl", "ExchangeRegisters",
        "ThreadSwitch", "Schedule", "SystemClock", "Unmap", "KdbPrint", "page fault", "preemption", "exit", "KdbEnter"};

    private static String describeWords(int type, long a, long b, long c) {
        String id = kola.abi.ThreadId.toString(a);
        return switch (type) {
            case KernelEvents.TRAP -> id + " " + (b >= 0 && b < TRAPS.length ? TRAPS[(int) b] : "trap " + b);
            case KernelEvents.TRANSFER -> id + " -> " + kola.abi.ThreadId.toString(b) + " " + kola.abi.MsgTag.toString(c);
            case KernelEvents.SWITCH, KernelEvents.MAP -> id + " -> " + kola.abi.ThreadId.toString(b)
                    + (type == KernelEvents.MAP ? " at 0x" + Long.toHexString(c) : "");
            case KernelEvents.FAULT -> id + " at 0x" + Long.toHexString(b) + " access " + c;
            case KernelEvents.THREAD_CREATE, KernelEvents.THREAD_DELETE -> id + " space " + b;
            case KernelEvents.SPACE_CREATE, KernelEvents.SPACE_DELETE -> "space " + a;
            case KernelEvents.UNMAP -> id + " " + kola.abi.Fpage.toString(b) + (c != 0 ? " flush" : "");
            case KernelEvents.KERNEL_IPC -> id + " " + kola.abi.MsgTag.toString(b);
            default -> id + " " + b + " " + c;
        };
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter s = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(s));
        return s.toString();
    }

    /** Kernel event counts by name, for people. */
    static String eventSummary(long[] events) {
        StringBuilder b = new StringBuilder();
        for (int type = 1; type < events.length; type++) {
            if (events[type] != 0) {
                b.append(b.isEmpty() ? "" : ", ").append(KernelEvents.name(type)).append(' ').append(events[type]);
            }
        }
        return b.toString();
    }
}
