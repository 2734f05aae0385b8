package kola.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IpcErrorTest {
    @Test
    void codesAreX2() {
        assertEquals(1, IpcError.TIMEOUT);
        assertEquals(2, IpcError.NO_PARTNER);
        assertEquals(3, IpcError.CANCELLED);
        assertEquals(4, IpcError.MESSAGE_OVERFLOW);
        assertEquals(5, IpcError.XFER_TIMEOUT_OWN);
        assertEquals(6, IpcError.XFER_TIMEOUT_PARTNER);
        assertEquals(7, IpcError.ABORTED);
    }

    @Test
    void codeKindAndPhaseRoundTrip() {
        for (int kind = 1; kind <= 7; kind++) {
            for (boolean receive : new boolean[] {false, true}) {
                long code = IpcError.code(kind, receive);
                assertEquals((long) kind << 1 | (receive ? 1 : 0), code);
                assertEquals(kind, IpcError.kind(code));
                assertEquals(receive, IpcError.inReceivePhase(code));
            }
        }
    }

    @Test
    void theOffsetOfAFailingItemSitsAboveKindAndPhase() {
        long code = IpcError.code(IpcError.MESSAGE_OVERFLOW, true) | 5L << IpcError.OFFSET_SHIFT;
        assertEquals(IpcError.MESSAGE_OVERFLOW, IpcError.kind(code));
        assertTrue(IpcError.inReceivePhase(code));
        assertEquals(5, IpcError.offset(code));
        assertEquals(0, IpcError.offset(IpcError.code(IpcError.ABORTED, true)));
    }

    @Test
    void describe() {
        assertEquals("timeout (receive phase)", IpcError.describe(IpcError.code(IpcError.TIMEOUT, true)));
        assertEquals("no such partner (send phase)", IpcError.describe(IpcError.code(IpcError.NO_PARTNER, false)));
        assertEquals("cancelled (send phase)", IpcError.describe(6));
        assertEquals("message overflow (send phase)", IpcError.describe(8));
        assertEquals("aborted (receive phase)", IpcError.describe(15));
        assertEquals("no error (send phase)", IpcError.describe(0));
        assertFalse(IpcError.inReceivePhase(0));
    }
}
