package kola.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import kola.abi.Program;

/**
 * A system image: the boot modules the kernel starts with (L4's boot loader hands the kernel
 * sigma0, the root task and further modules). Module 0 is sigma0, module 1 the root task; the
 * root task starts the rest. Each module names a program; every address space that runs it gets
 * a fresh instance, from the module's factory or, for a module given as class files, from classes
 * the kernel verifies, meters and defines for that space alone (a sandboxed task).
 */
public record Image(List<Module> modules) {

    public Image {
        modules = List.copyOf(modules);
        if (modules.size() < 2) {
            throw new IllegalArgumentException("an image needs at least sigma0 and a root task");
        }
        for (int i = 0; i < modules.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (modules.get(i).name().equals(modules.get(j).name())) {
                    throw new IllegalArgumentException("duplicate module name: " + modules.get(i).name());
                }
            }
        }
    }

    /**
     * A boot module: its program given as a factory, as class files, or as a RISC-V ELF executable
     * (exactly one of the three).
     *
     * @param name     its name, unique in the image
     * @param program  makes one instance of the program per address space; null if {@code classes} is given
     * @param classes  the program's class files: each address space gets the classes defined by a
     *                 class loader of its own, verified against the task allowlist and metered;
     *                 null if {@code program} is given
     * @param elf      a RISC-V executable: the kernel puts its segments in memory at boot, as a boot
     *                 loader would, and a thread started at the module's entry runs it in user mode
     * @param priority the priority the root task should give it (0..255)
     * @param args     free-form arguments for the program, visible in the KIP
     */
    public record Module(String name, Supplier<? extends Program> program, ProgramClasses classes,
                         ElfProgram elf, int priority, List<String> args) {
        public Module {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a module needs a name");
            }
            int given = (program != null ? 1 : 0) + (classes != null ? 1 : 0) + (elf != null ? 1 : 0);
            if (given != 1) {
                throw new IllegalArgumentException("module " + name + ": give one of a program factory, class files "
                        + "or an ELF executable, not " + (given == 0 ? "none" : given));
            }
            if (priority < 0 || priority > 255) {
                throw new IllegalArgumentException("module " + name + ": priority " + priority + " outside 0..255");
            }
            args = List.copyOf(args);
        }

        /** A module whose program comes from a factory. */
        public Module(String name, Supplier<? extends Program> program, int priority, List<String> args) {
            this(name, program, null, null, priority, args);
        }

        /** A module with priority 100 and no arguments. */
        public Module(String name, Supplier<? extends Program> program) {
            this(name, program, 100, List.of());
        }

        /** A module whose program is given as class files, run sandboxed in each of its spaces. */
        public static Module ofClasses(String name, ProgramClasses classes, int priority, List<String> args) {
            return new Module(name, null, classes, null, priority, args);
        }

        /** A module whose program is a RISC-V executable, run in user mode on the machine's hart. */
        public static Module ofElf(String name, ElfProgram elf, int priority, List<String> args) {
            return new Module(name, null, null, elf, priority, args);
        }

        /**
         * A module running the program {@code program} makes: if {@code sandboxed}, from the class
         * files of its class and package-mates, read where the host loaded them
         * ({@link ClasspathClasses}; the factory is called once here, on the host, to learn the
         * class, so it must be trusted code without effects); otherwise from the factory itself.
         */
        public static Module of(String name, Supplier<? extends Program> program, int priority, List<String> args,
                                boolean sandboxed) {
            return sandboxed
                    ? ofClasses(name, new ClasspathClasses(program.get().getClass()), priority, args)
                    : new Module(name, program, priority, args);
        }
    }

    /** A builder: sigma0 and the root task first, then the other modules in order. */
    public static Builder builder(Supplier<? extends Program> sigma0, Supplier<? extends Program> rootTask) {
        return new Builder(sigma0, rootTask);
    }

    /** Builds an {@link Image}. */
    public static final class Builder {
        private final List<Module> modules = new ArrayList<>();

        private Builder(Supplier<? extends Program> sigma0, Supplier<? extends Program> rootTask) {
            modules.add(new Module("sigma0", sigma0));
            modules.add(new Module("roottask", rootTask));
        }

        /** Adds a module with priority 100. */
        public Builder module(String name, Supplier<? extends Program> program) {
            modules.add(new Module(name, program));
            return this;
        }

        /** Adds a module. */
        public Builder module(String name, Supplier<? extends Program> program, int priority, List<String> args) {
            modules.add(new Module(name, program, priority, args));
            return this;
        }

        /** Adds a module given as class files. */
        public Builder module(String name, ProgramClasses classes, int priority, List<String> args) {
            modules.add(Module.ofClasses(name, classes, priority, args));
            return this;
        }

        /** The image. */
        public Image build() {
            return new Image(modules);
        }
    }
}
