package kola.system;

import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;

/**
 * Sigma0, the root of the recursive address-space model (paper section 2, figure 1): it owns all
 * physical memory the kernel does not reserve and hands it out by the sigma0 protocol.
 */
public final class Sigma0 implements Program {

    @Override
    public void run(L4 l4) {
        long client = l4.waitAny();
        while (true) {
            l4.setMr(1, Protocol.E_UNKNOWN_REQUEST);
            l4.setMr(0, MsgTag.make(Protocol.ERROR, 1, 0));
            client = l4.replyWait(client);
        }
    }
}
