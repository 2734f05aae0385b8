package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kola.abi.Fpage;
import kola.abi.IpcError;
import kola.abi.Items;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
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
    static final int CHECKS = 80;

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
        assertEquals(0x4300000001L, ThreadId.global(0x43, 1));
        assertEquals(-1L, ThreadId.ANY);
        assertEquals(4, IpcError.code(IpcError.NO_PARTNER, false));
        assertEquals(5, IpcError.code(IpcError.NO_PARTNER, true));
        assertEquals(3, IpcError.code(IpcError.TIMEOUT, true));
        assertEquals(2, IpcError.code(IpcError.TIMEOUT, false));
        assertEquals(8, IpcError.code(IpcError.MESSAGE_OVERFLOW, false));
    }

    private static final Pattern PINGPONG =
            Pattern.compile("pingpong: (\\d+) words: 1000 round trips, (\\d+) cycles, (\\d+) instructions per round trip");

    @Test
    void pingpongReportsTheSameFiguresInEveryRun() throws IOException {
        String first = null;
        for (int run = 0; run < 2; run++) {
            ExecTest.Run r = ExecTest.exec(USER.resolve("build/l4/pingpong"));
            assertEquals(0, r.status(), r.out() + r.err());
            List<String> lines = r.out().lines().toList();
            assertEquals(2, lines.size(), r.out());
            for (int i = 0; i < 2; i++) {
                Matcher m = PINGPONG.matcher(lines.get(i));
                assertTrue(m.matches(), lines.get(i));
                assertEquals(i == 0 ? 0 : 8, Integer.parseInt(m.group(1)));
                assertTrue(Long.parseLong(m.group(2)) > 0 && Long.parseLong(m.group(3)) > 0, lines.get(i));
            }
            if (first != null) {
                assertEquals(first, r.out(), "the simulation is deterministic");
            }
            first = r.out();
        }
    }
}
