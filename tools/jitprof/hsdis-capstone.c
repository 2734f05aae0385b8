/*
 * A disassembler plug-in for HotSpot's -XX:+PrintAssembly, on the Capstone library: x86-64 only.
 * Build: cc -O2 -shared -fPIC -o hsdis-amd64.so hsdis-capstone.c -lcapstone
 * (Debian and Ubuntu: apt-get install libcapstone-dev). The JVM finds it through LD_LIBRARY_PATH.
 * docs/TRACING.md, "Instruction-level profiles", says how Kola uses it.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdint.h>
#include <capstone/capstone.h>

typedef void *(*event_callback_t)(void *stream, const char *event, void *arg);
typedef int (*printf_callback_t)(void *stream, const char *format, ...);

/* The entry point HotSpot looks up: prints the instructions of [start_va, end_va), read from buffer. */
void *decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char *buffer, uintptr_t length,
                                  event_callback_t event, void *event_stream, printf_callback_t print,
                                  void *print_stream, const char *options, int newline) {
    csh handle;
    cs_insn *insns;
    (void) options;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) {
        return NULL;
    }
    size_t count = cs_disasm(handle, buffer, length, (uint64_t) start_va, 0, &insns);
    for (size_t i = 0; i < count; i++) {
        event(event_stream, "insn", (void *) (uintptr_t) insns[i].address);
        print(print_stream, "%s\t%s", insns[i].mnemonic, insns[i].op_str);
        event(event_stream, "/insn", (void *) (uintptr_t) (insns[i].address + insns[i].size));
        if (newline) {
            print(print_stream, "\n");
        }
    }
    if (count > 0) {
        cs_free(insns, count);
    }
    cs_close(&handle);
    return (void *) end_va;
}
