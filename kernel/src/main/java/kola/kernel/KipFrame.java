package kola.kernel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import kola.abi.Fpage;
import kola.abi.Kip;
import kola.abi.KipLayout;
import kola.machine.PhysicalMemory;

/**
 * The kernel interface page in its frame: writes a {@link Kip} in L4 X.2's 64-bit binary layout
 * ({@link KipLayout}; X.2, "Kernel Interface Page"), once, at boot. SpaceControl then maps the
 * frame read-only at every space's KIP area, so nothing changes it afterwards.
 *
 * <p>Everything must fit one page. The fixed part, the processor descriptor and Kola's words have
 * fixed places; the kernel descriptor's strings are the kernel's own (a version string and two
 * feature strings); only the memory descriptors grow with the image (one per RISC-V boot
 * module). If they do not fit, {@link #write} refuses before it writes anything, and the kernel
 * does not boot.
 */
final class KipFrame {
    /** The memory descriptors' bytes: two words each. */
    private static final int MEMORY_DESC_BYTES = 16;
    /** The precision of SystemClock's microseconds and of timeouts, as a time period: 1 µs (m = 1, e = 0). */
    private static final int ONE_MICROSECOND = 1;

    private KipFrame() {
    }

    /**
     * Writes {@code kip} into the zeroed frame at physical address {@code base}, with
     * {@code ramBytes} of RAM and the feature strings {@code features}.
     *
     * @throws IllegalArgumentException if the memory descriptors or the strings do not fit the
     *                                  page (nothing is written then)
     */
    static void write(PhysicalMemory phys, long base, Kip kip, long ramBytes, List<String> features) {
        int descriptors = kip.memory().size() + 1; // and the virtual one
        if (descriptors > KipLayout.MEMORY_DESC_CAPACITY) {
            long modules = kip.memory().stream().filter(d -> d.type() == Kip.MemoryDescriptor.Type.BOOT_MODULE).count();
            throw new IllegalArgumentException("the KIP has room for " + KipLayout.MEMORY_DESC_CAPACITY
                    + " memory descriptors; this machine and image need " + descriptors + " (" + modules
                    + " of them for RISC-V boot modules)");
        }
        byte[] strings = strings(features);
        if (KipLayout.VERSION_STRING + strings.length > KipLayout.MEMORY_DESCS) {
            throw new IllegalArgumentException("the kernel's version and feature strings (" + strings.length
                    + " bytes) do not fit the KIP's kernel descriptor");
        }
        // X.2's fixed part.
        phys.store32(base + KipLayout.MAGIC, Kip.MAGIC);
        phys.store64(base + KipLayout.API_VERSION, KipLayout.API_VERSION_WORD);
        phys.store64(base + KipLayout.API_FLAGS, KipLayout.API_FLAGS_WORD);
        phys.store64(base + KipLayout.KERNEL_DESC_PTR, KipLayout.KERNEL_DESC);
        phys.store64(base + KipLayout.MEMORY_INFO, descriptors | (long) KipLayout.MEMORY_DESCS << 32);
        phys.store64(base + KipLayout.UTCB_INFO, 1 | (long) kip.utcbSizeLog2() << 10 | (long) kip.utcbAreaMinLog2() << 16);
        phys.store64(base + KipLayout.KIP_AREA_INFO, kip.kipAreaSizeLog2());
        phys.store64(base + KipLayout.BOOT_INFO, kip.bootInfo());
        phys.store64(base + KipLayout.PROC_DESC_PTR, KipLayout.PROC_DESC);
        phys.store64(base + KipLayout.CLOCK_INFO, ONE_MICROSECOND | ONE_MICROSECOND << 16);
        phys.store64(base + KipLayout.THREAD_INFO, threadBits(kip.threadNumberLimit()) | kip.systemBase() << 8
                | kip.userBase() << 20);
        // Sv39 pages of 4 KiB only (the kernel maps no megapages); r, w and x are distinct rights.
        phys.store64(base + KipLayout.PAGE_INFO, PhysicalMemory.PAGE_SIZE | Fpage.RWX);
        phys.store64(base + KipLayout.PROCESSOR_INFO, (long) KipLayout.PROC_DESC_SIZE_LOG2 << 60); // one processor
        phys.store64(base + KipLayout.SPACE_CONTROL, RiscvBinding.SPACE_CONTROL);
        phys.store64(base + KipLayout.THREAD_CONTROL, RiscvBinding.THREAD_CONTROL);
        phys.store64(base + KipLayout.PROCESSOR_CONTROL, RiscvBinding.PROCESSOR_CONTROL);
        phys.store64(base + KipLayout.MEMORY_CONTROL, RiscvBinding.MEMORY_CONTROL);
        phys.store64(base + KipLayout.IPC, RiscvBinding.IPC);
        phys.store64(base + KipLayout.LIPC, RiscvBinding.LIPC);
        phys.store64(base + KipLayout.UNMAP, RiscvBinding.UNMAP);
        phys.store64(base + KipLayout.EXCHANGE_REGISTERS, RiscvBinding.EXCHANGE_REGISTERS);
        phys.store64(base + KipLayout.SYSTEM_CLOCK, RiscvBinding.SYSTEM_CLOCK);
        phys.store64(base + KipLayout.THREAD_SWITCH, RiscvBinding.THREAD_SWITCH);
        phys.store64(base + KipLayout.SCHEDULE, RiscvBinding.SCHEDULE);
        // The processor: the clock drives the hart and the time base alike.
        long kHz = kip.cyclesPerMicrosecond() * 1000;
        phys.store64(base + KipLayout.PROC_DESC, kHz);
        phys.store64(base + KipLayout.PROC_DESC + 8, kHz);
        // Kola's words.
        phys.store64(base + KipLayout.KOLA_COMM_MODEL, kip.commModel());
        phys.store64(base + KipLayout.KOLA_KMEM_MODEL, kip.kmemModel());
        phys.store64(base + KipLayout.KOLA_RAM_BYTES, ramBytes);
        phys.store64(base + KipLayout.KOLA_CYCLES_PER_MICROSECOND, kip.cyclesPerMicrosecond());
        phys.store64(base + KipLayout.KOLA_THREAD_NUMBER_LIMIT, kip.threadNumberLimit());
        phys.store64(base + KipLayout.KOLA_INTERRUPT_LINES, kip.interruptLines());
        // The kernel descriptor.
        phys.store64(base + KipLayout.KERNEL_DESC, KipLayout.KERNEL_ID_WORD);
        phys.store64(base + KipLayout.KERNEL_DESC + 8, KipLayout.KERNEL_GEN_DATE_WORD);
        phys.store64(base + KipLayout.KERNEL_DESC + 16, KipLayout.KERNEL_VERSION_WORD);
        phys.store64(base + KipLayout.KERNEL_DESC + 24, KipLayout.SUPPLIER_WORD);
        phys.write(base + KipLayout.VERSION_STRING, strings, 0, strings.length);
        // The memory descriptors: the Kip's, in order (a later one holds where two overlap), then user space.
        long at = base + KipLayout.MEMORY_DESCS;
        for (Kip.MemoryDescriptor d : kip.memory()) {
            phys.store64(at, KipLayout.memoryDescLowWord(KipLayout.memoryType(d.type()), false, d.base()));
            phys.store64(at + 8, KipLayout.memoryDescHighWord(d.base(), d.size()));
            at += MEMORY_DESC_BYTES;
        }
        phys.store64(at, KipLayout.memoryDescLowWord(KipLayout.MEM_CONVENTIONAL, true, 0));
        phys.store64(at + 8, KipLayout.memoryDescHighWord(0, KipLayout.USER_SPACE_BYTES));
    }

    /** The number of bits a thread number below {@code limit} needs (X.2's ThreadInfo t). */
    static long threadBits(long limit) {
        return 64 - Long.numberOfLeadingZeros(limit - 1);
    }

    /** The version string and the feature strings, each ending with a zero byte, then an empty string. */
    private static byte[] strings(List<String> features) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(KipLayout.VERSION_STRING_TEXT.getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        for (String feature : features) {
            out.writeBytes(feature.getBytes(StandardCharsets.US_ASCII));
            out.write(0);
        }
        out.write(0);
        return out.toByteArray();
    }
}
