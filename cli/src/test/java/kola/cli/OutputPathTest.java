package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output files that cannot be written ({@code --trace}, {@code --jfr}, {@code graph -o}): one line
 * naming the option, the file, the reason and what to do; exit code 1; no stack trace.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OutputPathTest {

    @TempDir
    Path dir;

    @Test
    void jfrIntoAMissingDirectoryOrADirectory() {
        Path missing = dir.resolve("no-such-dir").resolve("run.jfr");
        ImageFileTest.Cli r = ImageFileTest.kola("demo", "fig1", "--jfr=" + missing);
        assertEquals(1, r.code(), r.err());
        assertEquals("kola: --jfr " + missing + ": cannot write: no such file or directory (check the path)\n", r.err());
        assertFalse(Files.exists(missing));
        ImageFileTest.Cli d = ImageFileTest.kola("demo", "fig1", "--jfr=" + dir);
        assertEquals(1, d.code(), d.err());
        assertEquals("kola: --jfr " + dir + ": cannot write: is a directory (give a file, not a directory)\n", d.err());
    }

    @Test
    void traceIntoAMissingDirectoryOrADirectory() {
        Path missing = dir.resolve("no-such-dir").resolve("run.json");
        ImageFileTest.Cli r = ImageFileTest.kola("demo", "fig5", "--trace", missing.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("kola: --trace " + missing + ": cannot write: no such file or directory (check the path)\n", r.err());
        ImageFileTest.Cli d = ImageFileTest.kola("demo", "fig5", "--trace", dir.toString());
        assertEquals(1, d.code(), d.err());
        assertEquals("kola: --trace " + dir + ": cannot write: is a directory (give a file, not a directory)\n", d.err());
    }

    @Test
    void graphIntoAMissingDirectory() {
        Path missing = dir.resolve("no-such-dir").resolve("g.dot");
        ImageFileTest.Cli r = ImageFileTest.kola("graph", "mappings", "-o", missing.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("kola: -o " + missing + ": cannot write: no such file or directory (check the path)\n", r.err());
    }
}
