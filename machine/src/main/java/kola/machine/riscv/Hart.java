package kola.machine.riscv;

import static kola.machine.riscv.Decoder.*;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import kola.machine.Cache;
import kola.machine.CostModel;
import kola.machine.CycleClock;
import kola.machine.Mmu;
import kola.machine.PhysicalMemory;
import kola.machine.Tlb;

/**
 * A RISC-V RV64IMAC hart in user mode (The RISC-V Instruction Set Manual, Volume I: Unprivileged
 * ISA: RV64I, "M", "A", "C", "Zicsr" counter reads, "Zifencei"; Volume II for the exception causes
 * and Sv39). It runs one thread's {@link HartState} in one address space until the thread traps,
 * faults or has retired its budget, and returns the {@link Cause}.
 *
 * <h2>What the hart does</h2>
 * <ul>
 *   <li>Every fetch, load and store is a user-mode access through the space's Sv39 page table:
 *       through a translation cache of the hart, on its miss through {@link Mmu#translate} (the
 *       TLB, then a walk). A missing mapping, a missing right, a page without {@code U} or a
 *       non-canonical address is a page fault (cause 12, 13 or 15) with {@link #tval()} the
 *       faulting address; for a 32-bit instruction whose second half lies on an unusable page,
 *       the address of that half. A page mapping neither RAM nor a device is an access fault.
 *   <li>Misaligned loads, stores and AMOs trap (cause 4 or 6, {@code tval} the address) rather
 *       than being emulated: the privileged specification allows either, and a trap keeps every
 *       access inside one page. Instruction fetch needs only 2-byte alignment (C extension), so a
 *       32-bit instruction may straddle two pages.
 *   <li>Device registers are reached through {@link PhysicalMemory#load8} and friends, uncached.
 *       AMOs and {@code lr}/{@code sc} on device registers are access faults, as on hardware
 *       whose device regions do not support atomics. Code cannot be fetched from device pages.
 *   <li>{@code cycle} reads the {@link CycleClock}'s processor cycles, {@code time} its time base
 *       (1 GHz: {@code time} counts nanoseconds of simulated time; the two are equal while the
 *       processor runs at its base rate, 1 GHz); {@code instret} reads
 *       {@link HartState#instret}. Every other CSR, and every CSR write, is an illegal instruction.
 *   <li>{@code fence} does nothing (one hart, in order); {@code fence.i} discards the decoded code.
 *       {@code ecall}, {@code ebreak} and illegal instructions stop with the {@code pc} of the
 *       instruction, not retired. There is no floating point: its opcodes are illegal.
 *   <li>An {@code lr} reservation holds an address; {@code sc} to that address with a reservation
 *       succeeds. The reservation is dropped when {@code run} returns.
 * </ul>
 *
 * <h2>Time</h2>
 * The clock advances by {@link CostModel#INSTRUCTION} per retired instruction and
 * {@link CostModel#MEMORY_ACCESS} per access the translation cache serves (a load, store or AMO,
 * or a fetch entering a code page), in one step when {@code run} returns; translations that miss
 * it are charged by the {@link Mmu} as they happen, as a TLB hit or a walk. The cache's hits are
 * counted on the {@link Tlb} with {@link Tlb#countHits}, so they appear as TLB hits.
 *
 * <h2>With a memory cache</h2>
 * When the machine has a {@link Cache} ({@link Mmu#cache}), every access must reach it at its
 * physical address, so nothing is served from the translation caches: each load, store and AMO
 * is translated by the {@link Mmu}, which accesses the cache and charges a hit or a miss in place
 * of {@link CostModel#MEMORY_ACCESS}; a fetch is translated and accessed once per cache line the
 * {@code pc} enters (a one-line fetch buffer: the instructions after it in the same line cost no
 * further access). Nothing is compiled, so every instruction is interpreted; the simulated time
 * is then exact per access, at the interpreter's speed. The budget of {@link #run} is then in
 * cycles, checked before every instruction, so that misses do not stretch a slice.
 *
 * <h2>Decoded code and its invalidation</h2>
 * Instructions are decoded once, into an array per physical frame with one entry per 2-byte slot,
 * and executed from there. The decoded code of a frame follows the frame's contents:
 * <ul>
 *   <li>a store by this hart clears the decoded entries it overlaps, at once (so even a store to
 *       the page being executed, without {@code fence.i}, is seen by the next fetch);
 *   <li>stores by the kernel through {@link PhysicalMemory} ({@code store*}, {@code write},
 *       {@code zeroFrame}) are seen through {@link PhysicalMemory#watchFrame}: the hart watches
 *       every frame it decodes from, and a watched frame's first change clears its decoded code.
 *       The kernel need not call anything; stores made directly into a
 *       {@link PhysicalMemory#frameArray} are not seen, and need {@link #invalidateCode};
 *   <li>stores by another hart are seen after this hart executes {@code fence.i} (as the
 *       specification requires of a program), or after {@link #invalidateCode}.
 * </ul>
 * The translation cache (virtual page to host frame, separately for reads, writes and fetches)
 * is valid while the address space, {@link Tlb#generation()}, {@link PhysicalMemory#droppedFrames()}
 * and {@link PhysicalMemory#backedFrames()} are unchanged since the end of the previous run;
 * otherwise it is emptied when a run begins.
 *
 * <h2>Compiled blocks</h2>
 * An instruction slot interpreted often enough starts a region: the code reachable from it inside
 * its page, straight on and through branches and direct jumps to instructions executed before (at
 * most {@code MAX_BLOCK} instructions), compiled to JVM bytecode in a hidden class
 * ({@link BlockCompiler}) that keeps the registers in JVM locals (writing each one it sets through
 * to the register file); loops inside the region run inside it. It tests the budget at its entry
 * and at every target of a branch backwards, and goes on only if the budget covers the longest
 * path to the next test, so budget stops stay exact (the hart interprets the rest of the slice).
 * A region calls nothing: a load or store that its translation cache does not serve (a miss, a
 * misaligned address, a device, a frame holding decoded code, a fault) leaves the region before
 * it, and the hart performs that access itself (then a fault stops at it as in the interpreter,
 * and a store into code discards the decoded code and the page's regions at once). Regions are
 * shared, by their instructions, between harts and runs. Instructions interpreted at the head of
 * a run (a slice that starts inside a straight-line run), at its tail (once a region declined or
 * left for want of budget) or after a region left before an access do not count towards new
 * regions: they would otherwise start one at every instruction where slices happen to begin or end.
 * A run that starts at a region which stops at an {@code ecall} (each run of a loop of system
 * calls) ends there without entering the dispatch loop ({@link #quick}), with the same outcome.
 *
 * <p>Not thread-safe: confined to the host thread of the kernel loop. Running allocates nothing,
 * except the decoded-code array of a frame the first time code is fetched from it and the
 * compiled blocks.
 */
public final class Hart {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final int PAGE_SHIFT = PhysicalMemory.PAGE_SHIFT;
    private static final int PAGE_MASK = PhysicalMemory.PAGE_SIZE - 1;
    /** Decoded entries per frame: one per 2-byte slot; the array holds one more, the frame number. */
    private static final int SLOTS = PhysicalMemory.PAGE_SIZE / 2;
    private static final int SLOT_MASK = SLOTS - 1;
    private static final int CODE_CHUNK_SHIFT = 12;

    /**
     * Entries of each translation cache (reads, writes, fetches): direct-mapped by virtual page,
     * 16 MiB of reach. Emptying one resets only the entries filled since it was last emptied.
     */
    static final int TC_ENTRIES = 4096;
    private static final int TC_MASK = TC_ENTRIES - 1;
    /** Tag of an empty entry: no virtual page number ({@code va >>> 12}) is -1. */
    private static final long NO_PAGE = -1;
    /** The dispatch loop's code page while it executes a page-crossing instruction from {@link #crossing}. */
    private static final long CROSSING = -2;
    /** Set in a write entry's tag when its frame holds decoded code (no virtual page number has bit 63). */
    static final long CODE_TAG = Long.MIN_VALUE;
    /**
     * Stands for an unbacked frame in the read cache (it reads as zero and is never written),
     * and is the frame of a compiled block's empty site (never accessed: no address matches).
     */
    static final byte[] ZERO_PAGE = new byte[PhysicalMemory.PAGE_SIZE];

    private static final int NO_FAULT = -1;
    private static final int ENTRY_FAULT = -1;
    private static final int ENTRY_DEVICE = -2;

    private final PhysicalMemory memory;
    private final Mmu mmu;
    private final Tlb tlb;
    private final CycleClock clock;
    /** The machine's memory cache, or null: with one, every access goes through the {@link Mmu} (see the class comment). */
    private final Cache cache;
    /**
     * log2 of the unit whose change sends the dispatch loop to its fetch step: a page without a
     * cache (the fetch cache serves the page); with one, 2 bytes, so that every instruction
     * comes there, to check the cycle deadline and to access the cache when it enters a new line.
     */
    private final int fetchShift;
    /** log2 of the cache's line size (with a cache). */
    private final int lineShift;
    /** With a cache: the cycle at which the current run stops, before the next instruction. */
    private long deadline;

    /**
     * The register file of the state being run: its {@link HartState#x} itself, x0..x31 and then
     * {@link Decoder#SINK} for writes to x0 (no copy in or out of a run).
     */
    private long[] regs = new long[64];

    // The read and write caches are read by compiled blocks too, which test a hit inline.
    // They are the current space's (those of {@link #cur}), kept here too for the blocks.
    long[] readTag;
    byte[][] readFrame;
    /**
     * A write entry's tag is its virtual page number, or that number with {@link #CODE_TAG} set
     * if the frame holds decoded code: such a store misses the inline test and its slow path
     * clears the code it overlaps.
     */
    long[] writeTag;
    byte[][] writeFrame;
    /** The translation caches of the current address space, and what they are valid for. */
    private Translations cur = Translations.empty();
    /**
     * The translation caches of the address space that ran before the current one, kept as they
     * were: threads of two spaces that take turns (an IPC round trip between spaces) find their
     * translations again instead of refilling them from the TLB after every switch. Null until a
     * second space runs.
     */
    private Translations parked;
    /**
     * Counts the events that make write entries of every space stale without the TLB or the
     * frames knowing: a frame's code decoded for the first time (its write entries must learn of
     * it), all code dropped. A parked cache made before the last one is emptied when it comes back.
     */
    private long codeEpoch;

    /**
     * Holds, in its last slot, the page-crossing instruction being executed: that instruction is
     * decoded anew each time, as the mapping of its second half may have changed since.
     */
    private final long[] crossing = new long[SLOTS + 1];
    /** The code page of {@link #crossing}: never compiled. */
    private final CodePage crossingPage = new CodePage(crossing, false);

    /** Decoded code by frame number, in chunks of 4096 frames; an array has {@link #SLOTS} + 1 entries. */
    private CodePage[][] code;

    private int fault = NO_FAULT;
    private long tval;
    private long devicePa;
    /**
     * Translation-cache hits made outside the dispatch loop's own counter during a run: the loads
     * and stores that compiled blocks executed (added when they leave), and the hits of the slow
     * paths.
     */
    long slowHits;

    /** Runs that {@link #quick} ended at their ecall without the dispatch loop: for tests. */
    long quickRuns;

    /** Entries filled into the translation caches so far (each from the TLB or a walk): for tests. */
    long fills;

    /** False to interpret only (for tests that compare the two). */
    boolean compileBlocks = true;
    /** Instructions retired by the block that returned last. */
    int exitRetired;
    /** Set by a block that left because the budget did not cover the paths to its next budget test. */
    boolean budgetExit;

    /**
     * Creates a hart that accesses {@code memory} through {@code mmu} and charges {@code clock}.
     * It watches {@code memory} for changes to frames it decoded code from.
     */
    public Hart(PhysicalMemory memory, Mmu mmu, CycleClock clock) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.mmu = Objects.requireNonNull(mmu, "mmu");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tlb = mmu.tlb();
        this.cache = mmu.cache();
        this.fetchShift = cache == null ? PAGE_SHIFT : 1;
        this.lineShift = cache == null ? PAGE_SHIFT : Integer.numberOfTrailingZeros(cache.lineBytes());
        this.compileBlocks = cache == null;
        if (mmu.memory() != memory) {
            throw new IllegalArgumentException("the MMU must translate into the hart's physical memory");
        }
        this.code = newCodeDirectory();
        use(cur);
        memory.addFrameWatcher(this::frameWritten);
    }

    /**
     * Runs {@code s} in address space {@code asid} (page table at {@code rootPfn}) until it stops,
     * retiring at most {@code maxInstructions}. With a memory cache the budget is the cycles
     * {@code maxInstructions * CostModel.INSTRUCTION}: the run stops before the first instruction
     * that would start when the cycles it has charged (instructions and accesses) reach it, so a
     * slice ends on time whatever its misses cost (it overruns by one instruction's cost at most).
     *
     * @return the {@link Cause}: {@link Cause#BUDGET} after {@code maxInstructions}, otherwise the
     *         exception, with {@code s.pc} at the instruction that raised it
     * @throws IllegalArgumentException if {@code maxInstructions < 1} or {@code asid < 0}
     */
    public int run(HartState s, int asid, long rootPfn, long maxInstructions) {
        if (maxInstructions < 1) {
            throw new IllegalArgumentException("maxInstructions must be at least 1, got " + maxInstructions);
        }
        if (asid < 0) {
            throw new IllegalArgumentException("address-space id must be non-negative, got " + asid);
        }
        Translations c = cur;
        if (asid != c.asid || rootPfn != c.rootPfn) {
            c = switchCaches(asid, rootPfn);
        }
        if (tlb.generation() != c.tlbGeneration || memory.droppedFrames() != c.droppedFrames
                || memory.backedFrames() != c.backedFrames || codeEpoch != c.cachesEpoch) {
            flushTranslations();
            c.cachesEpoch = codeEpoch;
        }
        long[] r = s.x;
        regs = r;
        r[0] = 0;
        slowHits = 0;
        if (cache != null) {
            long now = clock.now();
            deadline = maxInstructions > (Long.MAX_VALUE - now) / CostModel.INSTRUCTION
                    ? Long.MAX_VALUE : clock.timeAfter(maxInstructions * CostModel.INSTRUCTION);
        }
        tval = 0;
        fault = NO_FAULT;
        int cause = cache == null ? quick(s, maxInstructions)
                : execute(s, maxInstructions, s.pc, 0, 0, false, false, null, NO_PAGE);
        r[Decoder.SINK] = 0; // (what x0's writes left: a state between runs holds its registers only)
        s.reserved = false; // lost on every trap and every switch: each run ends in one of them
        // Our own fills may have evicted TLB entries or backed frames: that invalidates nothing of ours.
        c.tlbGeneration = tlb.generation();
        c.droppedFrames = memory.droppedFrames();
        c.backedFrames = memory.backedFrames();
        return cause;
    }

    /** After a stop: the faulting virtual address, the bits of an illegal instruction, the pc of an {@code ebreak}, else 0. */
    public long tval() {
        return tval;
    }

    /** Discards the decoded code of frame {@code pfn}: for stores into it that {@link PhysicalMemory} did not see. */
    public void invalidateCode(long pfn) {
        CodePage c = codeOf(pfn);
        if (c != null) {
            Arrays.fill(c.d, 0, SLOTS, 0);
            c.dropBlocks();
        }
    }

    /** Discards all decoded code (and the translation caches, which refer to it). */
    public void invalidateAllCode() {
        code = newCodeDirectory();
        flushTranslations();
        cur.cachesEpoch = ++codeEpoch;
    }

    /** The translation caches of one address space and what they were valid for (see {@link #parked}). */
    private static final class Translations {
        long[] readTag;
        byte[][] readFrame;
        long[] writeTag;
        byte[][] writeFrame;
        CodePage[] writeCode;
        int[] readFilled;
        int[] writeFilled;
        int[] fetchFilled;
        int readCount;
        int writeCount;
        int fetchCount;
        long[] fetchTag;
        CodePage[] fetchCode;
        int asid;
        long rootPfn;
        long tlbGeneration;
        long droppedFrames;
        long backedFrames;
        long cachesEpoch;

        /** Empty caches of no space. */
        static Translations empty() {
            Translations t = new Translations();
            t.readTag = new long[TC_ENTRIES];
            t.readFrame = new byte[TC_ENTRIES][];
            t.writeTag = new long[TC_ENTRIES];
            t.writeFrame = new byte[TC_ENTRIES][];
            t.writeCode = new CodePage[TC_ENTRIES];
            t.readFilled = new int[TC_ENTRIES];
            t.writeFilled = new int[TC_ENTRIES];
            t.fetchFilled = new int[TC_ENTRIES];
            t.fetchTag = new long[TC_ENTRIES];
            t.fetchCode = new CodePage[TC_ENTRIES];
            Arrays.fill(t.readTag, NO_PAGE);
            Arrays.fill(t.writeTag, NO_PAGE);
            Arrays.fill(t.fetchTag, NO_PAGE);
            t.asid = -1;
            t.rootPfn = -1;
            t.tlbGeneration = -1;
            t.droppedFrames = -1;
            t.backedFrames = -1;
            return t;
        }
    }

    /**
     * Makes the caches of space {@code asid} (page table {@code rootPfn}) current and returns
     * them: the parked ones if they are that space's, else empty ones (the parked arrays,
     * emptied, or new ones); the current ones are parked. Whether the caches are still valid is
     * checked after, as for a run in the same space. A switch moves references to two holders:
     * nothing is copied, and nothing is allocated after the first.
     */
    private Translations switchCaches(int asid, long rootPfn) {
        Translations mine = cur;
        if (mine.asid < 0) {
            // The first run: the caches are empty and nobody's.
            mine.asid = asid;
            mine.rootPfn = rootPfn;
            return mine;
        }
        Translations next = parked != null ? parked : Translations.empty();
        parked = mine;
        use(next);
        if (next.asid != asid || next.rootPfn != rootPfn) {
            flushTranslations(); // another space's entries (or none): empty them
            next.cachesEpoch = codeEpoch;
            next.asid = asid;
            next.rootPfn = rootPfn;
        }
        return next;
    }

    /** Makes {@code t}'s caches the current ones. */
    private void use(Translations t) {
        cur = t;
        readTag = t.readTag;
        readFrame = t.readFrame;
        writeTag = t.writeTag;
        writeFrame = t.writeFrame;
    }

    private void frameWritten(long pfn) {
        invalidateCode(pfn);
    }

    // ---------------------------------------------------------------- the dispatch loop

    /**
     * A run that starts at a compiled block which stops at an {@code ecall}: every run of a loop
     * of system calls (an IPC round trip) after its first. The block runs, and the run stops at
     * the ecall, without entering the dispatch loop. Any other run is the dispatch loop's, from
     * the start or from where the block left, with what the block counted: the outcome
     * (registers, instructions, hits, cycles) is the same either way, as the dispatch loop would
     * also run the block first and then stop at the ecall (which starts no block and gets no
     * heat). Only without a memory cache (with one nothing is compiled).
     */
    private int quick(HartState s, long max) {
        long pc = s.pc;
        long vpn = pc >>> PAGE_SHIFT;
        int e = (int) vpn & TC_MASK;
        Translations c = cur;
        if ((pc & 1) != 0 || c.fetchTag[e] != vpn) {
            return execute(s, max, pc, 0, 0, false, false, null, NO_PAGE);
        }
        CodePage page = c.fetchCode[e];
        Block[] blocks = page.blocks;
        int slot = (int) (pc >>> 1) & SLOT_MASK;
        Block blk = blocks == null ? null : blocks[slot];
        if (blk == null || max < blk.length) {
            return execute(s, max, pc, 0, 0, false, false, null, NO_PAGE);
        }
        budgetExit = false;
        long npc = blk.run(this, regs, pc - (slot << 1 & PAGE_MASK), (int) Math.min(max, 1 << 30));
        long retired = exitRetired;
        if ((npc & 1) != 0) {
            // It left before a load or store it could not perform: the loop performs it.
            return execute(s, max, npc & ~1L, retired, 1, false, true, page, vpn);
        }
        if (retired != max && npc >>> PAGE_SHIFT == vpn && ((int) page.d[(int) (npc >>> 1) & SLOT_MASK] & 0xFF) == OP_ECALL) {
            quickRuns++;
            return stop(s, npc, retired, 1, Cause.ECALL);
        }
        return execute(s, max, npc, retired, 1, budgetExit, false, page, vpn);
    }

    /**
     * The dispatch loop, from {@code pc} with {@code retired} instructions and {@code hits}
     * fetch hits counted; {@code page} is the code page looked up for unit {@code pageUnit}, or
     * null (then {@code pageUnit} is {@link #NO_PAGE}); {@code tail} and {@code blockMissed} as the loop keeps them.
     */
    private int execute(HartState s, long max, long pc, long retired, long hits, boolean tail, boolean blockMissed,
                        CodePage page, long pageUnit) {
        final long[] r = regs;
        final long[] rTag = readTag;
        final byte[][] rFrame = readFrame;
        final long[] wTag = writeTag;
        final byte[][] wFrame = writeFrame;
        final long[] fTag = cur.fetchTag;
        final CodePage[] fCode = cur.fetchCode;
        long codePage = pageUnit;
        long fetchLine = NO_PAGE; // with a cache: the line the last fetch accessed
        // tail: set once a block declined or left for want of budget: the rest of the run is the
        // slice's tail, interpreted, and its slots are not counted towards new blocks (they would
        // start at every instruction where slices happen to end, duplicating the blocks there).
        // blockMissed: set when a block left before a load or store it could not perform.
        budgetExit = false;
        // Likewise its head: a slice that starts in the middle of a block's straight-line run
        // interprets up to the run's end; its first instructions are not counted either (for a
        // small budget, a sixteenth of it, so that short slices still compile). A run that goes
        // on after a system call starts at the same place every time round a loop of calls
        // (IPC round trips), which is what a region should start at: it has no head.
        long head = s.afterCall ? 0 : Math.min(MAX_BLOCK, max >>> 4);
        long[] code = page == null ? null : page.d;
        int cause;
        run:
        while (true) {
            if (retired == max) {
                cause = Cause.BUDGET;
                break;
            }
            long unit = pc >>> fetchShift; // the page; with a cache, the instruction
            if (unit != codePage) {
                long vpn = pc >>> PAGE_SHIFT;
                int e = (int) vpn & TC_MASK;
                if (codePage == CROSSING) {
                    page = crossingPage; // once, for the instruction at pc; then back to the page's own code
                    unit = NO_PAGE;
                    fetchLine = NO_PAGE;
                } else if (fTag[e] == vpn) {
                    page = fCode[e];
                    hits++;
                } else if (cache != null) {
                    // Never in the fetch cache: every instruction comes here.
                    if (clock.timeAfter(retired * CostModel.INSTRUCTION) >= deadline) {
                        cause = Cause.BUDGET;
                        break;
                    }
                    if (pc >>> lineShift != fetchLine) {
                        page = fetchMiss(pc);
                        if (page == null) {
                            cause = fault;
                            break;
                        }
                        fetchLine = pc >>> lineShift;
                    }
                } else {
                    page = fetchMiss(pc);
                    if (page == null) {
                        cause = fault;
                        break;
                    }
                }
                code = page.d;
                codePage = unit;
            }
            int slot = (int) (pc >>> 1) & SLOT_MASK;
            Block[] blocks = page.blocks;
            boolean missed = blockMissed;
            blockMissed = false;
            Block blk = blocks == null || missed ? null : blocks[slot];
            if (blk != null) {
                if (max - retired >= blk.length && (pc & 1) == 0) {
                    long npc = blk.run(this, r, pc - (slot << 1 & PAGE_MASK), (int) Math.min(max - retired, 1 << 30));
                    retired += exitRetired;
                    if ((npc & 1) == 0) {
                        pc = npc;
                        tail |= budgetExit;
                        continue;
                    }
                    // It left before a load or store its cache did not serve: the next instruction
                    // is that access, interpreted (and not counted towards a block).
                    pc = npc & ~1L;
                    blockMissed = true;
                    continue;
                }
                tail = true;
            }
            long d = code[slot];
            // (An instruction no region can start with, an ecall at the end of every run of a loop of
            // system calls above all, gets no heat: else the byte would come round to HOT every 256
            // runs and try to compile in vain.)
            if (blk == null && !tail && !missed && retired >= head && BlockCompiler.compilable((int) d & 0xFF)
                    && ++page.heat[slot] == HOT && page.compile && compileBlocks && (pc & 1) == 0 && compileAt(page, pc)) {
                continue;
            }
            {
                int rd = (int) (d >>> 8) & 63;
                int rs1 = (int) (d >>> 14) & 31;
                int rs2 = (int) (d >>> 19) & 31;
                long imm = d >> 32;
                long next = pc + 4 - ((int) (d >>> 23) & 2);
                switch ((int) d & 0xFF) {
                    case OP_DECODE:
                        decodeAt(code, pc);
                        continue run;
                    case OP_CROSS:
                        crossing[SLOT_MASK] = crossing(code, pc);
                        if (fault != NO_FAULT) {
                            cause = fault;
                            break run;
                        }
                        codePage = CROSSING;
                        continue run;
                    case OP_ILLEGAL:
                        tval = imm & 0xFFFF_FFFFL;
                        cause = Cause.ILLEGAL_INSTRUCTION;
                        break run;
                    case OP_LUI, OP_LI:
                        r[rd] = imm;
                        pc = next;
                        break;
                    case OP_AUIPC:
                        r[rd] = pc + imm;
                        pc = next;
                        break;
                    case OP_JAL:
                        r[rd] = next;
                        pc += imm;
                        break;
                    case OP_JALR: {
                        long target = (r[rs1] + imm) & ~1L;
                        r[rd] = next;
                        pc = target;
                        break;
                    }
                    case OP_BEQ:
                        pc = r[rs1] == r[rs2] ? pc + imm : next;
                        break;
                    case OP_BNE:
                        pc = r[rs1] != r[rs2] ? pc + imm : next;
                        break;
                    case OP_BLT:
                        pc = r[rs1] < r[rs2] ? pc + imm : next;
                        break;
                    case OP_BGE:
                        pc = r[rs1] >= r[rs2] ? pc + imm : next;
                        break;
                    case OP_BLTU:
                        pc = Long.compareUnsigned(r[rs1], r[rs2]) < 0 ? pc + imm : next;
                        break;
                    case OP_BGEU:
                        pc = Long.compareUnsigned(r[rs1], r[rs2]) >= 0 ? pc + imm : next;
                        break;
                    case OP_LB: {
                        long va = r[rs1] + imm;
                        long vpn = va >>> PAGE_SHIFT;
                        int e = (int) vpn & TC_MASK;
                        long v;
                        if (rTag[e] == vpn) {
                            v = rFrame[e][(int) va & PAGE_MASK];
                            hits++;
                        } else {
                            v = (byte) loadSlow(va, 1);
                            if (fault != NO_FAULT) {
                                cause = fault;
                                break run;
                            }
                        }
                        r[rd] = v;
                        pc = next;
                        break;
                    }
                    case OP_LBU: {
                        long va = r[rs1] + imm;
                        long vpn = va >>> PAGE_SHIFT;
                        int e = (int) vpn & TC_MASK;
                        long v;
                        if (rTag[e] == vpn) {
                            v = rFrame[e][(int) va & PAGE_MASK] & 0xFF;
                            hits++;
                        } else {
                            v = loadSlow(va, 1);
                            if (fault != NO_FAULT) {
                                cause = fault;
                                break run;
                            }
                        }
                        r[rd] = v;
                        pc = next;
                        break;
                    }
                    case OP_LH: {
                        long va = r[rs1] + imm;
                        long vpn = va >>> PAGE_SHIFT;
                        int e = (int) vpn & TC_MASK;
                        long v;
                        if (((va & 1) | (rTag[e] ^ vpn)) == 0) {
                            v = (short) SHORT.get(rFrame[e], (int) va & PAGE_MASK);
                            hits++;
                        } else {
                            v = (short) loadSlow(va, 2);
                            if (fault != NO_FAULT) {
                                cause = fault;
                                break run;
                            }
                        }
                        r[rd] = v;
                        pc = next;
                        break;
                    }
                    case OP_LHU: {
                        long va = r[rs1] + imm;
                        long vpn = va >>> PAGE_SHIFT;
                        int e = (int) vpn & TC_MASK;
                        long v;
                        if (((va & 1) | (rTag[e] ^ vpn)) == 0) {
                            v = (short) SHORT.get(rFrame[e], (int) va & PAGE_MASK) & 0xFFFF;
                            hits++;
                        } else {
                            v = loadSlow(va, 2);
                            if (fault != NO_FAULT) {
                                cause = fault;
                                break run;
                            }
                        }
                        r[rd] = v;
                        pc = next;
                        break;
                    }
                    case OP_LW: {
                        long va = r[rs1] + imm;
                        long vpn = va >>> PAGE_SHIFT;
                        int e = (int) vpn & TC_MASK;
                        long v;
                        if (((va & 3) | (rTag[e] ^ vpn)) == 0) {
                            v = (int) INT.get(rFrame[e], (int) va & PAGE_MASK);
                            hits++;
                        } else {
                            v = (int) loadSlow(va, 4);
                            if (fault != NO_FAULT) {
                                cause = fault;
                                break run;
                            }
                        }
                        r[rd] = v;
                        pc = next;
                        break;
                    }
                    case OP_LWU: {
                        long va = r[rs1] + imm;
                        long vpn = va >>> PAGE_SHIFT;
                        int e = (int) vpn & TC_MASK;
                        long v;
                        if (((va & 3) | (rTag[e] ^ vpn)) == 0) {
                            v = (int) INT.get(rFrame[e], (int) va & PAGE_MASK) & 0xFFFF_FFFFL;
                            hits++;
                        } else {
                            v = loadSlow(va, 4);
                            if (fault != NO_FAULT) {
                                cause = fault;
                                break run;
                            }
                        }
                        r[rd] = v;
                        pc = next;
                        break;
                    }
                    case OP_LD: {
                        long va = r[rs1] + imm;
                        long vpn = va >>> PAGE_SHIFT;
                        int e = (int) vpn & TC_MASK;
                        long v;
                        if (((va & 7) | (rTag[e] ^ vpn)) == 0) {
                            v = (long) LONG.get(rFrame[e], (int) va & PAGE_MASK);
                            hits++;
                        } else {
                            v = loadSlow(va, 8);
                            if (fault != NO_FAULT) {
                                cause = fault;
                                break run;
                            }
                        }
                        r[rd] = v;
                        pc = next;
                        break;
                    }
                    case OP_SB: {
                        long va = r[rs1] + imm;
                        long vpn = va >>> PAGE_SHIFT;
                        int e = (int) vpn & TC_MASK;
                        if (wTag[e] == vpn) {
                            wFrame[e][(int) va & PAGE_MASK] = (byte) r[rs2];
                            hits++;
                        } else if (!storeSlow(va, 1, r[rs2])) {
                            cause = fault;
                            break run;
                        }
                        pc = next;
                        break;
                    }
                    case OP_SH: {
                        long va = r[rs1] + imm;
                        long vpn = va >>> PAGE_SHIFT;
                        int e = (int) vpn & TC_MASK;
                        if (((va & 1) | (wTag[e] ^ vpn)) == 0) {
                            SHORT.set(wFrame[e], (int) va & PAGE_MASK, (short) r[rs2]);
                            hits++;
                        } else if (!storeSlow(va, 2, r[rs2])) {
                            cause = fault;
                            break run;
                        }
                        pc = next;
                        break;
                    }
                    case OP_SW: {
                        long va = r[rs1] + imm;
                        long vpn = va >>> PAGE_SHIFT;
                        int e = (int) vpn & TC_MASK;
                        if (((va & 3) | (wTag[e] ^ vpn)) == 0) {
                            INT.set(wFrame[e], (int) va & PAGE_MASK, (int) r[rs2]);
                            hits++;
                        } else if (!storeSlow(va, 4, r[rs2])) {
                            cause = fault;
                            break run;
                        }
                        pc = next;
                        break;
                    }
                    case OP_SD: {
                        long va = r[rs1] + imm;
                        long vpn = va >>> PAGE_SHIFT;
                        int e = (int) vpn & TC_MASK;
                        if (((va & 7) | (wTag[e] ^ vpn)) == 0) {
                            LONG.set(wFrame[e], (int) va & PAGE_MASK, r[rs2]);
                            hits++;
                        } else if (!storeSlow(va, 8, r[rs2])) {
                            cause = fault;
                            break run;
                        }
                        pc = next;
                        break;
                    }
                    case OP_ADDI:
                        r[rd] = r[rs1] + imm;
                        pc = next;
                        break;
                    case OP_SLTI:
                        r[rd] = r[rs1] < imm ? 1 : 0;
                        pc = next;
                        break;
                    case OP_SLTIU:
                        r[rd] = Long.compareUnsigned(r[rs1], imm) < 0 ? 1 : 0;
                        pc = next;
                        break;
                    case OP_XORI:
                        r[rd] = r[rs1] ^ imm;
                        pc = next;
                        break;
                    case OP_ORI:
                        r[rd] = r[rs1] | imm;
                        pc = next;
                        break;
                    case OP_ANDI:
                        r[rd] = r[rs1] & imm;
                        pc = next;
                        break;
                    case OP_SLLI:
                        r[rd] = r[rs1] << imm;
                        pc = next;
                        break;
                    case OP_SRLI:
                        r[rd] = r[rs1] >>> imm;
                        pc = next;
                        break;
                    case OP_SRAI:
                        r[rd] = r[rs1] >> imm;
                        pc = next;
                        break;
                    case OP_ADD:
                        r[rd] = r[rs1] + r[rs2];
                        pc = next;
                        break;
                    case OP_SUB:
                        r[rd] = r[rs1] - r[rs2];
                        pc = next;
                        break;
                    case OP_SLL:
                        r[rd] = r[rs1] << r[rs2]; // Java masks a long shift count to 6 bits, as RV64 does
                        pc = next;
                        break;
                    case OP_SLT:
                        r[rd] = r[rs1] < r[rs2] ? 1 : 0;
                        pc = next;
                        break;
                    case OP_SLTU:
                        r[rd] = Long.compareUnsigned(r[rs1], r[rs2]) < 0 ? 1 : 0;
                        pc = next;
                        break;
                    case OP_XOR:
                        r[rd] = r[rs1] ^ r[rs2];
                        pc = next;
                        break;
                    case OP_SRL:
                        r[rd] = r[rs1] >>> r[rs2];
                        pc = next;
                        break;
                    case OP_SRA:
                        r[rd] = r[rs1] >> r[rs2];
                        pc = next;
                        break;
                    case OP_OR:
                        r[rd] = r[rs1] | r[rs2];
                        pc = next;
                        break;
                    case OP_AND:
                        r[rd] = r[rs1] & r[rs2];
                        pc = next;
                        break;
                    case OP_ADDIW:
                        r[rd] = (int) (r[rs1] + imm);
                        pc = next;
                        break;
                    case OP_SLLIW:
                        r[rd] = (int) r[rs1] << imm;
                        pc = next;
                        break;
                    case OP_SRLIW:
                        r[rd] = (int) r[rs1] >>> imm;
                        pc = next;
                        break;
                    case OP_SRAIW:
                        r[rd] = (int) r[rs1] >> imm;
                        pc = next;
                        break;
                    case OP_ADDW:
                        r[rd] = (int) (r[rs1] + r[rs2]);
                        pc = next;
                        break;
                    case OP_SUBW:
                        r[rd] = (int) (r[rs1] - r[rs2]);
                        pc = next;
                        break;
                    case OP_SLLW:
                        r[rd] = (int) r[rs1] << (int) r[rs2]; // an int shift count is masked to 5 bits
                        pc = next;
                        break;
                    case OP_SRLW:
                        r[rd] = (int) r[rs1] >>> (int) r[rs2];
                        pc = next;
                        break;
                    case OP_SRAW:
                        r[rd] = (int) r[rs1] >> (int) r[rs2];
                        pc = next;
                        break;
                    case OP_MUL:
                        r[rd] = r[rs1] * r[rs2];
                        pc = next;
                        break;
                    case OP_MULH:
                        r[rd] = Math.multiplyHigh(r[rs1], r[rs2]);
                        pc = next;
                        break;
                    case OP_MULHSU: {
                        long a = r[rs1];
                        long b = r[rs2];
                        // Unsigned b is b + 2^64 when b < 0: the high word gains a.
                        r[rd] = Math.multiplyHigh(a, b) + (b < 0 ? a : 0);
                        pc = next;
                        break;
                    }
                    case OP_MULHU:
                        r[rd] = Math.unsignedMultiplyHigh(r[rs1], r[rs2]);
                        pc = next;
                        break;
                    case OP_DIV: {
                        long b = r[rs2];
                        // Java's MIN_VALUE / -1 is MIN_VALUE, as RISC-V's overflow result.
                        r[rd] = b == 0 ? -1 : r[rs1] / b;
                        pc = next;
                        break;
                    }
                    case OP_DIVU: {
                        long b = r[rs2];
                        r[rd] = b == 0 ? -1 : Long.divideUnsigned(r[rs1], b);
                        pc = next;
                        break;
                    }
                    case OP_REM: {
                        long b = r[rs2];
                        r[rd] = b == 0 ? r[rs1] : r[rs1] % b;
                        pc = next;
                        break;
                    }
                    case OP_REMU: {
                        long b = r[rs2];
                        r[rd] = b == 0 ? r[rs1] : Long.remainderUnsigned(r[rs1], b);
                        pc = next;
                        break;
                    }
                    case OP_MULW:
                        r[rd] = (int) r[rs1] * (int) r[rs2];
                        pc = next;
                        break;
                    case OP_DIVW: {
                        int b = (int) r[rs2];
                        r[rd] = b == 0 ? -1 : (int) r[rs1] / b;
                        pc = next;
                        break;
                    }
                    case OP_DIVUW: {
                        int b = (int) r[rs2];
                        r[rd] = b == 0 ? -1 : Integer.divideUnsigned((int) r[rs1], b);
                        pc = next;
                        break;
                    }
                    case OP_REMW: {
                        int b = (int) r[rs2];
                        r[rd] = b == 0 ? (int) r[rs1] : (int) r[rs1] % b;
                        pc = next;
                        break;
                    }
                    case OP_REMUW: {
                        int b = (int) r[rs2];
                        r[rd] = b == 0 ? (int) r[rs1] : Integer.remainderUnsigned((int) r[rs1], b);
                        pc = next;
                        break;
                    }
                    case OP_MV:
                        r[rd] = r[rs1];
                        pc = next;
                        break;
                    case OP_NOP, OP_FENCE:
                        pc = next;
                        break;
                    case OP_FENCE_I:
                        invalidateAllCode();
                        codePage = NO_PAGE;
                        fetchLine = NO_PAGE;
                        pc = next;
                        break;
                    case OP_ECALL:
                        cause = Cause.ECALL;
                        break run;
                    case OP_EBREAK:
                        tval = pc;
                        cause = Cause.BREAKPOINT;
                        break run;
                    case OP_CSRR:
                        r[rd] = csr((int) imm, s, retired, hits + slowHits);
                        pc = next;
                        break;
                    case OP_ATOMIC:
                        if (!atomic(s, rd, rs1, rs2, (int) imm)) {
                            cause = fault;
                            break run;
                        }
                        pc = next;
                        break;
                    default:
                        throw new AssertionError("undecodable operation " + ((int) d & 0xFF));
                }
            }
            retired++;
        }
        return stop(s, pc, retired, hits, cause);
    }

    /** Ends a run at {@code pc} for {@code cause}: the instructions and accesses go on the clock. */
    private int stop(HartState s, long pc, long retired, long hits, int cause) {
        s.pc = pc;
        s.instret += retired;
        s.afterCall = cause == Cause.ECALL;
        long accesses = hits + slowHits;
        tlb.countHits(accesses);
        clock.advance(retired * CostModel.INSTRUCTION + accesses * CostModel.MEMORY_ACCESS);
        return cause;
    }


    // ---------------------------------------------------------------- compiled blocks

    /** Interpreted executions of an instruction slot before a block is compiled from it. */
    private static final int HOT = 40;
    /** The times a region was tried at a hot slot (for tests: a slot no region can start at is never tried). */
    long compileAttempts;
    /** Largest region, in instructions. */
    private static final int MAX_BLOCK = 128;
    /** Times a page's blocks may be dropped by stores into it before it is no longer compiled. */
    private static final int MAX_DROPS = 32;

    /** The decoded code of one frame, with the blocks compiled from it. */
    static final class CodePage {
        /** Decoded instructions by 2-byte slot; the last entry is the frame number. */
        final long[] d;
        final byte[] heat = new byte[SLOTS];
        boolean compile;
        /** Compiled blocks by start slot, or null. */
        Block[] blocks;
        /** Slots covered by some block, a bit each. */
        private final long[] covered = new long[SLOTS / 64];
        private int drops;

        CodePage(long[] d, boolean compile) {
            this.d = d;
            this.compile = compile;
        }

        boolean covers(int first, int last) {
            for (int s = first; s <= last; s++) {
                if ((covered[s >>> 6] & 1L << s) != 0) {
                    return true;
                }
            }
            return false;
        }

        /** Marks slots {@code first} to {@code end} (exclusive) as compiled. */
        void cover(int first, int end) {
            if (blocks == null) {
                blocks = new Block[SLOTS];
            }
            for (int s = first; s < Math.min(end, SLOTS); s++) {
                covered[s >>> 6] |= 1L << s;
            }
        }

        /** Drops every block; true if there were any. */
        boolean dropBlocks() {
            if (blocks == null) {
                return false;
            }
            blocks = null;
            Arrays.fill(covered, 0);
            if (++drops > MAX_DROPS) {
                compile = false;
            }
            return true;
        }
    }

    /**
     * Compiles the region entered at {@code pc} on {@code page}; false if its first instruction
     * cannot be compiled. The region holds the instructions reachable from {@code pc} inside the
     * page: straight on (decoding as it goes), and through branches and direct jumps to
     * instructions already decoded (executed before), at most {@link #MAX_BLOCK} of them.
     */
    private boolean compileAt(CodePage page, long pc) {
        compileAttempts++;
        long[] c = page.d;
        int start = (int) pc & PAGE_MASK;
        boolean[] in = new boolean[SLOTS];
        int[] work = new int[2 * MAX_BLOCK + 2];
        int head = 0;
        int tail = 0;
        work[tail++] = start << 1 | 1;
        long[] ins = new long[MAX_BLOCK];
        int[] offs = new int[MAX_BLOCK];
        int n = 0;
        while (head < tail && n < MAX_BLOCK) {
            int w = work[head++];
            int off = w >>> 1;
            if (off < 0 || off >= PhysicalMemory.PAGE_SIZE || in[off >>> 1]) {
                continue;
            }
            long d = c[off >>> 1];
            if ((int) d == OP_DECODE) {
                if ((w & 1) == 0) {
                    continue; // never executed: left to the interpreter
                }
                d = decodeAt(c, off);
            }
            int op = (int) d & 0xFF;
            if (!BlockCompiler.compilable(op)) {
                continue;
            }
            in[off >>> 1] = true;
            offs[n] = off;
            ins[n] = d;
            n++;
            int next = off + BlockCompiler.length(d);
            if (op == OP_JAL) {
                work[tail++] = (int) (off + (d >> 32)) << 1;
            } else if (BlockCompiler.isBranch(op)) {
                work[tail++] = (int) (off + (d >> 32)) << 1;
                work[tail++] = next << 1;
            } else if (op != OP_JALR) {
                work[tail++] = next << 1 | 1;
            }
        }
        if (n == 0) {
            return false;
        }
        // Ascending page offsets.
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = (long) offs[i] << 32 | i;
        }
        Arrays.sort(keys);
        long[] si = new long[n];
        int[] so = new int[n];
        for (int i = 0; i < n; i++) {
            int j = (int) keys[i];
            si[i] = ins[j];
            so[i] = offs[j];
        }
        Block b = BlockCompiler.compile(si, so, n, start);
        if (b == null) {
            page.heat[start >>> 1] = 0;
            return false;
        }
        for (int i = 0; i < n; i++) {
            page.cover(so[i] >>> 1, (so[i] + BlockCompiler.length(si[i]) + 1) >>> 1);
        }
        page.blocks[start >>> 1] = b;
        return true;
    }

    // Frame accesses of compiled blocks, which test the translation cache inline: small enough
    // to be inlined everywhere ({@code off} is a page offset the block has checked for alignment).

    static long frameLH(byte[] f, int off) {
        return (short) SHORT.get(f, off);
    }

    static long frameLHU(byte[] f, int off) {
        return (short) SHORT.get(f, off) & 0xFFFF;
    }

    static long frameLW(byte[] f, int off) {
        return (int) INT.get(f, off);
    }

    static long frameLWU(byte[] f, int off) {
        return (int) INT.get(f, off) & 0xFFFF_FFFFL;
    }

    static long frameLD(byte[] f, int off) {
        return (long) LONG.get(f, off);
    }

    static void frameSH(byte[] f, int off, long v) {
        SHORT.set(f, off, (short) v);
    }

    static void frameSW(byte[] f, int off, long v) {
        INT.set(f, off, (int) v);
    }

    static void frameSD(byte[] f, int off, long v) {
        LONG.set(f, off, v);
    }

    // ---------------------------------------------------------------- fetch and decode (cold)

    /** Translates a fetch from a page not in the fetch cache; null with {@link #fault} set if it faults. */
    private CodePage fetchMiss(long pc) {
        fault = NO_FAULT;
        long pa = mmu.translate(cur.asid, cur.rootPfn, pc, Tlb.EXECUTE);
        if (pa < 0) {
            return fail(Cause.INSTRUCTION_PAGE_FAULT, pc);
        }
        if (!memory.isRam(pa)) {
            return fail(Cause.INSTRUCTION_ACCESS_FAULT, pc);
        }
        CodePage c = codeFor(pa >>> PAGE_SHIFT);
        if (cache != null) {
            return c; // not kept: the next line entered is translated and accessed anew
        }
        long vpn = pc >>> PAGE_SHIFT;
        int e = (int) vpn & TC_MASK;
        if (cur.fetchTag[e] == NO_PAGE) {
            cur.fetchFilled[cur.fetchCount++] = e;
        }
        cur.fetchTag[e] = vpn;
        fills++;
        cur.fetchCode[e] = c;
        return c;
    }

    private CodePage fail(int cause, long address) {
        fault = cause;
        tval = address;
        return null;
    }

    /** Decodes the instruction at {@code pc} into its slot of {@code code}, and watches the frame. */
    private long decodeAt(long[] code, long pc) {
        long pfn = code[SLOTS];
        byte[] frame = memory.frameArray(pfn);
        int off = (int) pc & PAGE_MASK;
        int low = frame == null ? 0 : (short) SHORT.get(frame, off) & 0xFFFF;
        long d;
        if (!isWide(low)) {
            d = decode(low);
        } else if (off == PhysicalMemory.PAGE_SIZE - 2) {
            d = OP_CROSS; // its second half is on the next page, whose mapping may change: not cached
        } else {
            d = decode32(frame == null ? 0 : (int) INT.get(frame, off));
        }
        code[off >>> 1] = d;
        memory.watchFrame(pfn);
        return d;
    }

    /** Fetches and decodes the 32-bit instruction at the last slot of a page; sets {@link #fault} if its second half faults. */
    private long crossing(long[] code, long pc) {
        fault = NO_FAULT;
        byte[] frame = memory.frameArray(code[SLOTS]);
        int low = frame == null ? 0 : (short) SHORT.get(frame, PhysicalMemory.PAGE_SIZE - 2) & 0xFFFF;
        long high = pc + 2;
        long pa = mmu.translate(cur.asid, cur.rootPfn, high, Tlb.EXECUTE);
        if (pa < 0) {
            fail(Cause.INSTRUCTION_PAGE_FAULT, high);
            return 0;
        }
        if (!memory.isRam(pa)) {
            fail(Cause.INSTRUCTION_ACCESS_FAULT, high);
            return 0;
        }
        return decode32(low | memory.load16(pa) << 16);
    }

    /** The decoded code of frame {@code pfn}, made if there is none. */
    private CodePage codeFor(long pfn) {
        CodePage c = codeOf(pfn);
        if (c != null) {
            return c;
        }
        int chunk = (int) (pfn >>> CODE_CHUNK_SHIFT);
        if (code[chunk] == null) {
            code[chunk] = new CodePage[1 << CODE_CHUNK_SHIFT];
        }
        long[] d = new long[SLOTS + 1];
        d[SLOTS] = pfn;
        c = new CodePage(d, true);
        code[chunk][(int) pfn & ((1 << CODE_CHUNK_SHIFT) - 1)] = c;
        // Write entries made before the frame held code do not know of it: refill them, and
        // those of the parked caches when they come back.
        flushWrites();
        cur.cachesEpoch = ++codeEpoch;
        return c;
    }

    /** The decoded code of frame {@code pfn}, or null. */
    private CodePage codeOf(long pfn) {
        if (pfn < 0 || pfn >= memory.frames()) {
            return null;
        }
        CodePage[] chunk = code[(int) (pfn >>> CODE_CHUNK_SHIFT)];
        return chunk == null ? null : chunk[(int) pfn & ((1 << CODE_CHUNK_SHIFT) - 1)];
    }

    private CodePage[][] newCodeDirectory() {
        return new CodePage[(int) ((memory.frames() + (1 << CODE_CHUNK_SHIFT) - 1) >>> CODE_CHUNK_SHIFT)][];
    }

    /**
     * Clears the decoded slots that a store of {@code size} bytes at page offset {@code off}
     * overlaps, and the page's compiled blocks if one covers them.
     */
    private static void clearCode(CodePage p, int off, int size) {
        long[] c = p.d;
        // A 32-bit instruction starting 2 bytes before the store overlaps it too.
        int first = Math.max(0, (off - 2) >> 1);
        int last = (off + size - 1) >> 1;
        for (int slot = first; slot <= last; slot++) {
            c[slot] = 0;
        }
        if (p.blocks != null && p.covers(first, last)) {
            p.dropBlocks();
        }
    }

    private void flushTranslations() {
        flushReads();
        flushWrites();
        for (int i = 0; i < cur.fetchCount; i++) {
            int e = cur.fetchFilled[i];
            cur.fetchTag[e] = NO_PAGE;
            cur.fetchCode[e] = null;
        }
        cur.fetchCount = 0;
    }

    private void flushReads() {
        for (int i = 0; i < cur.readCount; i++) {
            int e = cur.readFilled[i];
            readTag[e] = NO_PAGE;
            readFrame[e] = null;
        }
        cur.readCount = 0;
    }

    private void flushWrites() {
        for (int i = 0; i < cur.writeCount; i++) {
            int e = cur.writeFilled[i];
            writeTag[e] = NO_PAGE;
            writeFrame[e] = null;
            cur.writeCode[e] = null;
        }
        cur.writeCount = 0;
    }

    // ---------------------------------------------------------------- loads and stores (slow paths)

    /**
     * The read-cache entry for a {@code size}-byte load at {@code va}, filled if need be:
     * {@link #ENTRY_DEVICE} with {@link #devicePa} set for device registers, {@link #ENTRY_FAULT}
     * with {@link #fault} set if the load faults.
     */
    private int readEntry(long va, int size) {
        fault = NO_FAULT;
        if ((va & (size - 1)) != 0) {
            fail(Cause.LOAD_MISALIGNED, va);
            return ENTRY_FAULT;
        }
        long vpn = va >>> PAGE_SHIFT;
        int e = (int) vpn & TC_MASK;
        if (readTag[e] == vpn) {
            slowHits++;
            return e;
        }
        long pa = mmu.translate(cur.asid, cur.rootPfn, va, Tlb.READ);
        if (pa < 0) {
            fail(Cause.LOAD_PAGE_FAULT, va);
            return ENTRY_FAULT;
        }
        if (!memory.isRam(pa)) {
            if (memory.isDevice(pa)) {
                devicePa = pa;
                return ENTRY_DEVICE;
            }
            fail(Cause.LOAD_ACCESS_FAULT, va);
            return ENTRY_FAULT;
        }
        byte[] frame = memory.frameArray(pa >>> PAGE_SHIFT);
        if (cache != null) {
            // For this access only: the tag stays empty, so the next access is translated and accessed anew.
            readFrame[e] = frame == null ? ZERO_PAGE : frame;
            return e;
        }
        if (readTag[e] == NO_PAGE) {
            cur.readFilled[cur.readCount++] = e;
        }
        readTag[e] = vpn;
        fills++;
        readFrame[e] = frame == null ? ZERO_PAGE : frame;
        return e;
    }

    /** Like {@link #readEntry} for a store or AMO: backs an unbacked frame. */
    private int writeEntry(long va, int size) {
        fault = NO_FAULT;
        if ((va & (size - 1)) != 0) {
            fail(Cause.STORE_MISALIGNED, va);
            return ENTRY_FAULT;
        }
        long vpn = va >>> PAGE_SHIFT;
        int e = (int) vpn & TC_MASK;
        if ((writeTag[e] & ~CODE_TAG) == vpn) {
            slowHits++;
            return e;
        }
        long pa = mmu.translate(cur.asid, cur.rootPfn, va, Tlb.WRITE);
        if (pa < 0) {
            fail(Cause.STORE_PAGE_FAULT, va);
            return ENTRY_FAULT;
        }
        if (!memory.isRam(pa)) {
            if (memory.isDevice(pa)) {
                devicePa = pa;
                return ENTRY_DEVICE;
            }
            fail(Cause.STORE_ACCESS_FAULT, va);
            return ENTRY_FAULT;
        }
        long pfn = pa >>> PAGE_SHIFT;
        byte[] frame = memory.frameArray(pfn);
        if (frame == null) {
            frame = memory.frameArrayForStore(pfn);
            // Read entries may show this frame as the zero page: they must see the stores from now on.
            flushReads();
        }
        CodePage c = codeOf(pfn);
        if (cache != null) {
            // For this access only, as in readEntry.
            writeFrame[e] = frame;
            cur.writeCode[e] = c;
            return e;
        }
        if (writeTag[e] == NO_PAGE) {
            cur.writeFilled[cur.writeCount++] = e;
        }
        writeTag[e] = c == null ? vpn : vpn | CODE_TAG;
        fills++;
        writeFrame[e] = frame;
        cur.writeCode[e] = c;
        return e;
    }

    /** A load the fast path did not serve: its value zero-extended, or {@link #fault} set. */
    private long loadSlow(long va, int size) {
        int e = readEntry(va, size);
        if (e == ENTRY_FAULT) {
            return 0;
        }
        if (e == ENTRY_DEVICE) {
            return switch (size) {
                case 1 -> memory.load8(devicePa);
                case 2 -> memory.load16(devicePa);
                case 4 -> memory.load32(devicePa);
                default -> memory.load64(devicePa);
            };
        }
        byte[] f = readFrame[e];
        int off = (int) va & PAGE_MASK;
        return switch (size) {
            case 1 -> f[off] & 0xFF;
            case 2 -> (short) SHORT.get(f, off) & 0xFFFF;
            case 4 -> (int) INT.get(f, off) & 0xFFFF_FFFFL;
            default -> (long) LONG.get(f, off);
        };
    }

    /** A store the fast path did not serve; false with {@link #fault} set if it faults. */
    private boolean storeSlow(long va, int size, long value) {
        int e = writeEntry(va, size);
        if (e == ENTRY_FAULT) {
            return false;
        }
        if (e == ENTRY_DEVICE) {
            switch (size) {
                case 1 -> memory.store8(devicePa, value);
                case 2 -> memory.store16(devicePa, value);
                case 4 -> memory.store32(devicePa, value);
                default -> memory.store64(devicePa, value);
            }
            return true;
        }
        storeRam(e, (int) va & PAGE_MASK, size, value);
        return true;
    }

    private void storeRam(int e, int off, int size, long value) {
        byte[] f = writeFrame[e];
        switch (size) {
            case 1 -> f[off] = (byte) value;
            case 2 -> SHORT.set(f, off, (short) value);
            case 4 -> INT.set(f, off, (int) value);
            default -> LONG.set(f, off, value);
        }
        CodePage c = cur.writeCode[e];
        if (c != null) {
            clearCode(c, off, size);
        }
    }

    // ---------------------------------------------------------------- CSRs and atomics (cold)

    private long csr(int csr, HartState s, long retired, long hits) {
        return switch (csr) {
            // The clock has not yet been charged for this run's instructions and cached accesses.
            case CSR_CYCLE -> clock.cycles() + retired * CostModel.INSTRUCTION + hits * CostModel.MEMORY_ACCESS;
            case CSR_TIME -> clock.timeAfter(retired * CostModel.INSTRUCTION + hits * CostModel.MEMORY_ACCESS);
            case CSR_INSTRET -> s.instret + retired;
            default -> throw new AssertionError("undecodable CSR 0x" + Integer.toHexString(csr));
        };
    }

    /**
     * Executes {@code lr}, {@code sc} or an AMO ("A" extension); {@code op} is funct5, plus 32 for
     * the doubleword form. False with {@link #fault} set if it faults; then nothing changed.
     */
    private boolean atomic(HartState s, int rd, int rs1, int rs2, int op) {
        long[] r = regs;
        boolean doubleword = (op & 32) != 0;
        int size = doubleword ? 8 : 4;
        int f5 = op & 31;
        long va = r[rs1];
        if (f5 == AMO_LR) {
            int e = readEntry(va, size);
            if (e == ENTRY_DEVICE) {
                fail(Cause.LOAD_ACCESS_FAULT, va);
                return false;
            }
            if (e == ENTRY_FAULT) {
                return false;
            }
            byte[] f = readFrame[e];
            int off = (int) va & PAGE_MASK;
            r[rd] = doubleword ? (long) LONG.get(f, off) : (int) INT.get(f, off);
            s.reserved = true;
            s.reservation = va;
            return true;
        }
        if (f5 == AMO_SC) {
            if ((va & (size - 1)) != 0) {
                fail(Cause.STORE_MISALIGNED, va);
                return false;
            }
            if (!s.reserved || s.reservation != va) {
                s.reserved = false;
                r[rd] = 1;
                return true;
            }
        }
        int e = writeEntry(va, size);
        if (e == ENTRY_DEVICE) {
            fail(Cause.STORE_ACCESS_FAULT, va);
            return false;
        }
        if (e == ENTRY_FAULT) {
            return false;
        }
        if (f5 == AMO_SC) {
            storeRam(e, (int) va & PAGE_MASK, size, r[rs2]);
            s.reserved = false;
            r[rd] = 0;
            return true;
        }
        byte[] f = writeFrame[e];
        int off = (int) va & PAGE_MASK;
        long old = doubleword ? (long) LONG.get(f, off) : (int) INT.get(f, off);
        long src = doubleword ? r[rs2] : (int) r[rs2];
        long result = switch (f5) {
            case AMO_SWAP -> src;
            case AMO_ADD -> old + src;
            case AMO_XOR -> old ^ src;
            case AMO_AND -> old & src;
            case AMO_OR -> old | src;
            case AMO_MIN -> Math.min(old, src);
            case AMO_MAX -> Math.max(old, src);
            // The .W forms compare the sign-extended words as unsigned 64-bit values: the same order as 32-bit unsigned.
            case AMO_MINU -> Long.compareUnsigned(old, src) < 0 ? old : src;
            case AMO_MAXU -> Long.compareUnsigned(old, src) > 0 ? old : src;
            default -> throw new AssertionError("undecodable AMO " + f5);
        };
        storeRam(e, off, size, result);
        r[rd] = old;
        return true;
    }

    @Override
    public String toString() {
        return "Hart[asid " + cur.asid + ", root 0x" + Long.toHexString(cur.rootPfn) + "]";
    }
}
