package kola.kernel;

import static kola.kernel.StringItemTest.DST;
import static kola.kernel.StringItemTest.SRC;
import static kola.kernel.StringItemTest.data;
import static kola.kernel.StringItemTest.readBytes;
import static kola.kernel.StringItemTest.writeBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import kola.abi.Fpage;
import kola.abi.IpcError;
import kola.abi.Items;
import kola.abi.KernelError;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.kernel.AddressSpaceHarness.Transfer;
import org.junit.jupiter.api.Test;

/**
 * Regression tests for defects a single unprivileged task could use to crash, hang or fool the
 * kernel. Each failed before its fix: a Java exception escaped {@link Kernel#run}, a thread waited
 * for ever, or a task saw or changed what it must not.
 */
class HostileTaskTest {
    static final long VA = 0x10_0000L;
    static final long P = MapItemTest.P;
    static final long A = KernelHarness.tid(3);
    static final long B = KernelHarness.tid(4);
    static final long C = KernelHarness.tid(5);
    static final long NEVER = KernelHarness.NEVER;

    // ---- 1: a string item after a map or grant of its page, or in device memory --------------

    /** Grant page P, then a string from P, in one message: the string is what P held when sent. */
    @Test
    void aStringFromAPageTheSameMessageGrantsAway() {
        byte[] d = data(64, 11);
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA);
            writeBytes(b, "A", VA, d);
            writeBytes(b, "B", DST, new byte[64]);
            Transfer t = b.transfer("A", "B",
                    new long[] {Items.acceptor(Fpage.COMPLETE, true), Items.stringWord(64), DST},
                    MsgTag.make(0, 0, 4), Items.grantWord(0x60_0000), Fpage.of(VA, 12, Fpage.RWX),
                    Items.stringWord(64), VA);
            b.inv("grant then string");
            assertTrue(t.ok(), t.toString());
            assertArrayEquals(d, readBytes(b, "B", DST, 64), "the string");
            assertArrayEquals(d, readBytes(b, "B", 0x60_0000, 64), "the granted page");
            assertTrue(b.of("A").stream().noneMatch(m -> m.va() == VA), "A gave the page away");
        }).run();
    }

    /** Map a read-only page over the receiver's string buffer, then a string into that buffer. */
    @Test
    void aStringIntoABufferTheSameMessageMapsReadOnly() {
        byte[] d = data(64, 12);
        long buffer = 0x0500_0000L;
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA);
            b.writeOk("A", VA, 0xAB);
            writeBytes(b, "A", SRC, d);
            writeBytes(b, "B", buffer, new byte[64]);
            Transfer t = b.transfer("A", "B",
                    new long[] {Items.acceptor(Fpage.COMPLETE, true), Items.stringWord(64), buffer},
                    MsgTag.make(0, 0, 4), Items.mapWord(buffer), Fpage.of(VA, 12, Fpage.R),
                    Items.stringWord(64), SRC);
            b.inv("map read-only over the buffer, then string");
            assertTrue(t.ok(), t.toString());
            assertEquals(0xAB, b.readOk("B", buffer), "the read-only page is mapped over the buffer now");
        }).run();
    }

    /** A string from, or into, a device page (the UART's registers) fails both partners; nothing changes. */
    @Test
    void aStringFromOrIntoDeviceMemoryIsAMessageError() {
        for (boolean into : new boolean[] {false, true}) {
            AddressSpaceHarness h = new AddressSpaceHarness("A", "B");
            h.script(b -> {
                long uart = b.kernel().machine.uartBase();
                b.page(into ? "B" : "A", uart, VA);
                byte[] d = data(16, 13);
                writeBytes(b, "A", SRC, d);
                writeBytes(b, "B", DST, new byte[16]);
                var before = b.mappings();
                Transfer t = b.transfer("A", "B",
                        new long[] {Items.acceptor(Fpage.NIL, true), Items.stringWord(16), into ? VA : DST},
                        MsgTag.make(0, 0, 2), Items.stringWord(16), into ? SRC : VA);
                b.inv("device string");
                // X.2's offset: the device page is the string's first, so no bytes come before it.
                assertEquals(IpcError.code(IpcError.MESSAGE_OVERFLOW, false), t.sendError(), t.toString());
                assertEquals(IpcError.code(IpcError.MESSAGE_OVERFLOW, true), t.receiveError(), t.toString());
                assertEquals(before, b.mappings());
                assertArrayEquals(new byte[16], readBytes(b, "B", DST, 16));
            }).run();
        }
    }

    // ---- 2: the tag is read once and checked where it is used --------------------------------

    /**
     * A blocked sender's tag is rewritten to 63 untyped + 2 typed words (as a sibling could on a
     * machine where the UTCB is user memory): the transfer fails both partners with message
     * overflow instead of overrunning the message registers.
     */
    @Test
    void aTagRewrittenWhileTheSenderWaitsIsCheckedAtTheTransfer() {
        KernelHarness h = new KernelHarness();
        List<Long> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "t", 0, 100);
            h.startTask(l4, B, "server", 0, 90);
        });
        h.module("t", l4 -> {
            l4.setMr(1, 42);
            l4.setMr(0, MsgTag.make(7, 1, 0));
            l4.ipc(B, ThreadId.NIL, NEVER);
            seen.add(l4.errorCode());
        });
        h.module("server", l4 -> {
            Tcb sender = h.kernel.threads.lookup(A);
            h.check(sender.state == Tcb.SENDING, "A waits to send");
            sender.mr[0] = MsgTag.make(7, 63, 2);
            l4.receive(A);
            seen.add(l4.errorCode());
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(IpcError.code(IpcError.MESSAGE_OVERFLOW, true), IpcError.code(IpcError.MESSAGE_OVERFLOW, false)),
                seen);
        assertEquals(List.of(), h.kernel.checkInvariants());
    }

    // ---- 3: a reply whose string needs the client's buffer faulted in -------------------------

    static final long SERVER = KernelHarness.tid(10);
    static final long CLIENT = KernelHarness.tid(11);
    static final long SLOW_PAGER = KernelHarness.tid(12);

    /** A module "rpc": entry 0 the server, entry 1 the client, entry 2 a pager that never answers. */
    static Program rpc(List<String> log, long buffer, long xferTimeouts) {
        return rpc(log, buffer, xferTimeouts, ThreadId.NIL);
    }

    /** Like {@link #rpc(List, long, long)}; the server first tells {@code notify} (nil: nobody) that it is about to reply. */
    static Program rpc(List<String> log, long buffer, long xferTimeouts, long notify) {
        return l4 -> {
            switch (KernelHarness.entry(l4)) {
                case 0 -> {
                    l4.setXferTimeouts(xferTimeouts);
                    byte[] d = data(300, 14);
                    l4.memory().write(SRC, d, 0, d.length);
                    long client = l4.waitAny();
                    if (notify != ThreadId.NIL) {
                        l4.setMr(0, 0);
                        l4.send(notify);
                    }
                    l4.setMr(0, MsgTag.make(0, 0, 2));
                    Items.putString(l4, 1, SRC, d.length);
                    l4.reply(client);
                    log.add("server: reply " + (MsgTag.failed(l4.mr(0)) ? IpcError.describe(l4.errorCode()) : "ok"));
                }
                case 1 -> {
                    l4.setBr(0, Items.acceptor(Fpage.NIL, true));
                    l4.setBr(1, Items.stringWord(300));
                    l4.setBr(2, buffer);
                    l4.setMr(0, MsgTag.make(1, 0, 0));
                    l4.ipc(SERVER, SERVER, NEVER);
                    if (MsgTag.failed(l4.mr(0))) {
                        log.add("client: " + IpcError.describe(l4.errorCode()));
                        return;
                    }
                    byte[] got = new byte[300];
                    l4.memory().read(buffer, got, 0, got.length);
                    log.add("client: " + (java.util.Arrays.equals(got, data(300, 14)) ? "got the string" : "wrong bytes"));
                }
                case 3 -> relay(l4, log);
                default -> {
                    while (true) {
                        l4.waitAny(); // a pager that takes faults and never answers
                    }
                }
            }
        };
    }

    static final long RELAY = KernelHarness.tid(13);

    /**
     * Entry 3 of "rpc": a thread in the server's space that is the client's pager. Told by the
     * server that it is about to reply, it aborts the server's transfer (which then waits for the
     * client's fault) before the client has even begun its fault IPC; then it serves the fault
     * with a page from sigma0.
     */
    static void relay(L4 l4, List<String> log) {
        l4.receive(SERVER);
        long r = l4.exchangeRegisters(SERVER, kola.abi.ExRegs.ABORT_SEND | kola.abi.ExRegs.DELIVER, 0, 0, 0, 0,
                ThreadId.NIL);
        log.add("relay: server was " + (r == KernelHarness.UTCB && (l4.ret(kola.abi.ExRegs.OUT_CONTROL) & kola.abi.ExRegs.WAS_SENDING) != 0
                ? "sending" : "not sending"));
        long client = l4.waitAny();
        long page = l4.mr(1) & -4096L;
        l4.setBr(0, Items.acceptor(Fpage.of(page, 12, 0), false));
        l4.setMr(1, Fpage.of(page, 12, Fpage.RWX));
        l4.setMr(2, 0);
        l4.setMr(0, MsgTag.make(kola.abi.KernelLabels.SIGMA0, 2, 0));
        l4.call(KernelHarness.SIGMA0);
        Items.putMap(l4, 1, Fpage.of(page, 12, Fpage.RWX), page);
        l4.setMr(0, MsgTag.make(0, 0, 2));
        l4.reply(client);
    }

    /**
     * The transfer is aborted before the client, off to fault its buffer in, has begun its fault
     * IPC: the client's redone receive fails with "aborted" (it used to be lost, or to wait for
     * ever when the fault IPC swallowed the news), and the client goes on running.
     */
    @Test
    void aTransferAbortedBeforeTheClientsFaultIpcFailsTheClientsRedo() {
        List<String> log = new ArrayList<>();
        // The server tells the relay before it replies; the relay, below it in priority, runs once it blocks.
        AddressSpaceHarness a = new AddressSpaceHarness().module("rpc", rpc(log, DST, 0, RELAY));
        a.script(b -> {
            b.startTask(SERVER, "rpc", 0, KernelHarness.SIGMA0, 120);
            a.h.startThread(b.l4, RELAY, SERVER, 1, "rpc", 3, 115);
            b.startTask(CLIENT, "rpc", 1, RELAY, 110);
            b.sleep(5000);
            b.inv("after the abort");
        }).run();
        assertEquals(List.of("client: aborted (receive phase)", "relay: server was sending", "server: reply aborted (send phase)"),
                log.stream().sorted().toList());
    }

    /** X.2 completes the transfer: the client's pager maps its buffer, and the copy goes on. */
    @Test
    void aReplyWithAStringIntoTheClientsUnmappedBufferArrives() {
        List<String> log = new ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness().module("rpc", rpc(log, DST, 0));
        a.script(b -> {
            b.startTask(SERVER, "rpc", 0, KernelHarness.SIGMA0, 120);
            b.startTask(CLIENT, "rpc", 1, KernelHarness.SIGMA0, 110);
            b.sleep(5000);
            b.inv("after the rpc");
        }).run();
        assertEquals(List.of("client: got the string", "server: reply ok"), log.stream().sorted().toList());
    }

    /** With a transfer timeout and a pager that never answers, the server is released and the client told. */
    @Test
    void aTransferWaitingForTheClientsFaultEndsAtTheTransferTimeout() {
        List<String> log = new ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness()
                .module("rpc", rpc(log, DST, Timeout.pair(Timeout.relative(1000), Timeout.NEVER)));
        a.script(b -> {
            b.startTask(SLOW_PAGER, "rpc", 2, KernelHarness.SIGMA0, 130);
            b.startTask(SERVER, "rpc", 0, KernelHarness.SIGMA0, 120);
            b.startTask(CLIENT, "rpc", 1, SLOW_PAGER, 110);
            b.sleep(5000);
            b.inv("after the transfer timeout");
            assertEquals(List.of("server: reply transfer timeout in partner's space (send phase)"), log);
            // The client still waits in its fault; deleting its pager tells it, and it is reported.
            assertEquals(1, b.l4.threadControl(SLOW_PAGER, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1));
            b.sleep(100);
        }).run();
        assertTrue(a.console().contains("thread " + ThreadId.toString(CLIENT)), a.console());
        assertTrue(a.console().contains("page fault at 0x" + Long.toHexString(DST)), a.console());
    }

    /** ExchangeRegisters aborting the send of a transfer that waits for the client's fault: X.2's "aborted". */
    @Test
    void aTransferWaitingForTheClientsFaultCanBeAborted() {
        List<String> log = new ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness().module("rpc", rpc(log, DST, 0));
        a.script(b -> {
            b.startTask(SLOW_PAGER, "rpc", 2, KernelHarness.SIGMA0, 130);
            b.startTask(SERVER, "rpc", 0, KernelHarness.SIGMA0, 120);
            b.startTask(CLIENT, "rpc", 1, SLOW_PAGER, 110);
            b.sleep(1000);
            assertEquals(List.of(), log, "the server waits for the client's fault (its transfer timeout is never)");
            assertEquals("sending", b.state(SERVER));
            assertEquals(KernelHarness.UTCB, b.l4.exchangeRegisters(SERVER, kola.abi.ExRegs.ABORT_SEND, 0, 0, 0, 0, ThreadId.NIL),
                    "the server's local id, its UTCB location");
            b.sleep(100);
            assertEquals(List.of("server: reply aborted (send phase)"), log);
            b.inv("after the abort");
        }).run();
    }

    // ---- 4: a pager whose code ends ----------------------------------------------------------

    static Program pagerThatEnds(int how) {
        return l4 -> {
            if (KernelHarness.entry(l4) == 1) {
                l4.memory().load64(0x0700_0000L); // the client faults
                l4.kdbPrint("bad: the fault was served");
                return;
            }
            if (how == 0) {
                return; // ends before any fault
            }
            l4.waitAny(); // takes the fault ...
            if (how == 2) {
                throw new IllegalStateException("pager gives up"); // ... and throws
            }
            // ... and returns
        };
    }

    @Test
    void aClientWhosePagerEndsIsReleasedAndReported() {
        for (int how = 0; how < 3; how++) {
            KernelHarness h = new KernelHarness();
            h.module("m", pagerThatEnds(how));
            h.root(l4 -> {
                h.startTask(l4, A, "m", 0, 120);
                h.check(KernelHarness.createTask(l4, B, A, KernelHarness.ip(l4, "m", 1), 110) == null, "client");
            });
            h.run();
            h.assertNoFailures();
            String console = h.console();
            assertTrue(console.contains("thread " + ThreadId.toString(B) + " (m) halted: page fault at 0x7000000"),
                    "how " + how + ":\n" + console);
            assertTrue(console.contains(how == 0 ? "code has ended" : "IPC to the pager failed: cancelled"), console);
            assertFalse(console.contains("bad:"), console);
            assertEquals("inactive", h.state(B));
        }
    }

    // ---- 5: a refused SpaceControl changes nothing --------------------------------------------

    @Test
    void aSpaceControlThatRunsOutOfKernelMemoryLeavesTheKipWhereItWas() {
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withKernelMemory(128 * 1024));
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            long me = l4.myGlobalId();
            h.check(l4.threadControl(A, A, me, ThreadId.NIL, -1) == 1, "create A");
            h.check(l4.spaceControl(A, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, ThreadId.NIL) == 1, "areas");
            // Use up kernel memory with threads in the root task's space.
            long n = 20;
            while (l4.threadControl(KernelHarness.tid(n), me, me, ThreadId.NIL, -1) == 1) {
                n++;
            }
            seen.add(KernelError.describe(l4.errorCode()));
            long far = Fpage.of(0x30_0000_0000L, 12, 0); // needs new page-table frames
            h.expectError(l4, "move the KIP", KernelError.OUT_OF_MEMORY, 0,
                    () -> l4.spaceControl(A, 0, far, Kip.STANDARD_UTCB_AREA, ThreadId.NIL));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(KernelError.describe(KernelError.OUT_OF_MEMORY)), seen);
        assertEquals(2, h.kernel.kernelMemory()[2], "two requests refused: the last thread's, the KIP's page table's");
        assertEquals(List.of(), h.kernel.checkInvariants());
    }

    /**
     * SpaceControl must not lay the KIP or UTCB area over pages the space holds: a space whose
     * active thread received a page and was then deleted (an inactive thread keeps the space).
     */
    @Test
    void aSpaceControlOverHeldPagesIsRefused() {
        long keeper = KernelHarness.tid(20);
        new AddressSpaceHarness("A").script(b -> {
            assertEquals(1, b.l4.threadControl(keeper, b.id("A"), b.l4.myGlobalId(), ThreadId.NIL, -1));
            b.page("A", P, VA);
            assertEquals(1, b.l4.threadControl(b.id("A"), ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1));
            var before = b.mappings();
            assertTrue(before.stream().anyMatch(m -> m.va() == VA), "the space still holds the page");
            assertEquals(0, b.l4.spaceControl(keeper, 0, Fpage.of(VA, 12, 0), Fpage.of(0x4000_0000L, 14, 0), ThreadId.NIL));
            assertEquals(KernelError.INVALID_KIP_AREA, b.l4.errorCode());
            assertEquals(0, b.l4.spaceControl(keeper, 0, Fpage.of(0x7000_0000L, 12, 0), Fpage.of(0, 24, 0), ThreadId.NIL));
            assertEquals(KernelError.INVALID_UTCB, b.l4.errorCode());
            assertEquals(1, b.l4.spaceControl(keeper, 0, Fpage.of(0x7000_0000L, 12, 0), Fpage.of(0x4000_0000L, 14, 0),
                    ThreadId.NIL));
            assertEquals(before, b.mappings());
            b.inv("areas moved around the held page");
        }).run();
    }

    // ---- 6: the kernel never runs task code ---------------------------------------------------

    /** An exception whose toString throws, or calls the kernel, is described in the dying thread. */
    @Test
    void anExceptionWhoseMethodsMisbehaveCannotHurtTheKernel() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, A, "m", 0, 100);
            h.startTask(l4, B, "m", 1, 100);
        });
        h.module("m", l4 -> {
            if (KernelHarness.entry(l4) == 0) {
                throw new IllegalStateException() {
                    @Override
                    public String toString() {
                        throw new UnsupportedOperationException("no");
                    }

                    @Override
                    public String getMessage() {
                        throw new UnsupportedOperationException("no");
                    }
                };
            }
            throw new IllegalStateException() {
                @Override
                public String toString() {
                    l4.kdbPrint("toString runs in its own thread");
                    return "a chatty exception\nkernel: forged";
                }
            };
        });
        h.run();
        h.assertNoFailures();
        String console = h.console();
        assertTrue(console.contains("halted: kola.kernel.HostileTaskTest$"), console);
        assertTrue(console.contains("(whose toString threw java.lang.UnsupportedOperationException)"), console);
        assertTrue(console.contains("m: toString runs in its own thread"), console);
        assertTrue(console.contains("halted: a chatty exception\\x0akernel: forged"), console);
        assertFalse(console.lines().anyMatch(l -> l.startsWith("kernel: forged")), console);
    }

    static final AtomicInteger INSTANCES = new AtomicInteger();

    /** A program whose constructor throws on its second instance: the second task dies, the kernel goes on. */
    @Test
    void aProgramConstructorThatThrowsKillsOnlyItsTask() {
        INSTANCES.set(0);
        KernelHarness h = new KernelHarness();
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        h.module("m", () -> {
            if (INSTANCES.incrementAndGet() == 2) {
                throw new IllegalStateException("second instance refused");
            }
            return l4 -> log.add("ran in " + ThreadId.toString(l4.myGlobalId()));
        });
        h.root(l4 -> {
            h.startTask(l4, A, "m", 0, 100);
            h.startTask(l4, B, "m", 0, 100);
            h.startTask(l4, C, "m", 0, 100);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("ran in " + ThreadId.toString(A), "ran in " + ThreadId.toString(C)), log);
        h.assertConsoleContains("thread " + ThreadId.toString(B) + " (m) halted: java.lang.IllegalStateException: second instance refused");
    }

    // ---- 7: an L4 object works only in its own thread -----------------------------------------

    /** A host thread (not a Kola thread at all) that holds a task's L4 can change nothing through it. */
    @Test
    void aHostThreadCannotUseATasksL4() {
        KernelHarness h = new KernelHarness();
        L4[] kept = new L4[1];
        h.root(l4 -> h.startTask(l4, A, "m", 0, 100));
        List<String> fromHost = new ArrayList<>();
        h.module("m", l4 -> {
            kept[0] = l4;
            l4.setMr(1, 5);
            l4.setUserHandle(6);
            // A host thread started while this thread runs, its memory accessor's cache filled.
            long kip = Fpage.base(Kip.STANDARD_KIP_AREA);
            kola.abi.Memory memory = l4.memory();
            memory.load32(kip);
            Thread host = new Thread(() -> {
                try {
                    memory.load32(kip);
                    fromHost.add("read");
                } catch (IllegalStateException e) {
                    fromHost.add("refused");
                }
            });
            host.start();
            try {
                host.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            l4.receive(l4.myGlobalId());
        });
        h.run();
        assertEquals(List.of("refused"), fromHost, "even while the cache is warm");
        for (Runnable r : List.<Runnable>of(() -> kept[0].setMr(1, 77), () -> kept[0].setUserHandle(77),
                () -> kept[0].setBr(1, 77), () -> kept[0].setExceptionHandler(77), () -> kept[0].mr(1),
                () -> kept[0].memory().load8(0), () -> kept[0].systemClock())) {
            assertThrows(IllegalStateException.class, r::run);
        }
        Tcb a = h.kernel.threads.lookup(A);
        assertEquals(5, a.mr[1]);
        assertEquals(6, a.userHandle);
        assertEquals(0, a.br(1));
        assertEquals(ThreadId.NIL, a.exceptionHandler);
        assertEquals("receiving", h.state(A));
    }

    @Test
    void aSiblingCannotUseAnotherThreadsL4() {
        KernelHarness h = new KernelHarness();
        L4[] shared = new L4[1];
        List<String> log = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "m", 0, 100);
            h.startThread(l4, B, A, 1, "m", 1, 90);
        });
        h.module("m", l4 -> {
            if (KernelHarness.entry(l4) == 0) {
                shared[0] = l4;
                l4.setMr(1, 5);
                l4.setUserHandle(6);
                l4.receive(l4.myGlobalId()); // blocks for ever: the sibling runs
                return;
            }
            for (Runnable r : List.<Runnable>of(() -> shared[0].setMr(1, 99), () -> shared[0].setBr(1, 99),
                    () -> shared[0].setUserHandle(99), () -> shared[0].setExceptionHandler(99), () -> shared[0].mr(1),
                    () -> shared[0].ipc(ThreadId.NIL, ThreadId.NIL, 0), () -> shared[0].memory().load8(0),
                    () -> shared[0].setXferTimeouts(1))) {
                try {
                    r.run();
                    log.add("accepted");
                } catch (IllegalStateException e) {
                    log.add("refused");
                }
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(java.util.Collections.nCopies(8, "refused"), log);
        Tcb a = h.kernel.threads.lookup(A);
        assertEquals(5, a.mr[1]);
        assertEquals(6, a.userHandle);
        assertEquals(0, a.br(1));
        assertEquals(0, a.xferTimeouts);
        assertEquals(ThreadId.NIL, a.exceptionHandler);
    }

    // ---- 8: the kernel debugger -----------------------------------------------------------------

    @Test
    void anUnprivilegedTaskSeesOnlyItsOwnSpaceAndCannotForgeKernelLines() {
        KernelHarness h = new KernelHarness();
        List<String> answers = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "plain", 0, 100);
            h.startTask(l4, B, "debugger", 0, 90);
        });
        Program asker = l4 -> {
            answers.add(l4.kdbQuery("ps"));
            answers.add(l4.kdbQuery("trace on"));
            answers.add(l4.kdbQuery("kmem"));
            l4.kdbPrint("kernel: forged\nkdb: forged too\u001b[2J");
        };
        h.module("plain", () -> asker);
        h.module("debugger", () -> asker, Kernel.DEBUGGER_ARG);
        h.run();
        h.assertNoFailures();
        String plainPs = answers.get(0);
        assertTrue(plainPs.contains(ThreadId.toString(A)), plainPs);
        assertFalse(plainPs.contains("roottask") || plainPs.contains("sigma0") || plainPs.contains("debugger"), plainPs);
        assertTrue(answers.get(1).startsWith("kdb: 'trace on' shows or changes the whole system"), answers.get(1));
        assertTrue(answers.get(2).startsWith("kdb: 'kmem'"), answers.get(2));
        String fullPs = answers.get(3);
        assertTrue(fullPs.contains("roottask") && fullPs.contains("plain"), fullPs);
        assertEquals("trace on", answers.get(4));
        String console = h.console();
        assertFalse(console.lines().anyMatch(l -> l.startsWith("kernel: forged") || l.startsWith("kdb: forged")), console);
        assertTrue(console.contains("plain: kernel: forged\nplain: kdb: forged too\\x1b[2J"), console);
    }

    /** A space's own view of its mappings does not say where they came from: that is another space's state. */
    @Test
    void anUnprivilegedViewOfMappingsShowsNoOtherSpace() {
        List<String> answers = new ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness().module("viewer", l4 -> {
            l4.memory().store8(DST, 1);
            answers.add(l4.kdbQuery("mappings"));
        });
        a.script(b -> {
            b.startTask(KernelHarness.tid(10), "viewer", 0, KernelHarness.SIGMA0, 110);
            b.sleep(1000);
        }).run();
        assertEquals(1, answers.size());
        String view = answers.get(0);
        assertTrue(view.startsWith("viewer       1 mapping\n    0x005000000 -> frame 0x5000  rwx  mapped to it"), view);
        assertFalse(view.contains("sigma0"), view);
    }

    // ---- 11: a closed receive from an interrupt line the receiver does not handle -------------

    @Test
    void aClosedReceiveFromAnInterruptNotAttachedToTheReceiverHasNoPartner() {
        KernelHarness h = new KernelHarness();
        List<Long> errors = new ArrayList<>();
        h.root(l4 -> {
            long irq = ThreadId.global(1, 1);
            l4.ipc(ThreadId.NIL, irq, NEVER); // never attached
            errors.add(l4.errorCode());
            h.check(l4.threadControl(irq, irq, ThreadId.NIL, KernelHarness.SIGMA0, -1) == 1, "attach to sigma0");
            l4.ipc(ThreadId.NIL, irq, NEVER); // attached to another thread
            errors.add(l4.errorCode());
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(IpcError.code(IpcError.NO_PARTNER, true), IpcError.code(IpcError.NO_PARTNER, true)), errors);
    }
}
