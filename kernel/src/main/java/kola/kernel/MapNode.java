package kola.kernel;

/**
 * A node of the mapping database (paper section 2, figure 1; L4 X.2 "Mapping"): one 4 KiB page of
 * one address space, mapped to a physical frame with some rights, derived from its parent's
 * mapping. Sigma0's nodes are the roots. Children hold at most their parent's rights. The node
 * and the page-table entry of (space, vpn) always agree.
 */
final class MapNode {
    /** Bytes of kernel memory a mapping node is charged at. */
    static final long BYTES = 48;

    Space space;
    long vpn;
    final long pfn;
    int rights;
    MapNode parent;
    MapNode firstChild;
    MapNode nextSibling;
    MapNode prevSibling;

    MapNode(Space space, long vpn, long pfn, int rights) {
        this.space = space;
        this.vpn = vpn;
        this.pfn = pfn;
        this.rights = rights;
    }

    void addChild(MapNode child) {
        child.parent = this;
        child.prevSibling = null;
        child.nextSibling = firstChild;
        if (firstChild != null) {
            firstChild.prevSibling = child;
        }
        firstChild = child;
    }

    void unlink() {
        if (prevSibling != null) {
            prevSibling.nextSibling = nextSibling;
        } else if (parent != null) {
            parent.firstChild = nextSibling;
        }
        if (nextSibling != null) {
            nextSibling.prevSibling = prevSibling;
        }
        parent = null;
        nextSibling = null;
        prevSibling = null;
    }

    /** Whether this node is {@code other} or one of its ancestors. */
    boolean isAncestorOf(MapNode other) {
        for (MapNode n = other; n != null; n = n.parent) {
            if (n == this) {
                return true;
            }
        }
        return false;
    }
}
