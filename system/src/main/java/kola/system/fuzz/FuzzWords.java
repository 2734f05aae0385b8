package kola.system.fuzz;

import java.util.SplittableRandom;
import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelLabels;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;

/**
 * The fuzzer's source of system-call arguments (DESIGN.md, "Conventions": bad input from user
 * code gets an error code, never a kernel exception): words that are valid, borderline or garbage,
 * drawn from one seeded {@link SplittableRandom} so that a run is a function of its seed.
 *
 * <p>Every generator mixes three kinds of value: well-formed ones a correct program would pass
 * (a live-looking thread id, an aligned fpage in the thread's heap, a short relative timeout),
 * borderline ones (version 0, the largest fpage, u + t = 63 or 64, zero-period timeouts, the last
 * byte of the address space) and garbage (any 64-bit word). Thread ids are guessed in the fuzz
 * plan's thread-number range with small versions, or taken from the ids this thread has learned
 * (senders it received from); no generator looks at kernel state.
 */
public final class FuzzWords {
    /** Where a fuzz thread's heap lies: pages it touches and maps on purpose. */
    public static final long HEAP = 0x1000_0000L;
    /** Heap pages a fuzz thread uses (a window of 2^6 pages, so that an fpage can cover it all). */
    public static final int HEAP_PAGES = 64;
    /** The fuzz user address-space limit (Sv39 lower half). */
    public static final long USER_END = 1L << Fpage.MAX_SIZE_LOG2;
    private static final long PAGE = 4096;

    private final SplittableRandom r;
    private final FuzzPlan plan;
    private final Kip kip;
    private final long me;
    private final long myLocal;
    /** IPC names object-space slots (capabilities, virtual threads), not thread ids. */
    private final boolean objectNames;
    /** The virtual-threads model: a sender states its name in the receiver's space. */
    private final boolean virtualThreads;
    /** Selectors of slots this thread filled itself (gates, endpoints, notifications, saved replies). */
    private final Recent made = new Recent();
    /** Thread ids this thread has seen (senders it received from). */
    private final Recent learned = new Recent();
    /** Peer slots this thread has seen filled (by a lookup). */
    private final Recent peers = new Recent();

    /**
     * The last 16 distinct words remembered, the oldest overwritten first: what a fuzz thread
     * knows of the slots it filled, the ids it learned, the peer slots it found filled.
     */
    private static final class Recent {
        private final long[] words = new long[16];
        private int count;
        private int next;

        void add(long w) {
            for (int i = 0; i < count; i++) {
                if (words[i] == w) {
                    return;
                }
            }
            words[next] = w;
            next = (next + 1) % words.length;
            count = Math.min(count + 1, words.length);
        }

        void remove(long w) {
            for (int i = 0; i < count; i++) {
                if (words[i] == w) {
                    words[i] = words[count - 1];
                    count--;
                    next = count % words.length;
                    return;
                }
            }
        }

        boolean isEmpty() {
            return count == 0;
        }

        /** One of the words, drawn from {@code r}; the caller checked there is one. */
        long pick(SplittableRandom r) {
            return words[r.nextInt(count)];
        }
    }

    /** A generator for the thread {@code l4} belongs to. */
    public FuzzWords(SplittableRandom random, FuzzPlan plan, L4 l4) {
        this.r = random;
        this.plan = plan;
        this.kip = l4.kernelInterface();
        this.me = l4.myGlobalId();
        this.myLocal = l4.myLocalId();
        int model = kip.commModel();
        this.objectNames = model == kola.abi.Comm.MODEL_CAPABILITIES || model == kola.abi.Comm.MODEL_VIRTUAL_THREADS;
        this.virtualThreads = model == kola.abi.Comm.MODEL_VIRTUAL_THREADS;
    }

    // ---- object-space names (capabilities, virtual threads) -------------------------------

    /** The first slot of the gates the root task hands each task to the others' first threads: slot PEERS + their index. */
    public static final int PEERS = 32;
    /** The slots a fuzz thread makes its own objects in: OWN .. OWN + OWN_SLOTS - 1. */
    public static final int OWN = 4;
    public static final int OWN_SLOTS = 28;

    /** Whether IPC names object-space slots (capabilities, virtual threads) rather than thread ids. */
    public boolean objectNames() {
        return objectNames;
    }

    /** Whether the kernel runs the virtual-threads model. */
    public boolean virtualThreads() {
        return virtualThreads;
    }

    /** Remembers a slot this thread filled. */
    public void made(long selector) {
        made.add(selector);
    }

    /** A selector of a slot this thread filled, or of one of its own slots when it filled none. */
    public long madeSelector() {
        return made.isEmpty() ? ownSelector() : made.pick(r);
    }

    /** A selector of one of the slots fuzz threads make their own objects in. */
    public long ownSelector() {
        return kola.abi.Comm.selector(OWN + r.nextInt(OWN_SLOTS));
    }

    /** Remembers a peer slot seen filled. */
    public void knowPeer(long selector) {
        peers.add(selector);
    }

    /** Forgets a peer slot (found empty). */
    public void forgetPeer(long selector) {
        peers.remove(selector);
    }

    /**
     * The selector of a peer slot, where the root task puts its gates to other tasks' first
     * threads: one seen filled (mostly), or any (often empty, or refilled since).
     */
    public long peerSelector() {
        if (!peers.isEmpty() && r.nextInt(4) != 0) {
            return peers.pick(r);
        }
        return kola.abi.Comm.selector(PEERS + r.nextInt(plan.threadSlots()));
    }

    /** The slot under which the root task names this thread in its peers' object spaces (virtual threads). */
    public long myPeerName() {
        long index = ThreadId.number(me) - plan.threadBase();
        return index >= 0 && index < plan.threadSlots() ? kola.abi.Comm.selector(PEERS + (int) index) : peerSelector();
    }

    /**
     * An object-space selector: a peer's gate (mostly), the root task's and sigma0's, a slot this
     * thread filled, the reply capability, the notified sender, any slot, slot 0, beyond the
     * object space, a selector with low bits, a thread id, garbage.
     */
    public long selector() {
        return switch (r.nextInt(16)) {
            case 0, 1, 2, 3, 4 -> peerSelector();
            case 5 -> kola.abi.Comm.selector(1 + r.nextInt(2));
            case 6, 7 -> madeSelector();
            case 8 -> kola.abi.Comm.selector(OWN); // where the root task may have put an endpoint
            case 9 -> kola.abi.Comm.REPLY;
            case 10 -> kola.abi.Comm.NOTIFIED;
            case 11 -> kola.abi.Comm.selector(r.nextInt(kola.abi.Comm.SLOTS));
            case 12 -> r.nextBoolean() ? 0 : kola.abi.Comm.selector(kola.abi.Comm.SLOTS + r.nextInt(1 << 20));
            case 13 -> kola.abi.Comm.selector(r.nextInt(kola.abi.Comm.SLOTS)) | 1 + r.nextInt(0xFFF);
            case 14 -> guessId();
            default -> r.nextLong();
        };
    }

    /**
     * An IPC partner: a thread id ({@link #threadId}) under the thread-id models; under the
     * object-space models a peer slot seen filled, a {@link #selector}, and a thread id (which
     * names nothing) now and then.
     */
    public long partner() {
        if (!objectNames) {
            return threadId();
        }
        int x = r.nextInt(8);
        return x < 3 && !peers.isEmpty() ? peers.pick(r) : x < 7 ? selector() : threadId();
    }

    /** Under virtual threads, states a sender name (VirtualSender) for the next send: its own peer name mostly. */
    public void virtualSender(L4 l4) {
        if (virtualThreads) {
            l4.setVirtualSender(r.nextInt(4) != 0 ? myPeerName() : selector());
        }
    }

    /** An object fpage: of a slot this thread filled or a peer's (mostly), any block, malformed. */
    public long objectFpage() {
        return switch (r.nextInt(16)) {
            case 0, 1, 2, 3, 4, 5 -> kola.abi.Comm.objectFpage(kola.abi.Comm.slot(madeSelector()), 0, rights());
            case 6, 7, 8, 9, 10 -> kola.abi.Comm.objectFpage(kola.abi.Comm.slot(peerSelector()), 0, rights());
            case 11 -> { // an aligned block of 2^s slots
                int s = r.nextInt(11);
                yield kola.abi.Comm.objectFpage(r.nextInt(kola.abi.Comm.SLOTS) & -(1 << s), s, rights());
            }
            case 12 -> kola.abi.Comm.objectFpage(OWN & -8, 5, rights()); // the own slots and the root task's gates
            default -> r.nextLong() | kola.abi.Comm.OBJECT_FPAGE;
        };
    }

    private int rights() {
        return r.nextInt(4) == 0 ? r.nextInt(8) : kola.abi.Comm.SEND | kola.abi.Comm.GRANT | (r.nextBoolean() ? kola.abi.Comm.RECEIVE : 0);
    }

    /** An object receive window: the own slots, the peer slots, all of them, a random one. */
    public long objectWindow() {
        return switch (r.nextInt(5)) {
            case 0 -> kola.abi.Comm.objectFpage(0, 5, 0);
            case 1 -> kola.abi.Comm.objectFpage(64, 6, 0);
            case 2 -> kola.abi.Comm.objectFpage(0, 10, 0);
            default -> {
                int s = r.nextInt(11);
                yield kola.abi.Comm.objectFpage(r.nextInt(kola.abi.Comm.SLOTS) & -(1 << s), s, 0);
            }
        };
    }

    /** The random source. */
    public SplittableRandom random() {
        return r;
    }

    /** The plan. */
    public FuzzPlan plan() {
        return plan;
    }

    /** True with probability {@code percent}/100. */
    public boolean chance(int percent) {
        return r.nextInt(100) < percent;
    }

    /** True with probability 1/{@code n}. */
    public boolean oneIn(int n) {
        return r.nextInt(n) == 0;
    }

    /** A uniform int in [0, n). */
    public int below(int n) {
        return r.nextInt(n);
    }

    /** Remembers a thread id this thread has seen (a sender, say), for later targets. */
    public void learn(long id) {
        if (id == ThreadId.NIL || id == ThreadId.ANY || id == me) {
            return;
        }
        learned.add(id);
    }

    /** A learned id, or a guess when none is known. */
    public long learnedId() {
        return learned.isEmpty() ? guessId() : learned.pick(r);
    }

    /** A well-formed id in the fuzz range with a small version: often a live thread. */
    public long guessId() {
        return ThreadId.global(plan.threadBase() + r.nextInt(plan.threadSlots()), 1 + r.nextInt(FuzzPlan.VERSIONS));
    }

    /** Any word: small numbers, powers of two, extremes, ids, fpages, addresses, random bits. */
    public long word() {
        return switch (r.nextInt(14)) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> -1;
            case 3 -> r.nextInt(64);
            case 4 -> 1L << r.nextInt(64);
            case 5 -> (1L << r.nextInt(64)) - 1;
            case 6 -> Long.MIN_VALUE;
            case 7 -> Long.MAX_VALUE;
            case 8 -> threadId();
            case 9 -> fpage();
            case 10 -> address();
            case 11 -> tag();
            case 12 -> timeouts();
            default -> r.nextLong();
        };
    }

    /** A thread id: live-looking, learned, own, sigma0, root, nil, any, interrupt, stale, out of range, local, garbage. */
    public long threadId() {
        return switch (r.nextInt(19)) {
            case 0, 1, 2, 3, 4, 5 -> guessId();
            case 6, 7, 8 -> learnedId();
            case 9 -> me;
            case 10 -> kip.sigma0();
            case 11 -> kip.rootTask();
            case 12 -> ThreadId.NIL;
            case 13 -> ThreadId.ANY;
            case 14 -> ThreadId.global(r.nextInt((int) kip.userBase()), 1); // interrupt and kernel threads
            case 15 -> r.nextBoolean() ? ThreadId.number(guessId()) << 32 // version 0
                    : (plan.threadBase() + r.nextInt(plan.threadSlots())) << 32 | 1 + r.nextInt(1 << 20); // (any version: a multiple of 64 has the local form)
            case 16 -> r.nextBoolean() ? ThreadId.global(kip.threadNumberLimit() - 1 + r.nextInt(3) & 0xFFFF_FFFFL, 1)
                    : ThreadId.global(0xFFFF_FFFFL, 0xFFFF_FFFFL);
            // Local ids (X.2): anylocalthread, its own, a UTCB slot of the standard area (where
            // the fuzz's threads are), or the middle of one.
            case 17 -> switch (r.nextInt(4)) {
                case 0 -> ThreadId.ANY_LOCAL;
                case 1 -> myLocal;
                default -> Fpage.base(Kip.STANDARD_UTCB_AREA) + 1024L * r.nextInt(64) + (r.nextInt(8) == 0 ? 512 : 0);
            };
            default -> r.nextLong();
        };
    }

    /** A thread id a privileged fuzzer may hit hard (halt, delete): never sigma0 or the root task's first thread. */
    public long victimId() {
        long id = threadId();
        return id == kip.sigma0() || id == kip.rootTask() ? guessId() : id;
    }

    /** A page-aligned address in this thread's heap. */
    public long heapPage() {
        return HEAP + (long) r.nextInt(HEAP_PAGES) * PAGE;
    }

    /** An address: heap (mostly), KIP and UTCB areas, page borders, device memory, end of space, outside, garbage. */
    public long address() {
        return switch (r.nextInt(16)) {
            case 0, 1, 2, 3, 4, 5 -> heapPage() + (r.nextBoolean() ? 0 : r.nextInt((int) PAGE));
            case 6 -> heapPage() + PAGE - 1 - r.nextInt(8); // crosses into the next page
            case 7 -> Fpage.base(Kip.STANDARD_KIP_AREA) + r.nextInt((int) PAGE);
            case 8 -> Fpage.base(Kip.STANDARD_UTCB_AREA) + r.nextInt(1 << 20);
            case 9 -> deviceAddress();
            case 10 -> USER_END - 1 - r.nextInt(16);
            case 11 -> USER_END + r.nextInt(1 << 20);
            case 12 -> -1L - r.nextInt(4096);
            case 13 -> (long) r.nextInt(1 << 16) << 12; // low memory, page aligned
            case 14 -> r.nextLong() & (USER_END - 1);
            default -> r.nextLong();
        };
    }

    private long deviceAddress() {
        for (Kip.MemoryDescriptor d : kip.memory()) {
            if (d.type() == Kip.MemoryDescriptor.Type.DEVICE && r.nextBoolean()) {
                return d.base() + r.nextInt((int) Math.max(1, Math.min(d.size(), 1 << 20)));
            }
        }
        return plan.ramBytes() - PAGE + r.nextInt((int) PAGE);
    }

    /** One of the first four heap pages, where string buffers and map items often meet. */
    public long hotPage() {
        return HEAP + (long) r.nextInt(4) * PAGE;
    }

    /** A valid fpage covering part of the heap, with random rights. */
    public long heapFpage() {
        int s = 12 + r.nextInt(7); // 4 KiB .. 256 KiB: inside the 2^18-byte heap
        long base = HEAP + ((long) r.nextInt(HEAP_PAGES) * PAGE & -(1L << s));
        return Fpage.of(base, s, r.nextInt(8));
    }

    /** An fpage word: heap fpages (mostly), nil, complete, huge, misaligned, tiny, extension bit, garbage. */
    public long fpage() {
        return switch (r.nextInt(14)) {
            case 0, 1, 2, 3, 4, 5 -> heapFpage();
            case 6 -> Fpage.NIL;
            case 7 -> Fpage.COMPLETE | r.nextInt(8);
            case 8 -> { // any valid size and alignment
                int s = 12 + r.nextInt(Fpage.MAX_SIZE_LOG2 - 11);
                long base = (r.nextLong() & (USER_END - 1)) & -(1L << s);
                yield Fpage.of(base, s, r.nextInt(8));
            }
            case 9 -> (r.nextLong() & ~0x3F0L) | (long) (12 + r.nextInt(27)) << 4; // usually misaligned
            case 10 -> (r.nextLong() & ~0x3F0L) | (long) r.nextInt(12) << 4; // smaller than a page
            case 11 -> heapFpage() | 8; // extension bit
            case 12 -> Fpage.base(r.nextLong()) | (long) (39 + r.nextInt(25)) << 4 | r.nextInt(8); // too large
            default -> r.nextLong();
        };
    }

    /** A 16-bit timeout: never, zero, short, long, zero-period, absolute point (refused), garbage. */
    public int timeout() {
        return switch (r.nextInt(12)) {
            case 0, 1 -> Timeout.ZERO;
            case 2, 3, 4 -> Timeout.relative(1 + r.nextInt(200));
            case 5 -> Timeout.relative(1 + r.nextInt(20_000));
            case 6 -> Timeout.NEVER;
            case 7 -> r.nextInt(32) << 10; // m = 0: zero period for any exponent
            case 8 -> 1023 | r.nextInt(32) << 10; // largest mantissa, any exponent
            case 9 -> Timeout.POINT | r.nextInt(Timeout.POINT);
            default -> r.nextInt(1 << 16);
        };
    }

    /** An Ipc timeouts word: two {@link #timeout()}s, sometimes with garbage above bit 31. */
    public long timeouts() {
        long w = Timeout.pair(timeout(), timeout());
        return oneIn(20) ? w | r.nextLong() << 32 : w;
    }

    /** Timeouts that never block forever: zero or short, for threads that must come back. */
    public long shortTimeouts() {
        return Timeout.pair(r.nextBoolean() ? Timeout.ZERO : Timeout.relative(1 + r.nextInt(300)),
                r.nextBoolean() ? Timeout.ZERO : Timeout.relative(1 + r.nextInt(300)));
    }

    /** A label: small user labels, the kernel's (page fault, exception, sigma0, refused...), garbage. */
    public long label() {
        return switch (r.nextInt(12)) {
            case 0, 1, 2, 3 -> r.nextInt(16);
            case 4 -> KernelLabels.PAGE_FAULT | r.nextInt(8);
            case 5 -> KernelLabels.EXCEPTION;
            case 6 -> KernelLabels.SIGMA0;
            case 7 -> KernelLabels.REFUSED;
            case 8 -> KernelLabels.INTERRUPT;
            case 9 -> KernelLabels.PREEMPTION;
            case 10 -> 0x100 + r.nextInt(0x300); // Protocol and Fig1Task labels
            default -> r.nextLong() >> 16;
        };
    }

    /** A message tag: u and t in range (mostly), u + t = 63 or more, odd t, any flags. */
    public long tag() {
        int u;
        int t;
        switch (r.nextInt(8)) {
            case 0 -> {
                u = r.nextInt(64);
                t = r.nextInt(64);
            }
            case 1 -> {
                u = r.nextInt(64);
                t = 63 - u + r.nextInt(2); // exactly full, or one over
            }
            case 2 -> {
                u = r.nextInt(4);
                t = 1 + 2 * r.nextInt(3); // odd: an item cut in half
            }
            default -> {
                u = r.nextInt(6);
                t = 2 * r.nextInt(4);
            }
        }
        long tag = MsgTag.make(label(), u, t);
        return oneIn(8) ? tag | (long) r.nextInt(16) << 12 : tag;
    }

    /**
     * Fills MR0..MR{u+t} with a random message: random untyped words, then typed items (map,
     * grant, string, or garbage) as the tag's t says. Returns the tag.
     */
    public long message(L4 l4) {
        long tag = tag();
        int u = MsgTag.untyped(tag);
        int t = MsgTag.typed(tag);
        int words = Math.min(u + t, 63);
        for (int i = 1; i <= u && i <= 63; i++) {
            l4.setMr(i, word());
        }
        for (int i = u + 1; i <= words; i += 2) {
            long w0 = item0();
            l4.setMr(i, w0);
            if (i + 1 <= 63) {
                l4.setMr(i + 1, Items.isString(w0) ? address() : objectNames && r.nextInt(3) == 0 ? objectFpage() : fpage());
            }
        }
        l4.setMr(0, tag);
        return tag;
    }

    /** Word 0 of a typed item: map, grant, string (small or huge, compound), or garbage. */
    public long item0() {
        return switch (r.nextInt(10)) {
            case 0, 1, 2 -> Items.mapWord(address());
            case 3, 4 -> Items.grantWord(address());
            case 5, 6 -> Items.stringWord(r.nextInt(r.nextBoolean() ? 64 : 3 * 4096));
            case 7 -> Items.stringWord(r.nextBoolean() ? Items.MAX_STRING : r.nextInt((int) Items.MAX_STRING));
            case 8 -> (long) r.nextInt(1 << 20) << 10 | (long) r.nextInt(64) << 4; // compound string
            default -> r.nextLong();
        };
    }

    /** An acceptor for BR0: a heap window, nil, complete, a random fpage, with or without strings. */
    public long acceptor() {
        if (objectNames && r.nextBoolean()) {
            return Items.acceptor(objectWindow(), r.nextBoolean());
        }
        long window = switch (r.nextInt(6)) {
            case 0, 1 -> heapFpage();
            case 2 -> Fpage.NIL;
            case 3 -> Fpage.COMPLETE;
            default -> fpage();
        };
        return Items.acceptor(window, r.nextBoolean());
    }

    /** Fills the buffer registers: acceptor and string buffers (heap, garbage, huge lengths, c and C bits). */
    public void buffers(L4 l4) {
        l4.setBr(0, acceptor());
        int n = 1 + r.nextInt(4);
        for (int i = 1; i + 1 < 33 && i <= 2 * n; i += 2) {
            long length = switch (r.nextInt(4)) {
                case 0 -> r.nextInt(64);
                case 1 -> r.nextInt(3 * 4096);
                case 2 -> Items.MAX_STRING;
                default -> r.nextLong() >>> 10;
            };
            l4.setBr(i, length << 10 | (r.nextInt(4) == 0 ? Items.COMPOUND : 0) | (r.nextBoolean() ? Items.MORE : 0));
            l4.setBr(i + 1, address());
        }
    }
}
