package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import kola.kernel.CommModel;
import kola.kernel.ElfProgram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code user/l4/epool.c}, an endpoint worker pool in C, run by {@code kola exec --privileged
 * --comm capabilities}: three worker threads receive from one endpoint and answer through the
 * reply capability; the program's main thread and a second client thread call through two gates
 * to it; the kernel's refusals around it. The simulation is deterministic, so the output is
 * asserted line for line. Under another model the program says it needs capabilities. Built and
 * skipped as {@link ExecTest} builds them (without the cross compiler, unless
 * {@code KOLA_REQUIRE_RISCV=1}).
 */
class EndpointPoolTest {
    static final Path EPOOL = ExecTest.USER.resolve("build/l4/epool");

    /**
     * Why the workers serve in the order shown. The main thread (priority 100) starts each worker
     * (priority 100 too) and gives it the processor with ThreadSwitch: the worker runs into its
     * first receive from the endpoint and waits there, behind the workers started before it, so
     * the endpoint's receivers are 1, 2, 3. A call through either gate goes to the endpoint's
     * first waiting receiver (receivers are served in the order they came to wait), whatever the
     * gate; the caller then waits for the reply and the kernel switches directly to the worker,
     * which answers through the reply capability and, in the same reply-and-receive, waits on the
     * endpoint again, now last. So every call is served by the worker that has waited longest:
     * 1, 2, 3, 1, 2, 3 for the main thread's six calls, alternating gates 0xa1 and 0xb2. The
     * client thread runs while the main thread waits on the notification it will signal; its two
     * calls continue the rotation (1, 2); then its function returns and libl4's thread entry makes
     * it wait for ever (check 17: a thread that looped through failed receives instead would still
     * be ready, and would take the rest of its time slice). The main thread's last call, through
     * a gate made from a send-only copy of the endpoint capability, goes to worker 3. Each worker
     * sees the label of the gate the caller used and answers word + its number * 1000.
     */
    static final List<String> LINES = List.of(
            "ok  1 an endpoint in slot 1, all rights",
            "ok  2 gates to it labelled 0xa1 in slot 2 and 0xb2 in slot 3, all rights",
            "ok  3 a gate labelled 0: invalid parameter, the slot stays empty",
            "ok  4 a gate to a gate as if it were an endpoint: invalid parameter",
            "ok  5 an endpoint into a taken slot: invalid parameter",
            "ok  6 no worker waits yet: a send through gate 0xa1 with a zero timeout times out (send phase)",
            "ok  7 no sender waits: a receive from the endpoint with a zero timeout times out (receive phase)",
            "ok  8 three worker threads, priority 100, started in turn: each waits on the endpoint",
            "ok  9 main: call 1 through gate 0xa1, word 1: worker 1 saw label 0xa1, answered 1001",
            "ok  10 main: call 2 through gate 0xb2, word 2: worker 2 saw label 0xb2, answered 2002",
            "ok  11 main: call 3 through gate 0xa1, word 3: worker 3 saw label 0xa1, answered 3003",
            "ok  12 main: call 4 through gate 0xb2, word 4: worker 1 saw label 0xb2, answered 1004",
            "ok  13 main: call 5 through gate 0xa1, word 5: worker 2 saw label 0xa1, answered 2005",
            "ok  14 main: call 6 through gate 0xb2, word 6: worker 3 saw label 0xb2, answered 3006",
            "ok  15 a notification in slot 4 and a client thread",
            "ok  16 the client thread signalled that its calls are done",
            "ok  17 its function returned: it waits for ever (Kola_ThreadEntry), holding no processor",
            "ok  18 client: call 7 through gate 0xb2, word 7: worker 1 saw label 0xb2, answered 1007",
            "ok  19 client: call 8 through gate 0xb2, word 8: worker 2 saw label 0xb2, answered 2008",
            "ok  20 the workers took turns in the order they came to wait: 1 2 3 1 2 3 1 2",
            "ok  21 a send through the endpoint capability itself finds no partner, whoever waits",
            "ok  22 a receive from gate 0xa1's slot with no call made waits for a reply: a zero timeout times out",
            "ok  23 the endpoint mapped into slot 5 with the send right only",
            "ok  24 a receive through it finds no partner (no receive right), at once",
            "ok  25 but the send right makes a gate to the endpoint (slot 6, label 0xc3)",
            "ok  26 a call through it: worker 3, next in turn, saw label 0xc3 and answered 3100",
            "ok  27 no worker's receive failed",
            "27 passed, 0 failed");

    @BeforeAll
    static void build() throws Exception {
        ExecTest.build();
    }

    @Test
    void theWorkersTakeTurnsAndEachCallSeesItsGatesLabel() {
        ImageFileTest.Cli r = ImageFileTest.kola("exec", "--privileged", "--comm", "capabilities", EPOOL.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(LINES, r.out().lines().toList());
        assertEquals("", r.err());
    }

    /**
     * The same run with the kernel's invariants checked after every kernel entry (the endpoint's
     * queues and charges among them).
     */
    @Test
    void theSameRunKeepsTheKernelsInvariants() throws IOException {
        MachineOptions options = new MachineOptions();
        options.comm = CommModel.CAPABILITIES;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExecCommand.Outcome o = ExecCommand.execute(ElfProgram.read(EPOOL), "epool", List.of(), options,
                new PrintStream(out, true, StandardCharsets.UTF_8), true, ExecCommand.runtimeArgs(null, true));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(Integer.valueOf(0), o.status(), text + o.said());
        assertEquals(LINES, text.lines().toList());
        assertEquals(List.of(), o.said());
    }

    /** Under global ids (kola exec's default) the program says in one line that it needs capabilities, and exits with 2. */
    @Test
    void underAnotherModelItSaysItNeedsCapabilities() {
        for (List<String> comm : List.of(List.of("--comm", "global-ids"), List.<String>of())) {
            List<String> args = new java.util.ArrayList<>(List.of("exec", "--privileged"));
            args.addAll(comm);
            args.add(EPOOL.toString());
            ImageFileTest.Cli r = ImageFileTest.kola(args.toArray(String[]::new));
            assertEquals(2, r.code(), r.out() + r.err());
            assertEquals("epool: needs --comm capabilities (the kernel runs global-ids)\n", r.out(), comm.toString());
            assertEquals("", r.err());
        }
    }

    /** Unprivileged it cannot make its workers: that check fails, a comment line says why, and the status is 1. */
    @Test
    void unprivilegedItCannotMakeItsWorkers() {
        ImageFileTest.Cli r = ImageFileTest.kola("exec", "--comm", "capabilities", EPOOL.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(LINES.subList(0, 7), lines.subList(0, 7));
        assertEquals(List.of("FAIL 8 three worker threads, priority 100, started in turn: each waits on the endpoint",
                "# no privilege: run epool privileged (kola exec --privileged)", "7 passed, 1 failed"),
                lines.subList(7, lines.size()));
    }
}
