package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The kernel-memory experiment's outcomes (docs/EXPERIMENTS.md): the hog's denial of service, and who pays for a server's maps. */
class KmemExperimentTest {
    @Test
    void theHogStarvesTheVictimOnlyUnderThePoolButTheServerStarvesItsClientUnderBoth() {
        Map<String, Double> v = KmemExperiment.run().stream()
                .collect(Collectors.toMap(r -> r.model() + " " + r.metric(), CommExperiment.Row::value));
        assertEquals(1.0, v.get("pool victim-refused"));
        assertEquals(0.0, v.get("quota victim-refused"));
        for (String m : new String[] {"pool", "quota"}) {
            // The client pays for what the server's maps make in its space: six pages, each with a
            // mapping node and a leaf page table of its own, and the page table the seventh needed
            // before the client ran out. The server pays for its own mappings from sigma0.
            assertEquals(7.0 * 4096 + 6 * MapNode.BYTES, v.get(m + " client-bytes-from-server-maps"), m);
            assertEquals(20480.0, v.get(m + " server-bytes-from-its-maps"), m);
            assertEquals(1.0, v.get(m + " client-starved-by-server"), m);
        }
    }
}
