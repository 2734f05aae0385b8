package kola.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import kola.abi.BootInfo;
import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelLabels;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;
import kola.kernel.Kernel;
import org.junit.jupiter.api.Test;

/**
 * The sigma0 protocol with the real {@link Sigma0} (L4 X.2 "Sigma0 RPC protocol"; paper section
 * 2): any page, a specific page, a region, idempotent re-requests; refusal of kernel-reserved
 * memory, of memory beyond RAM, of memory another thread holds, of bad requests; page faults
 * served 1:1, the root task's included; a fault on memory sigma0 does not own halts the thread.
 * Programs record what they saw; the test inspects the kernel's mapping database between steps
 * (programs run on the kernel loop's thread, so they may) and after the run. The kernel checks
 * its invariants after every kernel entry.
 */
class Sigma0ProtocolTest {
    static final long PAGE = 0x0200_0000L; // 32 MiB: conventional memory above the kernel's 16 MiB
    static final long BEYOND_RAM = 0x2000_0000L; // 512 MiB on a 256 MiB machine, below the devices at 1 GiB

    /** A test program: steps run one after another; failures are recorded, not thrown into the kernel. */
    interface Steps {
        void run(L4 l4, List<String> failures) throws Exception;
    }

    static Program recording(List<String> failures, List<String> done, Steps steps) {
        return l4 -> {
            try {
                steps.run(l4, failures);
                done.add("done");
            } catch (Throwable e) {
                failures.add("threw " + e);
            }
        };
    }

    static void check(List<String> failures, boolean ok, String what) {
        if (!ok) {
            failures.add(what);
        }
    }

    static Optional<Kernel.Mapping> at(Kernel k, String space, long va) {
        return k.mappings().stream().filter(m -> m.space().equals(space) && m.va() == va).findFirst();
    }

    /** A sigma0 request whose reply the caller inspects: returns the reply tag. */
    static long request(L4 l4, long fpage, long attributes, long window) {
        l4.setBr(0, Items.acceptor(window, false));
        l4.setMr(1, fpage);
        l4.setMr(2, attributes);
        l4.setMr(0, MsgTag.make(KernelLabels.SIGMA0, 2, 0));
        long tag = l4.call(l4.kernelInterface().sigma0());
        l4.setBr(0, 0);
        return tag;
    }

    static boolean refused(long tag) {
        return !MsgTag.failed(tag) && MsgTag.label(tag) == Protocol.ERROR && MsgTag.typed(tag) == 0;
    }

    /** X.2's "no" from sigma0: a map item of the nil fpage (MR2), which maps nothing. */
    static boolean nilItem(L4 l4, long tag) {
        return !MsgTag.failed(tag) && MsgTag.label(tag) == Protocol.OK && MsgTag.typed(tag) == 2 && l4.mr(2) == Fpage.NIL;
    }

    SystemHarness boot(Program client, Program other) {
        return new SystemHarness(List.of(
                new DefaultImage.Entry("sigma0", Sigma0::new, 255),
                new DefaultImage.Entry("roottask", RootTask::new, 255),
                new DefaultImage.Entry("client", () -> client, 120),
                new DefaultImage.Entry("other", () -> other, 110)));
    }

    @Test
    void anyPageASpecificPageARegionAndIdempotentRerequests() {
        List<String> failures = new ArrayList<>();
        List<String> done = new ArrayList<>();
        SystemHarness[] h = new SystemHarness[1];
        Program client = recording(failures, done, (l4, f) -> {
            Kernel k = h[0].kernel;
            check(f, Sigma0.requestPage(l4, Sigma0.anyPage(12), Fpage.of(0x10_0000, 12, 0)), "any page");
            Optional<Kernel.Mapping> any = at(k, "client", 0x10_0000);
            check(f, any.isPresent() && any.get().parentSpace().equals("sigma0")
                    && any.get().parentVa() == any.get().pfn() << 12 && any.get().pfn() << 12 >= 16L << 20
                    && any.get().rights() == Fpage.RWX, "any page: " + any);
            check(f, k.checkInvariants().isEmpty(), "invariants after any page");

            check(f, Sigma0.requestPage(l4, Fpage.of(PAGE, 12, Fpage.R | Fpage.W), Fpage.of(0x20_0000, 12, 0)),
                    "specific page");
            Optional<Kernel.Mapping> m = at(k, "client", 0x20_0000);
            check(f, m.isPresent() && m.get().pfn() == PAGE >>> 12 && m.get().rights() == (Fpage.R | Fpage.W),
                    "specific page: " + m);
            l4.memory().store64(0x20_0000, 0xABCD);

            var before = k.mappings();
            check(f, Sigma0.requestPage(l4, Fpage.of(PAGE, 12, Fpage.R | Fpage.W), Fpage.of(0x20_0000, 12, 0)),
                    "the same page again");
            check(f, before.equals(k.mappings()), "a re-request changes nothing");
            check(f, l4.memory().load64(0x20_0000) == 0xABCD, "the data stays");

            check(f, Sigma0.requestPage(l4, Fpage.of(PAGE, 12, Fpage.RWX), Fpage.of(0x30_0000, 12, 0)),
                    "the same page at another address");
            check(f, at(k, "client", 0x30_0000).map(x -> x.pfn() == PAGE >>> 12).orElse(false), "the page twice");
            check(f, l4.memory().load64(0x30_0000) == 0xABCD, "the same frame");

            check(f, Sigma0.requestPage(l4, Sigma0.anyPage(14), Fpage.of(0x40_0000, 14, 0)), "any 16 KiB");
            long first = at(k, "client", 0x40_0000).map(Kernel.Mapping::pfn).orElse(-1L);
            // Sigma0 hands out any-regions next-fit (Sigma0.findFree): the first free 16 KiB
            // boundary after the any page it gave last.
            long anyPfn = any.map(Kernel.Mapping::pfn).orElse(-1L);
            check(f, (first & 3) == 0 && first == ((anyPfn + 1 + 3) & -4),
                    "a 16 KiB region, aligned, after the any page " + anyPfn + ": " + first);
            for (int i = 1; i < 4; i++) {
                long va = 0x40_0000L + i * 4096L;
                check(f, at(k, "client", va).map(x -> x.pfn()).orElse(-1L) == first + i, "region page " + i);
            }
            check(f, k.checkInvariants().isEmpty(), "invariants at the end: " + k.checkInvariants());
        });
        h[0] = boot(client, l4 -> { });
        h[0].run();
        assertEquals(List.of(), failures, h[0].console());
        assertEquals(List.of("done"), done, h[0].console());
        assertEquals(List.of(), h[0].kernel.checkInvariants());
    }

    @Test
    void refusesKernelMemoryMemoryBeyondRamAndBadRequests() {
        List<String> failures = new ArrayList<>();
        List<String> done = new ArrayList<>();
        SystemHarness[] h = new SystemHarness[1];
        Program client = recording(failures, done, (l4, f) -> {
            Kernel k = h[0].kernel;
            var before = k.mappings();
            long w = Fpage.of(0x10_0000, 12, 0);
            long tag = request(l4, Fpage.of(0x1000, 12, Fpage.RWX), 0, w);
            check(f, nilItem(l4, tag), "kernel memory: " + MsgTag.toString(tag));
            tag = request(l4, Fpage.of(0, 24, Fpage.RWX), 0, Fpage.of(0, 24, 0));
            check(f, nilItem(l4, tag), "the kernel's 16 MiB: " + MsgTag.toString(tag));
            tag = request(l4, Fpage.of((16L << 20) - 0x4000, 14, Fpage.RWX), 0, Fpage.of(0x10_0000, 14, 0));
            check(f, nilItem(l4, tag), "a region straddling the kernel's end: " + MsgTag.toString(tag));
            tag = request(l4, Fpage.of(BEYOND_RAM, 12, Fpage.RWX), 0, w);
            check(f, nilItem(l4, tag), "beyond RAM: " + MsgTag.toString(tag));
            tag = request(l4, Fpage.of(PAGE, 12, Fpage.RWX), 1, w);
            check(f, refused(tag) && l4.mr(1) == Protocol.E_BAD_ARGUMENT, "attributes: " + MsgTag.toString(tag));
            tag = request(l4, PAGE | 11 << 4 | Fpage.RWX, 0, w);
            check(f, refused(tag), "s = 11: " + MsgTag.toString(tag));
            tag = request(l4, PAGE + 0x1000 | 13 << 4 | Fpage.RWX, 0, w);
            check(f, nilItem(l4, tag), "misaligned: " + MsgTag.toString(tag));
            l4.setMr(0, MsgTag.make(0x1234, 0, 0));
            tag = l4.call(l4.kernelInterface().sigma0());
            check(f, refused(tag) && l4.mr(1) == Protocol.E_UNKNOWN_REQUEST, "unknown request: " + MsgTag.toString(tag));
            check(f, before.equals(k.mappings()), "nothing was mapped:\n" + k.mappings());
            check(f, Sigma0.requestPage(l4, Fpage.of(PAGE, 12, Fpage.RWX), w), "sigma0 still serves");
        });
        h[0] = boot(client, l4 -> { });
        h[0].run();
        assertEquals(List.of(), failures, h[0].console());
        assertEquals(List.of("done"), done, h[0].console());
        assertEquals(List.of(), h[0].kernel.checkInvariants());
    }

    /**
     * The generic boot information (the KIP's BootInfo word, {@link BootInfo}): sigma0 gives its
     * page when asked for it by address (as Pistachio's root task asks), never as any page, and
     * to one holder only; read through the mapping, it names every boot module.
     */
    @Test
    void theBootInformationIsGivenByAddressOnlyAndNamesEveryModule() {
        List<String> failures = new ArrayList<>();
        List<String> done = new ArrayList<>();
        SystemHarness[] h = new SystemHarness[1];
        long[] bootInfo = new long[1];
        Program client = recording(failures, done, (l4, f) -> {
            long bi = l4.kernelInterface().bootInfo();
            bootInfo[0] = bi;
            check(f, bi == 16L << 20, "above the kernel's 16 MiB (no RISC-V module here): " + bi);
            check(f, Sigma0.requestPage(l4, Sigma0.anyPage(12), Fpage.of(0x10_0000, 12, 0)), "any page");
            long any = at(h[0].kernel, "client", 0x10_0000).map(Kernel.Mapping::pfn).orElse(-1L);
            check(f, any == (bi >> 12) + 1, "any page is the next one, not the boot information's: " + any);
            check(f, Sigma0.requestPage(l4, Fpage.of(bi, 12, Fpage.R), Fpage.of(0x20_0000, 12, 0)), "by address");
            BootInfo info = BootInfo.read(l4.memory(), 0x20_0000);
            check(f, info != null && info.modules().stream().map(BootInfo.Module::cmdline).toList()
                    .equals(List.of("sigma0", "roottask", "client", "other")), "every module's name: " + info);
            long other = RootTask.lookup(l4, "other");
            l4.setMr(0, MsgTag.make(1, 0, 0));
            check(f, !MsgTag.failed(l4.call(other)), "other answered");
        });
        Program other = recording(failures, done, (l4, f) -> {
            long from = l4.waitAny();
            long tag = request(l4, Fpage.of(bootInfo[0], 12, Fpage.R), 0, Fpage.of(0x50_0000, 12, 0));
            check(f, nilItem(l4, tag), "the client holds it: " + MsgTag.toString(tag));
            l4.setMr(0, MsgTag.make(0, 0, 0));
            l4.reply(from);
        });
        h[0] = boot(client, other);
        h[0].run();
        assertEquals(List.of(), failures, h[0].console());
        assertEquals(List.of("done", "done"), done, h[0].console());
    }

    @Test
    void refusesMemoryAnotherThreadHolds() {
        List<String> failures = new ArrayList<>();
        List<String> done = new ArrayList<>();
        SystemHarness[] h = new SystemHarness[1];
        Program client = recording(failures, done, (l4, f) -> {
            check(f, Sigma0.requestPage(l4, Fpage.of(PAGE, 12, Fpage.RWX), Fpage.of(0x10_0000, 12, 0)), "client's page");
            check(f, Sigma0.requestPage(l4, Sigma0.anyPage(12), Fpage.of(0x11_0000, 12, 0)), "client's any page");
            long other = RootTask.lookup(l4, "other");
            l4.setMr(1, h[0].kernel.mappings().stream().filter(m -> m.space().equals("client") && m.va() == 0x11_0000)
                    .findFirst().orElseThrow().pfn() << 12);
            l4.setMr(0, MsgTag.make(1, 1, 0));
            long tag = l4.call(other);
            check(f, !MsgTag.failed(tag), "other answered");
        });
        Program other = recording(failures, done, (l4, f) -> {
            long from = l4.waitAny();
            long anyPa = l4.mr(1);
            long w = Fpage.of(0x50_0000, 12, 0);
            var before = h[0].kernel.mappings();
            long tag = request(l4, Fpage.of(PAGE, 12, Fpage.RWX), 0, w);
            check(f, nilItem(l4, tag), "the client's page: " + MsgTag.toString(tag));
            tag = request(l4, Fpage.of(anyPa, 12, Fpage.R), 0, w);
            check(f, nilItem(l4, tag), "the client's any page: " + MsgTag.toString(tag));
            tag = request(l4, Fpage.of(PAGE & -(1L << 16), 16, Fpage.RWX), 0, Fpage.of(0x50_0000, 16, 0));
            check(f, nilItem(l4, tag), "a region holding the client's page: " + MsgTag.toString(tag));
            check(f, before.equals(h[0].kernel.mappings()), "nothing mapped to other");
            check(f, Sigma0.requestPage(l4, Sigma0.anyPage(12), w), "another any page");
            long pfn = h[0].kernel.mappings().stream().filter(m -> m.space().equals("other") && m.va() == 0x50_0000)
                    .findFirst().map(Kernel.Mapping::pfn).orElse(-1L);
            // A free one: next-fit, the frame after the client's any page, held by no one before.
            check(f, pfn == (anyPa >>> 12) + 1 && before.stream().noneMatch(m -> m.pfn() == pfn && m.parentAsid() >= 0),
                    "any page is a free one: " + pfn + ", after the client's " + (anyPa >>> 12));
            l4.setMr(0, MsgTag.make(0, 0, 0));
            l4.reply(from);
        });
        h[0] = boot(client, other);
        h[0].run();
        assertEquals(List.of(), failures, h[0].console());
        assertEquals(List.of("done", "done"), done, h[0].console());
        assertEquals(List.of(), h[0].kernel.checkInvariants());
    }

    @Test
    void pageFaultsOfTheRootTaskAndOfClientsAreServedOneToOne() {
        List<String> failures = new ArrayList<>();
        List<String> done = new ArrayList<>();
        SystemHarness[] h = new SystemHarness[1];
        Program root = recording(failures, done, (l4, f) -> {
            Kernel k = h[0].kernel;
            l4.memory().store64(0x0300_0010L, 0x77);
            Optional<Kernel.Mapping> m = at(k, "roottask", 0x0300_0000L);
            check(f, m.isPresent() && m.get().pfn() == 0x3000 && m.get().parentSpace().equals("sigma0")
                    && m.get().rights() == Fpage.RWX, "the root task's fault, 1:1: " + m);
            check(f, l4.memory().load64(0x0300_0010L) == 0x77, "the store completed");
            l4.memory().load64(0x0400_0000L + 4096 * 7);
            check(f, at(k, "roottask", 0x0400_7000L).map(x -> x.pfn() == 0x4007).orElse(false), "a load fault, 1:1");
            long[] client = new long[1];
            // start a client paged by sigma0 and wait for its report
            String err = Tasks.create(l4, ThreadId.global(l4.kernelInterface().userBase() + 3, 1),
                    l4.kernelInterface().sigma0(), l4.kernelInterface().module("client").entry(0), 100);
            check(f, err == null, "client started: " + err);
            client[0] = l4.waitAny();
            check(f, MsgTag.label(l4.mr(0)) == 0x55, "client's report");
            check(f, at(k, "client", 0x0500_0000L).map(x -> x.pfn() == 0x5000).orElse(false), "the client's fault, 1:1");
            check(f, k.checkInvariants().isEmpty(), "invariants: " + k.checkInvariants());
        });
        Program client = l4 -> {
            l4.memory().store64(0x0500_0000L, 1);
            l4.setMr(0, MsgTag.make(0x55, 0, 0));
            l4.send(l4.kernelInterface().rootTask());
        };
        h[0] = new SystemHarness(List.of(
                new DefaultImage.Entry("sigma0", Sigma0::new, 255),
                new DefaultImage.Entry("roottask", () -> root, 255),
                new DefaultImage.Entry("client", () -> client, 100)));
        h[0].run();
        assertEquals(List.of(), failures, h[0].console());
        assertEquals(List.of("done"), done, h[0].console());
    }

    @Test
    void aFaultOnMemorySigma0DoesNotOwnHaltsTheThreadAndOthersGoOn() {
        List<String> failures = new ArrayList<>();
        List<String> done = new ArrayList<>();
        SystemHarness[] h = new SystemHarness[1];
        List<String> reached = new ArrayList<>();
        Program client = l4 -> {
            l4.memory().load64(0x1000); // the kernel's memory: refused
            reached.add("client went on");
        };
        Program other = recording(failures, done, (l4, f) -> {
            l4.memory().store64(0x0600_0000L, 5);
            check(f, l4.memory().load64(0x0600_0000L) == 5, "other is served");
            l4.memory().load64(BEYOND_RAM); // beyond RAM: refused, other halts here
            reached.add("other went on");
        });
        h[0] = boot(client, other);
        h[0].run();
        String console = h[0].console();
        assertEquals(List.of(), reached, console);
        assertEquals(List.of(), failures, console);
        assertTrue(console.contains("halted"), console);
        assertTrue(console.lines().filter(l -> l.contains("halted")).count() >= 2, "both reported:\n" + console);
        assertEquals(List.of(), h[0].kernel.checkInvariants());
    }
}
