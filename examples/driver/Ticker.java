import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.system.Drivers;

/**
 * A driver in the style of Kola's TimerDriver: it maps the one-shot timer's registers into its
 * space, asks the root task for the interrupt line its boot module's args grant ({@code irq=N}),
 * then arms the timer and waits for the interrupt, which comes as an IPC from the line's
 * interrupt pseudo-thread; its reply acknowledges the interrupt. It stops after {@code ticks=N}.
 */
public final class Ticker implements Program {
    private static final long REGS = 0x1000_0000L;      // where the timer's register page is mapped
    private static final long NOW = REGS;               // read: the cycle counter
    private static final long DEADLINE = REGS + 0x08;   // write: arm the timer for that cycle
    private static final long CONTROL = REGS + 0x10;    // write 0: disarm

    @Override
    public void run(L4 l4) {
        int line = Drivers.irqArg(l4);                  // from the module's args: irq=N
        if (!Drivers.mapDevice(l4, "timer", REGS)) {    // sigma0 maps the device's page
            l4.kdbPrint("sigma0 refused the timer's registers");
            return;
        }
        if (line < 0) {
            l4.kdbPrint("no interrupt line: the module needs 'irq: N' in the image");
            return;
        }
        if (!Drivers.attachInterrupt(l4, line)) {       // the root task decides who owns a line
            l4.kdbPrint("the root task refused interrupt line " + line);
            return;
        }
        long irq = l4.kernelInterface().interruptThread(line);  // the line's pseudo-thread
        String n = Drivers.arg(l4, "ticks");            // from the module's args: ticks=N (default 3)
        int ticks = n != null && n.matches("[1-9][0-9]{0,5}") ? Integer.parseInt(n) : n == null ? 3 : -1;
        if (ticks < 0) {
            l4.kdbPrint("ticks=" + n + ": not a number of ticks");
            return;
        }
        long cyclesPerMicro = l4.kernelInterface().cyclesPerMicrosecond();
        l4.kdbPrint("attached interrupt line " + line + "; waiting for " + ticks + " ticks, 1 ms apart");
        for (int i = 1; i <= ticks; i++) {
            l4.memory().store64(DEADLINE, l4.memory().load64(NOW) + 1000 * cyclesPerMicro);
            long tag = l4.receive(irq);                 // closed receive: only the interrupt
            if (MsgTag.failed(tag)) {
                l4.kdbPrint("receive failed: error code " + l4.errorCode());
                return;
            }
            l4.kdbPrint("tick " + i + " at " + l4.systemClock() + " µs (interrupt from "
                    + kola.abi.ThreadId.toString(irq) + ")");
            l4.setMr(0, MsgTag.make(0, 0, 0));
            l4.reply(irq);                              // acknowledge: the line may fire again
        }
        l4.memory().store64(CONTROL, 0);
        l4.kdbPrint("done");
    }
}
