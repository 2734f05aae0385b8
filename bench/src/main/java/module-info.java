/**
 * Kola's benchmark harnesses: the side-by-side comparisons of {@code kola bench}. The JMH
 * microbenchmarks built on them live in the class-path module {@code bench-jmh}.
 */
module kola.bench {
    requires kola.kernel;
    requires kola.system;
    requires java.management;
    exports kola.bench;
}
