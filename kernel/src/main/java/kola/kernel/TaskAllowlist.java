package kola.kernel;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a sandboxed task's code may refer to besides its own classes: the one list to audit. The
 * kernel verifies every class of a module given as {@link ProgramClasses} against it before it
 * defines the class ({@link TaskVerifier}); everything not listed here is refused.
 *
 * <p>The rules, by the JDK's internal class names:
 * <ul>
 *   <li>{@code kola/abi/*}: everything (it is what a program is written against).</li>
 *   <li>{@link #CLASSES}: a class listed as {@link Access#ALL} may be named and all its members
 *       used, but for the members {@link #DENIED} names; {@link Access#TYPE} classes may only be
 *       named (in signatures, casts, constants), with the members listed in {@link #MEMBERS}.</li>
 *   <li>{@link #BOOTSTRAPS}: the only bootstrap methods of {@code invokedynamic} and dynamic
 *       constants: lambdas and method references, string concatenation, records, pattern
 *       switches.</li>
 *   <li>Array types: as their element type; arrays' own members ({@code clone}, {@code length}).</li>
 * </ul>
 *
 * <p>Why these and no others: a task's code must reach nothing outside its address space but
 * through its {@code L4} object, and must be deterministic and preemptible. So it gets no host
 * threads, clocks, randomness, I/O, reflection or class loading, no monitors (a continuation
 * that holds a monitor cannot yield), and no JDK method that takes one and calls back into task
 * code ({@code Collections.synchronized*}, {@code StringBuffer}, {@code Vector},
 * {@code ConcurrentHashMap}), nor one that runs task code on host threads (parallel streams,
 * {@code Arrays.parallel*}). The classes listed compute on the task's own objects only. Known
 * host dependence left in: {@code String.format} and friends use the host's default locale.
 */
final class TaskAllowlist {
    private TaskAllowlist() {
    }

    /** How much of a listed class a task may use. */
    enum Access {
        /** The class and all its members but those {@link #DENIED}. */
        ALL,
        /** The class as a type; of its members only those in {@link #MEMBERS}. */
        TYPE
    }

    /** Listed classes. */
    static final Map<String, Access> CLASSES = new HashMap<>();
    /** Members of {@link Access#TYPE} classes that are allowed: "owner.name". */
    static final Set<String> MEMBERS = Set.of(
            "java/lang/Class.desiredAssertionStatus",   // javac's assert
            "java/lang/Class.getName",
            "java/lang/Class.getSimpleName");
    /** The allowed bootstrap methods: "owner.name". */
    static final Set<String> BOOTSTRAPS = Set.of(
            "java/lang/invoke/LambdaMetafactory.metafactory",
            "java/lang/invoke/LambdaMetafactory.altMetafactory",
            "java/lang/invoke/StringConcatFactory.makeConcatWithConstants",
            "java/lang/invoke/StringConcatFactory.makeConcat",
            "java/lang/runtime/ObjectMethods.bootstrap",
            "java/lang/runtime/SwitchBootstraps.typeSwitch",
            "java/lang/runtime/SwitchBootstraps.enumSwitch",
            "java/lang/invoke/ConstantBootstraps.invoke",
            "java/lang/invoke/ConstantBootstraps.getStaticFinal",
            "java/lang/invoke/ConstantBootstraps.enumConstant",
            "java/lang/invoke/ConstantBootstraps.nullConstant",
            "java/lang/invoke/ConstantBootstraps.primitiveClass");
    /**
     * Members of allowed classes that are refused, with the reason: "owner.name" (any descriptor),
     * or "owner.name(descriptor)" for one overload.
     */
    static final Map<String, String> DENIED = new HashMap<>();

    private static final String[] ALL = {
        // java.lang: values, text, arithmetic, the language's own base classes.
        "java/lang/Object", "java/lang/String", "java/lang/StringBuilder", "java/lang/AbstractStringBuilder",
        "java/lang/CharSequence", "java/lang/Comparable", "java/lang/Iterable", "java/lang/AutoCloseable",
        "java/lang/Runnable", "java/lang/Cloneable", "java/lang/Record", "java/lang/Enum", "java/lang/Math",
        "java/lang/StrictMath", "java/lang/Number", "java/lang/Boolean", "java/lang/Byte", "java/lang/Short",
        "java/lang/Character", "java/lang/Integer", "java/lang/Long", "java/lang/Float", "java/lang/Double",
        "java/lang/Void", "java/lang/FunctionalInterface", "java/lang/Override", "java/lang/Deprecated",
        "java/lang/SuppressWarnings", "java/lang/SafeVarargs",
        // java.lang: exceptions and errors a program throws or catches.
        "java/lang/Throwable", "java/lang/Exception", "java/lang/RuntimeException", "java/lang/Error",
        "java/lang/IllegalArgumentException", "java/lang/IllegalStateException", "java/lang/ArithmeticException",
        "java/lang/IndexOutOfBoundsException", "java/lang/ArrayIndexOutOfBoundsException",
        "java/lang/StringIndexOutOfBoundsException", "java/lang/NullPointerException",
        "java/lang/UnsupportedOperationException", "java/lang/ClassCastException",
        "java/lang/NumberFormatException", "java/lang/NegativeArraySizeException", "java/lang/ArrayStoreException",
        "java/lang/CloneNotSupportedException", "java/lang/AssertionError", "java/lang/MatchException",
        "java/lang/IncompatibleClassChangeError", "java/lang/NoSuchFieldError", "java/lang/StackOverflowError",
        "java/lang/OutOfMemoryError", "java/lang/VirtualMachineError", "java/lang/LinkageError",
        "java/lang/ExceptionInInitializerError",
        // java.util: collections and helpers that compute on the task's own objects.
        "java/util/Collection", "java/util/SequencedCollection", "java/util/List", "java/util/Set",
        "java/util/SequencedSet", "java/util/SortedSet", "java/util/NavigableSet", "java/util/Map",
        "java/util/Map$Entry", "java/util/SequencedMap", "java/util/SortedMap", "java/util/NavigableMap",
        "java/util/Queue", "java/util/Deque", "java/util/Iterator", "java/util/ListIterator",
        "java/util/RandomAccess", "java/util/AbstractCollection", "java/util/AbstractList",
        "java/util/AbstractSet", "java/util/AbstractMap", "java/util/AbstractQueue",
        "java/util/ArrayList", "java/util/LinkedList", "java/util/ArrayDeque", "java/util/PriorityQueue",
        "java/util/HashMap", "java/util/LinkedHashMap", "java/util/TreeMap", "java/util/HashSet",
        "java/util/LinkedHashSet", "java/util/TreeSet", "java/util/EnumMap", "java/util/EnumSet",
        "java/util/BitSet", "java/util/Collections", "java/util/Arrays", "java/util/Objects",
        "java/util/Optional", "java/util/OptionalInt", "java/util/OptionalLong", "java/util/OptionalDouble",
        "java/util/Comparator", "java/util/StringJoiner", "java/util/Iterator", "java/util/Spliterator",
        "java/util/NoSuchElementException", "java/util/ConcurrentModificationException",
        "java/util/IntSummaryStatistics", "java/util/LongSummaryStatistics",
        // The standard charsets, for String's getBytes(Charset) and String(byte[], Charset): pure
        // encoding and decoding (Charset itself is TYPE only: no lookup by name, no default charset).
        "java/nio/charset/StandardCharsets",
        // Seeded pseudo-random numbers (the unseeded constructors are DENIED).
        "java/util/SplittableRandom", "java/util/Random", "java/util/random/RandomGenerator",
    };

    /** Named only as types (and the few {@link #MEMBERS}): what javac's output mentions around indy. */
    private static final String[] TYPE = {
        "java/lang/Class", "java/lang/invoke/MethodHandles$Lookup", "java/lang/invoke/MethodHandles",
        "java/lang/invoke/MethodHandle", "java/lang/invoke/MethodType", "java/lang/invoke/CallSite",
        "java/lang/invoke/TypeDescriptor", "java/lang/invoke/LambdaMetafactory",
        "java/lang/invoke/StringConcatFactory", "java/lang/invoke/ConstantBootstraps",
        "java/lang/runtime/ObjectMethods", "java/lang/runtime/SwitchBootstraps",
        "java/lang/invoke/TypeDescriptor$OfField", "java/lang/Enum$EnumDesc", "java/lang/constant/ClassDesc",
        "java/nio/charset/Charset",
    };

    /** Packages all of whose public classes are allowed (but the members {@link #DENIED}). */
    private static final String[] ALL_PACKAGES = {"java/util/function/", "java/util/stream/"};

    static {
        for (String c : ALL) {
            CLASSES.put(c, Access.ALL);
        }
        for (String c : TYPE) {
            CLASSES.put(c, Access.TYPE);
        }
        for (String monitor : new String[] {"wait", "notify", "notifyAll"}) {
            DENIED.put("java/lang/Object." + monitor, "monitors");
        }
        DENIED.put("java/lang/Object.finalize", "finalizers run on a host thread");
        DENIED.put("java/lang/Math.random", "host randomness");
        DENIED.put("java/lang/StrictMath.random", "host randomness");
        DENIED.put("java/util/Random.<init>()V", "host randomness: give a seed");
        DENIED.put("java/util/SplittableRandom.<init>()V", "host randomness: give a seed");
        DENIED.put("java/util/random/RandomGenerator.getDefault", "host randomness");
        DENIED.put("java/util/random/RandomGenerator.of", "host randomness");
        DENIED.put("java/lang/Throwable.printStackTrace", "host I/O");
        DENIED.put("java/lang/Enum.getDeclaringClass", "reflection");
        DENIED.put("java/lang/Enum.describeConstable", "reflection");
        DENIED.put("java/util/Collection.parallelStream", "host threads");
        DENIED.put("java/util/stream/BaseStream.parallel", "host threads");
        for (String s : new String[] {"Collection", "Set", "SortedSet", "NavigableSet", "List", "Map", "SortedMap",
            "NavigableMap", "SequencedCollection", "SequencedSet", "SequencedMap"}) {
            DENIED.put("java/util/Collections.synchronized" + s, "monitors");
        }
    }

    /**
     * Whether {@code internalName} names a class of the JDK or of Kola's kernel, machine or ABI: never
     * a task's own, whatever the module provides. (Kola's user-level programs in {@code kola/system}
     * are a module's own classes when the module provides them.)
     */
    static boolean reserved(String internalName) {
        return internalName.startsWith("java/") || internalName.startsWith("javax/") || internalName.startsWith("jdk/")
                || internalName.startsWith("sun/") || internalName.startsWith("com/sun/")
                || internalName.startsWith("kola/abi/") || internalName.startsWith("kola/kernel/")
                || internalName.startsWith("kola/machine/");
    }

    /** How {@code internalName} (a class, not an array) may be used, or null if it may not. */
    static Access access(String internalName) {
        if (internalName.startsWith("kola/abi/")) {
            return Access.ALL;
        }
        Access a = CLASSES.get(internalName);
        if (a != null) {
            return a;
        }
        for (String p : ALL_PACKAGES) {
            if (internalName.startsWith(p) && internalName.indexOf('/', p.length()) < 0) {
                return Access.ALL;
            }
        }
        return null;
    }

    /**
     * Why member {@code name}{@code descriptor} of allowed class {@code owner} is refused, or null
     * if it is allowed.
     */
    static String memberRefusal(String owner, String name, String descriptor) {
        Access a = access(owner);
        if (a == null) {
            return reason(owner);
        }
        if (a == Access.TYPE) {
            return MEMBERS.contains(owner + "." + name) || BOOTSTRAPS.contains(owner + "." + name)
                    ? null : reason(owner);
        }
        String why = DENIED.get(owner + "." + name + descriptor);
        if (why == null) {
            why = DENIED.get(owner + "." + name);
        }
        if (why == null && name.startsWith("parallel") && owner.startsWith("java/util/")) {
            why = "host threads";
        }
        return why;
    }

    /** Why a class not on the list is refused: the kind of thing it gives access to. */
    static String reason(String internalName) {
        String n = internalName;
        if (n.equals("java/util/concurrent/ThreadLocalRandom")) {
            return "host randomness";
        }
        if (n.startsWith("java/lang/reflect/") || n.equals("java/lang/Class") || n.equals("java/lang/ClassLoader")
                || n.startsWith("java/lang/invoke/") || n.equals("java/lang/Module") || n.equals("java/lang/ModuleLayer")) {
            return "reflection";
        }
        if (n.equals("java/lang/System") || n.equals("java/lang/Runtime") || n.startsWith("java/lang/Process")) {
            return "host system";
        }
        if (n.startsWith("java/lang/Thread") || n.equals("java/lang/InheritableThreadLocal")
                || n.startsWith("java/util/concurrent/") || n.equals("java/lang/ScopedValue")
                || n.equals("java/util/Timer") || n.startsWith("java/lang/ref/")) {
            return "host threads";
        }
        if (n.startsWith("java/io/") || n.startsWith("java/nio/") || n.startsWith("java/net/")
                || n.equals("java/util/Scanner") || n.equals("java/util/Properties")) {
            return "host I/O";
        }
        if (n.startsWith("java/time/")) {
            return "host clock";
        }
        if (n.startsWith("java/security/")) {
            return n.equals("java/security/SecureRandom") ? "host randomness" : "host security";
        }
        if (n.startsWith("java/lang/foreign/")) {
            return "foreign memory";
        }
        if (n.startsWith("java/lang/management/") || n.startsWith("javax/management/")) {
            return "management";
        }
        if (n.startsWith("sun/") || n.startsWith("jdk/") || n.startsWith("com/sun/")) {
            return "JDK internals";
        }
        if (n.startsWith("kola/kernel/") || n.startsWith("kola/machine/")) {
            return "kernel internals";
        }
        return "not on the task allowlist";
    }
}
