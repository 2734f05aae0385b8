package kola.kernel;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.FieldModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.PseudoInstruction;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.ConstantDynamicEntry;
import java.lang.classfile.constantpool.DynamicConstantPoolEntry;
import java.lang.classfile.constantpool.LoadableConstantEntry;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.MethodHandleEntry;
import java.lang.classfile.constantpool.MethodTypeEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.MonitorInstruction;
import java.lang.classfile.instruction.NewMultiArrayInstruction;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.lang.classfile.instruction.NewReferenceArrayInstruction;
import java.lang.classfile.instruction.TypeCheckInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Verifies a module's classes before the kernel defines them for a task (see
 * {@link TaskAllowlist} for what is allowed, and why). Starting at the main class, it reads every
 * class the code refers to that the module provides (its own classes), and walks each one's
 * constant pool, instructions, bootstrap methods and method flags. The first reference that is
 * neither the module's own nor allowed refuses the whole module with one line:
 * {@code kola: module M: class C, method m: refers to X (not allowed in a task: why)}.
 *
 * <p>This is kernel code reading bytes: no class of the module is loaded or run here.
 */
public final class TaskVerifier {
    private static final ClassFile PARSER = ClassFile.of();

    private final String module;
    private final ProgramClasses classes;
    private final Map<String, ClassModel> own = new LinkedHashMap<>();
    private final Map<String, Boolean> ownCache = new HashMap<>();
    private final Deque<String> todo = new ArrayDeque<>();
    /** Where the reference being checked is: "class C, method m" and the like. */
    private String where;

    private TaskVerifier(String module, ProgramClasses classes) {
        this.module = module;
        this.classes = classes;
    }

    /** A module that may not run as a task; the message is the one line that says why. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String line) {
            super(line, null, false, false);
        }
    }

    /**
     * The refusal line if module {@code module}'s classes may not run in a task, or null if they
     * pass. (For tests and tools: the kernel does the same when it starts the module.)
     */
    public static String refusal(String module, ProgramClasses classes) {
        try {
            verify(module, classes);
            return null;
        } catch (Refused r) {
            return r.getMessage();
        }
    }

    /** The module's own classes, verified, by internal name, main class first. */
    static Map<String, ClassModel> verify(String module, ProgramClasses classes) throws Refused {
        TaskVerifier v = new TaskVerifier(module, classes);
        String main = classes.mainClass();
        if (main == null || main.isBlank()) {
            throw new Refused("kola: module " + module + ": no main class");
        }
        String mainInternal = main.replace('.', '/');
        v.where = "class " + main;
        if (TaskAllowlist.reserved(mainInternal) || !v.isOwn(mainInternal)) {
            throw new Refused("kola: module " + module + ": class " + main + ": the module has no class file for it");
        }
        v.todo.add(mainInternal);
        while (!v.todo.isEmpty()) {
            String name = v.todo.poll();
            if (!v.own.containsKey(name)) {
                v.check(name, v.model(name));
            }
        }
        return v.own;
    }

    private boolean isOwn(String internalName) {
        if (TaskAllowlist.reserved(internalName)) {
            return false;
        }
        return ownCache.computeIfAbsent(internalName,
                n -> classes.classFile(n.replace('/', '.')) != null);
    }

    private ClassModel model(String internalName) throws Refused {
        String binary = internalName.replace('/', '.');
        byte[] bytes = classes.classFile(binary);
        ClassModel cm;
        try {
            cm = PARSER.parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new Refused("kola: module " + module + ": class " + binary + ": not a valid class file ("
                    + Kdb.oneLine(String.valueOf(e.getMessage())) + ")");
        }
        if (!cm.thisClass().asInternalName().equals(internalName)) {
            throw new Refused("kola: module " + module + ": class " + binary + ": its class file is of "
                    + cm.thisClass().asInternalName().replace('/', '.'));
        }
        return cm;
    }

    private Refused refuse(String what, String why) {
        return new Refused("kola: module " + module + ": " + where + ": refers to " + what
                + " (not allowed in a task: " + why + ")");
    }

    private void check(String name, ClassModel cm) throws Refused {
        own.put(name, cm);
        String cls = "class " + name.replace('/', '.');
        for (MethodModel m : cm.methods()) {
            where = cls + ", method " + m.methodName().stringValue();
            if (m.flags().has(AccessFlag.SYNCHRONIZED)) {
                throw refuse("ACC_SYNCHRONIZED", "monitors");
            }
            if (m.flags().has(AccessFlag.NATIVE)) {
                throw refuse("ACC_NATIVE", "native code");
            }
            if (m.methodName().equalsString("finalize") && m.methodType().equalsString("()V")) {
                throw refuse("finalize()", "finalizers run on a host thread");
            }
            methodType(m.methodTypeSymbol());
            var code = m.findAttribute(java.lang.classfile.Attributes.code());
            if (code.isPresent()) {
                code(code.get());
            }
        }
        for (FieldModel f : cm.fields()) {
            where = cls + ", field " + f.fieldName().stringValue();
            type(f.fieldTypeSymbol());
        }
        // Everything else the class names: its supertypes, nest and inner classes, and any entry
        // no instruction uses.
        where = cls;
        for (PoolEntry e : cm.constantPool()) {
            entry(e);
        }
    }

    private void code(CodeModel code) throws Refused {
        for (CodeElement e : code) {
            switch (e) {
                case MonitorInstruction mi -> throw refuse(mi.opcode().name().toLowerCase(java.util.Locale.ROOT), "monitors");
                case InvokeInstruction ii -> member(ii.method());
                case FieldInstruction fi -> member(fi.field());
                case InvokeDynamicInstruction di -> entry(di.invokedynamic());
                case ConstantInstruction.LoadConstantInstruction lc -> entry(lc.constantEntry());
                case TypeCheckInstruction tc -> classEntry(tc.type());
                case NewObjectInstruction no -> classEntry(no.className());
                case NewReferenceArrayInstruction na -> classEntry(na.componentType());
                case NewMultiArrayInstruction nm -> classEntry(nm.arrayType());
                case ExceptionCatch ec -> {
                    if (ec.catchType().isPresent()) {
                        classEntry(ec.catchType().get());
                    }
                }
                case PseudoInstruction p -> { }
                default -> { }
            }
        }
    }

    private void entry(PoolEntry e) throws Refused {
        switch (e) {
            case ClassEntry c -> classEntry(c);
            case MemberRefEntry m -> member(m);
            case MethodHandleEntry h -> member(h.reference());
            case MethodTypeEntry t -> methodType(t.asSymbol());
            case DynamicConstantPoolEntry d -> {
                MemberRefEntry bsm = d.bootstrap().bootstrapMethod().reference();
                String key = bsm.owner().asInternalName() + "." + bsm.name().stringValue();
                if (!TaskAllowlist.BOOTSTRAPS.contains(key)) {
                    throw refuse("bootstrap method " + key.replace('/', '.'), TaskAllowlist.reason(bsm.owner().asInternalName()));
                }
                for (LoadableConstantEntry arg : d.bootstrap().arguments()) {
                    entry(arg);
                }
                if (d instanceof ConstantDynamicEntry cd) {
                    type(cd.typeSymbol());
                } else {
                    methodType(MethodTypeDesc.ofDescriptor(d.type().stringValue()));
                }
            }
            default -> { }
        }
    }

    private void classEntry(ClassEntry c) throws Refused {
        String n = c.asInternalName();
        if (n.startsWith("[")) {
            type(ClassDesc.ofDescriptor(n));
        } else {
            className(n);
        }
    }

    private void type(ClassDesc d) throws Refused {
        while (d.isArray()) {
            d = d.componentType();
        }
        if (!d.isPrimitive()) {
            String s = d.descriptorString();
            className(s.substring(1, s.length() - 1));
        }
    }

    private void methodType(MethodTypeDesc t) throws Refused {
        type(t.returnType());
        for (ClassDesc p : t.parameterList()) {
            type(p);
        }
    }

    /** A class the code names: its own (to be verified in turn) or allowed. */
    private void className(String n) throws Refused {
        if (isOwn(n)) {
            if (!own.containsKey(n) && !todo.contains(n)) {
                todo.add(n);
            }
        } else if (TaskAllowlist.access(n) == null) {
            throw refuse(n.replace('/', '.'), TaskAllowlist.reason(n));
        }
    }

    private void member(MemberRefEntry m) throws Refused {
        String owner = m.owner().asInternalName();
        String name = m.name().stringValue();
        String desc = m.type().stringValue();
        classEntry(m.owner());
        if (!owner.startsWith("[")) { // an array's clone or length: arrays are the task's own objects
            memberOf(owner, name, desc);
        }
        if (desc.startsWith("(")) {
            methodType(MethodTypeDesc.ofDescriptor(desc));
        } else {
            type(ClassDesc.ofDescriptor(desc));
        }
    }

    private void memberOf(String owner, String name, String desc) throws Refused {
        // The member may be inherited: find the first class outside the module that could declare it.
        List<String> outside = new ArrayList<>();
        inheritedFrom(owner, name, desc, outside, new java.util.HashSet<>());
        for (String jdk : outside) {
            String why = TaskAllowlist.memberRefusal(jdk, name, desc);
            if (why == null) {
                why = deniedAbove(jdk, name, desc);
            }
            if (why != null) {
                throw refuse(jdk.replace('/', '.') + "." + name, why);
            }
        }
    }

    /**
     * Collects into {@code out} the classes outside the module through which {@code name} of
     * {@code owner} could resolve: owner itself if it is not the module's, else the supertypes
     * of the module's classes up from owner that do not declare it.
     */
    private void inheritedFrom(String owner, String name, String desc, List<String> out, java.util.Set<String> seen)
            throws Refused {
        if (!seen.add(owner)) {
            return;
        }
        if (!isOwn(owner)) {
            out.add(owner);
            return;
        }
        ClassModel cm = own.containsKey(owner) ? own.get(owner) : model(owner);
        boolean method = desc.startsWith("(");
        boolean declared = method
                ? cm.methods().stream().anyMatch(mm -> mm.methodName().equalsString(name) && mm.methodType().equalsString(desc))
                : cm.fields().stream().anyMatch(f -> f.fieldName().equalsString(name) && f.fieldType().equalsString(desc));
        if (declared) {
            return;
        }
        if (cm.superclass().isPresent()) {
            inheritedFrom(cm.superclass().get().asInternalName(), name, desc, out, seen);
        }
        for (ClassEntry i : cm.interfaces()) {
            inheritedFrom(i.asInternalName(), name, desc, out, seen);
        }
    }

    /**
     * A refusal of {@code name} in a supertype of allowed JDK class {@code owner} (say
     * {@code ArrayList.wait}, which is {@code Object.wait}), or null.
     */
    private static String deniedAbove(String owner, String name, String desc) {
        if (owner.startsWith("kola/abi/")) {
            return null;
        }
        Class<?> k;
        try {
            k = Class.forName(owner.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return "not on the task allowlist";
        }
        Deque<Class<?>> up = new ArrayDeque<>();
        up.add(k);
        while (!up.isEmpty()) {
            Class<?> c = up.poll();
            String n = c.getName().replace('.', '/');
            String why = TaskAllowlist.DENIED.get(n + "." + name + desc);
            if (why == null) {
                why = TaskAllowlist.DENIED.get(n + "." + name);
            }
            if (why != null) {
                return why;
            }
            if (c.getSuperclass() != null) {
                up.add(c.getSuperclass());
            }
            up.addAll(List.of(c.getInterfaces()));
        }
        return null;
    }
}
