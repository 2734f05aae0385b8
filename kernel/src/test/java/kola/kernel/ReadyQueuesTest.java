package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import kola.abi.Sched;
import org.junit.jupiter.api.Test;

/**
 * The ready queues ({@link ReadyQueues}): round robin within a priority, the highest priority of
 * the active domain first, and the two-level map of non-empty priorities always agreeing with
 * the queues, checked against a plain model over random operations.
 */
class ReadyQueuesTest {
    private long next = 100;

    private Tcb thread(int domain, int priority) {
        Tcb t = new Tcb(next);
        t.id = kola.abi.ThreadId.global(next++, 1);
        t.domain = domain;
        t.priority = priority;
        return t;
    }

    @Test
    void emptyQueuesHaveNoHighestPriorityAndNothingToTake() {
        ReadyQueues q = new ReadyQueues();
        assertEquals(-1, q.highestPriority());
        assertNull(q.takeHighest());
        assertFalse(q.anyReady());
        assertFalse(q.anyReadyIn(new int[] {0, 5}));
    }

    @Test
    void highestPriorityIsFoundInEveryWordOfTheMap() {
        ReadyQueues q = new ReadyQueues();
        for (int p : new int[] {0, 1, 63, 64, 127, 128, 191, 192, 254, 255}) {
            Tcb t = thread(0, p);
            q.enqueue(t);
            assertEquals(p, q.highestPriority());
            assertSame(t, q.takeHighest());
            assertEquals(-1, q.highestPriority(), "priority " + p + " left a bit set");
        }
    }

    @Test
    void emptyingOneQueueOfAWordKeepsTheWordsOtherPriorities() {
        ReadyQueues q = new ReadyQueues();
        Tcb low = thread(0, 65);
        Tcb high = thread(0, 70);
        q.enqueue(low);
        q.enqueue(high);
        q.remove(high);
        assertEquals(65, q.highestPriority());
        q.remove(low);
        assertEquals(-1, q.highestPriority());
        assertFalse(q.anyReady());
    }

    @Test
    void onlyTheActiveDomainsThreadsAreTaken() {
        ReadyQueues q = new ReadyQueues();
        Tcb other = thread(3, 200);
        q.enqueue(other);
        assertEquals(-1, q.highestPriority());
        assertNull(q.takeHighest());
        assertTrue(q.anyReady());
        assertTrue(q.anyReadyIn(new int[] {1, 3}));
        assertFalse(q.anyReadyIn(new int[] {0, 1}));
        q.active = 3;
        assertEquals(200, q.highestPriority());
        assertSame(other, q.takeHighest());
        assertFalse(q.anyReady());
    }

    @Test
    void randomOperationsAgreeWithAPlainModel() {
        Random random = new Random(17);
        ReadyQueues q = new ReadyQueues();
        // The model: a queue per domain and priority.
        List<List<Deque<Tcb>>> model = new ArrayList<>();
        for (int d = 0; d < Sched.DOMAINS; d++) {
            List<Deque<Tcb>> byPriority = new ArrayList<>();
            for (int p = 0; p < ReadyQueues.PRIORITIES; p++) {
                byPriority.add(new ArrayDeque<>());
            }
            model.add(byPriority);
        }
        List<Tcb> queued = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            int op = random.nextInt(10);
            if (op < 4) {
                // Few domains and priorities in three words, so that queues empty and fill again.
                Tcb t = thread(random.nextInt(3), random.nextInt(3) * 64 + random.nextInt(4));
                boolean front = random.nextBoolean();
                if (front) {
                    q.enqueueFront(t);
                    model.get(t.domain).get(t.priority).addFirst(t);
                } else {
                    q.enqueue(t);
                    model.get(t.domain).get(t.priority).addLast(t);
                }
                queued.add(t);
            } else if (op < 6 && !queued.isEmpty()) {
                Tcb t = queued.remove(random.nextInt(queued.size()));
                q.remove(t);
                assertTrue(model.get(t.domain).get(t.priority).remove(t));
                assertFalse(t.queued);
            } else if (op < 8) {
                Tcb taken = q.takeHighest();
                Tcb expected = null;
                for (int p = ReadyQueues.PRIORITIES - 1; p >= 0 && expected == null; p--) {
                    expected = model.get(q.active).get(p).pollFirst();
                }
                assertSame(expected, taken, "step " + step);
                if (taken != null) {
                    queued.remove(taken);
                }
            } else if (op < 9) {
                q.active = random.nextInt(3);
            }
            int highest = -1;
            for (int p = ReadyQueues.PRIORITIES - 1; p >= 0 && highest < 0; p--) {
                if (!model.get(q.active).get(p).isEmpty()) {
                    highest = p;
                }
            }
            assertEquals(highest, q.highestPriority(), "step " + step);
            assertEquals(!queued.isEmpty(), q.anyReady(), "step " + step);
            for (int d = 0; d < 3; d++) {
                boolean any = false;
                for (Deque<Tcb> queue : model.get(d)) {
                    any |= !queue.isEmpty();
                }
                assertEquals(any, q.anyReadyIn(new int[] {d}), "step " + step + ", domain " + d);
            }
        }
    }
}
