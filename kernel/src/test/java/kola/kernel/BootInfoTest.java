package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kola.abi.BootInfo;
import kola.abi.Kip;
import kola.abi.KipLayout;
import kola.abi.Memory;
import kola.machine.Machine;
import kola.machine.PhysicalMemory;
import org.junit.jupiter.api.Test;

/**
 * The generic boot information (X.2's BootInfo, Pistachio's {@code l4/bootinfo.h}; {@link BootInfo})
 * as the kernel writes it at boot, read back word by word from physical memory at the KIP's
 * BootInfo word: the header, one module record per boot module in order, each with its memory and
 * command line; its pages covered by a 0x1E descriptor and outside the kernel's memory; the
 * smallest image; long command lines that take more pages; ones that do not fit refused at boot;
 * {@link BootInfo#read} on a page someone wrote over.
 */
class BootInfoTest {
    private static Kernel boot(List<Image.Module> modules) {
        return new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)), KernelConfig.defaults(),
                new Image(modules), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static long word(Kernel k, long pa) {
        return k.machine.memory().load64(pa);
    }

    private static String string(Kernel k, long pa) {
        StringBuilder s = new StringBuilder();
        for (int c; (c = k.machine.memory().load8(pa)) != 0; pa++) {
            s.append((char) c);
        }
        return s.toString();
    }

    /** Physical memory as a task's {@link Memory}, 1:1, for {@link BootInfo#read}. */
    private static Memory physical(PhysicalMemory p) {
        return new Memory() {
            public int load8(long va) { return (int) p.load8(va); }
            public int load16(long va) { return (int) p.load16(va); }
            public long load32(long va) { return p.load32(va); }
            public long load64(long va) { return p.load64(va); }
            public void store8(long va, long v) { p.store8(va, v); }
            public void store16(long va, long v) { p.store16(va, v); }
            public void store32(long va, long v) { p.store32(va, v); }
            public void store64(long va, long v) { p.store64(va, v); }
            public void read(long va, byte[] dst, int off, int len) { p.read(va, dst, off, len); }
            public void write(long va, byte[] src, int off, int len) { p.write(va, src, off, len); }
        };
    }

    private static List<Image.Module> several() {
        List<Image.Module> modules = new ArrayList<>();
        modules.add(new Image.Module("sigma0", () -> l4 -> { }));
        modules.add(new Image.Module("roottask", () -> l4 -> { }));
        modules.add(Image.Module.ofElf("first", KipFrameTest.tinyProgram(), 100, List.of("-v", "name=x")));
        modules.add(new Image.Module("java", () -> l4 -> { }, 90, List.of("one")));
        modules.add(Image.Module.ofElf("second", KipFrameTest.tinyProgram(), 100, List.of()));
        return modules;
    }

    @Test
    void oneModuleRecordPerBootModuleReadBackWordByWord() {
        Kernel k = boot(several());
        Kip kip = k.kip();
        long bi = word(k, k.kipFrame * PhysicalMemory.PAGE_SIZE + KipLayout.BOOT_INFO);
        assertEquals(kip.bootInfo(), bi);
        long kernelEnd = k.config.kernelMemoryBytes();
        // Right above the two RISC-V modules' pages, outside the kernel's memory.
        assertEquals(kernelEnd + 2 * PhysicalMemory.PAGE_SIZE, bi);
        // The header.
        assertEquals(0x14b0021dL, word(k, bi));
        assertEquals(1L, word(k, bi + 8));
        long size = word(k, bi + 16);
        assertEquals(64L, word(k, bi + 24), "first_entry: after the eight-word header");
        assertEquals(5L, word(k, bi + 32), "num_entries: one per boot module");
        assertEquals(List.of(0L, 0L, 0L), List.of(word(k, bi + 40), word(k, bi + 48), word(k, bi + 56)));
        // The records, in the image's order.
        String[] lines = {"sigma0", "roottask", "first -v name=x", "java one", "second"};
        long at = bi + 64;
        for (int i = 0; i < lines.length; i++) {
            Kip.BootModule b = kip.bootModules().get(i);
            assertEquals(1L, word(k, at), "type: module");
            assertEquals(1L, word(k, at + 8), "version");
            long next = word(k, at + 16);
            assertEquals(48 + (lines[i].length() + 1 + 7 & ~7), next, "six words and the command line, word-padded");
            long start = word(k, at + 24);
            long bytes = word(k, at + 32);
            if (b.isMachineCode()) {
                assertEquals(b.segments().getFirst().paddr(), start);
                assertEquals(PhysicalMemory.PAGE_SIZE, bytes, "the module's one page");
                assertTrue(start >= kernelEnd && start + bytes <= bi, "between the kernel's memory and the boot info");
                Kip.MemoryDescriptor d = kip.memory().stream()
                        .filter(m -> m.type() == Kip.MemoryDescriptor.Type.BOOT_MODULE && m.name().equals(b.name()))
                        .findFirst().orElseThrow();
                assertEquals(List.of(d.base(), d.size()), List.of(start, bytes), "its 0x3E descriptor's region");
                assertEquals(0x00100073L, k.machine.memory().load32(start + 0), "the module's bytes: its ebreak");
            } else {
                assertEquals(List.of(0L, 0L), List.of(start, bytes), "a Java module has no bytes in memory");
            }
            assertEquals(48L, word(k, at + 40), "cmdline_offset: right after the record's words");
            assertEquals(lines[i], string(k, at + 48));
            at += next;
        }
        assertEquals(at - bi, size, "size: the header and every record");
        assertEquals(0L, word(k, at), "nothing after the last record");
        // Its page: a 0x1E descriptor, the last physical one, outside the kernel's reserved memory.
        Kip.MemoryDescriptor d = kip.memory().getLast();
        assertEquals(Kip.MemoryDescriptor.Type.BOOT_INFO, d.type());
        assertEquals(List.of(bi, (long) PhysicalMemory.PAGE_SIZE), List.of(d.base(), d.size()));
        assertEquals(0x1E, KipLayout.memoryType(d.type()));
        // And the Java reader agrees.
        BootInfo read = BootInfo.read(physical(k.machine.memory()), bi);
        assertNotNull(read);
        assertEquals(size, read.size());
        assertEquals(List.of(new BootInfo.Module(0, 0, "sigma0"), new BootInfo.Module(0, 0, "roottask"),
                new BootInfo.Module(kernelEnd, 4096, "first -v name=x"), new BootInfo.Module(0, 0, "java one"),
                new BootInfo.Module(kernelEnd + 4096, 4096, "second")), read.modules());
    }

    @Test
    void theSmallestImageHasOneRecordPerModuleAndNothingElse() {
        Kernel k = boot(List.of(new Image.Module("sigma0", () -> l4 -> { }), new Image.Module("roottask", () -> l4 -> { })));
        long bi = k.kip().bootInfo();
        assertEquals(k.config.kernelMemoryBytes(), bi, "no RISC-V module: right above the kernel's memory");
        BootInfo read = BootInfo.read(physical(k.machine.memory()), bi);
        assertEquals(List.of(new BootInfo.Module(0, 0, "sigma0"), new BootInfo.Module(0, 0, "roottask")), read.modules());
        assertEquals(64 + (48 + 8) + (48 + 16), read.size(), "\"sigma0\" and \"roottask\", each with its zero byte, word-padded");
    }

    @Test
    void longCommandLinesTakeMorePagesUpToTheLimitThenTheImageIsRefused() {
        List<Image.Module> modules = new ArrayList<>(several());
        String arg = "a".repeat(10_000);
        modules.add(new Image.Module("long", () -> l4 -> { }, 90, List.of(arg, arg)));
        Kernel k = boot(modules);
        Kip.MemoryDescriptor d = k.kip().memory().getLast();
        BootInfo read = BootInfo.read(physical(k.machine.memory()), k.kip().bootInfo());
        assertEquals("long " + arg + " " + arg, read.modules().getLast().cmdline());
        assertEquals(BootInfo.pages(read.size()) * PhysicalMemory.PAGE_SIZE, d.size(), "as many pages as it takes");
        assertEquals(5L, d.size() / PhysicalMemory.PAGE_SIZE, "368 bytes for the others and 20,056 for this one");

        // One more argument than 64 KiB holds: refused at boot, with one line.
        List<Image.Module> tooLong = new ArrayList<>(several());
        tooLong.add(new Image.Module("long", () -> l4 -> { }, 90, List.of("b".repeat(BootInfo.MAX_BYTES))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> boot(tooLong));
        assertEquals("the boot information for 6 boot modules (their names and arguments: 65960 bytes) does not fit its 64 KiB",
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void aPageWrittenOverReadsAsInvalidNeverPastItsSize() {
        Kernel k = boot(several());
        PhysicalMemory p = k.machine.memory();
        long bi = k.kip().bootInfo();
        Memory m = physical(p);
        long size = p.load64(bi + 16);
        p.store64(bi + 64 + 16, 1L << 40); // the first record's offset_next far past the size
        assertNull(BootInfo.read(m, bi));
        p.store64(bi + 64 + 16, 56);
        assertNotNull(BootInfo.read(m, bi));
        p.store64(bi + 64 + 40, size); // a command line past the end
        assertNull(BootInfo.read(m, bi));
        p.store64(bi + 64 + 40, 48);
        p.store64(bi + 32, 1L << 62); // num_entries
        assertNull(BootInfo.read(m, bi));
        p.store64(bi + 32, 5);
        p.store64(bi + 16, BootInfo.MAX_BYTES + 8L); // size
        assertNull(BootInfo.read(m, bi));
        p.store64(bi + 16, size);
        p.store64(bi + 24, 3); // first_entry, misaligned
        assertNull(BootInfo.read(m, bi));
        p.store64(bi + 24, 64);
        p.store64(bi, 0x14b0021eL); // magic
        assertNull(BootInfo.read(m, bi));
    }
}
