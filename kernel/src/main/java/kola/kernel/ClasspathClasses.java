package kola.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A module's class files read from where the host loaded a class: the named main class and the
 * classes of its package (its package-mates), found with {@link Class#getResourceAsStream} on
 * the main class (class files are readable across module boundaries). Kola's own programs in
 * {@code kola.system} are given this way to run sandboxed, or to be verified.
 */
public final class ClasspathClasses implements ProgramClasses {
    private final Class<?> main;
    private final String packagePrefix;

    /** The class files of {@code main} and its package-mates. */
    public ClasspathClasses(Class<?> main) {
        this.main = main;
        String pkg = main.getPackageName();
        this.packagePrefix = pkg.isEmpty() ? "" : pkg + ".";
    }

    @Override
    public String mainClass() {
        return main.getName();
    }

    @Override
    public byte[] classFile(String binaryName) {
        if (!binaryName.startsWith(packagePrefix) || binaryName.indexOf('.', packagePrefix.length()) >= 0) {
            return null; // not in the main class's package
        }
        String resource = "/" + binaryName.replace('.', '/') + ".class";
        try (InputStream in = main.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    @Override
    public String toString() {
        return "classes of " + main.getName() + " and its package";
    }
}
