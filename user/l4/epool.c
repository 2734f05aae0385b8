/* SPDX-License-Identifier: BSD-2-Clause
 *
 * An endpoint worker pool in C (Kola's IPC endpoints, kola.abi.Comm.ENDPOINT; docs/DESIGN.md,
 * "Communication control"): run it privileged under the capabilities model
 * (`kola exec --privileged --comm capabilities epool`). It makes an endpoint and three worker
 * threads in its own space; each worker receives from the endpoint and answers through the reply
 * capability (word + its number * 1000, the label it saw, its number), with the reply-and-receive
 * form after its first message. Two gates to the endpoint, labelled 0xa1 and 0xb2, are the
 * clients' names for the pool: the main thread calls through both in turn, then a second client
 * thread calls through 0xb2 (and returns, to wait for ever in libl4's Kola_ThreadEntry), and
 * every call prints the label the worker saw, which worker served it and the answer. The
 * workers take turns: a receiver waits on the endpoint behind the others that came before it,
 * and a worker's reply-and-receive puts it back last. Around the pool it checks what the kernel
 * refuses: a send through the endpoint capability itself (no partner), a gate labelled 0 (invalid
 * parameter), a receive from a gate's slot with no call made (it waits for a reply: a zero
 * timeout times out), a receive from the endpoint through a capability without the receive right
 * (no partner).
 *
 * One line per check, "ok  N what" or "FAIL N what", then "P passed, F failed"; exit 0 only if
 * none failed. Under another model it says it needs --comm capabilities and exits with 2.
 */
#include "rt.h"
#include <l4/l4.h>
#include "check.h"

#define WORKERS 3
#define STACK_WORDS 1024
/* The workers' priority: the program's own (a thread may give no higher one), as the client thread's. */
#define PRIORITY 100
/* The slots of this space's object space. */
#define EP_SLOT 1
#define GATE_A_SLOT 2
#define GATE_B_SLOT 3
#define DONE_SLOT 4
#define SEND_ONLY_SLOT 5
#define SPARE_SLOT 6
#define LABEL_A 0xA1UL
#define LABEL_B 0xB2UL
/* Calls: the main thread's, then the client thread's. */
#define MAIN_CALLS 6
#define CLIENT_CALLS 2
#define CALLS (MAIN_CALLS + CLIENT_CALLS)

static L4_Word_t stacks[WORKERS + 1][STACK_WORDS] __attribute__((aligned(16)));

/* What a call saw: the gate's label, and the answer's words (MR1..MR3), or the error. */
struct call {
	L4_Word_t gate, word, answer, label, worker, error;
};

static struct call calls[CALLS];
/* Receives of the workers that failed (each stops its worker). */
static volatile int worker_failures;

static L4_ThreadId_t sel(L4_Word_t slot)
{
	return L4_KolaSelector(slot);
}

/*
 * A worker: receives from the endpoint (the result is the label of the gate the caller used) and
 * answers through the reply capability with word + n * 1000, the label and n; after the first
 * message, with the reply-and-receive form (a closed receive from the endpoint again: the reply
 * never blocks, and the worker waits again behind the endpoint's other receivers).
 */
static void worker(void *arg)
{
	L4_Word_t n = (L4_Word_t)arg;
	L4_ThreadId_t label;
	L4_MsgTag_t tag = L4_Ipc(L4_nilthread, sel(EP_SLOT), L4_Timeouts(L4_Never, L4_Never), &label);
	for (;;) {
		if (L4_IpcFailed(tag)) {
			if (L4_IpcErrorInReceive(L4_ErrorCode())) {
				worker_failures++;
				break;
			}
			/* The reply failed (its caller had gone), so there was no receive phase. */
			tag = L4_Ipc(L4_nilthread, sel(EP_SLOT), L4_Timeouts(L4_Never, L4_Never), &label);
			continue;
		}
		L4_Word_t word;
		L4_StoreMR(1, &word);
		L4_LoadMR(0, 3);
		L4_LoadMR(1, word + n * 1000);
		L4_LoadMR(2, label.raw);
		L4_LoadMR(3, n);
		tag = L4_Ipc(L4_KolaReply, sel(EP_SLOT), L4_Timeouts(L4_ZeroTime, L4_Never), &label);
	}
	/* (returns: Kola_ThreadEntry makes it wait for ever) */
}

/* One call of one word through the gate in `slot`, recorded in c. */
static void call(struct call *c, L4_Word_t slot, L4_Word_t gate, L4_Word_t word)
{
	c->gate = gate;
	c->word = word;
	L4_LoadMR(0, 1);
	L4_LoadMR(1, word);
	L4_MsgTag_t tag = L4_Call(sel(slot));
	if (L4_IpcFailed(tag) || L4_UntypedWords(tag) != 3) {
		c->error = L4_IpcFailed(tag) ? L4_ErrorCode() : ~0UL;
		return;
	}
	L4_StoreMR(1, &c->answer);
	L4_StoreMR(2, &c->label);
	L4_StoreMR(3, &c->worker);
}

/* The second client: its calls through gate 0xb2, then a signal of the notification in DONE_SLOT. */
static void client(void *unused)
{
	(void)unused;
	for (int i = 0; i < CLIENT_CALLS; i++)
		call(&calls[MAIN_CALLS + i], GATE_B_SLOT, LABEL_B, MAIN_CALLS + 1 + i);
	L4_LoadMR(0, 1);
	L4_LoadMR(1, 1);
	L4_Send(sel(DONE_SLOT));
	/* (returns: Kola_ThreadEntry makes it wait for ever) */
}

/* A thread's state (halted, receiving, sending), read with ExchangeRegisters, nothing changed (d only). */
static L4_ThreadState_t state_of(L4_ThreadId_t t)
{
	L4_Word_t d;
	L4_ThreadId_t p;
	L4_ThreadState_t s;
	L4_ExchangeRegisters(t, 1UL << 9, 0, 0, 0, 0, L4_nilthread, &s.raw, &d, &d, &d, &d, &p);
	return s;
}

/* Checks and prints call i, as check() does: the gate's label seen, an answer of word + worker * 1000. */
static void report(int i, const char *who)
{
	const struct call *c = &calls[i];
	int ok = !c->error && c->label == c->gate && c->worker >= 1 && c->worker <= WORKERS
		 && c->answer == c->word + c->worker * 1000;
	number++;
	if (ok)
		passed++;
	else
		failed++;
	printf("%s %d %s call %d through gate 0x%lx, word %lu: ", ok ? "ok " : "FAIL", number, who, i + 1, c->gate, c->word);
	if (c->error)
		printf("failed: %s\n", L4_IpcError_String(c->error));
	else
		printf("worker %lu saw label 0x%lx, answered %lu\n", c->worker, c->label, c->answer);
}

static L4_Word_t ipc_error(L4_MsgTag_t tag)
{
	return L4_IpcFailed(tag) ? L4_ErrorCode() : 0;
}

static const char *const MODELS[] = {"global-ids", "clans", "redirection", "redirectors", "pclans", "virtual-threads",
				     "capabilities"};

int main(void)
{
	void *kip = L4_GetKernelInterface();
	L4_Word_t model = Kola_KipCommModel(kip);
	if (model != L4_COMM_MODEL_CAPABILITIES) {
		printf("epool: needs --comm capabilities (the kernel runs %s)\n",
		       model < sizeof MODELS / sizeof MODELS[0] ? MODELS[model] : "an unknown model");
		return 2;
	}
	L4_ThreadId_t me = L4_MyGlobalId();
	L4_ThreadId_t runtime = L4_Pager();
	L4_Word_t utcb = (L4_Word_t)__L4_Utcb();
	L4_Word_t usize = L4_UtcbSize(kip);
	L4_ThreadId_t ep = sel(EP_SLOT), gate_a = sel(GATE_A_SLOT), gate_b = sel(GATE_B_SLOT);
	L4_MsgTag_t tag;

	/* The endpoint and its gates; what the kernel refuses. */
	check(Kola_Endpoint(ep) == 1 && L4_CommControl(L4_COMM_LOOKUP, ep.raw, 0, 0) == 7,
	      "an endpoint in slot 1, all rights");
	check(Kola_EndpointGate(gate_a, ep, LABEL_A) == 1 && Kola_EndpointGate(gate_b, ep, LABEL_B) == 1
	      && L4_CommControl(L4_COMM_LOOKUP, gate_a.raw, 0, 0) == 7 && L4_CommControl(L4_COMM_LOOKUP, gate_b.raw, 0, 0) == 7,
	      "gates to it labelled 0xa1 in slot 2 and 0xb2 in slot 3, all rights");
	check(Kola_EndpointGate(sel(SPARE_SLOT), ep, 0) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_PARAM
	      && L4_CommControl(L4_COMM_LOOKUP, sel(SPARE_SLOT).raw, 0, 0) == 0,
	      "a gate labelled 0: invalid parameter, the slot stays empty");
	check(Kola_EndpointGate(sel(SPARE_SLOT), gate_a, LABEL_A) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_PARAM,
	      "a gate to a gate as if it were an endpoint: invalid parameter");
	check(Kola_Endpoint(gate_a) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_PARAM,
	      "an endpoint into a taken slot: invalid parameter");
	L4_LoadMR(0, 1);
	L4_LoadMR(1, 99);
	tag = L4_Send_Timeout(gate_a, L4_ZeroTime);
	check(L4_IpcErrorKind(ipc_error(tag)) == L4_ErrTimeout && !L4_IpcErrorInReceive(ipc_error(tag)),
	      "no worker waits yet: a send through gate 0xa1 with a zero timeout times out (send phase)");
	tag = L4_Receive_Timeout(ep, L4_ZeroTime);
	check(L4_IpcErrorKind(ipc_error(tag)) == L4_ErrTimeout && L4_IpcErrorInReceive(ipc_error(tag)),
	      "no sender waits: a receive from the endpoint with a zero timeout times out (receive phase)");

	/* The workers, in this space: each started is given the processor (ThreadSwitch) and runs
	 * into its first receive, where it waits on the endpoint behind the ones started before it. */
	int made = 1, waiting = 1;
	for (int n = 1; n <= WORKERS && made; n++) {
		L4_ThreadId_t w = L4_GlobalId(L4_ThreadNo(me) + (L4_Word_t)n, 1);
		made = L4_ThreadControl(w, me, me, runtime, (void *)(utcb + (L4_Word_t)n * usize)) == 1
		       && L4_Set_Priority(w, PRIORITY) != 0;
		if (made) {
			Kola_Start(w, &stacks[n - 1][STACK_WORDS], worker, (void *)(L4_Word_t)n);
			L4_ThreadSwitch(w);
			L4_ThreadState_t st = state_of(w);
			waiting &= L4_ThreadWasReceiving(st) && !L4_ThreadWasHalted(st);
		}
	}
	L4_Word_t why = made ? 0 : L4_ErrorCode();
	check(made && waiting, "three worker threads, priority 100, started in turn: each waits on the endpoint");
	if (!made) {
		printf("# %s: run epool privileged (kola exec --privileged)\n", L4_ErrorCode_String(why));
		return checks_done();
	}

	/* The main thread's calls, through each gate in turn. */
	for (int i = 0; i < MAIN_CALLS; i++)
		call(&calls[i], i % 2 ? GATE_B_SLOT : GATE_A_SLOT, i % 2 ? LABEL_B : LABEL_A, (L4_Word_t)i + 1);
	for (int i = 0; i < MAIN_CALLS; i++)
		report(i, "main:");

	/* A second client thread (priority 100, as this one): it runs while this one waits for its signal. */
	L4_ThreadId_t cl = L4_GlobalId(L4_ThreadNo(me) + WORKERS + 1, 1);
	made = L4_CommControl(L4_COMM_NOTIFICATION, sel(DONE_SLOT).raw, 0, 0) == 1
	       && L4_ThreadControl(cl, me, me, runtime, (void *)(utcb + (WORKERS + 1) * usize)) == 1
	       && L4_Set_Priority(cl, PRIORITY) != 0;
	check(made, "a notification in slot 4 and a client thread");
	L4_Word_t bits = 0;
	if (made) {
		Kola_Start(cl, &stacks[WORKERS][STACK_WORDS], client, 0);
		tag = L4_Receive(sel(DONE_SLOT));
		L4_StoreMR(1, &bits);
	}
	check(made && L4_IpcSucceeded(tag) && bits == 1, "the client thread signalled that its calls are done");
	L4_ThreadState_t st = state_of(cl);
	check(made && L4_ThreadWasReceiving(st) && !L4_ThreadWasHalted(st),
	      "its function returned: it waits for ever (Kola_ThreadEntry), holding no processor");
	for (int i = MAIN_CALLS; i < CALLS; i++)
		report(i, "client:");

	/* The workers took turns in the order they came to wait: 1, 2, 3, 1, ... */
	int turns = 1;
	for (int i = 0; i < CALLS; i++)
		turns &= calls[i].worker == (L4_Word_t)(i % WORKERS) + 1;
	check(turns, "the workers took turns in the order they came to wait: 1 2 3 1 2 3 1 2");

	/* Refusals with the pool at work. */
	L4_LoadMR(0, 1);
	L4_LoadMR(1, 7);
	tag = L4_Send_Timeout(ep, L4_ZeroTime);
	check(L4_IpcErrorKind(ipc_error(tag)) == L4_ErrNonExist && !L4_IpcErrorInReceive(ipc_error(tag)),
	      "a send through the endpoint capability itself finds no partner, whoever waits");
	tag = L4_Receive_Timeout(gate_a, L4_ZeroTime);
	check(L4_IpcErrorKind(ipc_error(tag)) == L4_ErrTimeout && L4_IpcErrorInReceive(ipc_error(tag)),
	      "a receive from gate 0xa1's slot with no call made waits for a reply: a zero timeout times out");
	check(L4_CommControl(L4_COMM_MAP, me.raw, L4_KolaObjectFpage(EP_SLOT, 0, L4_KOLA_SEND).raw,
			     sel(SEND_ONLY_SLOT).raw) == 1 && L4_CommControl(L4_COMM_LOOKUP, sel(SEND_ONLY_SLOT).raw, 0, 0) == L4_KOLA_SEND,
	      "the endpoint mapped into slot 5 with the send right only");
	tag = L4_Receive_Timeout(sel(SEND_ONLY_SLOT), L4_TimePeriod(1000));
	check(L4_IpcErrorKind(ipc_error(tag)) == L4_ErrNonExist && L4_IpcErrorInReceive(ipc_error(tag)),
	      "a receive through it finds no partner (no receive right), at once");
	check(Kola_EndpointGate(sel(SPARE_SLOT), sel(SEND_ONLY_SLOT), 0xC3) == 1,
	      "but the send right makes a gate to the endpoint (slot 6, label 0xc3)");
	struct call last = {0};
	call(&last, SPARE_SLOT, 0xC3, 100);
	check(!last.error && last.label == 0xC3 && last.worker == 3 && last.answer == 3100,
	      "a call through it: worker 3, next in turn, saw label 0xc3 and answered 3100");
	check(worker_failures == 0, "no worker's receive failed");
	return checks_done();
}
