import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;

/** An echo server: every request is answered with the same untyped words, under label 0. */
public final class Echo implements Program {
    @Override
    public void run(L4 l4) {
        l4.kdbPrint("waiting for requests");
        long client = l4.waitAny();                     // open receive: from any thread
        while (true) {
            long tag = l4.mr(0);                        // MR0: label, untyped and typed word counts
            if (MsgTag.failed(tag)) {                   // a failed receive: just wait again
                client = l4.waitAny();
                continue;
            }
            // MR1.. still hold the request's words: reply with the same ones.
            l4.setMr(0, MsgTag.make(0, MsgTag.untyped(tag), 0));
            client = l4.replyWait(client);              // reply, then wait for the next request
        }
    }
}
