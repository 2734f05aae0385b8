package kola.kernel;

/**
 * Why the kernel stopped a thread that raised no Java exception itself: an unresolvable page
 * fault (no pager, pager gone, refused). It travels like an exception escaping user code: to the
 * thread's exception handler as exception IPC, or onto the kernel console when there is none.
 */
final class ThreadFault extends Exception {
    private static final long serialVersionUID = 1L;

    ThreadFault(String message) {
        super(message, null, false, false);
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
