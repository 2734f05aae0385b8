package kola.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import kola.abi.Program;
import kola.kernel.CommModel;
import kola.kernel.ElfProgram;
import kola.kernel.Image;
import kola.kernel.KmemModel;
import kola.machine.Cache;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A system image described in YAML:
 *
 * <pre>
 * programs: [Echo.java, lib/, more.jar]   # optional: sources, jars, class or source directories,
 *                                         # relative to this file; sources are compiled on load
 * comm: capabilities                      # optional: the communication model (default global-ids;
 *                                         # --comm on the command line wins)
 * kmem: quota                             # optional: the kernel-memory model (default precise; --kmem wins)
 * cache: 256x4x64                         # optional: a memory cache, SETSxWAYSxLINE (default none;
 *                                         # --cache wins)
 * modules:
 *   - name: sigma0            # first: sigma0
 *     program: Sigma0         # a class from programs (default package too), else of kola.system,
 *                             # else a fully qualified Program class kola can load
 *   - name: roottask          # second: the root task
 *     program: RootTask
 *   - name: uart
 *     program: UartDriver
 *     priority: 220           # 0..255, default 100
 *     irq: 2                  # the interrupt line the root task lets it attach
 *     pager: pager1           # a module started before it (default: sigma0)
 *     manual: true            # started only on request (the shell's demo)
 *     args: [echo=on]         # more arguments for the program
 *   - name: hello
 *     elf: ../user/build/hello/hello   # instead of program: a RISC-V ELF executable, relative to
 *                                      # this file; the root task pages it and runs its ecalls
 * </pre>
 *
 * Any mistake is an {@link IllegalArgumentException} with a one-line message naming the file and
 * the problem; sources that do not compile a {@link ProgramSources.CompileError} with javac's report.
 *
 * <p>When the console input is a script or a pipe ({@code echo}), every shell module (one running
 * {@code kola.system.Shell}) gets the argument {@code echo=on}, unless its args set {@code echo}
 * themselves: as with the default image, a transcript then shows the commands.
 */
final class ImageFile {
    private ImageFile() {
    }

    /**
     * The communication and kernel-memory models and the memory cache an image asks for
     * ({@code comm:}, {@code kmem:}, {@code cache:}); null where it says nothing.
     */
    record Models(CommModel comm, KmemModel kmem, Cache.Geometry cache) {
    }

    /** The models the image in {@code file} asks for; the file must load ({@link #load}) first. */
    static Models models(Path file) {
        try (Reader r = Files.newBufferedReader(file)) {
            Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            return root instanceof Map<?, ?> top ? models(file.toString(), top) : new Models(null, null, null);
        } catch (IOException | YAMLException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
        }
    }

    private static Models models(String where, Map<?, ?> top) {
        CommModel comm = null;
        KmemModel kmem = null;
        Cache.Geometry cache = null;
        try {
            if (top.containsKey("comm")) {
                comm = CommModel.of(String.valueOf(top.get("comm")));
            }
            if (top.containsKey("kmem")) {
                kmem = KmemModel.of(String.valueOf(top.get("kmem")));
            }
            if (top.containsKey("cache")) {
                cache = Cache.Geometry.parse(String.valueOf(top.get("cache")));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        return new Models(comm, kmem, cache);
    }

    /** The image in {@code file}, its shell modules without command echo. */
    static Image load(Path file) {
        return load(file, false);
    }

    /** The image in {@code file}; {@code echo}: its shells echo commands (input is a script or a pipe). */
    static Image load(Path file, boolean echo) {
        String where = file.toString();
        Object root;
        try (Reader r = Files.newBufferedReader(file)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": cannot read: " + Problems.why(e));
        } catch (MarkedYAMLException e) {
            // Where the parser stopped, as FILE:LINE:COLUMN (1-based), and what it found there.
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String at = mark == null ? where + ": " : where + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": ";
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            String context = e.getContext() != null && e.getProblem() != null ? " (" + oneLine(e.getContext()) + ")" : "";
            throw new IllegalArgumentException(at + "not valid YAML: " + oneLine(problem) + context);
        } catch (YAMLException e) {
            if (e.getCause() instanceof IOException io) {
                throw new IllegalArgumentException(where + ": cannot read: " + Problems.why(io));
            }
            throw new IllegalArgumentException(where + ": not valid YAML: " + oneLine(e.getMessage()));
        }
        if (!(root instanceof Map<?, ?> top) || !(top.get("modules") instanceof List<?> list)) {
            throw new IllegalArgumentException(where + ": expected a mapping with a 'modules' list");
        }
        for (Object key : top.keySet()) {
            if (!List.of("modules", "programs", "comm", "kmem", "cache").contains(key)) {
                throw new IllegalArgumentException(where + ": unknown key '" + key + "' (modules, programs, comm, kmem, cache)");
            }
        }
        models(where, top);
        ProgramSources programs = ProgramSources.NONE;
        if (top.containsKey("programs")) {
            if (!(top.get("programs") instanceof List<?> paths) || paths.isEmpty()
                    || !paths.stream().allMatch(p -> p instanceof String s && !s.isBlank())) {
                throw new IllegalArgumentException(where + ": 'programs' must be a list of paths (.java files, jars, directories)");
            }
            Path shown = file.getParent();
            List<Path> resolved = new ArrayList<>();
            for (Object p : paths) {
                Path path = Path.of((String) p);
                // Relative to the YAML file, as the user wrote it (javac's messages name these paths).
                resolved.add(shown == null ? path : shown.resolve(path));
            }
            programs = ProgramSources.load(where, resolved);
        }
        if (list.size() < 2) {
            throw new IllegalArgumentException(where + ": needs at least two modules: sigma0 and the root task");
        }
        List<Image.Module> modules = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = where + ": module " + (i + 1);
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException(at + ": expected a mapping with name and program");
            }
            Image.Module module = module(at, m, programs, echo, file.getParent());
            for (String arg : module.args()) {
                String pager = arg.startsWith("pager=") ? arg.substring(6) : null;
                if (pager != null && modules.stream().noneMatch(earlier -> earlier.name().equals(pager))) {
                    throw new IllegalArgumentException(at + " (" + module.name() + "): pager '" + pager
                            + "' is not a module listed before it");
                }
            }
            modules.add(module);
        }
        try {
            return new Image(modules);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("").strip();
    }

    private static Image.Module module(String at, Map<?, ?> m, ProgramSources programs, boolean echo, Path dir) {
        for (Object key : m.keySet()) {
            if (!List.of("name", "program", "elf", "priority", "irq", "pager", "manual", "args").contains(key)) {
                throw new IllegalArgumentException(at + ": unknown key '" + key
                        + "' (name, program, elf, priority, irq, pager, manual, args)");
            }
        }
        if (!(m.get("name") instanceof String name) || name.isBlank()) {
            throw new IllegalArgumentException(at + ": 'name' must be a non-empty string");
        }
        at = at + " (" + name + ")";
        if (m.containsKey("program") && m.containsKey("elf")) {
            throw new IllegalArgumentException(at + ": give 'program' (a Java class) or 'elf' (a RISC-V executable), not both");
        }
        ElfProgram elf = null;
        if (m.containsKey("elf")) {
            if (!(m.get("elf") instanceof String path) || path.isBlank()) {
                throw new IllegalArgumentException(at + ": 'elf' must be the path of a RISC-V ELF executable");
            }
            if (m.containsKey("pager")) {
                throw new IllegalArgumentException(at + ": a RISC-V module is paged by the root task: no 'pager'");
            }
            elf = elf(at, dir == null ? Path.of(path) : dir.resolve(path));
        } else if (!(m.get("program") instanceof String)) {
            throw new IllegalArgumentException(at + ": 'program' must be a class name (or 'elf' the path of a RISC-V executable)");
        }
        int priority = 100;
        if (m.containsKey("priority")) {
            if (!(m.get("priority") instanceof Integer p) || p < 0 || p > 255) {
                throw new IllegalArgumentException(at + ": 'priority' must be an integer in 0..255");
            }
            priority = p;
        }
        List<String> args = new ArrayList<>();
        if (m.containsKey("irq")) {
            if (!(m.get("irq") instanceof Integer irq) || irq < 0 || irq > 31) {
                throw new IllegalArgumentException(at + ": 'irq' must be an interrupt line in 0..31");
            }
            args.add("irq=" + irq);
        }
        if (m.containsKey("pager")) {
            if (!(m.get("pager") instanceof String pager) || pager.isBlank()) {
                throw new IllegalArgumentException(at + ": 'pager' must name a module");
            }
            args.add("pager=" + pager);
        }
        if (m.containsKey("manual")) {
            if (!(m.get("manual") instanceof Boolean manual)) {
                throw new IllegalArgumentException(at + ": 'manual' must be true or false");
            }
            if (manual) {
                args.add("manual");
            }
        }
        if (m.containsKey("args")) {
            if (!(m.get("args") instanceof List<?> extra) || !extra.stream().allMatch(a -> a instanceof String)) {
                throw new IllegalArgumentException(at + ": 'args' must be a list of strings");
            }
            extra.forEach(a -> args.add((String) a));
        }
        if (elf != null) {
            return Image.Module.ofElf(name, elf, priority, args);
        }
        String program = (String) m.get("program");
        ProgramSources.Classes own = programs.classes(program);
        if (own != null) {
            // The image's own programs run sandboxed: verified now and when the kernel defines them per space.
            ProgramSources.check(at, own);
            String refused = kola.kernel.TaskVerifier.refusal(name, own);
            if (refused != null) {
                throw new IllegalArgumentException(at + ": " + refused.replaceFirst("^kola: ", ""));
            }
            return Image.Module.ofClasses(name, own, priority, args);
        }
        Supplier<Program> factory = programFactory(at, program, programs);
        if (echo && resolvesTo(program, kola.system.Shell.class)
                && args.stream().noneMatch(a -> a.startsWith("echo="))) {
            args.add("echo=on");
        }
        return new Image.Module(name, factory, priority, args);
    }

    /** The RISC-V executable at {@code path} (as the image names it, relative to the image's directory). */
    private static ElfProgram elf(String at, Path path) {
        try {
            return ElfProgram.read(path);
        } catch (IOException e) {
            throw new IllegalArgumentException(at + ": " + path + ": cannot read: " + Problems.whyProgram(e, path));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ": " + path + ": " + oneLine(e.getMessage()));
        }
    }

    private static boolean resolvesTo(String program, Class<?> type) {
        return program.equals(type.getName()) || program.equals(type.getSimpleName());
    }

    /** A factory making instances of the named Program class (one per address space). */
    static Supplier<Program> programFactory(String at, String className) {
        return programFactory(at, className, ProgramSources.NONE);
    }

    private static Supplier<Program> programFactory(String at, String className, ProgramSources programs) {
        Class<?> c;
        try {
            c = Class.forName(className.contains(".") ? className : "kola.system." + className);
        } catch (ClassNotFoundException e) {
            List<String> own = programs.classNames().stream().filter(n -> !n.contains("$")).toList();
            throw new IllegalArgumentException(at + ": unknown program '" + className + "'"
                    + (own.isEmpty() ? " (not a class of kola.system, nor one kola can load; name sources with 'programs')"
                    : " (not in programs: " + String.join(", ", own) + "; nor a class of kola.system)"));
        }
        if (!Program.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException(at + ": '" + className + "' is not a kola.abi.Program");
        }
        try {
            var constructor = c.getConstructor();
            try {
                constructor.newInstance(); // a program that cannot be made is refused now, not at boot
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
                throw new IllegalArgumentException(at + ": cannot make a '" + className + "': " + cause);
            }
            return () -> {
                try {
                    return (Program) constructor.newInstance();
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot make a " + className + ": " + e, e);
                }
            };
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(at + ": '" + className + "' has no public no-argument constructor");
        }
    }
}
