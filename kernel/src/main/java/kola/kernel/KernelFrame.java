package kola.kernel;

/**
 * A frame of user memory turned over to the kernel for an account (paper section 4.2; DESIGN.md,
 * "Kernel-memory models"): under {@code precise} a task retypes a page it holds into kernel
 * objects of one stated kind, under {@code lend} a task lends a page for objects of any kind.
 * While the kernel has the frame no space can reach it: no page-table entry maps it, whatever
 * mappings of it the mapping database still holds. Every object carved from it is listed here,
 * so that losing the frame destroys exactly those objects.
 *
 * <p>{@link #POOL} is not a frame: it stands for the central pool, where objects are not tracked
 * one by one.
 */
final class KernelFrame {
    /** Where an object lives when the central pool holds it. */
    static final KernelFrame POOL = new KernelFrame(-1, null, null, false);

    final long pfn;
    /** The space whose objects (and whose descendants' objects) the frame holds. */
    final Space account;
    /** The only kind of object the frame holds (precise), or null: any kind (lend). */
    final KernelObject kind;
    /** Whether losing the holder's mapping destroys the objects (precise), or the frame stays pinned (lend). */
    final boolean revocable;
    /** The mapping through which the task that gave the frame held it; null once that mapping went. */
    MapNode node;
    /** Bytes carved out of the frame's 4 KiB. */
    long used;
    /** The objects carved out, in no order (only the first {@link #count} are used). */
    Object[] objects = new Object[4];
    int count;
    /** The space whose page table uses the frame as a node, or null. */
    Space table;
    /** Queued for destruction at the end of the kernel entry (its holder's mapping went). */
    boolean dying;
    /** The next frame of the same account. */
    KernelFrame next;

    KernelFrame(long pfn, Space account, KernelObject kind, boolean revocable) {
        this.pfn = pfn;
        this.account = account;
        this.kind = kind;
        this.revocable = revocable;
    }

    /** Whether nothing lives in the frame. */
    boolean empty() {
        return count == 0 && table == null;
    }

    /** Lists {@code o}, which the model charged to this frame, as living in it. */
    void hold(Object o) {
        if (this == POOL) {
            return;
        }
        if (count == objects.length) {
            objects = java.util.Arrays.copyOf(objects, count * 2);
        }
        objects[count++] = o;
    }

    /** Unlists {@code o}; false if it was not listed here. */
    boolean drop(Object o) {
        for (int i = count - 1; i >= 0; i--) {
            if (objects[i] == o) {
                objects[i] = objects[--count];
                objects[count] = null;
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "frame " + pfn + " of " + account + (kind == null ? " (lent)" : " (" + kind + ")");
    }
}
