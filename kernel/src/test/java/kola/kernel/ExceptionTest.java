package kola.kernel;

import static kola.kernel.KernelHarness.ROOT;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import kola.abi.KernelLabels;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.kernel.AddressSpaceHarness.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exceptions (L4 X.2 "Exceptions"; Kola: a Java throwable escaping a thread's program): with an
 * exception handler the kernel sends it exception IPC (label -5, MR1 the start ip, MR2 the
 * {@code EXC_*} code); a reply whose MR1 is an entry of the thread's program restarts the thread
 * there; a reply without it leaves the thread halted; with no handler the thread halts and the
 * console says why.
 */
class ExceptionTest {
    static final long T = tid(10);
    static final long RESTARTED = 0x51;

    /** Entry 0 throws what {@code what} makes (after setting the handler); entry 1 reports to the root task. */
    static kola.abi.Program thrower(long handler, Supplier<Throwable> what, List<String> log) {
        return l4 -> {
            if (KernelHarness.entry(l4) == 1) {
                log.add("restarted");
                l4.setMr(1, l4.startIp());
                l4.setMr(0, MsgTag.make(RESTARTED, 1, 0));
                l4.send(ROOT);
                return;
            }
            l4.setExceptionHandler(handler);
            log.add("throwing");
            Throwable e = what.get();
            if (e instanceof Exception x) {
                throw x;
            }
            throw (Error) e;
        };
    }

    static Stream<Arguments> throwables() {
        return Stream.of(
                Arguments.of("runtime", (Supplier<Throwable>) () -> new IllegalStateException("boom"), KernelLabels.EXC_RUNTIME),
                Arguments.of("checked", (Supplier<Throwable>) () -> new java.io.IOException("io"), KernelLabels.EXC_CHECKED),
                Arguments.of("stack overflow", (Supplier<Throwable>) StackOverflowError::new, KernelLabels.EXC_STACK_OVERFLOW),
                Arguments.of("error", (Supplier<Throwable>) () -> new AssertionError("no"), KernelLabels.EXC_ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("throwables")
    void theHandlerGetsTheExceptionAndRestartsTheThread(String name, Supplier<Throwable> what, long code) {
        List<String> log = new ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness().alias("T", T).module("thrower", thrower(ROOT, what, log));
        a.script(b -> {
            b.startTask(T, "thrower", 0, KernelHarness.SIGMA0, 100);
            Reply e = b.receive("T");
            b.inv("exception IPC");
            assertEquals(KernelLabels.EXCEPTION, e.label(), e.toString());
            assertEquals(2, MsgTag.untyped(e.tag()));
            assertEquals(0, MsgTag.typed(e.tag()));
            assertEquals(KernelHarness.ip(b.l4, "thrower", 0), e.word(0), "MR1: the start ip");
            assertEquals(code, e.word(1), "MR2: the exception code");
            assertEquals(T, e.from());
            assertEquals("receiving", b.state(T), "the thread waits for its handler");

            long entry1 = KernelHarness.ip(b.l4, "thrower", 1);
            b.l4.setMr(1, entry1);
            b.l4.setMr(0, MsgTag.make(0, 1, 0));
            b.l4.call(T);
            Reply r = b.received(T);
            b.inv("restarted");
            assertEquals(RESTARTED, r.label(), r.toString());
            assertEquals(entry1, r.word(0), "the thread runs from the entry the handler named");
            assertEquals(List.of("throwing", "restarted"), log);
        }).run();
    }

    @Test
    void aReplyWithoutAnEntryLeavesTheThreadHalted() {
        List<String> log = new ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness().alias("T", T)
                .module("thrower", thrower(ROOT, () -> new RuntimeException("x"), log));
        a.script(b -> {
            b.startTask(T, "thrower", 0, KernelHarness.SIGMA0, 100);
            Reply e = b.receive("T");
            assertEquals(KernelLabels.EXCEPTION, e.label());
            b.answer("T", MsgTag.make(0, 0, 0));
            b.sleep(1000);
            b.inv("u = 0");
            assertEquals("inactive", b.state(T));
            assertEquals(List.of("throwing"), log);
        }).run();
    }

    @Test
    void aReplyNamingAnotherProgramsEntryLeavesTheThreadHalted() {
        List<String> log = new ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness("W").alias("T", T)
                .module("thrower", thrower(ROOT, () -> new RuntimeException("x"), log));
        a.script(b -> {
            b.startTask(T, "thrower", 0, KernelHarness.SIGMA0, 100);
            Reply e = b.receive("T");
            assertEquals(KernelLabels.EXCEPTION, e.label());
            b.l4.setMr(1, KernelHarness.ip(b.l4, "W", 0));
            b.l4.setMr(0, MsgTag.make(0, 1, 0));
            b.l4.reply(T);
            b.sleep(1000);
            b.inv("foreign entry");
            assertEquals("inactive", b.state(T));
            assertEquals(List.of("throwing"), log);
            b.l4.setMr(1, 0x1234);
            b.l4.setMr(0, MsgTag.make(0, 1, 0));
            assertTrue(MsgTag.failed(b.l4.reply(T)), "the halted thread no longer waits for a reply");
        }).run();
    }

    @Test
    void withoutHandlerTheThreadIsHaltedAndReported() {
        List<String> log = new ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness("W").alias("T", T)
                .module("thrower", thrower(ThreadId.NIL, () -> new IllegalStateException("no handler here"), log));
        a.script(b -> {
            b.startTask(T, "thrower", 0, KernelHarness.SIGMA0, 100);
            b.sleep(1000);
            b.inv("thrown without handler");
            assertEquals("inactive", b.state(T));
            assertTrue(a.console().contains("halted") && a.console().contains("no handler here"), a.console());
            b.page("W", MapItemTest.P, MapItemTest.VA_A);
            assertEquals(0, b.readOk("W", MapItemTest.VA_A), "others go on");
        }).run();
    }

    @Test
    void aHandlerThatDoesNotExistIsLikeNone() {
        List<String> log = new ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness().alias("T", T)
                .module("thrower", thrower(tid(99), () -> new IllegalStateException("gone"), log));
        a.script(b -> {
            b.startTask(T, "thrower", 0, KernelHarness.SIGMA0, 100);
            b.sleep(1000);
            b.inv("thrown to a handler that does not exist");
            assertEquals("inactive", b.state(T));
            assertTrue(a.console().contains("halted"), a.console());
        }).run();
    }

    @Test
    void anUnresolvableFaultGoesToTheExceptionHandlerAsAPageFaultException() {
        List<String> log = new ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness().alias("T", T).module("thrower", l4 -> {
            if (KernelHarness.entry(l4) == 1) {
                log.add("restarted");
                l4.setMr(0, MsgTag.make(RESTARTED, 0, 0));
                l4.send(ROOT);
                return;
            }
            l4.setExceptionHandler(ROOT);
            l4.memory().store64(MapItemTest.VA_A, 1); // no pager
            log.add("stored");
        });
        a.script(b -> {
            b.startTask(T, "thrower", 0, ThreadId.NIL, 100);
            Reply e = b.receive("T");
            b.inv("fault without pager");
            assertEquals(KernelLabels.EXCEPTION, e.label(), e.toString());
            assertEquals(KernelLabels.EXC_PAGE_FAULT, e.word(1));
            b.l4.setMr(1, KernelHarness.ip(b.l4, "thrower", 1));
            b.l4.setMr(0, MsgTag.make(0, 1, 0));
            b.l4.call(T);
            assertEquals(RESTARTED, b.received(T).label());
            assertEquals(List.of("restarted"), log);
        }).run();
    }
}
