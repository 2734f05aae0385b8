import java.util.List;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.KernelError;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.Program;
import kola.abi.Sched;
import kola.abi.Schedule;
import kola.abi.ThreadId;

/**
 * A root task that partitions time: it starts the periodic task and the hog, each in a space of
 * its own, then puts the hog under the scheduler its argument names (SchedControl needs the root
 * task's privilege).
 */
public final class Partitions implements Program {
    @Override
    public void run(L4 l4) {
        Kip kip = l4.kernelInterface();
        List<String> args = kip.module("roottask").args();
        String mode = args.isEmpty() ? "domains" : args.get(0);
        long me = l4.myGlobalId();
        long periodic = start(l4, kip, "periodic", ThreadId.global(ThreadId.number(me) + 2, 1));
        long hog = start(l4, kip, "hog", ThreadId.global(ThreadId.number(me) + 3, 1));
        boolean ok = switch (mode) {
            case "priorities" -> true;
            case "budgets" -> l4.schedControl(Sched.CREATE, 1, 300, 1000) == 1 && l4.schedControl(Sched.BIND, 1, hog, 0) == 1;
            case "domains" -> {
                l4.setMr(1, Sched.slot(0, 500));
                l4.setMr(2, Sched.slot(1, 500));
                yield l4.schedControl(Sched.DOMAIN, hog, 1, 0) == 1
                        && l4.schedControl(Sched.DOMAIN_SCHEDULE, 2, Sched.FLUSH | Sched.PAD, 5000) == 1;
            }
            default -> false;
        };
        l4.kdbPrint(ok ? "the hog (" + ThreadId.toString(hog) + ") is under " + mode + ", the periodic task is "
                + ThreadId.toString(periodic) : "cannot set up '" + mode + "': " + KernelError.describe(l4.errorCode()));
    }

    /** Creates thread {@code id} in a new space and starts it at module {@code name}'s entry, at the module's priority. */
    private static long start(L4 l4, Kip kip, String name, long id) {
        Kip.BootModule module = kip.module(name);
        l4.threadControl(id, id, l4.myGlobalId(), ThreadId.NIL, -1L);
        l4.spaceControl(id, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, ThreadId.NIL);
        l4.threadControl(id, id, ThreadId.NIL, kip.sigma0(), Fpage.base(Kip.STANDARD_UTCB_AREA));
        l4.schedule(id, Schedule.UNCHANGED, Schedule.UNCHANGED, module.priority(), Schedule.UNCHANGED);
        l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, module.entry(0), 0, 0, ThreadId.NIL);
        return id;
    }
}
