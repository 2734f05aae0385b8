package kola.abi;

import java.util.List;

/**
 * The kernel interface page (L4 X.2, "Kernel Interface Page"; {@code l4/kip.h} of Pistachio): what
 * the kernel tells every program about itself and the machine. Kola hands it out as this
 * immutable value ({@link L4#kernelInterface()}); the same facts are written into the KIP frame
 * that SpaceControl maps read-only at a space's KIP area, in X.2's 64-bit binary layout
 * ({@link KipLayout}), which is how a RISC-V program reads them.
 *
 * <p>In the KIP frame ({@link KipLayout}): {@code memory} as X.2 memory descriptors, in this
 * order, followed by one virtual descriptor (conventional memory: the user part of every address
 * space); {@code systemBase} and {@code userBase} in ThreadInfo; the UTCB and KIP area sizes in
 * UtcbInfo and KipAreaInfo; the clock rate as the processor's frequency; and Kola's own words
 * after X.2's fixed part: {@code commModel} ({@link #COMM_MODEL_OFFSET}), {@code kmemModel}
 * ({@link #KMEM_MODEL_OFFSET}), the RAM size, {@code cyclesPerMicrosecond},
 * {@code threadNumberLimit} and {@code interruptLines}. The boot modules' names, arguments and
 * segments are not in the frame: only the memory their segments take. Their names and arguments,
 * with the memory of each, are in the generic boot information ({@link BootInfo}) at
 * {@link #bootInfo()}, the KIP's BootInfo word.
 *
 * @param apiVersion        0x84: L4 X.2
 * @param memory            the memory descriptors: conventional, reserved (kernel), device memory and
 *                          the boot modules' memory, then the boot information's; where two overlap,
 *                          the later one holds (X.2)
 * @param systemBase        the first thread number of system threads; below it, interrupt pseudo-threads
 * @param userBase          the first thread number of user threads (sigma0)
 * @param threadNumberLimit one more than the highest thread number the kernel accepts
 * @param utcbSizeLog2      UTCB size and alignment, log2
 * @param utcbAreaMinLog2   the smallest UTCB area, log2
 * @param kipAreaSizeLog2   the size of the KIP area, log2
 * @param interruptLines    the number of interrupt lines (pseudo-threads 0..lines-1)
 * @param cyclesPerMicrosecond the simulated clock rate
 * @param bootModules       the boot modules of the image, in order
 * @param commModel         Kola's addition: the kernel's communication-control model, one of
 *                          {@link Comm#MODEL_GLOBAL_IDS} .. {@link Comm#MODEL_CAPABILITIES}, so that
 *                          programs choose how they name their partners at run time
 *                          ({@link #capabilities()})
 * @param kmemModel         Kola's addition: the kernel-memory model, one of {@link Kmem#MODEL_POOL}
 *                          .. {@link Kmem#MODEL_PRECISE}, so that programs know which KmemControl
 *                          operations they can use
 */
public record Kip(int apiVersion, List<MemoryDescriptor> memory, long systemBase, long userBase,
                  long threadNumberLimit, int utcbSizeLog2, int utcbAreaMinLog2, int kipAreaSizeLog2,
                  int interruptLines, long cyclesPerMicrosecond, List<BootModule> bootModules, int commModel,
                  int kmemModel) {

    /** The KIP magic, "L4µK" as in X.2 (bytes 'L', '4', 0xE6, 'K' little-endian). */
    public static final int MAGIC = 'L' | '4' << 8 | 0xE6 << 16 | 'K' << 24;
    /** The X.2 API version. */
    public static final int API_VERSION_X2 = 0x84;
    /** The KIP area of the boot tasks' spaces, and the one Kola's root task gives every task. */
    public static final long STANDARD_KIP_AREA = Fpage.of(0x3F_FFFF_F000L, 12, 0);
    /** The UTCB area of the boot tasks' spaces: 1 MiB, room for 1024 UTCBs of 1 KiB. */
    public static final long STANDARD_UTCB_AREA = Fpage.of(0x3F_FFE0_0000L, 20, 0);

    /** The offset of {@link #commModel} in the KIP frame ({@link KipLayout#KOLA_COMM_MODEL}). */
    public static final int COMM_MODEL_OFFSET = KipLayout.KOLA_COMM_MODEL;
    /** The offset of {@link #kmemModel} in the KIP frame ({@link KipLayout#KOLA_KMEM_MODEL}). */
    public static final int KMEM_MODEL_OFFSET = KipLayout.KOLA_KMEM_MODEL;

    public Kip {
        memory = List.copyOf(memory);
        bootModules = List.copyOf(bootModules);
        if (commModel < Comm.MODEL_GLOBAL_IDS || commModel > Comm.MODEL_CAPABILITIES) {
            throw new IllegalArgumentException("no communication model " + commModel);
        }
        if (kmemModel < Kmem.MODEL_POOL || kmemModel > Kmem.MODEL_PRECISE) {
            throw new IllegalArgumentException("no kernel-memory model " + kmemModel);
        }
    }

    /** A KIP of a kernel that names threads by global id ({@link Comm#MODEL_GLOBAL_IDS}) and has the central pool. */
    public Kip(int apiVersion, List<MemoryDescriptor> memory, long systemBase, long userBase,
               long threadNumberLimit, int utcbSizeLog2, int utcbAreaMinLog2, int kipAreaSizeLog2,
               int interruptLines, long cyclesPerMicrosecond, List<BootModule> bootModules) {
        this(apiVersion, memory, systemBase, userBase, threadNumberLimit, utcbSizeLog2, utcbAreaMinLog2,
                kipAreaSizeLog2, interruptLines, cyclesPerMicrosecond, bootModules, Comm.MODEL_GLOBAL_IDS, Kmem.MODEL_POOL);
    }

    /**
     * Whether the kernel runs the capabilities model: IPC names selectors of the caller's object
     * space (gates, {@link Comm#REPLY}), never global thread ids.
     */
    public boolean capabilities() {
        return commModel == Comm.MODEL_CAPABILITIES;
    }

    /** The global id of sigma0: thread {@code userBase}, version 1. */
    public long sigma0() {
        return ThreadId.global(userBase, 1);
    }

    /** The global id of the root task's first thread: thread {@code userBase + 2}, version 1. */
    public long rootTask() {
        return ThreadId.global(userBase + 2, 1);
    }

    /** The global id of interrupt line {@code line}'s pseudo-thread. */
    public long interruptThread(int line) {
        return ThreadId.global(line, 1);
    }

    /** The boot module called {@code name}, or null. */
    public BootModule module(String name) {
        for (BootModule m : bootModules) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        return null;
    }

    /**
     * A memory descriptor: a physical region, what it is, and (Kola's addition, for device
     * memory) a name such as {@code "uart"}, {@code "timer"} or {@code "pic"}.
     */
    public record MemoryDescriptor(Type type, long base, long size, String name) {
        /**
         * Memory descriptor types, as X.2 names them; the last two are X.2's boot-loader type
         * with Pistachio's kickstart's subtypes (a boot module's memory, the boot information).
         */
        public enum Type { CONVENTIONAL, RESERVED, DEVICE, BOOT_MODULE, BOOT_INFO }

        /** An unnamed descriptor. */
        public MemoryDescriptor(Type type, long base, long size) {
            this(type, base, size, "");
        }
    }

    /**
     * The physical address of the generic boot information ({@link BootInfo}): the base of the
     * {@link MemoryDescriptor.Type#BOOT_INFO} descriptor, or 0 if there is none (X.2: no boot
     * information). This is the KIP's BootInfo word.
     */
    public long bootInfo() {
        for (MemoryDescriptor d : memory) {
            if (d.type() == MemoryDescriptor.Type.BOOT_INFO) {
                return d.base();
            }
        }
        return 0;
    }

    /** The device-memory descriptor called {@code name}, or null. */
    public MemoryDescriptor device(String name) {
        for (MemoryDescriptor d : memory) {
            if (d.type() == MemoryDescriptor.Type.DEVICE && d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /**
     * A loadable segment of a RISC-V boot module, page-aligned: {@code size} bytes at virtual
     * address {@code vaddr} of the program, held at physical address {@code paddr} (the file's
     * bytes, then zeros up to the segment's memory size), with rights {@code rights}
     * ({@link Fpage#R}, {@link Fpage#W}, {@link Fpage#X}).
     */
    public record Segment(long vaddr, long paddr, long size, int rights) {
    }

    /** The boot module whose code contains instruction pointer {@code ip}, or null. */
    public BootModule moduleOf(long ip) {
        for (BootModule m : bootModules) {
            if ((ip >>> 32) == (m.ipBase() >>> 32)) {
                return m;
            }
        }
        return null;
    }

    /**
     * A boot module (Kola's extension of the X.2 boot info): a program the root task starts.
     *
     * @param index    position in the image, from 0
     * @param name     the module's name
     * @param ipBase   the instruction pointer of its entry 0; entry k is {@code ipBase + k}
     * @param priority the priority the image asks for
     * @param args     the image's arguments for it
     * @param entry    a RISC-V module's entry point (its ELF header's), else 0
     * @param segments a RISC-V module's loadable segments in memory, else empty
     */
    public record BootModule(int index, String name, long ipBase, int priority, List<String> args,
                             long entry, List<Segment> segments) {
        public BootModule {
            args = List.copyOf(args);
            segments = List.copyOf(segments);
        }

        /** A module of Java code (no machine code in memory). */
        public BootModule(int index, String name, long ipBase, int priority, List<String> args) {
            this(index, name, ipBase, priority, args, 0, List.of());
        }

        /**
         * Whether the module is a RISC-V program (an ELF executable the boot loader put in memory):
         * its {@link #segments} lie in physical memory, and a thread of a new space started at
         * {@link #ipBase} runs it from {@link #entry}.
         */
        public boolean isMachineCode() {
            return !segments.isEmpty();
        }

        /** The instruction pointer of entry {@code k}. */
        public long entry(int k) {
            return ipBase + k;
        }
    }
}
