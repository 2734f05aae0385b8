/** User-level components of Kola, written against {@code kola.abi} alone. */
module kola.system {
    requires kola.abi;
    exports kola.system;
    exports kola.system.fuzz;
}
