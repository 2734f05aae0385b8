package kola.kernel;

import kola.machine.PhysicalMemory;
import kola.machine.Sv39;
import kola.machine.Tlb;

/**
 * An address space's Sv39 page table in physical memory (RISC-V privileged spec, "Sv39"; DESIGN.md,
 * "Memory"). The kernel writes it; the MMU walks it on TLB misses and sets the leaves' {@code A}
 * and {@code D} bits, which the kernel takes back as the pages' status ({@link #takeStatus}).
 * Node frames come from the kernel-memory model and are charged to the space. Kola maps 4 KiB
 * pages only.
 */
final class PageTable {
    private static final int ENTRIES = 512;
    private static final int PTE_BYTES = 8;
    /** A leaf's accessed and dirty bits, which the MMU sets (hardware-managed, DESIGN.md "Memory"). */
    static final long ACCESSED = Sv39.A | Sv39.D;

    private final PhysicalMemory memory;
    private final KernelMemory kmem;
    private final Space space;
    final long rootPfn;

    /** A page table for {@code space} whose root frame {@code rootPfn} the caller allocated. */
    PageTable(PhysicalMemory memory, KernelMemory kmem, Space space, long rootPfn) {
        this.memory = memory;
        this.kmem = kmem;
        this.space = space;
        this.rootPfn = rootPfn;
    }

    /**
     * Maps the 4 KiB page at {@code va} to frame {@code pfn} with L4 rights rwx. A leaf that maps
     * the same frame already keeps its {@code A} and {@code D} bits, so that no access is lost (the
     * mapping database takes them with {@link #takeStatus} before it changes a mapping's rights,
     * since {@link #status} reads them under the rights they were set under); a new leaf has them
     * clear. Returns false if a page-table node could not be allocated (nothing is changed then).
     */
    boolean map(long va, long pfn, int rights) {
        return map(va, pfn, rights, Sv39.PBMT_PMA);
    }

    /** {@link #map(long, long, int)}, the leaf with Svpbmt memory type {@code attribute} (0..2). */
    boolean map(long va, long pfn, int rights, int attribute) {
        long table = rootPfn;
        long firstNewSlot = -1;
        long firstNewFrame = -1;
        for (int level = Sv39.LEVELS - 1; level > 0; level--) {
            long slot = entryAddress(table, va, level);
            long pte = memory.load64(slot);
            if ((pte & Sv39.V) == 0) {
                long child = kmem.allocateFrame(space);
                if (child < 0) {
                    if (firstNewSlot >= 0) {
                        // Undo this call's nodes: at most one, since a level-1 node is the last made.
                        memory.store64(firstNewSlot, 0);
                        kmem.freeFrame(space, firstNewFrame);
                    }
                    return false;
                }
                memory.store64(slot, Sv39.pte(child, Sv39.V));
                if (firstNewSlot < 0) {
                    firstNewSlot = slot;
                    firstNewFrame = child;
                }
                table = child;
            } else {
                table = Sv39.pfn(pte);
            }
        }
        long leaf = entryAddress(table, va, 0);
        long old = memory.load64(leaf);
        long accessed = Sv39.isLeaf(old) && Sv39.pfn(old) == pfn ? old & ACCESSED : 0;
        memory.store64(leaf, Sv39.withPbmt(Sv39.pte(pfn, leafFlags(rights)) | accessed, attribute));
        return true;
    }

    /**
     * Sets the Svpbmt memory type of the leaf for {@code va}, if there is one, keeping the rest of
     * it ({@code A} and {@code D} included), and flushes exactly that TLB entry, so the next
     * access walks and caches the new type. Returns whether there was a leaf.
     */
    boolean setAttribute(long va, int attribute, Tlb tlb) {
        long leaf = leafAddress(va);
        if (leaf < 0) {
            return false;
        }
        long pte = memory.load64(leaf);
        if (!Sv39.isLeaf(pte)) {
            return false;
        }
        memory.store64(leaf, Sv39.withPbmt(pte, attribute));
        tlb.flush(space.asid, va >>> PhysicalMemory.PAGE_SHIFT);
        return true;
    }

    /** Whether the last-level node on {@code va}'s path exists (a kpager may have evicted a node on it). */
    boolean hasLeafTable(long va) {
        long table = rootPfn;
        for (int level = Sv39.LEVELS - 1; level > 0; level--) {
            long pte = memory.load64(entryAddress(table, va, level));
            if ((pte & Sv39.V) == 0) {
                return false;
            }
            table = Sv39.pfn(pte);
        }
        return true;
    }

    /** The leaf entry for {@code va}, or 0 if none. */
    long lookup(long va) {
        long table = rootPfn;
        for (int level = Sv39.LEVELS - 1; level > 0; level--) {
            long pte = memory.load64(entryAddress(table, va, level));
            if ((pte & Sv39.V) == 0) {
                return 0;
            }
            table = Sv39.pfn(pte);
        }
        return memory.load64(entryAddress(table, va, 0));
    }

    /** Removes the leaf for {@code va}, if any, and flushes exactly that TLB entry. Returns the leaf removed (0: none). */
    long unmap(long va, Tlb tlb) {
        long leaf = leafAddress(va);
        if (leaf < 0) {
            return 0;
        }
        long old = memory.load64(leaf);
        memory.store64(leaf, 0);
        tlb.flush(space.asid, va >>> PhysicalMemory.PAGE_SHIFT);
        return old;
    }

    /**
     * The status of the page at {@code va} since its bits were last taken ({@link #status}), and
     * its {@code A} and {@code D} bits cleared: its TLB entry is flushed, so the next access walks
     * and sets them again. 0 if the page has no leaf or was not accessed.
     */
    int takeStatus(long va, Tlb tlb) {
        long leaf = leafAddress(va);
        if (leaf < 0) {
            return 0;
        }
        long pte = memory.load64(leaf);
        if ((pte & ACCESSED) == 0 || !Sv39.isLeaf(pte)) {
            return 0; // (no TLB entry either: the MMU caches a translation only after setting A)
        }
        memory.store64(leaf, pte & ~ACCESSED);
        tlb.flush(space.asid, va >>> PhysicalMemory.PAGE_SHIFT);
        return status(pte);
    }

    /**
     * The L4 status bits (X.2 Unmap: R referenced, W written, X executed) a leaf's {@code A} and
     * {@code D} bits tell: {@code A} is R (the page was referenced: read, written or executed),
     * {@code D} is W. Sv39 has no bit for execution and {@code A} does not tell a fetch from a
     * read, so X is reported only where every access is a fetch: {@code A} on an execute-only
     * page is R and X. An execution from a page that is also readable shows as R alone.
     */
    static int status(long pte) {
        int status = 0;
        if ((pte & Sv39.A) != 0) {
            status |= kola.abi.Fpage.R;
            if ((pte & (Sv39.R | Sv39.X)) == Sv39.X) {
                status |= kola.abi.Fpage.X;
            }
        }
        if ((pte & Sv39.D) != 0) {
            status |= kola.abi.Fpage.W;
        }
        return status;
    }

    /** The physical address of {@code va}'s leaf entry, or -1 if a node on its path is missing. */
    private long leafAddress(long va) {
        long table = rootPfn;
        for (int level = Sv39.LEVELS - 1; level > 0; level--) {
            long pte = memory.load64(entryAddress(table, va, level));
            if ((pte & Sv39.V) == 0) {
                return -1;
            }
            table = Sv39.pfn(pte);
        }
        return entryAddress(table, va, 0);
    }

    /** Where a page-table node hangs: the entry that points to it, its level, and the addresses it covers. */
    record Slot(long entry, int level, long base, long size) {
    }

    /** Where node frame {@code pfn} hangs in this table; null if it is the root or not a node of this table. */
    Slot locate(long pfn) {
        return locate(rootPfn, Sv39.LEVELS - 1, 0, pfn);
    }

    private Slot locate(long table, int level, long base, long pfn) {
        long span = 1L << (PhysicalMemory.PAGE_SHIFT + 9 * level); // what one entry of this table covers
        for (int i = 0; i < ENTRIES; i++) {
            long entry = (table << PhysicalMemory.PAGE_SHIFT) + (long) i * PTE_BYTES;
            long pte = memory.load64(entry);
            if ((pte & Sv39.V) == 0 || Sv39.isLeaf(pte)) {
                continue;
            }
            long child = Sv39.pfn(pte);
            if (child == pfn) {
                return new Slot(entry, level - 1, base + i * span, span);
            }
            if (level > 1) {
                Slot s = locate(child, level - 1, base + i * span, pfn);
                if (s != null) {
                    return s;
                }
            }
        }
        return null;
    }

    /** Unhooks the node at {@code slot} and frees it with every node below it; the caller removed the leaves under it and flushes the TLB. */
    void detach(Slot slot) {
        long child = Sv39.pfn(memory.load64(slot.entry()));
        memory.store64(slot.entry(), 0);
        free(child, slot.level());
    }

    /** Frees every node frame, root included. */
    void destroy() {
        free(rootPfn, Sv39.LEVELS - 1);
    }

    private void free(long table, int level) {
        if (level > 0) {
            for (int i = 0; i < ENTRIES; i++) {
                long pte = memory.load64((table << PhysicalMemory.PAGE_SHIFT) + (long) i * PTE_BYTES);
                if ((pte & Sv39.V) != 0 && !Sv39.isLeaf(pte)) {
                    free(Sv39.pfn(pte), level - 1);
                }
            }
        }
        kmem.freeFrame(space, table);
    }

    /** Sv39 leaf flags for L4 rights: valid, user, and r/w/x as given; A and D are the MMU's to set. */
    static int leafFlags(int rights) {
        int flags = Sv39.V | Sv39.U;
        if ((rights & kola.abi.Fpage.R) != 0) {
            flags |= Sv39.R;
        }
        if ((rights & kola.abi.Fpage.W) != 0) {
            flags |= Sv39.W | Sv39.R; // Sv39 reserves W without R
        }
        if ((rights & kola.abi.Fpage.X) != 0) {
            flags |= Sv39.X;
        }
        return flags;
    }

    /** The L4 rights a leaf made by {@link #leafFlags} grants: W implies R in Sv39. */
    static int effectiveRights(int rights) {
        return (rights & kola.abi.Fpage.W) != 0 ? rights | kola.abi.Fpage.R : rights;
    }

    private static long entryAddress(long table, long va, int level) {
        return (table << PhysicalMemory.PAGE_SHIFT) + (long) Sv39.vpn(va, level) * PTE_BYTES;
    }
}
