package kola.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The console input of a run from the terminal: standard input, unless it was closed. */
final class Stdin {
    private Stdin() {
    }

    /**
     * {@link System#in}; or no input at all when standard input was closed as the JVM started
     * ({@code kola <&-}): the descriptor is then the first file the JVM opened, its own runtime
     * image, which is not input for the console.
     */
    static InputStream open() {
        return closedAtStart(Path.of("/proc/self/fd/0")) ? InputStream.nullInputStream() : System.in;
    }

    /** Whether {@code fd0} (a /proc link to descriptor 0) names a file of the JDK the JVM runs on, or is gone. */
    static boolean closedAtStart(Path fd0) {
        Path target;
        try {
            target = Files.readSymbolicLink(fd0);
        } catch (UnsupportedOperationException | IOException | SecurityException e) {
            return false; // no /proc: nothing to tell; System.in reports its own end or errors
        }
        return target.startsWith(Path.of(System.getProperty("java.home")));
    }
}
