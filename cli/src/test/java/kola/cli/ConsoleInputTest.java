package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kola.system.Words;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Console input at its edges: a closed standard input is the end of input (not the JVM's own
 * files read as commands), and a line longer than the console carries is refused whole with
 * "line too long", never run in fragments.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConsoleInputTest {

    @TempDir
    Path dir;

    static final String TOO_LONG = "line too long (more than " + Words.MAX_BYTES + " bytes): ignored";

    @Test
    void closedStandardInputIsTheEndOfInput() throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "exec \"$@\" <&-", "bash"));
        command.addAll(IsolationTest.kolaCommand());
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the run ends");
        assertEquals(0, p.exitValue(), out);
        // The shell's prompt, the newline it writes when the input ends, and the kernel's last line.
        ShellSessionTest.assertLines(out, ShellSessionTest.q("Kola shell. Type 'help' for commands."),
                ShellSessionTest.q("kola> "),
                "kernel: nothing left to do after \\d+ kernel entries, \\d+ µs simulated");
        assertFalse(out.contains("unknown command"), out);
    }

    @Test
    void aLinkToTheJdksOwnFilesIsAClosedStandardInput() throws IOException {
        Path jdkFile = Path.of(System.getProperty("java.home"), "lib", "modules");
        Path toJdk = Files.createSymbolicLink(dir.resolve("fd0-jdk"), jdkFile);
        Path other = Files.writeString(dir.resolve("input.txt"), "help\n");
        Path toOther = Files.createSymbolicLink(dir.resolve("fd0-file"), other);
        assertTrue(Stdin.closedAtStart(toJdk));
        assertFalse(Stdin.closedAtStart(toOther));
        assertFalse(Stdin.closedAtStart(other), "not a link");
        assertFalse(Stdin.closedAtStart(dir.resolve("no-such-link")));
        Files.delete(toJdk); // (a link out of the temporary directory: gone before its clean-up)
    }

    @Test
    void aLineLongerThanTheConsoleCarriesIsRefusedWhole() {
        String longest = "help" + " ".repeat(Words.MAX_BYTES - 4);        // exactly the most a line may have
        String oneTooMany = "frobnicate" + "x".repeat(Words.MAX_BYTES - 9); // one byte more
        String huge = "frobnicate " + "y".repeat(5000);                       // many messages long
        String script = oneTooMany + "\n" + "ipc 1\n" + huge + "\n" + longest + "\r\n" + huge + "\r\n" + "exit\n";
        String out = ShellSessionTest.boot(ShellSessionTest.defaultImage(), script);
        ShellSessionTest.Cursor c = new ShellSessionTest.Cursor(out);
        c.skipTo("Kola shell. Type 'help' for commands.");
        c.expect("kola> " + TOO_LONG);
        c.expect("kola> ipc 1");
        c.next();
        c.expect("kola> " + TOO_LONG);
        c.expect("kola> " + longest);
        ShellSessionTest.assertHelp(c.until("kola> "));
        c.expect("kola> " + TOO_LONG);
        c.expect("kola> exit");
        c.expect("bye");
        ShellSessionTest.assertRunEnded(out);
        assertFalse(out.contains("unknown command"), "no fragment ran as a command:\n" + out);
    }
}
