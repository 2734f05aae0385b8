package kola.kernel;

/**
 * A node of a derivation tree (paper section 2, figure 1): a mapping or a capability, derived
 * from its parent by map, moved by grant, revoked with its whole subtree by unmap. Memory
 * ({@link MapNode}) and capabilities ({@link CapNode}) share this one mechanism.
 */
abstract class Derived<N extends Derived<N>> {
    N parent;
    N firstChild;
    N nextSibling;
    N prevSibling;
    /**
     * This node's version: new whenever its rights shrink, its children are revoked or it moves.
     * A child a kpager exported comes back only under the very version it was exported under.
     */
    long serial;

    @SuppressWarnings("unchecked")
    private N self() {
        return (N) this;
    }

    final void addChild(N child) {
        child.parent = self();
        child.prevSibling = null;
        child.nextSibling = firstChild;
        if (firstChild != null) {
            firstChild.prevSibling = child;
        }
        firstChild = child;
    }

    final void unlink() {
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
    final boolean isAncestorOf(N other) {
        for (N n = other; n != null; n = n.parent) {
            if (n == this) {
                return true;
            }
        }
        return false;
    }

    /**
     * The node after {@code n} in a pre-order walk of the subtree rooted at {@code root}, or null
     * at its end: the walk visits each node once, iteratively, without allocating.
     */
    static <N extends Derived<N>> N nextInSubtree(N n, N root) {
        if (n.firstChild != null) {
            return n.firstChild;
        }
        while (n != root) {
            if (n.nextSibling != null) {
                return n.nextSibling;
            }
            n = n.parent;
        }
        return null;
    }
}
