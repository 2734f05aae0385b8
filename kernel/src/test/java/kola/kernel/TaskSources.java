package kola.kernel;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Test helper: compiles Java sources in memory into a module's {@link ProgramClasses}. */
final class TaskSources {
    private TaskSources() {
    }

    /** Compiles {@code sources} (binary class name to source text) and gives them with main class {@code main}. */
    static ProgramClasses compile(String main, Map<String, String> sources) {
        Map<String, byte[]> classes = classFiles(sources);
        return of(main, classes);
    }

    /** A module of one source file whose main class is {@code main}. */
    static ProgramClasses compile(String main, String source) {
        return compile(main, Map.of(main, source));
    }

    static ProgramClasses of(String main, Map<String, byte[]> classes) {
        return new ProgramClasses() {
            @Override
            public String mainClass() {
                return main;
            }

            @Override
            public byte[] classFile(String binaryName) {
                byte[] b = classes.get(binaryName);
                return b == null ? null : b.clone();
            }
        };
    }

    /** The class files of {@code sources}, by binary name; fails with the compiler's diagnostics. */
    static Map<String, byte[]> classFiles(Map<String, String> sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StandardJavaFileManager std = javac.getStandardFileManager(diagnostics, null, null);
        Map<String, ByteArrayOutputStream> out = new HashMap<>();
        var files = new ForwardingJavaFileManager<>(std) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                       FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return out.computeIfAbsent(className, k -> new ByteArrayOutputStream());
                    }
                };
            }
        };
        List<JavaFileObject> units = new ArrayList<>();
        for (var e : sources.entrySet()) {
            units.add(new SimpleJavaFileObject(URI.create("mem:///" + e.getKey().replace('.', '/') + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return e.getValue();
                }
            });
        }
        StringWriter log = new StringWriter();
        boolean ok = javac.getTask(log, files, diagnostics,
                List.of("-classpath", System.getProperty("java.class.path"), "-proc:none"), null, units).call();
        if (!ok) {
            throw new IllegalArgumentException("compilation failed: " + diagnostics.getDiagnostics() + log);
        }
        Map<String, byte[]> classes = new HashMap<>();
        out.forEach((k, v) -> classes.put(k, v.toByteArray()));
        return classes;
    }
}
