package kola.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Round trips of the ABI's word encodings. */
class AbiPropertiesTest {

    @Property
    void relativeTimeoutsRoundUpByLessThanOneStep(@ForAll @LongRange(min = 0, max = 1023L << 31) long micros) {
        int t = Timeout.relative(micros);
        long back = Timeout.micros(t);
        assertTrue(back >= micros, micros + " -> " + back);
        assertTrue(back <= 2 * micros + 1023, micros + " -> " + back);
        long exponent = t >>> 10 & 31;
        assertTrue(back - micros < 1L << exponent || micros == 0, "rounded up by less than one step 2^e");
        assertTrue(micros > 1023 || back == micros, "small periods are exact");
        assertEquals(t, Timeout.relative(back), "a representable period encodes to itself");
        assertEquals(0, t & ~0xFFFF);
        assertEquals(0, t & Timeout.POINT);
    }

    @Property
    void timeoutPairsRoundTrip(@ForAll @IntRange(min = 0, max = 0xFFFF) int send,
                               @ForAll @IntRange(min = 0, max = 0xFFFF) int receive) {
        long p = Timeout.pair(send, receive);
        assertEquals(send, Timeout.send(p));
        assertEquals(receive, Timeout.receive(p));
        assertEquals(0, p >>> 32);
    }

    @Provide
    Arbitrary<long[]> fpages() {
        return Arbitraries.integers().between(Fpage.MIN_SIZE_LOG2, Fpage.MAX_SIZE_LOG2).flatMap(s ->
                Arbitraries.longs().between(0, (1L << (Fpage.MAX_SIZE_LOG2 - s)) - 1).flatMap(slot ->
                        Arbitraries.integers().between(0, 7).map(r -> new long[] {slot << s, s, r})));
    }

    @Property
    void fpagesRoundTripAndAreValid(@ForAll("fpages") long[] f) {
        long base = f[0];
        int s = (int) f[1];
        int rights = (int) f[2];
        long fp = Fpage.of(base, s, rights);
        assertEquals(base, Fpage.base(fp));
        assertEquals(s, Fpage.sizeLog2(fp));
        assertEquals(1L << s, Fpage.size(fp));
        assertEquals(rights, Fpage.rights(fp));
        assertTrue(Fpage.isValid(fp));
        assertFalse(Fpage.isNil(fp));
        assertTrue(Fpage.contains(fp, base) && Fpage.contains(fp, base + (1L << s) - 1));
        assertFalse(Fpage.contains(fp, base + (1L << s)));
        assertTrue(Fpage.overlaps(fp, fp));
        assertEquals(fp, Fpage.withRights(Fpage.withRights(fp, 0), rights));
    }

    @Property
    void aValidWordIsWhatOfMakes(@ForAll long word) {
        if (Fpage.isValid(word)) {
            assertEquals(word, Fpage.of(Fpage.base(word), Fpage.sizeLog2(word), Fpage.rights(word)));
        }
    }

    @Property
    void ofEitherRefusesOrMakesAValidFpage(@ForAll @LongRange(min = 0, max = 1L << 40) long page,
                                           @ForAll @IntRange(min = 0, max = 63) int s,
                                           @ForAll @IntRange(min = -1, max = 8) int rights) {
        long base = page << 12; // page-aligned bases, some of them beyond the 2^38-byte address space
        long fp;
        try {
            fp = Fpage.of(base, s, rights);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertTrue(Fpage.isValid(fp), "Fpage.of(0x" + Long.toHexString(base) + ", " + s + ", " + rights
                + ") made an fpage the kernel's check rejects: " + Fpage.toString(fp));
    }

    @Property
    void msgTagsRoundTrip(@ForAll @LongRange(min = -(1L << 47), max = (1L << 47) - 1) long label,
                          @ForAll @IntRange(min = 0, max = 63) int u, @ForAll @IntRange(min = 0, max = 63) int t) {
        long tag = MsgTag.make(label, u, t);
        assertEquals(label, MsgTag.label(tag));
        assertEquals(u, MsgTag.untyped(tag));
        assertEquals(t, MsgTag.typed(tag));
        assertEquals(0, MsgTag.flags(tag));
        assertFalse(MsgTag.failed(tag));
        long flagged = tag | MsgTag.ERROR | MsgTag.PROPAGATED;
        assertEquals(label, MsgTag.label(flagged));
        assertTrue(MsgTag.failed(flagged));
    }

    @Property
    void threadIdsRoundTrip(@ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long number,
                            @ForAll @LongRange(min = 1, max = 0xFFFF_FFFFL) long version) {
        long id = ThreadId.global(number, version);
        assertEquals(number, ThreadId.number(id));
        assertEquals(version, ThreadId.version(id));
        assertFalse(ThreadId.isNil(id));
        assertEquals(Long.toHexString(number) + "." + Long.toHexString(version),
                id == ThreadId.ANY ? "ffffffff.ffffffff" : ThreadId.toString(id));
    }

    @Property
    void ipcErrorCodesRoundTrip(@ForAll @IntRange(min = 1, max = 7) int kind, @ForAll boolean receive,
                                @ForAll @IntRange(min = 0, max = 63) int offset) {
        long code = IpcError.code(kind, receive) | (long) offset << IpcError.OFFSET_SHIFT;
        assertEquals(kind, IpcError.kind(code));
        assertEquals(receive, IpcError.inReceivePhase(code));
        assertEquals(offset, IpcError.offset(code));
    }
}
