package kola.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThreadStateTest {
    @Test
    void valuesFollowPistachioScheduleResults() {
        assertEquals(0, ThreadState.ERROR);
        assertEquals(1, ThreadState.DEAD);
        assertEquals(2, ThreadState.INACTIVE);
        assertEquals(3, ThreadState.RUNNING);
        assertEquals(4, ThreadState.PENDING_SEND);
        assertEquals(5, ThreadState.SENDING);
        assertEquals(6, ThreadState.WAITING);
        assertEquals(7, ThreadState.RECEIVING);
    }

    @Test
    void names() {
        String[] names = {"error", "dead", "inactive", "running", "pending-send", "sending", "waiting", "receiving"};
        for (int i = 0; i < names.length; i++) {
            assertEquals(names[i], ThreadState.name(i));
        }
        assertEquals("state 8", ThreadState.name(8));
        assertEquals("state -1", ThreadState.name(-1));
    }
}
