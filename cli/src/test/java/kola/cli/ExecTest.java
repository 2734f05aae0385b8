package kola.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kola.kernel.ElfProgram;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.machine.Machine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RISC-V programs of {@code user/} run with {@code kola exec}: hello world, the ISA suite (and,
 * where {@code qemu-riscv64} is installed, the same programs under it), the traps, the hostile
 * programs. The programs are built here with {@code make -C user}; without the cross compiler the
 * tests are skipped, unless {@code KOLA_REQUIRE_RISCV=1} (as {@code .ci/run} sets it) makes that a failure.
 */
class ExecTest {
    static final Path USER = Path.of("..", "user");

    @BeforeAll
    static void build() throws Exception {
        boolean compiler = RiscvBench.onPath("riscv64-unknown-elf-gcc");
        if (!compiler && "1".equals(System.getenv("KOLA_REQUIRE_RISCV"))) {
            throw new AssertionError("KOLA_REQUIRE_RISCV=1 but riscv64-unknown-elf-gcc is not installed");
        }
        Assumptions.assumeTrue(compiler, "the RISC-V cross compiler is not installed");
        Process make = new ProcessBuilder("make", "-s", "-C", USER.toString(), "-j2").redirectErrorStream(true).start();
        String out = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(make.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, make.exitValue(), out);
    }

    record Run(int status, String out, String err) {
    }

    static Run exec(Path elf) throws IOException {
        return exec(elf, List.of());
    }

    /** {@link #exec}, with the runtime's arguments ({@link ExecCommand#runtimeArgs}). */
    static Run exec(Path elf, List<String> runtimeArgs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ExecCommand.run(ElfProgram.read(elf), elf.getFileName().toString(), List.of(), new MachineOptions(),
                false, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                runtimeArgs);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@link #exec}, with the kernel's invariants checked after every kernel entry. */
    static Run execChecked(Path elf) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExecCommand.Outcome o = ExecCommand.execute(ElfProgram.read(elf), elf.getFileName().toString(), List.of(),
                new MachineOptions(), new PrintStream(out, true, StandardCharsets.UTF_8), true);
        return new Run(o.status() == null ? -1 : o.status(), out.toString(StandardCharsets.UTF_8),
                o.said().stream().map(l -> l + "\n").collect(java.util.stream.Collectors.joining()));
    }

    static List<String[]> list(String file) throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(USER.resolve(file))) {
            String l = line.replaceAll("#.*", "").strip();
            if (!l.isEmpty()) {
                out.add(l.split("\\s+"));
            }
        }
        return out;
    }

    @Test
    void helloWorldPrintsAndExitsZero() throws IOException {
        Run r = exec(USER.resolve("build/hello/hello"));
        assertEquals(new Run(0, "hello from RISC-V\n", ""), r);
    }

    /** The L4 system-call binding, from a RISC-V program (user/l4/l4calls.c: each check in its comments). */
    @Test
    void theL4SystemCallsWorkFromRiscv() throws IOException {
        Run r = exec(USER.resolve("build/l4/l4calls"));
        assertEquals(new Run(0, "l4calls: ok\n", "l4calls: KDB_PrintChar works\n"), r);
    }

    @Test
    void everyIsaTestExitsZero() throws IOException {
        List<String> failed = new ArrayList<>();
        for (String file : List.of("isa/PASS_LIST", "isa/KOLA_ONLY_LIST")) {
            for (String[] p : list(file)) {
                Run r = exec(USER.resolve("build/isa/" + p[0]));
                if (r.status() != 0) {
                    failed.add(p[0] + ": status " + r.status() + " " + r.out() + r.err());
                }
            }
        }
        assertEquals(List.of(), failed);
        assertEquals(11, list("isa/PASS_LIST").size());
    }

    @Test
    void misalignedAccessesTrapWithTheirCauseAndSayWhere() throws IOException {
        for (String[] p : list("isa/TRAP_LIST")) {
            Run r = exec(USER.resolve("build/isa/" + p[0]));
            int cause = Integer.parseInt(p[1]);
            assertEquals(128 + cause, r.status(), p[0] + ": " + r.err());
            assertTrue(r.err().matches("exec: misaligned (load|store) at pc 0x[0-9a-f]+ \\(tval 0x[0-9a-f]+\\)\n"), r.err());
        }
    }

    @Test
    void hostileProgramsEndWithTheFaultTheyMakeAndOneLine() throws IOException {
        for (String[] p : list("hostile/EXPECTED")) {
            if (p[1].equals("runs-forever")) {
                continue; // spinTaskIsPreemptedAtEverySliceEnd
            }
            Run r = execChecked(USER.resolve("build/hostile/" + p[0]));
            if (p[1].equals("fault")) {
                assertEquals(128 + Integer.parseInt(p[2]), r.status(), p[0] + ": " + r.err());
                assertEquals(1, r.err().lines().count(), p[0] + ": " + r.err());
                assertTrue(r.err().startsWith("exec: "), r.err());
            } else {
                assertEquals(0, r.status(), p[0] + ": " + r.err());
                assertTrue(r.out().contains(p[0] + ": survived"), p[0] + ": " + r.out());
                assertTrue(r.err().lines().allMatch(l -> l.startsWith(p[0] + ": ")), "only the program's own kdb lines: " + r.err());
            }
        }
    }

    @Test
    void aSpinningTaskIsPreemptedAtEverySliceEndAndRunsTheSameEachTime() throws IOException {
        ElfProgram spin = ElfProgram.read(USER.resolve("build/hostile/spin"));
        long[] first = null;
        for (int run = 0; run < 2; run++) {
            Kernel k = new Kernel(new Machine(new MachineOptions().machineConfig(null, java.io.OutputStream.nullOutputStream())),
                    KernelConfig.defaults(), ExecCommand.image(spin, "spin", List.of()),
                    new PrintStream(java.io.OutputStream.nullOutputStream()));
            Kernel.RunResult r = k.run(200);
            assertEquals(200, r.traps(), "the kernel gets control back at every slice end");
            long[] now = {r.cycles(), r.eventHash(), k.machineInstructions()};
            assertTrue(k.machineInstructions() > 100 * KernelConfig.defaults().timesliceMicros(),
                    "it spun for many slices: " + k.machineInstructions());
            if (first != null) {
                assertEquals(first[0], now[0]);
                assertEquals(first[1], now[1]);
                assertEquals(first[2], now[2]);
            }
            first = now;
        }
    }

    @Test
    void onABudgetASpinningRiscvTaskGetsItsShareExactly() throws IOException {
        ElfProgram spin = ElfProgram.read(USER.resolve("build/hostile/spin"));
        long[] first = null;
        for (int run = 0; run < 2; run++) {
            Kernel k = new Kernel(new Machine(new MachineOptions().machineConfig(null, java.io.OutputStream.nullOutputStream())),
                    KernelConfig.defaults(), ExecCommand.image(spin, "spin", List.of(), ExecCommand.runtimeArgs(new long[] {100, 1000}, false)),
                    new PrintStream(java.io.OutputStream.nullOutputStream()));
            k.setInvariantChecking(true);
            Kernel.RunResult r = k.run(400);
            // The hart stops exactly at the budget's end: at most 100 µs (an instruction a cycle) in
            // each 1000 µs begun, and all of it but the kernel entries' share.
            long periods = r.cycles() / 1_000_000;
            long instructions = k.machineInstructions();
            assertTrue(instructions <= (periods + 1) * 100_000 && instructions > periods * 95_000,
                    instructions + " instructions in " + r.cycles() + " cycles");
            long[] now = {r.cycles(), r.eventHash(), k.machineInstructions()};
            if (first != null) {
                assertArrayEquals(first, now, "the same every run");
            }
            first = now;
        }
        // Refused figures are one line.
        assertNull(ExecCommand.budget("0/1000"));
        assertNull(ExecCommand.budget("2000/1000"));
        assertNull(ExecCommand.budget("1/99999999999"));
        assertNull(ExecCommand.budget("x/1"));
        assertArrayEquals(new long[] {100, 1000}, ExecCommand.budget("100/1000"));
    }

    @Test
    void theSameProgramGivesTheSameTraceHash() throws IOException {
        ElfProgram p = ElfProgram.read(USER.resolve("build/isa/rv64c"));
        ExecCommand.Outcome a = ExecCommand.execute(p, "rv64c", List.of(), new MachineOptions(), new PrintStream(new ByteArrayOutputStream()));
        ExecCommand.Outcome b = ExecCommand.execute(p, "rv64c", List.of(), new MachineOptions(), new PrintStream(new ByteArrayOutputStream()));
        assertEquals(a.result().eventHash(), b.result().eventHash());
        assertEquals(a.instructions(), b.instructions());
        assertEquals(0, a.status());
    }

    @Test
    void underQemuTheIsaTestsAndHelloGiveTheSame() throws Exception {
        Assumptions.assumeTrue(RiscvBench.onPath("qemu-riscv64"), "qemu-riscv64 is not installed");
        List<String> differ = new ArrayList<>();
        List<String> programs = new ArrayList<>(List.of("hello/hello"));
        list("isa/PASS_LIST").forEach(p -> programs.add("isa/" + p[0]));
        for (String name : programs) {
            Path elf = USER.resolve("build/" + name);
            Process q = new ProcessBuilder("qemu-riscv64", elf.toString()).start();
            String qout = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(q.waitFor(2, TimeUnit.MINUTES));
            Run k = exec(elf);
            if (q.exitValue() != k.status() || !qout.equals(k.out())) {
                differ.add(name + ": qemu " + q.exitValue() + " '" + qout + "', kola " + k.status() + " '" + k.out() + "'");
            }
        }
        assertEquals(List.of(), differ);
    }

    @Test
    void aFileThatIsNotAnElfExecutableIsRefusedWithOneLine(@TempDir Path dir) throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.elf"), "#!/bin/sh\necho no\n");
        ImageFileTest.Cli r = ImageFileTest.kola("exec", junk.toString());
        assertEquals(2, r.code());
        assertEquals("kola: " + junk + ": not an ELF file\n", r.err());
        ImageFileTest.Cli missing = ImageFileTest.kola("exec", dir.resolve("nothing.elf").toString());
        assertEquals(2, missing.code());
        assertEquals("kola: " + dir.resolve("nothing.elf") + ": cannot read: no such file or directory (check the path)\n",
                missing.err());
        Path unbuilt = dir.resolve("user/build/hello/hello");
        ImageFileTest.Cli notBuilt = ImageFileTest.kola("exec", unbuilt.toString());
        assertEquals(2, notBuilt.code());
        assertEquals("kola: " + unbuilt + ": cannot read: no such file or directory (build the RISC-V programs with "
                + "'make -C user'; that needs the cross compiler: apt-get install gcc-riscv64-unknown-elf "
                + "binutils-riscv64-unknown-elf)\n", notBuilt.err());
    }

    /**
     * A program's arguments reach main(argc, argv) as Linux (and qemu-riscv64) passes them, argv[0]
     * the module's name; arguments that do not fit the stack's top page end the run before it
     * starts, with one line saying so.
     */
    @Test
    void argumentsReachMainAndTooManyAreRefused() throws IOException {
        Path elf = USER.resolve("build/hello/args");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ExecCommand.run(ElfProgram.read(elf), "args", List.of("x", "y z", "é"), new MachineOptions(), false,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertEquals("argc = 4\nargv[0] = args\nargv[1] = x\nargv[2] = y z\nargv[3] = é\n", out.toString(StandardCharsets.UTF_8));

        out.reset();
        err.reset();
        status = ExecCommand.run(ElfProgram.read(elf), "args", List.of("a".repeat(4000), "b".repeat(100)), new MachineOptions(),
                false, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(127, status);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("exec: cannot start args: its arguments do not fit in one page"),
                err.toString(StandardCharsets.UTF_8));
    }
}
