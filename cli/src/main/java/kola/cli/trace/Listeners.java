package kola.cli.trace;

import java.util.List;
import kola.kernel.KernelEvents;

/** Combines listeners: the kernel takes one, tracing may want several (a trace file, JFR, a graph). */
public final class Listeners {
    private Listeners() {
    }

    /** A listener that passes each event to each of {@code listeners} in order; null if there is none. */
    public static KernelEvents.Listener all(List<KernelEvents.Listener> listeners) {
        if (listeners.isEmpty()) {
            return null;
        }
        if (listeners.size() == 1) {
            return listeners.get(0);
        }
        KernelEvents.Listener[] each = listeners.toArray(KernelEvents.Listener[]::new);
        return (type, time, a, b, c) -> {
            for (KernelEvents.Listener l : each) {
                l.event(type, time, a, b, c);
            }
        };
    }
}
