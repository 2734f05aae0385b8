package kola.system;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import kola.abi.L4;
import kola.abi.Program;

/**
 * A hostile program that tries to reach kernel objects from user code: through the class of its
 * own {@link L4} object and its memory accessor (their fields, made accessible by reflection), and
 * by loading kernel classes by name and instantiating them. It prints what it reached; on Kola's
 * module path it reaches nothing ("isolation: held"). The tests run it to prove the isolation.
 */
public final class IsolationProbe implements Program {

    @Override
    public void run(L4 l4) {
        List<String> reached = new ArrayList<>();
        for (Object o : new Object[] {l4, l4.memory()}) {
            for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    try {
                        f.setAccessible(true);
                        reached.add(c.getName() + "." + f.getName() + " = " + f.get(o));
                    } catch (RuntimeException | IllegalAccessException e) {
                        // refused: what we want
                    }
                }
            }
        }
        for (String name : List.of("kola.kernel.Tcb", "kola.kernel.Kernel", "kola.kernel.Space", "kola.machine.Machine")) {
            try {
                Class<?> c = Class.forName(name, false, l4.getClass().getClassLoader());
                var constructor = c.getDeclaredConstructors()[0];
                constructor.setAccessible(true);
                reached.add(name + " constructor");
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // refused
            }
        }
        l4.kdbPrint(reached.isEmpty() ? "isolation: held" : "isolation: BROKEN, reached " + reached);
    }
}
