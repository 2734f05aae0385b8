package kola.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kola.kernel.Kernel;
import org.junit.jupiter.api.Test;

/**
 * Boots the figure-1 and figure-5 demo images (paper section 2) with the real sigma0, root task,
 * {@link Fig1Task}s, {@link Pager}s and {@link Fig5Client}, with the kernel's invariant checker on
 * after every kernel entry, and checks the console line by line for the facts each step shows.
 */
class DemosTest {

    /** The kernel-debugger dump after the line starting with {@code header}: space → its mapping lines. */
    static Map<String, List<String>> dump(List<String> lines, String header) {
        int i = 0;
        while (i < lines.size() && !lines.get(i).startsWith(header)) {
            i++;
        }
        assertTrue(i < lines.size(), "no line starts with '" + header + "'");
        Map<String, List<String>> spaces = new LinkedHashMap<>();
        List<String> current = null;
        for (i++; i < lines.size() && lines.get(i).startsWith("kdb:   "); i++) {
            String l = lines.get(i).substring("kdb:   ".length());
            if (l.startsWith(" ")) {
                current.add(l.trim());
            } else {
                String[] parts = l.trim().split("\\s+");
                current = new ArrayList<>();
                spaces.put(parts[0], current);
                int count = Integer.parseInt(parts[1]);
                current.add("#" + count);
            }
        }
        return spaces;
    }

    /** The number of mappings the dump gives for {@code space}. */
    static int count(Map<String, List<String>> dump, String space) {
        List<String> l = dump.get(space);
        assertTrue(l != null, "no space " + space + " in " + dump);
        return Integer.parseInt(l.get(0).substring(1));
    }

    static String only(Map<String, List<String>> dump, String space) {
        List<String> l = dump.get(space);
        assertEquals(2, l.size(), space + ": " + l);
        return l.get(1);
    }

    @Test
    void fig1ShowsMapGrantAndUnmapStepByStep() {
        SystemHarness h = new SystemHarness(DefaultImage.fig1());
        Kernel.RunResult r = h.run();
        List<String> lines = h.lines();
        String console = h.console();
        assertTrue(r.traps() < 2_000_000, "the demo ran to its end");
        assertTrue(lines.stream().noneMatch(l -> l.contains("failed") || l.contains("halted")), console);

        Map<String, List<String>> s0 = dump(lines, "kdb: fig1 step 0");
        for (String t : List.of("A", "B", "C", "D")) {
            assertEquals(0, count(s0, t), "step 0: " + t + " is empty");
        }

        Map<String, List<String>> s1 = dump(lines, "kdb: fig1 step 1");
        assertEquals(1, count(s1, "A"));
        assertEquals(1, count(s1, "B"));
        assertTrue(only(s1, "A").startsWith("0x000010000 -> frame") && only(s1, "A").contains("from sigma0"), console);
        assertTrue(only(s1, "B").startsWith("0x000020000 -> frame") && only(s1, "B").contains("from sigma0"), console);
        String frameA = only(s1, "A").split("\\s+")[3];

        assertTrue(lines.contains("fig1: C reads 0xa1 and D reads 0xa1: one frame, three spaces"), console);

        Map<String, List<String>> s2 = dump(lines, "kdb: fig1 step 2");
        assertEquals("0x000030000 -> frame " + frameA + " rw- from A 0x10000", only(s2, "C").replaceAll("\\s+", " "));
        assertEquals("0x000040000 -> frame " + frameA + " rw- from A 0x10000", only(s2, "D").replaceAll("\\s+", " "));

        Map<String, List<String>> s3 = dump(lines, "kdb: fig1 step 3");
        assertEquals(0, count(s3, "D"), "step 3: D granted its page away");
        assertEquals(2, count(s3, "B"));
        assertTrue(s3.get("B").stream().anyMatch(l -> l.replaceAll("\\s+", " ")
                .equals("0x000050000 -> frame " + frameA + " rw- from A 0x10000")), "B's granted page derives from A's: " + s3);
        assertEquals(1, count(s3, "C"));

        Map<String, List<String>> s4 = dump(lines, "kdb: fig1 step 4");
        assertEquals(0, count(s4, "C"), "after step 4 C has 0 mappings");
        assertEquals(0, count(s4, "D"));
        assertEquals(1, count(s4, "A"), "A keeps its own");
        assertEquals(1, count(s4, "B"), "B keeps only sigma0's page");
        assertTrue(only(s4, "B").contains("from sigma0"));

        Map<String, List<String>> s5 = dump(lines, "kdb: fig1 step 5");
        assertEquals(0, count(s5, "A"), "after the flush A has nothing");
        assertEquals(1, count(s5, "B"));

        assertTrue(lines.contains("fig1: done"), console);
        assertEquals(List.of(), h.kernel.checkInvariants());
    }

    @Test
    void fig5PagesThroughAHierarchyOfPagersAndSurvivesTheRevoke() {
        SystemHarness h = new SystemHarness(DefaultImage.fig5());
        Kernel.RunResult r = h.run();
        List<String> lines = h.lines();
        String console = h.console();
        assertTrue(r.traps() < 2_000_000, "the demo ran to its end");
        assertTrue(lines.stream().noneMatch(l -> l.contains("did not revoke") || l.contains("halted")), console);

        Map<String, List<String>> s0 = dump(lines, "kdb: fig5 step 0");
        assertEquals(0, count(s0, "client"));

        Map<String, List<String>> s1 = dump(lines, "kdb: fig5 step 1");
        assertEquals(1, count(s1, "client"));
        assertTrue(only(s1, "client").contains("from pager2"), console);
        assertTrue(only(s1, "pager2").contains("from pager1"), console);
        assertTrue(only(s1, "pager1").contains("from sigma0"), console);

        Map<String, List<String>> s2 = dump(lines, "kdb: fig5 step 2");
        for (String space : List.of("pager1", "pager2", "client")) {
            assertEquals(4, count(s2, space), "step 2: " + space);
        }

        Map<String, List<String>> s3 = dump(lines, "kdb: fig5 step 3");
        assertEquals(0, count(s3, "client"), "the revoke reached the client");
        assertEquals(0, count(s3, "pager2"), "and pager2");
        assertEquals(4, count(s3, "pager1"), "pager1 keeps its own");

        assertTrue(lines.stream().anyMatch(l -> l.startsWith("kdb: fig5 step 4: the client reads 0x100000 again (0x5eed)")),
                "the client reads 0x5eed after the revoke:\n" + console);
        Map<String, List<String>> s4 = dump(lines, "kdb: fig5 step 4");
        assertEquals(1, count(s4, "client"));
        assertTrue(lines.contains("client: done"), console);
        assertEquals(List.of(), h.kernel.checkInvariants());
    }

    @Test
    void bothDemosAreDeterministic() {
        SystemHarness a = new SystemHarness(DefaultImage.fig1());
        SystemHarness b = new SystemHarness(DefaultImage.fig1());
        assertEquals(a.run(), b.run());
        assertEquals(a.console(), b.console());
        SystemHarness c = new SystemHarness(DefaultImage.fig5());
        SystemHarness d = new SystemHarness(DefaultImage.fig5());
        assertEquals(c.run(), d.run());
        assertEquals(c.console(), d.console());
    }
}
