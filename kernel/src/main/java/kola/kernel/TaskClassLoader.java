package kola.kernel;

import java.util.Map;

/**
 * The class loader of one address space that runs a module given as {@link ProgramClasses}: it
 * defines the module's verified, metered classes itself, so each task has its own copies and its
 * own static state. Other names go to the loader of {@code kola.abi} (for {@code kola.abi.*}),
 * to the kernel (the {@link Meter}, which only the kernel's inserted calls name), or to the
 * JDK's platform loader for the classes {@link TaskAllowlist} allows; anything else is not found.
 * (The verifier has refused every other name in the task's code already; this is the second
 * line, and what the JDK's own generated classes for lambdas and the like resolve through.)
 */
final class TaskClassLoader extends ClassLoader {
    private final Map<String, byte[]> classes;

    TaskClassLoader(String module, int asid, Map<String, byte[]> classes) {
        super("kola-task-" + module + "#" + asid, null);
        this.classes = classes;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c != null) {
                return c;
            }
            byte[] bytes = classes.get(name);
            if (bytes != null) {
                return defineClass(name, bytes, 0, bytes.length);
            }
            if (name.equals(Meter.class.getName())) {
                return Meter.class;
            }
            String internal = name.replace('.', '/');
            if (name.startsWith("kola.abi.")) {
                return Class.forName(name, false, kola.abi.Program.class.getClassLoader());
            }
            if (!TaskAllowlist.reserved(internal) || TaskAllowlist.access(internal) == null) {
                throw new ClassNotFoundException(name + " (not available to a task)");
            }
            return Class.forName(name, false, ClassLoader.getPlatformClassLoader());
        }
    }
}
