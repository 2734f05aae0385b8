/** Simulated hardware: physical memory, MMU and TLB, cycle clock, timer, UART, interrupt controller. */
module kola.machine {
    exports kola.machine to kola.kernel, kola.cli, kola.bench;
}
