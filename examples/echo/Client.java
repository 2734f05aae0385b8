import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Program;
import kola.system.RootTask;
import kola.system.Words;

/**
 * A client of the echo server: sends each of its boot-module arguments (those without '=') to the
 * module named "echo" and prints what comes back.
 */
public final class Client implements Program {
    @Override
    public void run(L4 l4) {
        long echo = RootTask.lookup(l4, "echo");        // the first thread of boot module "echo"
        if (echo == ThreadId.NIL) {
            l4.kdbPrint("no module named echo in this image");
            return;
        }
        l4.kdbPrint("I am " + ThreadId.toString(l4.myGlobalId()) + "; echo is " + ThreadId.toString(echo));
        var me = l4.kernelInterface().moduleOf(l4.startIp());   // my boot module: name, priority, args
        for (String line : me.args()) {
            if (line.contains("=")) {
                continue;                               // key=value arguments are settings, not lines
            }
            int words = Words.put(l4, line);            // MR1 = byte count, MR2.. the UTF-8 bytes
            l4.setMr(0, MsgTag.make(0x42, words, 0));   // label 0x42, untyped word count
            long tag = l4.call(echo);                   // send, then wait for echo's reply
            if (MsgTag.failed(tag)) {
                l4.kdbPrint("call failed: error code " + l4.errorCode());
                return;
            }
            l4.kdbPrint("sent \"" + line + "\", echo replied \"" + Words.getString(l4, MsgTag.untyped(tag)) + "\"");
        }
        l4.kdbPrint("done");
    }
}
