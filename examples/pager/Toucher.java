import java.nio.charset.StandardCharsets;
import kola.abi.L4;
import kola.abi.Memory;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;
import kola.system.Drivers;
import kola.system.RootTask;

/**
 * Writes its module's name at virtual address {@link #ADDRESS}, waits until its partner has
 * written its own name there too, and reads the address back. With private memory (a pager like
 * PrivatePager) each reads its own name. The module with the argument {@code peer=NAME} calls
 * NAME once it has written; the other waits for that call, writes, reads, then replies.
 */
public final class Toucher implements Program {
    /** The same virtual address in every Toucher: inside RAM, so that sigma0's 1:1 paging would hand out that frame. */
    static final long ADDRESS = 0x0800_0000L;

    @Override
    public void run(L4 l4) {
        String me = l4.kernelInterface().moduleOf(l4.startIp()).name();
        String peer = Drivers.arg(l4, "peer");          // the argument peer=NAME, or null
        write(l4.memory(), me);                         // the first store faults: the pager maps a page
        l4.kdbPrint("wrote \"" + me + "\" at 0x" + Long.toHexString(ADDRESS));
        if (peer != null) {
            l4.setMr(0, MsgTag.make(1, 0, 0));
            long tag = l4.call(RootTask.lookup(l4, peer));   // returns when the peer has written and read
            if (MsgTag.failed(tag)) {
                l4.kdbPrint("the call to " + peer + " failed: error code " + l4.errorCode());
            }
            l4.kdbPrint("read \"" + read(l4.memory()) + "\" at 0x" + Long.toHexString(ADDRESS));
        } else {
            long from = l4.waitAny();                   // the peer has written by now
            l4.kdbPrint("read \"" + read(l4.memory()) + "\" at 0x" + Long.toHexString(ADDRESS)
                    + " (after " + ThreadId.toString(from) + " wrote)");
            l4.setMr(0, MsgTag.make(0, 0, 0));
            l4.reply(from);
        }
    }

    private static void write(Memory m, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            m.store8(ADDRESS + i, b[i]);
        }
        m.store8(ADDRESS + b.length, 0);
    }

    private static String read(Memory m) {
        StringBuilder s = new StringBuilder();
        for (long a = ADDRESS; ; a++) {
            int c = m.load8(a) & 0xFF;
            if (c == 0) {
                return s.toString();
            }
            s.append((char) c);
        }
    }
}
