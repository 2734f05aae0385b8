/* SPDX-License-Identifier: BSD-2-Clause
 *
 * A client of Kola's name server (a Java task, kola.system.NameServer) in C: the two
 * personalities talk by IPC. Run as a module of an image that has the root task and the name
 * server (examples/riscv/names.yaml), under any communication model the system programs support:
 * under capabilities it names its partners by the gates the root task gives it (slot 1: the root
 * task; the lookup's gate lands in a slot of its choice), under global ids by thread id.
 *
 * It asks the root task for the module "names" by name (ROOT_LOOKUP_NAME), registers itself under
 * its first argument (default "c-client"), looks that name up again (the answer is its own global
 * id), looks up a name no one registered, and sends the name server a malformed request. One
 * line per step; exits 0 if every answer was the expected one.
 */
#include "rt.h"
#include <l4/l4.h>

/* kola.system.Protocol */
#define OK 0x0UL
#define ERROR 0xE77UL
#define E_BAD_ARGUMENT 2
#define E_NOT_AVAILABLE 3
#define ROOT_LOOKUP_NAME 0x108UL
#define NAME_REGISTER 0x400UL
#define NAME_LOOKUP 0x401UL
/* kola.system.Names: slot 1 holds the gate to the root task; 4..15 are the program's own. */
#define ROOT_SLOT 1
#define NAMES_SLOT 4

static int capabilities;

/* Puts a string as kola.system.Words does (MR1 its length, then its bytes, little-endian, 8 per
 * word) and returns the untyped word count. */
static L4_Word_t put_string(const char *s)
{
	L4_Word_t len = strlen(s);
	L4_LoadMR(1, len);
	for (L4_Word_t w = 0; w < (len + 7) / 8; w++) {
		L4_Word_t v = 0;
		for (L4_Word_t b = 0; b < 8 && w * 8 + b < len; b++)
			v |= (L4_Word_t)(unsigned char)s[w * 8 + b] << (8 * b);
		L4_LoadMR(2 + w, v);
	}
	return 1 + (len + 7) / 8;
}

static L4_MsgTag_t request(L4_ThreadId_t to, L4_Word_t label, const char *s)
{
	L4_MsgTag_t tag = L4_MsgTagAddLabel(L4_Niltag, label);
	tag.X.u = s ? put_string(s) : 0;
	L4_Set_MsgTag(tag);
	return L4_Call(to);
}

static L4_Word_t mr(int i)
{
	L4_Word_t w;
	L4_StoreMR(i, &w);
	return w;
}

int main(int argc, char **argv)
{
	const char *me_name = argc > 1 ? argv[1] : "c-client";
	void *kip = L4_GetKernelInterface();
	capabilities = Kola_KipCommModel(kip) == L4_COMM_MODEL_CAPABILITIES;
	L4_ThreadId_t root = capabilities ? L4_KolaSelector(ROOT_SLOT) : L4_GlobalId(L4_ThreadIdUserBase(kip) + 2, 1);
	int ok = 1;

	/* The name server, from the root task: under capabilities a gate granted into NAMES_SLOT. */
	if (capabilities)
		L4_Accept(L4_MapGrantItems(L4_KolaObjectFpage(NAMES_SLOT, 0, 0)));
	L4_MsgTag_t tag = request(root, ROOT_LOOKUP_NAME, "names");
	L4_Accept(L4_UntypedWordsAcceptor);
	L4_ThreadId_t names;
	names.raw = mr(1);
	if (L4_IpcFailed(tag) || L4_Label(tag) != OK || L4_IsNilThread(names)) {
		printf("no name server (error %lu)\n", L4_IpcFailed(tag) ? L4_ErrorCode() : mr(1));
		return 1;
	}
	printf("the name server is thread %lx\n", names.raw);
	if (capabilities)
		names = L4_KolaSelector(NAMES_SLOT);

	tag = request(names, NAME_REGISTER, me_name);
	int registered = L4_IpcSucceeded(tag) && L4_Label(tag) == OK;
	printf("register %s: %s\n", me_name, registered ? "ok" : "refused");
	ok &= registered;

	tag = request(names, NAME_LOOKUP, me_name);
	int found = L4_IpcSucceeded(tag) && L4_Label(tag) == OK && mr(1) == L4_MyGlobalId().raw;
	printf("lookup %s: %s\n", me_name, found ? "my own id" : "wrong");
	ok &= found;

	tag = request(names, NAME_LOOKUP, "nobody-registered-this");
	int absent = L4_IpcSucceeded(tag) && L4_Label(tag) == ERROR && mr(1) == E_NOT_AVAILABLE;
	printf("lookup nobody-registered-this: %s\n", absent ? "not available" : "wrong");
	ok &= absent;

	/* A malformed request: a length that does not match the words. */
	L4_LoadMR(0, L4_MsgTagAddLabel(L4_Niltag, NAME_LOOKUP).raw | 2);
	L4_LoadMR(1, 1000);
	L4_LoadMR(2, 0);
	tag = L4_Call(names);
	int refused = L4_IpcSucceeded(tag) && L4_Label(tag) == ERROR && mr(1) == E_BAD_ARGUMENT;
	printf("a malformed lookup: %s\n", refused ? "bad argument" : "wrong");
	ok &= refused;

	tag = request(root, ROOT_LOOKUP_NAME, "no-such-module");
	int unknown = L4_IpcSucceeded(tag) && L4_Label(tag) == ERROR && mr(1) == E_NOT_AVAILABLE;
	printf("the root task knows no module no-such-module: %s\n", unknown ? "yes" : "wrong");
	ok &= unknown;
	return ok ? 0 : 1;
}
