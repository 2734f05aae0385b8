package kola.system;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kola.abi.Comm;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelLabels;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.Schedule;
import kola.abi.ThreadId;

/**
 * The root task (L4 X.2: the first privileged user task after sigma0) and the system's supervisor.
 * It starts every boot module of the image in its own address space — sigma0 pages it unless the
 * module's arguments name another module with {@code pager=NAME} (one started before it); modules
 * with the argument {@code manual} wait for a {@link Protocol#ROOT_START}. Then it serves:
 * <ul>
 * <li>{@link Protocol#ROOT_LOOKUP}: the first thread of a boot module, by its index;
 * {@link Protocol#ROOT_LOOKUP_NAME}, by its name (for programs that cannot read the KIP's
 * module list, such as those in C);</li>
 * <li>{@link Protocol#ROOT_ATTACH_IRQ}: makes the caller the handler of an interrupt line its
 * module's arguments grant ({@code irq=N}); only the root task may assign lines (privileged
 * ThreadControl), so this is where the policy lives;</li>
 * <li>{@link Protocol#ROOT_NEW_THREAD}: another thread in the caller's space;</li>
 * <li>{@link Protocol#ROOT_START}, {@link Protocol#ROOT_SHUTDOWN};</li>
 * <li>{@link Protocol#ROOT_EXIT} from a program that is done ({@link #exit}), {@link Protocol#ROOT_WAIT}
 * for a started module's exit (answered when it comes), and {@link Protocol#ROOT_STOP}, which
 * deletes a module's threads and space for the one who started it, so that it can be started
 * again (the shell's {@code demo});</li>
 * <li>exception IPC (label {@link KernelLabels#EXCEPTION}) from threads that name it their
 * exception handler: it restarts the thread at its entry, at most {@link #MAX_RESTARTS} times
 * per module, and says so on the console.</li>
 * </ul>
 *
 * <p>A module with machine code (a RISC-V ELF executable) is started the same way, at boot or on
 * request, with its priority, but the root task itself is its pager and exception handler
 * ({@link ElfPager}): it loads the program's pages as they fault, and runs its system calls. What
 * the program writes (ecall 64) goes to the kernel console, line by line, through the root task's
 * {@link L4#kdbPrint} as {@code roottask: NAME: text} (the UART may be another task's, a console
 * driver's, and the root task calls no server, which could be calling it); its exit (ecall 93)
 * ends its task: the root task deletes its thread, says {@code roottask: NAME exited with status
 * N} and answers those who wait for the module; a fault or exception it cannot resolve ends the
 * task with {@code roottask: NAME ended: WHAT at pc ...}. Such a module is not restarted and gets
 * no more threads; once ended, it may be started again. It cannot have another pager
 * ({@code pager=}).
 *
 * <p>Under the capabilities model ({@link Names}) the root task is also the distributor of names,
 * and so where the communication policy lives. Every module it starts, Java or RISC-V, gets, in its object space,
 * a gate to the root task and one to sigma0 (labelled with the module's first thread's global
 * id); nothing else. A lookup ({@link Protocol#ROOT_LOOKUP}) of a started module grants the caller
 * a new gate to that module's first thread, labelled with the caller's id (send and grant
 * rights, so that the caller may pass it on); every module may look up every other, as under
 * global ids. A driver's {@link Protocol#ROOT_ATTACH_IRQ} binds the line to a notification of the
 * root task's and maps it, receive right only, into the driver's {@link Names#IRQ_SLOT}. A task
 * reaches nothing it was not given: no global id names anyone.
 */
public final class RootTask implements Program {
    /** How often a module's threads are restarted before the root task gives up on it. */
    public static final int MAX_RESTARTS = 3;
    private static final long UTCB_SIZE = 1024;

    private record ThreadRecord(int module, long entry) {
    }

    private final Map<Long, ThreadRecord> threadsById = new HashMap<>();
    private final List<Integer> attachedLines = new ArrayList<>();
    private long[] firstThread;
    private int[] threadCount;
    private int[] restarts;
    /** Who started each module with ROOT_START (nil: none, or the root task itself at boot). */
    private long[] starter;
    /** Whether each module's program said ROOT_EXIT since it was started. */
    private boolean[] exited;
    /** Threads waiting (ROOT_WAIT) for a module's exit: {module, thread} pairs, answered in order. */
    private final List<long[]> waiters = new ArrayList<>();
    private long nextNumber;
    /** The pager and exception handler of the modules with machine code. */
    private final ElfPager elf = new ElfPager(ElfPager.kernelConsole());
    /** Whether the kernel runs the capabilities model. */
    private boolean caps;
    /** The root task's scratch slot (capabilities): a gate on its way to a client. */
    private static final int SCRATCH = Names.OWN_BASE;
    /** The root task's notification of interrupt line n is in slot IRQ_BASE + n (capabilities). */
    private static final int IRQ_BASE = 64;
    /** The root task's gates for module i (to itself, to sigma0) are in slots MODULE_GATES + 2i and + 2i + 1. */
    private static final int MODULE_GATES = 128;

    @Override
    public void run(L4 l4) {
        Kip kip = l4.kernelInterface();
        List<Kip.BootModule> modules = kip.bootModules();
        firstThread = new long[modules.size()];
        threadCount = new int[modules.size()];
        restarts = new int[modules.size()];
        starter = new long[modules.size()];
        exited = new boolean[modules.size()];
        caps = kip.capabilities();
        firstThread[0] = kip.sigma0();
        firstThread[1] = l4.myGlobalId();
        nextNumber = kip.userBase() + 3;
        for (int i = 2; i < modules.size(); i++) {
            if (!modules.get(i).args().contains("manual")) {
                start(l4, i);
            }
        }
        long client = l4.waitAny();
        while (true) {
            client = serve(l4, client) ? l4.replyWait(Names.replyTo(caps, client)) : l4.waitAny();
        }
    }

    /** Serves one request; true if the reply is in the message registers, false if it comes later (ROOT_WAIT). */
    private boolean serve(L4 l4, long client) {
        long tag = l4.mr(0);
        long label = MsgTag.label(tag);
        int u = MsgTag.untyped(tag);
        Kip kip = l4.kernelInterface();
        ElfPager.Task task = elf.taskOf(client);
        if (task != null && ElfPager.handles(tag)) {
            ElfPager.End end = elf.serve(l4, task);
            if (end == null) {
                return true;
            }
            ended(l4, task, end);
            return false;
        }
        if (MsgTag.failed(tag)) {
            return false; // nothing was received: nobody to answer
        }
        if (MsgTag.typed(tag) != 0) {
            Drivers.error(l4, Protocol.E_BAD_ARGUMENT);
        } else if (label == KernelLabels.EXCEPTION && u == 2) {
            exception(l4, client, l4.mr(2));
        } else if (label == Protocol.ROOT_LOOKUP && u == 1) {
            lookup(l4, client, l4.mr(1));
        } else if (label == Protocol.ROOT_LOOKUP_NAME) {
            String name = Words.getString(l4, u);
            Kip.BootModule m = name == null ? null : kip.module(name);
            if (m == null) {
                Drivers.error(l4, name == null ? Protocol.E_BAD_ARGUMENT : Protocol.E_NOT_AVAILABLE);
            } else {
                lookup(l4, client, m.index());
            }
        } else if (label == Protocol.ROOT_ATTACH_IRQ && u == 1) {
            attach(l4, client, l4.mr(1));
        } else if (label == Protocol.ROOT_NEW_THREAD && u == 1) {
            ThreadRecord r = threadsById.get(client);
            long entry = l4.mr(1);
            long id = r == null || entry < 0 || entry > 0xFFFF || kip.bootModules().get(r.module()).isMachineCode()
                    ? ThreadId.NIL : newThread(l4, client, r.module(), entry);
            if (id == ThreadId.NIL) {
                Drivers.error(l4, Protocol.E_DENIED);
            } else {
                reply(l4, id);
            }
        } else if (label == Protocol.ROOT_START && u == 1) {
            long index = l4.mr(1);
            boolean startable = index >= 2 && index < firstThread.length && firstThread[(int) index] == ThreadId.NIL;
            long id = startable ? start(l4, (int) index) : ThreadId.NIL;
            if (id == ThreadId.NIL) {
                Drivers.error(l4, Protocol.E_DENIED);
            } else {
                starter[(int) index] = client;
                reply(l4, id);
            }
        } else if (label == Protocol.ROOT_EXIT && u == 0) {
            ThreadRecord r = threadsById.get(client);
            if (r == null) {
                Drivers.error(l4, Protocol.E_DENIED);
            } else {
                exited[r.module()] = true;
                answerWaiters(l4, r.module(), Protocol.OK);
                Drivers.ok(l4);
            }
        } else if (label == Protocol.ROOT_WAIT && u == 1) {
            long index = l4.mr(1);
            if (index < 2 || index >= firstThread.length || firstThread[(int) index] == ThreadId.NIL) {
                Drivers.error(l4, Protocol.E_NOT_AVAILABLE);
            } else if (exited[(int) index]) {
                Drivers.ok(l4);
            } else {
                long saved = Names.save(l4, caps, client);
                if (saved == ThreadId.NIL) {
                    Drivers.error(l4, Protocol.E_NOT_AVAILABLE);
                } else {
                    waiters.add(new long[] {index, saved});
                    return false;
                }
            }
        } else if (label == Protocol.ROOT_STOP && u == 1) {
            long index = l4.mr(1);
            if (index < 2 || index >= firstThread.length || firstThread[(int) index] == ThreadId.NIL
                    || starter[(int) index] != client) {
                Drivers.error(l4, Protocol.E_DENIED);
            } else {
                stop(l4, (int) index);
                Drivers.ok(l4);
            }
        } else if (label == Protocol.ROOT_SHUTDOWN && u == 0) {
            for (int line : attachedLines) {
                if (caps) {
                    l4.commControl(Comm.IRQ_BIND, line, 0, 0); // unbinds and masks the line
                } else {
                    long irq = kip.interruptThread(line);
                    l4.threadControl(irq, irq, ThreadId.NIL, irq, -1);
                }
            }
            attachedLines.clear();
            Drivers.ok(l4);
        } else {
            Drivers.error(l4, Protocol.E_UNKNOWN_REQUEST);
        }
        return true;
    }

    /** Answers the threads waiting for module {@code module}'s exit: OK, or (when it was stopped first) an error. */
    private void answerWaiters(L4 l4, int module, long answer) {
        for (var it = waiters.iterator(); it.hasNext(); ) {
            long[] w = it.next();
            if (w[0] == module) {
                it.remove();
                if (answer == Protocol.OK) {
                    Drivers.ok(l4);
                } else {
                    Drivers.error(l4, answer);
                }
                Names.answer(l4, caps, w[1]);
            }
        }
    }

    /** Deletes every thread of module {@code i} (its space goes with the last); the module may be started again. */
    private void stop(L4 l4, int i) {
        List<Long> threads = new ArrayList<>();
        threadsById.forEach((id, r) -> {
            if (r.module() == i) {
                threads.add(id);
            }
        });
        threads.sort(null);
        for (long id : threads) {
            ElfPager.Task task = elf.taskOf(id);
            if (task != null) {
                elf.end(l4, task);
            } else {
                l4.threadControl(id, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1);
            }
            threadsById.remove(id);
        }
        forgetModule(l4, i, Protocol.E_NOT_AVAILABLE);
    }

    /** A RISC-V task ended (its exit or a fault): says so, deletes it, and answers those who wait for its module. */
    private void ended(L4 l4, ElfPager.Task task, ElfPager.End end) {
        elf.end(l4, task);
        l4.kdbPrint(end.exited() ? task.name() + " exited with status " + end.status()
                : task.name() + " ended: " + end.why());
        ThreadRecord r = threadsById.remove(task.thread());
        if (r != null) {
            forgetModule(l4, r.module(), end.exited() ? Protocol.OK : Protocol.E_NOT_AVAILABLE);
        }
    }

    /** Module {@code i} has no threads any more: its waiters get {@code answer}, and it may be started again. */
    private void forgetModule(L4 l4, int i, long answer) {
        answerWaiters(l4, i, answer);
        firstThread[i] = ThreadId.NIL;
        threadCount[i] = 0;
        restarts[i] = 0;
        starter[i] = ThreadId.NIL;
        exited[i] = false;
    }

    /**
     * Tells the root task that this thread's program is done, so that whoever waits for its module
     * (the shell's {@code demo}) goes on; the program then returns. Programs the shell starts as
     * demos end with it.
     */
    public static void exit(L4 l4) {
        l4.setMr(0, MsgTag.make(Protocol.ROOT_EXIT, 0, 0));
        l4.call(Names.root(l4));
    }

    /**
     * Capabilities: answers a lookup with a new gate to {@code thread} labelled with the client's
     * id, granted (send and grant rights) into the client's object window; MR1 is the thread's id.
     */
    /** ROOT_LOOKUP: the first thread of module {@code index} (nil if none), or under capabilities a gate to it. */
    private void lookup(L4 l4, long client, long index) {
        long id = index >= 0 && index < firstThread.length ? firstThread[(int) index] : ThreadId.NIL;
        if (caps && id != ThreadId.NIL) {
            giveGate(l4, client, id);
        } else {
            reply(l4, id);
        }
    }

    private void giveGate(L4 l4, long client, long thread) {
        flush(l4, SCRATCH, 0); // a gate whose reply failed may still be here
        if (l4.commControl(Comm.GATE, Comm.selector(SCRATCH), thread, client) == 0) {
            Drivers.error(l4, Protocol.E_NOT_AVAILABLE);
            return;
        }
        l4.setMr(1, thread);
        Items.putGrant(l4, 2, Comm.objectFpage(SCRATCH, 0, Comm.SEND | Comm.GRANT), 0);
        l4.setMr(0, MsgTag.make(Protocol.OK, 1, 2));
    }

    /** Capabilities: removes the root task's capabilities in slots [first, first + 2^log2) and everything derived from them. */
    private static void flush(L4 l4, int first, int log2) {
        l4.setMr(0, Comm.objectFpage(first, log2, Comm.SEND | Comm.RECEIVE | Comm.GRANT));
        l4.unmap(0x40);
    }

    /**
     * Capabilities: gives module {@code i}'s new task {@code id} its gates to the root task and to
     * sigma0 (labelled with {@code id}), mapped from the root task's slots for the module (whose
     * earlier gates, to a task since deleted, are revoked first). Returns null, or what failed.
     */
    private String giveBootGates(L4 l4, int i, long id) {
        int first = MODULE_GATES + 2 * i;
        if (first + 1 >= Comm.SLOTS) {
            return "no room for its gates in the root task's object space";
        }
        flush(l4, first, 1);
        Kip kip = l4.kernelInterface();
        if (l4.commControl(Comm.GATE, Comm.selector(first), l4.myGlobalId(), id) == 0
                || l4.commControl(Comm.GATE, Comm.selector(first + 1), kip.sigma0(), id) == 0
                || l4.commControl(Comm.MAP, id, Comm.objectFpage(first, 1, Comm.SEND),
                        Comm.selector(Names.ROOT_SLOT)) == 0) {
            return "CommControl (its gates): " + kola.abi.KernelError.describe(l4.errorCode());
        }
        return null;
    }

    private static void reply(L4 l4, long word) {
        l4.setMr(1, word);
        l4.setMr(0, MsgTag.make(Protocol.OK, 1, 0));
    }

    /** Starts boot module {@code i} in a new space; returns its first thread, or nil. */
    private long start(L4 l4, int i) {
        Kip kip = l4.kernelInterface();
        Kip.BootModule m = kip.bootModules().get(i);
        long pager = kip.sigma0();
        for (String arg : m.args()) {
            if (arg.startsWith("pager=")) {
                Kip.BootModule p = kip.module(arg.substring(6));
                pager = p == null || p.index() == i ? ThreadId.NIL : firstThread[p.index()];
            }
        }
        if (m.isMachineCode() && pager != kip.sigma0()) {
            l4.kdbPrint("cannot start " + m.name() + ": a RISC-V module is paged by the root task (no pager=)");
            return ThreadId.NIL;
        }
        if (pager == ThreadId.NIL) {
            l4.kdbPrint("cannot start " + m.name() + ": its pager must be a module started before it");
            return ThreadId.NIL;
        }
        long id = ThreadId.global(nextNumber++, 1);
        String failure = m.isMachineCode() ? elf.start(l4, m, id) : Tasks.create(l4, id, pager, m.entry(0), m.priority());
        if (failure != null) {
            l4.kdbPrint("cannot start " + m.name() + ": " + failure);
            return ThreadId.NIL;
        }
        failure = caps ? giveBootGates(l4, i, id) : null;
        if (failure != null) {
            l4.kdbPrint("cannot start " + m.name() + ": " + failure);
            l4.threadControl(id, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1);
            return ThreadId.NIL;
        }
        firstThread[i] = id;
        threadCount[i] = 1;
        threadsById.put(id, new ThreadRecord(i, 0));
        return id;
    }

    private long newThread(L4 l4, long sibling, int module, long entry) {
        Kip.BootModule m = l4.kernelInterface().bootModules().get(module);
        long id = ThreadId.global(nextNumber++, 1);
        long utcb = Fpage.base(Kip.STANDARD_UTCB_AREA) + threadCount[module] * UTCB_SIZE;
        long pager = l4.exchangeRegisters(sibling, ExRegs.DELIVER, 0, 0, 0, 0, ThreadId.NIL) == ThreadId.NIL
                ? ThreadId.NIL : l4.ret(ExRegs.OUT_PAGER);
        if (pager == ThreadId.NIL
                || l4.threadControl(id, sibling, l4.myGlobalId(), pager, utcb) == 0
                || l4.schedule(id, Schedule.UNCHANGED, Schedule.UNCHANGED, m.priority(), Schedule.UNCHANGED) == 0
                || l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, m.entry((int) entry), 0, 0,
                        ThreadId.NIL) == ThreadId.NIL) {
            return ThreadId.NIL;
        }
        threadCount[module]++;
        threadsById.put(id, new ThreadRecord(module, entry));
        return id;
    }

    private void attach(L4 l4, long client, long line) {
        ThreadRecord r = threadsById.get(client);
        Kip kip = l4.kernelInterface();
        boolean granted = r != null && line >= 0 && line < kip.interruptLines()
                && kip.bootModules().get(r.module()).args().contains("irq=" + line);
        if (granted && caps) {
            granted = attachNotification(l4, client, (int) line);
        }
        long irq = granted ? kip.interruptThread((int) line) : ThreadId.NIL;
        if (!granted || !caps && l4.threadControl(irq, irq, ThreadId.NIL, client, -1) == 0) {
            Drivers.error(l4, Protocol.E_DENIED);
            return;
        }
        if (!attachedLines.contains((int) line)) {
            attachedLines.add((int) line);
        }
        Drivers.ok(l4);
    }

    /**
     * Capabilities: binds interrupt line {@code line} to the root task's notification for it (made
     * the first time) and maps that, receive right only, into the client's {@link Names#IRQ_SLOT}.
     */
    private static boolean attachNotification(L4 l4, long client, int line) {
        long sel = Comm.selector(IRQ_BASE + line);
        if (IRQ_BASE + line >= MODULE_GATES) {
            return false;
        }
        if (l4.commControl(Comm.LOOKUP, sel, 0, 0) == 0 && l4.commControl(Comm.NOTIFICATION, sel, 0, 0) == 0) {
            return false;
        }
        return l4.commControl(Comm.IRQ_BIND, line, sel, 1) != 0
                && l4.commControl(Comm.MAP, client, Comm.objectFpage(IRQ_BASE + line, 0, Comm.RECEIVE),
                        Comm.selector(Names.IRQ_SLOT)) != 0;
    }

    /** A supervised thread died: restart it at its entry, unless its module used up its restarts. */
    private void exception(L4 l4, long thread, long code) {
        ThreadRecord r = threadsById.get(thread);
        if (r == null) {
            l4.setMr(0, MsgTag.make(Protocol.ERROR, 0, 0));
            return;
        }
        Kip.BootModule m = l4.kernelInterface().bootModules().get(r.module());
        if (restarts[r.module()]++ >= MAX_RESTARTS) {
            l4.kdbPrint(m.name() + " died (exception code " + code + ") too often; leaving it halted");
            l4.setMr(0, MsgTag.make(Protocol.ERROR, 0, 0));
            return;
        }
        l4.kdbPrint(m.name() + " (thread " + ThreadId.toString(thread) + ") died (exception code "
                + code + "); restarting it (" + restarts[r.module()] + "/" + MAX_RESTARTS + ")");
        reply(l4, m.entry((int) r.entry()));
    }

    /**
     * Asks the root task for boot module {@code name}; returns how to reach its first thread (its
     * global id, or under capabilities the selector of the gate the root task granted), nil if
     * the module has no thread.
     */
    public static long lookup(L4 l4, String name) {
        return find(l4, name).name();
    }

    /** What a lookup found: the name to use in IPC, and the module's first thread's global id (for display). */
    public record Found(long name, long thread) {
    }

    private static final Found NOT_FOUND = new Found(ThreadId.NIL, ThreadId.NIL);

    /** {@link #lookup}, with the thread's global id. */
    public static Found find(L4 l4, String name) {
        Kip kip = l4.kernelInterface();
        Kip.BootModule m = kip.module(name);
        if (m == null) {
            return NOT_FOUND;
        }
        boolean caps = kip.capabilities();
        if (caps && !Names.hasLookupSlot(m.index())) {
            return NOT_FOUND;
        }
        long acceptor = l4.br(0);
        if (caps) {
            l4.setBr(0, Items.acceptor(Comm.objectFpage(Names.LOOKUP_BASE + m.index(), 0, 0), false));
        }
        l4.setMr(0, MsgTag.make(Protocol.ROOT_LOOKUP, 1, 0));
        l4.setMr(1, m.index());
        long tag = l4.call(Names.root(l4));
        if (caps) {
            l4.setBr(0, acceptor);
        }
        if (MsgTag.failed(tag) || MsgTag.label(tag) != Protocol.OK || l4.mr(1) == ThreadId.NIL
                || caps && MsgTag.typed(tag) != 2) {
            return NOT_FOUND;
        }
        return new Found(caps ? Names.lookupSelector(m.index()) : l4.mr(1), l4.mr(1));
    }
}
