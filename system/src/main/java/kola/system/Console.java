package kola.system;

import java.io.ByteArrayOutputStream;
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
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final Deque<Long> waiting = new ArrayDeque<>();
    private boolean ended;
    /** Only our own reader thread, the one the root task made for us, may feed input. */
    private long readerThread = ThreadId.NIL;

    @Override
    public void run(L4 l4) {
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
        l4.setMr(1, READER_ENTRY);
        l4.setMr(0, MsgTag.make(Protocol.ROOT_NEW_THREAD, 1, 0));
        long tag = l4.call(l4.kernelInterface().rootTask());
        if (MsgTag.failed(tag) || MsgTag.label(tag) != Protocol.OK) {
            l4.kdbPrint("cannot start the reader thread");
            return;
        }
        readerThread = l4.mr(1);
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
                waiting.addLast(from);
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
                    l4.reply(from);
                    answerReaders(l4);
                    from = l4.waitAny();
                    continue;
                }
            } else if (label == Protocol.PING) {
                Drivers.ok(l4);
            } else {
                Drivers.error(l4, Protocol.E_UNKNOWN_REQUEST);
            }
            from = l4.replyWait(from);
        }
    }


    /** Answers waiting readers while whole lines (or the end) are there. */
    private void answerReaders(L4 l4) {
        while (!waiting.isEmpty()) {
            byte[] all = pending.toByteArray();
            int nl = -1;
            for (int i = 0; i < all.length; i++) {
                if (all[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            if (nl < 0 && !ended && all.length < Words.MAX_BYTES) {
                return;
            }
            long client = waiting.removeFirst();
            if (nl < 0 && all.length == 0) {
                Drivers.error(l4, Protocol.E_END);
            } else {
                int len = nl < 0 ? Math.min(all.length, Words.MAX_BYTES) : nl;
                int end = len < Words.MAX_BYTES ? len : Words.MAX_BYTES;
                int lineLen = end > 0 && all[end - 1] == '\r' ? end - 1 : end;
                int u = Words.put(l4, all, 0, lineLen);
                l4.setMr(0, MsgTag.make(Protocol.OK, u, 0));
                pending.reset();
                int consumed = nl < 0 ? end : nl + 1;
                pending.write(all, consumed, all.length - consumed);
            }
            l4.reply(client);
        }
    }

    /** The reader thread: what the UART driver receives goes to the server. */
    private static void reader(L4 l4, long uart) {
        long server = RootTask.lookup(l4, "console");
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

    /** Reads a line from console {@code console}; null when the input has ended. */
    public static String readLine(L4 l4, long console) {
        l4.setMr(0, MsgTag.make(Protocol.CONSOLE_READ_LINE, 0, 0));
        long tag = l4.call(console);
        if (MsgTag.failed(tag) || MsgTag.label(tag) != Protocol.OK) {
            return null;
        }
        return Words.getString(l4, MsgTag.untyped(tag));
    }
}
