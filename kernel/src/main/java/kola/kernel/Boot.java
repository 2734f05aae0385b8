package kola.kernel;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import kola.abi.BootInfo;
import kola.abi.Fpage;
import kola.abi.Kip;
import kola.abi.KipLayout;
import kola.abi.Program;
import kola.machine.CostModel;
import kola.machine.Machine;
import kola.machine.PhysicalMemory;
import kola.machine.riscv.Elf64;

/**
 * The boot image as the kernel lays it out and loads it (DESIGN.md, "Modules"): the KIP it
 * builds from the machine, the configuration and the modules, written into its frame in X.2's
 * binary layout; RISC-V modules' segments put where the KIP says, as a boot loader does; and a
 * module given as class files verified and metered once, its program made in the thread that
 * first runs it. Its static parts run in the {@link Kernel} constructor; the rest when a thread
 * of a module is started ({@link Lifecycle#start}).
 */
final class Boot {
    private final Image image;
    private final PrintStream console;

    Boot(Image image, PrintStream console) {
        this.image = image;
        this.console = console;
    }

    /**
     * Puts the loadable segments of every RISC-V module where the KIP says they are, as a boot
     * loader does: the file's bytes at their offset in the segment's pages, zeros after them.
     */
    static void loadMachineCode(PhysicalMemory phys, Kip kip, Image image) {
        for (Kip.BootModule b : kip.bootModules()) {
            ElfProgram program = image.modules().get(b.index()).elf();
            if (program == null) {
                continue;
            }
            List<Elf64.Segment> segs = program.elf().segments();
            for (int i = 0; i < segs.size(); i++) {
                Elf64.Segment seg = segs.get(i);
                long pa = b.segments().get(i).paddr() + (seg.vaddr() & (PhysicalMemory.PAGE_SIZE - 1));
                phys.write(pa, program.file(), (int) seg.offset(), (int) seg.fileSize());
            }
        }
    }

    /**
     * The KIP of {@code image} booted on {@code machine} under {@code config}: RAM, the kernel's
     * memory and the devices as memory descriptors, and the boot modules, RISC-V ones laid out
     * in memory right above the kernel's, each segment in pages of its own.
     */
    static Kip buildKip(Machine machine, KernelConfig config, Image image) {
        PhysicalMemory phys = machine.memory();
        List<Kip.MemoryDescriptor> memory = new ArrayList<>();
        memory.add(new Kip.MemoryDescriptor(Kip.MemoryDescriptor.Type.CONVENTIONAL, 0, phys.ramBytes()));
        memory.add(new Kip.MemoryDescriptor(Kip.MemoryDescriptor.Type.RESERVED, 0, config.kernelMemoryBytes()));
        for (var device : phys.devices()) {
            // The interrupt controller is the kernel's: reserved, never mapped to a user.
            Kip.MemoryDescriptor.Type type = device.base() == machine.picBase()
                    ? Kip.MemoryDescriptor.Type.RESERVED : Kip.MemoryDescriptor.Type.DEVICE;
            memory.add(new Kip.MemoryDescriptor(type, device.base(), device.size(), device.name()));
        }
        List<Kip.BootModule> modules = new ArrayList<>();
        // RISC-V modules lie in memory right above the kernel's, each segment in pages of its own.
        long next = config.kernelMemoryBytes();
        for (int i = 0; i < image.modules().size(); i++) {
            Image.Module m = image.modules().get(i);
            if (m.elf() == null) {
                modules.add(new Kip.BootModule(i, m.name(), Lifecycle.moduleIpBase(i), m.priority(), m.args()));
                continue;
            }
            long base = next;
            if (base + m.elf().pagesBytes() > phys.ramBytes()) {
                throw new IllegalArgumentException("boot module " + m.name() + " (" + (m.elf().pagesBytes() >> 10)
                        + " KiB) does not fit in RAM (" + (phys.ramBytes() >> 20) + " MiB) beside kernel memory");
            }
            List<Kip.Segment> segments = new ArrayList<>();
            for (Elf64.Segment seg : m.elf().elf().segments()) {
                long first = ElfProgram.firstPage(seg);
                long bytes = (ElfProgram.lastPage(seg) - first + 1) << PhysicalMemory.PAGE_SHIFT;
                segments.add(new Kip.Segment(first << PhysicalMemory.PAGE_SHIFT, next, bytes, seg.flags() & Fpage.RWX));
                next += bytes;
            }
            memory.add(new Kip.MemoryDescriptor(Kip.MemoryDescriptor.Type.BOOT_MODULE, base, next - base, m.name()));
            modules.add(new Kip.BootModule(i, m.name(), Lifecycle.moduleIpBase(i), m.priority(), m.args(), m.elf().elf().entry(),
                    segments));
        }
        // The generic boot information in pages of its own right above the modules' (X.2's BootInfo).
        long bootInfoBytes = BootInfo.pages(BootInfo.encode(bootInfoModules(modules)).length) << PhysicalMemory.PAGE_SHIFT;
        if (next + bootInfoBytes > phys.ramBytes()) {
            throw new IllegalArgumentException("the boot information (" + (bootInfoBytes >> 10) + " KiB) does not fit in RAM ("
                    + (phys.ramBytes() >> 20) + " MiB) beside kernel memory and the boot modules");
        }
        memory.add(new Kip.MemoryDescriptor(Kip.MemoryDescriptor.Type.BOOT_INFO, next, bootInfoBytes, "bootinfo"));
        return new Kip(Kip.API_VERSION_X2, memory, Kernel.SYSTEM_BASE, Kernel.USER_BASE, config.threadNumberLimit(),
                Kernel.UTCB_SIZE_LOG2, Kernel.UTCB_AREA_MIN_LOG2, Kernel.KIP_AREA_SIZE_LOG2, Machine.LINES,
                CostModel.CYCLES_PER_MICROSECOND, modules, config.comm().kipWord(), config.kmem().ordinal());
    }

    /**
     * The boot information's module records: each module's command line (its name and
     * arguments) and its bytes in physical memory, the pages of a RISC-V module's segments (its
     * boot-module descriptor's region; they lie together), none for a Java module.
     */
    private static List<BootInfo.Module> bootInfoModules(List<Kip.BootModule> modules) {
        List<BootInfo.Module> records = new ArrayList<>();
        for (Kip.BootModule b : modules) {
            long start = 0;
            long size = 0;
            if (b.isMachineCode()) {
                start = b.segments().getFirst().paddr();
                Kip.Segment last = b.segments().getLast();
                size = last.paddr() + last.size() - start;
            }
            records.add(new BootInfo.Module(start, size, BootInfo.cmdline(b.name(), b.args())));
        }
        return records;
    }

    /** Writes the generic boot information ({@link BootInfo}) into its zeroed pages, at the KIP's BootInfo word. */
    static void writeBootInfo(PhysicalMemory phys, Kip kip) {
        byte[] bytes = BootInfo.encode(bootInfoModules(kip.bootModules()));
        phys.write(kip.bootInfo(), bytes, 0, bytes.length);
    }

    /**
     * Writes the KIP into its frame in X.2's binary layout ({@link KipFrame}), with the models as
     * feature strings; refuses to boot (IllegalArgumentException) if it does not fit one page.
     */
    static void writeKipFrame(PhysicalMemory memory, long kipFrame, Kip kip, KernelConfig config) {
        KipFrame.write(memory, kipFrame * PhysicalMemory.PAGE_SIZE, kip, memory.ramBytes(),
                List.of(KipLayout.FEATURE_COMM + config.comm().label(),
                        KipLayout.FEATURE_KMEM + config.kmem().label()));
    }

    /** Makes a space's program instance, in the continuation of the space's first thread. */
    interface ProgramMaker {
        Program make() throws Throwable;
    }

    /** A module given as class files: its verified, metered classes, or the line that refused it. */
    record Sandboxed(java.util.Map<String, byte[]> classes, String refusal) {
    }

    /** Per module given as class files, once it was first started. */
    private final java.util.Map<Integer, Sandboxed> sandboxed = new java.util.HashMap<>();

    /**
     * Module {@code index}'s classes, verified and metered once for all its spaces (kernel code
     * reading class files: nothing of the module runs). A refused module is reported on the
     * console once; every thread started in it then halts with the same line.
     */
    Sandboxed sandboxed(int index) {
        Sandboxed s = sandboxed.get(index);
        if (s == null) {
            Image.Module m = image.modules().get(index);
            try {
                var own = TaskVerifier.verify(m.name(), m.classes());
                s = new Sandboxed(TaskMetering.meter(own), null);
            } catch (TaskVerifier.Refused r) {
                s = new Sandboxed(null, r.getMessage());
                console.println(r.getMessage());
            } catch (RuntimeException e) {
                // The class files broke the class-file library (too large a method once metered, say).
                String line = "kola: module " + m.name() + ": its classes cannot be loaded: " + Kdb.oneLine(String.valueOf(e));
                s = new Sandboxed(null, line);
                console.println(line);
            }
            sandboxed.put(index, s);
        }
        return s;
    }

    /** The program of a sandboxed module: its main class, initialized and constructed in the task's thread. */
    static Program instantiate(ClassLoader loader, String main) throws Throwable {
        Class<?> c = Class.forName(main, true, loader);
        if (!Program.class.isAssignableFrom(c)) {
            throw new IllegalStateException("class " + main + " does not implement kola.abi.Program");
        }
        java.lang.reflect.Constructor<?> constructor;
        try {
            constructor = c.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("class " + main + " has no public constructor without parameters");
        }
        try {
            return (Program) constructor.newInstance();
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * What the console says of a thread's death, made in the dying thread's own continuation: a
     * task's exception is user code (its toString may throw, loop or call the kernel), which the
     * kernel never calls itself. Kernel context uses only this text and the exception's class.
     */
    static String deathText(Throwable e) {
        try {
            if (e instanceof ExceptionInInitializerError && e.getCause() != null) {
                return e.getClass().getName() + ": " + e.getCause();
            }
            return String.valueOf(e);
        } catch (Throwable broken) {
            return e.getClass().getName() + " (whose toString threw " + broken.getClass().getName() + ")";
        }
    }
}
