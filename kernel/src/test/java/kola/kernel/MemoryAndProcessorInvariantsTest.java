package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import kola.abi.Fpage;
import kola.abi.KipLayout;
import kola.abi.L4;
import kola.abi.MemoryControl;
import kola.machine.CycleClock;
import kola.machine.PhysicalMemory;
import kola.machine.Tlb;
import org.junit.jupiter.api.Test;

/**
 * The invariant checker on the state MemoryControl and ProcessorControl keep: it finds nothing
 * after the calls, and it finds each kind of damage done behind their back: a leaf whose memory
 * type is not its node's attribute, a TLB entry whose {@link Tlb#UNCACHED} is not its leaf's, a
 * KIP whose processor descriptor does not show the clock's rate (or the time base).
 */
class MemoryAndProcessorInvariantsTest {
    static final long P = 0x0300_0000L;

    /** The violations that mention {@code what}: each reduced to "yes" so that the lists compare whole. */
    private static List<String> found(Kernel k, String what) {
        List<String> out = new ArrayList<>();
        for (String v : k.checkInvariants()) {
            out.add(v.contains(what) ? what : v);
        }
        return out;
    }

    @Test
    void attributesAndTheirLeavesAndTlbEntriesAreCheckedAgainstEachOther() {
        List<Object> seen = new ArrayList<>();
        new AddressSpaceHarness().script(b -> {
            L4 l4 = b.l4;
            l4.memory().store64(P, 1);
            l4.memory().store64(P + 0x1000, 2);
            l4.setMr(0, Fpage.of(P, 12, 0));
            seen.add(l4.memoryControl(0, MemoryControl.NONCACHEABLE, 0, 0, 0));
            l4.memory().load64(P); // a TLB entry, uncached
            Kernel k = b.kernel();
            Space s = k.threads.lookup(l4.myGlobalId()).space;
            seen.add(k.checkInvariants());
            // The leaf of P+0x1000 made IO behind the database's back (its node keeps the default).
            s.pageTable.setAttribute(P + 0x1000, (int) MemoryControl.IO, k.machine.tlb());
            seen.add(found(k, "page-table entry"));
            s.pageTable.setAttribute(P + 0x1000, (int) MemoryControl.DEFAULT, k.machine.tlb());
            seen.add(k.checkInvariants());
            // A TLB entry for P that forgot it is uncached (filled from the leaf's rights alone).
            k.machine.tlb().fill(s.asid, P >>> PhysicalMemory.PAGE_SHIFT, P >>> PhysicalMemory.PAGE_SHIFT, Fpage.R);
            seen.add(found(k, "is cached but its page-table entry"));
            k.machine.tlb().flush(s.asid, P >>> PhysicalMemory.PAGE_SHIFT);
            seen.add(k.checkInvariants());
        }).run();
        assertEquals(List.of(1L, List.of(), List.of("page-table entry"), List.of(), List.of("is cached but its page-table entry"),
                List.of()), seen);
    }

    @Test
    void theKipsProcessorDescriptorIsCheckedAgainstTheClock() {
        List<Object> seen = new ArrayList<>();
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            Kernel k = h.kernel;
            seen.add(l4.processorControl(0, CycleClock.BASE_KHZ / 4, 0, 0));
            seen.add(k.checkInvariants());
            long desc = k.kipFrame * PhysicalMemory.PAGE_SIZE + KipLayout.PROC_DESC;
            k.clock.setKhz(CycleClock.BASE_KHZ / 2); // the rate changed, but not the KIP
            seen.add(found(k, "InternalFreq is 250000 kHz, but the processor runs at 500000 kHz"));
            k.machine.memory().store64(desc + 8, CycleClock.BASE_KHZ / 2);
            seen.add(k.checkInvariants());
            k.machine.memory().store64(desc, 33_000); // the time base is fixed
            seen.add(found(k, "ExternalFreq is 33000 kHz"));
            k.machine.memory().store64(desc, CycleClock.BASE_KHZ);
            seen.add(l4.processorControl(0, CycleClock.BASE_KHZ, 0, 0));
            seen.add(k.checkInvariants());
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(1L, List.of(), List.of("InternalFreq is 250000 kHz, but the processor runs at 500000 kHz"), List.of(),
                List.of("ExternalFreq is 33000 kHz"), 1L, List.of()), seen);
    }
}
