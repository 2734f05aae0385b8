package kola.system;

import kola.abi.ExRegs;
import kola.abi.Kip;
import kola.abi.KernelError;
import kola.abi.L4;
import kola.abi.Schedule;
import kola.abi.ThreadId;

/**
 * Task creation the L4 way, for privileged programs (the root task): ThreadControl makes the
 * first thread and its space, SpaceControl sets the KIP and UTCB areas, ThreadControl activates
 * the thread with a UTCB and a pager, Schedule gives it its priority, and ExchangeRegisters starts
 * it at an entry point (L4 X.2, "ThreadControl", "SpaceControl").
 */
public final class Tasks {
    private Tasks() {
    }

    /**
     * Creates a task whose first thread is {@code id}, paged by {@code pager}, and starts it at
     * {@code ip} with priority {@code priority}. Returns null on success, or what failed.
     */
    public static String create(L4 l4, long id, long pager, long ip, int priority) {
        long me = l4.myGlobalId();
        if (l4.threadControl(id, id, me, ThreadId.NIL, -1) == 0) {
            return "ThreadControl(create): " + KernelError.describe(l4.errorCode());
        }
        if (l4.spaceControl(id, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, ThreadId.NIL) == 0) {
            return "SpaceControl: " + KernelError.describe(l4.errorCode());
        }
        if (l4.threadControl(id, id, ThreadId.NIL, pager, kola.abi.Fpage.base(Kip.STANDARD_UTCB_AREA)) == 0) {
            return "ThreadControl(activate): " + KernelError.describe(l4.errorCode());
        }
        if (l4.schedule(id, Schedule.UNCHANGED, Schedule.UNCHANGED, priority, Schedule.UNCHANGED) == 0) {
            return "Schedule: " + KernelError.describe(l4.errorCode());
        }
        if (l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, ip, 0, 0, ThreadId.NIL) == ThreadId.NIL) {
            return "ExchangeRegisters(start): " + KernelError.describe(l4.errorCode());
        }
        return null;
    }
}
