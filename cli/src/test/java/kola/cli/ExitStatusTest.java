package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exit status of a run: a run whose shell ended in order ({@code exit}, end of input) exits 0; a
 * run whose system died before that (a driver dead for good, kernel memory too small to start the
 * shell) says so in one line and exits 1.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExitStatusTest {

    @TempDir
    Path dir;

    Path script(String text) throws IOException {
        Path p = dir.resolve("script.txt");
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void anOrderlyEndExitsZero() throws IOException {
        for (String text : new String[] {"ipc 3\nexit\n", "ipc 3\n", ""}) {
            ImageFileTest.Cli r = ImageFileTest.kola("run", "--script", script(text).toString());
            assertEquals(0, r.code(), () -> text + ": " + r.err());
            assertEquals("", r.err());
            ShellSessionTest.assertRunEnded(r.out());
        }
        // An image without a shell ends well when it has nothing left to do.
        ImageFileTest.Cli r = ImageFileTest.kola("demo", "fig1");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
    }

    @Test
    void aDriverDeadForGoodIsADeadSystem() throws IOException {
        ImageFileTest.Cli r = ImageFileTest.kola("run", "--script",
                script("crash uart\ncrash uart\ncrash uart\ncrash uart\nhelp\nexit\n").toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("kola: the system died before the shell ended: uart is dead for good (see the kernel's messages above)\n",
                r.err());
        assertTrue(r.out().contains("roottask: uart died (exception code 1) too often; leaving it halted\n"), r.out());
        ShellSessionTest.assertRunEnded(r.out());
    }

    @Test
    void kernelMemoryTooSmallForTheShellSaysSo() throws IOException {
        // 64K: the root task cannot even start the shell; 112K: the shell starts, the drivers cannot map their registers.
        for (String size : new String[] {"64K", "112K"}) {
            // (Under global ids: capabilities charge object spaces too, so the figures differ.)
            ImageFileTest.Cli r = ImageFileTest.kola("run", "--comm", "global-ids", "--kernel-memory=" + size, "--script",
                    script("exit\n").toString());
            assertEquals(1, r.code(), r.err());
            String what = size.equals("64K") ? "the system died: the shell never started"
                    : "the system died before the shell ended";
            assertTrue(r.err().matches(java.util.regex.Pattern.quote("kola: " + what + ": kernel memory ran out (")
                    + "[1-9]\\d* requests refused; \\d+ of \\d+ KiB used\\): give more than --kernel-memory " + size
                    + " \\(the default is 16M\\) \\(see the kernel's messages above\\)\n"), r.err());
        }
        ImageFileTest.Cli enough = ImageFileTest.kola("run", "--kernel-memory=256K", "--script", script("exit\n").toString());
        assertEquals(0, enough.code(), enough.err());
    }
}
