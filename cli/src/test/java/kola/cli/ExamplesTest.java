package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples in {@code examples/}: each image runs as {@code kola run examples/NAME/image.yaml}
 * runs it (its sources compiled as it loads) and prints what the README says; the README shows
 * exactly one such command per example.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExamplesTest {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    static final Path EXAMPLES = ROOT.resolve("examples");

    @TempDir
    Path dir;

    /** The lines of a run that exited 0 with nothing on standard error, without the kernel's first and last line. */
    static List<String> run(Path image) {
        ImageFileTest.Cli r = ImageFileTest.kolaRun(image.toString());
        assertEquals(0, r.code(), () -> "exit code; err: " + r.err() + "\nout: " + r.out());
        assertEquals("", r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("kernel: Kola, L4 X.2 API 0x84"), lines.get(0));
        assertTrue(lines.get(lines.size() - 1).matches("kernel: nothing left to do after \\d+ kernel entries, \\d+ µs simulated"),
                r.out());
        return lines.subList(1, lines.size() - 1);
    }

    @Test
    void echoServerAndClient() {
        assertEquals(List.of(
                "echo: waiting for requests",
                "client: I am 44.1; echo is 43.1",
                "client: sent \"hello\", echo replied \"hello\"",
                "client: sent \"kola is an L4\", echo replied \"kola is an L4\"",
                "client: sent \"bye\", echo replied \"bye\"",
                "client: done"), run(EXAMPLES.resolve("echo/image.yaml")));
    }

    @Test
    void capabilitiesCounterKeepsOneCountPerGateLabel() {
        List<String> lines = run(EXAMPLES.resolve("capabilities/image.yaml"));
        assertEquals(List.of(
                "counter: serving under capabilities",
                "alice: add 1 -> 1",
                "alice: add 2 -> 3",
                "alice: add 3 -> 6",
                "alice: the counter by its global id: no such partner (send phase)",
                "alice: a slot it was never given: no such partner (send phase)",
                "bob: add 10 -> 10",
                "bob: add 20 -> 30",
                "bob: the counter by its global id: no such partner (send phase)",
                "bob: a slot it was never given: no such partner (send phase)"), lines);
    }

    /**
     * Two workers behind one endpoint: each client gets its own gate to it from the pool's front
     * desk (granted), and the workers take the calls in turns, in the order they came to wait on
     * the endpoint. The pool's slot number names nothing in a client's own object space.
     */
    @Test
    void endpointPoolServesEachCallByTheNextWaitingWorker() {
        assertEquals(List.of(
                "alice: connected: gate rights " + kola.abi.Comm.SEND,
                "alice: double 1 -> 2 (worker 1)",
                "alice: double 2 -> 4 (worker 2)",
                "alice: double 3 -> 6 (worker 1)",
                "alice: the pool's endpoint slot, in its own space: no such partner (send phase)",
                "bob: connected: gate rights " + kola.abi.Comm.SEND,
                "bob: double 10 -> 20 (worker 2)",
                "bob: double 20 -> 40 (worker 1)",
                "bob: double 30 -> 60 (worker 2)",
                "bob: the pool's endpoint slot, in its own space: no such partner (send phase)"),
                run(EXAMPLES.resolve("endpoints/image.yaml")));
    }

    @Test
    void privatePagerGivesEachTaskItsOwnFrame() throws IOException {
        List<String> lines = run(EXAMPLES.resolve("pager/image.yaml"));
        assertEquals(6, lines.size(), lines::toString);
        Pattern gave = Pattern.compile("pager: (\\S+) \\((left|right)\\) touched 0x8000000: gave it frame (0x[0-9a-f]+)");
        Matcher left = gave.matcher(lines.get(0));
        Matcher right = gave.matcher(lines.get(2));
        assertTrue(left.matches() && left.group(2).equals("left"), lines::toString);
        assertTrue(right.matches() && right.group(2).equals("right"), lines::toString);
        assertTrue(!left.group(3).equals(right.group(3)), "two frames for the same virtual address: " + lines);
        assertEquals(List.of(
                "left: wrote \"left\" at 0x8000000",
                "right: wrote \"right\" at 0x8000000",
                "right: read \"right\" at 0x8000000 (after " + left.group(1) + " wrote)",
                "left: read \"left\" at 0x8000000"), List.of(lines.get(1), lines.get(3), lines.get(4), lines.get(5)));

        // What the image's comment says: without the private pager, sigma0 pages 1:1 and the second task collides.
        String yaml = Files.readString(EXAMPLES.resolve("pager/image.yaml")).replaceAll(",\\s*pager: pager", "");
        Path sigma0Paged = Files.writeString(dir.resolve("image.yaml"), yaml.replace("[PrivatePager.java, Toucher.java]",
                "[" + EXAMPLES.resolve("pager/PrivatePager.java") + ", " + EXAMPLES.resolve("pager/Toucher.java") + "]"));
        List<String> collided = run(sigma0Paged);
        assertEquals("left: wrote \"left\" at 0x8000000", collided.get(0));
        assertTrue(collided.get(1).matches("kernel: thread \\S+ \\(right\\) halted: page fault at 0x8000000 refused by \\S+"),
                collided::toString);
        assertTrue(collided.stream().noneMatch(l -> l.startsWith("right: read")), collided::toString);
    }

    @Test
    void driverReceivesTheTimerInterruptAsIpc() throws IOException {
        assertEquals(List.of(
                "ticker: attached interrupt line 1; waiting for 3 ticks, 1 ms apart",
                "ticker: tick 1 at 1003 µs (interrupt from 1.1)",
                "ticker: tick 2 at 2003 µs (interrupt from 1.1)",
                "ticker: tick 3 at 3004 µs (interrupt from 1.1)",
                "ticker: done"), run(EXAMPLES.resolve("driver/image.yaml")));

        // Without irq: 1, the root task refuses the line.
        String yaml = Files.readString(EXAMPLES.resolve("driver/image.yaml")).replace("    irq: 1\n", "")
                .replace("[Ticker.java]", "[" + EXAMPLES.resolve("driver/Ticker.java") + "]");
        assertEquals(List.of("ticker: no interrupt line: the module needs 'irq: N' in the image"),
                run(Files.writeString(dir.resolve("image.yaml"), yaml)));
    }

    @Test
    void partitionsProtectThePeriodicTaskUnderBudgetsAndDomainsOnly() throws IOException {
        assertEquals(List.of(
                "roottask: the hog (45.1) is under domains, the periodic task is 44.1",
                "periodic: 10 jobs, 0 deadlines missed, latency 221..221 µs",
                "hog: done spinning"), run(EXAMPLES.resolve("partitions/image.yaml")));
        String yaml = Files.readString(EXAMPLES.resolve("partitions/image.yaml"));
        String programs = "[" + EXAMPLES.resolve("partitions/Partitions.java") + ", " + EXAMPLES.resolve("partitions/Periodic.java")
                + ", " + EXAMPLES.resolve("partitions/Hog.java") + "]";
        Path budgets = Files.writeString(dir.resolve("budgets.yaml"), yaml.replace("[domains]", "[budgets]")
                .replace("[Partitions.java, Periodic.java, Hog.java]", programs));
        assertEquals("periodic: 10 jobs, 0 deadlines missed, latency 520..521 µs", run(budgets).get(1));
        Path priorities = Files.writeString(dir.resolve("priorities.yaml"), yaml.replace("[domains]", "[priorities]")
                .replace("[Partitions.java, Periodic.java, Hog.java]", programs));
        assertEquals("periodic: 10 jobs, 10 deadlines missed, latency 3203..10221 µs", run(priorities).get(2));
        // The same trace every run, domains and budgets included.
        for (Path image : List.of(EXAMPLES.resolve("partitions/image.yaml"), budgets)) {
            ImageFileTest.Cli a = ImageFileTest.kola("run", image.toString(), "--trace-hash");
            ImageFileTest.Cli b = ImageFileTest.kola("run", image.toString(), "--trace-hash");
            String hash = a.out().lines().filter(l -> l.startsWith("trace-hash:")).findFirst().orElseThrow();
            assertEquals(hash, b.out().lines().filter(l -> l.startsWith("trace-hash:")).findFirst().orElseThrow());
        }
    }

    @Test
    void readmeShowsOneRunCommandPerExample() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        List<String> examples;
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            examples = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("capabilities", "driver", "echo", "endpoints", "pager", "partitions", "riscv"), examples);
        for (String name : examples) {
            assertTrue(Files.isRegularFile(EXAMPLES.resolve(name).resolve("image.yaml")), name);
            String command = "./kola run examples/" + name + "/image.yaml";
            assertEquals(1, readme.split(Pattern.quote(command), -1).length - 1, "README shows `" + command + "` once");
        }
    }

    @Test
    void readmeShowsTheEchoExampleAsItIs() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String section = readme.substring(readme.indexOf("## Writing a user program"));
        String java = section.substring(section.indexOf("```java\n") + 8, section.indexOf("```\n", section.indexOf("```java\n") + 8));
        String yaml = section.substring(section.indexOf("```yaml\n") + 8, section.indexOf("```\n", section.indexOf("```yaml\n") + 8));
        assertEquals(Files.readString(EXAMPLES.resolve("echo/Echo.java")).lines().filter(l -> !l.startsWith("/**"))
                .map(l -> l + "\n").reduce("", String::concat), java);
        assertEquals(Files.readString(EXAMPLES.resolve("echo/image.yaml")).lines().filter(l -> !l.startsWith("#"))
                .map(l -> l + "\n").reduce("", String::concat), yaml);
    }

    @Test
    void readmeShowsTheRiscvExampleAsItIs() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String section = readme.substring(readme.indexOf("## RISC-V programs"));
        String yaml = section.substring(section.indexOf("```yaml\n") + 8, section.indexOf("```\n", section.indexOf("```yaml\n") + 8));
        assertEquals(Files.readString(EXAMPLES.resolve("riscv/image.yaml")).lines().filter(l -> !l.startsWith("#"))
                .map(l -> l + "\n").reduce("", String::concat), yaml);
    }
}
