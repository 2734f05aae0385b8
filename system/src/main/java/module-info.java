/** User-level components of Kola, written against {@code kola.abi} alone, whose types their API uses. */
module kola.system {
    requires transitive kola.abi;
    exports kola.system;
    exports kola.system.fuzz;
}
