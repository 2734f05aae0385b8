package kola.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InterruptControllerTest {

    @Test
    void linesStartMaskedAndQuiet() {
        InterruptController pic = new InterruptController(32);
        assertEquals(32, pic.lines());
        for (int line = 0; line < 32; line++) {
            assertTrue(pic.isMasked(line));
            assertFalse(pic.isPending(line));
        }
        assertEquals(-1, pic.nextPending());
    }

    @Test
    void maskedLineStaysPendingUntilUnmasked() {
        InterruptController pic = new InterruptController(32);
        pic.raise(5);
        assertTrue(pic.isPending(5));
        assertEquals(-1, pic.nextPending());
        pic.unmask(5);
        assertFalse(pic.isMasked(5));
        assertEquals(5, pic.nextPending());
        pic.mask(5);
        assertEquals(-1, pic.nextPending());
    }

    @Test
    void lowestPendingUnmaskedLineComesFirst() {
        InterruptController pic = new InterruptController(32);
        for (int line : new int[] {3, 7, 31}) {
            pic.unmask(line);
        }
        pic.raise(31);
        pic.raise(7);
        pic.raise(1);
        assertEquals(7, pic.nextPending());
        pic.raise(3);
        assertEquals(3, pic.nextPending());
        pic.acknowledge(3);
        assertFalse(pic.isPending(3));
        assertEquals(7, pic.nextPending());
        pic.acknowledge(7);
        assertEquals(31, pic.nextPending());
        pic.acknowledge(31);
        assertEquals(-1, pic.nextPending());
        assertTrue(pic.isPending(1));
    }

    @Test
    void raisingTwiceIsOneInterrupt() {
        InterruptController pic = new InterruptController(8);
        pic.unmask(2);
        pic.raise(2);
        pic.raise(2);
        pic.acknowledge(2);
        assertEquals(-1, pic.nextPending());
    }

    @Test
    void sixtyFourLinesWork() {
        InterruptController pic = new InterruptController(64);
        pic.unmask(63);
        pic.raise(63);
        assertEquals(63, pic.nextPending());
    }

    @Test
    void badLinesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new InterruptController(0));
        assertThrows(IllegalArgumentException.class, () -> new InterruptController(65));
        InterruptController pic = new InterruptController(32);
        assertFalse(pic.hasLine(32));
        assertFalse(pic.hasLine(-1));
        assertTrue(pic.hasLine(31));
        for (int line : new int[] {-1, 32, 64, Integer.MAX_VALUE}) {
            assertThrows(IllegalArgumentException.class, () -> pic.raise(line));
            assertThrows(IllegalArgumentException.class, () -> pic.mask(line));
            assertThrows(IllegalArgumentException.class, () -> pic.unmask(line));
            assertThrows(IllegalArgumentException.class, () -> pic.isMasked(line));
            assertThrows(IllegalArgumentException.class, () -> pic.isPending(line));
            assertThrows(IllegalArgumentException.class, () -> pic.acknowledge(line));
        }
    }

    @Test
    void registersShowAndChangeTheState() {
        InterruptController pic = new InterruptController(8);
        assertEquals(0xFF, pic.read(InterruptController.REG_MASKED, 8));
        pic.write(InterruptController.REG_MASK_CLEAR, 8, 0b1010 | (1L << 40));
        assertEquals(0xF5, pic.read(InterruptController.REG_MASKED, 8));
        pic.raise(1);
        pic.raise(3);
        pic.raise(0);
        assertEquals(0b1011, pic.read(InterruptController.REG_PENDING, 8));
        assertEquals(1, pic.read(InterruptController.REG_NEXT, 8));
        pic.write(InterruptController.REG_ACK, 8, 1);
        assertEquals(3, pic.read(InterruptController.REG_NEXT, 8));
        pic.write(InterruptController.REG_MASK_SET, 8, 0b1000);
        assertEquals(-1, pic.read(InterruptController.REG_NEXT, 8));
        assertEquals(0xFD, pic.read(InterruptController.REG_MASKED, 8));
    }

    @Test
    void badRegisterAccessesAreIgnored() {
        InterruptController pic = new InterruptController(8);
        pic.write(InterruptController.REG_ACK, 8, 99);
        pic.write(InterruptController.REG_ACK, 8, -1);
        pic.write(InterruptController.REG_PENDING, 8, -1);
        pic.write(0x800, 8, -1);
        assertEquals(0, pic.read(0x800, 8));
        assertEquals(0, pic.read(InterruptController.REG_PENDING, 8));
        assertEquals(0xFF, pic.read(InterruptController.REG_MASKED, 8));
    }
}
