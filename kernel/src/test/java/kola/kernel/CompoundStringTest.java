package kola.kernel;

import static kola.kernel.StringItemTest.DST;
import static kola.kernel.StringItemTest.SRC;
import static kola.kernel.StringItemTest.data;
import static kola.kernel.StringItemTest.expectOverflow;
import static kola.kernel.StringItemTest.readBytes;
import static kola.kernel.StringItemTest.writeBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import kola.abi.Fpage;
import kola.abi.IpcError;
import kola.abi.Items;
import kola.abi.MsgTag;
import kola.kernel.AddressSpaceHarness.Transfer;
import org.junit.jupiter.api.Test;

/**
 * Compound strings and compound receive buffers (L4 X.2 "String items", "Buffer registers"): a
 * string item of several substrings, items joined into one string by the c bit, buffer items
 * joined into one buffer by c and buffers chained by C. The bytes of the send substrings fill the
 * receive substrings in order; the rest of a buffer is skipped; a string longer than its buffer
 * is a message overflow at X.2's offset (the string bytes before the point that failed), and a
 * refused message changes nothing.
 */
class CompoundStringTest {
    static final long OVERFLOW_SEND = IpcError.code(IpcError.MESSAGE_OVERFLOW, false);
    static final long OVERFLOW_RECEIVE = IpcError.code(IpcError.MESSAGE_OVERFLOW, true);

    static byte[] slice(byte[] d, int from, int to) {
        return Arrays.copyOfRange(d, from, to);
    }

    /** Two send items (3 x 100 bytes, c; 2 x 50) into a compound buffer (2 x 150, c; 1 x 200): byte for byte. */
    @Test
    void aCompoundStringScattersIntoACompoundBuffer() {
        byte[] d = data(400, 21);
        long[] src = {SRC, SRC + 0x1000 - 30, SRC + 0x3000, SRC + 0x5000, SRC + 0x7000 - 10};
        long[] dst = {DST, DST + 0x2000 - 70, DST + 0x4000};
        byte[] old = data(200, 22);
        new AddressSpaceHarness("A", "B").script(b -> {
            for (int i = 0; i < 3; i++) {
                writeBytes(b, "A", src[i], slice(d, 100 * i, 100 * i + 100));
            }
            writeBytes(b, "A", src[3], slice(d, 300, 350));
            writeBytes(b, "A", src[4], slice(d, 350, 400));
            writeBytes(b, "B", dst[0], new byte[150]);
            writeBytes(b, "B", dst[1], new byte[150]);
            writeBytes(b, "B", dst[2], old);
            var before = b.mappings();
            long[] words = {0x51, Items.stringWord(100, 3, true), src[0], src[1], src[2],
                Items.stringWord(50, 2, false), src[3], src[4]};
            Transfer t = b.transfer("A", "B", new long[] {Items.acceptor(Fpage.NIL, true),
                Items.stringWord(150, 2, true), dst[0], dst[1], Items.stringWord(200), dst[2]},
                    MsgTag.make(0x66, 1, 7), words);
            b.inv("compound into compound");
            assertTrue(t.ok(), t.toString());
            assertEquals(MsgTag.make(0x66, 1, 7), t.receiveTag());
            for (int i = 0; i < words.length; i++) {
                assertEquals(words[i], t.received().word(3 + i), "MR" + (i + 1) + " arrives as sent");
            }
            assertArrayEquals(slice(d, 0, 150), readBytes(b, "B", dst[0], 150));
            assertArrayEquals(slice(d, 150, 300), readBytes(b, "B", dst[1], 150));
            assertArrayEquals(slice(d, 300, 400), readBytes(b, "B", dst[2], 100));
            assertArrayEquals(slice(old, 100, 200), readBytes(b, "B", dst[2] + 100, 100), "the rest of the buffer stays");
            assertEquals(before, b.mappings(), "strings map nothing");
        }).run();
    }

    /**
     * Three strings into three buffers chained by C: the first (30 bytes) leaves most of its
     * compound buffer (three items), whose rest is skipped; the second, compound, fills the second
     * buffer; the third goes into the third.
     */
    @Test
    void severalStringsGoIntoSeveralBuffersInOrder() {
        byte[] s1 = data(30, 23);
        byte[] s2 = data(50, 24);
        byte[] s3 = data(5, 25);
        byte[] old = data(16, 26);
        long b1 = DST;
        long b1b = DST + 0x100;
        long b1c = DST + 0x200;
        long b1d = DST + 0x300;
        long b2 = DST + 0x1000;
        long b3 = DST + 0x2000;
        new AddressSpaceHarness("A", "B").script(b -> {
            writeBytes(b, "A", SRC, s1);
            writeBytes(b, "A", SRC + 0x100, slice(s2, 0, 20));
            writeBytes(b, "A", SRC + 0x200, slice(s2, 20, 40));
            writeBytes(b, "A", SRC + 0x300, slice(s2, 40, 50));
            writeBytes(b, "A", SRC + 0x400, s3);
            for (long va : new long[] {b1, b1b, b1c, b1d, b2, b3}) {
                writeBytes(b, "B", va, old);
            }
            Transfer t = b.transfer("A", "B", new long[] {Items.acceptor(Fpage.NIL, true),
                Items.stringWord(16, 1, true) | Items.MORE, b1, Items.stringWord(16, 2, true), b1b, b1c,
                Items.stringWord(16), b1d,
                Items.stringWord(64) | Items.MORE, b2,
                Items.stringWord(8), b3},
                    MsgTag.make(0, 0, 9), Items.stringWord(30), SRC,
                    Items.stringWord(20, 2, true), SRC + 0x100, SRC + 0x200, Items.stringWord(10), SRC + 0x300,
                    Items.stringWord(5), SRC + 0x400);
            b.inv("three strings");
            assertTrue(t.ok(), t.toString());
            assertArrayEquals(slice(s1, 0, 16), readBytes(b, "B", b1, 16));
            assertArrayEquals(slice(s1, 16, 30), readBytes(b, "B", b1b, 14));
            assertArrayEquals(slice(old, 14, 16), readBytes(b, "B", b1b + 14, 2));
            assertArrayEquals(old, readBytes(b, "B", b1c, 16), "the first buffer's unused substring is skipped");
            assertArrayEquals(old, readBytes(b, "B", b1d, 16), "and so is its unused last item");
            assertArrayEquals(s2, readBytes(b, "B", b2, 50));
            assertArrayEquals(s3, readBytes(b, "B", b3, 5));
            assertArrayEquals(slice(old, 5, 16), readBytes(b, "B", b3 + 5, 11));
        }).run();
    }

    /** Map items between strings: each string gets the next buffer, each map lands. */
    @Test
    void stringsInterleavedWithMapItems() {
        byte[] s1 = data(70, 27);
        byte[] s2 = data(20, 28);
        long p2 = MapItemTest.P + 0x1000;
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", MapItemTest.P, MapItemTest.VA_A);
            b.page("A", p2, MapItemTest.VA_A + 0x1000);
            b.writeOk("A", MapItemTest.VA_A, 0xA1);
            b.writeOk("A", MapItemTest.VA_A + 0x1000, 0xA2);
            writeBytes(b, "A", SRC, slice(s1, 0, 35));
            writeBytes(b, "A", SRC + 0x2000, slice(s1, 35, 70));
            writeBytes(b, "A", SRC + 0x4000, s2);
            Transfer t = b.transfer("A", "B", new long[] {Items.acceptor(Fpage.COMPLETE, true),
                Items.stringWord(100) | Items.MORE, DST, Items.stringWord(20), DST + 0x1000},
                    MsgTag.make(0, 0, 9),
                    Items.mapWord(0x60_0000), Fpage.of(MapItemTest.VA_A, 12, Fpage.RWX),
                    Items.stringWord(35, 2, false), SRC, SRC + 0x2000,
                    Items.mapWord(0x61_0000), Fpage.of(MapItemTest.VA_A + 0x1000, 12, Fpage.R | Fpage.W),
                    Items.stringWord(20), SRC + 0x4000);
            b.inv("maps and strings");
            assertTrue(t.ok(), t.toString());
            assertArrayEquals(s1, readBytes(b, "B", DST, 70));
            assertArrayEquals(s2, readBytes(b, "B", DST + 0x1000, 20));
            assertEquals(0xA1, b.readOk("B", 0x60_0000));
            assertEquals(0xA2, b.readOk("B", 0x61_0000));
        }).run();
    }

    /** A compound string of 400 bytes into a compound buffer of 350: overflow at byte 350. */
    @Test
    void aCompoundStringLongerThanItsCompoundBufferOverflowsAtTheBufferEnd() {
        expectOverflow(new long[] {Items.acceptor(Fpage.NIL, true), Items.stringWord(100, 2, true), DST, DST + 0x1000,
            Items.stringWord(150), DST + 0x100},
                MsgTag.make(0, 0, 5), 350, Items.stringWord(200, 1, true), SRC, Items.stringWord(100, 2, false), SRC + 0x1000,
                SRC + 0x2000);
    }

    /** A second string after a buffer whose first item has no C bit: overflow after the first string's bytes. */
    @Test
    void aBufferWithoutCTakesNoFurtherString() {
        expectOverflow(new long[] {Items.acceptor(Fpage.NIL, true), Items.stringWord(64, 2, false), DST, DST + 0x1000,
            Items.stringWord(64), DST + 0x2000},
                MsgTag.make(0, 0, 5), 100, Items.stringWord(50, 2, false), SRC, SRC + 0x1000, Items.stringWord(1), SRC);
    }

    /** C on a buffer's last item (not its first) says nothing: X.2 reads it on the first. */
    @Test
    void cOnACompoundBuffersLaterItemIsNotRead() {
        expectOverflow(new long[] {Items.acceptor(Fpage.NIL, true), Items.stringWord(8, 1, true), DST,
            Items.stringWord(8) | Items.MORE, DST + 0x100, Items.stringWord(64), DST + 0x2000},
                MsgTag.make(0, 0, 4), 4, Items.stringWord(4), SRC, Items.stringWord(4), SRC + 0x100);
    }

    /** A substring in device memory, on the sending side (the second of two) or the receiving side. */
    @Test
    void aSubstringInDeviceMemoryIsAMessageOverflowAtItsOffset() {
        for (boolean receiving : new boolean[] {false, true}) {
            byte[] d = data(64, 29);
            byte[] old = data(128, 30);
            new AddressSpaceHarness("A", "B").script(b -> {
                long uart = b.kernel().machine.uartBase();
                long device = 0x10_0000L;
                b.page(receiving ? "B" : "A", uart, device);
                writeBytes(b, "A", SRC, d);
                writeBytes(b, "A", SRC + 0x1000, d);
                writeBytes(b, "B", DST, old);
                var before = b.mappings();
                Transfer t = receiving
                        ? b.transfer("A", "B", new long[] {Items.acceptor(Fpage.NIL, true), Items.stringWord(32, 1, true), DST,
                            Items.stringWord(96), device},
                                MsgTag.make(0, 0, 3), Items.stringWord(64, 2, false), SRC, SRC + 0x1000)
                        : b.transfer("A", "B", new long[] {Items.acceptor(Fpage.NIL, true), Items.stringWord(128), DST},
                                MsgTag.make(0, 0, 3), Items.stringWord(64, 2, false), SRC, device);
                b.inv("device substring");
                long offset = (receiving ? 32L : 64L) << IpcError.OFFSET_SHIFT;
                assertEquals(OVERFLOW_SEND | offset, t.sendError(), t.toString());
                assertEquals(OVERFLOW_RECEIVE | offset, t.receiveError(), t.toString());
                assertArrayEquals(old, readBytes(b, "B", DST, 128), "nothing moved");
                assertEquals(before, b.mappings());
            }).run();
        }
    }

    /** j says five addresses, two follow before the typed words end. */
    @Test
    void aSubstringCountThatLiesIsAMessageOverflow() {
        expectOverflow(StringItemTest.buffer(DST, 4096), MsgTag.make(0, 0, 3), 0, Items.stringWord(8, 5, false), SRC,
                SRC + 0x100);
    }

    /** The second item of a compound string counts more addresses than the typed words hold: the first item's bytes came before. */
    @Test
    void aContinuationWhoseCountLiesOverflowsAfterTheItemsBefore() {
        expectOverflow(StringItemTest.buffer(DST, 4096), MsgTag.make(0, 0, 5), 24, Items.stringWord(8, 3, true), SRC,
                SRC + 0x100, SRC + 0x200, Items.stringWord(8, 2, false));
    }

    /** A continuation that is a map item is no string: overflow after the first item's bytes. */
    @Test
    void aContinuationThatIsNotAStringItemIsAMessageOverflow() {
        expectOverflow(new long[] {Items.acceptor(Fpage.COMPLETE, true), Items.stringWord(4096), DST},
                MsgTag.make(0, 0, 4), 16, Items.stringWord(16, 1, true), SRC, Items.mapWord(0),
                Fpage.of(MapItemTest.VA_A, 12, Fpage.RWX));
    }

    /** Lengths that lie: each item within the limit, the compound string beyond it (no page is even looked at). */
    @Test
    void aCompoundStringLongerThanTheLimitInAllIsAMessageOverflowAtTheLimit() {
        long half = Items.MAX_STRING / 2 + 8;
        expectOverflow(new long[] {Items.acceptor(Fpage.NIL, true), Items.stringWord(Items.MAX_STRING, 2, false), DST,
            DST + 0x100_0000},
                MsgTag.make(0, 0, 4), (int) Items.MAX_STRING, Items.stringWord(half, 1, true), SRC,
                Items.stringWord(half, 1, false), SRC);
    }

    /** A buffer item whose addresses would run past BR32. */
    @Test
    void aBufferItemPastTheLastBufferRegisterIsAMessageOverflow() {
        long[] brs = new long[33];
        brs[0] = Items.acceptor(Fpage.NIL, true);
        brs[1] = Items.stringWord(64, 32, false); // 32 addresses in BR2..BR33: one too many
        for (int i = 2; i < 33; i++) {
            brs[i] = DST + 64L * i;
        }
        expectOverflow(brs, MsgTag.make(0, 0, 2), 0, Items.stringWord(8), SRC);
    }

    /** c on the buffer item that ends at BR32: only a string that needs more than it holds overflows. */
    @Test
    void aBufferContinuationPastTheLastBufferRegister() {
        long[] brs = new long[33];
        brs[0] = Items.acceptor(Fpage.NIL, true);
        brs[1] = Items.stringWord(8, 31, true);
        for (int i = 2; i < 33; i++) {
            brs[i] = DST + 8L * (i - 2);
        }
        expectOverflow(brs, MsgTag.make(0, 0, 2), 248, Items.stringWord(249), SRC);
        byte[] d = data(248, 31);
        new AddressSpaceHarness("A", "B").script(b -> {
            writeBytes(b, "A", SRC, d);
            Transfer t = b.transfer("A", "B", brs, MsgTag.make(0, 0, 2), Items.stringWord(248), SRC);
            assertTrue(t.ok(), "248 bytes fit: " + t);
            assertArrayEquals(d, readBytes(b, "B", DST, 248));
        }).run();
    }

    /** C on a buffer that ends at BR32: no buffer follows, so a second string overflows. */
    @Test
    void aMoreBitPastTheLastBufferRegisterTakesNoFurtherString() {
        long[] brs = new long[33];
        brs[0] = Items.acceptor(Fpage.NIL, true);
        brs[1] = Items.stringWord(8, 31, false) | Items.MORE;
        for (int i = 2; i < 33; i++) {
            brs[i] = DST + 8L * (i - 2);
        }
        expectOverflow(brs, MsgTag.make(0, 0, 4), 8, Items.stringWord(8), SRC, Items.stringWord(8), SRC);
    }

    /** Substrings of no bytes, sent or received, are passed over and never touched. */
    @Test
    void substringsOfLengthZeroAreSkippedOnBothSides() {
        byte[] d = data(40, 32);
        new AddressSpaceHarness("A", "B").script(b -> {
            writeBytes(b, "A", SRC, slice(d, 0, 20));
            writeBytes(b, "A", SRC + 0x800, slice(d, 20, 40));
            Transfer t = b.transfer("A", "B", new long[] {Items.acceptor(Fpage.NIL, true), Items.stringWord(0, 3, true),
                0x7777_0000L, 0x7777_1000L, 0x7777_2000L, Items.stringWord(40), DST},
                    MsgTag.make(0, 0, 7), Items.stringWord(0, 1, true), 0x6666_0000L, Items.stringWord(20, 2, false), SRC,
                    SRC + 0x800, Items.stringWord(0), 0x6666_1000L);
            // The last item is a second string: the buffer's first item has no C, so it overflows after 40 bytes.
            assertEquals(OVERFLOW_SEND | 40L << IpcError.OFFSET_SHIFT, t.sendError(), t.toString());
            t = b.transfer("A", "B", new long[] {Items.acceptor(Fpage.NIL, true), Items.stringWord(0, 3, true),
                0x7777_0000L, 0x7777_1000L, 0x7777_2000L, Items.stringWord(40), DST},
                    MsgTag.make(0, 0, 5), Items.stringWord(0, 1, true), 0x6666_0000L, Items.stringWord(20, 2, false), SRC,
                    SRC + 0x800);
            b.inv("zero-length substrings");
            assertTrue(t.ok(), t.toString());
            assertArrayEquals(d, readBytes(b, "B", DST, 40));
            b.unmapped("A", 0x6666_0000L);
            b.unmapped("B", 0x7777_0000L);
        }).run();
    }

    // ---- a reply whose compound string needs the client's second buffer page faulted in ---------

    static final long SERVER = KernelHarness.tid(10);
    static final long CLIENT = KernelHarness.tid(11);
    static final long PAGER = KernelHarness.tid(12);
    /** The client's buffer: a compound one of two substrings of 300 bytes, the second on a page it never touched. */
    static final long D1 = 0x0500_2200L;
    static final long D2 = 0x0500_3F00L;

    /**
     * Module "xfer": entry 0 a server that replies to one call with a compound string (two
     * substrings of 300 bytes) under transfer timeouts {@code serverXfer}; entry 1 a client that
     * touches its first buffer page, then calls the server under {@code clientXfer}; entry 2 the
     * client's pager, which serves the first fault at once and each later one {@code delay} µs
     * later (-1: never).
     */
    static kola.abi.Program xfer(java.util.List<String> log, long serverXfer, long clientXfer, long delay) {
        return l4 -> {
            switch (KernelHarness.entry(l4)) {
                case 0 -> {
                    l4.setXferTimeouts(serverXfer);
                    l4.memory().write(SRC, data(300, 40), 0, 300);
                    l4.memory().write(SRC + 0x1000, data(300, 41), 0, 300);
                    long client = l4.waitAny();
                    Items.putString(l4, 1, 300, false, SRC, SRC + 0x1000);
                    l4.setMr(0, MsgTag.make(0, 0, 3));
                    l4.reply(client);
                    log.add("server: " + (MsgTag.failed(l4.mr(0)) ? Long.toHexString(l4.errorCode()) : "ok"));
                }
                case 1 -> {
                    l4.setXferTimeouts(clientXfer);
                    l4.memory().store64(D1, 0);
                    l4.setBr(0, Items.acceptor(Fpage.NIL, true));
                    Items.putBuffer(l4, 1, 300, false, false, D1, D2);
                    l4.setMr(0, MsgTag.make(1, 0, 0));
                    l4.ipc(SERVER, SERVER, KernelHarness.NEVER);
                    if (MsgTag.failed(l4.mr(0))) {
                        log.add("client: " + Long.toHexString(l4.errorCode()));
                        return;
                    }
                    byte[] got = new byte[300];
                    l4.memory().read(D2, got, 0, 300);
                    log.add("client: " + (Arrays.equals(got, data(300, 41)) ? "got the string" : "wrong bytes"));
                }
                default -> {
                    for (int served = 0; true; served++) {
                        long client = l4.waitAny();
                        long page = l4.mr(1) & -4096L;
                        if (served > 0 && delay < 0) {
                            continue; // takes the fault and never answers
                        }
                        if (served > 0) {
                            KernelHarness.sleep(l4, delay);
                        }
                        l4.setBr(0, Items.acceptor(Fpage.of(page, 12, 0), false));
                        l4.setMr(1, Fpage.of(page, 12, Fpage.RWX));
                        l4.setMr(2, 0);
                        l4.setMr(0, MsgTag.make(kola.abi.KernelLabels.SIGMA0, 2, 0));
                        l4.call(KernelHarness.SIGMA0);
                        Items.putMap(l4, 1, Fpage.of(page, 12, Fpage.RWX), page);
                        l4.setMr(0, MsgTag.make(0, 0, 2));
                        l4.reply(client);
                    }
                }
            }
        };
    }

    static java.util.List<String> runXfer(long serverXfer, long clientXfer, long delay) {
        java.util.List<String> log = new java.util.ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness().module("xfer", xfer(log, serverXfer, clientXfer, delay));
        a.script(b -> {
            b.startTask(PAGER, "xfer", 2, KernelHarness.SIGMA0, 130);
            b.startTask(SERVER, "xfer", 0, KernelHarness.SIGMA0, 120);
            b.startTask(CLIENT, "xfer", 1, PAGER, 110);
            b.sleep(20_000);
            b.inv("after the reply");
            if (delay < 0) {
                // The client still waits in its fault: deleting its pager releases it.
                assertEquals(1, b.l4.threadControl(PAGER, kola.abi.ThreadId.NIL, kola.abi.ThreadId.NIL,
                        kola.abi.ThreadId.NIL, -1));
                b.sleep(100);
            }
        }).run();
        return log.stream().sorted().toList();
    }

    static String code(int kind, boolean receive, long offset) {
        return Long.toHexString(IpcError.code(kind, receive) | offset << IpcError.OFFSET_SHIFT);
    }

    /** The server's send transfer timeout ends the wait: error 6 at byte 300, where the missing page begins. */
    @Test
    void theSendersTransferTimeoutFailsItAtTheMissingPagesOffset() {
        int ms = kola.abi.Timeout.relative(1000);
        assertEquals(java.util.List.of("server: " + code(IpcError.XFER_TIMEOUT_PARTNER, false, 300)),
                runXfer(kola.abi.Timeout.pair(ms, kola.abi.Timeout.NEVER), 0, -1));
    }

    /**
     * The client's receive transfer timeout bounds the wait too (X.2: the sooner of the two): the
     * server fails after 1 ms, and the client, whose pager answers 3 ms later, fails its redone
     * receive with error 5 (its own space), both at byte 300.
     */
    @Test
    void theReceiversTransferTimeoutFailsBothAndTheReceiverLearnsItAfterItsFault() {
        int ms = kola.abi.Timeout.relative(1000);
        assertEquals(java.util.List.of("client: " + code(IpcError.XFER_TIMEOUT_OWN, true, 300),
                "server: " + code(IpcError.XFER_TIMEOUT_PARTNER, false, 300)),
                runXfer(0, kola.abi.Timeout.pair(kola.abi.Timeout.NEVER, ms), 3000));
    }

    /** A zero transfer timeout fails the transfer as soon as the client's page is found missing. */
    @Test
    void aZeroTransferTimeoutFailsAtOnce() {
        assertEquals(java.util.List.of("client: " + code(IpcError.XFER_TIMEOUT_OWN, true, 300),
                "server: " + code(IpcError.XFER_TIMEOUT_PARTNER, false, 300)),
                runXfer(kola.abi.Timeout.pair(kola.abi.Timeout.ZERO, kola.abi.Timeout.NEVER), 0, 3000));
    }

    /** Within the transfer timeouts the client's pager maps the page and the compound reply arrives. */
    @Test
    void withinTheTransferTimeoutsTheCompoundReplyArrives() {
        int ms = kola.abi.Timeout.relative(10_000);
        assertEquals(java.util.List.of("client: got the string", "server: ok"),
                runXfer(kola.abi.Timeout.pair(ms, kola.abi.Timeout.NEVER), kola.abi.Timeout.pair(kola.abi.Timeout.NEVER, ms),
                        3000));
    }
}
