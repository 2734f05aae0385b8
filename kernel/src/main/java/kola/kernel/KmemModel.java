package kola.kernel;

import java.util.Locale;

/** The kernel-memory models a kernel boots with (paper section 4.2; DESIGN.md, "Kernel-memory models"). */
public enum KmemModel {
    /** Classic L4: one central pool reserved at boot, first come, first served. */
    POOL,
    /** Fiasco-like hierarchical quotas on top of the pool: each space's objects, and its children's, within its quota. */
    QUOTA,
    /** Lend-to-kernel: a task lends frames it holds; its objects come from them; they go back when it is gone. */
    LEND,
    /** Kpager: a shortage is a fault IPC to the account's kpager, which lends frames and can evict them again. */
    KPAGER,
    /** Precise: a task retypes frames it holds into objects of a stated kind; revoking a frame destroys exactly its objects. */
    PRECISE;

    /** The model's name on the command line: {@code pool}, {@code quota}, {@code lend}, {@code kpager}, {@code precise}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The model named {@code label}; IllegalArgumentException naming the choices if there is none. */
    public static KmemModel of(String label) {
        for (KmemModel m : values()) {
            if (m.label().equals(label)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown kernel-memory model '" + label + "' (one of pool, quota, lend, kpager, precise)");
    }
}
