package kola.cli;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import kola.abi.Program;
import kola.kernel.ProgramClasses;

/**
 * The user programs an image names with its {@code programs} key: Java sources (compiled here, in
 * memory, against {@code kola.abi} and {@code kola.system}), jars, and directories of class files
 * or sources. {@link #classes} gives a module's code as {@link ProgramClasses}; {@link #factory}
 * turns that into the {@code Supplier<Program>} the kernel's image takes today, defining the
 * classes anew for every address space (one class loader per instance), so that a task's static
 * state is its own, as it will be when the kernel defines {@link ProgramClasses} itself. That
 * adapter is the only place that loads user classes.
 */
final class ProgramSources {
    /** The class files of all programs, by binary name ({@code Echo}, {@code com.example.Echo$1}). */
    private final Map<String, byte[]> classes;

    private ProgramSources(Map<String, byte[]> classes) {
        this.classes = classes;
    }

    /** Sources that do not compile: {@link #getMessage()} is javac's report (file:line: error, the line, a caret). */
    static final class CompileError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CompileError(String report) {
            super(report);
        }
    }

    /** A module's code: its main class and the class files of all of the image's programs. */
    record Classes(String mainClass, Map<String, byte[]> files) implements ProgramClasses {
        Classes {
            files = Map.copyOf(files);
        }

        /**
         * The class file of one of the image's classes, or else of a class of {@code kola.system}
         * (the library programs may use: each task gets its own copy, verified like its code).
         */
        @Override
        public byte[] classFile(String binaryName) {
            byte[] b = files.get(binaryName);
            if (b != null) {
                return b.clone();
            }
            if (!binaryName.startsWith(LIBRARY) || binaryName.indexOf('.', LIBRARY.length()) >= 0) {
                return null;
            }
            try (java.io.InputStream in = kola.system.Shell.class.getResourceAsStream(
                    "/" + binaryName.replace('.', '/') + ".class")) {
                return in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** The package of Kola's user-level library, which programs of an image may use. */
    static final String LIBRARY = "kola.system.";

    /** No programs: every name resolves to nothing. */
    static final ProgramSources NONE = new ProgramSources(Map.of());

    /**
     * Reads and compiles {@code paths}: {@code .java} files, {@code .jar} files, and directories
     * (their {@code .class} files, binary names from their paths, and their {@code .java} files).
     * A missing or unreadable path is an {@link IllegalArgumentException} with a one-line message
     * starting with {@code where}; sources that do not compile a {@link CompileError}.
     */
    static ProgramSources load(String where, List<Path> paths) {
        Map<String, byte[]> classes = new TreeMap<>();
        List<Path> sources = new ArrayList<>();
        List<Path> classPath = new ArrayList<>();
        Set<Path> seen = new java.util.HashSet<>();
        for (Path p : paths) {
            if (!seen.add(p.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException(where + ": program '" + p + "' is listed twice");
            }
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            try {
                if (Files.isDirectory(p)) {
                    readDirectory(p, classes, sources);
                    classPath.add(p);
                } else if (!Files.isRegularFile(p)) {
                    throw new IllegalArgumentException(where + ": program '" + p + "' does not exist");
                } else if (name.endsWith(".java")) {
                    sources.add(p);
                } else if (name.endsWith(".jar")) {
                    readJar(p, classes);
                    classPath.add(p);
                } else if (name.endsWith(".class")) {
                    throw new IllegalArgumentException(where + ": program '" + p
                            + "': name the directory that holds class files (their package is their path in it)");
                } else {
                    throw new IllegalArgumentException(where + ": program '" + p
                            + "' is not a .java file, a .jar or a directory");
                }
            } catch (IOException e) {
                throw new IllegalArgumentException(where + ": program '" + p + "': cannot read: " + Problems.why(e));
            } catch (UncheckedIOException e) {
                throw new IllegalArgumentException(where + ": program '" + p + "': cannot read: " + Problems.why(e.getCause()));
            }
        }
        if (!sources.isEmpty()) {
            compile(sources, classPath).forEach((n, b) -> {
                if (classes.put(n, b) != null) {
                    throw new IllegalArgumentException(where + ": class " + n + " is defined twice in programs");
                }
            });
        }
        return new ProgramSources(classes);
    }

    private static void readDirectory(Path dir, Map<String, byte[]> classes, List<Path> sources) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String rel = dir.relativize(f).toString().replace(File.separatorChar, '/');
                if (rel.endsWith(".java")) {
                    sources.add(f);
                } else if (rel.endsWith(".class") && !rel.endsWith("module-info.class")) {
                    classes.put(binaryName(rel), Files.readAllBytes(f));
                }
            }
        }
    }

    private static void readJar(Path jar, Map<String, byte[]> classes) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            for (JarEntry e : j.stream().toList()) {
                String n = e.getName();
                if (!e.isDirectory() && n.endsWith(".class") && !n.endsWith("module-info.class")
                        && !n.startsWith("META-INF/")) {
                    classes.put(binaryName(n), j.getInputStream(e).readAllBytes());
                }
            }
        }
    }

    private static String binaryName(String classFilePath) {
        return classFilePath.substring(0, classFilePath.length() - ".class".length()).replace('/', '.');
    }

    /** Where the classes of {@code type}'s module are: a jar or a class directory. */
    private static Path home(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot tell where " + type.getModule() + " was loaded from", e);
        }
    }

    /** Compiles {@code sources} in memory; returns the class files by binary name. */
    private static Map<String, byte[]> compile(List<Path> sources, List<Path> classPath) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalArgumentException("cannot compile programs: this Java runtime has no compiler (run kola on a JDK)");
        }
        Set<Path> cp = new LinkedHashSet<>();
        cp.add(home(Program.class));               // kola.abi
        cp.add(home(kola.system.Sigma0.class));    // kola.system: RootTask.lookup, Sigma0.requestPage, ...
        cp.addAll(classPath);
        Map<String, byte[]> out = new TreeMap<>();
        StringWriter report = new StringWriter();
        try (StandardJavaFileManager std = javac.getStandardFileManager(null, null, null)) {
            JavaFileManager inMemory = new ForwardingJavaFileManager<>(std) {
                @Override
                public JavaFileObject getJavaFileForOutput(Location location, String className,
                                                           JavaFileObject.Kind kind, FileObject sibling) {
                    return new SimpleJavaFileObject(java.net.URI.create("mem:///" + className.replace('.', '/')
                            + kind.extension), kind) {
                        @Override
                        public OutputStream openOutputStream() {
                            return new ByteArrayOutputStream() {
                                @Override
                                public void close() {
                                    out.put(className, toByteArray());
                                }
                            };
                        }
                    };
                }
            };
            List<String> options = List.of("-classpath", String.join(File.pathSeparator, cp.stream().map(Path::toString).toList()),
                    "-proc:none", "-implicit:class", "-Xlint:-options");
            boolean ok = javac.getTask(report, inMemory, null, options, null,
                    std.getJavaFileObjectsFromPaths(sources)).call();
            if (!ok) {
                throw new CompileError(report.toString().stripTrailing());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The binary names of all classes, sorted. */
    Set<String> classNames() {
        return new java.util.TreeSet<>(classes.keySet());
    }

    /** The code of a module whose main class is {@code mainClass}, or null if there is no such class. */
    Classes classes(String mainClass) {
        return classes.containsKey(mainClass) ? new Classes(mainClass, classes) : null;
    }

    /**
     * Checks, without running any of it, that the module's main class can be a program: it must
     * implement {@link Program}, be public and concrete and have a public no-argument
     * constructor; else an {@link IllegalArgumentException} whose message starts with {@code at}.
     * (The kernel verifies the code and runs it, in the task.)
     */
    static void check(String at, ProgramClasses code) {
        constructor(at, code);
    }

    private static Constructor<? extends Program> constructor(String at, ProgramClasses code) {
        String name = code.mainClass();
        Class<?> c;
        try {
            c = Class.forName(name, false, new TaskLoader(code));
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException(at + ": cannot load '" + name + "': " + e);
        }
        if (!Program.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException(at + ": '" + name + "' is not a kola.abi.Program");
        }
        if (!Modifier.isPublic(c.getModifiers()) || c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
            throw new IllegalArgumentException(at + ": '" + name + "' must be a public, concrete class");
        }
        try {
            return c.asSubclass(Program.class).getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(at + ": '" + name + "' has no public no-argument constructor");
        }
    }

    /** Defines a module's classes from their class files, for {@link #check}; everything else comes from kola's own loader. */
    static final class TaskLoader extends ClassLoader {
        private final ProgramClasses code;

        TaskLoader(ProgramClasses code) {
            super("kola-program-" + code.mainClass(), ProgramSources.class.getClassLoader());
            this.code = code;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    // The module's own classes first: a program's class named like one of kola's is its own.
                    byte[] b = code.classFile(name);
                    c = b != null ? defineClass(name, b, 0, b.length) : getParent().loadClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
