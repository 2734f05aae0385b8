package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The kernel-memory experiment's outcomes under every model (docs/EXPERIMENTS.md). */
class KmemExperimentTest {
    @Test
    void eachModelsOutcomesAreThePapersAndTheFiguresAddUp() {
        Map<String, Double> v = KmemExperiment.run().stream()
                .collect(Collectors.toMap(r -> r.model() + " " + r.metric(), CommExperiment.Row::value));
        // Denial of service: only the central pool lets the hog starve the victim.
        for (KmemModel m : KmemModel.values()) {
            assertEquals(m == KmemModel.POOL ? 1.0 : 0.0, v.get(m.label() + " victim-refused"), m.label());
        }
        // Who pays: the client, for what the server's maps make in its space, under every model.
        for (KmemModel m : KmemModel.values()) {
            double mapped = v.get(m.label() + " server-pages-mapped");
            assertTrue(mapped >= 1 && mapped <= KmemExperiment.SERVER_PAGES, m.label());
            assertTrue(v.get(m.label() + " client-bytes-from-server-maps") >= mapped * (4096 + MapNode.BYTES), m.label());
        }
        // Typed memory keeps the server's maps from starving the client's own objects; shared memory does not.
        assertEquals(0.0, v.get("precise client-starved-by-server"));
        assertEquals(1.0, v.get("quota client-starved-by-server"));
        assertEquals(1.0, v.get("lend client-starved-by-server"));
        // The kpager attack holds the server only under the kpager model.
        for (KmemModel m : KmemModel.values()) {
            assertEquals(m == KmemModel.KPAGER ? 1.0 : 0.0, v.get(m.label() + " server-blocked-by-clients-kpager"), m.label());
        }
        // Figure 5's chain: six messages a page; lent pages stay at the peak, the others come back.
        for (String m : new String[] {"lend", "kpager", "precise"}) {
            assertEquals(6.0, v.get(m + " chain-ipcs-per-page"), m);
            assertTrue(v.get(m + " current-kernel-bytes") < v.get(m + " peak-kernel-bytes"), m);
        }
        assertEquals(v.get("lend pages-held-at-peak"), v.get("lend pages-held-after-shrink"));
        assertTrue(v.get("precise pages-held-after-shrink") < v.get("precise pages-held-at-peak"));
        assertTrue(v.get("kpager pages-held-after-shrink") < v.get("kpager pages-held-at-peak"));
        // Revocation destroys every object the task had in the revoked pages: its object space, and
        // each notification with its capability.
        assertEquals(1.0 + 2 * KmemExperiment.REVOKED_OBJECTS, v.get("precise revoked-objects"));
        // Each destroyed object is charged what removing a mapping is; the unmap's IPC comes on top.
        assertTrue(v.get("precise revoke-all-cycles") >= v.get("precise revoked-objects") * kola.machine.CostModel.MAP_PAGE);
        assertEquals(v.get("precise revoke-all-cycles") / v.get("precise revoked-objects"), v.get("precise revoke-cycles-per-object"));
    }
}
