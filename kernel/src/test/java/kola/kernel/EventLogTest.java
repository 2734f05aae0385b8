package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import kola.machine.CycleClock;
import org.junit.jupiter.api.Test;

/**
 * The event stream's running hash: the same events give the same hash; a different word, a word
 * in another place of its event, another time or another order give another.
 */
class EventLogTest {
    /** Records {@code events} (type, a, b, c, cycles to advance the clock after it) into a fresh log. */
    private static EventLog log(long[]... events) {
        CycleClock clock = new CycleClock();
        EventLog log = new EventLog(clock);
        for (long[] e : events) {
            log.record((int) e[0], e[1], e[2], e[3]);
            clock.advance(e[4]);
        }
        return log;
    }

    @Test
    void theSameEventsGiveTheSameHashAndCount() {
        EventLog one = log(new long[] {3, 7, 8, 9, 10}, new long[] {5, 1, 2, 3, 0});
        EventLog two = log(new long[] {3, 7, 8, 9, 10}, new long[] {5, 1, 2, 3, 0});
        assertEquals(one.hash(), two.hash());
        assertEquals(2, one.count());
        assertEquals(2, two.count());
    }

    @Test
    void aWordInAnotherPlaceOfItsEventChangesTheHash() {
        long base = log(new long[] {3, 7, 8, 9, 10}).hash();
        assertNotEquals(base, log(new long[] {3, 8, 7, 9, 10}).hash(), "a and b swapped");
        assertNotEquals(base, log(new long[] {3, 7, 9, 8, 10}).hash(), "b and c swapped");
        assertNotEquals(base, log(new long[] {7, 3, 8, 9, 10}).hash(), "type and a swapped");
    }

    @Test
    void anotherTimeOrOrderChangesTheHash() {
        long[] first = {3, 7, 8, 9, 10};
        long[] second = {5, 1, 2, 3, 0};
        long base = log(first, second).hash();
        assertNotEquals(base, log(second, first).hash(), "the order of two events");
        assertNotEquals(base, log(new long[] {3, 7, 8, 9, 11}, second).hash(), "the second event one cycle later");
        assertNotEquals(base, log(first).hash(), "one event fewer");
    }

    @Test
    void smallDifferencesInManyEventsAllGiveDistinctHashes() {
        // Every single-word change of one event among 4 x 64 x 3: no two of the streams collide.
        Set<Long> hashes = new HashSet<>();
        int streams = 0;
        for (int type = 0; type < 4; type++) {
            for (int v = 0; v < 64; v++) {
                for (int field = 0; field < 3; field++) {
                    long[] e = {type, 1, 1, 1, 0};
                    e[1 + field] = v;
                    hashes.add(log(new long[] {1, 2, 3, 4, 5}, e).hash());
                    streams++;
                }
            }
        }
        // (v = 1 leaves the event as it is in each field: those 3 per type are one stream)
        assertEquals(streams - 4 * 2, hashes.size());
    }

    @Test
    void aListenerSeesEachEventWithItsTime() {
        CycleClock clock = new CycleClock();
        EventLog log = new EventLog(clock);
        List<String> seen = new ArrayList<>();
        log.listener = (type, time, a, b, c) -> seen.add(type + "@" + time + ":" + a + "," + b + "," + c);
        log.record(2, 10, 11, 12);
        clock.advance(5);
        log.record(4, 20, 21, 22);
        assertEquals(List.of("2@0:10,11,12", "4@5:20,21,22"), seen);
        assertEquals(2, log.count());
    }
}
