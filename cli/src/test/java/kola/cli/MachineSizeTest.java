package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Machine sizes: a size the machine or kernel cannot boot is refused with one line naming the
 * option and the limit, and exit code 2, before anything boots; so is any other bad argument.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MachineSizeTest {

    @TempDir
    Path dir;

    Path script(String text) throws IOException {
        Path p = dir.resolve("script.txt");
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void memoryWhoseDevicesLieBeyondTheUserAddressSpaceIsRefused() throws IOException {
        for (String size : new String[] {"256G", "1T", "261121M"}) {
            ImageFileTest.Cli r = ImageFileTest.kola("run", "--memory=" + size, "--script", script("exit\n").toString());
            assertEquals(2, r.code(), r.err());
            assertEquals("kola: --memory " + size + ": at most 255G supported (devices must stay inside the 2^38-byte user"
                    + " address space)\n", r.err());
            assertEquals("", r.out(), "nothing booted");
        }
        assertEquals(255L << 30, MachineOptions.MAX_MEMORY);
        // The largest size accepted boots the default system, drivers and shell included.
        ImageFileTest.Cli r = ImageFileTest.kola("run", "--memory=255G", "--script", script("sleep 1\nexit\n").toString());
        assertEquals(0, r.code(), r.err() + r.out());
        assertEquals("", r.err());
        ShellSessionTest.assertLines(r.out(), ShellSessionTest.q("kola> sleep 1"), ShellSessionTest.q("slept 1 ms"),
                ShellSessionTest.q("kola> exit"), "bye");
    }

    @Test
    void otherBadSizesNameTheOptionInOneLine() throws IOException {
        String exit = script("exit\n").toString();
        String[][] cases = {
            {"--memory=4K", "kola: --kernel-memory 16M: at most half of --memory (4K)"},
            {"--memory=1000", "kola: --memory 1000: must be a multiple of 4K"},
            {"--kernel-memory=4K", "kola: --kernel-memory 4K: must be a multiple of 4K and at least 64K"},
            {"--kernel-memory=65537", "kola: --kernel-memory 65537: must be a multiple of 4K and at least 64K"},
            {"--memory=lots", "kola: Invalid value for option '--memory': not a size: 'lots' (try 4096, 64K, 256M, 4G)"
                    + " (see 'kola --help')"},
            {"--frobnicate", "kola: Unknown option: '--frobnicate' (see 'kola --help')"},
        };
        for (String[] c : cases) {
            ImageFileTest.Cli r = ImageFileTest.kola("run", c[0], "--script", exit);
            assertEquals(2, r.code(), c[0] + ": " + r.err());
            assertEquals(c[1] + "\n", r.err(), c[0]);
            assertEquals("", r.out(), c[0]);
        }
    }
}
