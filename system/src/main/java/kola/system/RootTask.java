package kola.system;

import java.util.List;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;

/**
 * The root task (L4 X.2: the first privileged user task after sigma0): it starts every further
 * boot module of the image in its own address space, with sigma0 as the pager unless the module's
 * arguments name another module with {@code pager=NAME} (one started before it), and then answers
 * {@link Protocol#ROOT_LOOKUP} requests so that tasks find each other's threads.
 */
public final class RootTask implements Program {

    @Override
    public void run(L4 l4) {
        Kip kip = l4.kernelInterface();
        List<Kip.BootModule> modules = kip.bootModules();
        long[] firstThread = new long[modules.size()];
        firstThread[0] = kip.sigma0();
        firstThread[1] = l4.myGlobalId();
        long number = kip.userBase() + 3;
        for (int i = 2; i < modules.size(); i++) {
            Kip.BootModule m = modules.get(i);
            long id = ThreadId.global(number++, 1);
            long pager = kip.sigma0();
            for (String arg : m.args()) {
                if (arg.startsWith("pager=")) {
                    Kip.BootModule p = kip.module(arg.substring(6));
                    pager = p == null || p.index() >= i ? ThreadId.NIL : firstThread[p.index()];
                }
            }
            if (pager == ThreadId.NIL) {
                l4.kdbPrint("roottask: cannot start " + m.name() + ": its pager must be a module started before it");
                continue;
            }
            String failure = Tasks.create(l4, id, pager, m.entry(0), m.priority());
            if (failure == null) {
                firstThread[i] = id;
            } else {
                l4.kdbPrint("roottask: cannot start " + m.name() + ": " + failure);
            }
        }
        long client = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            if (MsgTag.label(tag) == Protocol.ROOT_LOOKUP && MsgTag.untyped(tag) == 1 && MsgTag.typed(tag) == 0) {
                long index = l4.mr(1);
                l4.setMr(1, index >= 0 && index < firstThread.length ? firstThread[(int) index] : ThreadId.NIL);
                l4.setMr(0, MsgTag.make(Protocol.OK, 1, 0));
            } else {
                l4.setMr(1, Protocol.E_UNKNOWN_REQUEST);
                l4.setMr(0, MsgTag.make(Protocol.ERROR, 1, 0));
            }
            client = l4.replyWait(client);
        }
    }

    /** Asks the root task for the first thread of boot module {@code name}; nil if there is none. */
    public static long lookup(L4 l4, String name) {
        Kip kip = l4.kernelInterface();
        Kip.BootModule m = kip.module(name);
        if (m == null) {
            return ThreadId.NIL;
        }
        l4.setMr(0, MsgTag.make(Protocol.ROOT_LOOKUP, 1, 0));
        l4.setMr(1, m.index());
        long tag = l4.call(kip.rootTask());
        return MsgTag.failed(tag) || MsgTag.label(tag) != Protocol.OK ? ThreadId.NIL : l4.mr(1);
    }
}
