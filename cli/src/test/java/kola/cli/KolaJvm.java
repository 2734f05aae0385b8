package kola.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM the {@code ./kola} launcher starts, for tests that run kola in a child JVM: the flags are
 * read from the launcher's {@code jvm_flags=( ... )} lines (one source for both), the module path
 * is this build's classes and the third-party jars of the test class path.
 */
final class KolaJvm {
    private KolaJvm() {
    }

    static Path root() {
        return Path.of("").toAbsolutePath().getParent();
    }

    /** The JVM options of {@code ./kola}: the lines of its {@code jvm_flags} array. */
    static List<String> launcherFlags() {
        List<String> lines;
        try {
            lines = Files.readAllLines(root().resolve("kola"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = lines.indexOf("jvm_flags=(");
        int end = lines.subList(start + 1, lines.size()).indexOf(")") + start + 1;
        if (start < 0 || end <= start) {
            throw new IllegalStateException("no jvm_flags=( ... ) in " + root().resolve("kola"));
        }
        return lines.subList(start + 1, end).stream().map(String::strip).toList();
    }

    /** This build's modules and the jars they require, as a module path. */
    static String modulePath() {
        List<String> path = new ArrayList<>();
        for (String m : List.of("machine", "abi", "kernel", "system", "bench", "cli")) {
            path.add(root().resolve(m).resolve("target/classes").toString());
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("picocli") || name.startsWith("snakeyaml") || name.startsWith("jackson")) {
                path.add(entry);
            }
        }
        return String.join(File.pathSeparator, path);
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The command line that runs {@code kola ARGS} as {@code ./kola} does, with extra JVM options first. */
    static List<String> command(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(launcherFlags());
        command.addAll(jvmOptions);
        command.addAll(List.of("-p", modulePath(), "-m", "kola.cli/kola.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }
}
