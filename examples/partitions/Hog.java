import kola.abi.Fpage;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.Program;

/** A hog: spins until 12 ms, at a higher priority than the periodic task. */
public final class Hog implements Program {
    @Override
    public void run(L4 l4) {
        long kip = Fpage.base(Kip.STANDARD_KIP_AREA);
        while (l4.systemClock() < 12_000) {
            for (int i = 0; i < 200; i++) {
                l4.memory().load32(kip);
            }
        }
        l4.kdbPrint("done spinning");
    }
}
