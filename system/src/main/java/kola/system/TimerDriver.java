package kola.system;

import java.util.ArrayList;
import java.util.List;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;

/**
 * The timer driver, a user task: it owns the one-shot timer's registers and interrupt, and gives
 * other tasks a sleep service ({@link Protocol#TIMER_SLEEP}: the reply comes when the time is up)
 * and the time ({@link Protocol#TIMER_NOW}). It keeps the sleepers sorted by deadline and programs
 * the timer for the earliest.
 */
public final class TimerDriver implements Program {
    /** Where the driver maps the timer's register page. */
    public static final long REGS = 0x1000_0000L;
    private static final long NOW = 0x00;
    private static final long DEADLINE = 0x08;
    private static final long CONTROL = 0x10;

    /** A sleeper: how to answer it (its id, or its saved reply capability) and when. */
    private record Sleeper(long answer, long deadline) {
    }

    private final List<Sleeper> sleepers = new ArrayList<>();
    private boolean caps;

    @Override
    public void run(L4 l4) {
        Drivers.Interrupt interrupt = Drivers.setUp(l4, "timer", REGS);
        if (interrupt == null) {
            return;
        }
        long irq = interrupt.from();
        caps = interrupt.capabilities();
        long cyclesPerMicro = l4.kernelInterface().cyclesPerMicrosecond();
        long from = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag)) {
                from = l4.waitAny();
                continue;
            }
            if (from == irq) {
                wakeDue(l4);
                program(l4);
                from = interrupt.acknowledgeAndWait(l4);
                continue;
            }
            long label = MsgTag.label(tag);
            if (label == Protocol.TIMER_SLEEP && MsgTag.untyped(tag) == 1 && l4.mr(1) >= 0 && l4.mr(1) < 1L << 40) {
                long deadline = l4.memory().load64(REGS + NOW) + l4.mr(1) * cyclesPerMicro;
                int i = 0;
                while (i < sleepers.size() && sleepers.get(i).deadline() <= deadline) {
                    i++;
                }
                long answer = Names.save(l4, caps, from);
                if (answer == kola.abi.ThreadId.NIL) {
                    Drivers.error(l4, Protocol.E_NOT_AVAILABLE);
                    from = l4.replyWait(Names.replyTo(caps, from));
                    continue;
                }
                sleepers.add(i, new Sleeper(answer, deadline));
                program(l4);
                from = l4.waitAny();
                continue;
            }
            if (label == Protocol.TIMER_NOW) {
                l4.setMr(1, l4.memory().load64(REGS + NOW) / cyclesPerMicro);
                l4.setMr(0, MsgTag.make(Protocol.OK, 1, 0));
            } else if (label == Protocol.PING) {
                Drivers.ok(l4);
            } else {
                Drivers.error(l4, Protocol.E_BAD_ARGUMENT);
            }
            from = l4.replyWait(Names.replyTo(caps, from));
        }
    }

    private void wakeDue(L4 l4) {
        long now = l4.memory().load64(REGS + NOW);
        while (!sleepers.isEmpty() && sleepers.get(0).deadline() <= now) {
            Drivers.ok(l4);
            Names.answer(l4, caps, sleepers.remove(0).answer());
        }
    }

    private void program(L4 l4) {
        if (sleepers.isEmpty()) {
            l4.memory().store64(REGS + CONTROL, 0);
        } else {
            l4.memory().store64(REGS + DEADLINE, sleepers.get(0).deadline());
        }
    }

    /** Sleeps {@code micros} microseconds using the timer driver {@code timer}. */
    public static boolean sleep(L4 l4, long timer, long micros) {
        l4.setMr(1, micros);
        l4.setMr(0, MsgTag.make(Protocol.TIMER_SLEEP, 1, 0));
        long tag = l4.call(timer);
        return !MsgTag.failed(tag) && MsgTag.label(tag) == Protocol.OK;
    }
}
