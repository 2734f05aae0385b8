/* SPDX-License-Identifier: BSD-2-Clause
 *
 * qemu-aligncheck: a QEMU TCG plugin (host code, plugin API version 1 as
 * in qemu 7.2) that reports every guest memory access whose address is not
 * a multiple of its size.  qemu-user emulates such loads and stores, Kola's
 * hart traps on them, so a program meant to pass on both must make none.
 * Prints "misaligned: <pc> <load|store> size <n> addr <a>" for the first
 * 20 and "misaligned accesses: N" at exit.
 *
 *   make -C user tools
 *   qemu-riscv64 -plugin user/build/tools/qemu-aligncheck.so -d plugin PROG
 *
 * The few API declarations it needs are written out here, so no QEMU
 * header is required.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t qemu_plugin_id_t;
typedef uint32_t qemu_plugin_meminfo_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
struct qemu_info_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_mem_rw { QEMU_PLUGIN_MEM_R = 1, QEMU_PLUGIN_MEM_W, QEMU_PLUGIN_MEM_RW };
typedef void (*tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*mem_cb_t)(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
			 void *userdata);

extern void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb_t cb);
extern size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
extern struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
							size_t idx);
extern uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
extern void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn, mem_cb_t cb,
					     enum qemu_plugin_cb_flags flags,
					     enum qemu_plugin_mem_rw rw, void *userdata);
extern unsigned int qemu_plugin_mem_size_shift(qemu_plugin_meminfo_t info);
extern bool qemu_plugin_mem_is_store(qemu_plugin_meminfo_t info);
extern void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, udata_cb_t cb, void *userdata);
extern void qemu_plugin_outs(const char *string);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t misaligned;

static void on_access(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
		      void *userdata)
{
	unsigned int size = 1u << qemu_plugin_mem_size_shift(info);
	char line[128];

	(void)vcpu;
	if ((vaddr & (size - 1)) == 0)
		return;
	if (misaligned++ < 20) {
		snprintf(line, sizeof(line), "misaligned: pc 0x%llx %s size %u addr 0x%llx\n",
			 (unsigned long long)(uintptr_t)userdata,
			 qemu_plugin_mem_is_store(info) ? "store" : "load", size,
			 (unsigned long long)vaddr);
		qemu_plugin_outs(line);
	}
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		qemu_plugin_register_vcpu_mem_cb(insn, on_access, QEMU_PLUGIN_CB_NO_REGS,
						 QEMU_PLUGIN_MEM_RW,
						 (void *)(uintptr_t)qemu_plugin_insn_vaddr(insn));
	}
}

static void on_atexit(qemu_plugin_id_t id, void *userdata)
{
	char line[48];

	(void)id;
	(void)userdata;
	snprintf(line, sizeof(line), "misaligned accesses: %llu\n", (unsigned long long)misaligned);
	qemu_plugin_outs(line);
}

__attribute__((visibility("default"))) int
qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info, int argc, char **argv)
{
	(void)info;
	(void)argc;
	(void)argv;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_atexit, NULL);
	return 0;
}
