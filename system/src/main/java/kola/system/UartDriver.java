package kola.system;

import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;

/**
 * The UART driver, a user task (paper section 2): the UART's registers are mapped into its space
 * from sigma0, and its receive interrupt arrives as IPC from the line's pseudo-thread; it drains
 * the receive FIFO into a buffer and acknowledges by replying to the pseudo-thread. It serves
 * {@link Protocol#UART_WRITE} (transmit) and {@link Protocol#UART_READ} (answered when bytes have
 * come: one reader at a time, the console's) and never calls anyone, so no client can deadlock
 * with it. {@link Protocol#UART_CRASH} makes it throw, to show that the root task restarts it;
 * its buffer and its waiting reader survive the restart (they live in its address space).
 */
public final class UartDriver implements Program {
    /** Where the driver maps the UART's register page. */
    public static final long REGS = 0x1000_0000L;
    private static final long DATA = 0x00;
    private static final long STATUS = 0x08;
    private static final long RX_READY = 1;
    private static final long INPUT_ENDED = 2;

    private final byte[] buffer = new byte[16 * 1024];
    private int count;
    private long reader = ThreadId.NIL;
    /** How to answer the waiting reader: its id, or the reply capability saved for it ({@link Names#save}). */
    private long readerReply = ThreadId.NIL;
    private boolean caps;
    private boolean ended;
    private int starts;

    @Override
    public void run(L4 l4) {
        Drivers.Interrupt interrupt = Drivers.setUp(l4, "uart", REGS);
        if (interrupt == null) {
            return;
        }
        long irq = interrupt.from();
        caps = interrupt.capabilities();
        if (starts++ > 0) {
            l4.kdbPrint("driver restarted (start " + starts + ")");
        }
        long from = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag)) {
                from = l4.waitAny();
                continue;
            }
            if (from == irq) {
                drain(l4);
                answerReader(l4);
                from = interrupt.acknowledgeAndWait(l4); // the acknowledgement unmasks the line
                continue;
            }
            long label = MsgTag.label(tag);
            if (label == Protocol.UART_WRITE) {
                byte[] bytes = Words.get(l4, MsgTag.untyped(tag));
                if (bytes == null) {
                    Drivers.error(l4, Protocol.E_BAD_ARGUMENT);
                } else {
                    for (byte b : bytes) {
                        l4.memory().store8(REGS + DATA, b);
                    }
                    Drivers.ok(l4);
                }
            } else if (label == Protocol.UART_READ) {
                if (reader != ThreadId.NIL && reader != from) {
                    Drivers.error(l4, Protocol.E_DENIED);
                } else {
                    reader = from;
                    Names.drop(l4, caps, readerReply); // a read it asked for before and gave up (capabilities)
                    readerReply = Names.save(l4, caps, from);
                    if (count == 0 && !ended) {
                        from = l4.waitAny(); // answered when bytes come
                        continue;
                    }
                    answerReader(l4);
                    from = l4.waitAny();
                    continue;
                }
            } else if (label == Protocol.UART_CRASH) {
                Drivers.ok(l4);
                l4.reply(Names.replyTo(caps, from));
                throw new IllegalStateException("uart driver crashed on request");
            } else if (label == Protocol.PING) {
                Drivers.ok(l4);
            } else {
                Drivers.error(l4, Protocol.E_UNKNOWN_REQUEST);
            }
            from = l4.replyWait(Names.replyTo(caps, from));
        }
    }

    /** Moves received bytes from the FIFO into the buffer, while there is room. */
    private void drain(L4 l4) {
        int before = count;
        while (count < buffer.length && (l4.memory().load64(REGS + STATUS) & RX_READY) != 0) {
            buffer[count++] = (byte) l4.memory().load64(REGS + DATA);
        }
        // The kernel raises the line once more, with nothing to read, when the console input ends.
        ended |= count == before && (l4.memory().load64(REGS + STATUS) & INPUT_ENDED) != 0;
    }

    /** Gives the waiting reader what has come, if anything has, or tells it the input ended (no bytes). */
    private void answerReader(L4 l4) {
        if (reader == ThreadId.NIL || count == 0 && !ended) {
            return;
        }
        int n = Math.min(count, Words.MAX_BYTES);
        int words = Words.put(l4, buffer, 0, n);
        for (int i = n; i < count; i++) {
            buffer[i - n] = buffer[i];
        }
        count -= n;
        l4.setMr(0, MsgTag.make(Protocol.OK, words, 0));
        Names.answer(l4, caps, readerReply);
        reader = ThreadId.NIL;
        readerReply = ThreadId.NIL;
    }
}
