package kola.kernel;

import java.util.Arrays;
import kola.abi.ThreadId;

/**
 * Thread numbers to TCBs. The table grows on demand up to the configured thread-number limit, so
 * that a kernel allowing millions of threads costs nothing until they exist.
 */
final class ThreadTable {
    private final long limit;
    private Tcb[] table = new Tcb[1024];
    private long highest = -1;
    private int count;

    ThreadTable(long limit) {
        this.limit = limit;
    }

    /** The live thread whose global id is exactly {@code id} (number and version), or null. */
    Tcb lookup(long id) {
        long no = ThreadId.number(id);
        if (no >= table.length) {
            return null;
        }
        Tcb t = table[(int) no];
        return t != null && t.id == id ? t : null;
    }

    /** The live thread with thread number {@code number}, whatever its version, or null. */
    Tcb byNumber(long number) {
        return number >= 0 && number < table.length ? table[(int) number] : null;
    }

    boolean inRange(long number) {
        return number >= 0 && number < limit;
    }

    void put(Tcb t) {
        long no = t.number;
        if (no >= table.length) {
            long size = table.length;
            while (size <= no) {
                size *= 2;
            }
            table = Arrays.copyOf(table, (int) Math.min(size, limit));
        }
        assert table[(int) no] == null : "thread number " + no + " in use";
        table[(int) no] = t;
        highest = Math.max(highest, no);
        count++;
    }

    void remove(Tcb t) {
        assert table[(int) t.number] == t;
        table[(int) t.number] = null;
        count--;
    }

    /** One more than the highest thread number ever used: the bound for a scan. */
    long scanLimit() {
        return highest + 1;
    }

    int count() {
        return count;
    }
}
