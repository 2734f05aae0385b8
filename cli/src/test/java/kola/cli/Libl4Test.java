package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kola.abi.Comm;
import kola.abi.Fpage;
import kola.abi.IpcError;
import kola.abi.Items;
import kola.abi.Kip;
import kola.abi.KipLayout;
import kola.abi.Kmem;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.kernel.CommModel;
import kola.kernel.ElfProgram;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.kernel.KmemModel;
import kola.machine.CostModel;
import kola.machine.Machine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * libl4, the L4 X.2 C library of {@code user/libl4}, run by {@code kola exec}: its test program
 * {@code user/l4/l4lib_test.c} (every check passes) and the {@code pingpong} benchmark (its figures
 * are the same in every run). The programs are built with {@code make -C user} as {@link ExecTest}
 * builds them; without the cross compiler the tests are skipped, unless {@code KOLA_REQUIRE_RISCV=1}.
 */
class Libl4Test {
    static final Path USER = ExecTest.USER;
    /** The checks l4lib_test makes. */
    static final int CHECKS = 134;

    @BeforeAll
    static void build() throws Exception {
        ExecTest.build();
    }

    @Test
    void everyCheckOfTheLibraryTestPasses() throws IOException {
        ExecTest.Run r = ExecTest.exec(USER.resolve("build/l4/l4lib_test"));
        List<String> lines = r.out().lines().toList();
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals(CHECKS + " passed, 0 failed", lines.getLast(), r.out());
        List<String> checks = lines.stream().filter(l -> !l.startsWith("#")).toList();
        assertEquals(CHECKS + 1, checks.size(), r.out());
        for (int i = 0; i < CHECKS; i++) {
            assertTrue(checks.get(i).startsWith("ok  " + (i + 1) + " "), checks.get(i));
        }
        assertTrue(r.err().contains("l4lib_test: KDB_PrintString works\n"), r.err());
    }

    /** The words l4lib_test compares its C encodings with are the Java ABI's. */
    @Test
    void theTestsConstantsAreTheJavaEncodings() {
        assertEquals(0xEC00083L, MsgTag.make(0xEC0, 3, 2));
        assertEquals(0x8000L, MsgTag.ERROR);
        assertEquals(0x100C6L, Fpage.of(0x10000, 12, Fpage.R | Fpage.W));
        assertEquals(0x200E7L, Fpage.of(0x20000, 14, Fpage.RWX));
        assertEquals(0x10L, Fpage.COMPLETE);
        assertEquals(0L, Fpage.NIL);
        assertEquals(0, Timeout.NEVER);
        assertEquals(0x400, Timeout.ZERO);
        assertEquals(0x3E8, Timeout.relative(1000));
        assertEquals(0x7E8, Timeout.relative(2000));
        assertEquals(0x601, Timeout.relative(1025));
        assertEquals(0x400, Timeout.relative(0));
        assertEquals(0x4000000L, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
        assertEquals(0x3E80400L, Timeout.pair(Timeout.relative(1000), Timeout.ZERO));
        assertEquals(0x20008L, Items.mapWord(0x20000));
        assertEquals(0x2000AL, Items.grantWord(0x20000));
        assertEquals(100L << 10, Items.stringWord(100));
        assertEquals(0x11L, Items.acceptor(Fpage.COMPLETE, true));
        assertEquals(0x19020L, Items.stringWord(100, 3, false));
        assertEquals(0x19220L, Items.stringWord(100, 3, true));
        assertEquals(0xC800L, Items.stringWord(50));
        assertEquals(0x10001L, Items.stringWord(64) | Items.MORE);
        assertEquals(0x10008L, IpcError.code(IpcError.MESSAGE_OVERFLOW, false) | 4096L << IpcError.OFFSET_SHIFT);
        assertEquals(8 | 10 << 4, IpcError.code(IpcError.MESSAGE_OVERFLOW, false) | 10L << IpcError.OFFSET_SHIFT);
        assertEquals(9 | 60 << 4, IpcError.code(IpcError.MESSAGE_OVERFLOW, true) | 60L << IpcError.OFFSET_SHIFT);
        assertEquals(0x40BL, IpcError.code(IpcError.XFER_TIMEOUT_OWN, true) | 64L << IpcError.OFFSET_SHIFT);
        assertEquals(0x4300000001L, ThreadId.global(0x43, 1));
        assertEquals(-1L, ThreadId.ANY);
        assertEquals(0xFFFF_FFFF_FFFF_FFC0L, ThreadId.ANY_LOCAL);
        assertEquals(4, IpcError.code(IpcError.NO_PARTNER, false));
        assertEquals(5, IpcError.code(IpcError.NO_PARTNER, true));
        assertEquals(3, IpcError.code(IpcError.TIMEOUT, true));
        assertEquals(2, IpcError.code(IpcError.TIMEOUT, false));
        assertEquals(8, IpcError.code(IpcError.MESSAGE_OVERFLOW, false));
    }

    /** The KIP words l4lib_test expects under {@code kola exec} are what the Java side writes and says. */
    @Test
    void theTestsKipWordsAreTheJavaOnes() {
        assertEquals(0x3FFFFFF000L, Fpage.base(Kip.STANDARD_KIP_AREA));
        assertEquals(0x84000000L, KipLayout.API_VERSION_WORD);
        assertEquals(4L, KipLayout.API_FLAGS_WORD);
        assertEquals(0x4B010000L, KipLayout.KERNEL_ID_WORD);
        assertEquals(0x10000L, KipLayout.KERNEL_VERSION_WORD);
        assertEquals(0x400, KipLayout.MEMORY_DESCS);
        assertEquals(0x3E, KipLayout.memoryType(Kip.MemoryDescriptor.Type.BOOT_MODULE));
        assertEquals(0x1E, KipLayout.memoryType(Kip.MemoryDescriptor.Type.BOOT_INFO));
        assertEquals(0x14b0021dL, kola.abi.BootInfo.MAGIC);
        assertEquals(64, kola.abi.BootInfo.HEADER_BYTES);
        assertEquals(48, kola.abi.BootInfo.MODULE_RECORD_BYTES);
        assertEquals(0x260, KipLayout.KOLA_COMM_MODEL);
        assertEquals(0x288, KipLayout.KOLA_INTERRUPT_LINES);
        assertEquals(32, Kernel.SYSTEM_BASE);
        assertEquals(64, Kernel.USER_BASE);
        KernelConfig exec = KernelConfig.defaults();
        assertEquals(1L << 22, exec.threadNumberLimit());
        assertEquals(16L << 20, exec.kernelMemoryBytes());
        assertEquals(256L << 20, Machine.Config.DEFAULT_RAM_BYTES);
        assertEquals(CommModel.GLOBAL_IDS, exec.comm());
        assertEquals(KmemModel.PRECISE, exec.kmem());
        assertEquals(Comm.MODEL_GLOBAL_IDS, CommModel.GLOBAL_IDS.kipWord());
        assertEquals(Kmem.MODEL_PRECISE, KmemModel.PRECISE.ordinal());
        assertEquals(1, Timeout.relative(1), "1 us as a time period");
    }

    private static final Pattern PINGPONG = Pattern.compile(
            "pingpong: (inter|intra)-space, (\\d+) words: 20000 round trips, (\\d+) cycles, (\\d+) instructions per round trip");

    /**
     * pingpong, privileged, makes a partner thread in a new space and one in its own, and measures
     * round trips of 0..63 words with each: the same figures in every run; a longer message costs
     * more simulated cycles but no more of the caller's instructions; the address-space switch costs
     * cycles. Unprivileged, it cannot make its partners and says why.
     */
    @Test
    void pingpongMakesItsOwnPartnersAndReportsTheSameFiguresInEveryRun() throws IOException {
        String first = null;
        for (int run = 0; run < 2; run++) {
            ExecTest.Run r = ExecTest.exec(USER.resolve("build/l4/pingpong"), ExecCommand.runtimeArgs(null, true));
            assertEquals(0, r.status(), r.out() + r.err());
            List<String> lines = r.out().lines().toList();
            assertEquals(12, lines.size(), r.out());
            int[] words = {0, 4, 8, 16, 32, 63};
            long[][] cycles = new long[2][words.length];
            long[][] instructions = new long[2][words.length];
            for (int i = 0; i < 12; i++) {
                Matcher m = PINGPONG.matcher(lines.get(i));
                assertTrue(m.matches(), lines.get(i));
                assertEquals(i < 6 ? "inter" : "intra", m.group(1));
                assertEquals(words[i % 6], Integer.parseInt(m.group(2)));
                cycles[i / 6][i % 6] = Long.parseLong(m.group(3));
                instructions[i / 6][i % 6] = Long.parseLong(m.group(4));
            }
            for (int p = 0; p < 2; p++) {
                for (int i = 1; i < words.length; i++) {
                    // More words, more cycles: the kernel copies each word, in the call and in the reply.
                    assertEquals(cycles[p][0] + 2L * words[i] * CostModel.COPY_WORD, cycles[p][i], "cycles: " + r.out());
                    // The words stay in the MRs: only the tag is written per call, and the kernel copies.
                    assertEquals(instructions[p][0], instructions[p][i], "the caller's instructions: " + r.out());
                }
                assertTrue(instructions[p][0] < 40, "a call stub and a loop: " + r.out());
            }
            // An address-space switch costs cycles: two per inter-space round trip, none intra-space; the
            // rest differs only by the caller's instructions, a cycle each.
            assertEquals(2 * CostModel.CONTEXT_SWITCH,
                    (cycles[0][0] - instructions[0][0] * CostModel.INSTRUCTION)
                            - (cycles[1][0] - instructions[1][0] * CostModel.INSTRUCTION), "switches: " + r.out());
            assertTrue(r.err().contains("pingpong: timing inter-space, 0 words\n"), r.err());
            assertTrue(r.err().contains("pingpong: timed intra-space, 63 words\n"), r.err());
            if (first != null) {
                assertEquals(first, r.out(), "the simulation is deterministic");
            }
            first = r.out();
        }
        ExecTest.Run unprivileged = ExecTest.exec(USER.resolve("build/l4/pingpong"));
        assertEquals(1, unprivileged.status());
        assertEquals("pingpong: ThreadControl (create the inter-space partner) failed: no privilege\n", unprivileged.out());
    }

    /**
     * pingpong's argument is the timed round trips per line: the figures per round trip are the
     * same for another count (each round trip costs the same); anything but a number from 1 to
     * 100,000,000 is refused with one line and status 2, before any thread is made.
     */
    @Test
    void pingpongTimesTheRoundTripsItIsGiven() throws IOException {
        ExecTest.Run dflt = ExecTest.exec(USER.resolve("build/l4/pingpong"), ExecCommand.runtimeArgs(null, true));
        // (The clock and instruction reads around the timed loop add less than one cycle or
        // instruction per round trip over 5,000: the rounded-down figures are the default run's.)
        ExecTest.Run fewer = pingpong("5000");
        assertEquals(0, fewer.status(), fewer.out() + fewer.err());
        assertEquals(dflt.out().replace(": 20000 round trips,", ": 5000 round trips,"), fewer.out());
        for (String bad : new String[] {"0", "-1", "x", "12a", "100000001", "99999999999999999999"}) {
            ExecTest.Run r = pingpong(bad);
            assertEquals(2, r.status(), bad + ": " + r.out());
            assertEquals("pingpong: the round trips must be a number from 1 to 100000000\n", r.out(), bad);
        }
    }

    private static ExecTest.Run pingpong(String arg) throws IOException {
        Path elf = USER.resolve("build/l4/pingpong");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int status = ExecCommand.run(ElfProgram.read(elf), "pingpong", List.of(arg), new MachineOptions(), false,
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), ExecCommand.runtimeArgs(null, true));
        return new ExecTest.Run(status, out.toString(java.nio.charset.StandardCharsets.UTF_8),
                err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The checks l4test makes. */
    static final int L4TEST_CHECKS = 45;

    /**
     * l4test, the X.2 test of what needs a root task's authority (threads, a space, a pager in C,
     * Unmap, cancellation), passes every check when privileged, and fails its first check, the
     * first ThreadControl, when not.
     */
    @Test
    void everyCheckOfThePrivilegedX2TestPasses() throws IOException {
        ExecTest.Run r = ExecTest.exec(USER.resolve("build/l4/l4test"), ExecCommand.runtimeArgs(null, true));
        List<String> lines = r.out().lines().toList();
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals(L4TEST_CHECKS + 1, lines.size(), r.out());
        for (int i = 0; i < L4TEST_CHECKS; i++) {
            assertTrue(lines.get(i).startsWith("ok  " + (i + 1) + " "), lines.get(i));
        }
        assertEquals(L4TEST_CHECKS + " passed, 0 failed", lines.getLast());

        ExecTest.Run unprivileged = ExecTest.exec(USER.resolve("build/l4/l4test"));
        assertEquals(1, unprivileged.status(), unprivileged.out());
        assertTrue(unprivileged.out().startsWith("FAIL 1 ThreadControl creates a thread in its own space\n"), unprivileged.out());
    }
}
