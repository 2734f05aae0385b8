package kola.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kola.bench.SideBySide;
import org.junit.jupiter.api.Test;

/**
 * {@code kola bench ipc} measures each Kola system with its baselines in a JVM of its own: the parent reads
 * back what each child JVM measured ({@code --ipc-group}), and refuses a child's report that
 * lacks a contender; the option itself takes only a group that exists, with ipc alone.
 */
class BenchIpcGroupsTest {
    @Test
    void aChildsReportIsReadBackAsItsGroupDescribesIt() throws Exception {
        List<SideBySide.Contender> group = SideBySide.ipcGroups().get(1);
        StringBuilder text = new StringBuilder("a line that is not a measurement\n");
        for (int i = 0; i < group.size(); i++) {
            text.append("{\"name\":\"").append(group.get(i).name()).append("\",\"round_trips\":").append(1000 + i)
                    .append(",\"round_ns_per_op\":[").append(300 + i).append(',').append(100 + i).append(',')
                    .append(200 + i).append("]}\n");
        }
        List<SideBySide.Measurement> ms = BenchCommand.parseGroup(text.toString(), group);
        assertEquals(group.size(), ms.size());
        for (int i = 0; i < group.size(); i++) {
            SideBySide.Measurement m = ms.get(i);
            assertEquals(group.get(i).name(), m.name());
            assertEquals(group.get(i).kola(), m.kola());
            assertEquals(group.get(i).description(), m.description());
            assertEquals(1000 + i, m.roundTrips());
            assertEquals(200 + i, m.nsPerOp(), 1e-9); // the median of the rounds
            assertArrayEquals(new double[] {300 + i, 100 + i, 200 + i}, m.roundNsPerOp(), 1e-9);
        }
    }

    @Test
    void aReportWithoutEveryContenderIsRefused() {
        List<SideBySide.Contender> group = SideBySide.ipcGroups().get(1);
        String one = "{\"name\":\"" + group.get(0).name() + "\",\"round_trips\":10,\"round_ns_per_op\":[1.0]}\n";
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BenchCommand.parseGroup(one, group));
        assertTrue(e.getMessage().contains(group.get(1).name()), e.getMessage());
        String noRounds = one + "{\"name\":\"" + group.get(1).name() + "\",\"round_trips\":10,\"round_ns_per_op\":[]}\n";
        assertThrows(IllegalStateException.class, () -> BenchCommand.parseGroup(noRounds, group));
        // Every row's ratio pairs its rounds with its baseline's: a row with fewer rounds is refused.
        StringBuilder uneven = new StringBuilder();
        for (int i = 0; i < group.size(); i++) {
            uneven.append("{\"name\":\"").append(group.get(i).name()).append("\",\"round_trips\":10,\"round_ns_per_op\":")
                    .append(i == group.size() - 1 ? "[1.0]" : "[1.0,2.0]").append("}\n");
        }
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> BenchCommand.parseGroup(uneven.toString(), group));
        assertTrue(e2.getMessage().contains(group.get(group.size() - 1).name() + " came with 1 rounds"), e2.getMessage());
    }

    @Test
    void aGroupThatDoesNotExistOrComesWithAnotherBenchmarkIsRefused() {
        int groups = SideBySide.ipcGroups().size();
        for (String[] args : new String[][] {{"bench", "ipc", "--ipc-group", String.valueOf(groups)},
                {"bench", "ipc", "--ipc-group", "-2"}, {"bench", "memory", "--ipc-group", "0"},
                {"bench", "ipc", "memory", "--ipc-group", "0"}}) {
            ImageFileTest.Cli r = ImageFileTest.kola(args);
            assertEquals(2, r.code(), String.join(" ", args));
            assertTrue(r.err().contains("--ipc-group must lie in 0.." + (groups - 1)), r.err());
            assertEquals("", r.out());
        }
    }
}
