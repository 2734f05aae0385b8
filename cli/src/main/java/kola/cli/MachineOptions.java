package kola.cli;

import kola.kernel.KernelConfig;
import kola.machine.Machine;
import picocli.CommandLine.Option;

/** Options that shape the simulated machine and the kernel. */
final class MachineOptions {
    @Option(names = "--memory", paramLabel = "SIZE", description = "Physical memory, e.g. 256M, 4G, 64G (default 256M).",
            converter = SizeConverter.class)
    long memory = 256L << 20;

    @Option(names = "--kernel-memory", paramLabel = "SIZE", description = "Kernel memory pool (default 16M).",
            converter = SizeConverter.class)
    long kernelMemory = 16L << 20;

    Machine.Config machineConfig() {
        return machineConfig(null, System.out);
    }

    /** The machine with console input {@code in} (null: none) and output {@code out}. */
    Machine.Config machineConfig(java.io.InputStream in, java.io.OutputStream out) {
        return new Machine.Config(memory, 256, in, out);
    }

    KernelConfig kernelConfig() {
        return KernelConfig.defaults().withKernelMemory(kernelMemory);
    }
}
