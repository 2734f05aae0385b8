package kola.system;

import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;

/**
 * One address space of the figure-1 demo (paper section 2, figure 1): a task that does what the
 * demo's coordinator tells it, one request at a time, so that the coordinator can show each step
 * of the recursive address-space model. Requests (MR1.. as listed), each answered with
 * {@link Protocol#OK} (MR1 a result) or {@link Protocol#ERROR}:
 * <ul>
 * <li>{@link #FROM_SIGMA0} va: ask sigma0 for any page and receive it at va;</li>
 * <li>{@link #ACCEPT} from, va: answer at once, then receive a map or grant from thread {@code from}
 * into the window at va;</li>
 * <li>{@link #MAP} to, va / {@link #GRANT} to, va: send the page at va to thread {@code to};</li>
 * <li>{@link #UNMAP} va, flush: unmap the page at va (flush: from this space too);</li>
 * <li>{@link #WRITE} va, value and {@link #READ} va: touch memory.</li>
 * </ul>
 * Under capabilities the coordinator names the peer of {@link #MAP} and {@link #GRANT} by giving
 * the task a gate to it with the request (a map item, into the task's {@link #PEER} slot), and
 * {@link #ACCEPT} receives from whoever sends (a task can only wait for a reply by name).
 */
public final class Fig1Task implements Program {
    public static final long FROM_SIGMA0 = 0x300;
    public static final long ACCEPT = 0x301;
    public static final long MAP = 0x302;
    public static final long GRANT = 0x303;
    public static final long UNMAP = 0x304;
    public static final long WRITE = 0x305;
    public static final long READ = 0x306;
    /** Capabilities: the slot where the coordinator's gate to the peer of a map or grant lands. */
    public static final int PEER = Names.OWN_BASE + 2;

    @Override
    public void run(L4 l4) {
        boolean caps = Names.capabilities(l4);
        long peerAcceptor = caps ? Items.acceptor(kola.abi.Comm.objectFpage(PEER, 0, 0), false) : 0;
        l4.setBr(0, peerAcceptor);
        long boss = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag)) {
                boss = l4.waitAny(); // nothing was received: nobody to answer
                continue;
            }
            long label = MsgTag.label(tag);
            long a = l4.mr(1);
            long b = l4.mr(2);
            boolean ok = !MsgTag.failed(tag) && MsgTag.untyped(tag) >= 1;
            if (caps && (label == MAP || label == GRANT)) {
                a = kola.abi.Comm.selector(PEER);
            }
            long result = 0;
            if (ok && label == FROM_SIGMA0) {
                ok = Sigma0.requestPage(l4, Sigma0.anyPage(12), Fpage.of(a & -4096L, 12, 0));
            } else if (ok && label == ACCEPT && MsgTag.untyped(tag) == 2) {
                l4.setMr(0, MsgTag.make(Protocol.OK, 0, 0));
                l4.reply(Names.replyTo(caps, boss));
                l4.setBr(0, Items.acceptor(Fpage.of(b & -4096L, 12, 0), false));
                if (caps) {
                    l4.waitAny();
                } else {
                    l4.receive(a);
                }
                l4.setBr(0, peerAcceptor);
                boss = l4.waitAny();
                continue;
            } else if (ok && (label == MAP || label == GRANT) && MsgTag.untyped(tag) == 2) {
                long page = Fpage.of(b & -4096L, 12, Fpage.R | Fpage.W);
                if (label == MAP) {
                    Items.putMap(l4, 1, page, 0);
                } else {
                    Items.putGrant(l4, 1, page, 0);
                }
                l4.setMr(0, MsgTag.make(0, 0, 2));
                ok = !MsgTag.failed(l4.send(a));
            } else if (ok && label == UNMAP && MsgTag.untyped(tag) == 2) {
                l4.setMr(0, Fpage.of(a & -4096L, 12, Fpage.RWX));
                l4.unmap(b != 0 ? 0x40 : 0);
            } else if (ok && label == WRITE && MsgTag.untyped(tag) == 2) {
                l4.memory().store64(a, b);
            } else if (ok && label == READ) {
                result = l4.memory().load64(a);
            } else {
                ok = false;
            }
            l4.setMr(1, ok ? result : Protocol.E_BAD_ARGUMENT);
            l4.setMr(0, MsgTag.make(ok ? Protocol.OK : Protocol.ERROR, 1, 0));
            boss = l4.replyWait(Names.replyTo(caps, boss));
        }
    }
}
