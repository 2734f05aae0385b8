package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The shell's {@code start NAME}: starts a module marked manual; refuses unknown names, running modules and bad usage. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShellStartTest {
    @TempDir
    Path dir;

    @Test
    void startsAManualModuleOnceAndRefusesBadInput() throws IOException {
        Files.writeString(dir.resolve("Hello.java"), """
                public final class Hello implements kola.abi.Program {
                    @Override
                    public void run(kola.abi.L4 l4) {
                        l4.kdbPrint("hello, started by request");
                    }
                }
                """);
        Path image = Files.writeString(dir.resolve("image.yaml"), """
                programs: [Hello.java]
                modules:
                  - {name: sigma0, program: Sigma0, priority: 255}
                  - {name: roottask, program: RootTask, priority: 255}
                  - {name: names, program: NameServer, priority: 200}
                  - {name: uart, program: UartDriver, priority: 220, irq: 2}
                  - {name: console, program: Console, priority: 210}
                  - {name: shell, program: Shell}
                  - {name: hello, program: Hello, priority: 50, manual: true}
                """);
        ImageFileTest.Cli r = ImageFileTest.kolaRun(image.toString(),
                "start\nstart a b\nstart nosuch\nstart shell\nstart sigma0\nstart hello\nstart hello\nexit\n");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        ShellSessionTest.Cursor c = new ShellSessionTest.Cursor(r.out());
        c.skipTo("Kola shell. Type 'help' for commands.");
        c.expect("kola> start");
        c.expect("usage: start NAME");
        c.expect("kola> start a b");
        c.expect("usage: start NAME");
        c.expect("kola> start nosuch");
        c.expect("start: no module nosuch in this image");
        c.expect("kola> start shell");
        c.expectMatch("start: shell was started already \\(thread [0-9a-f]+\\.1\\)");
        c.expect("kola> start sigma0");
        c.expectMatch("start: sigma0 was started already \\(thread [0-9a-f]+\\.1\\)");
        c.expect("kola> start hello");
        var started = c.expectMatch("start: hello started: thread ([0-9a-f]+\\.1)");
        // hello (priority 50) runs when the shell (100) waits for its next command: after the prompt.
        c.expect("kola> hello: hello, started by request");
        c.expect("start hello");
        c.expect("start: hello was started already (thread " + started.group(1) + ")");
        c.expect("kola> exit");
        c.expect("bye");
        assertEquals(1, r.out().split("hello, started by request", -1).length - 1, r.out());
        ShellSessionTest.assertRunEnded(r.out());
    }
}
