package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import kola.kernel.KernelEvents;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code kola fuzz} as a user sees it (issue #6): the last line is exactly
 * {@code fuzz: N ops, K kernel errors, V invariant violations}, the exit status is non-zero when K
 * or V is, a failure names its seed and operation, and {@code --replay OP} reruns up to that
 * operation and prints the kernel state there.
 */
class FuzzCommandTest {

    /** Runs the command line {@code kola fuzz ARGS} (parsed by picocli) with {@code inject}; returns exit status and output. */
    static Object[] fuzz(KernelEvents.Listener inject, String... args) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
        FuzzCommand command = new FuzzCommand();
        new CommandLine(command).parseArgs(args);
        command.injected = inject;
        int status = command.run(out);
        return new Object[] {status, text.toString(StandardCharsets.UTF_8)};
    }

    static String lastLine(String output) {
        List<String> lines = output.lines().toList();
        return lines.get(lines.size() - 1);
    }

    /**
     * The fuzz makes X.2's ProcessorControl and MemoryControl (the kernel's trap numbers 21 and 22
     * in its TRAP events: the root task's privileged fuzzers with words well formed or not, which
     * it checks the answers against, and unprivileged tasks), and the run stays clean.
     */
    @Test
    void theFuzzMakesProcessorControlAndMemoryControlCallsAndTheirChecksHold() {
        long[] calls = new long[2];
        Object[] r = fuzz((type, time, a, b, c) -> {
            if (type == KernelEvents.TRAP && (b == 21 || b == 22)) {
                calls[(int) b - 21]++;
            }
        }, "--seed", "51", "--ops", "60000");
        String output = (String) r[1];
        assertEquals(0, r[0], output);
        assertTrue(output.contains("fuzz: checks: 0 hangs, 0 refused valid calls, 0 inconsistent failures, "
                + "0 kernel debugger leaks, 0 accepted invalid calls"), output);
        assertTrue(calls[0] >= 10 && calls[1] >= 10, "ProcessorControl " + calls[0] + ", MemoryControl " + calls[1] + " calls");
    }

    @Test
    void aCleanRunEndsWithTheSummaryLineAndStatusZero() {
        Object[] r = fuzz(null, "--seed", "12", "--ops", "4000");
        String output = (String) r[1];
        assertEquals("fuzz: 4000 ops, 0 kernel errors, 0 invariant violations", lastLine(output), output);
        assertEquals(0, r[0]);
        assertTrue(output.contains("ops/s"), output);
    }

    @Test
    void theCommandIsRegistered() {
        CommandLine cl = new CommandLine(new Main());
        assertTrue(cl.getSubcommands().containsKey("fuzz"));
        assertEquals(0, new CommandLine(new Main()).execute("fuzz", "--help"));
    }

    @Test
    void aKernelErrorIsCountedReportedWithItsSeedAndOperationAndFailsTheRun() {
        // Fault injection: every 20th space creation throws inside the kernel, as a kernel bug would.
        int[] spaces = {0};
        KernelEvents.Listener bomb = (type, time, a, b, c) -> {
            if (type == KernelEvents.SPACE_CREATE && ++spaces[0] % 20 == 0) {
                throw new IllegalStateException("injected kernel bug");
            }
        };
        Object[] r = fuzz(bomb, "--seed", "4", "--ops", "30000", "--round-ops", "10000");
        String output = (String) r[1];
        assertEquals(1, r[0], output);
        String summary = lastLine(output);
        assertTrue(summary.matches("fuzz: 30000 ops, [1-9][0-9]* kernel errors, 0 invariant violations"), summary);
        assertTrue(output.contains("KERNEL ERROR at seed 4 op "), output);
        // The report names the round's communication model (drawn per round: the default is --comm all).
        assertTrue(output.lines().anyMatch(l -> l.matches("fuzz: KERNEL ERROR at seed 4 op \\d+ \\(round \\d+, comm ("
                + String.join("|", java.util.Arrays.stream(kola.kernel.CommModel.values()).map(kola.kernel.CommModel::label).toList())
                + "), op \\d+ of the round\\): .*")), output);
        assertTrue(output.contains("java.lang.IllegalStateException: injected kernel bug"), output);
        assertTrue(output.contains("the last kernel events"), output);
        assertTrue(output.contains("replay with: kola fuzz --seed 4 --round-ops 10000 --replay "), output);
    }

    @Test
    void replayRerunsUpToTheOperationAndPrintsTheKernelState() {
        Object[] r = fuzz(null, "--seed", "3", "--replay", "2500");
        String output = (String) r[1];
        assertEquals(0, r[0], output);
        assertEquals("fuzz: 2500 ops, 0 kernel errors, 0 invariant violations", lastLine(output), output);
        assertTrue(output.contains("kernel state at the end of the replay"), output);
        assertTrue(output.contains("threads:\n") && output.contains("spaces:\n") && output.contains("mappings:\n"), output);
        assertTrue(output.contains("sigma0#1"), output);
        assertTrue(output.contains("invariants: all hold"), output);
    }

    @Test
    void replayFindsTheSameFailureAtTheSameOperation() {
        int[] spaces = {0};
        KernelEvents.Listener bomb = (type, time, a, b, c) -> {
            if (type == KernelEvents.SPACE_CREATE && ++spaces[0] == 25) {
                throw new IllegalStateException("injected kernel bug");
            }
        };
        String first = (String) fuzz(bomb, "--seed", "6", "--ops", "20000")[1];
        String at = first.lines().filter(l -> l.startsWith("fuzz: KERNEL ERROR at seed 6 op ")).findFirst().orElseThrow();
        String op = at.substring("fuzz: KERNEL ERROR at seed 6 op ".length()).split(" ")[0];
        spaces[0] = 0;
        String replay = (String) fuzz(bomb, "--seed", "6", "--replay", op)[1];
        assertTrue(replay.contains(at), replay);
        assertEquals("fuzz: " + op + " ops, 1 kernel errors, 0 invariant violations", lastLine(replay), replay);
    }

    @Test
    void badArgumentsAreRefused() {
        assertEquals(2, (int) fuzz(null, "--ops", "-5")[0]);
    }

    @Test
    void aThreadThatFaultsOnOnePageForeverIsReportedAsALivelock() {
        // A pager that answers every fault without mapping anything: its client faults forever.
        FuzzHarness h = new FuzzHarness();
        h.module("pager", l4 -> {
            long from = l4.waitAny();
            while (true) {
                l4.setMr(0, kola.abi.MsgTag.make(0, 0, 0));
                from = l4.replyWait(from);
            }
        });
        h.module("client", l4 -> l4.memory().load64(0x1000_0000L));
        h.root(l4 -> {
            FuzzHarness.task(l4, FuzzHarness.tid(0), l4.kernelInterface().sigma0(), "pager", 0, 120);
            FuzzHarness.task(l4, FuzzHarness.tid(1), FuzzHarness.tid(0), "client", 0, 100);
        });
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        FuzzRunner runner = new FuzzRunner(new FuzzRunner.Options(1, 30_000, true, 30_000, -1, null, false),
                new PrintStream(text, true, StandardCharsets.UTF_8));
        runner.images = round -> h.image();
        FuzzRunner.Result r = runner.run();
        String output = text.toString(StandardCharsets.UTF_8);
        assertEquals("fuzz: 30000 ops, 0 kernel errors, 0 invariant violations", r.summary());
        assertTrue(output.contains("fuzz: warning: thread " + kola.abi.ThreadId.toString(FuzzHarness.tid(1)) + " faulted "
                + FuzzRunner.LIVELOCK + " times in a row on page 0x10000000 at seed 1 op "), output);
        assertTrue(output.contains("its pager " + kola.abi.ThreadId.toString(FuzzHarness.tid(0)) + " answering without mapping it"),
                output);
    }
}
