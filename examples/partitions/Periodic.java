import kola.abi.Fpage;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.Program;
import kola.abi.Timeout;

/** A periodic task: ten jobs, released every 1 ms from 2 ms on, each due before the next release. */
public final class Periodic implements Program {
    static final long FIRST = 2000;
    static final long PERIOD = 1000;
    static final int JOBS = 10;

    @Override
    public void run(L4 l4) {
        long kip = Fpage.base(Kip.STANDARD_KIP_AREA);
        int missed = 0;
        long worst = 0;
        long best = Long.MAX_VALUE;
        for (int k = 0; k < JOBS; k++) {
            long release = FIRST + k * PERIOD;
            long now = l4.systemClock();
            if (release > now) {
                l4.ipc(0, l4.myGlobalId(), Timeout.pair(Timeout.NEVER, Timeout.relative(release - now)));
            }
            for (int i = 0; i < 20_000; i++) { // the job's work
                l4.memory().load32(kip);
            }
            long latency = l4.systemClock() - release;
            missed += latency > PERIOD ? 1 : 0;
            worst = Math.max(worst, latency);
            best = Math.min(best, latency);
        }
        l4.kdbPrint(JOBS + " jobs, " + missed + " deadlines missed, latency " + best + ".." + worst + " µs");
    }
}
