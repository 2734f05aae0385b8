package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import kola.abi.Comm;
import kola.abi.KernelLabels;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.kernel.CommModel;
import kola.kernel.Kernel;
import kola.kernel.KernelEvents;
import org.junit.jupiter.api.Test;

/**
 * {@code kola fuzz --comm MODEL|all}: the rounds boot under the model asked for (or each draws
 * its own), every model's short fixed-seed run is clean (no kernel error, no invariant violation,
 * no failed check), and the communication machinery of each model really ran: counted from the
 * kernel's event stream (CommControl traps, capabilities moved by IPC items, object fpages
 * unmapped, messages delivered between fuzz threads).
 */
class FuzzCommTest {
    /** The kernel's trap number of CommControl in its TRAP events. */
    private static final long COMM_CONTROL = 17;
    /** The first thread number the fuzz's tasks use ({@link FuzzRunner#round}). */
    private static final long FUZZ_BASE = Kernel.USER_BASE + 3;

    /** What a run did to the communication machinery, counted from the kernel's events. */
    static final class Counts implements KernelEvents.Listener {
        long commControls;
        long objectMaps;
        long objectUnmaps;
        long fuzzTransfers;
        /** KIP probes' messages that reached the root task (the probe read the KIP's magic, or not). */
        long kipProbes;
        /** Threads in a kernel-made IPC (page fault, exception): the next message to one is its pager's or handler's answer. */
        private final java.util.Set<Long> inKernelIpc = new java.util.HashSet<>();

        @Override
        public void event(int type, long time, long a, long b, long c) {
            switch (type) {
                case KernelEvents.TRAP -> commControls += b == COMM_CONTROL ? 1 : 0;
                case KernelEvents.MAP -> objectMaps += (c & Comm.OBJECT_FPAGE) != 0 ? 1 : 0;
                case KernelEvents.UNMAP -> objectUnmaps += Comm.isObjectFpage(b) ? 1 : 0;
                case KernelEvents.KERNEL_IPC -> inKernelIpc.add(a);
                case KernelEvents.TRANSFER -> {
                    long label = MsgTag.label(c);
                    kipProbes += label == kola.system.fuzz.FuzzTask.KIP_LABEL ? 1 : 0;
                    boolean answer = inKernelIpc.remove(b);
                    fuzzTransfers += !answer && ThreadId.number(a) >= FUZZ_BASE && ThreadId.number(b) >= FUZZ_BASE
                            && !KernelLabels.isPageFault(label) && label != KernelLabels.EXCEPTION ? 1 : 0;
                }
                default -> { }
            }
        }

        @Override
        public String toString() {
            return commControls + " CommControl traps, " + objectMaps + " capabilities moved by IPC, " + objectUnmaps
                    + " object fpages unmapped, " + fuzzTransfers
                    + " messages between fuzz threads (not kernel-made IPC or its answer), " + kipProbes + " KIP probes answered";
        }
    }

    /** Runs {@code kola fuzz --seed SEED --ops OPS --comm MODEL -v}; asserts a clean run whose every round names the model. */
    private static Counts cleanRun(String model, long seed, long ops, long roundOps) {
        Counts counts = new Counts();
        Object[] r = FuzzCommandTest.fuzz(counts, "--seed", Long.toString(seed), "--ops", Long.toString(ops), "--round-ops",
                Long.toString(roundOps),
                "--comm", model, "-v");
        String output = (String) r[1];
        assertEquals(0, r[0], output);
        assertEquals("fuzz: " + ops + " ops, 0 kernel errors, 0 invariant violations", FuzzCommandTest.lastLine(output), output);
        assertTrue(output.contains("fuzz: checks: 0 hangs, 0 refused valid calls, 0 inconsistent failures, "
                + "0 kernel debugger leaks, 0 accepted invalid calls"), output);
        long rounds = output.lines().filter(l -> l.startsWith("fuzz: round ")).count();
        assertTrue(rounds >= 1, output);
        assertEquals(rounds, output.lines().filter(l -> l.startsWith("fuzz: round ") && l.contains(", comm " + model + ", ")).count(),
                output);
        System.out.println("fuzz --comm " + model + " --seed " + seed + ": " + counts);
        return counts;
    }

    /**
     * Under capabilities the fuzz tasks make gates, endpoints and notifications, call and send
     * through the gates the root task hands them (so that messages reach other fuzz threads),
     * move capabilities in IPC as object fpages and revoke them by unmapping object fpages.
     */
    @Test
    void underCapabilitiesTheTasksMakeMoveUseAndRevokeCapabilities() {
        Counts c = cleanRun("capabilities", 7, 40_000, 5_000);
        assertTrue(c.commControls >= 4_000, c.toString());
        assertTrue(c.objectMaps >= 12, c.toString());
        assertTrue(c.objectUnmaps >= 400, c.toString());
        assertTrue(c.fuzzTransfers >= 200, c.toString());
        assertTrue(c.kipProbes >= 1, c.toString()); // (through its gate to the root task, its pager)
    }

    /**
     * Under virtual threads too (object spaces of thread references, and sender names), though
     * few messages arrive: a sender must state the name the receiver's space has for it, and
     * sigma0, which answers faults by global id, reaches nobody under this model (DESIGN.md: the
     * system programs do not speak it), so most fuzz threads end up waiting in a page fault.
     */
    @Test
    void underVirtualThreadsTheTasksUseTheirObjectSpaces() {
        Counts c = cleanRun("virtual-threads", 9, 20_000, 5_000);
        assertTrue(c.commControls >= 3_000, c.toString());
        assertTrue(c.objectMaps >= 5, c.toString());
        assertTrue(c.objectUnmaps >= 180, c.toString());
        assertTrue(c.fuzzTransfers >= 5, c.toString());
    }

    /**
     * Under the thread-id models other than global ids the root task sets chiefs, policies and
     * pclans (and redirectors by SpaceControl) with random arguments, its privileged fuzzers make
     * CommControl calls, and the fuzz threads' messages are routed by the model.
     */
    @Test
    void underTheOtherThreadIdModelsRunsAreCleanAndControlled() {
        for (String model : new String[] {"clans", "redirection", "pclans", "redirectors"}) {
            Counts c = cleanRun(model, 7, 15_000, 5_000);
            assertTrue(c.commControls >= 12, model + ": " + c);
            assertTrue(c.fuzzTransfers >= 2, model + ": " + c);
        }
    }

    /**
     * Under global ids nothing changed: the run of seed 7 makes the events it made before {@code
     * --comm} existed. Its trace hash then was 74a5ae8c2061c538, when the kernel hashed each event
     * one word after another (FNV-1a over type, time and the three words); the kernel's hash has
     * changed since (the words' multiplies independent of one another), so the old one is
     * recomputed here from the events themselves, and the new one is pinned beside it.
     */
    @Test
    void globalIdsRunsAsBeforeTheOptionExisted() {
        long[] old = {FNV_OFFSET};
        KernelEvents.Listener wordByWord = (type, time, a, b, c) -> {
            for (long word : new long[] {type, time, a, b, c}) {
                old[0] = (old[0] ^ word) * FNV_PRIME;
            }
        };
        Object[] r = FuzzCommandTest.fuzz(wordByWord, "--seed", "7", "--ops", "30000", "--comm", "global-ids");
        String output = (String) r[1];
        assertEquals(0, r[0], output);
        assertEquals(0x74a5ae8c2061c538L, (FNV_OFFSET ^ old[0]) * FNV_PRIME, "the run's hash over its one round, as it was computed");
        assertTrue(output.contains("1 systems booted, trace hash fda09733951832a6"), output);
    }

    private static final long FNV_OFFSET = 0xCBF29CE484222325L;
    private static final long FNV_PRIME = 0x100000001B3L;

    /** With {@code all} (the default) the rounds draw their models: capabilities about half of the time, every other model too. */
    @Test
    void allDrawsEachRoundsModelFromItsSeedCapabilitiesInAboutHalf() {
        Map<CommModel, Integer> drawn = new EnumMap<>(CommModel.class);
        SplittableRandom seeds = new SplittableRandom(1);
        for (int i = 0; i < 2_000; i++) {
            drawn.merge(FuzzRunner.drawModel(seeds.nextLong()), 1, Integer::sum);
        }
        assertEquals(CommModel.values().length, drawn.size(), drawn.toString());
        assertTrue(drawn.get(CommModel.CAPABILITIES) > 900 && drawn.get(CommModel.CAPABILITIES) < 1_100, drawn.toString());
        for (CommModel m : CommModel.values()) {
            assertTrue(m == CommModel.CAPABILITIES || drawn.get(m) > 100 && drawn.get(m) < 230, drawn.toString());
        }
        // The same round of the same seed always gets the same model; without --comm the run is 'all'.
        assertEquals(FuzzRunner.round(9, 3).comm(), FuzzRunner.round(9, 3).comm());
        assertEquals(FuzzRunner.round(9, 3, CommModel.PCLANS).plan(), FuzzRunner.round(9, 3).plan());
        Object[] r = FuzzCommandTest.fuzz(null, "--seed", "3", "--ops", "12000", "--round-ops", "1500", "-v");
        String output = (String) r[1];
        assertEquals(0, r[0], output);
        assertTrue(output.contains("comm all (drawn per round)"), output);
        for (int round = 0; round < 8; round++) {
            assertTrue(output.contains("fuzz: round " + round + ": seed 0x" + Long.toHexString(FuzzRunner.round(3, round).seed())
                    + ", comm " + FuzzRunner.round(3, round).comm().label() + ", "), output);
        }
    }

    @Test
    void anUnknownModelIsOneLineAndExitStatusTwo() {
        ImageFileTest.Cli r = ImageFileTest.kola("fuzz", "--comm", "nonsense");
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("unknown communication model 'nonsense'") && r.err().contains("capabilities")
                && r.err().contains("or all"), r.err());
        assertEquals("", r.out());
    }
}
