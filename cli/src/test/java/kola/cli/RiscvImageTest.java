package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.machine.Machine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RISC-V programs of {@code user/} as modules of a YAML image ({@code elf:}), started by the root
 * task beside Java tasks, as their pager and exception handler: hello's output appears, a
 * spinning program is preempted while a Java bystander of its priority does all its work, a wild
 * pointer ends only its own task with one line, and two runs give the same {@code --trace-hash}.
 * Built and skipped as {@link ExecTest} is (without the cross compiler, unless
 * {@code KOLA_REQUIRE_RISCV=1}).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RiscvImageTest {
    static final Path BUILD = ExecTest.USER.resolve("build").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        ExecTest.build();
    }

    /**
     * The image: the spinner as module {@code hostile} (manual), which {@link SandboxAttackTest#BYSTANDER}
     * starts, outlasts over five rounds and stops; hello and the wild pointer start at boot.
     */
    Path image() throws IOException {
        Files.writeString(dir.resolve("Bystander.java"), SandboxAttackTest.BYSTANDER, StandardCharsets.UTF_8);
        return Files.writeString(dir.resolve("image.yaml"), """
                programs: [Bystander.java]
                modules:
                  - {name: sigma0, program: Sigma0}
                  - {name: roottask, program: RootTask}
                  - {name: hostile, elf: %s, manual: true}
                  - {name: hello, elf: %s}
                  - {name: wild, elf: %s}
                  - {name: bystander, program: Bystander}
                """.formatted(BUILD.resolve("hostile/spin"), BUILD.resolve("hello/hello"), BUILD.resolve("hostile/wild")),
                StandardCharsets.UTF_8);
    }

    private static final String WILD = "roottask: wild ended: load page fault at pc 0x[0-9a-f]+: address 0x0 is not mapped";

    @Test
    void helloPrintsTheSpinnerIsPreemptedAndTheWildPointerEndsOnlyItsTask() throws IOException {
        Path image = image();
        ImageFileTest.Cli first = ImageFileTest.kola("run", image.toString(), "--trace-hash");
        assertEquals(0, first.code(), first::err);
        assertEquals("", first.err());
        String out = first.out();
        assertTrue(out.contains("\nroottask: hello: hello from RISC-V\nroottask: hello exited with status 0\n"), out);
        assertEquals(1, out.lines().filter(l -> l.matches(WILD)).count(), out);
        assertEquals(1, out.lines().filter(l -> l.startsWith("roottask: wild")).count(), out);
        assertTrue(out.contains("\nbystander: starting hostile: 0\n"), out);
        assertTrue(out.contains(SandboxAttackTest.BYSTANDER_DONE), () -> "the bystander did all its work:\n" + out);
        assertTrue(out.lines().noneMatch(l -> l.startsWith("roottask: hostile")), "the spinner never ended by itself: " + out);

        ImageFileTest.Cli second = ImageFileTest.kola("run", image.toString(), "--trace-hash");
        assertEquals(out, second.out(), "the same run twice");
        assertEquals(SandboxAttackTest.traceHash(out), SandboxAttackTest.traceHash(second.out()));
    }

    @Test
    void theSpinnerRunsForManySlicesBetweenTheBystandersRounds() throws IOException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Kernel kernel = new Kernel(new Machine(new MachineOptions().machineConfig(null, OutputStream.nullOutputStream())),
                KernelConfig.defaults(), ImageFile.load(image()), new PrintStream(console, true, StandardCharsets.UTF_8));
        kernel.run();
        String out = console.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains(SandboxAttackTest.BYSTANDER_DONE), out);
        // Five rounds, each longer than a slice: the spinner had the hart for at least four whole slices.
        assertTrue(kernel.machineInstructions() > 4 * KernelConfig.defaults().timesliceMicros(),
                "the spinner ran: " + kernel.machineInstructions() + " instructions");
    }

    /**
     * A Java task starts RISC-V modules through the root task and waits for them: an exit answers
     * the wait with OK, an ended task with E_NOT_AVAILABLE; either way the module may be started
     * again, and a second run of hello is as the first (its writable pages are copied afresh).
     */
    @Test
    void aJavaTaskStartsAndWaitsForRiscvModulesAgainAndAgain() throws IOException {
        Files.writeString(dir.resolve("Starter.java"), """
                import kola.abi.*;
                import kola.system.Protocol;

                public final class Starter implements Program {
                    @Override
                    public void run(L4 l4) {
                        for (String name : new String[] {"hello", "wild", "hello"}) {
                            int index = l4.kernelInterface().module(name).index();
                            l4.kdbPrint("start " + name + ": " + root(l4, Protocol.ROOT_START, index));
                            l4.kdbPrint("wait " + name + ": " + root(l4, Protocol.ROOT_WAIT, index)
                                    + (MsgTag.label(l4.mr(0)) == Protocol.ERROR ? " " + l4.mr(1) : ""));
                        }
                    }

                    static long root(L4 l4, long label, int index) {
                        l4.setMr(0, MsgTag.make(label, 1, 0));
                        l4.setMr(1, index);
                        long tag = l4.call(l4.kernelInterface().rootTask());
                        l4.setMr(0, tag);
                        return MsgTag.failed(tag) ? -1 : MsgTag.label(tag);
                    }
                }
                """, StandardCharsets.UTF_8);
        Path image = Files.writeString(dir.resolve("image.yaml"), """
                programs: [Starter.java]
                modules:
                  - {name: sigma0, program: Sigma0}
                  - {name: roottask, program: RootTask}
                  - {name: hello, elf: %s, manual: true}
                  - {name: wild, elf: %s, manual: true}
                  - {name: starter, program: Starter}
                """.formatted(BUILD.resolve("hello/hello"), BUILD.resolve("hostile/wild")), StandardCharsets.UTF_8);
        List<String> lines = ExamplesTest.run(image);
        assertEquals(11, lines.size(), lines::toString);
        assertEquals(List.of(
                "starter: start hello: 0",
                "roottask: hello: hello from RISC-V",
                "roottask: hello exited with status 0",
                "starter: wait hello: 0",
                "starter: start wild: 0"), lines.subList(0, 5), lines::toString);
        assertTrue(lines.get(5).matches(WILD), lines::toString);
        assertEquals(List.of(
                "starter: wait wild: 3703 3", // ERROR (0xE77), E_NOT_AVAILABLE
                "starter: start hello: 0",
                "roottask: hello: hello from RISC-V",
                "roottask: hello exited with status 0",
                "starter: wait hello: 0"), lines.subList(6, 11), lines::toString);
    }

    @Test
    void theRiscvExampleRunsHelloTwiceForItsJavaLauncher() {
        assertEquals(List.of(
                "launcher: starting hello (run 1)",
                "roottask: hello: hello from RISC-V",
                "roottask: hello exited with status 0",
                "launcher: hello exited",
                "launcher: starting hello (run 2)",
                "roottask: hello: hello from RISC-V",
                "roottask: hello exited with status 0",
                "launcher: hello exited",
                "launcher: done"), ExamplesTest.run(ExamplesTest.EXAMPLES.resolve("riscv/image.yaml")));
    }

    /** nsclient, in C, uses the Java name server through the root task, under global ids and under capabilities. */
    @Test
    void aCClientUsesTheJavaNameServerUnderEitherModel() {
        for (String model : List.of("global-ids", "capabilities")) {
            ImageFileTest.Cli r = ImageFileTest.kola("run", "--comm", model,
                    ExamplesTest.EXAMPLES.resolve("riscv/names.yaml").toString());
            assertEquals(0, r.code(), r.err() + r.out());
            List<String> lines = r.out().lines().toList();
            assertEquals(List.of(
                    "roottask: nsclient: the name server is thread 4300000001",
                    "roottask: nsclient: register c-client: ok",
                    "roottask: nsclient: lookup c-client: my own id",
                    "roottask: nsclient: lookup nobody-registered-this: not available",
                    "roottask: nsclient: a malformed lookup: bad argument",
                    "roottask: nsclient: the root task knows no module no-such-module: yes",
                    "roottask: nsclient exited with status 0"), lines.subList(1, lines.size() - 1), model);
        }
    }

    @Test
    void anElfPathIsRelativeToTheImageFile() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(BUILD.resolve("hello/hello"), bin.resolve("hello"));
        Path image = Files.writeString(dir.resolve("image.yaml"), """
                modules:
                  - {name: sigma0, program: Sigma0}
                  - {name: roottask, program: RootTask}
                  - {name: hello, elf: bin/hello, priority: 50}
                """, StandardCharsets.UTF_8);
        assertEquals(List.of("roottask: hello: hello from RISC-V", "roottask: hello exited with status 0"),
                ExamplesTest.run(image));
    }
}
