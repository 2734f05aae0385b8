package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kola.abi.Comm;
import kola.abi.Fpage;
import kola.abi.Kip;
import kola.abi.KipLayout;
import kola.abi.Kmem;
import kola.machine.Machine;
import kola.machine.PhysicalMemory;
import org.junit.jupiter.api.Test;

/**
 * The KIP frame in X.2's 64-bit binary layout ({@link KipFrame}, {@link KipLayout}), read back
 * word by word from physical memory of a booted kernel: the fixed part, the memory descriptors
 * (the {@link Kip}'s, with a RISC-V boot module's, then user space), the kernel descriptor and its
 * strings, Kola's words; what a task reads at its KIP area is the same; and an image whose memory
 * descriptors would not fit the page is refused at boot, one that just fits is not.
 */
class KipFrameTest {
    /** Where the tiny program's one page of code is. */
    private static final long TEXT = 0x10000;

    /** A static RISC-V executable of one read-execute page at {@link #TEXT}: an {@code ebreak}. */
    static ElfProgram tinyProgram() {
        byte[] f = new byte[0x1000 + 4];
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(16, (short) 2).putShort(18, (short) 243).putInt(20, 1).putLong(24, TEXT).putLong(32, 64);
        b.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 1);
        b.putInt(64, 1).putInt(68, 5).putLong(72, 0x1000).putLong(80, TEXT).putLong(88, TEXT)
                .putLong(96, 4).putLong(104, 4).putLong(112, 0x1000);
        b.putInt(0x1000, 0x00100073); // ebreak
        return ElfProgram.parse(f);
    }

    /** A kernel (not run) whose image has sigma0, the root task, {@code elfModules} tiny RISC-V modules and a Java one. */
    static Kernel kernel(KernelConfig config, int elfModules) {
        List<Image.Module> modules = new ArrayList<>();
        modules.add(new Image.Module("sigma0", () -> l4 -> { }));
        modules.add(new Image.Module("roottask", () -> l4 -> { }));
        for (int i = 0; i < elfModules; i++) {
            modules.add(Image.Module.ofElf("tiny" + i, tinyProgram(), 100, List.of()));
        }
        modules.add(new Image.Module("java", () -> l4 -> { }));
        return new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)), config, new Image(modules),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static long word(Kernel k, int offset) {
        return k.machine.memory().load64(k.kipFrame * PhysicalMemory.PAGE_SIZE + offset);
    }

    private static int bytes(Kernel k, int offset) {
        return (int) k.machine.memory().load8(k.kipFrame * PhysicalMemory.PAGE_SIZE + offset);
    }

    /** The zero-terminated string at {@code offset}. */
    private static String string(Kernel k, int offset) {
        StringBuilder s = new StringBuilder();
        for (int c; (c = bytes(k, offset)) != 0; offset++) {
            s.append((char) c);
        }
        return s.toString();
    }

    @Test
    void theFixedPartIsX2s() {
        Kernel k = kernel(KernelConfig.defaults(), 1);
        Kip kip = k.kip();
        // The magic "L4µK" in bytes 0..3, then zeros; API version, flags, the kernel descriptor's place.
        assertEquals(List.of((int) 'L', (int) '4', 0xE6, (int) 'K'), List.of(bytes(k, 0), bytes(k, 1), bytes(k, 2), bytes(k, 3)));
        assertEquals(Kip.MAGIC & 0xFFFF_FFFFL, word(k, KipLayout.MAGIC));
        assertEquals(0x8400_0000L, word(k, KipLayout.API_VERSION), "X.2, subversion 0");
        assertEquals(0b0100L, word(k, KipLayout.API_FLAGS), "little-endian (ee 0), 64-bit (ww 1)");
        assertEquals(0x2A0L, word(k, KipLayout.KERNEL_DESC_PTR));
        // MemoryInfo: n in the low half, MemDescPtr in the high half.
        long memoryInfo = word(k, KipLayout.MEMORY_INFO);
        assertEquals(kip.memory().size() + 1, memoryInfo & 0xFFFF_FFFFL);
        assertEquals(0x400L, memoryInfo >>> 32);
        // UtcbInfo: m 1, a 10, s 12: a UTCB is 1 KiB, 1 KiB-aligned; the smallest area 4 KiB.
        long utcb = word(k, KipLayout.UTCB_INFO);
        assertEquals(List.of(1L, 10L, 12L), List.of(utcb & 0x3FF, utcb >>> 10 & 0x3F, utcb >>> 16 & 0x3F));
        assertEquals(1024L, (1L << (utcb >>> 10 & 0x3F)) * (utcb & 0x3FF));
        assertEquals(12L, word(k, KipLayout.KIP_AREA_INFO));
        assertEquals(kip.bootInfo(), word(k, KipLayout.BOOT_INFO), "the boot information's physical address");
        assertEquals(k.config.kernelMemoryBytes() + PhysicalMemory.PAGE_SIZE, kip.bootInfo(), "above the one module's page");
        assertEquals(0x240L, word(k, KipLayout.PROC_DESC_PTR));
        assertEquals(0x0001_0001L, word(k, KipLayout.CLOCK_INFO), "read and schedule precision: 1 µs each");
        // ThreadInfo: t, SystemBase, UserBase as the Kip has them.
        long threads = word(k, KipLayout.THREAD_INFO);
        assertEquals(kip.systemBase(), threads >>> 8 & 0xFFF);
        assertEquals(kip.userBase(), threads >>> 20 & 0xFFF);
        assertEquals(32L, kip.systemBase());
        assertEquals(64L, kip.userBase());
        assertEquals(64 - Long.numberOfLeadingZeros(kip.threadNumberLimit() - 1), threads & 0xFF);
        assertTrue(kip.threadNumberLimit() - 1 < 1L << (threads & 0xFF), "the highest thread number fits t bits");
        // PageInfo: 4 KiB pages only, rwx.
        assertEquals(0x1000L | Fpage.RWX, word(k, KipLayout.PAGE_INFO));
        // ProcessorInfo: one processor (0 + 1), descriptors of 2^5 bytes.
        assertEquals(5L << 60, word(k, KipLayout.PROCESSOR_INFO));
        assertEquals(1_000_000L, word(k, KipLayout.PROC_DESC), "ExternalFreq: 1 GHz in kHz");
        assertEquals(1_000_000L, word(k, KipLayout.PROC_DESC + 8), "InternalFreq: 1 GHz in kHz");
        assertEquals(0L, word(k, KipLayout.PROC_DESC + 16));
        assertEquals(0L, word(k, KipLayout.PROC_DESC + 24));
        // The system-call links: each call's number for a7.
        assertEquals(List.of(-6L, -5L, -16L, -17L, -1L, -2L, -3L, -4L, -9L, -8L, -7L),
                List.of(word(k, KipLayout.SPACE_CONTROL), word(k, KipLayout.THREAD_CONTROL),
                        word(k, KipLayout.PROCESSOR_CONTROL), word(k, KipLayout.MEMORY_CONTROL), word(k, KipLayout.IPC),
                        word(k, KipLayout.LIPC), word(k, KipLayout.UNMAP), word(k, KipLayout.EXCHANGE_REGISTERS),
                        word(k, KipLayout.SYSTEM_CLOCK), word(k, KipLayout.THREAD_SWITCH), word(k, KipLayout.SCHEDULE)));
        // Every word X.2 leaves to the kernel and Kola does not use is 0.
        for (int at = 0x20; at < KipLayout.MEMORY_INFO; at += 8) {
            assertEquals(0L, word(k, at), "word 0x" + Integer.toHexString(at));
        }
        for (int at = KipLayout.MEMORY_INFO + 8; at < KipLayout.UTCB_INFO; at += 8) {
            assertEquals(0L, word(k, at), "word 0x" + Integer.toHexString(at));
        }
        for (int at : new int[] {0x160, 0x168, 0x1F8, 0x200, 0x208, 0x210, 0x218, 0x220, 0x228, 0x230, 0x238, 0x290, 0x298}) {
            assertEquals(0L, word(k, at), "word 0x" + Integer.toHexString(at));
        }
    }

    @Test
    void theMemoryDescriptorsAreTheKipsInOrderThenUserSpace() {
        Kernel k = kernel(KernelConfig.defaults(), 2);
        Kip kip = k.kip();
        long ram = k.machine.memory().ramBytes();
        int n = (int) (word(k, KipLayout.MEMORY_INFO) & 0xFFFF_FFFFL);
        assertEquals(kip.memory().size() + 1, n);
        for (int i = 0; i < kip.memory().size(); i++) {
            Kip.MemoryDescriptor d = kip.memory().get(i);
            long low = word(k, KipLayout.MEMORY_DESCS + 16 * i);
            long high = word(k, KipLayout.MEMORY_DESCS + 16 * i + 8);
            assertFalse(KipLayout.memoryDescIsVirtual(low), d.toString());
            assertEquals(d.base(), KipLayout.memoryDescLow(low), d.toString());
            assertEquals(d.base() + d.size() - 1, KipLayout.memoryDescHigh(high), d.toString());
            int type = KipLayout.memoryDescType(low);
            assertEquals(switch (d.type()) {
                case CONVENTIONAL -> 0x1;
                case RESERVED -> 0x2;
                case DEVICE -> 0x3;
                case BOOT_MODULE -> 0x3E;
                case BOOT_INFO -> 0x1E;
            }, type, d.toString());
        }
        // RAM first, then the kernel's memory reserved, the devices, and one descriptor per RISC-V module.
        assertEquals(0x1L, word(k, KipLayout.MEMORY_DESCS), "conventional, physical, from 0");
        assertEquals(ram - 1024, word(k, KipLayout.MEMORY_DESCS + 8), "to the end of RAM");
        assertEquals(0x2L, word(k, KipLayout.MEMORY_DESCS + 16), "reserved, from 0");
        assertEquals(k.config.kernelMemoryBytes() - 1024, word(k, KipLayout.MEMORY_DESCS + 24), "the kernel's memory");
        List<Long> modules = new ArrayList<>();
        for (int i = 0; i < n - 1; i++) {
            long low = word(k, KipLayout.MEMORY_DESCS + 16 * i);
            if (KipLayout.memoryDescType(low) == 0x3E) {
                modules.add(KipLayout.memoryDescLow(low));
                assertEquals(KipLayout.memoryDescLow(low) + PhysicalMemory.PAGE_SIZE - 1,
                        KipLayout.memoryDescHigh(word(k, KipLayout.MEMORY_DESCS + 16 * i + 8)), "one page");
            }
        }
        List<Long> segments = kip.bootModules().stream().filter(Kip.BootModule::isMachineCode)
                .map(b -> b.segments().getFirst().paddr()).toList();
        assertEquals(segments, modules, "each RISC-V module's pages, as the boot loader put them");
        assertEquals(List.of(k.config.kernelMemoryBytes(), k.config.kernelMemoryBytes() + PhysicalMemory.PAGE_SIZE), modules);
        // After them, the boot information's one page (0x1E), at the BootInfo word.
        long bootInfo = word(k, KipLayout.MEMORY_DESCS + 16 * (n - 2));
        assertEquals(0x1E, KipLayout.memoryDescType(bootInfo));
        assertEquals(k.config.kernelMemoryBytes() + 2 * PhysicalMemory.PAGE_SIZE, KipLayout.memoryDescLow(bootInfo));
        assertEquals(KipLayout.memoryDescLow(bootInfo), word(k, KipLayout.BOOT_INFO));
        assertEquals(KipLayout.memoryDescLow(bootInfo) + PhysicalMemory.PAGE_SIZE - 1,
                KipLayout.memoryDescHigh(word(k, KipLayout.MEMORY_DESCS + 16 * (n - 2) + 8)));
        // The last one: the user part of every address space, virtual, conventional.
        long low = word(k, KipLayout.MEMORY_DESCS + 16 * (n - 1));
        long high = word(k, KipLayout.MEMORY_DESCS + 16 * (n - 1) + 8);
        assertEquals(KipLayout.MEM_VIRTUAL | 0x1, low);
        assertEquals((1L << 38) - 1, KipLayout.memoryDescHigh(high));
        assertEquals(0L, word(k, KipLayout.MEMORY_DESCS + 16 * n), "nothing after the last descriptor");
    }

    @Test
    void theKernelDescriptorNamesKolaAndItsModels() {
        Kernel k = kernel(KernelConfig.defaults().withComm(CommModel.GLOBAL_IDS).withKmem(KmemModel.POOL), 0);
        int desc = (int) word(k, KipLayout.KERNEL_DESC_PTR);
        assertEquals(0x4B01_0000L, word(k, desc), "kernel id 0x4B, subid 1");
        long date = word(k, desc + 8);
        assertEquals(List.of(2026L, 12L, 3L), List.of((date >>> 9 & 0x7F) + 2000, date >>> 5 & 0xF, date & 0x1F));
        assertEquals(0x0001_0000L, word(k, desc + 16), "version 0.1.0");
        assertEquals("Kola", string(k, desc + 24).substring(0, 4), "the supplier");
        assertEquals(KipLayout.VERSION_STRING_TEXT, string(k, desc + 32));
        assertTrue(string(k, desc + 32).startsWith("Kola "));
        List<String> features = features(k, desc);
        assertEquals(List.of("kola-comm=global-ids", "kola-kmem=pool"), features);

        assertEquals(Comm.MODEL_GLOBAL_IDS, word(k, KipLayout.KOLA_COMM_MODEL));
        assertEquals(Kmem.MODEL_POOL, word(k, KipLayout.KOLA_KMEM_MODEL));

        Kernel caps = kernel(KernelConfig.defaults().withComm(CommModel.CAPABILITIES).withKmem(KmemModel.QUOTA), 0);
        assertEquals(List.of("kola-comm=capabilities", "kola-kmem=quota"), features(caps, desc));
        assertEquals(Comm.MODEL_CAPABILITIES, word(caps, KipLayout.KOLA_COMM_MODEL));
        assertEquals(Kmem.MODEL_QUOTA, word(caps, KipLayout.KOLA_KMEM_MODEL));
    }

    /** The feature strings after the version string, as X.2's {@code L4_Feature} finds them. */
    private static List<String> features(Kernel k, int desc) {
        List<String> features = new ArrayList<>();
        int at = desc + 32 + string(k, desc + 32).length() + 1;
        while (bytes(k, at) != 0) {
            String f = string(k, at);
            features.add(f);
            at += f.length() + 1;
            assertTrue(at < KipLayout.MEMORY_DESCS, "the strings end before the memory descriptors");
        }
        return features;
    }

    @Test
    void kolasWordsFollowTheProcessorDescriptor() {
        Kernel k = kernel(KernelConfig.defaults().withThreadNumberLimit(1000), 0);
        Kip kip = k.kip();
        assertEquals(kip.commModel(), word(k, Kip.COMM_MODEL_OFFSET));
        assertEquals(kip.kmemModel(), word(k, Kip.KMEM_MODEL_OFFSET));
        assertEquals(k.machine.memory().ramBytes(), word(k, KipLayout.KOLA_RAM_BYTES));
        assertEquals(1000L, word(k, KipLayout.KOLA_CYCLES_PER_MICROSECOND));
        assertEquals(1000L, word(k, KipLayout.KOLA_THREAD_NUMBER_LIMIT));
        assertEquals(10L, word(k, KipLayout.THREAD_INFO) & 0xFF, "thread numbers up to 999 need 10 bits");
        assertEquals(Machine.LINES, word(k, KipLayout.KOLA_INTERRUPT_LINES));
    }

    @Test
    void theLayoutFitsOnePageInOrder() {
        assertTrue(KipLayout.FIXED_END <= KipLayout.PROC_DESC);
        assertTrue(KipLayout.PROC_DESC + (1 << KipLayout.PROC_DESC_SIZE_LOG2) <= KipLayout.KOLA_COMM_MODEL);
        assertTrue(KipLayout.KOLA_INTERRUPT_LINES + 8 <= KipLayout.KERNEL_DESC);
        assertTrue(KipLayout.KERNEL_DESC < KipLayout.MEMORY_DESCS);
        assertEquals(KipLayout.SIZE, KipLayout.MEMORY_DESCS + 16 * KipLayout.MEMORY_DESC_CAPACITY);
        assertEquals(192, KipLayout.MEMORY_DESC_CAPACITY);
        assertEquals(PhysicalMemory.PAGE_SIZE, KipLayout.SIZE);
        assertEquals(kola.machine.riscv.Elf64.USER_TOP, KipLayout.USER_SPACE_BYTES, "the virtual descriptor is user space");
    }

    @Test
    void everySpaceReadsTheFrameAtItsKipArea() {
        KernelHarness h = new KernelHarness();
        List<Long> seen = new ArrayList<>();
        h.root(l4 -> {
            for (int at = 0; at < KipLayout.SIZE; at += 8) {
                seen.add(l4.memory().load64(KernelHarness.KIP_BASE + at));
            }
        });
        h.run();
        h.assertNoFailures();
        List<Long> frame = new ArrayList<>();
        for (int at = 0; at < KipLayout.SIZE; at += 8) {
            frame.add(word(h.kernel, at));
        }
        assertEquals(frame, seen);
    }

    /**
     * The page has room for 192 memory descriptors: an image that needs exactly that many boots
     * (the last descriptor ends the page), one that needs one more is refused before anything runs.
     */
    @Test
    void memoryDescriptorsThatDoNotFitThePageAreRefusedAtBoot() {
        int base = kernel(KernelConfig.defaults(), 0).kip().memory().size() + 1;
        int fit = KipLayout.MEMORY_DESC_CAPACITY - base;
        Kernel full = kernel(KernelConfig.defaults(), fit);
        assertEquals(KipLayout.MEMORY_DESC_CAPACITY, word(full, KipLayout.MEMORY_INFO) & 0xFFFF_FFFFL);
        assertEquals(KipLayout.MEM_VIRTUAL | KipLayout.MEM_CONVENTIONAL, word(full, KipLayout.SIZE - 16));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernel(KernelConfig.defaults(), fit + 1));
        assertEquals("the KIP has room for 192 memory descriptors; this machine and image need 193 (" + (fit + 1)
                + " of them for RISC-V boot modules)", e.getMessage());
    }

    @Test
    void threadBitsCoverTheHighestThreadNumber() {
        assertEquals(32, KipFrame.threadBits(1L << 32));
        assertEquals(7, KipFrame.threadBits(128));
        assertEquals(8, KipFrame.threadBits(129));
        assertEquals(7, KipFrame.threadBits(68));
    }
}
