/**
 * The Kola microkernel: every kernel object and the only code that changes them. Only
 * {@code kola.kernel} is exported, and it holds nothing but the boot interface ({@link
 * kola.kernel.Kernel}, images, configuration, events); kernel objects are package-private, so a
 * user program, which sees only {@code kola.abi}, cannot reach them, reflection included.
 */
module kola.kernel {
    requires transitive kola.machine;
    requires transitive kola.abi;
    exports kola.kernel;
}
