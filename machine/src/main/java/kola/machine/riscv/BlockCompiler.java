package kola.machine.riscv;

import static kola.machine.riscv.Decoder.*;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;

/**
 * Compiles a region of decoded instructions into a hidden class extending {@link Block}: the
 * registers it uses live in JVM locals while it runs, and each one it sets is written through to
 * the hart's register file (so that leaving keeps none live); a load or store tests the hart's
 * translation cache (or, in a loop, the page its last access used, kept in locals: a site) in the
 * region's own bytecode and reads or writes the frame there. On a miss the region leaves before
 * the access, for the hart to perform it: the region calls nothing, which lets the JIT keep the
 * hot values of its loops in registers. A store into a frame that holds decoded code always
 * misses (its cache entry is marked).
 *
 * <p>A small loop whose loads and stores all have sites also gets a fast copy, entered from
 * everywhere the loop is entered: in it the sites do not change (a site that misses goes on in
 * the region's code at that instruction, which refills it, and comes back at the loop's head),
 * so the JIT sees each site's frame as invariant and takes its tests out of the loop; its
 * registers are written back only when it is left.
 */
final class BlockCompiler {

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final ClassDesc CD_BLOCK = ClassDesc.of("kola.machine.riscv.Block");
    private static final ClassDesc CD_HART = ClassDesc.of("kola.machine.riscv.Hart");
    private static final ClassDesc CD_BC = ClassDesc.of("kola.machine.riscv.BlockCompiler");
    private static final ClassDesc CD_LONGS = ConstantDescs.CD_long.arrayType();
    private static final MethodTypeDesc MT_RUN = MethodTypeDesc.of(ConstantDescs.CD_long, CD_HART, CD_LONGS, ConstantDescs.CD_long,
            ConstantDescs.CD_int);
    private static final MethodTypeDesc MT_LL_L = MethodTypeDesc.of(ConstantDescs.CD_long, ConstantDescs.CD_long, ConstantDescs.CD_long);
    private static final ClassDesc CD_MATH = ClassDesc.of("java.lang.Math");

    // locals of run
    private static final int H = 1;
    private static final int R = 2;
    private static final int BASE = 3;
    private static final int BUD = 5;
    /**
     * The budget left: the budget less the instructions of the straight-line runs entered so
     * far. It never goes negative: where it is tested, it covers every path to the next test.
     */
    private static final int REM = 6;
    /** Loads and stores of the runs entered so far (each a translation-cache hit). */
    private static final int ACC = 7;
    private static final int XR = 8;
    private static final int NPC = 9;
    /** x1..x31 in locals REGS + 2 * x. */
    private static final int REGS = 14;
    /** The hart's translation caches ({@link Hart#readTag} and friends), taken once at entry. */
    private static final int RTAG = REGS + 64;
    private static final int RFRAME = RTAG + 1;
    private static final int WTAG = RFRAME + 1;
    private static final int WFRAME = WTAG + 1;
    /** The virtual address of the load or store being executed. */
    private static final int VA = WFRAME + 1;
    /**
     * Each load or store of a loop (a site) keeps the page of its last access in locals: at
     * SITES + 3 * k the page's virtual address (-1: none), at + 2 its frame. A site's hit is one
     * compare; it is filled from the translation cache, and all sites are emptied after a slow path,
     * which may have changed the cache (a store that backs a frame read so far as the zero page).
     */
    private static final int SITES = VA + 2;
    /** Most sites of a region. */
    private static final int MAX_SITES = 8;
    /** A frame being filled into a site. */
    private static final int FRAME = SITES + 3 * MAX_SITES;
    /** Largest region with sites: larger ones take the JIT longer than sites save. */
    private static final int MAX_SITE_REGION = 64;
    /** Largest loop with a fast copy, in instructions. */
    private static final int MAX_FAST = 24;
    private static final ClassDesc CD_FRAME = ConstantDescs.CD_byte.arrayType();
    private static final ClassDesc CD_FRAMES = CD_FRAME.arrayType();
    private static final MethodTypeDesc MT_FRAME_LOAD = MethodTypeDesc.of(ConstantDescs.CD_long, CD_FRAME, ConstantDescs.CD_int);
    private static final MethodTypeDesc MT_FRAME_STORE = MethodTypeDesc.of(ConstantDescs.CD_void, CD_FRAME, ConstantDescs.CD_int,
            ConstantDescs.CD_long);

    private BlockCompiler() {
    }

    /** Tells whether a block may hold the operation. */
    static boolean compilable(int op) {
        return switch (op) {
            case OP_DECODE, OP_CROSS, OP_ILLEGAL, OP_FENCE_I, OP_ECALL, OP_EBREAK, OP_CSRR, OP_ATOMIC -> false;
            default -> true;
        };
    }

    /** Tells whether the operation ends a straight-line run (it sets the pc). */
    static boolean endsBlock(int op) {
        return switch (op) {
            case OP_JAL, OP_JALR, OP_BEQ, OP_BNE, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU -> true;
            default -> false;
        };
    }

    static boolean isBranch(int op) {
        return op >= OP_BEQ && op <= OP_BGEU;
    }

    /** Tells whether the operation writes {@code rd}. */
    private static boolean writes(int op) {
        return switch (op) {
            case OP_BEQ, OP_BNE, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU, OP_SB, OP_SH, OP_SW, OP_SD, OP_NOP, OP_FENCE -> false;
            default -> true;
        };
    }

    static int length(long d) {
        return 4 - ((int) (d >>> 23) & 2);
    }

    /** Bytecode size above which HotSpot would not compile the method (DontCompileHugeMethods). */
    private static final int HUGE = 7900;

    /**
     * The state of one compilation: the region's instructions {@code ins} at page offsets
     * {@code offs} (ascending), {@code n} of them, entered at index 0.
     */
    private static final class Region {
        final long[] ins;
        final int[] offs;
        final int n;
        /** Index of the instruction at a page offset / 2, or -1. */
        final int[] index = new int[2048 + 2];
        final boolean[] leader;
        final Label[] label;
        /** Straight-line run length from each leader. */
        final int[] runLen;
        /** Leaders where the budget is tested, and for each leader the most instructions retired from it before the next test. */
        final boolean[] check;
        final int[] maxPath;
        /** Loads and stores before each instruction in the layout. */
        final int[] memBefore;
        final java.util.List<java.util.function.Consumer<CodeBuilder>> stubs = new java.util.ArrayList<>();
        final boolean[] used = new boolean[33];
        Label exitR;
        Label exit;
        /** Whether some load, some store has no site (and tests the cache through locals). */
        boolean loads;
        boolean stores;
        /** Site number of each load and store of a loop, else -1; the number of sites. */
        final int[] site;
        int sites;
        /** Index of the leader of the run being emitted, and that run's length. */
        int lead;
        int lead_len;
        /**
         * Fast copies: the loop whose head is at index {@code i} has a fast copy of its
         * instructions {@code i} to {@code fastEnd[i]} (inclusive), else {@code fastEnd[i]} is -1.
         */
        final int[] fastEnd;
        /** The fast copy holding each instruction, by its head's index, else -1. */
        final int[] fastOf;
        /** By a fast copy's head: the registers its instructions write (bit x for x{@code x}). */
        final long[] fastWrites;
        /** Labels of the fast copies' instructions (their leaders, before the budget test). */
        final Label[] fastLabel;
        /**
         * Each fast copy's entry from outside it, just before its head: its own backward branch
         * goes to the head, so the head starts an inner loop in which the sites do not change.
         */
        final Label[] preLabel;
        /** Labels of the loads and stores of loops with a fast copy, in the region's code, before the address. */
        final Label[] memLabel;
        /** Labels already bound: a branch to one of them goes backwards. */
        final boolean[] bound;
        final boolean[] fastBound;
        /** Head of the fast copy being emitted, or -1. */
        int fast = -1;

        Region(long[] ins, int[] offs, int n) {
            this.ins = ins;
            this.offs = offs;
            this.n = n;
            java.util.Arrays.fill(index, -1);
            for (int i = 0; i < n; i++) {
                index[offs[i] >>> 1] = i;
            }
            leader = new boolean[n];
            memBefore = new int[n + 1];
            for (int i = 0; i < n; i++) {
                int op = (int) ins[i] & 0xFF;
                memBefore[i + 1] = memBefore[i] + (op >= OP_LB && op <= OP_SD ? 1 : 0);
            }
            label = new Label[n];
            runLen = new int[n];
            leader[0] = true;
            for (int i = 0; i < n; i++) {
                long d = ins[i];
                int op = (int) d & 0xFF;
                int ft = offs[i] + length(d);
                if (isBranch(op) || op == OP_JAL) {
                    int t = at(offs[i] + (int) (d >> 32));
                    if (t >= 0) {
                        leader[t] = true;
                    }
                }
                if (isBranch(op)) {
                    int f = at(ft);
                    if (f >= 0) {
                        leader[f] = true;
                    }
                } else if (!endsBlock(op)) {
                    int f = at(ft);
                    if (f >= 0 && f != i + 1) {
                        leader[f] = true;
                    }
                }
                int rd = (int) (d >>> 8) & 63;
                if (writes(op) && rd != SINK) {
                    used[rd] = true;
                }
                used[(int) (d >>> 14) & 31] = true;
                used[(int) (d >>> 19) & 31] = true;
            }
            used[0] = false;
            site = new int[n];
            java.util.Arrays.fill(site, -1);
            if (n <= MAX_SITE_REGION) {
                // The loads and stores of the region's loops (a backward branch or jump and its target), the smallest loops first.
                java.util.List<int[]> loops = new java.util.ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int op = (int) ins[i] & 0xFF;
                    if (isBranch(op) || op == OP_JAL) {
                        long t = offs[i] + (ins[i] >> 32);
                        if (t <= offs[i] && at(t) >= 0) {
                            loops.add(new int[] {(int) t, offs[i]});
                        }
                    }
                }
                loops.sort(java.util.Comparator.comparingInt(l -> l[1] - l[0]));
                for (int[] l : loops) {
                    for (int i = 0; i < n && sites < MAX_SITES; i++) {
                        int op = (int) ins[i] & 0xFF;
                        if (op >= OP_LB && op <= OP_SD && site[i] < 0 && offs[i] >= l[0] && offs[i] <= l[1]) {
                            site[i] = sites++;
                        }
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                int op = (int) ins[i] & 0xFF;
                loads |= op >= OP_LB && op <= OP_LWU && site[i] < 0;
                stores |= op >= OP_SB && op <= OP_SD && site[i] < 0;
            }
            fastEnd = new int[n];
            fastOf = new int[n];
            fastWrites = new long[n];
            java.util.Arrays.fill(fastEnd, -1);
            java.util.Arrays.fill(fastOf, -1);
            if (n <= MAX_SITE_REGION) {
                chooseFastLoops();
            }
            fastLabel = new Label[n];
            preLabel = new Label[n];
            memLabel = new Label[n];
            bound = new boolean[n];
            fastBound = new boolean[n];
            for (int i = 0; i < n; i++) {
                if (leader[i]) {
                    int len = 1;
                    int j = i;
                    while (!endsBlock((int) ins[j] & 0xFF)) {
                        int f = at(offs[j] + length(ins[j]));
                        if (f < 0 || leader[f]) {
                            break;
                        }
                        j = f;
                        len++;
                    }
                    runLen[i] = len;
                }
            }
            // The budget is tested where paths can come back (the entry, and every target of a
            // branch or jump backwards in the layout): for the most instructions any path from
            // there retires before it reaches such a point again or leaves.
            check = new boolean[n];
            maxPath = new int[n];
            check[0] = true;
            for (int i = 0; i < n; i++) {
                for (int t : successors(i)) {
                    if (t >= 0 && t <= i) {
                        check[t] = true;
                    }
                }
            }
            for (int l = n - 1; l >= 0; l--) {
                if (leader[l]) {
                    int j = l + runLen[l] - 1;
                    int most = 0;
                    for (int t : successors(j)) {
                        if (t > j && !check[t]) {
                            most = Math.max(most, maxPath[t]);
                        }
                    }
                    maxPath[l] = runLen[l] + most;
                }
            }
        }

        /** The instructions where control may go after instruction {@code i} (-1 for outside the region). */
        int[] successors(int i) {
            long d = ins[i];
            int op = (int) d & 0xFF;
            int next = at(offs[i] + length(d));
            int target = at(offs[i] + (d >> 32));
            if (isBranch(op)) {
                return new int[] {target, next};
            }
            return switch (op) {
                case OP_JAL -> new int[] {target};
                case OP_JALR -> new int[0];
                default -> new int[] {next};
            };
        }

        /**
         * Chooses the loops that get a fast copy: the smallest loops first, each contiguous in the
         * layout, of at most {@link #MAX_FAST} instructions, not overlapping one chosen before,
         * with a site for every load and store.
         */
        private void chooseFastLoops() {
            java.util.List<int[]> loops = new java.util.ArrayList<>();
            for (int b = 0; b < n; b++) {
                int op = (int) ins[b] & 0xFF;
                if (isBranch(op) || op == OP_JAL) {
                    int t = at(offs[b] + (ins[b] >> 32));
                    if (t >= 0 && t <= b && b - t < MAX_FAST) {
                        loops.add(new int[] {t, b});
                    }
                }
            }
            loops.sort(java.util.Comparator.comparingInt(l -> l[1] - l[0]));
            next:
            for (int[] l : loops) {
                int t = l[0];
                int b = l[1];
                for (int j = t; j <= b; j++) {
                    int op = (int) ins[j] & 0xFF;
                    boolean mem = op >= OP_LB && op <= OP_SD;
                    // Ascending offsets: the loop does not wrap around the layout's rotation.
                    if (fastOf[j] >= 0 || (mem && site[j] < 0) || (j > t && offs[j] < offs[j - 1])) {
                        continue next;
                    }
                }
                fastEnd[t] = b;
                for (int j = t; j <= b; j++) {
                    fastOf[j] = t;
                    int rd = (int) (ins[j] >>> 8) & 63;
                    if (writes((int) ins[j] & 0xFF) && rd != SINK) {
                        fastWrites[t] |= 1L << rd;
                    }
                }
            }
        }

        /** Index of the instruction at page offset {@code off}, or -1. */
        int at(long off) {
            return off < 0 || off >= 4096 ? -1 : index[(int) off >>> 1];
        }
    }

    /**
     * Compiles the region of {@code n} instructions {@code ins} at page offsets {@code offs}
     * (ascending; the entry is {@code entry}); null if its bytecode would be too large.
     */
    static Block compile(long[] ins, int[] offs, int n, int entry) {
        Key key = new Key(ins, offs, entry);
        Block b = CACHE.get(key);
        if (b == null) {
            b = build(ins, offs, n, entry);
            if (CACHE.size() >= CACHE_LIMIT) {
                CACHE.clear();
            }
            CACHE.put(key, b == null ? TOO_LARGE : b);
        }
        return b == TOO_LARGE ? null : b;
    }

    /**
     * Compiled regions by their instructions: harts (and later runs of a program) that execute
     * the same code share its class, and the JIT's work on it. A block holds no state of a hart.
     */
    private static final java.util.concurrent.ConcurrentHashMap<Key, Block> CACHE = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 8192;
    private static final Block TOO_LARGE = new Block() {
        @Override
        long run(Hart h, long[] r, long base, int budget) {
            throw new AssertionError();
        }
    };

    private record Key(long[] ins, int[] offs, int entry) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.entry == entry && java.util.Arrays.equals(k.ins, ins) && java.util.Arrays.equals(k.offs, offs);
        }

        @Override
        public int hashCode() {
            return (java.util.Arrays.hashCode(ins) * 31 + java.util.Arrays.hashCode(offs)) * 31 + entry;
        }
    }

    private static Block build(long[] ins, int[] offs, int n, int entry) {
        // Lay out the entry first: the run protocol needs the entry at index 0.
        long[] si = new long[n];
        int[] so = new int[n];
        int e = 0;
        for (int i = 0; i < n; i++) {
            if (offs[i] == entry) {
                e = i;
            }
        }
        // Rotate so that the entry comes first, the rest stays ascending from there.
        for (int i = 0; i < n; i++) {
            si[i] = ins[(e + i) % n];
            so[i] = offs[(e + i) % n];
        }
        Region g = new Region(si, so, n);
        byte[] bytes = ClassFile.of().build(ClassDesc.of("kola.machine.riscv.CompiledBlock"), cb -> {
            cb.withSuperclass(CD_BLOCK);
            cb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            cb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC,
                    co -> co.aload(0).invokespecial(CD_BLOCK, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void).return_());
            cb.withMethodBody("run", MT_RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, co -> emitRegion(co, g));
        });
        int size = ClassFile.of().parse(bytes).methods().stream().filter(m -> m.methodName().equalsString("run"))
                .findFirst().flatMap(m -> m.findAttribute(java.lang.classfile.Attributes.code()))
                .map(c -> c.codeLength()).orElse(0);
        if (size > HUGE) {
            return null;
        }
        try {
            MethodHandles.Lookup l = LOOKUP.defineHiddenClass(bytes, true);
            Block b = (Block) l.findConstructor(l.lookupClass(), java.lang.invoke.MethodType.methodType(void.class)).invoke();
            b.length = g.maxPath[0];
            return b;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot define a compiled block", t);
        }
    }

    private static int regLocal(int x) {
        return REGS + 2 * x;
    }

    private static void emitRegion(CodeBuilder co, Region g) {
        g.exitR = co.newLabel();
        g.exit = co.newLabel();
        for (int i = 0; i < g.n; i++) {
            g.label[i] = co.newLabel();
            g.fastLabel[i] = co.newLabel();
            g.preLabel[i] = co.newLabel();
            g.memLabel[i] = co.newLabel();
        }
        co.iload(BUD).istore(REM);
        co.iconst_0().istore(ACC);
        co.iconst_0().istore(XR);
        co.lconst_0().lstore(NPC);
        co.lconst_0().lstore(VA);
        for (int k = 0; k < g.sites; k++) {
            co.loadConstant(-1L).lstore(SITES + 3 * k);
            // Never null, so that the JIT need not test it (and can take its length out of loops): an empty
            // site's tag matches no address, so its frame is never accessed.
            co.getstatic(CD_HART, "ZERO_PAGE", CD_FRAME).astore(SITES + 3 * k + 2);
        }
        // Accesses without a site test the cache with these locals; sites fill from the hart's fields.
        if (g.loads) {
            co.aload(H).getfield(CD_HART, "readTag", CD_LONGS).astore(RTAG);
            co.aload(H).getfield(CD_HART, "readFrame", CD_FRAMES).astore(RFRAME);
        }
        if (g.stores) {
            co.aload(H).getfield(CD_HART, "writeTag", CD_LONGS).astore(WTAG);
            co.aload(H).getfield(CD_HART, "writeFrame", CD_FRAMES).astore(WFRAME);
        }
        for (int x = 1; x < 32; x++) {
            if (g.used[x]) {
                co.aload(R).loadConstant(x).laload().lstore(regLocal(x));
            }
        }
        for (int i = 0; i < g.n; i++) {
            if (g.leader[i]) {
                co.labelBinding(g.label[i]);
                g.bound[i] = true;
                if (g.fastEnd[i] >= 0) {
                    // Its fast copy runs the loop; this copy is entered only at its loads and stores.
                    g.lead = i;
                    g.lead_len = g.runLen[i];
                    co.goto_(g.preLabel[i]);
                } else {
                    budget(co, g, i);
                }
            }
            if (g.fastOf[i] >= 0) {
                co.labelBinding(g.memLabel[i]);
            }
            emit(co, g, i);
        }
        for (int h = 0; h < g.n; h++) {
            if (g.fastEnd[h] < 0) {
                continue;
            }
            g.fast = h;
            co.labelBinding(g.preLabel[h]);
            co.nop(); // a block of its own: the head's only entry from outside the inner loop
            for (int i = h; i <= g.fastEnd[h]; i++) {
                if (g.leader[i]) {
                    co.labelBinding(g.fastLabel[i]);
                    g.fastBound[i] = true;
                    budget(co, g, i);
                }
                emit(co, g, i);
            }
            g.fast = -1;
        }
        for (var s : g.stubs) {
            s.accept(co);
        }
        // Every exit: XR instructions retired, NPC the pc to return.
        co.labelBinding(g.exitR);
        co.iload(BUD).iload(REM).isub().istore(XR);
        co.labelBinding(g.exit);
        spill(co, g);
        co.aload(H).iload(XR).putfield(CD_HART, "exitRetired", ConstantDescs.CD_int);
        co.lload(NPC).lreturn();
    }

    /**
     * At the leader {@code i}: counts its straight-line run. Where the budget is tested, first
     * leaves unless the budget covers every path from here to the next test.
     */
    private static void budget(CodeBuilder co, Region g, int i) {
        g.lead = i;
        g.lead_len = g.runLen[i];
        int len = g.runLen[i];
        int off = g.offs[i];
        int mem = g.memBefore[i + len] - g.memBefore[i];
        if (g.check[i]) {
            Label over = co.newLabel();
            co.iload(REM).loadConstant(g.maxPath[i]).if_icmplt(over);
            int fast = g.fast;
            g.stubs.add(c -> {
                c.labelBinding(over);
                writeBack(c, g, fast);
                pc(c, off);
                c.lstore(NPC);
                c.aload(H).iconst_1().putfield(CD_HART, "budgetExit", ConstantDescs.CD_boolean);
                c.goto_(g.exitR);
            });
        }
        co.iinc(REM, -len);
        if (mem > 0) {
            co.iinc(ACC, mem);
        }
    }

    /** At every exit: adds the accesses counted to the hart's (the registers are in its register file already). */
    private static void spill(CodeBuilder co, Region g) {
        co.aload(H).dup().getfield(CD_HART, "slowHits", ConstantDescs.CD_long).iload(ACC).i2l().ladd()
                .putfield(CD_HART, "slowHits", ConstantDescs.CD_long);
    }

    private static final int PAGE_MASK = 4095;

    /**
     * Pushes the frame of the access of {@code size} bytes at {@link #VA} by instruction {@code i}:
     * from site {@code sk}'s locals if its page is there (or from the translation cache if
     * {@code sk} is -1), filling the site from the cache if the page is there; else leaves the
     * region before the access, for the hart to perform it. In a fast copy, a site that misses
     * goes on in the region's code instead, which fills it.
     */
    private static void frame(CodeBuilder co, int sk, int tags, int frames, int size, Region g, int i) {
        int tag = SITES + 3 * sk;
        if (g.fast >= 0 && sk >= 0) {
            Label hit = co.newLabel();
            // Forward on a hit: a backward branch after lcmp would keep its result for the safepoint there.
            co.lload(VA).loadConstant(-(long) (PAGE_MASK + 1) | (size - 1)).land().lload(tag).lcmp().ifeq(hit);
            writeBack(co, g, g.fast);
            co.goto_(g.memLabel[i]);
            co.labelBinding(hit);
            co.aload(tag + 2);
            return;
        }
        Label miss = co.newLabel();
        int k = i - g.lead;
        int runLen = g.lead_len;
        // The access and those after it in its run were counted when the run was entered.
        int accFix = g.memBefore[i] - g.memBefore[g.lead + runLen];
        long off = g.offs[i];
        int fast = g.fast;
        g.stubs.add(c -> {
            c.labelBinding(miss);
            writeBack(c, g, fast);
            c.iload(BUD).iload(REM).isub().loadConstant(k - runLen).iadd().istore(XR);
            if (accFix != 0) {
                c.iinc(ACC, accFix);
            }
            pc(c, off);
            c.lconst_1().lor().lstore(NPC);
            c.goto_(g.exit);
        });
        if (sk < 0) {
            co.aload(tags);
            hit(co, size, miss);
            co.aload(frames);
            entry(co);
            co.aaload();
            return;
        }
        Label hit = co.newLabel();
        Label fill = co.newLabel();
        co.lload(VA).loadConstant(-(long) (PAGE_MASK + 1) | (size - 1)).land().lload(tag).lcmp().ifne(fill);
        co.labelBinding(hit);
        co.aload(tag + 2);
        g.stubs.add(c -> {
            c.labelBinding(fill);
            // From the hart's fields rather than locals: fewer values live through the region.
            boolean write = tags == WTAG;
            c.aload(H).getfield(CD_HART, write ? "writeTag" : "readTag", CD_LONGS);
            hit(c, size, miss);
            c.aload(H).getfield(CD_HART, write ? "writeFrame" : "readFrame", CD_FRAMES);
            entry(c);
            // Never null when the tag matched; tested so that the site's frame is never null.
            c.aaload().astore(FRAME);
            c.aload(FRAME).ifnull(miss);
            c.aload(FRAME).astore(tag + 2);
            c.lload(VA).loadConstant(-(long) (PAGE_MASK + 1)).land().lstore(tag);
            c.goto_(hit);
        });
    }

    /** Pushes the translation-cache entry of the address in {@link #VA}. */
    private static void entry(CodeBuilder co) {
        co.lload(VA).loadConstant(12).lushr().l2i().loadConstant(Hart.TC_ENTRIES - 1).iand();
    }

    /**
     * Goes to {@code miss} unless the access of {@code size} bytes at {@link #VA} is aligned and
     * its page is in the cache whose tags are on the stack.
     */
    private static void hit(CodeBuilder co, int size, Label miss) {
        entry(co);
        co.laload();
        co.lload(VA).loadConstant(12).lushr().lxor();
        if (size > 1) {
            co.lload(VA).loadConstant((long) (size - 1)).land().lor();
        }
        co.lconst_0().lcmp().ifne(miss);
    }

    private static void pc(CodeBuilder co, long off) {
        co.lload(BASE);
        if (off != 0) {
            co.loadConstant(off);
            co.ladd();
        }
    }

    private static void reg(CodeBuilder co, int x) {
        if (x == 0) {
            co.lconst_0();
        } else {
            co.lload(regLocal(x));
        }
    }

    /**
     * Stores the long on the stack into {@code rd}: its local, and outside fast copies the hart's
     * register file too, so that leaving needs no register of the region (and the JIT keeps none
     * live for it).
     */
    private static void set(CodeBuilder co, Region g, int rd) {
        if (rd == SINK) {
            co.pop2();
        } else {
            co.lstore(regLocal(rd));
            if (g.fast < 0) {
                co.aload(R).loadConstant(rd).lload(regLocal(rd)).lastore();
            }
        }
    }

    /** Before leaving fast copy {@code fast} (if not -1): stores the registers it writes into the register file. */
    private static void writeBack(CodeBuilder co, Region g, int fast) {
        if (fast < 0) {
            return;
        }
        for (int x = 1; x < 32; x++) {
            if ((g.fastWrites[fast] & 1L << x) != 0) {
                co.aload(R).loadConstant(x).lload(regLocal(x)).lastore();
            }
        }
    }

    /** Leaves the region for page offset {@code off} (the current run retired in full) from fast copy {@code fast} or -1. */
    private static void leave(CodeBuilder co, Region g, long off, int fast) {
        writeBack(co, g, fast);
        pc(co, off);
        co.lstore(NPC);
        co.goto_(g.exitR);
    }

    /** Goes on at page offset {@code off}: inside the region if it is there, else leaves. */
    private static void jump(CodeBuilder co, Region g, long off) {
        int t = g.at(off);
        if (t >= 0) {
            goTo(co, g, t);
        } else {
            leave(co, g, off, g.fast);
        }
    }

    /** Goes to {@link #target} of {@code t}, writing back first if that leaves the fast copy being emitted. */
    private static void goTo(CodeBuilder co, Region g, int t) {
        if (g.fast >= 0 && g.fastOf[t] != g.fast) {
            writeBack(co, g, g.fast);
        }
        co.goto_(target(g, t));
    }

    /**
     * The label to go on at instruction {@code t}: in the fast copy being emitted if it holds
     * {@code t}, else the fast copy of the loop whose head {@code t} is, else the region's code.
     */
    private static Label target(Region g, int t) {
        if (g.fast >= 0 && g.fastOf[t] == g.fast) {
            return g.fastLabel[t];
        }
        if (g.fastEnd[t] >= 0) {
            return g.preLabel[t];
        }
        return g.label[t];
    }

    /** Tells whether {@link #target} of {@code t} is bound already (a branch there goes backwards). */
    private static boolean backward(Region g, int t) {
        if (g.fast >= 0 && g.fastOf[t] == g.fast) {
            return g.fastBound[t];
        }
        if (g.fastEnd[t] >= 0) {
            return g.fast >= 0 && g.fast >= t; // fast copies are emitted in order, after the region's code
        }
        return g.bound[t];
    }

    /** After instruction {@code i}: falls through to the next one, jumps to it, or leaves. */
    private static void fallThrough(CodeBuilder co, Region g, int i, long off) {
        int t = g.at(off);
        if (t >= 0 && t == i + 1 && (g.fast < 0 || g.fastOf[t] == g.fast)) {
            return; // next in the layout
        }
        jump(co, g, off);
    }

    /** Emits instruction {@code i}. */
    private static void emit(CodeBuilder co, Region g, int i) {
        long d = g.ins[i];
        int off = g.offs[i];
        int op = (int) d & 0xFF;
        int rd = (int) (d >>> 8) & 63;
        int rs1 = (int) (d >>> 14) & 31;
        int rs2 = (int) (d >>> 19) & 31;
        long imm = d >> 32;
        int len = length(d);
        switch (op) {
            case OP_LUI, OP_LI -> {
                co.loadConstant(imm);
                set(co, g, rd);
            }
            case OP_AUIPC -> {
                pc(co, off + imm);
                set(co, g, rd);
            }
            case OP_JAL -> {
                if (rd != SINK) {
                    pc(co, off + len);
                    set(co, g, rd);
                }
                jump(co, g, off + imm);
                return;
            }
            case OP_JALR -> {
                reg(co, rs1);
                co.loadConstant(imm).ladd().loadConstant(~1L).land().lstore(NPC);
                if (rd != SINK) {
                    pc(co, off + len);
                    set(co, g, rd);
                }
                writeBack(co, g, g.fast);
                co.goto_(g.exitR);
                return;
            }
            case OP_BEQ, OP_BNE, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU -> {
                boolean unsigned = op == OP_BLTU || op == OP_BGEU;
                reg(co, rs1);
                if (unsigned) {
                    co.loadConstant(Long.MIN_VALUE).lxor();
                }
                reg(co, rs2);
                if (unsigned) {
                    co.loadConstant(Long.MIN_VALUE).lxor();
                }
                co.lcmp();
                long target = off + imm;
                int t = g.at(target);
                Label taken;
                if (t >= 0 && backward(g, t)) {
                    // A backward branch after lcmp would keep its result for the safepoint there:
                    // branch forward on the opposite condition, then go back with an empty stack.
                    Label stay = co.newLabel();
                    switch (op) {
                        case OP_BEQ -> co.ifne(stay);
                        case OP_BNE -> co.ifeq(stay);
                        case OP_BLT, OP_BLTU -> co.ifge(stay);
                        default -> co.iflt(stay);
                    }
                    goTo(co, g, t);
                    co.labelBinding(stay);
                    fallThrough(co, g, i, off + len);
                    return;
                }
                int fast = g.fast;
                if (t >= 0 && (fast < 0 || g.fastOf[t] == fast)) {
                    taken = target(g, t);
                } else {
                    Label stub = co.newLabel();
                    taken = stub;
                    Label to = t >= 0 ? target(g, t) : null;
                    g.stubs.add(c -> {
                        c.labelBinding(stub);
                        if (to != null) {
                            writeBack(c, g, fast); // leaving the fast copy
                            c.goto_(to);
                        } else {
                            leave(c, g, target, fast);
                        }
                    });
                }
                switch (op) {
                    case OP_BEQ -> co.ifeq(taken);
                    case OP_BNE -> co.ifne(taken);
                    case OP_BLT, OP_BLTU -> co.iflt(taken);
                    default -> co.ifge(taken);
                }
                fallThrough(co, g, i, off + len);
                return;
            }
            case OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU -> {
                int size = switch (op) {
                    case OP_LB, OP_LBU -> 1;
                    case OP_LH, OP_LHU -> 2;
                    case OP_LW, OP_LWU -> 4;
                    default -> 8;
                };
                reg(co, rs1);
                co.loadConstant(imm).ladd().lstore(VA);
                frame(co, g.site[i], RTAG, RFRAME, size, g, i);
                co.lload(VA).l2i().loadConstant(PAGE_MASK).iand();
                switch (op) {
                    case OP_LB -> co.baload().i2l();
                    case OP_LBU -> co.baload().loadConstant(0xFF).iand().i2l();
                    case OP_LH -> co.invokestatic(CD_HART, "frameLH", MT_FRAME_LOAD);
                    case OP_LHU -> co.invokestatic(CD_HART, "frameLHU", MT_FRAME_LOAD);
                    case OP_LW -> co.invokestatic(CD_HART, "frameLW", MT_FRAME_LOAD);
                    case OP_LWU -> co.invokestatic(CD_HART, "frameLWU", MT_FRAME_LOAD);
                    default -> co.invokestatic(CD_HART, "frameLD", MT_FRAME_LOAD);
                }
                set(co, g, rd);
            }
            case OP_SB, OP_SH, OP_SW, OP_SD -> {
                int size = switch (op) {
                    case OP_SB -> 1;
                    case OP_SH -> 2;
                    case OP_SW -> 4;
                    default -> 8;
                };
                reg(co, rs1);
                co.loadConstant(imm).ladd().lstore(VA);
                // A frame with decoded code has its tag marked: its stores miss, and leave for the hart to clear that code.
                frame(co, g.site[i], WTAG, WFRAME, size, g, i);
                co.lload(VA).l2i().loadConstant(PAGE_MASK).iand();
                reg(co, rs2);
                switch (op) {
                    case OP_SB -> co.l2i().bastore();
                    case OP_SH -> co.invokestatic(CD_HART, "frameSH", MT_FRAME_STORE);
                    case OP_SW -> co.invokestatic(CD_HART, "frameSW", MT_FRAME_STORE);
                    default -> co.invokestatic(CD_HART, "frameSD", MT_FRAME_STORE);
                }
            }
            case OP_ADDI, OP_XORI, OP_ORI, OP_ANDI -> {
                reg(co, rs1);
                co.loadConstant(imm);
                switch (op) {
                    case OP_ADDI -> co.ladd();
                    case OP_XORI -> co.lxor();
                    case OP_ORI -> co.lor();
                    default -> co.land();
                }
                set(co, g, rd);
            }
            case OP_SLTI, OP_SLTIU -> {
                reg(co, rs1);
                co.loadConstant(imm);
                co.invokestatic(CD_BC, op == OP_SLTI ? "slt" : "sltu", MT_LL_L);
                set(co, g, rd);
            }
            case OP_SLLI, OP_SRLI, OP_SRAI -> {
                reg(co, rs1);
                co.loadConstant((int) imm);
                switch (op) {
                    case OP_SLLI -> co.lshl();
                    case OP_SRLI -> co.lushr();
                    default -> co.lshr();
                }
                set(co, g, rd);
            }
            case OP_ADD, OP_SUB, OP_XOR, OP_OR, OP_AND, OP_MUL -> {
                reg(co, rs1);
                reg(co, rs2);
                switch (op) {
                    case OP_ADD -> co.ladd();
                    case OP_SUB -> co.lsub();
                    case OP_XOR -> co.lxor();
                    case OP_OR -> co.lor();
                    case OP_AND -> co.land();
                    default -> co.lmul();
                }
                set(co, g, rd);
            }
            case OP_SLL, OP_SRL, OP_SRA -> {
                reg(co, rs1);
                reg(co, rs2);
                co.l2i();
                switch (op) {
                    case OP_SLL -> co.lshl();
                    case OP_SRL -> co.lushr();
                    default -> co.lshr();
                }
                set(co, g, rd);
            }
            case OP_SLT, OP_SLTU, OP_MULH, OP_MULHSU, OP_MULHU, OP_DIV, OP_DIVU, OP_REM, OP_REMU, OP_DIVW, OP_DIVUW, OP_REMW,
                    OP_REMUW -> {
                String name = switch (op) {
                    case OP_SLT -> "slt";
                    case OP_SLTU -> "sltu";
                    case OP_MULH -> "mulh";
                    case OP_MULHSU -> "mulhsu";
                    case OP_MULHU -> "mulhu";
                    case OP_DIV -> "div";
                    case OP_DIVU -> "divu";
                    case OP_REM -> "rem";
                    case OP_REMU -> "remu";
                    case OP_DIVW -> "divw";
                    case OP_DIVUW -> "divuw";
                    case OP_REMW -> "remw";
                    default -> "remuw";
                };
                reg(co, rs1);
                reg(co, rs2);
                co.invokestatic(CD_BC, name, MT_LL_L);
                set(co, g, rd);
            }
            case OP_ADDIW -> {
                reg(co, rs1);
                co.loadConstant(imm).ladd().l2i().i2l();
                set(co, g, rd);
            }
            case OP_SLLIW, OP_SRLIW, OP_SRAIW -> {
                reg(co, rs1);
                co.l2i().loadConstant((int) imm);
                switch (op) {
                    case OP_SLLIW -> co.ishl();
                    case OP_SRLIW -> co.iushr();
                    default -> co.ishr();
                }
                co.i2l();
                set(co, g, rd);
            }
            case OP_ADDW, OP_SUBW -> {
                reg(co, rs1);
                reg(co, rs2);
                if (op == OP_ADDW) {
                    co.ladd();
                } else {
                    co.lsub();
                }
                co.l2i().i2l();
                set(co, g, rd);
            }
            case OP_SLLW, OP_SRLW, OP_SRAW, OP_MULW -> {
                reg(co, rs1);
                co.l2i();
                reg(co, rs2);
                co.l2i();
                switch (op) {
                    case OP_SLLW -> co.ishl();
                    case OP_SRLW -> co.iushr();
                    case OP_SRAW -> co.ishr();
                    default -> co.imul();
                }
                co.i2l();
                set(co, g, rd);
            }
            case OP_MV -> {
                reg(co, rs1);
                set(co, g, rd);
            }
            case OP_NOP, OP_FENCE -> {
            }
            default -> throw new AssertionError("not compilable: " + op);
        }
        fallThrough(co, g, i, off + len);
    }

    // ---------------------------------------------------------------- helpers of compiled code

    static long slt(long a, long b) {
        return a < b ? 1 : 0;
    }

    static long sltu(long a, long b) {
        return Long.compareUnsigned(a, b) < 0 ? 1 : 0;
    }

    static long mulh(long a, long b) {
        return Math.multiplyHigh(a, b);
    }

    static long mulhsu(long a, long b) {
        return Math.multiplyHigh(a, b) + (b < 0 ? a : 0);
    }

    static long mulhu(long a, long b) {
        return Math.unsignedMultiplyHigh(a, b);
    }

    static long div(long a, long b) {
        return b == 0 ? -1 : a / b;
    }

    static long divu(long a, long b) {
        return b == 0 ? -1 : Long.divideUnsigned(a, b);
    }

    static long rem(long a, long b) {
        return b == 0 ? a : a % b;
    }

    static long remu(long a, long b) {
        return b == 0 ? a : Long.remainderUnsigned(a, b);
    }

    static long divw(long a, long b) {
        int y = (int) b;
        return y == 0 ? -1 : (int) a / y;
    }

    static long divuw(long a, long b) {
        int y = (int) b;
        return y == 0 ? -1 : Integer.divideUnsigned((int) a, y);
    }

    static long remw(long a, long b) {
        int y = (int) b;
        return y == 0 ? (int) a : (int) a % y;
    }

    static long remuw(long a, long b) {
        int y = (int) b;
        return y == 0 ? (int) a : Integer.remainderUnsigned((int) a, y);
    }
}
