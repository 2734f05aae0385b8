package kola.abi;

/**
 * The kernel interface page's binary layout (L4 X.2, "Kernel Interface Page", for 64-bit words,
 * little-endian; the offsets of L4Ka::Pistachio's {@code l4/kip.h} and
 * {@code api/v4/kernelinterface.h} on a 64-bit machine): what Kola writes into the KIP frame that
 * SpaceControl maps read-only at every space's KIP area, and how its words are encoded. The
 * same facts reach a Java task as the {@link Kip} value; a RISC-V program finds the page with the
 * {@code KernelInterface} system call and reads it with {@code <l4/kip.h>} (docs/ABI-RISCV.md,
 * "The kernel interface page").
 *
 * <p>Every offset here is in bytes from the KIP base. Words X.2 leaves to the kernel (the kernel
 * debugger's and the boot servers' words at 0x20..0xA0, Pistachio's memory regions at 0xB0..0x148)
 * are 0. After the 72 words of X.2's fixed part come, in this order: the one processor
 * descriptor, Kola's own words, the kernel descriptor with its version and feature strings, and
 * the memory descriptors, to the end of the page.
 */
public final class KipLayout {
    /** The KIP is one page. */
    public static final int SIZE = 4096;

    // ---- X.2's fixed part -----------------------------------------------------------------

    /** The magic, {@link Kip#MAGIC}, in the low 32 bits of word 0 (the high 32 bits are 0). */
    public static final int MAGIC = 0x00;
    /** ApiVersion: version in bits 24..31 ({@link Kip#API_VERSION_X2}), subversion in bits 16..23. */
    public static final int API_VERSION = 0x08;
    /** ApiFlags: endianness in bits 0..1 (0: little), word size in bits 2..3 (1: 64 bits). */
    public static final int API_FLAGS = 0x10;
    /** KernelDescPtr: the kernel descriptor's offset. */
    public static final int KERNEL_DESC_PTR = 0x18;
    /** MemoryInfo: the number of memory descriptors in bits 0..31, their offset (MemDescPtr) in bits 32..63. */
    public static final int MEMORY_INFO = 0xA8;
    /** UtcbInfo: the UTCB size multiplier m in bits 0..9, alignment a (log2) in 10..15, smallest area s (log2) in 16..21. */
    public static final int UTCB_INFO = 0x150;
    /** KipAreaInfo: the KIP area's size, log2, in bits 0..5. */
    public static final int KIP_AREA_INFO = 0x158;
    /** BootInfo: the physical address of the generic boot information ({@link BootInfo}, {@link Kip#bootInfo()}). */
    public static final int BOOT_INFO = 0x170;
    /** ProcDescPtr: the processor descriptors' offset. */
    public static final int PROC_DESC_PTR = 0x178;
    /** ClockInfo: ReadPrecision in bits 0..15, SchedulePrecision in bits 16..31, each a time period ({@link Timeout}). */
    public static final int CLOCK_INFO = 0x180;
    /** ThreadInfo: t (the thread-number bits) in bits 0..7, SystemBase in 8..19, UserBase in 20..31. */
    public static final int THREAD_INFO = 0x188;
    /** PageInfo: the access rights the hardware distinguishes (rwx) in bits 0..2, the page-size mask from bit 10. */
    public static final int PAGE_INFO = 0x190;
    /** ProcessorInfo: the number of processors minus one in bits 0..15, the processor descriptor's size (log2) in 60..63. */
    public static final int PROCESSOR_INFO = 0x198;
    /**
     * The system-call links, one word each: SpaceControl, ThreadControl, ProcessorControl,
     * MemoryControl, Ipc, Lipc, Unmap, ExchangeRegisters, SystemClock, ThreadSwitch, Schedule
     * (0x1A0..0x1F0). Kola's RISC-V binding has one trap instruction, {@code ecall}, and no entry
     * points: each link holds the call's number, the value for a7 (a negative number; every
     * X.2 call has one).
     */
    public static final int SPACE_CONTROL = 0x1A0;
    public static final int THREAD_CONTROL = 0x1A8;
    public static final int PROCESSOR_CONTROL = 0x1B0;
    public static final int MEMORY_CONTROL = 0x1B8;
    public static final int IPC = 0x1C0;
    public static final int LIPC = 0x1C8;
    public static final int UNMAP = 0x1D0;
    public static final int EXCHANGE_REGISTERS = 0x1D8;
    public static final int SYSTEM_CLOCK = 0x1E0;
    public static final int THREAD_SWITCH = 0x1E8;
    public static final int SCHEDULE = 0x1F0;
    /** ArchSyscall0..3 (0x220..0x238): 0, Kola has no architecture-specific calls. */
    public static final int ARCH_SYSCALL0 = 0x220;
    /** The end of X.2's fixed part. */
    public static final int FIXED_END = 0x240;

    // ---- after the fixed part: where Kola puts the rest -----------------------------------

    /**
     * The processor descriptor of the one processor (ProcDescPtr): ExternalFreq and InternalFreq
     * in kHz, then two words 0.
     */
    public static final int PROC_DESC = 0x240;
    /** The processor descriptor's size, log2 (four words). */
    public static final int PROC_DESC_SIZE_LOG2 = 5;
    /** Kola's communication-control model, {@link Kip#commModel()}. */
    public static final int KOLA_COMM_MODEL = 0x260;
    /** Kola's kernel-memory model, {@link Kip#kmemModel()}. */
    public static final int KOLA_KMEM_MODEL = 0x268;
    /** The RAM size in bytes. */
    public static final int KOLA_RAM_BYTES = 0x270;
    /** Simulated clock cycles per microsecond, {@link Kip#cyclesPerMicrosecond()}. */
    public static final int KOLA_CYCLES_PER_MICROSECOND = 0x278;
    /** One more than the highest thread number the kernel accepts, {@link Kip#threadNumberLimit()}. */
    public static final int KOLA_THREAD_NUMBER_LIMIT = 0x280;
    /** The number of interrupt lines, {@link Kip#interruptLines()}. */
    public static final int KOLA_INTERRUPT_LINES = 0x288;
    /**
     * The kernel descriptor (KernelDescPtr): KernelId, KernelGenDate, KernelVer, Supplier, then
     * the version string and the feature strings, each ending with a zero byte, and an empty
     * string after the last feature.
     */
    public static final int KERNEL_DESC = 0x2A0;
    /** The version string, after the kernel descriptor's four words. */
    public static final int VERSION_STRING = KERNEL_DESC + 32;
    /** The memory descriptors (MemDescPtr): two words each, to the end of the page. */
    public static final int MEMORY_DESCS = 0x400;
    /** The memory descriptors the page has room for. */
    public static final int MEMORY_DESC_CAPACITY = (SIZE - MEMORY_DESCS) / 16;

    // ---- values ---------------------------------------------------------------------------

    /** Kola's API subversion: 0 (it names no revision of the X.2 manual). */
    public static final int API_SUBVERSION = 0;
    /** The ApiVersion word: X.2. */
    public static final long API_VERSION_WORD = (long) Kip.API_VERSION_X2 << 24 | API_SUBVERSION << 16;
    /** The ApiFlags word: little-endian (ee = 0), 64-bit (ww = 1). */
    public static final long API_FLAGS_WORD = 1 << 2;
    /**
     * Kola's kernel id, 0x4B ('K') with subid 1, in the KernelId word's bits 24..31 and 16..23. No
     * registry assigns kernel ids; Pistachio's list ends at 5 (NICTA).
     */
    public static final int KERNEL_ID = 0x4B;
    public static final int KERNEL_SUBID = 1;
    /** The KernelId word (also the KernelInterface call's fourth result). */
    public static final long KERNEL_ID_WORD = (long) KERNEL_ID << 24 | KERNEL_SUBID << 16;
    /** Kola's version, 0.1.0: ver in bits 24..31, subver 16..23, subsubver 0..15 of KernelVer. */
    public static final long KERNEL_VERSION_WORD = 0L << 24 | 1 << 16;
    /** KernelGenDate: day in bits 0..4, month 5..8, year - 2000 in 9..15; a constant (no host time), 2026-12-03. */
    public static final long KERNEL_GEN_DATE_WORD = 3 | 12 << 5 | (2026 - 2000) << 9;
    /** The Supplier word: "Kola", four characters, little-endian. */
    public static final long SUPPLIER_WORD = 'K' | 'o' << 8 | 'l' << 16 | 'a' << 24;
    /** The version string. */
    public static final String VERSION_STRING_TEXT = "Kola 0.1.0: L4 X.2 on a simulated RV64IMAC machine with Sv39";
    /** The feature string naming the communication-control model: this prefix and the model's name. */
    public static final String FEATURE_COMM = "kola-comm=";
    /** The feature string naming the kernel-memory model: this prefix and the model's name. */
    public static final String FEATURE_KMEM = "kola-kmem=";

    /** X.2 memory descriptor types (bits 0..3 of the first word). */
    public static final int MEM_UNDEFINED = 0x0;
    public static final int MEM_CONVENTIONAL = 0x1;
    public static final int MEM_RESERVED = 0x2;
    public static final int MEM_DEDICATED = 0x3;
    public static final int MEM_SHARED = 0x4;
    public static final int MEM_BOOT_LOADER = 0xE;
    public static final int MEM_ARCHITECTURE = 0xF;
    /**
     * The subtype (bits 4..7) of a boot module's descriptor, type {@link #MEM_BOOT_LOADER}: 3, as
     * Pistachio's kickstart marks boot modules; {@link #memoryDescType} reads it as 0x3E.
     */
    public static final int BOOT_MODULE_SUBTYPE = 3;
    /**
     * The subtype of the boot information's descriptor, type {@link #MEM_BOOT_LOADER}: 1, as
     * Pistachio's kickstart marks its "init table" (the boot information); read as 0x1E.
     */
    public static final int BOOT_INFO_SUBTYPE = 1;
    /** The memory descriptors' bit that marks a region of virtual (not physical) memory. */
    public static final long MEM_VIRTUAL = 1L << 9;

    /** The user part of every address space (Sv39's lower half): the KIP's one virtual descriptor. */
    public static final long USER_SPACE_BYTES = 1L << 38;

    private KipLayout() {
    }

    /** The X.2 type and subtype ({@code type | subtype << 4}) of a Kola memory descriptor. */
    public static int memoryType(Kip.MemoryDescriptor.Type type) {
        return switch (type) {
            case CONVENTIONAL -> MEM_CONVENTIONAL;
            case RESERVED -> MEM_RESERVED;
            case DEVICE -> MEM_DEDICATED;
            case BOOT_MODULE -> MEM_BOOT_LOADER | BOOT_MODULE_SUBTYPE << 4;
            case BOOT_INFO -> MEM_BOOT_LOADER | BOOT_INFO_SUBTYPE << 4;
        };
    }

    /**
     * The first word of the memory descriptor of {@code size > 0} bytes from {@code base} (both
     * multiples of 1 KiB): type and subtype ({@link #memoryType}), the virtual bit, base.
     */
    public static long memoryDescLowWord(int typeAndSubtype, boolean virtual, long base) {
        return typeAndSubtype & 0xFF | (virtual ? MEM_VIRTUAL : 0) | base & ~0x3FFL;
    }

    /** The second word: the region's last byte, rounded down to 1 KiB (X.2 keeps its bits 10..63). */
    public static long memoryDescHighWord(long base, long size) {
        return base + size - 1 & ~0x3FFL;
    }

    /** The type as X.2's {@code L4_MemoryDescType} reads it: bits 0..3, and with them 4..7 for types 0xE and 0xF. */
    public static int memoryDescType(long lowWord) {
        int type = (int) (lowWord & 0xF);
        return type >= MEM_BOOT_LOADER ? (int) (lowWord & 0xFF) : type;
    }

    /** The first byte of a descriptor's region. */
    public static long memoryDescLow(long lowWord) {
        return lowWord & ~0x3FFL;
    }

    /** The last byte of a descriptor's region. */
    public static long memoryDescHigh(long highWord) {
        return (highWord & ~0x3FFL) + 0x3FF;
    }

    /** Whether a descriptor is of virtual memory. */
    public static boolean memoryDescIsVirtual(long lowWord) {
        return (lowWord & MEM_VIRTUAL) != 0;
    }
}
