package kola.bench.loop;

import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;

/**
 * The task of {@code kola bench metering}: a server that, asked for n iterations (MR1), runs a
 * CPU-bound loop of n rounds of {@code sum += i ^ (sum >>> 3)} and replies with the sum. It makes
 * no system call and no memory access in the loop: only the meter (when it runs sandboxed) sees
 * it. The same class runs both ways: as a sandboxed module (its class file verified, metered and
 * defined by the kernel) and as an ordinary program from a factory (unmetered). It passes the
 * task verification: this package holds nothing else.
 */
public final class Spin implements Program {
    /** The loop: n rounds, the sum returned so that nothing can be optimized away. */
    public static long spin(int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += i ^ (sum >>> 3);
        }
        return sum;
    }

    @Override
    public void run(L4 l4) {
        long from = l4.waitAny();
        while (true) {
            int n = (int) l4.mr(1);
            long sum = spin(n);
            l4.setMr(0, MsgTag.make(0, 1, 0));
            l4.setMr(1, sum);
            from = l4.replyWait(from);
        }
    }
}
