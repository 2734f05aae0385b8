package kola.system;

import java.util.ArrayDeque;
import java.util.Deque;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;

/**
 * The console server: lines in and out between the UART driver and its clients. Clients write
 * with {@link Protocol#CONSOLE_WRITE} and read a line with {@link Protocol#CONSOLE_READ_LINE}
 * (answered when a line has come, in order of asking). Two threads: the server (entry 0) and a
 * reader (entry 1, started through the root task) that waits on the UART driver and hands what
 * comes to the server as {@link Protocol#CONSOLE_INPUT}. The server only ever calls the driver,
 * which calls no one: no cycle of calls, no deadlock.
 */
public final class Console implements Program {
    private static final int READER_ENTRY = 1;
    private final Bytes pending = new Bytes();
    private final Deque<Long> waiting = new ArrayDeque<>();
    private boolean ended;
    /** The rest of a line that was too long is still coming: it is dropped. */
    private boolean skipping;
    /** Only our own reader thread, the one the root task made for us, may feed input. */
    private long readerThread = ThreadId.NIL;
    /** Capabilities: the label of the gate the reader thread calls the server through (never a thread id: version 0). */
    private static final long READER_LABEL = 0x7EAD_0000_0000L;
    /** Capabilities: the slot of that gate, in the console's object space (both threads'). */
    private static final int READER_GATE = Names.OWN_BASE + 1;
    private boolean caps;

    @Override
    public void run(L4 l4) {
        caps = Names.capabilities(l4);
        long uart = RootTask.lookup(l4, "uart");
        if (uart == ThreadId.NIL) {
            l4.kdbPrint("no uart driver in this image");
            return;
        }
        if (l4.startIp() == l4.kernelInterface().moduleOf(l4.startIp()).entry(READER_ENTRY)) {
            reader(l4, uart);
            return;
        }
        l4.setExceptionHandler(l4.kernelInterface().rootTask());
        if (caps && l4.commControl(kola.abi.Comm.GATE, kola.abi.Comm.selector(READER_GATE), l4.myGlobalId(),
                READER_LABEL) == 0) {
            l4.kdbPrint("cannot make the reader thread's gate");
            return;
        }
        l4.setMr(1, READER_ENTRY);
        l4.setMr(0, MsgTag.make(Protocol.ROOT_NEW_THREAD, 1, 0));
        long tag = l4.call(Names.root(l4));
        if (MsgTag.failed(tag) || MsgTag.label(tag) != Protocol.OK) {
            l4.kdbPrint("cannot start the reader thread");
            return;
        }
        // The reader is of this space: its messages come under its local id (X.2), which
        // ExchangeRegisters gives for its global id (L4_LocalIdOf).
        readerThread = caps ? READER_LABEL : l4.exchangeRegisters(l4.mr(1), 0, 0, 0, 0, 0, ThreadId.NIL);
        serve(l4, uart);
    }

    private void serve(L4 l4, long uart) {
        long from = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag)) {
                from = l4.waitAny();
                continue;
            }
            long label = MsgTag.label(tag);
            int u = MsgTag.untyped(tag);
            if (label == Protocol.CONSOLE_WRITE && Words.get(l4, u) != null && MsgTag.typed(tag) == 0) {
                // The words are in our message registers already: pass them on to the driver.
                l4.setMr(0, MsgTag.make(Protocol.UART_WRITE, u, 0));
                long answer = l4.call(uart);
                if (MsgTag.failed(answer) || MsgTag.label(answer) != Protocol.OK) {
                    Drivers.error(l4, Protocol.E_NOT_AVAILABLE);
                } else {
                    Drivers.ok(l4);
                }
            } else if (label == Protocol.CONSOLE_READ_LINE) {
                long answer = Names.save(l4, caps, from);
                if (answer == ThreadId.NIL) {
                    Drivers.error(l4, Protocol.E_NOT_AVAILABLE);
                    from = l4.replyWait(Names.replyTo(caps, from));
                    continue;
                }
                waiting.addLast(answer);
                answerReaders(l4);
                from = l4.waitAny();
                continue;
            } else if (label == Protocol.CONSOLE_INPUT && from == readerThread) {
                byte[] bytes = Words.get(l4, u);
                if (bytes == null) {
                    Drivers.error(l4, Protocol.E_BAD_ARGUMENT);
                } else {
                    ended |= bytes.length == 0;
                    pending.write(bytes, 0, bytes.length);
                    Drivers.ok(l4);
                    l4.reply(Names.replyTo(caps, from));
                    answerReaders(l4);
                    from = l4.waitAny();
                    continue;
                }
            } else if (label == Protocol.PING) {
                Drivers.ok(l4);
            } else {
                Drivers.error(l4, Protocol.E_UNKNOWN_REQUEST);
            }
            from = l4.replyWait(Names.replyTo(caps, from));
        }
    }


    /**
     * Answers waiting readers while whole lines (or the end) are there. A line of more than
     * {@link Words#MAX_BYTES} bytes (its newline and a carriage return before it not counted) is
     * answered with {@link Protocol#E_TOO_LONG} as soon as it is known to be too long, and dropped
     * whole: what of it comes later is skipped up to its newline.
     */
    private void answerReaders(L4 l4) {
        skipRestOfLongLine();
        while (!waiting.isEmpty()) {
            byte[] all = pending.toByteArray();
            int nl = -1;
            for (int i = 0; i < all.length; i++) {
                if (all[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            int end = nl < 0 ? all.length : nl;
            int len = end > 0 && all[end - 1] == '\r' ? end - 1 : end;
            boolean tooLong = len > Words.MAX_BYTES;
            if (nl < 0 && !ended && !tooLong) {
                return;
            }
            long client = waiting.removeFirst();
            if (tooLong) {
                Drivers.error(l4, Protocol.E_TOO_LONG);
                skipping = nl < 0 && !ended;
                consume(all, nl < 0 ? all.length : nl + 1);
            } else if (nl < 0 && all.length == 0) {
                Drivers.error(l4, Protocol.E_END);
            } else {
                int u = Words.put(l4, all, 0, len);
                l4.setMr(0, MsgTag.make(Protocol.OK, u, 0));
                consume(all, nl < 0 ? all.length : nl + 1);
            }
            Names.answer(l4, caps, client);
        }
    }

    /** Drops the first {@code n} bytes of the pending input {@code all}. */
    private void consume(byte[] all, int n) {
        pending.reset();
        pending.write(all, n, all.length - n);
    }

    /** While the rest of a line that was too long comes in, drops it, up to and with its newline. */
    private void skipRestOfLongLine() {
        if (!skipping) {
            return;
        }
        byte[] all = pending.toByteArray();
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                consume(all, i + 1);
                skipping = false;
                return;
            }
        }
        pending.reset();
    }

    /** The reader thread: what the UART driver receives goes to the server. */
    private static void reader(L4 l4, long uart) {
        long server = Names.capabilities(l4) ? kola.abi.Comm.selector(READER_GATE) : RootTask.lookup(l4, "console");
        while (true) {
            l4.setMr(0, MsgTag.make(Protocol.UART_READ, 0, 0));
            long tag = l4.call(uart);
            if (MsgTag.failed(tag) && kola.abi.IpcError.kind(l4.errorCode()) == kola.abi.IpcError.CANCELLED) {
                continue; // the driver died with our request: ask again (its supervisor restarts it)
            }
            if (MsgTag.failed(tag) || MsgTag.label(tag) != Protocol.OK) {
                l4.kdbPrint("the uart driver refused to read: console input stops");
                return;
            }
            int u = MsgTag.untyped(tag);
            boolean end = l4.mr(1) == 0;
            l4.setMr(0, MsgTag.make(Protocol.CONSOLE_INPUT, u, 0));
            l4.call(server);
            if (end) {
                return; // the input ended: nothing more will come
            }
        }
    }

    /** Writes {@code text} to console {@code console}, in as many messages as it takes. */
    public static void write(L4 l4, long console, String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int off = 0; off < bytes.length; off += Words.MAX_BYTES) {
            int u = Words.put(l4, bytes, off, Math.min(Words.MAX_BYTES, bytes.length - off));
            l4.setMr(0, MsgTag.make(Protocol.CONSOLE_WRITE, u, 0));
            l4.call(console);
        }
    }

    /**
     * A line read from the console: its text, without the newline; or, when {@link #tooLong()},
     * none: the line had more than {@link Words#MAX_BYTES} bytes and the console dropped it.
     */
    public record Line(String text) {
        /** Whether the line was too long (and dropped). */
        public boolean tooLong() {
            return text == null;
        }
    }

    /** Reads the next line from console {@code console}; null when the input has ended. */
    public static Line read(L4 l4, long console) {
        l4.setMr(0, MsgTag.make(Protocol.CONSOLE_READ_LINE, 0, 0));
        long tag = l4.call(console);
        if (!MsgTag.failed(tag) && MsgTag.label(tag) == Protocol.ERROR && MsgTag.untyped(tag) == 1
                && l4.mr(1) == Protocol.E_TOO_LONG) {
            return new Line(null);
        }
        if (MsgTag.failed(tag) || MsgTag.label(tag) != Protocol.OK) {
            return null;
        }
        String text = Words.getString(l4, MsgTag.untyped(tag));
        return text == null ? null : new Line(text);
    }

    /** Reads the next line from console {@code console} that was not too long; null when the input has ended. */
    public static String readLine(L4 l4, long console) {
        for (Line line = read(l4, console); line != null; line = read(l4, console)) {
            if (!line.tooLong()) {
                return line.text();
            }
        }
        return null;
    }

    /** A growable byte buffer: the input that has come but is not yet a whole line. */
    private static final class Bytes {
        private byte[] bytes = new byte[256];
        private int count;

        void write(byte[] src, int off, int len) {
            if (count + len > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + len));
            }
            for (int i = 0; i < len; i++) {
                bytes[count + i] = src[off + i];
            }
            count += len;
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(bytes, count);
        }

        void reset() {
            count = 0;
        }
    }
}
