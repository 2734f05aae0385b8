import java.util.HashMap;
import java.util.Map;
import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelLabels;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;
import kola.system.Sigma0;

/**
 * A pager that gives each client private memory: the first fault of a client on a page gets a
 * fresh frame, which the pager asks sigma0 for (any free 4 KiB page, mapped into the pager's own
 * pool), and then maps to the client at the faulting address. Two clients touching the same
 * virtual address get different frames; a client faulting again on a page gets the same one.
 */
public final class PrivatePager implements Program {
    /** Where the pager keeps the frames it got, in its own address space. */
    private static final long POOL = 0x4000_0000L;
    private static final long PAGE = 4096;

    private record Key(long client, long page) {
    }

    private final Map<Key, Long> pool = new HashMap<>();   // (client, page) -> pool address
    private long next = POOL;

    @Override
    public void run(L4 l4) {
        long client = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag)) {
                client = l4.waitAny();
                continue;
            }
            if (KernelLabels.isPageFault(MsgTag.label(tag)) && MsgTag.untyped(tag) == 2) {
                fault(l4, client, l4.mr(1), l4.mr(2));    // MR1: fault address, MR2: instruction pointer
            } else {
                l4.setMr(0, MsgTag.make(KernelLabels.REFUSED, 0, 0));   // not a page fault: refuse
            }
            client = l4.replyWait(client);
        }
    }

    private void fault(L4 l4, long client, long address, long ip) {
        long page = address & -PAGE;
        Key key = new Key(client, page);
        Long mine = pool.get(key);
        if (mine == null) {
            mine = next;
            // The sigma0 protocol: any free page (base all ones), received into the pool at 'mine'.
            if (!Sigma0.requestPage(l4, Sigma0.anyPage(12), Fpage.of(mine, 12, 0))) {
                l4.kdbPrint("sigma0 has no page left; refusing the fault");
                l4.setMr(0, MsgTag.make(KernelLabels.REFUSED, 0, 0));
                return;
            }
            next += PAGE;
            pool.put(key, mine);
            long frame = Fpage.base(l4.mr(2));           // sigma0's reply: a map item of that frame
            Kip.BootModule m = l4.kernelInterface().moduleOf(ip);
            l4.kdbPrint(String.format("%s (%s) touched 0x%x: gave it frame 0x%x", ThreadId.toString(client),
                    m == null ? "?" : m.name(), page, frame));
        }
        // The reply maps the pool page at the faulting page of the client (read-write).
        Items.putMap(l4, 1, Fpage.of(mine, 12, Fpage.R | Fpage.W), page);
        l4.setMr(0, MsgTag.make(0, 0, 2));
    }
}
