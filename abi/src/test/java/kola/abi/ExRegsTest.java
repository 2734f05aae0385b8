package kola.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExRegsTest {
    @Test
    void inputControlBits() {
        long[] bits = {ExRegs.HALT_VALUE, ExRegs.ABORT_RECEIVE, ExRegs.ABORT_SEND, ExRegs.SET_SP, ExRegs.SET_IP,
            ExRegs.SET_FLAGS, ExRegs.SET_USER_HANDLE, ExRegs.SET_PAGER, ExRegs.HALT_VALID, ExRegs.DELIVER};
        long all = 0;
        for (int i = 0; i < bits.length; i++) {
            assertEquals(1L << i, bits[i], "bit " + i);
            all |= bits[i];
        }
        assertEquals(ExRegs.KNOWN, all, "KNOWN is exactly the defined bits");
        assertEquals(ExRegs.ABORT_RECEIVE | ExRegs.ABORT_SEND, ExRegs.ABORT_IPC);
        assertEquals(ExRegs.SET_SP | ExRegs.SET_IP, ExRegs.SET_SP_IP);
        assertEquals(ExRegs.HALT_VALID | ExRegs.HALT_VALUE, ExRegs.HALT);
        assertEquals(ExRegs.HALT_VALID, ExRegs.RESUME);
    }

    @Test
    void outputWordsAndIndexes() {
        assertEquals(1, ExRegs.WAS_HALTED);
        assertEquals(2, ExRegs.WAS_RECEIVING);
        assertEquals(4, ExRegs.WAS_SENDING);
        int[] out = {ExRegs.OUT_CONTROL, ExRegs.OUT_SP, ExRegs.OUT_IP, ExRegs.OUT_FLAGS, ExRegs.OUT_USER_HANDLE,
            ExRegs.OUT_PAGER};
        for (int i = 0; i < out.length; i++) {
            assertEquals(i, out[i]);
        }
    }
}
