package kola.kernel;

/**
 * The code of a boot module given as class files rather than as loaded classes: the kernel
 * defines them itself, once per address space that runs the module, so that a task's static
 * state is its own. Kola's own programs, a jar, a directory of classes or sources compiled when
 * an image is loaded can all be given this way.
 */
public interface ProgramClasses {
    /** The binary name of the class implementing {@code kola.abi.Program}, e.g. {@code com.example.Echo}. */
    String mainClass();

    /**
     * The class file of the class with binary name {@code binaryName} (e.g. {@code com.example.Echo$1}),
     * or null if the module has no such class (it may then come from {@code kola.abi} or the
     * allowed part of the JDK).
     */
    byte[] classFile(String binaryName);
}
