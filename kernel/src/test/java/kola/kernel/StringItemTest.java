package kola.kernel;

import static kola.kernel.AddressSpaceHarness.pack;
import static kola.kernel.AddressSpaceHarness.unpack;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import kola.abi.Fpage;
import kola.abi.IpcError;
import kola.abi.Items;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.kernel.AddressSpaceHarness.Boss;
import kola.kernel.AddressSpaceHarness.Transfer;
import org.junit.jupiter.api.Test;

/**
 * Simple string items (L4 X.2 "String items", "Buffer registers"; compound ones are
 * {@link CompoundStringTest}'s): the kernel copies a buffer from the sender's space into the
 * receiver's buffer, across page boundaries; a string that does not fit, is not accepted or is
 * malformed fails both partners with message overflow at X.2's offset (the string bytes before
 * the point that failed); a page missing on either side is faulted in through that side's pager
 * and the IPC then completes; with no pager the thread is halted.
 *
 * <p>Workers here are paged by sigma0, which maps RAM 1:1, so buffers lie above 16 MiB and the
 * sender's and receiver's addresses differ (they would share frames otherwise).
 */
class StringItemTest {
    /** Crosses a page boundary 256 bytes in. */
    static final long SRC = 0x0400_0F00L;
    /** Crosses a page boundary 128 bytes in. */
    static final long DST = 0x0500_0F80L;
    static final int LEN = 400;
    static final long OVERFLOW_SEND = IpcError.code(IpcError.MESSAGE_OVERFLOW, false);
    static final long OVERFLOW_RECEIVE = IpcError.code(IpcError.MESSAGE_OVERFLOW, true);

    static byte[] data(int len, long seed) {
        byte[] d = new byte[len];
        new Random(seed).nextBytes(d);
        return d;
    }

    static void writeBytes(Boss b, String w, long va, byte[] bytes) {
        for (int off = 0; off < bytes.length; off += 400) {
            int n = Math.min(400, bytes.length - off);
            byte[] part = java.util.Arrays.copyOfRange(bytes, off, off + n);
            long[] words = pack(part);
            long[] req = new long[words.length + 2];
            req[0] = va + off;
            req[1] = n;
            System.arraycopy(words, 0, req, 2, words.length);
            b.ok(b.call(w, AddressSpaceHarness.WRITE_BYTES, req), "write bytes");
        }
    }

    static byte[] readBytes(Boss b, String w, long va, int len) {
        byte[] out = new byte[len];
        for (int off = 0; off < len; off += 400) {
            int n = Math.min(400, len - off);
            long[] words = b.ok(b.call(w, AddressSpaceHarness.READ_BYTES, va + off, n), "read bytes").w();
            System.arraycopy(unpack(words, 0, n), 0, out, off, n);
        }
        return out;
    }

    /** Buffer registers: strings accepted (no map window), one buffer of {@code len} at {@code va}. */
    static long[] buffer(long va, long len) {
        return new long[] {Items.acceptor(Fpage.NIL, true), Items.stringWord(len), va};
    }

    @Test
    void copiesABufferAcrossPageBoundaries() {
        byte[] d = data(LEN, 1);
        new AddressSpaceHarness("A", "B").script(b -> {
            writeBytes(b, "A", SRC, d);
            writeBytes(b, "B", DST, new byte[LEN]);
            b.inv("both buffers mapped");
            var before = b.mappings();
            Transfer t = b.transfer("A", "B", buffer(DST, LEN), MsgTag.make(0x33, 1, 2), 0x99,
                    Items.stringWord(LEN), SRC);
            b.inv("string copied");
            assertTrue(t.ok(), t.toString());
            assertEquals(MsgTag.make(0x33, 1, 2), t.receiveTag());
            assertEquals(0x99, t.received().word(3));
            assertArrayEquals(d, readBytes(b, "B", DST, LEN));
            assertEquals(before, b.mappings(), "a copy maps nothing");
        }).run();
    }

    @Test
    void copiesTwoStringsIntoTwoBuffersAndALargeOne() {
        byte[] d1 = data(100, 2);
        byte[] d2 = data(5000, 3);
        new AddressSpaceHarness("A", "B").script(b -> {
            writeBytes(b, "A", SRC, d1);
            writeBytes(b, "A", SRC + 0x1_0000, d2);
            Transfer t = b.transfer("A", "B",
                    new long[] {Items.acceptor(Fpage.NIL, true), Items.stringWord(200) | Items.MORE, DST,
                            Items.stringWord(8192), DST + 0x1_0000},
                    MsgTag.make(0, 0, 4), Items.stringWord(100), SRC, Items.stringWord(5000), SRC + 0x1_0000);
            b.inv("two strings");
            assertTrue(t.ok(), t.toString());
            assertArrayEquals(d1, readBytes(b, "B", DST, 100));
            assertArrayEquals(d2, readBytes(b, "B", DST + 0x1_0000, 5000));
        }).run();
    }

    @Test
    void aStringAndAMapItemInOneMessage() {
        byte[] d = data(64, 4);
        new AddressSpaceHarness("A", "B").script(b -> {
            writeBytes(b, "A", SRC, d);
            b.page("A", MapItemTest.P, MapItemTest.VA_A);
            b.writeOk("A", MapItemTest.VA_A, 0xAB);
            Transfer t = b.transfer("A", "B",
                    new long[] {Items.acceptor(Fpage.COMPLETE, true), Items.stringWord(64), DST},
                    MsgTag.make(0, 0, 4), Items.stringWord(64), SRC, Items.mapWord(0x60_0000),
                    Fpage.of(MapItemTest.VA_A, 12, Fpage.RWX));
            b.inv("string and map");
            assertTrue(t.ok(), t.toString());
            assertArrayEquals(d, readBytes(b, "B", DST, 64));
            assertEquals(0xAB, b.readOk("B", 0x60_0000));
        }).run();
    }

    @Test
    void anEmptyStringCopiesNothing() {
        new AddressSpaceHarness("A", "B").script(b -> {
            Transfer t = b.transfer("A", "B", buffer(DST, 16), MsgTag.make(0, 0, 2), Items.stringWord(0), SRC);
            b.inv("empty string");
            assertTrue(t.ok(), t.toString());
        }).run();
    }

    /** The transfer fails both partners with message overflow at X.2's offset {@code offset}, and changes nothing. */
    static void expectOverflow(long[] brs, long tag, int offset, long... words) {
        byte[] d = data(LEN, 5);
        new AddressSpaceHarness("A", "B").script(b -> {
            writeBytes(b, "A", SRC, d);
            byte[] old = data(LEN, 6);
            writeBytes(b, "B", DST, old);
            var before = b.mappings();
            Transfer t = b.transfer("A", "B", brs, tag, words);
            b.inv("overflow");
            assertEquals(OVERFLOW_SEND | (long) offset << IpcError.OFFSET_SHIFT, t.sendError(), t.toString());
            assertEquals(OVERFLOW_RECEIVE | (long) offset << IpcError.OFFSET_SHIFT, t.receiveError(), t.toString());
            assertEquals(tag | MsgTag.ERROR, t.receiveTag(), "the receiver gets the tag, flagged");
            for (int i = 0; i < MsgTag.untyped(tag); i++) {
                assertEquals(words[i], t.received().word(3 + i), "and the untyped words");
            }
            assertArrayEquals(old, readBytes(b, "B", DST, LEN), "the receiver's buffer is untouched");
            assertEquals(before, b.mappings());
        }).run();
    }

    @Test
    void aBufferTooSmallIsAMessageOverflowAtItsEnd() {
        expectOverflow(buffer(DST, LEN - 1), MsgTag.make(0x4A, 2, 2), LEN - 1, 0x99, 0x98, Items.stringWord(LEN), SRC);
    }

    @Test
    void stringsNotAcceptedAreAMessageOverflow() {
        expectOverflow(new long[] {Items.acceptor(Fpage.COMPLETE, false), Items.stringWord(LEN), DST},
                MsgTag.make(0, 0, 2), 0, Items.stringWord(LEN), SRC);
    }

    @Test
    void aSubstringCountPastTheTypedWordsIsAMessageOverflow() {
        expectOverflow(buffer(DST, LEN), MsgTag.make(0, 0, 2), 0, Items.stringWord(LEN) | 0x10, SRC);
    }

    @Test
    void aContinuationBitOnTheLastItemIsAMessageOverflowAfterItsBytes() {
        expectOverflow(buffer(DST, LEN), MsgTag.make(0, 0, 2), LEN, Items.stringWord(LEN) | 0x200, SRC);
    }

    @Test
    void aStringLongerThanTheLimitIsAMessageOverflow() {
        long huge = (Items.MAX_STRING + 1) << 10;
        expectOverflow(new long[] {Items.acceptor(Fpage.NIL, true), huge, DST}, MsgTag.make(0, 0, 2), 0, huge, SRC);
    }

    @Test
    void moreStringsThanBuffersIsAMessageOverflowAfterTheFirst() {
        expectOverflow(buffer(DST, LEN), MsgTag.make(0, 0, 4), 8, Items.stringWord(8), SRC, Items.stringWord(8), SRC);
    }

    @Test
    void anUnmappedDestinationIsFaultedInThroughThePagerAndTheIpcCompletes() {
        byte[] d = data(LEN, 7);
        new AddressSpaceHarness("A", "B").script(b -> {
            writeBytes(b, "A", SRC, d);
            b.unmapped("B", DST);
            Transfer t = b.transfer("A", "B", buffer(DST, LEN), MsgTag.make(0, 0, 2), Items.stringWord(LEN), SRC);
            b.inv("copied into faulted-in pages");
            assertTrue(t.ok(), t.toString());
            b.mapped("B", DST);
            b.mapped("B", DST + LEN);
            assertArrayEquals(d, readBytes(b, "B", DST, LEN));
        }).run();
    }

    @Test
    void anUnmappedSourceIsFaultedInThroughThePagerAndTheIpcCompletes() {
        new AddressSpaceHarness("A", "B").script(b -> {
            byte[] ones = new byte[LEN];
            java.util.Arrays.fill(ones, (byte) -1);
            writeBytes(b, "B", DST, ones);
            b.unmapped("A", SRC);
            Transfer t = b.transfer("A", "B", buffer(DST, LEN), MsgTag.make(0, 0, 2), Items.stringWord(LEN), SRC);
            b.inv("copied from faulted-in pages");
            assertTrue(t.ok(), t.toString());
            b.mapped("A", SRC);
            b.mapped("A", SRC + LEN);
            assertArrayEquals(new byte[LEN], readBytes(b, "B", DST, LEN), "fresh pages are zero");
        }).run();
    }

    @Test
    void bothSidesUnmappedAreFaultedInOneAfterTheOther() {
        new AddressSpaceHarness("A", "B").script(b -> {
            Transfer t = b.transfer("A", "B", buffer(DST, LEN), MsgTag.make(0, 0, 2), Items.stringWord(LEN), SRC);
            b.inv("both sides faulted");
            assertTrue(t.ok(), t.toString());
            assertEquals(2, b.of("A").size());
            assertEquals(2, b.of("B").size());
        }).run();
    }

    @Test
    void aStringFromUnmappedMemoryWithoutPagerHaltsTheSender() {
        AddressSpaceHarness a = new AddressSpaceHarness("A", "B").pager("A", ThreadId.NIL);
        a.script(b -> {
            b.ok(b.call("B", AddressSpaceHarness.ACCEPT, b.id("A"), Items.acceptor(Fpage.NIL, true),
                    Items.stringWord(LEN), DST), "accept");
            b.post(b.id("A"), AddressSpaceHarness.SEND, b.id("B"), MsgTag.make(0, 0, 2), Items.stringWord(LEN), SRC);
            b.sleep(1000);
            b.inv("the sender faulted without pager");
            assertTrue(a.console().contains("halted"), a.console());
            assertEquals("inactive", b.state(b.id("A")));
            // The receiver waited (timeout never) for a thread whose code has now ended: it is released.
            AddressSpaceHarness.Reply r = b.receive("B");
            assertEquals(IpcError.code(IpcError.CANCELLED, true), r.w()[1], "B's receive was cancelled: " + r);
        }).run();
    }

    @Test
    void aStringIntoUnmappedMemoryWithoutPagerHaltsTheReceiver() {
        byte[] d = data(LEN, 8);
        AddressSpaceHarness a = new AddressSpaceHarness("A", "B").pager("B", ThreadId.NIL);
        a.script(b -> {
            writeBytes(b, "A", SRC, d);
            b.ok(b.call("B", AddressSpaceHarness.ACCEPT, b.id("A"), Items.acceptor(Fpage.NIL, true),
                    Items.stringWord(LEN), DST), "accept");
            b.post(b.id("A"), AddressSpaceHarness.SEND, b.id("B"), MsgTag.make(0, 0, 2), Items.stringWord(LEN), SRC);
            b.sleep(1000);
            b.inv("the receiver faulted without pager");
            assertTrue(a.console().contains("halted"), a.console());
            assertEquals("inactive", b.state(b.id("B")));
            assertEquals(java.util.List.of(), b.of("B"));
        }).run();
    }
}
