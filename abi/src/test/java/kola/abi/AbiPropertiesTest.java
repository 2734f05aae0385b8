package kola.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;

/**
 * Round trips of the ABI's word encodings. Each property is a {@link FuzzTest} on the values its
 * input decodes to; a plain test runs it over a thousand seeded random inputs (short ones decode
 * to the lower bounds, so the edges are among them).
 */
class AbiPropertiesTest {
    private static final int CASES = 1000;
    private static final int MAX_BYTES = 24;

    @FuzzTest
    void relativeTimeoutsRoundUpByLessThanOneStep(FuzzedDataProvider data) {
        long micros = data.consumeLong(0, 1023L << 31);
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

    @Test
    void relativeTimeoutsRoundUpByLessThanOneStepOnRandomInputs() throws Exception {
        RandomInputs.check("relativeTimeoutsRoundUpByLessThanOneStep", 0xAB1L, CASES, MAX_BYTES,
                this::relativeTimeoutsRoundUpByLessThanOneStep);
    }

    @FuzzTest
    void timeoutPairsRoundTrip(FuzzedDataProvider data) {
        int send = data.consumeInt(0, 0xFFFF);
        int receive = data.consumeInt(0, 0xFFFF);
        long p = Timeout.pair(send, receive);
        assertEquals(send, Timeout.send(p));
        assertEquals(receive, Timeout.receive(p));
        assertEquals(0, p >>> 32);
    }

    @Test
    void timeoutPairsRoundTripOnRandomInputs() throws Exception {
        RandomInputs.check("timeoutPairsRoundTrip", 0xAB2L, CASES, MAX_BYTES, this::timeoutPairsRoundTrip);
    }

    @FuzzTest
    void fpagesRoundTripAndAreValid(FuzzedDataProvider data) {
        int s = data.consumeInt(Fpage.MIN_SIZE_LOG2, Fpage.MAX_SIZE_LOG2);
        long base = data.consumeLong(0, (1L << (Fpage.MAX_SIZE_LOG2 - s)) - 1) << s;
        int rights = data.consumeInt(0, 7);
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

    @Test
    void fpagesRoundTripAndAreValidOnRandomInputs() throws Exception {
        RandomInputs.check("fpagesRoundTripAndAreValid", 0xAB3L, CASES, MAX_BYTES, this::fpagesRoundTripAndAreValid);
    }

    @FuzzTest
    void aValidWordIsWhatOfMakes(FuzzedDataProvider data) {
        long word = data.consumeLong();
        if (Fpage.isValid(word)) {
            assertEquals(word, Fpage.of(Fpage.base(word), Fpage.sizeLog2(word), Fpage.rights(word)));
        }
    }

    @Test
    void aValidWordIsWhatOfMakesOnRandomInputs() throws Exception {
        RandomInputs.check("aValidWordIsWhatOfMakes", 0xAB4L, CASES, MAX_BYTES, this::aValidWordIsWhatOfMakes);
    }

    @FuzzTest
    void ofEitherRefusesOrMakesAValidFpage(FuzzedDataProvider data) {
        long page = data.consumeLong(0, 1L << 40);
        int s = data.consumeInt(0, 63);
        int rights = data.consumeInt(-1, 8);
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

    @Test
    void ofEitherRefusesOrMakesAValidFpageOnRandomInputs() throws Exception {
        RandomInputs.check("ofEitherRefusesOrMakesAValidFpage", 0xAB5L, CASES, MAX_BYTES,
                this::ofEitherRefusesOrMakesAValidFpage);
    }

    @FuzzTest
    void msgTagsRoundTrip(FuzzedDataProvider data) {
        long label = data.consumeLong(-(1L << 47), (1L << 47) - 1);
        int u = data.consumeInt(0, 63);
        int t = data.consumeInt(0, 63);
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

    @Test
    void msgTagsRoundTripOnRandomInputs() throws Exception {
        RandomInputs.check("msgTagsRoundTrip", 0xAB6L, CASES, MAX_BYTES, this::msgTagsRoundTrip);
    }

    @FuzzTest
    void threadIdsRoundTrip(FuzzedDataProvider data) {
        long number = data.consumeLong(0, 0xFFFF_FFFFL);
        long version = data.consumeLong(1, 0xFFFF_FFFFL);
        if ((version & 0x3F) == 0) {
            // Such an id would have the local form (X.2): no global id has it.
            assertThrows(IllegalArgumentException.class, () -> ThreadId.global(number, version));
            assertTrue(ThreadId.isLocal(number << 32 | version));
            return;
        }
        long id = ThreadId.global(number, version);
        assertEquals(number, ThreadId.number(id));
        assertEquals(version, ThreadId.version(id));
        assertFalse(ThreadId.isNil(id));
        assertTrue(ThreadId.isGlobal(id));
        assertFalse(ThreadId.isLocal(id));
        assertEquals(Long.toHexString(number) + "." + Long.toHexString(version),
                id == ThreadId.ANY ? "ffffffff.ffffffff" : ThreadId.toString(id));
    }

    @Test
    void threadIdsRoundTripOnRandomInputs() throws Exception {
        RandomInputs.check("threadIdsRoundTrip", 0xAB7L, CASES, MAX_BYTES, this::threadIdsRoundTrip);
    }

    @FuzzTest
    void ipcErrorCodesRoundTrip(FuzzedDataProvider data) {
        int kind = data.consumeInt(1, 7);
        boolean receive = data.consumeBoolean();
        int offset = data.consumeInt(0, 63);
        long code = IpcError.code(kind, receive) | (long) offset << IpcError.OFFSET_SHIFT;
        assertEquals(kind, IpcError.kind(code));
        assertEquals(receive, IpcError.inReceivePhase(code));
        assertEquals(offset, IpcError.offset(code));
    }

    @Test
    void ipcErrorCodesRoundTripOnRandomInputs() throws Exception {
        RandomInputs.check("ipcErrorCodesRoundTrip", 0xAB8L, CASES, MAX_BYTES, this::ipcErrorCodesRoundTrip);
    }
}
