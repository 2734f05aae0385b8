package kola.kernel;

/**
 * The header every object a capability can name shares: its kind and size (what it is charged
 * at, through {@link KernelMemory}), the account charged (the space that made it), and how many
 * capabilities refer to it. It lives while one does.
 */
abstract class KObject implements Charged {
    final KernelObject kind;
    final Space owner;
    /** Capabilities that refer to the object. */
    int references;
    /** Where the kernel memory of this object lives. */
    KernelFrame frame;

    KObject(KernelObject kind, Space owner) {
        this.kind = kind;
        this.owner = owner;
    }

    @Override
    public KernelObject kind() {
        return kind;
    }

    @Override
    public KernelFrame frame() {
        return frame;
    }
}
