package kola.system;

import kola.abi.L4;
import kola.abi.Program;
import kola.abi.ThreadId;

/**
 * The client of the figure-5 demo (paper section 2, figure 5: a hierarchy of user-level pagers,
 * sigma0 → pager1 → pager2 → client). It touches memory it was never given: each fault goes to
 * pager2, whose own fault on its pool goes to pager1, whose pool comes from sigma0. Then pager1
 * revokes everything, and the client's next touches fault their pages back in.
 */
public final class Fig5Client implements Program {
    private static final long BASE = 0x100000;

    @Override
    public void run(L4 l4) {
        demo(l4);
        RootTask.exit(l4); // the shell's demo waits for this, then removes the demo's tasks
    }

    private static void demo(L4 l4) {
        long pager1 = RootTask.lookup(l4, "pager1");
        l4.kdbEnter("fig5 step 0: the client has no memory; its pager is " + ThreadId.toString(l4.pager()));
        l4.memory().store64(BASE, 0x5EED);
        l4.kdbEnter("fig5 step 1: the client wrote 0x5eed at 0x100000: the fault went to pager2, pager2's to pager1, pager1's pool page came from sigma0");
        for (int i = 1; i < 4; i++) {
            l4.memory().store64(BASE + i * 4096L, i);
        }
        l4.kdbEnter("fig5 step 2: three more pages, each mapped sigma0 -> pager1 -> pager2 -> client");
        if (pager1 == ThreadId.NIL || !Pager.requestRevoke(l4, pager1)) {
            l4.kdbPrint("pager1 did not revoke");
            return;
        }
        l4.kdbEnter("fig5 step 3: pager1 revoked its pool: pager2's and the client's mappings are gone, pager1 keeps its own");
        long value = l4.memory().load64(BASE);
        l4.kdbEnter("fig5 step 4: the client reads 0x100000 again (0x" + Long.toHexString(value)
                + "): pager2 faults the page back in from pager1, the data survived in pager1's frame");
        l4.kdbPrint("done");
    }
}
