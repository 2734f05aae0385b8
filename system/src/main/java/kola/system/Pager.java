package kola.system;

import java.util.HashMap;
import java.util.Map;
import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelLabels;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;

/**
 * A user-level memory manager (paper section 2, figure 5): it serves its clients' page faults
 * from a pool of its own address space, whose pages it gets from its own pager simply by touching
 * them. Stacked, such pagers build the hierarchy of figure 5: sigma0 → pager 1 → pager 2 → client.
 *
 * <p>A client's fault at address a gets one pool page mapped at a (read-write), and the same page
 * again if it faults there again (the pager touches it first, in case its own pager took it
 * back). Requests: {@link #REVOKE} unmaps the whole pool from everyone the pager gave pages to,
 * and so from everyone they gave them to (paper section 2: unmap is recursive); the pager keeps
 * its own mappings, so a client that faults again gets its page, and its data, back. Anything
 * else gets {@link Protocol#ERROR}. When the pool is used up, faults are refused.
 */
public final class Pager implements Program {
    /** Revoke every page the pager handed out, from every space it reached. */
    public static final long REVOKE = 0x200;
    /** Where the pool starts in the pager's own space. */
    public static final long POOL_BASE = 0x4000_0000L;
    /** Pool pages: 2^8, so that the pool is one fpage of 2^20 bytes. */
    public static final int POOL_PAGES = 256;
    private static final int POOL_SIZE_LOG2 = 20;
    private static final long PAGE = 4096;

    private record Key(long client, long page) {
    }

    private final Map<Key, Long> backing = new HashMap<>();
    private final java.util.Set<Long> held = new java.util.HashSet<>();
    private int used;

    @Override
    public void run(L4 l4) {
        boolean caps = Names.capabilities(l4);
        long client = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            long label = MsgTag.label(tag);
            if (MsgTag.failed(tag)) {
                client = l4.waitAny();
                continue;
            }
            if (KernelLabels.isPageFault(label) && MsgTag.untyped(tag) == 2) {
                fault(l4, client, l4.mr(1));
            } else if (label == REVOKE && MsgTag.untyped(tag) == 0 && MsgTag.typed(tag) == 0) {
                l4.setMr(0, Fpage.of(POOL_BASE, POOL_SIZE_LOG2, Fpage.RWX));
                l4.unmap(0);
                l4.setMr(0, MsgTag.make(Protocol.OK, 0, 0));
            } else {
                l4.setMr(1, Protocol.E_UNKNOWN_REQUEST);
                l4.setMr(0, MsgTag.make(Protocol.ERROR, 1, 0));
            }
            client = l4.replyWait(Names.replyTo(caps, client));
        }
    }

    private void fault(L4 l4, long client, long address) {
        long page = address & -PAGE;
        Key key = new Key(client, page);
        Long pool = backing.get(key);
        if (pool == null) {
            if (used == POOL_PAGES || address < 0) {
                l4.setMr(0, MsgTag.make(KernelLabels.REFUSED, 0, 0));
                return;
            }
            pool = POOL_BASE + used++ * PAGE;
            backing.put(key, pool);
        }
        hold(l4, pool);
        Items.putMap(l4, 1, Fpage.of(pool, 12, Fpage.R | Fpage.W), page);
        l4.setMr(0, MsgTag.make(Protocol.OK, 0, 2));
    }

    /**
     * Makes sure the pager holds its pool page: from sigma0 by the sigma0 protocol, from any other
     * pager by touching the page (the fault goes to that pager).
     */
    private void hold(L4 l4, long pool) {
        if (l4.pager() == l4.kernelInterface().sigma0()) { // the pager is named by global id under every model
            if (held.add(pool) && !Sigma0.requestPage(l4, Sigma0.anyPage(12), Fpage.of(pool, 12, 0))) {
                held.remove(pool);
            }
        } else {
            l4.memory().load64(pool);
        }
    }

    /** Asks pager {@code pager} to revoke everything it handed out. */
    public static boolean requestRevoke(L4 l4, long pager) {
        l4.setMr(0, MsgTag.make(REVOKE, 0, 0));
        long tag = l4.call(pager);
        return !MsgTag.failed(tag) && MsgTag.label(tag) == Protocol.OK;
    }
}
