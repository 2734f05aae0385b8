/**
 * The Kola microkernel: every kernel object and the only code that changes them. Its one package
 * is exported only to the command line and the benchmarks, and its public types are the boot
 * interface ({@link kola.kernel.Kernel}, images, configuration, events); kernel objects are
 * package-private. A user program, which sees only {@code kola.abi}, cannot reach them,
 * reflection included (IsolationTest runs a hostile program on the module path).
 */
module kola.kernel {
    requires transitive kola.machine;
    requires transitive kola.abi;
    exports kola.kernel to kola.cli, kola.bench;
}
