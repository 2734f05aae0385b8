/** Kola's benchmarks: JMH microbenchmarks and the side-by-side comparisons of {@code kola bench}. */
module kola.bench {
    requires kola.kernel;
    requires kola.system;
    requires static jmh.core;
    requires java.management;
    exports kola.bench;
}
