/**
 * Kola's benchmark harnesses: the side-by-side comparisons of {@code kola bench}. The JMH
 * microbenchmarks built on them live in the class-path module {@code bench-jmh}.
 */
module kola.bench {
    requires kola.kernel;
    requires kola.system;
    // Only for the class histogram of -Dkola.bench.histogram=true: ./kola leaves java.management out
    // of the boot layer (docs/SECURITY.md), so that needs KOLA_JAVA_OPTS=--add-modules=java.management.
    requires static java.management;
    exports kola.bench;
}
