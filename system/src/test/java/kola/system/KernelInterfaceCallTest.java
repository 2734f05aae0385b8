package kola.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kola.abi.Fpage;
import kola.abi.KernelLabels;
import kola.abi.Kip;
import kola.abi.KipLayout;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;
import kola.kernel.ElfProgram;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.machine.Machine;
import org.junit.jupiter.api.Test;

/**
 * The RISC-V {@code KernelInterface} call (a7 = -15; docs/ABI-RISCV.md), on a program assembled
 * here: whatever the caller has in a0..a6, it gets the KIP's base in its own space (a task started
 * with another KIP area gets that one), the API version, the API flags and the kernel id in
 * a0..a3; a4..a6 and a7 are as they were; and the words at that base are the KIP's. The next
 * numbers, -16 and -17, are ProcessorControl and MemoryControl; -18 is no Kola call.
 */
class KernelInterfaceCallTest {
    static final long TEXT = 0x10000;
    static final long DATA = 0x11000;
    /** Another KIP area than the standard one, for one task. */
    static final long OTHER_KIP_AREA = Fpage.of(0x2000_0000L, 12, 0);

    private static final int T0 = 5, S0 = 8, S1 = 9, S2 = 18, A0 = 10, A7 = 17;

    private static int itype(int imm, int rs1, int f3, int rd, int opcode) {
        return (imm & 0xFFF) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
    }

    private static int ld(int rd, int rs1, int imm) {
        return itype(imm, rs1, 3, rd, 0x03);
    }

    private static int lwu(int rd, int rs1, int imm) {
        return itype(imm, rs1, 6, rd, 0x03);
    }

    /**
     * a0..a6 = the seven words at DATA (whatever they are), a7 = -15, ecall; then, through the
     * base it got in a0: s0 = the magic (32 bits), s1 = the ApiVersion word, s2 = ThreadInfo; ebreak.
     */
    static final int[] CALLER = {
        0x000112B7, // lui  t0, 0x11         t0 = DATA
        ld(A0, T0, 0), ld(A0 + 1, T0, 8), ld(A0 + 2, T0, 16), ld(A0 + 3, T0, 24), ld(A0 + 4, T0, 32),
        ld(A0 + 5, T0, 40), ld(A0 + 6, T0, 48),
        itype(-15, 0, 0, A7, 0x13), // addi a7, zero, -15
        0x00000073, // ecall
        lwu(S0, A0, KipLayout.MAGIC),
        ld(S1, A0, KipLayout.API_VERSION),
        ld(S2, A0, KipLayout.THREAD_INFO),
        0x00100073, // ebreak
    };

    /** a7 = -18, one past the last call: an ecall that is no Kola call (the exception handler answers it); ebreak. */
    static final int[] BEYOND = {
        itype(-18, 0, 0, A7, 0x13), // addi a7, zero, -18
        0x00000073, // ecall
        0x00100073, // ebreak
    };

    /** A static RISC-V executable: {@code code} read-execute at {@link #TEXT}, the words {@code data} read-write at {@link #DATA}. */
    static ElfProgram program(int[] code, long[] data) {
        byte[] f = new byte[0x2000 + 8 * data.length];
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(16, (short) 2).putShort(18, (short) 243).putInt(20, 1).putLong(24, TEXT).putLong(32, 64);
        b.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 2);
        b.putInt(64, 1).putInt(68, 5).putLong(72, 0x1000).putLong(80, TEXT).putLong(88, TEXT)
                .putLong(96, code.length * 4L).putLong(104, code.length * 4L).putLong(112, 0x1000);
        b.putInt(120, 1).putInt(124, 6).putLong(128, 0x2000).putLong(136, DATA).putLong(144, DATA)
                .putLong(152, 8L * data.length).putLong(160, 8L * data.length).putLong(168, 0x1000);
        for (int i = 0; i < code.length; i++) {
            b.putInt(0x1000 + 4 * i, code[i]);
        }
        for (int i = 0; i < data.length; i++) {
            b.putLong(0x2000 + 8 * i, data[i]);
        }
        return ElfProgram.parse(f);
    }

    /** The registers x1..x31 of each task at its ebreak, by module name. */
    static final Map<String, long[]> REGISTERS = new TreeMap<>();
    /** The ThreadInfo word the runner reads at its own KIP area. */
    static final long[] THREAD_INFO = new long[1];

    /**
     * Runs each RISC-V module once (module {@code other} with its KIP at {@link #OTHER_KIP_AREA}),
     * as pager and exception handler, and keeps the registers each task had at its breakpoint.
     */
    public static final class Runner implements Program {
        @Override
        public void run(L4 l4) {
            Kip kip = l4.kernelInterface();
            THREAD_INFO[0] = l4.memory().load64(Fpage.base(Kip.STANDARD_KIP_AREA) + KipLayout.THREAD_INFO);
            long next = kip.userBase() + 3;
            ElfPager pager = new ElfPager(ElfPager.kernelConsole());
            for (Kip.BootModule m : kip.bootModules()) {
                if (!m.isMachineCode()) {
                    continue;
                }
                long area = m.name().equals("other") ? OTHER_KIP_AREA : Kip.STANDARD_KIP_AREA;
                String failure = pager.start(l4, m, ThreadId.global(next++, 1), area, false);
                if (failure != null) {
                    l4.kdbPrint("cannot start " + m.name() + ": " + failure);
                    continue;
                }
                long from = l4.waitAny();
                while (true) {
                    ElfPager.Task task = pager.taskOf(from);
                    if (task == null || !ElfPager.handles(l4.mr(0))) {
                        l4.kdbPrint("unexpected message " + MsgTag.toString(l4.mr(0)));
                        from = l4.waitAny();
                        continue;
                    }
                    if (MsgTag.label(l4.mr(0)) == KernelLabels.EXCEPTION && l4.mr(2) == 3) { // the breakpoint
                        long[] x = new long[32];
                        for (int r = 1; r <= 31; r++) {
                            x[r] = l4.mr(3 + r);
                        }
                        REGISTERS.put(m.name(), x);
                    }
                    ElfPager.End end = pager.serve(l4, task);
                    if (end == null) {
                        from = l4.replyWait(from);
                        continue;
                    }
                    pager.end(l4, task);
                    l4.kdbPrint(task.name() + " " + (end.exited() ? "exit " + end.status() : "ended: " + end.why()));
                    break;
                }
            }
            l4.kdbPrint("done");
        }
    }

    private static final long[] ONES = {-1, -1, -1, -1, -1, -1, -1};
    private static final long[] WILD = {0x8000_0000_0000_0000L, 0x3F_FFFF_F000L, 0x1234_5678_9ABC_DEF0L, -15,
        0xDEAD_BEEFL, Fpage.COMPLETE, 0x4B01_0000L};

    @Test
    void itReturnsTheKipOfTheCallersSpaceWhateverItPasses() {
        REGISTERS.clear();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Image image = new Image(List.of(
                new Image.Module("sigma0", Sigma0::new, 255, List.of()),
                new Image.Module("runner", Runner::new, 255, List.of()),
                Image.Module.ofElf("ones", program(CALLER, ONES), 100, List.of()),
                Image.Module.ofElf("wild", program(CALLER, WILD), 100, List.of()),
                Image.Module.ofElf("zeros", program(CALLER, new long[7]), 100, List.of()),
                Image.Module.ofElf("other", program(CALLER, WILD), 100, List.of()),
                Image.Module.ofElf("beyond", program(BEYOND, new long[1]), 100, List.of())));
        Kernel kernel = new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)), KernelConfig.defaults(),
                image, new PrintStream(out, true, StandardCharsets.UTF_8));
        kernel.setInvariantChecking(true);
        kernel.run(100_000);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("runner: ")).toList();
        List<String> want = new ArrayList<>();
        for (String m : List.of("ones", "wild", "zeros", "other", "beyond")) {
            String pc = Long.toHexString(TEXT + 4 * ((m.equals("beyond") ? BEYOND : CALLER).length - 1));
            want.add("runner: " + m + " ended: breakpoint at pc 0x" + pc + " (tval 0x" + pc + ")");
        }
        want.add("runner: done");
        assertEquals(want, lines, out::toString);

        // -18 is no call: the ecall went to the exception handler, whose runtime answered ENOSYS.
        assertEquals(-38L, REGISTERS.remove("beyond")[A0]);
        long threadInfo = THREAD_INFO[0];
        assertEquals(List.of(kernel.kip().systemBase(), kernel.kip().userBase()), List.of(threadInfo >>> 8 & 0xFFF,
                threadInfo >>> 20 & 0xFFF), "ThreadInfo as the runner reads it at its KIP area");
        for (var e : REGISTERS.entrySet()) {
            long[] x = e.getValue();
            long[] passed = switch (e.getKey()) {
                case "ones" -> ONES;
                case "zeros" -> new long[7];
                default -> WILD;
            };
            long base = e.getKey().equals("other") ? Fpage.base(OTHER_KIP_AREA) : Fpage.base(Kip.STANDARD_KIP_AREA);
            String task = e.getKey();
            assertEquals(List.of(base, 0x8400_0000L, 4L, 0x4B01_0000L), List.of(x[A0], x[A0 + 1], x[A0 + 2], x[A0 + 3]),
                    task + ": KIP base, API version, API flags, kernel id");
            assertEquals(List.of(passed[4], passed[5], passed[6], -15L), List.of(x[A0 + 4], x[A0 + 5], x[A0 + 6], x[A7]),
                    task + ": a4..a6 and a7 as they were");
            assertEquals(List.of(Kip.MAGIC & 0xFFFF_FFFFL, 0x8400_0000L, threadInfo), List.of(x[S0], x[S1], x[S2]),
                    task + ": the KIP's words at that base");
        }
        assertEquals(List.of("ones", "other", "wild", "zeros"), List.copyOf(REGISTERS.keySet()));
    }
}
