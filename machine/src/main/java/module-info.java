/** Simulated hardware: physical memory, MMU and TLB, cycle clock, timer, UART, interrupt controller, RISC-V hart. */
module kola.machine {
    exports kola.machine to kola.kernel, kola.cli, kola.bench;
    exports kola.machine.riscv to kola.kernel, kola.cli, kola.bench;
}
