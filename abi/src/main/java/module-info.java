/** All that a Kola user program sees: system calls, message registers, timeouts, error codes, the KIP. */
module kola.abi {
    exports kola.abi;
}
