/* SPDX-License-Identifier: BSD-2-Clause
 *
 * qemu-icount: a QEMU TCG plugin (host code, plugin API version 1 as in
 * qemu 7.2) that counts the guest instructions executed and prints
 * "insns: N" at exit.  It adds the instruction count of every translated
 * block each time the block starts executing, so a block left early by a
 * trap is counted whole (a few instructions at most per trap).
 *
 *   make -C user tools
 *   qemu-riscv64 -plugin user/build/tools/qemu-icount.so -d plugin PROG
 *
 * The few API declarations it needs are written out here, so no QEMU
 * header is required.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*udata_cb_t)(qemu_plugin_id_t id, void *userdata);

extern void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb_t cb);
extern size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
extern void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
						     enum qemu_plugin_op op, void *ptr,
						     uint64_t imm);
extern void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, udata_cb_t cb, void *userdata);
extern void qemu_plugin_outs(const char *string);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t insns;

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &insns,
						 qemu_plugin_tb_n_insns(tb));
}

static void on_atexit(qemu_plugin_id_t id, void *userdata)
{
	char line[48];

	(void)id;
	(void)userdata;
	snprintf(line, sizeof(line), "insns: %llu\n", (unsigned long long)insns);
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
