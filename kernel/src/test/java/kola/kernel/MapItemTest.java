package kola.kernel;

import static kola.kernel.AddressSpaceHarness.window;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import kola.abi.Fpage;
import kola.abi.IpcError;
import kola.abi.Items;
import kola.abi.KernelLabels;
import kola.abi.Kip;
import kola.abi.MsgTag;
import kola.kernel.AddressSpaceHarness.Boss;
import kola.kernel.AddressSpaceHarness.Transfer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Map items (L4 X.2 "Map item", "Fitting a map or grant item into the receive window"): one page
 * and 2^s regions, rights reduction, the window-fitting rules, repeated maps, replacement,
 * memory not held, the KIP and UTCB areas, the nil window and every malformed item (a nil fpage
 * is not malformed: it maps nothing, IpcTest). The kernel's
 * invariants are checked after every step.
 */
class MapItemTest {
    /** Physical pages sigma0 hands out in these tests. */
    static final long P = 0x0200_0000L;
    static final long P2 = 0x0210_0000L;
    static final long VA_A = 0x10_0000L;
    static final long VA_B = 0x20_0000L;
    static final long VA_C = 0x30_0000L;
    static final int RW = Fpage.R | Fpage.W;
    static final int RWX = Fpage.RWX;
    static final long OVERFLOW_SEND = IpcError.code(IpcError.MESSAGE_OVERFLOW, false);
    static final long OVERFLOW_RECEIVE = IpcError.code(IpcError.MESSAGE_OVERFLOW, true);

    /** va → pfn of the space's mappings. */
    static Map<Long, Long> frames(Boss b, String space) {
        Map<Long, Long> out = new TreeMap<>();
        for (Kernel.Mapping m : b.of(space)) {
            out.put(m.va(), m.pfn());
        }
        return out;
    }

    @Test
    void mapsOnePageThatBothSpacesThenShare() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            b.inv("sigma0 maps P to A");
            Kernel.Mapping ma = b.mapped("A", VA_A);
            assertEquals(P >>> 12, ma.pfn());
            assertEquals(RWX, ma.rights());
            assertEquals("sigma0", ma.parentSpace());
            assertEquals(P, ma.parentVa());
            b.writeOk("A", VA_A + 8, 0xCAFE);
            b.inv("A writes");

            Transfer t = b.map("A", "B", Fpage.of(VA_A, 12, RW), 0, window(VA_B));
            assertTrue(t.ok(), t.toString());
            b.inv("A maps to B");
            assertEquals(MsgTag.make(0, 0, 2), t.receiveTag(), "B receives the tag as sent");
            assertEquals(Items.mapWord(0), t.received().word(3), "B receives the item words");
            Kernel.Mapping mb = b.mapped("B", VA_B);
            assertEquals(P >>> 12, mb.pfn());
            assertEquals(RW, mb.rights());
            assertEquals("A", mb.parentSpace());
            assertEquals(VA_A, mb.parentVa());
            assertEquals(1, b.of("B").size(), "exactly one page mapped");
            assertEquals(0xCAFE, b.readOk("B", VA_B + 8));
            b.writeOk("B", VA_B + 16, 0xBEEF);
            assertEquals(0xBEEF, b.readOk("A", VA_A + 16), "one frame, two spaces");
            b.inv("B reads and writes");
        }).run();
    }

    @Test
    void mapsA2sRegionPageByPage() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.sigma0("A", Fpage.of(P, 14, RWX), Fpage.of(VA_A, 14, 0));
            b.inv("sigma0 maps 16 KiB to A");
            assertEquals(Map.of(VA_A, P >>> 12, VA_A + 0x1000, (P >>> 12) + 1, VA_A + 0x2000, (P >>> 12) + 2,
                    VA_A + 0x3000, (P >>> 12) + 3), frames(b, "A"));
            for (int i = 0; i < 4; i++) {
                b.writeOk("A", VA_A + i * 0x1000L, 100 + i);
            }
            Transfer t = b.map("A", "B", Fpage.of(VA_A, 14, RW), 0, Fpage.of(VA_B, 14, 0));
            assertTrue(t.ok(), t.toString());
            b.inv("A maps its 16 KiB to B");
            assertEquals(4, b.of("B").size());
            for (int i = 0; i < 4; i++) {
                Kernel.Mapping m = b.mapped("B", VA_B + i * 0x1000L);
                assertEquals((P >>> 12) + i, m.pfn());
                assertEquals(VA_A + i * 0x1000L, m.parentVa());
                assertEquals(RW, m.rights());
                assertEquals(100 + i, b.readOk("B", VA_B + i * 0x1000L));
            }
        }).run();
    }

    @Test
    void aRegionOnlyPartlyHeldMapsOnlyTheHeldPages() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            b.page("A", P + 0x2000, VA_A + 0x2000);
            Transfer t = b.map("A", "B", Fpage.of(VA_A, 14, RWX), 0, Fpage.of(VA_B, 14, 0));
            assertTrue(t.ok(), t.toString());
            b.inv("A maps a region it holds half of");
            assertEquals(Map.of(VA_B, P >>> 12, VA_B + 0x2000, (P + 0x2000) >>> 12), frames(b, "B"));
        }).run();
    }

    @Test
    void rightsAreTheIntersectionOfTheItemsAndTheHeldOnes() {
        new AddressSpaceHarness("A", "B", "C").pager("C", KernelHarness.ROOT).script(b -> {
            b.sigma0("A", Fpage.of(P, 12, RW), window(VA_A));
            b.inv("sigma0 maps P read-write to A");
            assertEquals(RW, b.mapped("A", VA_A).rights());
            b.writeOk("A", VA_A, 0x42);

            assertTrue(b.map("A", "B", Fpage.of(VA_A, 12, RWX), 0, window(VA_B)).ok());
            b.inv("A maps rwx to B");
            assertEquals(RW, b.mapped("B", VA_B).rights(), "asking for more than is held gives what is held");

            assertTrue(b.map("A", "C", Fpage.of(VA_A, 12, Fpage.R), 0, window(VA_C)).ok());
            b.inv("A maps r to C");
            assertEquals(Fpage.R, b.mapped("C", VA_C).rights());
            assertEquals(0x42, b.readOk("C", VA_C));

            var fault = b.write("C", VA_C, 1);
            assertTrue(fault.isFault(), "a store to a read-only mapping faults: " + fault);
            assertEquals(Fpage.W, fault.faultAccess());
            assertEquals(VA_C, fault.faultAddress());
            b.inv("C faulted");
            b.answer("C", MsgTag.make(KernelLabels.REFUSED, 0, 0));
            b.inv("C's fault refused");
            assertEquals(0x42, b.readOk("A", VA_A), "the refused store changed nothing");
        }).run();
    }

    @Test
    void rightsWithoutAnyInCommonMapNothing() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.sigma0("A", Fpage.of(P, 12, Fpage.R), window(VA_A));
            Transfer t = b.map("A", "B", Fpage.of(VA_A, 12, Fpage.W | Fpage.X), 0, window(VA_B));
            assertTrue(t.ok(), t.toString());
            b.inv("A maps wx of an r page");
            assertEquals(List.of(), b.of("B"));
            t = b.map("A", "B", Fpage.of(VA_A, 12, 0), 0, window(VA_B));
            assertTrue(t.ok(), t.toString());
            assertEquals(List.of(), b.of("B"), "an item without rights maps nothing");
        }).run();
    }

    /** Sigma0 maps 16 KiB (frames P..P+3) at VA_A of A. */
    static void fourPages(Boss b) {
        b.sigma0("A", Fpage.of(P, 14, RWX), Fpage.of(VA_A, 14, 0));
        b.inv("sigma0 maps 16 KiB to A");
    }

    static final long PFN = P >>> 12;

    @Test
    void smallerFpageLandsAtWindowBasePlusSendBaseModWindowRoundedDown() {
        new AddressSpaceHarness("A", "B").script(b -> {
            fourPages(b);
            // s = 13 <= w = 16: 0x500000 + (0xB400 mod 2^16 rounded down to 2^13) = 0x50A000
            Transfer t = b.map("A", "B", Fpage.of(VA_A + 0x2000, 13, RWX), 0xB400, Fpage.of(0x50_0000, 16, 0));
            assertTrue(t.ok(), t.toString());
            b.inv("s < w");
            assertEquals(Map.of(0x50_A000L, PFN + 2, 0x50_B000L, PFN + 3), frames(b, "B"));
        }).run();
    }

    @Test
    void sendBaseBeyondTheWindowWrapsModuloTheWindow() {
        new AddressSpaceHarness("A", "B").script(b -> {
            fourPages(b);
            // s = 12 <= w = 14: send base 0x7_3000 mod 2^14 = 0x3000
            Transfer t = b.map("A", "B", Fpage.of(VA_A + 0x1000, 12, RWX), 0x7_3000, Fpage.of(0x50_0000, 14, 0));
            assertTrue(t.ok(), t.toString());
            b.inv("send base beyond the window");
            assertEquals(Map.of(0x50_3000L, PFN + 1), frames(b, "B"));
        }).run();
    }

    @Test
    void equalSizesFillTheWindowWhateverTheSendBase() {
        new AddressSpaceHarness("A", "B").script(b -> {
            fourPages(b);
            Transfer t = b.map("A", "B", Fpage.of(VA_A + 0x2000, 13, RWX), 0x1000, Fpage.of(0x60_0000, 13, 0));
            assertTrue(t.ok(), t.toString());
            b.inv("s = w");
            assertEquals(Map.of(0x60_0000L, PFN + 2, 0x60_1000L, PFN + 3), frames(b, "B"));
        }).run();
    }

    @Test
    void largerFpageMapsOnlyTheWindowSizedPartTheSendBaseSelects() {
        new AddressSpaceHarness("A", "B", "C").script(b -> {
            fourPages(b);
            // s = 14 > w = 12: the part (0x2A00 mod 2^14) rounded down to 2^12 = 0x2000: A's third page
            Transfer t = b.map("A", "B", Fpage.of(VA_A, 14, RWX), 0x2A00, window(0x60_0000));
            assertTrue(t.ok(), t.toString());
            b.inv("s > w = 12");
            assertEquals(Map.of(0x60_0000L, PFN + 2), frames(b, "B"));
            // s = 14 > w = 13: send base 0x7000 selects 0x6000 mod 2^14 = 0x2000 .. 0x3fff
            t = b.map("A", "C", Fpage.of(VA_A, 14, RWX), 0x7000, Fpage.of(0x70_0000, 13, 0));
            assertTrue(t.ok(), t.toString());
            b.inv("s > w = 13");
            assertEquals(Map.of(0x70_0000L, PFN + 2, 0x70_1000L, PFN + 3), frames(b, "C"));
        }).run();
    }

    @Test
    void completeWindowPlacesTheFpageAtTheSendBase() {
        new AddressSpaceHarness("A", "B").script(b -> {
            fourPages(b);
            Transfer t = b.map("A", "B", Fpage.of(VA_A + 0x1000, 12, RWX), 0x777_7000, Fpage.COMPLETE);
            assertTrue(t.ok(), t.toString());
            b.inv("complete window");
            assertEquals(Map.of(0x777_7000L, PFN + 1), frames(b, "B"));
            t = b.map("A", "B", Fpage.of(VA_A, 14, RWX), 0x123_4000, Fpage.COMPLETE);
            assertTrue(t.ok(), t.toString());
            b.inv("complete window, 16 KiB");
            assertEquals(Map.of(0x777_7000L, PFN + 1, 0x123_4000L, PFN, 0x123_5000L, PFN + 1, 0x123_6000L, PFN + 2,
                    0x123_7000L, PFN + 3), frames(b, "B"));
        }).run();
    }

    @Test
    void repeatedMapExtendsTheRightsAndNeverReducesThem() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            assertTrue(b.map("A", "B", Fpage.of(VA_A, 12, Fpage.R), 0, window(VA_B)).ok());
            b.inv("A maps r");
            assertEquals(Fpage.R, b.mapped("B", VA_B).rights());
            assertTrue(b.map("A", "B", Fpage.of(VA_A, 12, Fpage.W), 0, window(VA_B)).ok());
            b.inv("A maps w again");
            assertEquals(RW, b.mapped("B", VA_B).rights(), "a repeated map extends the rights");
            assertEquals(1, b.of("B").size());
            assertTrue(b.map("A", "B", Fpage.of(VA_A, 12, Fpage.R), 0, window(VA_B)).ok());
            b.inv("A maps r a third time");
            assertEquals(RW, b.mapped("B", VA_B).rights(), "a repeated map does not reduce the rights");
            b.writeOk("B", VA_B, 5);
            assertEquals(5, b.readOk("A", VA_A));
        }).run();
    }

    @Test
    void mappingOverAMappingFromElsewhereReplacesItAndWhatDerivesFromIt() {
        new AddressSpaceHarness("A", "B", "C").script(b -> {
            b.page("A", P, VA_A);
            b.writeOk("A", VA_A, 0xAAAA);
            b.page("B", P2, VA_B);
            b.writeOk("B", VA_B, 0xBBBB);
            b.mapPage("B", VA_B, "C", VA_C, RWX);
            b.inv("B maps its own page to C");
            assertEquals(P2 >>> 12, b.mapped("C", VA_C).pfn());

            assertTrue(b.map("A", "B", Fpage.of(VA_A, 12, RW), 0, window(VA_B)).ok());
            b.inv("A maps over B's page");
            Kernel.Mapping mb = b.mapped("B", VA_B);
            assertEquals(P >>> 12, mb.pfn());
            assertEquals("A", mb.parentSpace());
            assertEquals(RW, mb.rights());
            b.unmapped("C", VA_C);
            assertEquals(0xAAAA, b.readOk("B", VA_B));
            assertEquals(P2 >>> 12, b.mapped("sigma0", P2).pfn(), "sigma0 keeps its own");
        }).run();
    }

    @Test
    void mappingMemoryOneDoesNotHoldMapsNothing() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            var before = b.mappings();
            Transfer t = b.map("A", "B", Fpage.of(0x90_0000, 12, RWX), 0, window(VA_B));
            assertTrue(t.ok(), "mapping nothing is no error: " + t);
            b.inv("A maps what it does not hold");
            assertEquals(before, b.mappings());
            t = b.map("A", "B", Fpage.of(0x1000_0000, 20, RWX), 0, Fpage.COMPLETE);
            assertTrue(t.ok(), t.toString());
            b.inv("A maps a megabyte it does not hold");
            assertEquals(before, b.mappings());
        }).run();
    }

    @Test
    void nothingIsMappedIntoTheReceiversKipOrUtcbArea() {
        long kip = Fpage.base(Kip.STANDARD_KIP_AREA);
        long utcb = Fpage.base(Kip.STANDARD_UTCB_AREA);
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            var before = b.mappings();
            assertTrue(b.map("A", "B", Fpage.of(VA_A, 12, RWX), 0, window(kip)).ok());
            b.inv("map into the KIP area");
            assertTrue(b.map("A", "B", Fpage.of(VA_A, 12, RWX), 0, window(utcb)).ok());
            b.inv("map into the UTCB area");
            assertTrue(b.map("A", "B", Fpage.of(VA_A, 12, RWX), utcb + 0x5000, Fpage.COMPLETE).ok());
            b.inv("map into the UTCB area through the complete window");
            assertTrue(b.map("A", "B", Fpage.of(VA_A, 12, RWX), kip, Fpage.COMPLETE).ok());
            b.inv("map onto the KIP through the complete window");
            assertEquals(before, b.mappings(), "nothing mapped:\n" + b.dump());
            assertEquals(Kip.MAGIC, (int) b.readOk("B", kip), "B's KIP is still the KIP");
        }).run();
    }

    @Test
    void nilReceiveWindowFailsBothPartnersAtOffsetZero() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            var before = b.mappings();
            Transfer t = b.transfer("A", "B", new long[] {Items.acceptor(Fpage.NIL, false)}, MsgTag.make(0, 1, 2),
                    0x77, Items.mapWord(0), Fpage.of(VA_A, 12, RWX));
            b.inv("map to a nil window");
            assertTrue(MsgTag.failed(t.sendTag()) && MsgTag.failed(t.receiveTag()), t.toString());
            assertEquals(OVERFLOW_SEND, t.sendError());
            assertEquals(OVERFLOW_RECEIVE, t.receiveError());
            assertEquals(0, IpcError.offset(t.sendError()), "X.2's offset: no string bytes before the item");
            assertEquals(0, IpcError.offset(t.receiveError()));
            assertEquals(before, b.mappings());
            // the same with a grant item: the granter keeps its page
            t = b.transfer("A", "B", new long[] {0}, MsgTag.make(0, 0, 2), Items.grantWord(0), Fpage.of(VA_A, 12, RWX));
            assertEquals(OVERFLOW_SEND, t.sendError());
            assertEquals(OVERFLOW_RECEIVE, t.receiveError());
            assertEquals(before, b.mappings());
            b.inv("grant to a nil window");
            // a message without items is not affected by the nil window
            t = b.transfer("A", "B", new long[] {0}, MsgTag.make(9, 2, 0), 1, 2);
            assertTrue(t.ok(), t.toString());
        }).run();
    }

    /** Malformed items, each after a valid map item (MR2..3); no string precedes them, so X.2's offset is 0. */
    static Stream<Arguments> malformed() {
        long valid = Fpage.of(VA_A, 12, RWX);
        long map = Items.mapWord(0x40_0000);
        return Stream.of(
                Arguments.of("odd t", MsgTag.make(0, 1, 3), new long[] {0x77, map, valid, map}),
                Arguments.of("type 6", MsgTag.make(0, 1, 4), new long[] {0x77, map, valid, 6 << 1, valid}),
                Arguments.of("type 7", MsgTag.make(0, 1, 4), new long[] {0x77, map, valid, 7 << 1 | 1, valid}),
                Arguments.of("misaligned fpage", MsgTag.make(0, 1, 4),
                        new long[] {0x77, map, valid, map, VA_A + 0x1000 | 13 << 4 | RWX}),
                Arguments.of("s = 11", MsgTag.make(0, 1, 4), new long[] {0x77, map, valid, map, VA_A | 11 << 4 | RWX}),
                Arguments.of("s = 0", MsgTag.make(0, 1, 4), new long[] {0x77, map, valid, map, VA_A | RWX}),
                Arguments.of("base at 2^38", MsgTag.make(0, 1, 4),
                        new long[] {0x77, map, valid, map, 1L << 38 | 12 << 4 | RWX}),
                Arguments.of("s = 39", MsgTag.make(0, 1, 4), new long[] {0x77, map, valid, map, 39L << 4 | RWX}),
                Arguments.of("beyond 2^64 base", MsgTag.make(0, 1, 4),
                        new long[] {0x77, map, valid, map, -1L << 10 | 12 << 4 | RWX}),
                Arguments.of("extension bit", MsgTag.make(0, 1, 4), new long[] {0x77, map, valid, map, valid | 8}),
                Arguments.of("grant of s = 11", MsgTag.make(0, 1, 4),
                        new long[] {0x77, map, valid, Items.grantWord(0), VA_A | 11 << 4 | RWX}),
                Arguments.of("a string's second address past the typed words", MsgTag.make(0, 1, 4),
                        new long[] {0x77, map, valid, Items.stringWord(8, 2, false), VA_A}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedItemFailsBothPartnersAndChangesNothing(String what, long tag, long[] words) {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            b.writeOk("A", VA_A, 0x1234);
            b.inv("setup");
            var before = b.mappings();
            Transfer t = b.transfer("A", "B", new long[] {Items.acceptor(Fpage.COMPLETE, true), Items.stringWord(64),
                    0x50_0000}, tag, words);
            b.inv(what);
            assertTrue(MsgTag.failed(t.sendTag()), what + ": the sender fails: " + t);
            assertTrue(MsgTag.failed(t.receiveTag()), what + ": the receiver fails: " + t);
            assertEquals(OVERFLOW_SEND, t.sendError(), what);
            assertEquals(OVERFLOW_RECEIVE, t.receiveError(), what);
            assertEquals(before, b.mappings(), what + ": nothing changed, not even the valid first item");
            assertEquals(0x1234, b.readOk("A", VA_A));
            // both go on: the same pair then transfers a valid map
            assertTrue(b.map("A", "B", Fpage.of(VA_A, 12, RWX), 0, window(VA_B)).ok());
            assertEquals(0x1234, b.readOk("B", VA_B));
            b.inv("afterwards");
        }).run();
    }

    @Test
    void tooManyWordsFailTheSendPhaseOnly() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            var before = b.mappings();
            // u + t = 64 > 63: the send phase fails at once; B still waits and then gets a proper message
            b.ok(b.call("B", AddressSpaceHarness.ACCEPT, b.id("A"), Items.acceptor(Fpage.COMPLETE, false)), "accept");
            var s = b.ok(b.call("A", AddressSpaceHarness.SEND, b.id("B"), MsgTag.make(0, 62, 2)), "send");
            assertTrue(MsgTag.failed(s.word(0)));
            assertEquals(OVERFLOW_SEND, s.word(1));
            assertEquals(before, b.mappings());
            b.inv("u + t > 63");
            var s2 = b.ok(b.call("A", AddressSpaceHarness.SEND, b.id("B"), MsgTag.make(3, 0, 2),
                    Items.mapWord(VA_B), Fpage.of(VA_A, 12, RWX)), "send");
            assertTrue(!MsgTag.failed(s2.word(0)), s2.toString());
            var r = b.receive("B");
            assertEquals(3, MsgTag.label(r.word(0)));
            b.mapped("B", VA_B);
            b.inv("then a proper map");
        }).run();
    }

    /**
     * A sender blocked with a send timeout whose message then fails the item check when the
     * receiver arrives: its IPC is over, so its timeout must be gone too, and must not hit the
     * sender's next IPC.
     */
    @Test
    void aFailedTransferEndsTheBlockedSendersTimeout() {
        long s = KernelHarness.tid(10);
        long r = KernelHarness.tid(11);
        long[] seen = new long[4];
        AddressSpaceHarness a = new AddressSpaceHarness().module("S", l4 -> {
            l4.setMr(1, Items.mapWord(0));
            l4.setMr(2, 0x1000 | 11 << 4); // a malformed fpage (s = 11)
            l4.setMr(0, MsgTag.make(0, 0, 2));
            l4.ipc(r, kola.abi.ThreadId.NIL, kola.abi.Timeout.pair(kola.abi.Timeout.relative(2000), kola.abi.Timeout.NEVER));
            seen[0] = l4.errorCode();
            l4.receive(KernelHarness.ROOT);
            seen[1] = l4.mr(0);
        }).module("R", l4 -> {
            l4.receive(KernelHarness.ROOT);
            l4.setBr(0, Items.acceptor(Fpage.COMPLETE, false));
            l4.receive(s);
            seen[2] = l4.errorCode();
        });
        a.script(b -> {
            b.startTask(r, "R", 0, KernelHarness.SIGMA0, 100);
            b.startTask(s, "S", 0, KernelHarness.SIGMA0, 100);
            b.sleep(100);
            assertEquals("sending", b.state(s));
            b.l4.setMr(0, MsgTag.make(1, 0, 0));
            b.l4.send(r);
            b.sleep(100);
            b.inv("the transfer failed");
            assertEquals(OVERFLOW_SEND, seen[0]);
            assertEquals(OVERFLOW_RECEIVE, seen[2]);
            b.sleep(5000);
            b.inv("past the old send timeout");
            assertEquals("receiving", b.state(s), "S still waits in its next IPC");
            b.l4.setMr(0, MsgTag.make(7, 0, 0));
            assertTrue(!MsgTag.failed(b.l4.send(s)));
            b.sleep(100); // the root task runs at a higher priority: let the receiver record what it got
            assertEquals(MsgTag.make(7, 0, 0), seen[1], "S's next receive got the message, not a stale timeout");
        }).run();
    }

    /** The same for a receiver blocked with a receive timeout. */
    @Test
    void aFailedTransferEndsTheBlockedReceiversTimeout() {
        long s = KernelHarness.tid(10);
        long r = KernelHarness.tid(11);
        long[] seen = new long[4];
        AddressSpaceHarness a = new AddressSpaceHarness().module("S", l4 -> {
            l4.receive(KernelHarness.ROOT);
            l4.setMr(1, Items.mapWord(0));
            l4.setMr(2, 0x1000 | 11 << 4); // a malformed fpage (s = 11)
            l4.setMr(0, MsgTag.make(0, 0, 2));
            l4.send(r);
            seen[0] = l4.errorCode();
        }).module("R", l4 -> {
            l4.setBr(0, Items.acceptor(Fpage.COMPLETE, false));
            l4.ipc(kola.abi.ThreadId.NIL, s, kola.abi.Timeout.pair(kola.abi.Timeout.NEVER, kola.abi.Timeout.relative(2000)));
            seen[2] = l4.errorCode();
            l4.receive(KernelHarness.ROOT);
            seen[3] = l4.mr(0);
        });
        a.script(b -> {
            b.startTask(r, "R", 0, KernelHarness.SIGMA0, 100);
            b.startTask(s, "S", 0, KernelHarness.SIGMA0, 100);
            b.sleep(100);
            assertEquals("receiving", b.state(r));
            b.l4.setMr(0, MsgTag.make(1, 0, 0));
            b.l4.send(s);
            b.sleep(100);
            b.inv("the transfer failed");
            assertEquals(OVERFLOW_SEND, seen[0]);
            assertEquals(OVERFLOW_RECEIVE, seen[2]);
            b.sleep(5000);
            b.inv("past the old receive timeout");
            assertEquals("receiving", b.state(r), "R still waits in its next IPC");
            b.l4.setMr(0, MsgTag.make(7, 0, 0));
            assertTrue(!MsgTag.failed(b.l4.send(r)));
            b.sleep(100); // the root task runs at a higher priority: let the receiver record what it got
            assertEquals(MsgTag.make(7, 0, 0), seen[3], "R's next receive got the message, not a stale timeout");
        }).run();
    }

    /**
     * Receive windows that are no valid fpage: smaller than a page, beyond the 2^38-byte user
     * address space, or wider than it. Whatever the kernel makes of them (a message overflow, or
     * mapping nothing), it must not map anything outside the window's sensible meaning: no page
     * outside [0, 2^38), and not more than the one page sent.
     */
    static Stream<Arguments> invalidWindows() {
        return Stream.of(
                Arguments.of("s = 10", VA_B | 10L << 4),
                Arguments.of("s = 1, base not 0", VA_B | 1L << 4),
                Arguments.of("s = 0", VA_B),
                Arguments.of("base at 2^38", 1L << 38 | 12L << 4),
                Arguments.of("base at 2^40, s = 20", 1L << 40 | 20L << 4),
                Arguments.of("s = 43", 43L << 4),
                Arguments.of("s = 63, base all ones", -1L << 10 | 63L << 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidWindows")
    void anInvalidReceiveWindowMapsNothingOutsideTheAddressSpaceNorMoreThanWasSent(String what, long window) {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            b.page("A", P + 0x1000, VA_A + 0x1000);
            b.page("A", P + 0x5000, VA_A + 0x5000);
            Transfer t = b.transfer("A", "B", new long[] {window}, MsgTag.make(0, 0, 2), Items.mapWord(1L << 39 | 0x3000),
                    Fpage.of(VA_A, 12, RWX));
            b.inv(what);
            for (Kernel.Mapping m : b.of("B")) {
                assertTrue(m.va() >= 0 && m.va() < 1L << 38, what + ": B got a page outside the address space: " + m);
            }
            assertTrue(b.of("B").size() <= 1, what + ": B got more than the page sent:\n" + b.dump());
            assertTrue(b.of("B").stream().allMatch(m -> m.pfn() == P >>> 12), what + ": B got a page not sent:\n" + b.dump());
            if (MsgTag.failed(t.sendTag())) {
                assertEquals(OVERFLOW_SEND, t.sendError(), what);
            }
        }).run();
    }
}
