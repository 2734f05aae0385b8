package kola.kernel;

/**
 * A node of the mapping database (paper section 2, figure 1; L4 X.2 "Mapping"): one 4 KiB page of
 * one address space, mapped to a physical frame with some rights, derived from its parent's
 * mapping. Sigma0's nodes are the roots. Children hold at most their parent's rights. The node
 * and the page-table entry of (space, vpn) always agree.
 */
final class MapNode extends Derived<MapNode> {
    /** Bytes of kernel memory a mapping node is charged at. */
    static final long BYTES = 48;

    Space space;
    long vpn;
    final long pfn;
    int rights;
    /** Where the kernel memory of this node lives. */
    KernelFrame frame;


    MapNode(Space space, long vpn, long pfn, int rights) {
        this.space = space;
        this.vpn = vpn;
        this.pfn = pfn;
        this.rights = rights;
    }

}
