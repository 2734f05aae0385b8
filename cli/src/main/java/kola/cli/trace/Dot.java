package kola.cli.trace;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Graphviz DOT text: quoting, and rendering to SVG with the {@code dot} program when it is
 * installed (Kola does not depend on it: without it, the DOT file is the result).
 */
public final class Dot {
    private Dot() {
    }

    /** {@code s} as a DOT quoted string (an ID or a label; {@code \n} stays a line break). */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(ch);
            }
        }
        return b.append('"').toString();
    }

    /** The {@code dot} executable on the PATH, if there is one. */
    public static Optional<Path> executable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, "dot");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Renders {@code dotFile} to {@code svgFile} with {@code dot}; false (and nothing written) if it is not installed. */
    public static boolean renderSvg(Path dotFile, Path svgFile) throws IOException {
        Optional<Path> dot = executable();
        if (dot.isEmpty()) {
            return false;
        }
        Process p = new ProcessBuilder(dot.get().toString(), "-Tsvg", "-o", svgFile.toString(), dotFile.toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("dot did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running dot", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("dot failed (exit " + p.exitValue() + "): " + output.strip());
        }
        return true;
    }
}
