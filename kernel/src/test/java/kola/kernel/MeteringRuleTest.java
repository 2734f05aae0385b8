package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import kola.machine.CycleClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The charging rule of {@link TaskMetering}: every instruction executed is charged once, the
 * meter called at invokes, returns, athrows and backward branches only. The instruction counts
 * below are those of javac's code for the methods (the JDK the build pins), counted by hand.
 */
class MeteringRuleTest {
    static final String SOURCE = """
            package p;
            public final class Code implements kola.abi.Program {
                // 0 lconst_0, lstore_1, iconst_0, istore_3 | 4 iload_3, iload_0, if_icmpge |
                // 7 lload_1, iload_3, i2l, lload_1, iconst_3, lushr, lxor, ladd, lstore_1, iinc, goto | lload_1, lreturn
                public static long spin(int n) {
                    long sum = 0;
                    for (int i = 0; i < n; i++) {
                        sum += i ^ (sum >>> 3);
                    }
                    return sum;
                }
                // iload_0, ifle | iconst_1, goto | iconst_2 | ireturn
                public static int branch(int x) {
                    return x > 0 ? 1 : 2;
                }
                // try: iconst_1, iload_0, idiv, ireturn | handler: astore_1, iconst_m1, ireturn
                public static int divide(int x) {
                    try {
                        return 1 / x;
                    } catch (ArithmeticException e) {
                        return -1;
                    }
                }
                // 0 lconst_0, lstore_1, iconst_0, istore_3 | 4 iload_3, iload_0, if_icmpge |
                // 7 lload_1, iload_3, i2l, iconst_1, iconst_0, invokestatic MsgTag.make, ladd, lstore_1, iinc, goto | lload_1, lreturn
                public static long tags(int n) {
                    long sum = 0;
                    for (int i = 0; i < n; i++) {
                        sum += kola.abi.MsgTag.make(i, 1, 0);
                    }
                    return sum;
                }
                public void run(kola.abi.L4 l4) {
                }
            }
            """;

    private final CycleClock clock = new CycleClock();
    private final Meter meter = new Meter(clock, false);

    @AfterEach
    void stop() {
        Meter.running = null;
    }

    /** The instructions charged for one call of {@code name}(arg), the meter's settle included. */
    private long charged(String name, int arg) throws Exception {
        return charged(name, arg, Long.MAX_VALUE / 2);
    }

    /** The same, the meter's room before the preemption point {@code room} cycles. */
    private long charged(String name, int arg, long room) throws Exception {
        var own = TaskVerifier.verify("m", TaskSources.compile("p.Code", SOURCE));
        Class<?> c = new TaskClassLoader("m", 1, TaskMetering.meter(own)).loadClass("p.Code");
        Method m = c.getMethod(name, int.class);
        Meter.running = null;
        m.invoke(null, arg); // linked and initialized before it counts
        long before = clock.now();
        meter.arm(room);
        Meter.running = meter;
        m.invoke(null, arg);
        Meter.running = null;
        meter.putOnClock();
        return (clock.now() - before) / kola.machine.CostModel.INSTRUCTION;
    }

    @Test
    void chargesGoOnTheClockOnceAndPuttingThemOnAgainAddsNothing() {
        long start = clock.now();
        meter.arm(1_000_000);
        Meter.running = meter;
        Meter.charge(7);
        Meter.running = null;
        assertEquals(0, meter.putOnClock(), "a bare meter counts no cached accesses");
        assertEquals(7 * kola.machine.CostModel.INSTRUCTION, clock.now() - start);
        assertEquals(0, meter.putOnClock());
        assertEquals(7 * kola.machine.CostModel.INSTRUCTION, clock.now() - start, "nothing charged since: the clock stays");
        Meter.running = meter;
        Meter.charge(3);
        Meter.running = null;
        meter.putOnClock();
        assertEquals(10 * kola.machine.CostModel.INSTRUCTION, clock.now() - start, "only the new charge is added");
        assertEquals(1_000_000 - 10 * kola.machine.CostModel.INSTRUCTION, meter.room, "the room spent is the charges'");
    }

    @Test
    void aCallOfAPureAbiHelperIsOneInstructionOfItsRun() throws Exception {
        // 4 entry + (n + 1) x 3 loop test + n x 10 body (the invokestatic one of them) + 2 return.
        for (int n : new int[] {0, 1, 2, 1000}) {
            assertEquals(4 + 3 * (n + 1) + 10L * n + 2, charged("tags", n), "n = " + n);
        }
    }

    @Test
    void aLoopIsChargedEveryInstructionExecuted() throws Exception {
        // 4 entry + (n + 1) x 3 loop test + n x 11 body + 2 return.
        for (int n : new int[] {0, 1, 2, 1000}) {
            assertEquals(4 + 3 * (n + 1) + 11L * n + 2, charged("spin", n), "n = " + n);
        }
    }

    @Test
    void aLoopThatReachesTheRoomIsChargedTheSame() throws Exception {
        // Past the room, every backward branch calls the meter (here no thread to preempt): same total.
        for (long room : new long[] {1, 50, 5_000}) {
            assertEquals(4 + 3 * 1001 + 11L * 1000 + 2, charged("spin", 1000, room), "room " + room);
        }
    }

    @Test
    void forwardBranchesChargeOnlyThePathTaken() throws Exception {
        assertEquals(5, charged("branch", 5));
        assertEquals(4, charged("branch", -5));
    }

    @Test
    void anExceptionCaughtInTheMethodKeepsTheCountMinusTheRunItCutShort() throws Exception {
        assertEquals(4, charged("divide", 1));
        // iconst_1, iload_0 and the idiv that threw were pending in their run: lost; the handler's 3 are charged.
        assertEquals(3, charged("divide", 0));
    }
}
