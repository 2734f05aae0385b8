package kola.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The IPC forms of {@link L4} are the X.2 convenience functions over Ipc, with the X.2 timeouts. */
class L4Test {
    /** A recording L4: ipc() records its arguments and returns 77; mr(0) answers 0x55. */
    static L4 recorder(List<long[]> calls) {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            return switch (method.getName()) {
                case "ipc" -> {
                    calls.add(new long[] {(long) args[0], (long) args[1], (long) args[2]});
                    yield 77L;
                }
                case "mr" -> 0x55L;
                default -> throw new UnsupportedOperationException(method.getName());
            };
        };
        return (L4) Proxy.newProxyInstance(L4.class.getClassLoader(), new Class<?>[] {L4.class}, h);
    }

    @Test
    void convenienceFormsCallIpcAsX2Defines() {
        List<long[]> calls = new ArrayList<>();
        L4 l4 = recorder(calls);
        long never = Timeout.pair(Timeout.NEVER, Timeout.NEVER);
        long reply = Timeout.pair(Timeout.ZERO, Timeout.NEVER);
        assertEquals(0x55, l4.call(5));
        assertEquals(0x55, l4.send(6));
        assertEquals(0x55, l4.reply(7));
        assertEquals(77, l4.receive(8));
        assertEquals(77, l4.waitAny());
        assertEquals(77, l4.replyWait(9));
        long[][] expected = {
            {5, 5, never}, {6, ThreadId.NIL, never}, {7, ThreadId.NIL, reply}, {ThreadId.NIL, 8, never},
            {ThreadId.NIL, ThreadId.ANY, never}, {9, ThreadId.ANY, reply},
        };
        assertEquals(expected.length, calls.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(List.of(expected[i][0], expected[i][1], expected[i][2]),
                    List.of(calls.get(i)[0], calls.get(i)[1], calls.get(i)[2]), "form " + i);
        }
    }
}
