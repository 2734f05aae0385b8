package kola.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.kernel.KernelEvents;

/**
 * How a run of an image with a shell ended. Such a run ends well when the shell's program
 * returned: after {@code exit}, or when its input ended. Any other end (the shell never started,
 * it died, or it still waits for a console whose driver is gone, say) means the system died, and
 * {@link #verdict} says so in one line. The watch listens for the kernel's halt events, which say
 * whether a thread returned or died.
 */
final class ShellWatch implements KernelEvents.Listener {
    /** The module the watch looks for: the shell of Kola's images. */
    static final String SHELL = "shell";

    /** Each halted thread's last halt: 0 returned, 1 exception, 2 halted by the kernel. */
    private final Map<Long, Long> halts = new HashMap<>();

    private ShellWatch() {
    }

    /** A watch for {@code image}, or null if it has no shell (then the run ends well when nothing is left to do). */
    static ShellWatch of(Image image) {
        return image.modules().stream().anyMatch(m -> m.name().equals(SHELL)) ? new ShellWatch() : null;
    }

    @Override
    public void event(int type, long time, long a, long b, long c) {
        if (type == KernelEvents.HALT) {
            halts.put(a, b);
        }
    }

    /** Null if the run of {@code kernel} ended well; else why not, in one line. */
    String verdict(Kernel kernel, MachineOptions options) {
        List<Kernel.ThreadInfo> threads = kernel.threads();
        Kernel.ThreadInfo shell = threads.stream().filter(t -> t.space().equals(SHELL)).findFirst().orElse(null);
        Long halt = shell == null ? null : halts.get(shell.id());
        if (halt != null && halt == 0 && shell.state().equals("inactive")) {
            return null;
        }
        List<String> why = new ArrayList<>();
        for (Kernel.ThreadInfo t : threads) {
            Long h = halts.get(t.id());
            if (h != null && h != 0 && !t.space().equals(SHELL)
                    && (t.state().equals("inactive") || t.state().contains("halted")) && !why.contains(t.space())) {
                why.add(t.space());
            }
        }
        if (!why.isEmpty()) {
            why.set(0, String.join(", ", why) + (why.size() == 1 ? " is" : " are") + " dead for good");
            why.subList(1, why.size()).clear();
        }
        long[] kmem = kernel.kernelMemory();
        if (kmem[2] > 0) {
            why.add(String.format("kernel memory ran out (%d requests refused; %d of %d KiB used): give more than --kernel-memory %s (the default is 16M)",
                    kmem[2], kmem[0] >> 10, kmem[1] >> 10, SizeConverter.format(options.kernelMemory)));
        }
        String what = shell == null ? "the system died: the shell never started"
                : halt != null ? "the system died: the shell died"
                : "the system died before the shell ended";
        return what + (why.isEmpty() ? "" : ": " + String.join("; ", why)) + " (see the kernel's messages above)";
    }
}
