package kola.kernel;

import static org.junit.jupiter.api.Assertions.*;
import static kola.kernel.KernelHarness.*;

import kola.abi.MsgTag;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void boots() {
        KernelHarness h = new KernelHarness();
        long a = tid(3), b = tid(4);
        h.root(l4 -> {
            h.startTask(l4, a, "a", 0, 110);
            h.startTask(l4, b, "b", 0, 100);
        });
        h.module("a", l4 -> {
            long from = l4.waitAny();
            h.log("a got " + MsgTag.label(l4.mr(0)) + " from " + (from == b));
        });
        h.module("b", l4 -> {
            l4.setMr(0, MsgTag.make(5, 0, 0));
            l4.send(a);
            h.log("b sent");
        });
        var r = h.run();
        System.out.println(r + "\n" + h.console() + h.log + h.kernel.threads());
        h.assertNoFailures();
    }
}
