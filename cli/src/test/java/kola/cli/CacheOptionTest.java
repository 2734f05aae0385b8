package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --cache SETSxWAYSxLINE} and an image's {@code cache:}: the machine's memory cache, and the refusals. */
class CacheOptionTest {
    static final String MODULES = "modules:\n  - {name: sigma0, program: Sigma0}\n  - {name: roottask, program: RootTask}\n";

    static String line(ImageFileTest.Cli r, String prefix) {
        return r.out().lines().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
    }

    /** The cache's report is there, well formed, and holds no more valid lines than the geometry has. */
    private static void assertValidLinesWithin(String report, int lines, String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "kernel: cache \\d+x\\d+x\\d+: \\d+ hits, \\d+ misses, (\\d+) lines valid; \\d+ cycles simulated")
                .matcher(report == null ? "" : report);
        assertTrue(m.matches(), "cache report " + report + " in\n" + out);
        assertTrue(Integer.parseInt(m.group(1)) <= lines, report + ": more valid lines than the cache's " + lines);
    }

    @Test
    void aBadGeometryIsOneLineNamingTheValueOnEveryCommandThatBootsAMachine() {
        for (String bad : List.of("256x3x64", "256x4", "abc", "0x4x64", "256x4x4", "256x4x8192", "")) {
            for (List<String> cmd : List.of(List.of("demo", "ipc"), List.of("run"), List.of("exec", "/nonexistent/prog"))) {
                String[] args = java.util.stream.Stream.concat(cmd.stream(), java.util.stream.Stream.of("--cache", bad))
                        .toArray(String[]::new);
                ImageFileTest.Cli r = ImageFileTest.kola(args);
                assertEquals(2, r.code(), cmd + " --cache " + bad + ": " + r.err());
                assertEquals(1, r.err().lines().count(), r.err());
                assertTrue(r.err().contains("--cache") && r.err().contains("'" + bad + "'"), r.err());
            }
        }
    }

    @Test
    void theDemoReportsTheCacheAndRunsTheSameTwiceAndWithoutItIsUnchanged() {
        ImageFileTest.Cli plain = ImageFileTest.kola("demo", "fig5", "--trace-hash");
        assertEquals(0, plain.code(), plain.err());
        assertEquals(null, line(plain, "kernel: cache"), "no cache by default");
        ImageFileTest.Cli first = ImageFileTest.kola("demo", "fig5", "--trace-hash", "--cache", "256x4x64");
        ImageFileTest.Cli second = ImageFileTest.kola("demo", "fig5", "--trace-hash", "--cache", "256x4x64");
        assertEquals(0, first.code(), first.err());
        String cache = line(first, "kernel: cache 256x4x64: ");
        assertTrue(cache != null && cache.matches("kernel: cache 256x4x64: \\d+ hits, [1-9]\\d* misses, \\d+ lines valid; \\d+ cycles simulated"),
                first.out());
        assertEquals(cache, line(second, "kernel: cache"), "deterministic");
        assertEquals(line(first, "trace-hash:"), line(second, "trace-hash:"));
        // The misses cost time: the simulated time differs from the cacheless run's.
        assertFalse(line(first, "trace-hash:").equals(line(plain, "trace-hash:")));
    }

    @Test
    void anImageAsksForACacheTheCommandLineWinsAndABadOneIsOneLine(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("good.yaml"), "cache: 64x2x64\n" + MODULES);
        ImageFileTest.Cli r = ImageFileTest.kola("run", good.toString());
        assertEquals(0, r.code(), r.err());
        assertValidLinesWithin(line(r, "kernel: cache 64x2x64:"), 64 * 2, r.out());
        ImageFileTest.Cli over = ImageFileTest.kola("run", good.toString(), "--cache", "128x4x32");
        assertEquals(0, over.code(), over.err());
        assertValidLinesWithin(line(over, "kernel: cache 128x4x32:"), 128 * 4, over.out());
        assertEquals(null, line(over, "kernel: cache 64x2x64"), "the image's geometry is not used");
        for (String bad : List.of("cache: 64x3x64\n", "cache: big\n", "cache: [64, 2, 64]\n")) {
            Path image = Files.writeString(dir.resolve("bad.yaml"), bad + MODULES);
            ImageFileTest.Cli b = ImageFileTest.kola("run", image.toString());
            assertEquals(2, b.code(), bad);
            assertEquals(1, b.err().lines().count(), b.err());
            assertTrue(b.err().contains(image.toString()) && b.err().contains("cache geometry"), b.err());
        }
    }
}
