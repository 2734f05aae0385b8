package kola.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The lifecycle harness creates and deletes for real and leaves nothing behind. */
class LifecycleBenchTest {
    @Test
    void measuresBothKinds() {
        for (LifecycleBench.Kind kind : LifecycleBench.Kind.values()) {
            // measure() throws unless all 500 create + delete completed, every call checked.
            HostNanos.assertWithinTheCall(kind.toString(), () -> LifecycleBench.measure(kind, 500));
        }
    }

    @Test
    void sessionsLeaveNoThreadOrSpaceBehind() {
        for (LifecycleBench.Kind kind : LifecycleBench.Kind.values()) {
            LifecycleBench.Session s = new LifecycleBench.Session(kind, 0);
            s.ops(1); // finish the operation in flight
            int[] before = s.threadsAndSpaces();
            long ops = s.completed();
            s.ops(200);
            assertEquals(200, s.completed() - ops, 1);
            assertArrayEquals(before, s.threadsAndSpaces(), kind.toString());
        }
    }
}
