package kola.kernel;

import static kola.kernel.KernelHarness.NEVER;
import static kola.kernel.KernelHarness.ROOT;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelLabels;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import org.junit.jupiter.api.Test;

/**
 * The restart state of a RISC-V thread's system call (DESIGN.md, "Execution model"; the Java
 * side is {@link RestartTest}): a machine-code program sends a string from a page nobody mapped
 * to its pager, the root task. The kernel sends the page fault, and after the pager's map reply
 * performs the Ipc again, once; the program then runs on to its {@code ebreak} with the finished
 * call's result in a0. An abort of the fault IPC is fatal: the thread's exception handler hears
 * of a page fault, and the call is not performed again.
 */
class RiscvRestartTest {
    static final long RV = tid(3);
    static final long TEXT = 0x10000;
    /** The program's string: a page nobody mapped. */
    static final long SRC = 0x0400_0000L;
    static final int LEN = 300;
    /** The root task's own pages: the program's code, the page it maps at SRC, its receive buffer. */
    static final long CODE_WINDOW = 0x0700_0000L;
    static final long PAGE_PHYS = 0x0320_0000L;
    static final long PAGE_WINDOW = 0x0710_0000L;
    static final long BUFFER_PHYS = 0x0330_0000L;
    static final long BUFFER = 0x0720_0000L;

    // ---- a few RV64I encodings ------------------------------------------------------------
    private static final int T0 = 5;
    private static final int TP = 4;
    private static final int A0 = 10;
    private static final int A7 = 17;

    private static int addi(int rd, int rs1, int imm) {
        return (imm & 0xFFF) << 20 | rs1 << 15 | rd << 7 | 0x13;
    }

    private static int lui(int rd, int imm20) {
        return (imm20 & 0xFFFFF) << 12 | rd << 7 | 0x37;
    }

    private static int sd(int rs2, int rs1, int off) {
        return (off >> 5 & 0x7F) << 25 | rs2 << 20 | rs1 << 15 | 3 << 12 | (off & 0x1F) << 7 | 0x23;
    }

    private static int slli(int rd, int rs1, int shamt) {
        return shamt << 20 | rs1 << 15 | 1 << 12 | rd << 7 | 0x13;
    }

    /**
     * Loads {@code v} into {@code rd}: lui, addi for a signed 32-bit value; else (a thread id)
     * its upper half so, shifted up, plus its lower half, which must fit 12 bits.
     */
    private static void li(List<Integer> code, int rd, long v) {
        if (v != (int) v) {
            long low = (int) v;
            if (low != (low << 52 >> 52)) {
                throw new IllegalArgumentException("cannot load 0x" + Long.toHexString(v));
            }
            li(code, rd, (v - low) >> 32);
            code.add(slli(rd, rd, 32));
            code.add(addi(rd, rd, (int) low));
            return;
        }
        long hi = (v + 0x800) >> 12;
        code.add(lui(rd, (int) hi));
        code.add(addi(rd, rd, (int) (v - (hi << 12))));
    }

    /** UTCB word {@code w}'s offset from tp (RiscvBinding's layout: MR0 is word 16). */
    private static int mr(int i) {
        return (16 + i) * 8;
    }

    /**
     * The program: MR0 a tag of one string item (two typed words), MR1..MR2 the string of
     * {@link #LEN} bytes at {@link #SRC}; Ipc(to the root task, from nil, timeouts never); ebreak.
     */
    static ElfProgram program() {
        List<Integer> code = new ArrayList<>();
        li(code, T0, MsgTag.make(0x5, 0, 2));
        code.add(sd(T0, TP, mr(0)));
        li(code, T0, Items.stringWord(LEN));
        code.add(sd(T0, TP, mr(1)));
        li(code, T0, SRC);
        code.add(sd(T0, TP, mr(2)));
        li(code, A0, ROOT);
        code.add(addi(A0 + 1, 0, 0));
        code.add(addi(A0 + 2, 0, 0));
        code.add(addi(A7, 0, -1)); // Ipc
        code.add(0x00000073); // ecall
        code.add(0x00100073); // ebreak
        int bytes = code.size() * 4;
        byte[] f = new byte[0x1000 + bytes];
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(16, (short) 2).putShort(18, (short) 243).putInt(20, 1).putLong(24, TEXT).putLong(32, 64);
        b.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 1);
        b.putInt(64, 1).putInt(68, 5).putLong(72, 0x1000).putLong(80, TEXT).putLong(88, TEXT)
                .putLong(96, bytes).putLong(104, bytes).putLong(112, 0x1000);
        for (int i = 0; i < code.size(); i++) {
            b.putInt(0x1000 + 4 * i, code.get(i));
        }
        return ElfProgram.parse(f);
    }

    static int pattern(int i) {
        return (i * 13 + 5) & 0xFF;
    }

    /** What the root task, pager and exception handler of the program, received, in order. */
    static List<String> run(boolean abort, long[] restarted) {
        KernelHarness h = new KernelHarness();
        List<String> seen = new ArrayList<>();
        h.sigma0(KmemFramesTest::sigma0);
        h.module("rv", program());
        h.root(l4 -> {
            long code = l4.kernelInterface().module("rv").segments().get(0).paddr();
            KmemFramesTest.memory(l4, code, 12, CODE_WINDOW);
            KmemFramesTest.memory(l4, PAGE_PHYS, 12, PAGE_WINDOW);
            KmemFramesTest.memory(l4, BUFFER_PHYS, 12, BUFFER);
            for (int i = 0; i < LEN; i++) {
                l4.memory().store8(PAGE_WINDOW + i, pattern(i));
            }
            h.check(KernelHarness.createTask(l4, RV, ROOT, KernelHarness.ip(l4, "rv", 0), 50) == null, "rv");
            receive(l4);
            seen.add(describe(l4)); // the code fault
            reply(l4, Fpage.of(CODE_WINDOW, 12, Fpage.R | Fpage.X), TEXT);
            seen.add(describe(l4)); // the string's fault
            if (abort) {
                h.check(l4.exchangeRegisters(RV, ExRegs.ABORT_IPC, 0, 0, 0, 0, ThreadId.NIL) != ThreadId.NIL, "abort");
                receive(l4);
            } else {
                reply(l4, Fpage.of(PAGE_WINDOW, 12, Fpage.R), SRC);
                boolean same = true;
                for (int i = 0; i < LEN; i++) {
                    same &= l4.memory().load8(BUFFER + i) == pattern(i);
                }
                seen.add(describe(l4) + (same ? ", the page's bytes" : ", other bytes"));
                receive(l4);
            }
            seen.add(describe(l4));
            restarted[0] = h.kernel.restartedCalls;
            h.check(h.kernel.threads.lookup(RV).restart == Tcb.NO_RESTART || abort, "no restart pending");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(), h.kernel.checkInvariants());
        return seen;
    }

    /** Receives from the program, accepting one string into BUFFER. */
    private static void receive(L4 l4) {
        l4.setBr(0, Items.acceptor(Fpage.NIL, true));
        l4.setBr(1, Items.stringWord(4096));
        l4.setBr(2, BUFFER);
        l4.ipc(ThreadId.NIL, RV, NEVER);
    }

    /** Answers the program's fault with a map of {@code fpage} at {@code at}, then receives from it. */
    private static void reply(L4 l4, long fpage, long at) {
        l4.setMr(0, MsgTag.make(0, 0, 2));
        Items.putMap(l4, 1, fpage, at);
        l4.setBr(0, Items.acceptor(Fpage.NIL, true));
        l4.setBr(1, Items.stringWord(4096));
        l4.setBr(2, BUFFER);
        l4.ipc(RV, RV, NEVER);
    }

    private static String describe(L4 l4) {
        long tag = l4.mr(0);
        long label = MsgTag.label(tag);
        if ((label & ~Fpage.RWX) == KernelLabels.PAGE_FAULT) {
            return "fault " + Fpage.rightsString((int) (label & Fpage.RWX)) + " at 0x" + Long.toHexString(l4.mr(1));
        }
        if (label == KernelLabels.EXCEPTION) {
            return MsgTag.untyped(tag) == 2 ? "exception " + l4.mr(2) // (the thread's death: MR2 the exception code)
                    : "exception cause " + l4.mr(2) + ", a0 0x" + Long.toHexString(l4.mr(3 + A0));
        }
        return "label 0x" + Long.toHexString(label) + ", u " + MsgTag.untyped(tag) + ", t " + MsgTag.typed(tag);
    }

    @Test
    void aStringFromAnUnmappedPageIsFaultedInAndTheIpcRestartedOnce() {
        long[] restarted = new long[1];
        assertEquals(List.of("fault --x at 0x" + Long.toHexString(TEXT), "fault r-- at 0x" + Long.toHexString(SRC),
                "label 0x5, u 0, t 2, the page's bytes", "exception cause 3, a0 0x0"), run(false, restarted));
        assertEquals(1, restarted[0], "the Ipc was performed again once, by the kernel");
    }

    @Test
    void anAbortOfTheFaultIpcIsFatalAndTheIpcIsNotRestarted() {
        long[] restarted = new long[1];
        assertEquals(List.of("fault --x at 0x" + Long.toHexString(TEXT), "fault r-- at 0x" + Long.toHexString(SRC),
                "exception " + KernelLabels.EXC_PAGE_FAULT), run(true, restarted));
        assertEquals(0, restarted[0]);
    }
}
