package kola.system;

import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;

/**
 * The figure-1 demo of the paper (section 2): sigma0 maps to A and B; A maps to C and D; a grant
 * moves a mapping; an unmap revokes everything derived. The coordinator tells the tasks A, B, C, D
 * (each a {@link Fig1Task}) what to do, and after every step enters the kernel debugger, which
 * prints each space's mappings.
 */
public final class Fig1Demo implements Program {
    private static final long VA_A = 0x10000;
    private static final long VA_B = 0x20000;
    private static final long VA_C = 0x30000;
    private static final long VA_D = 0x40000;
    private static final long VA_B2 = 0x50000;

    @Override
    public void run(L4 l4) {
        demo(l4);
        RootTask.exit(l4); // the shell's demo waits for this, then removes the demo's tasks
    }

    private static void demo(L4 l4) {
        long a = RootTask.lookup(l4, "A");
        long b = RootTask.lookup(l4, "B");
        long c = RootTask.lookup(l4, "C");
        long d = RootTask.lookup(l4, "D");
        if (a == ThreadId.NIL || b == ThreadId.NIL || c == ThreadId.NIL || d == ThreadId.NIL) {
            l4.kdbPrint("the image needs tasks A, B, C and D");
            return;
        }
        l4.kdbEnter("fig1 step 0: four empty tasks A, B, C, D");

        ask(l4, a, Fig1Task.FROM_SIGMA0, VA_A, 0);
        ask(l4, b, Fig1Task.FROM_SIGMA0, VA_B, 0);
        ask(l4, a, Fig1Task.WRITE, VA_A, 0xA1);
        l4.kdbEnter("fig1 step 1: sigma0 maps a page to A (at 0x10000) and one to B (at 0x20000); A writes 0xA1");

        ask(l4, c, Fig1Task.ACCEPT, a, VA_C);
        ask(l4, a, Fig1Task.MAP, c, VA_A);
        ask(l4, d, Fig1Task.ACCEPT, a, VA_D);
        ask(l4, a, Fig1Task.MAP, d, VA_A);
        l4.kdbPrint("C reads 0x" + Long.toHexString(ask(l4, c, Fig1Task.READ, VA_C, 0))
                + " and D reads 0x" + Long.toHexString(ask(l4, d, Fig1Task.READ, VA_D, 0)) + ": one frame, three spaces");
        l4.kdbEnter("fig1 step 2: A maps its page to C (at 0x30000) and to D (at 0x40000)");

        ask(l4, b, Fig1Task.ACCEPT, d, VA_B2);
        ask(l4, d, Fig1Task.GRANT, b, VA_D);
        l4.kdbEnter("fig1 step 3: D grants its page to B (at 0x50000): D loses it, B's mapping still derives from A's");

        ask(l4, a, Fig1Task.UNMAP, VA_A, 0);
        l4.kdbEnter("fig1 step 4: A unmaps its page: every mapping derived from it (C's, and B's from the grant) is gone; A keeps its own");

        ask(l4, a, Fig1Task.UNMAP, VA_A, 1);
        l4.kdbEnter("fig1 step 5: A flushes its page: its own mapping goes too; B still has sigma0's first page");
        l4.kdbPrint("done");
    }

    /** Sends request {@code label} with two words to {@code task}; returns its MR1. */
    private static long ask(L4 l4, long task, long label, long w1, long w2) {
        l4.setMr(1, w1);
        l4.setMr(2, w2);
        int typed = 0;
        if ((label == Fig1Task.MAP || label == Fig1Task.GRANT) && Names.capabilities(l4)) {
            // Under capabilities the peer is named by a gate: ours to it, passed on (send right only).
            kola.abi.Items.putMap(l4, 3, kola.abi.Comm.objectFpage(kola.abi.Comm.slot(w1), 0, kola.abi.Comm.SEND), 0);
            typed = 2;
        }
        l4.setMr(0, MsgTag.make(label, 2, typed));
        long tag = l4.call(task);
        if (MsgTag.failed(tag) || MsgTag.label(tag) != Protocol.OK) {
            l4.kdbPrint("request 0x" + Long.toHexString(label) + " to " + ThreadId.toString(task) + " failed"
                    + (MsgTag.failed(tag) ? ": " + kola.abi.IpcError.describe(l4.errorCode()) : ""));
        }
        return l4.mr(1);
    }
}
