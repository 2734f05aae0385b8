package kola.kernel;

/**
 * A node of the mapping database (paper section 2, figure 1; L4 X.2 "Mapping"): one 4 KiB page of
 * one address space, mapped to a physical frame with some rights, derived from its parent's
 * mapping. Sigma0's nodes are the roots. Children hold at most their parent's rights. The node
 * and the page-table entry of (space, vpn) always agree.
 */
final class MapNode extends Derived<MapNode> implements Charged {
    /** Bytes of kernel memory a mapping node is charged at. */
    static final long BYTES = 48;

    Space space;
    long vpn;
    final long pfn;
    int rights;
    /**
     * The page's memory attribute in its space (X.2 MemoryControl; the Svpbmt memory type of its
     * leaf: {@code Sv39.PBMT_PMA} 0, the default, {@code PBMT_NC} or {@code PBMT_IO}). A property
     * of this mapping alone: a new mapping, one made by map or grant, starts at the default.
     */
    int attribute;
    /** Where the kernel memory of this node lives. */
    KernelFrame frame;
    /**
     * The status (X.2 Unmap: {@code Fpage.R} referenced, {@code W} written, {@code X} executed) of
     * the accesses made through this mapping's own page-table entry that its holder has not read
     * yet (read by a flush of the page). Taken from the entry's {@code A} and {@code D} bits by
     * {@link MappingDatabase}; those not taken yet are still in the entry. (In the charge of
     * {@link #BYTES} the three status words share the rights word.)
     */
    int ownStatus;
    /** The status of the accesses through the mappings derived from this one (its whole subtree) that its holder has not read yet (read by any unmap of the page). */
    int derivedStatus;
    /** Scratch of one walk ({@link MappingDatabase#collect}, {@link MappingDatabase#removeSubtree}): what it took below this node; 0 outside it. */
    int walkStatus;

    MapNode(Space space, long vpn, long pfn, int rights) {
        this.space = space;
        this.vpn = vpn;
        this.pfn = pfn;
        this.rights = rights;
    }

    @Override
    public KernelObject kind() {
        return KernelObject.MAPPING_NODE;
    }

    @Override
    public KernelFrame frame() {
        return frame;
    }
}
