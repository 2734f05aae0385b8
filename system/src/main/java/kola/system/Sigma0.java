package kola.system;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelLabels;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;

/**
 * Sigma0, the root of the recursive address-space model (paper section 2, figure 1; L4 X.2,
 * "Sigma0 RPC protocol"). Its address space is the identity mapping of all memory the kernel did
 * not reserve, device memory included; it hands that memory out by mapping it, and remembers who
 * holds what.
 *
 * <ul>
 * <li>A sigma0 request (label {@link KernelLabels#SIGMA0}, MR1 an fpage, MR2 attributes, which
 * must be 0) asks for that physical region, or, with the base all ones, for any free region of
 * that size (never boot-module memory or the boot information, X.2's BootInfo: those only by
 * address, as Pistachio's root task asks for them). The reply maps it (send base = the fpage's base: the requester's window decides where
 * it lands).</li>
 * <li>A page fault of a client (label {@link KernelLabels#PAGE_FAULT}) maps the page of the same
 * physical address, read-write (sigma0 pages its clients idempotently, as in L4).</li>
 * </ul>
 *
 * Replies are idempotent: asking again for what one holds gets it again. Memory the kernel
 * reserved, memory beyond RAM and devices, memory handed out to another thread, and a request
 * for any region when none is free are refused as X.2's sigma0 refuses: a map item of the nil
 * fpage, which maps nothing. A page fault it cannot serve gets the {@link KernelLabels#REFUSED}
 * reply, which halts the faulting thread (X.2's sigma0 would leave it faulting for ever). A
 * malformed request (attributes, a size below a page or above 1 GiB) and garbage get
 * {@link Protocol#ERROR} with the reason in MR1.
 */
public final class Sigma0 implements Program {
    private static final long PAGE = 4096;
    /** Holder of each frame handed out, by frame number. */
    private final Map<Long, Long> holder = new HashMap<>();
    private long freeCursor;
    private List<Kip.MemoryDescriptor> memory;

    @Override
    public void run(L4 l4) {
        memory = l4.kernelInterface().memory();
        boolean caps = Names.capabilities(l4);
        long client = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            long label = MsgTag.label(tag);
            if (MsgTag.failed(tag)) {
                client = l4.waitAny();
                continue;
            }
            if (label == KernelLabels.SIGMA0 && MsgTag.untyped(tag) == 2 && MsgTag.typed(tag) == 0) {
                request(l4, client, l4.mr(1), l4.mr(2));
            } else if (KernelLabels.isPageFault(label) && MsgTag.untyped(tag) == 2) {
                pageFault(l4, client, l4.mr(1));
            } else {
                refuse(l4, Protocol.E_UNKNOWN_REQUEST);
            }
            client = l4.replyWait(Names.replyTo(caps, client));
        }
    }

    private void request(L4 l4, long client, long fpage, long attributes) {
        int s = Fpage.sizeLog2(fpage);
        if (attributes != 0 || s < Fpage.MIN_SIZE_LOG2 || s > 30) {
            refuse(l4, Protocol.E_BAD_ARGUMENT);
            return;
        }
        long size = 1L << s;
        long base = Fpage.base(fpage);
        if (base == Fpage.base(-1L)) {
            base = findFree(client, size);
            if (base < 0) {
                reply(l4, Fpage.NIL, 0); // none free
                return;
            }
        } else if ((base & (size - 1)) != 0 || !available(client, base, size)) {
            reply(l4, Fpage.NIL, 0); // not sigma0's to give, or someone else's
            return;
        }
        grantTo(client, base, size);
        reply(l4, Fpage.of(base, s, Fpage.rights(fpage) == 0 ? Fpage.RWX : Fpage.rights(fpage)), base);
    }

    private void pageFault(L4 l4, long client, long address) {
        long base = address & -PAGE;
        if (address < 0 || !available(client, base, PAGE)) {
            l4.setMr(0, MsgTag.make(KernelLabels.REFUSED, 0, 0));
            return;
        }
        grantTo(client, base, PAGE);
        reply(l4, Fpage.of(base, 12, Fpage.RWX), base);
    }

    private void reply(L4 l4, long fpage, long sendBase) {
        Items.putMap(l4, 1, fpage, sendBase);
        l4.setMr(0, MsgTag.make(Protocol.OK, 0, 2));
    }

    private static void refuse(L4 l4, long why) {
        l4.setMr(1, why);
        l4.setMr(0, MsgTag.make(Protocol.ERROR, 1, 0));
    }

    /** Whether [base, base + size) is memory sigma0 owns and that is free or already {@code client}'s. */
    private boolean available(long client, long base, long size) {
        if (!owned(base, size)) {
            return false;
        }
        for (long pa = base; pa < base + size; pa += PAGE) {
            Long h = holder.get(pa / PAGE);
            if (h != null && h != client) {
                return false;
            }
        }
        return true;
    }

    /** Whether the region lies in conventional memory outside the kernel's, or in one device region. */
    private boolean owned(long base, long size) {
        boolean inRam = false;
        for (Kip.MemoryDescriptor d : memory) {
            boolean inside = base >= d.base() && base + size <= d.base() + d.size();
            boolean overlaps = base < d.base() + d.size() && d.base() < base + size;
            switch (d.type()) {
                case RESERVED -> {
                    if (overlaps) {
                        return false;
                    }
                }
                case CONVENTIONAL -> inRam |= inside;
                case DEVICE -> {
                    if (inside) {
                        return true;
                    }
                }
                default -> { }
            }
        }
        return inRam;
    }

    private long findFree(long client, long size) {
        long ramEnd = 0;
        for (Kip.MemoryDescriptor d : memory) {
            if (d.type() == Kip.MemoryDescriptor.Type.CONVENTIONAL) {
                ramEnd = Math.max(ramEnd, d.base() + d.size());
            }
        }
        for (int pass = 0; pass < 2; pass++) {
            long start = pass == 0 ? freeCursor : 0;
            for (long base = (start + size - 1) & -size; base + size <= ramEnd; base += size) {
                if (owned(base, size) && free(base, size) && !bootModule(base, size)) {
                    freeCursor = base + size;
                    return base;
                }
            }
        }
        return -1;
    }

    /**
     * Whether the region overlaps a boot module's memory or the boot information (X.2's
     * BootInfo): given out only when asked for by address.
     */
    private boolean bootModule(long base, long size) {
        for (Kip.MemoryDescriptor d : memory) {
            boolean bootLoaders = d.type() == Kip.MemoryDescriptor.Type.BOOT_MODULE
                    || d.type() == Kip.MemoryDescriptor.Type.BOOT_INFO;
            if (bootLoaders && base < d.base() + d.size() && d.base() < base + size) {
                return true;
            }
        }
        return false;
    }

    private boolean free(long base, long size) {
        for (long pa = base; pa < base + size; pa += PAGE) {
            if (holder.containsKey(pa / PAGE)) {
                return false;
            }
        }
        return true;
    }

    private void grantTo(long client, long base, long size) {
        for (long pa = base; pa < base + size; pa += PAGE) {
            holder.put(pa / PAGE, client);
        }
    }

    /** The sigma0 request of {@code l4}'s thread for {@code fpage} into receive window {@code window}; true if mapped (a map item of a fpage that is not nil). */
    public static boolean requestPage(L4 l4, long fpage, long window) {
        long sigma0 = Names.sigma0(l4);
        long acceptor = l4.br(0);
        l4.setBr(0, Items.acceptor(window, false));
        l4.setMr(1, fpage);
        l4.setMr(2, 0);
        l4.setMr(0, MsgTag.make(KernelLabels.SIGMA0, 2, 0));
        long tag = l4.call(sigma0);
        l4.setBr(0, acceptor);
        return !MsgTag.failed(tag) && MsgTag.label(tag) == Protocol.OK && MsgTag.typed(tag) == 2 && !Fpage.isNil(l4.mr(2));
    }

    /** The fpage word asking sigma0 for any free region of 2^sizeLog2 bytes. */
    public static long anyPage(int sizeLog2) {
        return Fpage.base(-1L) | (long) sizeLog2 << 4 | Fpage.RWX;
    }
}
