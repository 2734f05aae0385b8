package kola.kernel;

import kola.abi.Fpage;
import kola.machine.CostModel;
import kola.machine.CycleClock;
import kola.machine.PhysicalMemory;
import kola.machine.Tlb;

/**
 * The mapping database (paper section 2, figure 1; L4 X.2 "Mapping", "Unmap"): for every frame,
 * the tree of mappings derived from sigma0's. Map adds a child with equal or fewer rights; grant
 * moves a node to another space (the granter loses it); unmap reduces the rights of, or removes,
 * the whole subtree below a mapping, in every space, and flushes exactly those TLB entries.
 *
 * <p>Every node has exactly one page-table entry, (space, vpn) → frame with the node's rights,
 * and every user page-table entry has exactly one node (the KIP page, which the kernel maps
 * itself, is the only exception). Sigma0's space is the identity mapping of the memory it owns;
 * its root nodes are made on first use.
 *
 * <p>Unmapping a tree visits each node once, iteratively, without allocating: its cost is bounded
 * by the number of mapping nodes, which kernel memory bounds.
 *
 * <p><b>Status</b> (X.2 Unmap: the fpage's rwx bits on return say whether its pages were
 * referenced, written or executed). The MMU records each access in the {@code A} and {@code D}
 * bits of the page-table entry it went through; the database takes them out
 * ({@link PageTable#takeStatus}) whenever an Unmap reads the status and before an entry is
 * removed, moved or given other rights, so none is lost, and keeps them per node: an access
 * through a mapping counts as unread once for the mapping's own holder
 * ({@link MapNode#ownStatus}) and once for the holder of every mapping it derives from, up to
 * sigma0's ({@link MapNode#derivedStatus}). Unmap without flush reports and resets the caller's
 * derived status (the accesses through the mappings derived from its pages: those of the spaces
 * it mapped them to, directly or indirectly); with flush, its own status too. So each holder
 * hears of an access once, whoever else read it before, and a mapping that goes leaves its
 * accesses to those it derived from. This is L4Ka::Pistachio's rule (the reference bits of a
 * removed or read subtree move up to its parent), kept per holder. Reading a subtree's status,
 * revoking it or removing it stays linear in its nodes: each walk passes the bits up one level
 * at a time ({@link MapNode#walkStatus}) and goes up from its top once.
 */
final class MappingDatabase {
    private final Kernel k;
    private final PhysicalMemory phys;
    private final Tlb tlb;
    private final CycleClock clock;
    /** The root node of every frame that has a tree, by frame number. */
    private final PageIndex roots = new PageIndex();
    /** Nodes created (roots and children) minus nodes removed: for invariant checks. */
    private long nodes;
    /** The next {@link Derived#serial} of a mapping. */
    private long serials = 1;

    MappingDatabase(Kernel kernel) {
        this.k = kernel;
        this.phys = kernel.machine.memory();
        this.tlb = kernel.machine.tlb();
        this.clock = kernel.clock;
    }

    /** Whether {@code n} is the registered root of its frame's tree. */
    boolean isRoot(MapNode n) {
        return roots.get(n.pfn) == n;
    }

    long nodeCount() {
        return nodes;
    }

    /** Whether sigma0 holds frame {@code pfn} by birth: RAM the kernel did not reserve, or device memory. */
    boolean sigma0Owns(long pfn) {
        long pa = pfn << PhysicalMemory.PAGE_SHIFT;
        if (pfn < 0 || pa >>> PhysicalMemory.PAGE_SHIFT != pfn) {
            return false;
        }
        if (pa < phys.ramBytes()) {
            return pa >= k.config.kernelMemoryBytes() && !isKernelFrame(pfn);
        }
        return phys.isDevice(pa) && pfn != k.machine.picBase() >>> PhysicalMemory.PAGE_SHIFT;
    }

    /** Whether a task gave frame {@code pfn} to the kernel for its objects (precise, lend): no page-table entry may map it. */
    private boolean isKernelFrame(long pfn) {
        return k.frames != null && k.frames.frame(pfn) != null;
    }

    /**
     * Whether {@code n} is the only mapping of its frame apart from the ones it derives from:
     * nothing is mapped on from it, and no ancestor mapped the frame to anyone else. Only such a
     * page may become kernel memory (which takes it from every space that maps it): a page shared
     * with another task may not be taken from that task.
     */
    static boolean unshared(MapNode n) {
        if (n.firstChild != null) {
            return false;
        }
        for (MapNode c = n, p = n.parent; p != null; c = p, p = p.parent) {
            if (p.firstChild != c || c.nextSibling != null) {
                return false;
            }
        }
        return true;
    }

    /** Takes away every page-table entry of frame {@code pfn}, in every space: the kernel has it now. The nodes stay. */
    void hide(long pfn) {
        MapNode root = roots.get(pfn);
        if (root != null) {
            collect(root, true);
        }
        for (MapNode n = root; n != null; n = Derived.nextInSubtree(n, root)) {
            n.space.pageTable.unmap(n.vpn << PhysicalMemory.PAGE_SHIFT, tlb);
        }
    }

    /**
     * Gives the mappings of frame {@code pfn} their page-table entries back: the kernel returned
     * it. A mapping whose entry cannot be made (its space's kernel memory ran out for a page-table
     * node) goes, with what derives from it.
     */
    void reveal(long pfn) {
        MapNode root = roots.get(pfn);
        MapNode n = root;
        while (n != null) {
            if (n.space.pageTable.map(n.vpn << PhysicalMemory.PAGE_SHIFT, pfn, n.rights, n.attribute)) {
                tlb.flush(n.space.asid, n.vpn);
                n = Derived.nextInSubtree(n, root);
            } else {
                MapNode next = successorSkipping(n, root);
                if (n == root) {
                    next = null;
                }
                removeSubtree(n);
                n = next;
            }
        }
    }

    /**
     * The mapping node of page {@code vpn} in {@code space}. Sigma0's identity mapping is made
     * here on first use; null if there is none (or kernel memory ran out making it).
     */
    MapNode node(Space space, long vpn) {
        MapNode n = space.pages.get(vpn);
        if (n == null && space == k.sigma0Space && sigma0Owns(vpn) && roots.get(vpn) == null) {
            n = insert(space, vpn, vpn, Fpage.RWX, null);
        }
        return n;
    }

    /** Creates a node and its page-table entry; null if kernel memory is exhausted. */
    private MapNode insert(Space space, long vpn, long pfn, int rights, MapNode parent) {
        return insert(space, vpn, pfn, rights, parent, false);
    }

    /**
     * Creates a node and, if the page-table nodes on its path are there or fit, its entry; with
     * {@code entryLater} a node whose entry did not fit is kept (the next fault makes it, as for
     * a path a kpager evicted), otherwise nothing is made. Null if kernel memory is exhausted.
     */
    private MapNode insert(Space space, long vpn, long pfn, int rights, MapNode parent, boolean entryLater) {
        KernelFrame f = k.kmem.charge(space, KernelObject.MAPPING_NODE, MapNode.BYTES);
        if (f == null) {
            return null;
        }
        if (!space.pageTable.map(vpn << PhysicalMemory.PAGE_SHIFT, pfn, rights) && !entryLater) {
            k.kmem.release(f, space, KernelObject.MAPPING_NODE, MapNode.BYTES, null);
            return null;
        }
        tlb.flush(space.asid, vpn);
        MapNode n = new MapNode(space, vpn, pfn, rights);
        n.serial = serials++;
        n.frame = f;
        f.hold(n);
        if (parent == null) {
            roots.put(pfn, n);
        } else {
            parent.addChild(n);
        }
        space.pages.put(vpn, n);
        nodes++;
        return n;
    }

    /**
     * Maps or grants the pages of the fpage {@code [srcBase, srcBase + 2^sizeLog2)} that
     * {@code from} holds to {@code to} at {@code destBase}, with at most {@code rights}. Pages the
     * sender does not hold are skipped; pages that would land in the receiver's KIP or UTCB area
     * are skipped. Returns false if kernel memory ran out (pages mapped so far stay mapped).
     */
    boolean map(Space from, long srcBase, int sizeLog2, int rights, Space to, long destBase, boolean grant) {
        long pages = 1L << (sizeLog2 - PhysicalMemory.PAGE_SHIFT);
        long srcVpn = srcBase >>> PhysicalMemory.PAGE_SHIFT;
        long destVpn = destBase >>> PhysicalMemory.PAGE_SHIFT;
        if (from != k.sigma0Space && pages > from.pages.size()) {
            // Sparse source: visit the pages the sender holds rather than every page of the range.
            MapNode[] held = heldIn(from, srcVpn, pages);
            for (MapNode n : held) {
                // Mapping an earlier page may have removed this one (it derived from what was replaced).
                if (from.pages.get(n.vpn) == n && !mapPage(n, rights, to, destVpn + (n.vpn - srcVpn), grant)) {
                    return false;
                }
            }
            return true;
        }
        long first = srcVpn;
        long end = srcVpn + pages;
        if (from == k.sigma0Space) {
            // Sigma0 holds at most RAM and device memory: clip the walk to the frames that exist.
            long limit = Math.max(phys.ramBytes() >>> PhysicalMemory.PAGE_SHIFT, lastDeviceFrame());
            end = Math.min(end, limit);
        }
        for (long vpn = first; vpn < end; vpn++) {
            MapNode n = node(from, vpn);
            if (n == null && from == k.sigma0Space && sigma0Owns(vpn) && roots.get(vpn) == null) {
                return false; // sigma0 holds the page, but kernel memory for its node ran out
            }
            if (n != null && !mapPage(n, rights, to, destVpn + (vpn - srcVpn), grant)) {
                return false;
            }
        }
        return true;
    }

    private long lastDeviceFrame() {
        long end = 0;
        for (var d : phys.devices()) {
            end = Math.max(end, (d.base() + d.size()) >>> PhysicalMemory.PAGE_SHIFT);
        }
        return end;
    }

    /** The nodes of {@code space} in pages {@code [firstVpn, firstVpn + pages)}, by page. */
    static MapNode[] heldIn(Space space, long firstVpn, long pages) {
        java.util.ArrayList<MapNode> held = new java.util.ArrayList<>();
        space.pages.forEach(n -> {
            if (n.vpn >= firstVpn && n.vpn - firstVpn < pages) {
                held.add(n);
            }
        });
        held.sort(java.util.Comparator.comparingLong(n -> n.vpn));
        return held.toArray(new MapNode[0]);
    }

    private boolean mapPage(MapNode src, int rights, Space to, long destVpn, boolean grant) {
        int r = src.rights & rights;
        long va = destVpn << PhysicalMemory.PAGE_SHIFT;
        if (r == 0 || to.isKernelArea(va) || isKernelFrame(src.pfn)) {
            return true; // (a frame the kernel has is not memory its holders can pass on)
        }
        clock.advance(CostModel.MAP_PAGE);
        MapNode existing = to.pages.get(destVpn);
        if (existing == src) {
            return true;
        }
        if (existing != null) {
            if (existing.isAncestorOf(src)) {
                return true; // replacing it would destroy the very mapping being sent
            }
            if (!grant && existing.parent == src && existing.pfn == src.pfn) {
                setRights(existing, existing.rights | r); // X.2: a repeated map extends the rights
                return true;
            }
            removeSubtree(existing);
        }
        if (!grant) {
            return insert(to, destVpn, src.pfn, r, src) != null;
        }
        KernelFrame f = k.kmem.charge(to, KernelObject.MAPPING_NODE, MapNode.BYTES);
        if (f == null) {
            return false;
        }
        if (!to.pageTable.map(va, src.pfn, r)) {
            k.kmem.release(f, to, KernelObject.MAPPING_NODE, MapNode.BYTES, null);
            return false;
        }
        Space from = src.space;
        from.pages.remove(src.vpn);
        // The mapping moves with the accesses made through it that nobody has read yet.
        int taken = PageTable.status(from.pageTable.unmap(src.vpn << PhysicalMemory.PAGE_SHIFT, tlb));
        src.ownStatus |= taken;
        credit(src, taken);
        k.kmem.release(from, src);
        src.frame = f;
        f.hold(src);
        src.space = to;
        src.vpn = destVpn;
        src.serial = serials++;
        to.pages.put(destVpn, src);
        tlb.flush(to.asid, destVpn);
        src.rights = r;
        src.attribute = kola.machine.Sv39.PBMT_PMA; // (the entry just made has the default: a new mapping in the receiver's space)
        if (src.firstChild != null) {
            collect(src, false); // (as unmapPage does before it reduces rights)
            revokeBelow(src, ~r & Fpage.RWX);
        }
        return true;
    }

    /**
     * Unmap of the fpage {@code [base, base + 2^sizeLog2)} in {@code space}: the rights
     * {@code revoke} are taken from every mapping derived from the space's pages in it, and from
     * the space's own pages too when {@code flush}. Mappings left without rights are removed.
     * Returns the status of the fpage (the class comment), accumulated over its pages, and resets it.
     */
    int unmap(Space space, long base, int sizeLog2, int revoke, boolean flush) {
        long pages = 1L << (sizeLog2 - PhysicalMemory.PAGE_SHIFT);
        long first = base >>> PhysicalMemory.PAGE_SHIFT;
        int status = 0;
        if (pages > space.pages.size()) {
            for (MapNode n : heldIn(space, first, pages)) {
                if (space.pages.get(n.vpn) == n) { // not removed by an earlier page's unmap
                    status |= unmapPage(n, revoke, flush);
                }
            }
            return status;
        }
        for (long vpn = first; vpn < first + pages; vpn++) {
            MapNode n = space.pages.get(vpn);
            if (n != null) {
                status |= unmapPage(n, revoke, flush);
            }
        }
        return status;
    }

    private int unmapPage(MapNode n, int revoke, boolean flush) {
        if ((revoke & Fpage.RWX) == 0) {
            // Nothing to revoke (X.2: rwx 0 reads the status only): the walk is all, charged as it was.
            clock.advance(CostModel.MAP_PAGE * collect(n, flush));
            return read(n, flush);
        }
        if ((revoke & Fpage.RWX) != Fpage.RWX) {
            // Some mappings may stay with fewer rights: take the status first, under the rights it was made under.
            collect(n, flush);
        } // (else every mapping revoked goes, and leaves its status to those above it as it goes)
        if (flush) {
            int gone = revokeFrom(n, revoke);
            if (gone >= 0) {
                return gone; // n went, with what it had not read
            }
        } else {
            revokeBelow(n, revoke);
        }
        return read(n, flush);
    }

    /** The status {@code n}'s holder reads (its own only with {@code flush}), reset. */
    private static int read(MapNode n, boolean flush) {
        int status = n.derivedStatus | (flush ? n.ownStatus : 0);
        n.derivedStatus = 0;
        if (flush) {
            n.ownStatus = 0;
        }
        return status;
    }

    /**
     * Takes the status out of the page-table entries of {@code top}'s subtree ({@code top}'s own
     * entry only {@code withTop}) into the nodes: each node's into its {@link MapNode#ownStatus},
     * and into the {@link MapNode#derivedStatus} of every mapping it derives from, within the
     * subtree and above it. Visits each node once, children before their parent, iteratively,
     * and walks up from {@code top} once; allocates nothing. Returns the entries it looked at.
     */
    long collect(MapNode top, boolean withTop) {
        long visited = 0;
        MapNode n = top;
        while (n.firstChild != null) {
            n = n.firstChild;
        }
        while (true) {
            int seen = n.walkStatus; // what was taken below n
            n.walkStatus = 0;
            if (n != top || withTop) {
                int own = n.space.pageTable.takeStatus(n.vpn << PhysicalMemory.PAGE_SHIFT, tlb);
                n.ownStatus |= own;
                seen |= own;
                visited++;
            }
            if (n == top) {
                credit(top, seen);
                return visited;
            }
            MapNode parent = n.parent;
            parent.derivedStatus |= seen;
            parent.walkStatus |= seen;
            if (n.nextSibling != null) {
                n = n.nextSibling;
                while (n.firstChild != null) {
                    n = n.firstChild;
                }
            } else {
                n = parent;
            }
        }
    }

    /** Adds {@code status}, accesses through {@code n} or below it, to the derived status of every mapping {@code n} derives from. */
    private static void credit(MapNode n, int status) {
        creditFrom(n.parent, status);
    }

    /** Adds {@code status} to the derived status of {@code p} and every mapping it derives from. */
    private static void creditFrom(MapNode p, int status) {
        if (status != 0) {
            for (; p != null; p = p.parent) {
                p.derivedStatus |= status;
            }
        }
    }

    /**
     * Takes the status out of the entries of {@code space}'s mappings in pages
     * {@code [firstVpn, firstVpn + pages)}, which are about to go with their page-table node
     * while the mappings stay (a kpager's eviction of the node).
     */
    void keepStatus(Space space, long firstVpn, long pages) {
        for (MapNode n : heldIn(space, firstVpn, pages)) {
            int own = space.pageTable.takeStatus(n.vpn << PhysicalMemory.PAGE_SHIFT, tlb);
            n.ownStatus |= own;
            credit(n, own);
        }
    }

    /** Takes {@code revoke} from every node strictly below {@code top}. */
    private void revokeBelow(MapNode top, int revoke) {
        top.serial = serials++; // (its exported children are revoked too)
        MapNode c = top.firstChild;
        while (c != null) {
            MapNode next = c.nextSibling;
            revokeFrom(c, revoke);
            c = next;
        }
    }

    /**
     * Takes {@code revoke} from {@code top} and its whole subtree, in pre-order, removing nodes
     * left without rights (a node given fewer rights has its entry's status taken first, by
     * {@link #setRights}). Returns -1, or, if {@code top} itself went, the status its holder had
     * not read ({@link #removeSubtree}).
     */
    private int revokeFrom(MapNode top, int revoke) {
        MapNode n = top;
        while (n != null) {
            clock.advance(CostModel.MAP_PAGE);
            int r = n.rights & ~revoke;
            if (r != n.rights && isKernelFrame(n.pfn) && k.frames.frame(n.pfn).node == n) {
                r = 0; // the kernel's hold on a frame is all or nothing: taking any right revokes it
            }
            MapNode next;
            if (r == 0) {
                next = successorSkipping(n, top);
                int unread = removeSubtree(n);
                if (n == top) {
                    return unread;
                }
            } else {
                if (r != n.rights) {
                    setRights(n, r);
                }
                n.serial = serials++;
                next = n.firstChild != null ? n.firstChild : successorSkipping(n, top);
            }
            n = next;
        }
        return -1;
    }

    /** The pre-order successor of {@code n} within {@code top}'s subtree, not descending into n. */
    private static MapNode successorSkipping(MapNode n, MapNode top) {
        while (n != top) {
            if (n.nextSibling != null) {
                return n.nextSibling;
            }
            n = n.parent;
        }
        return null;
    }

    /**
     * MemoryControl (X.2): sets memory attribute {@code attribute} (an Svpbmt type, 0..2, checked
     * by the caller) on every page {@code space} holds in {@code [base, base + 2^sizeLog2)}: in its
     * node and, if the page has one, in its leaf (whose TLB entry goes). Pages the space does not
     * hold are skipped; the mappings derived from its pages keep theirs. A page whose frame the
     * kernel has, or whose leaf a kpager evicted, gets the attribute in its node, and its entry
     * has it when it is made again. Charged {@link CostModel#MAP_PAGE} per page set. Returns the
     * pages set.
     */
    long setAttribute(Space space, long base, int sizeLog2, int attribute) {
        long pages = 1L << (sizeLog2 - PhysicalMemory.PAGE_SHIFT);
        long first = base >>> PhysicalMemory.PAGE_SHIFT;
        long set = 0;
        if (pages > space.pages.size()) {
            for (MapNode n : heldIn(space, first, pages)) {
                setAttribute(n, attribute);
                set++;
            }
            return set;
        }
        for (long vpn = first; vpn < first + pages; vpn++) {
            MapNode n = space.pages.get(vpn);
            if (n != null) {
                setAttribute(n, attribute);
                set++;
            }
        }
        return set;
    }

    private void setAttribute(MapNode n, int attribute) {
        clock.advance(CostModel.MAP_PAGE);
        n.attribute = attribute;
        if (!isKernelFrame(n.pfn)) {
            n.space.pageTable.setAttribute(n.vpn << PhysicalMemory.PAGE_SHIFT, attribute, tlb);
        }
    }

    private void setRights(MapNode n, int rights) {
        n.rights = rights;
        n.serial = serials++;
        if (!isKernelFrame(n.pfn)) {
            // The entry's status is taken under the old rights, which tell X from R (PageTable.status).
            int taken = n.space.pageTable.takeStatus(n.vpn << PhysicalMemory.PAGE_SHIFT, tlb);
            n.ownStatus |= taken;
            credit(n, taken);
            n.space.pageTable.map(n.vpn << PhysicalMemory.PAGE_SHIFT, n.pfn, rights, n.attribute);
            tlb.flush(n.space.asid, n.vpn);
        }
    }

    /**
     * Removes {@code top} and every node below it, leaves first, with their page-table and TLB
     * entries. The status of the entries removed is left to the mappings above: to each node's
     * parent before it goes, as {@link #collect} does, and from {@code top} up. Returns what
     * {@code top}'s holder had not read (its own status and its derived status), which goes with it.
     */
    int removeSubtree(MapNode top) {
        MapNode above = top.parent;
        MapNode n = top;
        while (true) {
            while (n.firstChild != null) {
                n = n.firstChild;
            }
            MapNode parent = n.parent;
            int seen = n.walkStatus | PageTable.status(removeLeaf(n)); // this entry's and what went below it
            n.walkStatus = 0;
            if (n == top) {
                creditFrom(above, seen);
                return top.ownStatus | top.derivedStatus | seen;
            }
            parent.derivedStatus |= seen;
            parent.walkStatus |= seen;
            n = parent;
        }
    }

    /** Removes leaf node {@code n} and its entry; returns the entry removed (0: it had none). */
    private long removeLeaf(MapNode n) {
        Space space = n.space;
        space.pages.remove(n.vpn);
        long entry = space.pageTable.unmap(n.vpn << PhysicalMemory.PAGE_SHIFT, tlb);
        k.kmem.release(space, n);
        if (n.parent == null && roots.get(n.pfn) == n) {
            roots.remove(n.pfn);
        }
        n.unlink();
        nodes--;
        if (k.frames != null) {
            k.frames.mappingRemoved(n);
        }
        return entry;
    }

    /**
     * Makes again a mapping a kpager's export held (the export is authentic): {@code vpn} of the
     * space {@code asid} to frame {@code pfn} with {@code rights}, derived from page
     * {@code parentVpn} of space {@code parentAsid}, if that parent still holds the frame, at
     * least those rights, under the same version, the page is free and kernel memory suffices.
     */
    boolean restore(int asid, long vpn, long pfn, int rights, int parentAsid, long parentVpn, long parentSerial) {
        Space s = k.lifecycle.spaceByAsid(asid);
        Space ps = k.lifecycle.spaceByAsid(parentAsid);
        if (s == null || ps == null || rights == 0 || s.pages.get(vpn) != null || s.isKernelArea(vpn << PhysicalMemory.PAGE_SHIFT)
                || isKernelFrame(pfn)) {
            return false;
        }
        MapNode p = ps.pages.get(parentVpn);
        if (p == null || p.serial != parentSerial || p.pfn != pfn || (rights & ~p.rights) != 0) {
            return false;
        }
        return insert(s, vpn, pfn, rights, p, true) != null;
    }

    /** Removes every mapping of a space that is being deleted, with everything derived from it. */
    void removeAll(Space space) {
        MapNode[] all = heldIn(space, 0, Long.MAX_VALUE);
        for (MapNode n : all) {
            if (n.space == space && space.pages.get(n.vpn) == n) {
                // Children in other spaces go too: they derive from memory this space no longer has.
                removeSubtree(n);
            }
        }
    }
}
