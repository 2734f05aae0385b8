package kola.kernel;

import java.util.Locale;

/** The kernel-memory models a kernel boots with (paper section 4.2). */
public enum KmemModel {
    /** Classic L4: one central pool reserved at boot, first come, first served. */
    POOL,
    /** Fiasco-like hierarchical quotas on top of the pool: each space's objects, and its children's, within its quota. */
    QUOTA;

    /** The model's name on the command line: {@code pool}, {@code quota}. */
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
        throw new IllegalArgumentException("unknown kernel-memory model '" + label + "' (one of pool, quota)");
    }
}
