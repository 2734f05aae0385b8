/* SPDX-License-Identifier: BSD-2-Clause
 *
 * bcinterp: a small stack bytecode interpreter (switch dispatch, local
 * variables, conditional jumps) running a program that computes fib(30)
 * iteratively REPEAT times and adds up the results (mod 2^64), each
 * time offset by the repetition number so no run can be skipped.
 */
#include "rt.h"

#define REPEAT 60000

enum op {
	OP_PUSH,	/* imm: push imm */
	OP_LOAD,	/* imm: push var[imm] */
	OP_STORE,	/* imm: var[imm] = pop */
	OP_ADD,
	OP_SUB,
	OP_LT,		/* push (a < b) for ... a b */
	OP_JZ,		/* imm: pop, jump to imm if zero */
	OP_JMP,		/* imm: jump to imm */
	OP_DUP,
	OP_POP,
	OP_HALT,	/* return the top of the stack */
};

struct insn {
	uint8_t op;
	int32_t imm;
};

enum { V_A, V_B, V_I, V_N, V_T, V_R, V_SUM, V_NVARS };

/* sum = 0;
 * for (r = 0; r < REPEAT; r++) {
 *         a = 0; b = 1;
 *         for (i = n; i != 0; i = i - 1) { t = a + b; a = b; b = t; }
 *         sum = sum + a + r;
 * }
 * return sum;                                  (with n = 30) */
static const struct insn program[] = {
	/*  0 */ { OP_PUSH, 0 }, { OP_STORE, V_SUM }, { OP_PUSH, 0 }, { OP_STORE, V_R },
	/*  4 */ { OP_LOAD, V_R }, { OP_PUSH, REPEAT }, { OP_LT, 0 }, { OP_JZ, 40 },
	/*  8 */ { OP_PUSH, 0 }, { OP_STORE, V_A }, { OP_PUSH, 1 }, { OP_STORE, V_B },
	/* 12 */ { OP_LOAD, V_N }, { OP_STORE, V_I },
	/* 14 */ { OP_LOAD, V_I }, { OP_JZ, 29 },
	/* 16 */ { OP_LOAD, V_A }, { OP_LOAD, V_B }, { OP_ADD, 0 }, { OP_STORE, V_T },
	/* 20 */ { OP_LOAD, V_B }, { OP_STORE, V_A }, { OP_LOAD, V_T }, { OP_STORE, V_B },
	/* 24 */ { OP_LOAD, V_I }, { OP_PUSH, 1 }, { OP_SUB, 0 }, { OP_STORE, V_I },
	/* 28 */ { OP_JMP, 14 },
	/* 29 */ { OP_LOAD, V_SUM }, { OP_LOAD, V_A }, { OP_ADD, 0 }, { OP_LOAD, V_R }, { OP_ADD, 0 },
	/* 34 */ { OP_STORE, V_SUM },
	/* 35 */ { OP_LOAD, V_R }, { OP_PUSH, 1 }, { OP_ADD, 0 }, { OP_STORE, V_R }, { OP_JMP, 4 },
	/* 40 */ { OP_LOAD, V_SUM }, { OP_DUP, 0 }, { OP_POP, 0 }, { OP_HALT, 0 },
};

static int64_t run(const struct insn *code, int64_t *var)
{
	int64_t stack[64];
	int sp = 0;
	long pc = 0;

	for (;;) {
		const struct insn *in = &code[pc++];

		switch (in->op) {
		case OP_PUSH:
			stack[sp++] = in->imm;
			break;
		case OP_LOAD:
			stack[sp++] = var[in->imm];
			break;
		case OP_STORE:
			var[in->imm] = stack[--sp];
			break;
		case OP_ADD:
			sp--;
			stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] + (uint64_t)stack[sp]);
			break;
		case OP_SUB:
			sp--;
			stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] - (uint64_t)stack[sp]);
			break;
		case OP_LT:
			sp--;
			stack[sp - 1] = stack[sp - 1] < stack[sp];
			break;
		case OP_JZ:
			if (stack[--sp] == 0)
				pc = in->imm;
			break;
		case OP_JMP:
			pc = in->imm;
			break;
		case OP_DUP:
			stack[sp] = stack[sp - 1];
			sp++;
			break;
		case OP_POP:
			sp--;
			break;
		case OP_HALT:
			return stack[sp - 1];
		default:
			printf("bcinterp: bad opcode %d at %ld\n", in->op, pc - 1);
			exit(1);
		}
	}
}

int main(void)
{
	int64_t var[V_NVARS] = { 0 };
	int64_t r;

	var[V_N] = 30;
	r = run(program, var);
	printf("bcinterp: fib(30)=%ld repeat=%d sum=%ld\n", var[V_A], REPEAT, r);
	return 0;
}
