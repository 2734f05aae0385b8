package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelLabels;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;

/**
 * Test helper for the recursive address-space model (map, grant, unmap, page faults, string
 * items) on top of {@link KernelHarness}.
 *
 * <p>The root task is the <em>boss</em>: it runs a test script ({@link Script}) that creates
 * worker tasks and tells them, one request at a time, what to do (like {@code system/Fig1Task}).
 * A worker ({@link #WORKER}) asks sigma0 for memory, sends and receives arbitrary messages (so
 * typed items of any shape), unmaps, and loads and stores. Between steps the script inspects the
 * kernel directly ({@link Kernel#mappings()}, {@link Kernel#checkInvariants()}): it runs on the
 * kernel loop's host thread while every other thread is blocked.
 *
 * <p>Sigma0 is a small sigma0-protocol server ({@link #sigma0Program}), since kernel tests must not
 * depend on {@code kola.system}: a request (label {@link KernelLabels#SIGMA0}, MR1 an fpage whose
 * base is physical, or all ones for "any"; optional MR3 a send base) is answered with a map item of
 * that fpage (its raw word, so invalid fpages reach the kernel as they are); a page fault is
 * answered with the identity page if it lies in sigma0's RAM, otherwise refused; a {@link #RAW}
 * request makes sigma0 reply with any message the client describes (typed items from the thread
 * that holds everything).
 *
 * <p>Failures in the script (JUnit assertions included) are caught and rethrown by {@link #run()}.
 */
final class AddressSpaceHarness {
    // ---- worker requests (labels), each answered with label OK -------------------------------
    /** MR1 fpage to ask sigma0 for, MR2 the receive window; optional MR3 send base. Reply: MR1 sigma0's reply tag, MR2 ErrorCode. */
    static final long SIGMA0_REQ = 0x100;
    /**
     * MR1 the sender to receive from, MR2 BR0 (the acceptor), MR3.. BR1..: the worker answers at
     * once, then receives; afterwards it sends {@link #RESULT} to the boss: MR1 the received tag,
     * MR2 ErrorCode (0 unless failed), MR3 the sender, MR4.. the received words (the untyped ones
     * only, if it failed).
     */
    static final long ACCEPT = 0x101;
    /** MR1 destination, MR2 the tag to send, MR3.. the words: a send with no timeouts. Reply: MR1 the resulting tag, MR2 ErrorCode. */
    static final long SEND = 0x102;
    /** MR1 the control word, MR2.. the fpages (into MR0..). Reply: MR1 ErrorCode, MR2.. MR0.. after the call. */
    static final long UNMAP = 0x103;
    /** MR1 va. Reply: MR1 load64(va). */
    static final long READ = 0x104;
    /** MR1 va, MR2 value: store64. */
    static final long WRITE = 0x105;
    /** MR1 va, MR2 length: reply MR1.. the bytes, 8 per word, little-endian. */
    static final long READ_BYTES = 0x106;
    /** MR1 va, MR2 length, MR3.. the bytes, 8 per word. */
    static final long WRITE_BYTES = 0x107;
    /** MR1 load8 va: a read that touches one byte only. Reply MR1 the byte. */
    static final long READ8 = 0x108;
    /** The worker's program returns. */
    static final long EXIT = 0x1FF;
    /** Label of a worker's answer. */
    static final long OK = 1;
    /** Label of a worker's report after {@link #ACCEPT}. */
    static final long RESULT = 2;
    /** Label of a request sigma0 answers with the message MR1 (tag), MR2.. (words) verbatim. */
    static final long RAW = 0x1AA;
    /** Label of a request that makes sigma0 unmap: MR1 the control word, MR2.. the fpages. Reply: MR1 ErrorCode. */
    static final long SIGMA0_UNMAP = 0x1BB;

    /** Sigma0 owns RAM from here (the default kernel memory is 16 MiB) up to 256 MiB. */
    static final long SIGMA0_RAM_BASE = 16L << 20;
    static final long RAM_END = 256L << 20;
    /** Where sigma0's answers to "any page" requests start. */
    static final long ANY_CURSOR = 192L << 20;

    final KernelHarness h = new KernelHarness();
    /** Worker module names, in module order; worker i is thread {@code tid(3 + i)}. */
    private final List<String> workers = new ArrayList<>();
    private final Map<String, Long> pagers = new LinkedHashMap<>();
    private final Map<String, Integer> priorities = new LinkedHashMap<>();
    private final Map<String, Long> aliases = new LinkedHashMap<>();
    /** Send-phase errors of sigma0's replies (a malformed RAW reply), in order. */
    final List<Long> sigma0SendErrors = new ArrayList<>();
    private Throwable scriptFailure;
    private boolean scriptDone;
    private Script script = b -> { };
    /** Set when every created thread should be started by the script itself. */
    private boolean autoStart = true;

    /** A script run by the boss (the root task). */
    @FunctionalInterface
    interface Script {
        void run(Boss b) throws Exception;
    }

    AddressSpaceHarness(String... workerNames) {
        h.sigma0(sigma0Program(this));
        for (String w : workerNames) {
            workers.add(w);
            h.module(w, WORKER);
        }
        h.root(l4 -> {
            Boss b = new Boss(l4, this);
            try {
                if (autoStart) {
                    for (String w : workers) {
                        b.start(w);
                    }
                }
                script.run(b);
                scriptDone = true;
            } catch (Throwable e) {
                scriptFailure = e;
            }
        });
    }

    /** Adds a module with its own program (index after the workers added so far). */
    AddressSpaceHarness module(String name, Program p) {
        h.module(name, p);
        return this;
    }

    /** The pager a worker is created with (default sigma0). */
    AddressSpaceHarness pager(String worker, long pager) {
        pagers.put(worker, pager);
        return this;
    }

    /** The machine to boot on. */
    AddressSpaceHarness machine(kola.machine.Machine.Config c) {
        h.machine(c);
        return this;
    }

    AddressSpaceHarness priority(String worker, int priority) {
        priorities.put(worker, priority);
        return this;
    }

    /** Workers are not started before the script runs; the script starts them with {@link Boss#start}. */
    AddressSpaceHarness manualStart() {
        autoStart = false;
        return this;
    }

    AddressSpaceHarness script(Script s) {
        script = s;
        return this;
    }

    AddressSpaceHarness config(KernelConfig c) {
        h.config(c);
        return this;
    }

    /** The thread id of worker (or module) {@code name}: modules get {@code tid(3 + index - 2)}. */
    long id(String name) {
        Long alias = aliases.get(name);
        if (alias != null) {
            return alias;
        }
        int i = workers.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no worker " + name);
        }
        return KernelHarness.tid(3 + i);
    }

    /** Names another thread (a second thread of a worker's space, a custom task) for the boss's calls. */
    AddressSpaceHarness alias(String name, long id) {
        aliases.put(name, id);
        return this;
    }

    Kernel kernel() {
        return h.kernel();
    }

    /** Boots, runs to the end, rethrows a script failure and checks that the script finished and the invariants hold. */
    Kernel.RunResult run() {
        return run(2_000_000);
    }

    Kernel.RunResult run(long maxTraps) {
        Kernel.RunResult r;
        try {
            r = h.run(maxTraps);
        } catch (RuntimeException e) {
            throw new AssertionError("Kernel.run threw " + e + "\nscript failure: " + scriptFailure + "\nconsole:\n"
                    + h.console() + "\nthreads " + h.kernel.threads(), e);
        }
        if (scriptFailure != null) {
            AssertionError e = new AssertionError("script failed: " + scriptFailure + "\nconsole:\n" + h.console(),
                    scriptFailure);
            throw e;
        }
        assertTrue(scriptDone, "the script did not finish; console:\n" + h.console() + "\nthreads " + h.kernel.threads());
        assertEquals(List.of(), h.kernel.checkInvariants(), "invariants at the end");
        h.assertNoFailures();
        return r;
    }

    String console() {
        return h.console();
    }

    // ---- the worker ---------------------------------------------------------------------------

    static final Program WORKER = l4 -> {
        long sigma0 = l4.kernelInterface().sigma0();
        long boss = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag)) {
                boss = l4.waitAny();
                continue;
            }
            int u = MsgTag.untyped(tag);
            long[] w = new long[u];
            for (int i = 0; i < u; i++) {
                w[i] = l4.mr(i + 1);
            }
            long label = MsgTag.label(tag);
            long[] out;
            if (label == SIGMA0_REQ) {
                l4.setBr(0, Items.acceptor(w[1], false));
                l4.setMr(1, w[0]);
                l4.setMr(2, 0);
                int uu = 2;
                if (u > 2) {
                    l4.setMr(3, w[2]);
                    uu = 3;
                }
                l4.setMr(0, MsgTag.make(KernelLabels.SIGMA0, uu, 0));
                long rt = l4.call(sigma0);
                out = new long[] {rt, MsgTag.failed(rt) ? l4.errorCode() : 0};
                l4.setBr(0, 0);
            } else if (label == ACCEPT) {
                l4.setMr(0, MsgTag.make(OK, 0, 0));
                l4.reply(boss);
                for (int i = 1; i < u; i++) {
                    l4.setBr(i - 1, w[i]);
                }
                long from = l4.receive(w[0]);
                long rt = l4.mr(0);
                long err = MsgTag.failed(rt) ? l4.errorCode() : 0;
                // (a message overflow delivers the tag and the untyped words: those are reported too)
                int n = Math.min(MsgTag.untyped(rt) + (MsgTag.failed(rt) ? 0 : MsgTag.typed(rt)), 60);
                long[] got = new long[n];
                for (int i = 0; i < n; i++) {
                    got[i] = l4.mr(i + 1);
                }
                for (int i = 0; i < 33; i++) {
                    l4.setBr(i, 0);
                }
                l4.setMr(1, rt);
                l4.setMr(2, err);
                l4.setMr(3, from);
                for (int i = 0; i < n; i++) {
                    l4.setMr(4 + i, got[i]);
                }
                l4.setMr(0, MsgTag.make(RESULT, 3 + n, 0));
                l4.send(boss);
                boss = l4.waitAny();
                continue;
            } else if (label == SEND) {
                for (int i = 2; i < u; i++) {
                    l4.setMr(i - 1, w[i]);
                }
                l4.setMr(0, w[1]);
                long rt = l4.send(w[0]);
                out = new long[] {rt, MsgTag.failed(rt) ? l4.errorCode() : 0};
            } else if (label == UNMAP) {
                for (int i = 1; i < u; i++) {
                    l4.setMr(i - 1, w[i]);
                }
                l4.unmap(w[0]);
                out = new long[u];
                out[0] = l4.errorCode();
                for (int i = 1; i < u; i++) {
                    out[i] = l4.mr(i - 1);
                }
            } else if (label == READ) {
                out = new long[] {l4.memory().load64(w[0])};
            } else if (label == READ8) {
                out = new long[] {l4.memory().load8(w[0])};
            } else if (label == WRITE) {
                l4.memory().store64(w[0], w[1]);
                out = new long[0];
            } else if (label == READ_BYTES) {
                byte[] bytes = new byte[(int) w[1]];
                l4.memory().read(w[0], bytes, 0, bytes.length);
                out = pack(bytes);
            } else if (label == WRITE_BYTES) {
                byte[] bytes = unpack(w, 2, (int) w[1]);
                l4.memory().write(w[0], bytes, 0, bytes.length);
                out = new long[0];
            } else if (label == EXIT) {
                l4.setMr(0, MsgTag.make(OK, 0, 0));
                l4.reply(boss);
                return;
            } else {
                out = new long[] {-1};
            }
            for (int i = 0; i < out.length; i++) {
                l4.setMr(i + 1, out[i]);
            }
            l4.setMr(0, MsgTag.make(OK, out.length, 0));
            boss = l4.replyWait(boss);
        }
    };

    static long[] pack(byte[] bytes) {
        long[] words = new long[(bytes.length + 7) / 8];
        for (int i = 0; i < bytes.length; i++) {
            words[i / 8] |= (bytes[i] & 0xFFL) << (8 * (i % 8));
        }
        return words;
    }

    static byte[] unpack(long[] words, int from, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (words[from + i / 8] >>> (8 * (i % 8)));
        }
        return bytes;
    }

    // ---- the small sigma0 -------------------------------------------------------------------

    static Program sigma0Program(AddressSpaceHarness a) {
        return l4 -> {
            long cursor = ANY_CURSOR;
            long client = l4.waitAny();
            while (true) {
                long tag = l4.mr(0);
                if (MsgTag.failed(tag)) {
                    if (!kola.abi.IpcError.inReceivePhase(l4.errorCode())) {
                        a.sigma0SendErrors.add(l4.errorCode());
                    }
                    client = l4.waitAny();
                    continue;
                }
                long label = MsgTag.label(tag);
                int u = MsgTag.untyped(tag);
                if (label == KernelLabels.SIGMA0 && u >= 2) {
                    long fpage = l4.mr(1);
                    long base = Fpage.base(fpage);
                    int s = Fpage.sizeLog2(fpage);
                    if (base == Fpage.base(-1L) && s >= 12 && s <= 30) {
                        cursor = (cursor + (1L << s) - 1) & -(1L << s);
                        base = cursor;
                        cursor += 1L << s;
                    }
                    int rights = Fpage.rights(fpage) == 0 ? Fpage.RWX : Fpage.rights(fpage);
                    long sendBase = u >= 3 ? l4.mr(3) : base;
                    long word = (base >>> 10 << 10) | (fpage & 0x3F8L) | rights;
                    Items.putMap(l4, 1, word, sendBase);
                    l4.setMr(0, MsgTag.make(0, 0, 2));
                } else if (KernelLabels.isPageFault(label) && u == 2) {
                    long page = l4.mr(1) & -4096L;
                    if (page >= SIGMA0_RAM_BASE && page < RAM_END) {
                        Items.putMap(l4, 1, Fpage.of(page, 12, Fpage.RWX), page);
                        l4.setMr(0, MsgTag.make(0, 0, 2));
                    } else {
                        l4.setMr(0, MsgTag.make(KernelLabels.REFUSED, 0, 0));
                    }
                } else if (label == SIGMA0_UNMAP && u >= 2) {
                    long control = l4.mr(1);
                    for (int i = 2; i <= u; i++) {
                        l4.setMr(i - 2, l4.mr(i));
                    }
                    l4.unmap(control);
                    l4.setMr(1, l4.errorCode());
                    l4.setMr(0, MsgTag.make(0, 1, 0));
                } else if (label == RAW && u >= 1) {
                    long replyTag = l4.mr(1);
                    for (int i = 2; i <= u; i++) {
                        l4.setMr(i - 1, l4.mr(i));
                    }
                    l4.setMr(0, replyTag);
                } else {
                    l4.setMr(0, MsgTag.make(0xE, 0, 0));
                }
                client = l4.replyWait(client);
            }
        };
    }

    // ---- what the boss sees -------------------------------------------------------------------

    /** A message the boss received: a worker's answer, report or page fault. */
    record Reply(long tag, long error, long from, long[] w) {
        long label() {
            return MsgTag.label(tag);
        }

        boolean failed() {
            return MsgTag.failed(tag);
        }

        boolean isFault() {
            return !failed() && KernelLabels.isPageFault(label());
        }

        int faultAccess() {
            return (int) (label() & 7);
        }

        long faultAddress() {
            return w[0];
        }

        long word(int i) {
            return w[i];
        }

        @Override
        public String toString() {
            return (isFault() ? "fault(" + Fpage.rightsString(faultAccess()) + " at 0x" + Long.toHexString(w[0]) + ")"
                    : MsgTag.toString(tag)) + " err=" + error + " from=" + ThreadId.toString(from) + " " + Arrays.toString(w);
        }
    }

    /** The two ends of a transfer: the sender's result (tag, ErrorCode) and the receiver's report. */
    record Transfer(long sendTag, long sendError, Reply received) {
        boolean ok() {
            return !MsgTag.failed(sendTag) && !MsgTag.failed(received.w[0]);
        }

        long receiveTag() {
            return received.w[0];
        }

        long receiveError() {
            return received.w[1];
        }
    }

    /** The boss: the root task's side of a script. */
    static final class Boss {
        final L4 l4;
        final AddressSpaceHarness a;

        Boss(L4 l4, AddressSpaceHarness a) {
            this.l4 = l4;
            this.a = a;
        }

        long id(String worker) {
            return a.id(worker);
        }

        Kernel kernel() {
            return a.h.kernel;
        }

        /** Creates and starts worker {@code w} with its configured pager and priority. */
        void start(String w) {
            long pager = a.pagers.getOrDefault(w, KernelHarness.SIGMA0);
            int prio = a.priorities.getOrDefault(w, 100);
            String err = KernelHarness.createTask(l4, a.id(w), pager, KernelHarness.ip(l4, w, 0), prio);
            assertEquals(null, err, "starting " + w);
        }

        /** Creates and starts a task {@code id} running module {@code module} entry {@code entry}. */
        void startTask(long id, String module, int entry, long pager, int prio) {
            String err = KernelHarness.createTask(l4, id, pager, KernelHarness.ip(l4, module, entry), prio);
            assertEquals(null, err, "starting " + module);
        }

        /** Sends request {@code label} with {@code words} to {@code to} and waits for its answer (or page fault). */
        Reply call(long to, long label, long... words) {
            for (int i = 0; i < words.length; i++) {
                l4.setMr(i + 1, words[i]);
            }
            l4.setMr(0, MsgTag.make(label, words.length, 0));
            long from = l4.ipc(to, to, KernelHarness.NEVER);
            return received(from);
        }

        Reply call(String worker, long label, long... words) {
            return call(a.id(worker), label, words);
        }

        /** Sends request {@code label} to {@code to} without waiting for the answer. */
        void post(long to, long label, long... words) {
            for (int i = 0; i < words.length; i++) {
                l4.setMr(i + 1, words[i]);
            }
            l4.setMr(0, MsgTag.make(label, words.length, 0));
            l4.send(to);
        }

        /** Sleeps {@code micros} of simulated time: lower-priority threads run meanwhile. */
        void sleep(long micros) {
            KernelHarness.sleep(l4, micros);
        }

        /** The kernel's state of thread {@code id}, e.g. "receiving" or "ready,halted"; "absent" if none. */
        String state(long id) {
            for (Kernel.ThreadInfo t : kernel().threads()) {
                if (t.id() == id) {
                    return t.state();
                }
            }
            return "absent";
        }

        /** Reads what the last IPC delivered. */
        Reply received(long from) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag)) {
                return new Reply(tag, l4.errorCode(), ThreadId.NIL, new long[0]);
            }
            int n = MsgTag.untyped(tag) + MsgTag.typed(tag);
            long[] w = new long[n];
            for (int i = 0; i < n; i++) {
                w[i] = l4.mr(i + 1);
            }
            return new Reply(tag, 0, from, w);
        }

        /** Closed receive from {@code worker} (its report, or its page fault). */
        Reply receive(String worker) {
            long from = l4.receive(a.id(worker));
            return received(from);
        }

        /** An answer that must be OK. */
        Reply ok(Reply r, String what) {
            assertTrue(!r.failed() && r.label() == OK, what + ": " + r);
            return r;
        }

        // ---- steps ----

        /** Worker {@code w} asks sigma0 for {@code fpage} (raw word) into the window {@code window}. Returns sigma0's reply tag. */
        long sigma0(String w, long fpage, long window) {
            Reply r = ok(call(w, SIGMA0_REQ, fpage, window), "sigma0 request of " + w);
            return r.word(0);
        }

        /** Like {@link #sigma0(String, long, long)} with an explicit send base. */
        long sigma0(String w, long fpage, long window, long sendBase) {
            Reply r = ok(call(w, SIGMA0_REQ, fpage, window, sendBase), "sigma0 request of " + w);
            return r.word(0);
        }

        /** Gets the physical page {@code pa} from sigma0 (rights rwx) at {@code va} of worker w. */
        void page(String w, long pa, long va) {
            long tag = sigma0(w, Fpage.of(pa, 12, Fpage.RWX), Fpage.of(va, 12, 0));
            assertTrue(!MsgTag.failed(tag) && MsgTag.typed(tag) == 2, "sigma0 mapped 0x" + Long.toHexString(pa)
                    + " to " + w + ": " + MsgTag.toString(tag));
        }

        /**
         * {@code from} sends {@code tag} with {@code words} to {@code to}, which receives with
         * buffer registers {@code brs} (BR0 first).
         */
        Transfer transfer(String from, String to, long[] brs, long tag, long... words) {
            long[] acc = new long[brs.length + 1];
            acc[0] = a.id(from);
            System.arraycopy(brs, 0, acc, 1, brs.length);
            ok(call(to, ACCEPT, acc), "accept of " + to);
            long[] req = new long[words.length + 2];
            req[0] = a.id(to);
            req[1] = tag;
            System.arraycopy(words, 0, req, 2, words.length);
            Reply s = call(from, SEND, req);
            ok(s, "send of " + from);
            Reply r = receive(to);
            assertTrue(!r.failed() && r.label() == RESULT, "report of " + to + ": " + r);
            return new Transfer(s.word(0), s.word(1), r);
        }

        /** {@code from} maps (or grants) {@code fpage} with {@code sendBase} to {@code to}, whose receive window is {@code window}. */
        Transfer map(String from, String to, long fpage, long sendBase, long window) {
            return transfer(from, to, new long[] {Items.acceptor(window, false)}, MsgTag.make(0, 0, 2),
                    Items.mapWord(sendBase), fpage);
        }

        Transfer grant(String from, String to, long fpage, long sendBase, long window) {
            return transfer(from, to, new long[] {Items.acceptor(window, false)}, MsgTag.make(0, 0, 2),
                    Items.grantWord(sendBase), fpage);
        }

        /** Maps one page {@code va} of {@code from} to {@code dest} of {@code to} with {@code rights}; must succeed. */
        void mapPage(String from, long va, String to, long dest, int rights) {
            Transfer t = map(from, to, Fpage.of(va, 12, rights), 0, Fpage.of(dest, 12, 0));
            assertTrue(t.ok(), "map " + from + " -> " + to + ": " + t);
        }

        void grantPage(String from, long va, String to, long dest, int rights) {
            Transfer t = grant(from, to, Fpage.of(va, 12, rights), 0, Fpage.of(dest, 12, 0));
            assertTrue(t.ok(), "grant " + from + " -> " + to + ": " + t);
        }

        /** Worker w unmaps the fpages with {@code control}; returns its ErrorCode and MR0.. after the call. */
        Reply unmap(String w, long control, long... fpages) {
            long[] req = new long[fpages.length + 1];
            req[0] = control;
            System.arraycopy(fpages, 0, req, 1, fpages.length);
            return ok(call(w, UNMAP, req), "unmap of " + w);
        }

        /** Worker w loads 64 bits at va: the answer, or the page fault the boss received as w's pager. */
        Reply read(String w, long va) {
            return call(w, READ, va);
        }

        Reply write(String w, long va, long value) {
            return call(w, WRITE, va, value);
        }

        long readOk(String w, long va) {
            return ok(read(w, va), "read of " + w + " at 0x" + Long.toHexString(va)).word(0);
        }

        void writeOk(String w, long va, long value) {
            ok(write(w, va, value), "write of " + w + " at 0x" + Long.toHexString(va));
        }

        /**
         * Answers the page fault {@code w} sent the boss (its pager) with a map item of
         * {@code fpage} of the boss's own space at {@code sendBase}, and waits for w's next message.
         */
        Reply resolve(String w, long fpage, long sendBase) {
            Items.putMap(l4, 1, fpage, sendBase);
            l4.setMr(0, MsgTag.make(0, 0, 2));
            long from = l4.ipc(a.id(w), a.id(w), KernelHarness.NEVER);
            return received(from);
        }

        /** Answers a page fault of thread {@code id} with a map item and does not wait. */
        void resolveNoWait(long id, long fpage, long sendBase) {
            Items.putMap(l4, 1, fpage, sendBase);
            l4.setMr(0, MsgTag.make(0, 0, 2));
            l4.reply(id);
        }

        /** Answers a page fault with a message of the given tag (no items). */
        void answer(String w, long tag) {
            l4.setMr(0, tag);
            l4.reply(a.id(w));
        }

        // ---- inspection ----

        /** Every invariant holds now. */
        void inv(String step) {
            assertEquals(List.of(), kernel().checkInvariants(), "invariants after: " + step);
        }

        List<Kernel.Mapping> mappings() {
            return kernel().mappings();
        }

        /** The mapping of page {@code va} in the space called {@code space}. */
        Optional<Kernel.Mapping> at(String space, long va) {
            long page = va & -4096L;
            return kernel().mappings().stream().filter(m -> m.space().equals(space) && m.va() == page).findFirst();
        }

        Kernel.Mapping mapped(String space, long va) {
            return at(space, va).orElseThrow(() -> new AssertionError(space + " has no mapping at 0x"
                    + Long.toHexString(va) + "; mappings:\n" + String.join("\n",
                    MappingDump.lines(kernel().mappings(), kernel().spaces()))));
        }

        void unmapped(String space, long va) {
            assertTrue(at(space, va).isEmpty(), space + " should have no mapping at 0x" + Long.toHexString(va)
                    + " but has " + at(space, va));
        }

        /** The mappings of space {@code space}. */
        List<Kernel.Mapping> of(String space) {
            return kernel().mappings().stream().filter(m -> m.space().equals(space)).toList();
        }

        String dump() {
            return String.join("\n", MappingDump.lines(kernel().mappings(), kernel().spaces()));
        }
    }

    /** The standard receive window of one page at {@code va}. */
    static long window(long va) {
        return Fpage.of(va, 12, 0);
    }

    static void assertNoFailuresIn(List<String> problems) {
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }
}
