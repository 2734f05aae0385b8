package kola.system;

import java.util.List;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;

/**
 * The shell, on the console: it reads a command per line and runs it. Commands: {@code help},
 * {@code ps}, {@code spaces}, {@code mem}, {@code kmem} (the kernel debugger's views),
 * {@code ipc N} (N round trips to the name server, with their simulated cost), {@code demo
 * fig1|fig5|ipc} (run the demo's tasks until the demo is done, then remove them), {@code start NAME}
 * (start a boot module marked {@code manual}), {@code uptime}, {@code sleep MS} (through the timer
 * driver), {@code trace on|off} (the kernel debugger's event trace), {@code crash uart} (the UART driver throws; the root task restarts it), {@code exit}.
 * With the module argument {@code echo}, each command is echoed after the prompt, so that a
 * transcript of a scripted session reads like a terminal session.
 */
public final class Shell implements Program {
    private static final String PROMPT = "kola> ";

    @Override
    public void run(L4 l4) {
        long console = RootTask.lookup(l4, "console");
        if (console == ThreadId.NIL) {
            l4.kdbPrint("no console in this image");
            return;
        }
        boolean echo = "on".equals(Drivers.arg(l4, "echo"));
        Console.write(l4, console, "Kola shell. Type 'help' for commands.\n");
        while (true) {
            Console.write(l4, console, PROMPT);
            Console.Line read = Console.read(l4, console);
            if (read == null) {
                Console.write(l4, console, "\n");
                return;
            }
            if (read.tooLong()) {
                Console.write(l4, console, "line too long (more than " + Words.MAX_BYTES + " bytes): ignored\n");
                continue;
            }
            String line = read.text();
            if (echo) {
                Console.write(l4, console, line + "\n");
            }
            String[] words = line.trim().split("\\s+");
            if (words[0].isEmpty()) {
                continue;
            }
            if (words[0].equals("exit")) {
                Console.write(l4, console, "bye\n");
                l4.setMr(0, MsgTag.make(Protocol.ROOT_SHUTDOWN, 0, 0));
                l4.call(Names.root(l4));
                return;
            }
            Console.write(l4, console, execute(l4, words));
        }
    }

    /** Runs one command; returns its output, ending in a newline. */
    static String execute(L4 l4, String[] w) {
        return switch (w[0]) {
            case "help" -> """
                    help          this list
                    ps            threads: id, space, state, priority, what each waits for
                    spaces        address spaces: threads, mapped pages, kernel memory
                    mem           physical memory: free, held by each task, devices
                    kmem          kernel memory charged to each owner
                    ipc N         N round trips to the name server, with their cost
                    demo NAME     run a demo: fig1 (map/grant/unmap), fig5 (pager hierarchy), ipc
                    start NAME    start the boot module NAME (one marked manual)
                    uptime        simulated time since boot
                    sleep MS      sleep through the timer driver
                    trace on|off  print every kernel event on the kernel console
                    crash uart    make the UART driver crash; the root task restarts it
                    exit          shut down
                    """;
            case "ps", "spaces", "mem", "kmem" -> w.length == 1 ? l4.kdbQuery(w[0]) + "\n" : usage(w[0]);
            case "ipc" -> ipc(l4, w);
            case "demo" -> w.length == 2 ? demo(l4, w[1]) : usage("demo fig1|fig5|ipc");
            case "start" -> w.length == 2 ? start(l4, w[1]) : usage("start NAME");
            case "uptime" -> {
                long us = l4.systemClock();
                yield String.format("up %d.%06d s (simulated)%n", us / 1_000_000, us % 1_000_000);
            }
            case "sleep" -> sleep(l4, w);
            case "trace" -> w.length == 2 && (w[1].equals("on") || w[1].equals("off"))
                    ? l4.kdbQuery("trace " + w[1]) + "\n" : usage("trace on|off");
            case "crash" -> w.length == 2 && w[1].equals("uart") ? crashUart(l4) : usage("crash uart");
            default -> "unknown command: " + w[0] + " (try help)\n";
        };
    }

    private static String usage(String what) {
        return "usage: " + what + "\n";
    }

    private static String ipc(L4 l4, String[] w) {
        long n;
        try {
            n = w.length == 2 ? Long.parseLong(w[1]) : -1;
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > 10_000_000) {
            return usage("ipc N (1..10000000)");
        }
        long names = RootTask.lookup(l4, "names");
        if (names == ThreadId.NIL) {
            return "ipc: no name server in this image\n";
        }
        // Cycle counts (SystemClock's ret(0)); reading the clock costs cycles itself: measured, then taken off.
        l4.systemClock();
        long c0 = l4.ret(0);
        l4.systemClock();
        long reading = l4.ret(0) - c0;
        l4.systemClock();
        long t0 = l4.ret(0);
        for (long i = 0; i < n; i++) {
            l4.setMr(0, MsgTag.make(Protocol.PING, 0, 0));
            long tag = l4.call(names);
            if (MsgTag.failed(tag)) {
                return "ipc: round trip " + i + " failed\n";
            }
        }
        l4.systemClock();
        long cycles = l4.ret(0) - t0 - reading;
        return String.format("ipc: %d round trips to names: %d simulated cycles each%n", n, cycles / n);
    }

    /**
     * Starts the demo's modules through the root task, waits until the last (the one that drives
     * the demo) says it is done, then has the root task delete them all: the demo leaves no task
     * behind and can run again.
     */
    private static String demo(L4 l4, String name) {
        List<String> modules = switch (name) {
            case "fig1" -> List.of("A", "B", "C", "D", "fig1");
            case "fig5" -> List.of("pager1", "pager2", "client");
            case "ipc" -> List.of("ping-server", "ping-client");
            default -> null;
        };
        if (modules == null) {
            return usage("demo fig1|fig5|ipc");
        }
        Kip kip = l4.kernelInterface();
        List<Kip.BootModule> started = new java.util.ArrayList<>();
        for (String m : modules) {
            Kip.BootModule module = kip.module(m);
            if (module == null) {
                stop(l4, started);
                return "demo: module " + m + " is not in this image\n";
            }
            if (rootRequest(l4, Protocol.ROOT_START, module.index()) != Protocol.OK) {
                stop(l4, started);
                return "demo: cannot start " + m + " (see the kernel's messages)\n";
            }
            started.add(module);
            if (started.size() == 1) {
                Console.write(l4, RootTask.lookup(l4, "console"), "demo " + name + " started\n");
            }
        }
        long waited = rootRequest(l4, Protocol.ROOT_WAIT, started.get(started.size() - 1).index());
        stop(l4, started);
        return waited == Protocol.OK ? "demo " + name + " done; its " + started.size() + " tasks are gone\n"
                : "demo " + name + ": lost track of it; its tasks are gone\n";
    }

    /**
     * Starts boot module {@code name} through the root task: one that is in the image, is not
     * sigma0 or the root task, and is not running (a module marked {@code manual} that was not
     * started yet). It runs on by itself; the shell does not wait for it.
     */
    private static String start(L4 l4, String name) {
        Kip.BootModule module = l4.kernelInterface().module(name);
        if (module == null) {
            return "start: no module " + name + " in this image\n";
        }
        long running = RootTask.find(l4, name).thread();
        if (running != ThreadId.NIL) {
            return "start: " + name + " was started already (thread " + ThreadId.toString(running) + ")\n";
        }
        l4.setMr(1, module.index());
        l4.setMr(0, MsgTag.make(Protocol.ROOT_START, 1, 0));
        long tag = l4.call(Names.root(l4));
        if (MsgTag.failed(tag) || MsgTag.label(tag) != Protocol.OK) {
            return "start: cannot start " + name + " (see the kernel's messages)\n";
        }
        return "start: " + name + " started: thread " + ThreadId.toString(l4.mr(1)) + "\n";
    }

    /** Has the root task delete the tasks of {@code modules}, last first. */
    private static void stop(L4 l4, List<Kip.BootModule> modules) {
        for (int i = modules.size() - 1; i >= 0; i--) {
            rootRequest(l4, Protocol.ROOT_STOP, modules.get(i).index());
        }
    }

    /** Sends the root task request {@code label} with one word; returns the reply's label (ERROR on failure). */
    private static long rootRequest(L4 l4, long label, long word) {
        l4.setMr(1, word);
        l4.setMr(0, MsgTag.make(label, 1, 0));
        long tag = l4.call(Names.root(l4));
        return MsgTag.failed(tag) ? Protocol.ERROR : MsgTag.label(tag);
    }

    private static String sleep(L4 l4, String[] w) {
        long ms;
        try {
            ms = w.length == 2 ? Long.parseLong(w[1]) : -1;
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (ms < 0 || ms > 3_600_000) {
            return usage("sleep MS");
        }
        long timer = RootTask.lookup(l4, "timer");
        long t0 = l4.systemClock();
        if (timer == ThreadId.NIL || !TimerDriver.sleep(l4, timer, ms * 1000)) {
            return "sleep: no timer driver\n";
        }
        return "slept " + (l4.systemClock() - t0) / 1000 + " ms\n";
    }

    private static String crashUart(L4 l4) {
        long uart = RootTask.lookup(l4, "uart");
        if (uart == ThreadId.NIL) {
            return "crash: no uart driver\n";
        }
        l4.setMr(0, MsgTag.make(Protocol.UART_CRASH, 0, 0));
        long tag = l4.call(uart);
        return MsgTag.failed(tag) ? "crash: the uart driver did not answer\n"
                : "crash: the uart driver crashed; the root task restarts it\n";
    }
}
