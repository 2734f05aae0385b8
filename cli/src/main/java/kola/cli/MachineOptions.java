package kola.cli;

import kola.abi.Fpage;
import kola.kernel.CommModel;
import kola.kernel.KernelConfig;
import kola.kernel.KmemModel;
import kola.machine.Cache;
import kola.machine.Machine;
import picocli.CommandLine.Option;

/** Options that shape the simulated machine and the kernel. */
final class MachineOptions {
    /**
     * The most RAM a machine may have: its device registers sit above RAM (at RAM's end rounded up
     * to {@link Machine#DEVICE_ALIGNMENT}), and sigma0, which maps them 1:1 in a user address
     * space, must reach them inside the 2^38 bytes of the Sv39 user half. 255 GiB.
     */
    static final long MAX_MEMORY = ((1L << Fpage.MAX_SIZE_LOG2) - Machine.PIC_OFFSET - Machine.DEVICE_REGION_SIZE)
            & -Machine.DEVICE_ALIGNMENT;
    /** The least kernel memory the kernel accepts ({@link KernelConfig}). */
    static final long MIN_KERNEL_MEMORY = 64L << 10;

    @Option(names = "--memory", paramLabel = "SIZE", description = "Physical memory, e.g. 256M, 4G, 64G (default 256M, at most 255G).",
            converter = SizeConverter.class)
    long memory = 256L << 20;

    @Option(names = "--kernel-memory", paramLabel = "SIZE", description = "Kernel memory pool (default 16M).",
            converter = SizeConverter.class)
    long kernelMemory = 16L << 20;

    @Option(names = "--comm", paramLabel = "MODEL", converter = CommConverter.class,
            description = "Communication control model: global-ids, clans, redirection, redirectors, pclans, "
                    + "virtual-threads, capabilities (paper section 4.1; see docs/EXPERIMENTS.md). Default: "
                    + "capabilities for Kola's own systems (the default system, the demos), global-ids for images "
                    + "of your own programs and kola exec (X.2 programs name threads by global id), unless the "
                    + "image says 'comm:'.")
    CommModel comm;

    /** The model when {@code --comm} is not given: capabilities, unless the command runs programs of the user's ({@link #userPrograms}). */
    private CommModel fallback = CommModel.CAPABILITIES;

    /** The command runs the user's programs (a YAML image, kola exec): without {@code --comm}, global ids, which X.2 programs use. */
    void userPrograms() {
        fallback = CommModel.GLOBAL_IDS;
    }

    /** The model the kernel boots with. */
    CommModel comm() {
        return comm != null ? comm : fallback;
    }

    /** The models an image asks for ({@code comm:}, {@code kmem:}; null: no preference); the command line's win. */
    void imageModels(CommModel imageComm, KmemModel imageKmem) {
        if (imageComm != null) {
            fallback = imageComm;
        }
        if (imageKmem != null) {
            kmemFallback = imageKmem;
        }
    }

    /** The kernel-memory model the kernel boots with. */
    KmemModel kmem() {
        return kmem != null ? kmem : kmemFallback;
    }

    @Option(names = "--kmem", paramLabel = "MODEL", converter = KmemConverter.class,
            description = "Kernel-memory model (paper section 4.2): precise (default, unless the image says 'kmem:'; "
                    + "tasks retype pages they hold into kernel objects, revoking a page destroys exactly its objects), "
                    + "pool (L4's central pool), quota (hierarchical quotas), lend (tasks lend pages to the kernel, pinned).")
    KmemModel kmem;

    private KmemModel kmemFallback = KmemModel.PRECISE;

    @Option(names = "--cache", paramLabel = "SETSxWAYSxLINE", converter = CacheConverter.class,
            description = "A memory cache every user access goes through, e.g. 256x4x64 (256 sets, 4 ways, "
                    + "64-byte lines: 64K); powers of two. Default: none (each access that hits the TLB costs "
                    + "1 cycle), unless the image says 'cache:'. See docs/DESIGN.md, \"Micro-architecture cost model\".")
    Cache.Geometry cache;

    private Cache.Geometry cacheFallback;

    /** The memory cache an image asks for ({@code cache:}; null: none); the command line's wins. */
    void imageCache(Cache.Geometry imageCache) {
        cacheFallback = imageCache;
    }

    /** The geometry of the machine's memory cache, or null for none. */
    Cache.Geometry cache() {
        return cache != null ? cache : cacheFallback;
    }

    /** Picocli's converter for {@code --cache}: a bad geometry gets a one-line message naming the bad value. */
    static final class CacheConverter implements picocli.CommandLine.ITypeConverter<Cache.Geometry> {
        @Override
        public Cache.Geometry convert(String value) {
            try {
                return Cache.Geometry.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Picocli's converter for {@code --kmem}. */
    static final class KmemConverter implements picocli.CommandLine.ITypeConverter<KmemModel> {
        @Override
        public KmemModel convert(String value) {
            try {
                return KmemModel.of(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Picocli's converter for {@code --comm}: a bad name gets the list of models. */
    static final class CommConverter implements picocli.CommandLine.ITypeConverter<CommModel> {
        @Override
        public CommModel convert(String value) {
            try {
                return CommModel.of(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * Refuses the model Kola's own system programs cannot run under, for {@code what}: they name
     * partners by global thread id or, under capabilities, by the gates the root task gives
     * ({@code kola.system.Names}); virtual threads' sender-stated names they do not speak.
     */
    void requireThreadIds(String what) {
        if (comm() == CommModel.VIRTUAL_THREADS) {
            throw new IllegalArgumentException("--comm " + comm.label() + ": " + what + " names IPC partners by global "
                    + "thread id or by capability; this model takes images whose programs name object-space slots "
                    + "with a virtual sender (a YAML image of your own, or ./kola experiment comm)");
        }
    }

    Machine.Config machineConfig() {
        return machineConfig(null, System.out);
    }

    /**
     * The machine with console input {@code in} (null: none) and output {@code out}.
     *
     * @throws IllegalArgumentException with a one-line message naming the option, if the sizes do not make a machine Kola can boot
     */
    Machine.Config machineConfig(java.io.InputStream in, java.io.OutputStream out) {
        check();
        return new Machine.Config(memory, 256, in, out, cache());
    }

    KernelConfig kernelConfig() {
        check();
        return KernelConfig.defaults().withKernelMemory(kernelMemory).withComm(comm()).withKmem(kmem());
    }

    /** Refuses sizes the machine or kernel cannot take, naming the option and the limit. */
    void check() {
        if (memory % 4096 != 0) {
            throw new IllegalArgumentException("--memory " + SizeConverter.format(memory) + ": must be a multiple of 4K");
        }
        if (memory > MAX_MEMORY) {
            throw new IllegalArgumentException("--memory " + SizeConverter.format(memory) + ": at most "
                    + SizeConverter.format(MAX_MEMORY) + " supported (devices must stay inside the 2^"
                    + Fpage.MAX_SIZE_LOG2 + "-byte user address space)");
        }
        if (kernelMemory % 4096 != 0 || kernelMemory < MIN_KERNEL_MEMORY) {
            throw new IllegalArgumentException("--kernel-memory " + SizeConverter.format(kernelMemory)
                    + ": must be a multiple of 4K and at least " + SizeConverter.format(MIN_KERNEL_MEMORY));
        }
        if (kernelMemory > memory / 2) {
            throw new IllegalArgumentException("--kernel-memory " + SizeConverter.format(kernelMemory)
                    + ": at most half of --memory (" + SizeConverter.format(memory) + ")");
        }
    }
}
