package kola.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The unmap-tree harness builds trees of the asked size and its unmap removes exactly them. */
class UnmapTreeBenchTest {
    @Test
    void roundsBuildAndUnmapWholeTrees() {
        UnmapTreeBench.Tree t = new UnmapTreeBench.Tree(1_000);
        long nodes = t.mappingNodes();
        for (int i = 0; i < 3; i++) {
            // round() itself checks that exactly 1,000 nodes went; it returns the Unmap call's host ns.
            HostNanos.assertWithinTheCall("unmap of 1,000 nodes", t::round);
            assertEquals(nodes, t.mappingNodes());
        }
    }

    @Test
    void oddSizesAndTheBuildUnmapSplit() {
        UnmapTreeBench.Tree t = new UnmapTreeBench.Tree(37);
        long nodes = t.mappingNodes();
        t.build();
        assertEquals(nodes + 37, t.mappingNodes());
        t.unmap();
        assertEquals(nodes, t.mappingNodes());
        assertThrows(IllegalStateException.class, t::unmap);
    }
}
