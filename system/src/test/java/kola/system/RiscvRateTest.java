package kola.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.Program;
import kola.abi.ThreadId;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.kernel.KernelEvents;
import kola.machine.CycleClock;
import kola.machine.Machine;
import org.junit.jupiter.api.Test;

/**
 * A RISC-V thread in a busy loop at a lowered processor rate (ProcessorControl): its time slice
 * is time, so it is preempted at the slice's end as at the base rate, having retired the
 * instructions that fit the slice at its rate; and a run that never calls ProcessorControl keeps
 * time and cycles equal throughout (every conversion the identity), so its events, and trace
 * hash, are those of the cycle clock before rates existed.
 */
class RiscvRateTest {
    /** {@code jal zero, 0}: a busy loop of one instruction, one cycle ({@code CostModel.INSTRUCTION}) each. */
    static final int[] SPIN = {0x0000006F};
    /** The kernel's TRAP event number of a preemption (its Trap.PREEMPT). */
    static final long PREEMPT = 11;
    /** The rate the runner sets (kHz), 0 for no ProcessorControl call; the runner reads it at its start. */
    static long rate;

    /** Sets the rate (unless 0), starts module "spin" as its pager and serves its faults. */
    public static final class Runner implements Program {
        @Override
        public void run(L4 l4) {
            Kip kip = l4.kernelInterface();
            if (rate != 0 && l4.processorControl(0, rate, 0, 0) != 1) {
                l4.kdbPrint("ProcessorControl refused");
                return;
            }
            ElfPager pager = new ElfPager(ElfPager.kernelConsole());
            String failure = pager.start(l4, kip.module("spin"), ThreadId.global(kip.userBase() + 3, 1));
            if (failure != null) {
                l4.kdbPrint("cannot start spin: " + failure);
                return;
            }
            long from = l4.waitAny();
            while (true) {
                ElfPager.Task task = pager.taskOf(from);
                if (task == null || pager.serve(l4, task) != null) {
                    l4.kdbPrint("spin ended");
                    return;
                }
                from = l4.replyWait(from);
            }
        }
    }

    /** At each preemption of the spinner: time, cycles and RISC-V instructions retired so far. */
    record Run(List<long[]> preemptions, long eventHash, long timeslice) {
    }

    static Run run(long khz) {
        rate = khz;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Image image = new Image(List.of(new Image.Module("sigma0", Sigma0::new, 255, List.of()),
                new Image.Module("runner", Runner::new, 255, List.of()),
                Image.Module.ofElf("spin", KernelInterfaceCallTest.program(SPIN, new long[1]), 100, List.of())));
        Machine machine = new Machine(Machine.Config.defaults().withUart(null, null));
        KernelConfig config = KernelConfig.defaults();
        Kernel kernel = new Kernel(machine, config, image, new PrintStream(out, true, StandardCharsets.UTF_8));
        kernel.setInvariantChecking(true);
        List<long[]> at = new ArrayList<>();
        kernel.setEventListener((type, time, a, b, c) -> {
            if (type == KernelEvents.TRAP && b == PREEMPT) {
                at.add(new long[] {time, machine.clock().cycles(), kernel.machineInstructions()});
            }
        });
        kernel.run(40);
        assertEquals("", out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("runner: ")).findFirst()
                .orElse(""), out::toString);
        return new Run(at, kernel.eventHash(), config.timesliceMicros() * 1000);
    }

    /**
     * The spinner is alone at its priority, so each preemption starts it a new slice of S ns
     * (the default 10 ms). Between two preemptions the kernel spends K cycles (the preemption's
     * trap and the switch back to the same thread: the same code, so the same cycles at any
     * rate), then the slice begins, and the hart's budget is the cycles to the first cycle
     * boundary at or after the slice's end. At the base rate a cycle is 1 ns: the spinner
     * retires S = 10,000,000 instructions a slice, and preemptions are S + K ns apart. At a
     * quarter of it a cycle is 4 ns: the slice holds S / 4 = 2,500,000 cycles exactly (S is a
     * multiple of 4 and the slice starts at a cycle boundary), so the spinner retires a quarter
     * of the instructions, is preempted exactly at the slice's end (in time), and preemptions
     * are S + 4K ns apart.
     */
    @Test
    void atAQuarterOfTheRateARiscvSpinnerIsPreemptedAtItsSlicesEndHavingRetiredAQuarterOfTheInstructions() {
        Run base = run(0);
        Run quarter = run(CycleClock.BASE_KHZ / 4);
        long s = base.timeslice();
        assertEquals(10_000_000, s);
        assertTrue(base.preemptions().size() > 10 && quarter.preemptions().size() > 10);
        long k = -1;
        for (int i = 3; i < 10; i++) { // past the start (the text page's fault, the first slices)
            long[] p = base.preemptions().get(i - 1);
            long[] q = base.preemptions().get(i);
            long[] p4 = quarter.preemptions().get(i - 1);
            long[] q4 = quarter.preemptions().get(i);
            long kernelCycles = q[1] - p[1] - (q[2] - p[2]);
            k = k < 0 ? kernelCycles : k;
            assertEquals(List.of(s, k, s + k), List.of(q[2] - p[2], kernelCycles, q[0] - p[0]),
                    "base rate: instructions, kernel cycles, ns between preemptions");
            assertEquals(List.of(s / 4, k, s + 4 * k), List.of(q4[2] - p4[2], q4[1] - p4[1] - (q4[2] - p4[2]), q4[0] - p4[0]),
                    "a quarter of the rate: instructions, kernel cycles, ns between preemptions");
            // In time: the slice began K cycles (4K ns) after the last preemption and ended S ns later, exactly.
            assertEquals(p4[0] + 4 * k + s, q4[0]);
        }
        assertTrue(k > 0 && k < 1000, "the kernel's cycles between slices: " + k);
    }

    /**
     * A run that never calls ProcessorControl: at every preemption time and cycles are equal, as
     * they were before the clock had a rate, and two runs have the same event hash ({@code
     * --trace-hash}).
     */
    @Test
    void aRunThatNeverChangesTheRateKeepsTimeAndCyclesEqualAndItsTraceHash() {
        Run a = run(0);
        for (long[] p : a.preemptions()) {
            assertEquals(p[0], p[1], "time and cycles at a preemption");
        }
        assertEquals(a.eventHash(), run(0).eventHash());
        assertTrue(a.eventHash() != run(CycleClock.BASE_KHZ / 4).eventHash(), "a run at another rate has other events");
    }
}
