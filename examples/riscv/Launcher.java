import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.system.Protocol;

/**
 * Starts the RISC-V module "hello" (marked manual) through the root task, waits until it has
 * exited, and does it once more: a RISC-V task is started, waited for and started again as a Java
 * one is, and each run gets fresh copies of the program's writable pages.
 */
public final class Launcher implements Program {
    @Override
    public void run(L4 l4) {
        Kip.BootModule hello = l4.kernelInterface().module("hello");
        for (int run = 1; run <= 2; run++) {
            l4.kdbPrint("starting " + hello.name() + " (run " + run + ")");
            if (root(l4, Protocol.ROOT_START, hello.index()) != Protocol.OK) {
                l4.kdbPrint("the root task would not start it");
                return;
            }
            long waited = root(l4, Protocol.ROOT_WAIT, hello.index());   // answered when it has exited
            l4.kdbPrint(waited == Protocol.OK ? hello.name() + " exited" : hello.name() + " ended without exiting");
        }
        l4.kdbPrint("done");
    }

    /** A request to the root task about boot module {@code index}: its reply label, or -1. */
    private static long root(L4 l4, long label, int index) {
        l4.setMr(0, MsgTag.make(label, 1, 0));
        l4.setMr(1, index);
        long tag = l4.call(l4.kernelInterface().rootTask());
        return MsgTag.failed(tag) ? -1 : MsgTag.label(tag);
    }
}
