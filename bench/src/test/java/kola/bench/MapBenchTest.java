package kola.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The map + unmap harness: every mapping is real and every unmap removes it. */
class MapBenchTest {
    @Test
    void measuresTheOperationsAskedFor() {
        // measure() throws unless all 2,000 map + unmap operations completed, every reply checked.
        HostNanos.assertWithinTheCall("map + unmap", () -> MapBench.measure(2_000));
    }

    @Test
    void everyMappingIsCheckedAndRemoved() {
        MapBench.Session s = new MapBench.Session(1); // the receiver loads through every mapping
        long ops = s.completed();
        long verified = s.verified();
        s.ops(300);
        assertEquals(300, s.completed() - ops, 1);
        assertEquals(300, s.verified() - verified, 1);
        // Between operations the mapper has unmapped: at most the one mapping in flight exists.
        assertTrue(s.receiverMappings() <= 1, s.receiverMappings() + " mappings left in the receiver");
    }
}
