package kola.kernel;

import static kola.kernel.KernelHarness.NEVER;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import kola.abi.Comm;
import kola.abi.IpcError;
import kola.abi.Items;
import kola.abi.KernelError;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import org.junit.jupiter.api.Test;

/**
 * Communication control (paper section 4.1): who can reach whom, and as whom, under each model;
 * redirection with the intended receiver; propagation; gates, labels, reply capabilities,
 * derivation and revocation; and the refusals of CommControl.
 */
class CommModelsTest {
    static final long S = tid(3);
    static final long C = tid(4);
    static final long M = tid(5);
    static final long A = tid(6);
    static final long B = tid(7);
    static final long ZERO = Timeout.pair(Timeout.ZERO, Timeout.ZERO);
    static final long SEND_NEVER_RECEIVE_ZERO = Timeout.pair(Timeout.NEVER, Timeout.ZERO);

    /** What the server saw: sender identity, MR1, redirected/propagated flags, intended receiver, actual sender. */
    record Seen(long sender, long word, boolean redirected, boolean propagated, long intended, long actual) {
    }

    private static Seen receive(L4 l4) {
        long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
        long tag = l4.mr(0);
        return new Seen(from, l4.mr(1), (tag & MsgTag.REDIRECTED) != 0, (tag & MsgTag.PROPAGATED) != 0,
                l4.intendedReceiver(), (tag & MsgTag.PROPAGATED) != 0 ? l4.virtualSender() : 0);
    }

    private static long send(L4 l4, long to, long word) {
        l4.setMr(0, MsgTag.make(0, 1, 0));
        l4.setMr(1, word);
        l4.ipc(to, ThreadId.NIL, NEVER);
        return (l4.mr(0) & MsgTag.ERROR) != 0 ? l4.errorCode() : 0;
    }

    /** Creates a space with thread {@code id}, not yet activated (its chief can still be set). */
    private static void create(KernelHarness h, L4 l4, long id) {
        h.check(l4.threadControl(id, id, l4.myGlobalId(), ThreadId.NIL, KernelHarness.NO_UTCB) == 1, "create");
    }

    private static void activate(KernelHarness h, L4 l4, long id) {
        h.check(l4.spaceControl(id, 0, kola.abi.Kip.STANDARD_KIP_AREA, kola.abi.Kip.STANDARD_UTCB_AREA, ThreadId.NIL) == 1
                && l4.threadControl(id, id, ThreadId.NIL, ThreadId.NIL, KernelHarness.UTCB) == 1, "activate");
    }

    /** An intermediary: receives one message and forwards it, propagated, to its intended receiver. */
    private static Seen forward(L4 l4) {
        Seen in = receive(l4);
        l4.setVirtualSender(in.sender());
        l4.setMr(0, MsgTag.make(0, 1, 0) | MsgTag.PROPAGATED);
        l4.setMr(1, in.word());
        l4.ipc(in.intended(), ThreadId.NIL, NEVER);
        return in;
    }

    private static KernelHarness harness(CommModel model) {
        return new KernelHarness().config(KernelConfig.defaults().withComm(model));
    }

    @Test
    void globalIdsReachEveryoneAndShowTheGlobalId() {
        KernelHarness h = harness(CommModel.GLOBAL_IDS);
        List<Seen> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startTask(l4, C, "c", 0, 90);
        });
        h.module("s", l4 -> seen.add(receive(l4)));
        h.module("c", l4 -> h.check(send(l4, S, 7) == 0, "send"));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(new Seen(C, 7, false, false, 0, 0)), seen);
    }

    @Test
    void redirectorsSendCrossSpaceIpcToTheRedirectorWhichForwardsAsTheSender() {
        KernelHarness h = harness(CommModel.REDIRECTORS);
        List<Seen> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, M, "m", 0, 120);
            h.startTask(l4, S, "s", 0, 110);
            h.check(h.createActivated(l4, C), "client");
            h.check(l4.spaceControl(C, 0, kola.abi.Kip.STANDARD_KIP_AREA, kola.abi.Kip.STANDARD_UTCB_AREA, M) == 1, "redirector");
            h.check(h.kernel.threads.lookup(C).space.redirector == M, "set");
            h.check(h.startThread(l4, tid(8), C, 1, "c", 0, 90), "start client");
        });
        h.module("m", l4 -> seen.add(forward(l4)));
        h.module("s", l4 -> seen.add(receive(l4)));
        h.module("c", l4 -> h.check(send(l4, S, 9) == 0, "send"));
        h.run();
        h.assertNoFailures();
        long c = tid(8);
        assertEquals(List.of(new Seen(c, 9, true, false, S, 0), new Seen(c, 9, false, true, 0, M)), seen);
    }

    @Test
    void redirectionPolicyAllowsDeniesOrRedirectsPerPairOfSpaces() {
        KernelHarness h = harness(CommModel.REDIRECTION);
        List<Object> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, M, "m", 0, 120);
            h.startTask(l4, S, "s", 0, 110);
            h.check(h.createActivated(l4, C), "client");
            h.check(l4.commControl(Comm.POLICY, C, S, Comm.DENY) == 1, "deny");
            h.check(l4.exchangeRegisters(C, kola.abi.ExRegs.SET_SP_IP | kola.abi.ExRegs.RESUME, 0,
                    KernelHarness.ip(l4, "c", 0), 0, 0, ThreadId.NIL) == KernelHarness.UTCB, "start client (its local id back)");
            KernelHarness.sleep(l4, 1000);
            h.check(l4.commControl(Comm.POLICY, C, S, M) == 1, "redirect");
        });
        h.module("m", l4 -> seen.add(forward(l4)));
        h.module("s", l4 -> seen.add(receive(l4)));
        h.module("c", l4 -> {
            seen.add(IpcError.kind(send(l4, S, 1)));
            KernelHarness.sleep(l4, 2000);
            seen.add(IpcError.kind(send(l4, S, 2)));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(IpcError.NO_PARTNER, new Seen(C, 2, true, false, S, 0), new Seen(C, 2, false, true, 0, M), 0),
                seen);
    }

    @Test
    void pclansDenyAcrossPclansUnlessAnIntermediaryIsSet() {
        KernelHarness h = harness(CommModel.PCLANS);
        List<Object> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, M, "m", 0, 120);
            h.startTask(l4, S, "s", 0, 110);
            h.check(h.createActivated(l4, C), "client");
            h.check(l4.commControl(Comm.PCLAN, C, 1, 0) == 1, "pclan");
            h.expectError(l4, "allow across pclans", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.PCLAN_POLICY, 1, 0, Comm.ALLOW));
            h.expectError(l4, "pclan out of range", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.PCLAN, C, Comm.PCLANS, 0));
            h.check(l4.exchangeRegisters(C, kola.abi.ExRegs.SET_SP_IP | kola.abi.ExRegs.RESUME, 0,
                    KernelHarness.ip(l4, "c", 0), 0, 0, ThreadId.NIL) == KernelHarness.UTCB, "start client (its local id back)");
            KernelHarness.sleep(l4, 1000);
            h.check(l4.commControl(Comm.PCLAN_POLICY, 1, 0, M) == 1, "intermediary");
        });
        h.module("m", l4 -> seen.add(forward(l4)));
        h.module("s", l4 -> seen.add(receive(l4)));
        h.module("c", l4 -> {
            seen.add(IpcError.kind(send(l4, S, 1)));
            KernelHarness.sleep(l4, 2000);
            seen.add(IpcError.kind(send(l4, S, 2)));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(IpcError.NO_PARTNER, new Seen(C, 2, true, false, S, 0), new Seen(C, 2, false, true, 0, M), 0),
                seen);
    }

    @Test
    void clansCrossEachBoundaryThroughItsChiefThreeIpcsInAll() {
        // A heads {C}; B heads {S}; A and B are in the outermost clan. C -> S crosses out of C's
        // clan and into S's: C -> A -> B -> S, three IPCs, as the paper counts.
        KernelHarness h = harness(CommModel.CLANS);
        List<Object> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "chief", 0, 130);
            create(h, l4, B);
            create(h, l4, C);
            create(h, l4, S);
            h.check(l4.commControl(Comm.CHIEF, C, A, 0) == 1, "chief of c");
            h.check(l4.commControl(Comm.CHIEF, S, B, 0) == 1, "chief of s");
            h.expectError(l4, "a cycle of chiefs", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.CHIEF, B, S, 0));
            h.expectError(l4, "a space its own chief", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.CHIEF, S, S, 0));
            for (long t : new long[] {B, S, C}) {
                activate(h, l4, t);
                h.check(l4.exchangeRegisters(t, kola.abi.ExRegs.SET_SP_IP | kola.abi.ExRegs.RESUME, 0,
                        KernelHarness.ip(l4, t == C ? "c" : t == S ? "s" : "chief", 0), 0, 0, ThreadId.NIL)
                        == KernelHarness.UTCB, "start (its local id back)");
            }
            h.expectError(l4, "chief of a running space", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.CHIEF, S, A, 0));
        });
        h.module("chief", l4 -> seen.add(l4.myGlobalId() == A ? "A " + forward(l4) : "B " + forward(l4)));
        h.module("s", l4 -> seen.add("S " + receive(l4)));
        h.module("c", l4 -> h.check(send(l4, S, 5) == 0, "send"));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("A " + new Seen(C, 5, true, false, S, 0), "B " + new Seen(C, 5, true, true, S, A),
                "S " + new Seen(C, 5, false, true, 0, B)), seen);
    }

    @Test
    void aThreadCannotPropagateAsAThreadOfAnotherSpaceWithoutBeingOnItsPath() {
        KernelHarness h = harness(CommModel.GLOBAL_IDS);
        List<Seen> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startTask(l4, C, "c", 0, 90);
        });
        h.module("s", l4 -> seen.add(receive(l4)));
        h.module("c", l4 -> {
            l4.setVirtualSender(KernelHarness.ROOT);
            l4.setMr(0, MsgTag.make(0, 1, 0) | MsgTag.PROPAGATED);
            l4.setMr(1, 3);
            l4.ipc(S, ThreadId.NIL, NEVER);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(new Seen(C, 3, false, false, 0, 0)), seen, "sent as itself, the p flag cleared");
    }

    /** Root makes a gate to S labelled 0x51 and maps it, send right only, into C's slot 8. */
    private static void giveGate(KernelHarness h, L4 l4, int rights) {
        h.check(l4.commControl(Comm.GATE, Comm.selector(1), S, 0x51) == 1, "gate to s: " + l4.errorCode());
        h.check(l4.commControl(Comm.GATE, Comm.selector(2), C, 0x77) == 1, "gate to c");
        l4.setMr(0, MsgTag.make(0, 0, 2));
        Items.putMap(l4, 1, Comm.objectFpage(1, 0, rights), 0);
        l4.ipc(Comm.selector(2), ThreadId.NIL, NEVER);
        h.check(l4.errorCode() == 0, "map the gate: " + l4.errorCode());
    }

    private static void acceptCapabilities(L4 l4) {
        l4.setBr(0, Items.acceptor(Comm.objectFpage(8, 0, 0), false));
        l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
    }

    @Test
    void capabilitiesNameGatesShowLabelsAndReplyThroughTheOneShotReplyCapability() {
        KernelHarness h = harness(CommModel.CAPABILITIES);
        List<Object> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startTask(l4, C, "c", 0, 110);
            giveGate(h, l4, Comm.SEND);
        });
        h.module("s", l4 -> {
            long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
            seen.add("server got " + Long.toHexString(from) + " " + l4.mr(1));
            l4.setMr(0, MsgTag.make(0, 1, 0));
            l4.setMr(1, l4.mr(1) + 1);
            l4.ipc(Comm.REPLY, ThreadId.NIL, ZERO);
            seen.add("reply " + l4.errorCode());
            l4.ipc(Comm.REPLY, ThreadId.NIL, ZERO);
            seen.add("second reply " + IpcError.kind(l4.errorCode()));
        });
        h.module("c", l4 -> {
            acceptCapabilities(l4);
            seen.add("slot 8 rights " + l4.commControl(Comm.LOOKUP, Comm.selector(8), 0, 0));
            seen.add("by global id " + IpcError.kind(send(l4, S, 1)));
            int reachable = 0;
            for (int slot = 1; slot < Comm.SLOTS; slot++) {
                l4.setMr(0, 0);
                l4.ipc(Comm.selector(slot), ThreadId.NIL, ZERO);
                if (IpcError.kind(l4.errorCode()) != IpcError.NO_PARTNER) {
                    reachable++;
                }
            }
            seen.add("reachable by scanning " + reachable);
            l4.setMr(0, MsgTag.make(0, 1, 0));
            l4.setMr(1, 41);
            long from = l4.ipc(Comm.selector(8), Comm.selector(8), NEVER);
            seen.add("client got " + l4.mr(1) + " from reply " + (from == Comm.REPLY));
        });
        h.run();
        h.assertNoFailures();
        // The client outranks the server: its scan runs before the server first waits (a probe of
        // slot 8 times out instead of failing), and the reply wakes it before the server goes on.
        assertEquals(List.of("slot 8 rights " + Comm.SEND, "by global id " + IpcError.NO_PARTNER,
                "reachable by scanning 1", "server got 51 41", "client got 42 from reply true", "reply 0",
                "second reply " + IpcError.NO_PARTNER), seen);
    }

    @Test
    void unmappingTheGateRevokesEveryCapabilityDerivedFromIt() {
        KernelHarness h = harness(CommModel.CAPABILITIES);
        List<Object> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startTask(l4, C, "c", 0, 110);
            giveGate(h, l4, Comm.SEND | Comm.GRANT);
            sleep(l4, 1000);
            seen.add("capabilities before " + h.kernel.caps.nodeCount());
            l4.setMr(0, Comm.objectFpage(1, 0, Comm.SEND));
            l4.unmap(0); // without the flush bit: root keeps its own, C's derived one goes (it has no rights left but GRANT)
            seen.add("c slot 8 after " + h.kernel.threads.lookup(C).space.objects.slots[8].rights);
            l4.setMr(0, Comm.objectFpage(1, 0, Comm.SEND | Comm.GRANT | Comm.RECEIVE));
            l4.unmap(0x40);
            seen.add("capabilities after " + h.kernel.caps.nodeCount() + " objects " + h.kernel.caps.objectCount());
        });
        h.module("s", l4 -> receive(l4));
        h.module("c", l4 -> {
            acceptCapabilities(l4);
            seen.add("c sends " + send(l4, Comm.selector(8), 1));
            sleep(l4, 2000);
            seen.add("c sends after revocation " + IpcError.kind(send(l4, Comm.selector(8), 2)));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("c sends 0", "capabilities before 3", "c slot 8 after " + Comm.GRANT,
                "capabilities after 1 objects 1", "c sends after revocation " + IpcError.NO_PARTNER), seen);
    }

    @Test
    void commControlRefusesBadInputAndChangesNothing() {
        KernelHarness h = harness(CommModel.CAPABILITIES);
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startTask(l4, C, "c", 0, 90);
            h.expectError(l4, "unknown op", KernelError.INVALID_PARAMETER, 0, () -> l4.commControl(99, 0, 0, 0));
            h.expectError(l4, "negative op", KernelError.INVALID_PARAMETER, 0, () -> l4.commControl(-Comm.GATE, 0, 0, 0));
            h.expectError(l4, "gate in slot 0", KernelError.INVALID_PARAMETER, 0, () -> l4.commControl(Comm.GATE, 0, S, 5));
            h.expectError(l4, "gate selector not aligned", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.GATE, Comm.selector(1) + 8, S, 5));
            h.expectError(l4, "gate beyond the object space", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.GATE, Comm.selector(Comm.SLOTS), S, 5));
            h.expectError(l4, "gate labelled as a reply", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.GATE, Comm.selector(1), S, Comm.REPLY));
            h.expectError(l4, "gate labelled anythread", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.GATE, Comm.selector(1), S, -1));
            h.expectError(l4, "gate labelled as the bound notification's sender", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.GATE, Comm.selector(1), S, Comm.NOTIFIED));
            h.expectError(l4, "gate to no thread", KernelError.INVALID_THREAD, 0,
                    () -> l4.commControl(Comm.GATE, Comm.selector(1), tid(99), 5));
            h.check(l4.commControl(Comm.GATE, Comm.selector(1), S, 5) == 1, "a good gate");
            h.expectError(l4, "gate into an occupied slot", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.GATE, Comm.selector(1), C, 6));
            h.expectError(l4, "policy for no space", KernelError.INVALID_SPACE, 0,
                    () -> l4.commControl(Comm.POLICY, tid(99), S, Comm.DENY));
            h.expectError(l4, "policy through no thread", KernelError.INVALID_THREAD, 0,
                    () -> l4.commControl(Comm.POLICY, C, S, tid(99)));
            h.expectError(l4, "lookup of a bad selector", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.LOOKUP, 123, 0, 0));
            h.check(l4.commControl(Comm.LOOKUP, Comm.selector(1), 0, 0) == 7, "all rights on a made gate");
        });
        h.module("s", l4 -> { });
        h.module("c", l4 -> {
            h.expectError(l4, "policy by an unprivileged task", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.commControl(Comm.POLICY, C, S, Comm.DENY));
            h.expectError(l4, "gate to another space's thread", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.commControl(Comm.GATE, Comm.selector(1), S, 5));
            h.check(l4.commControl(Comm.GATE, Comm.selector(1), C, 5) == 1, "a gate to its own thread");
            // A malformed object fpage in a map item is a message error for both partners.
            l4.setMr(0, MsgTag.make(0, 0, 2));
            Items.putMap(l4, 1, Comm.objectFpage(1, 0, Comm.SEND) | 0x400, 0);
            l4.ipc(Comm.selector(1), ThreadId.NIL, ZERO);
            h.check(IpcError.kind(l4.errorCode()) == IpcError.TIMEOUT || IpcError.kind(l4.errorCode()) == IpcError.MESSAGE_OVERFLOW,
                    "malformed object fpage: " + l4.errorCode());
        });
        h.run();
        h.assertNoFailures();
    }

    @Test
    void virtualThreadsMakeTheSenderStateItsNameInTheReceiversThreadSpace() {
        KernelHarness h = harness(CommModel.VIRTUAL_THREADS);
        List<Object> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startTask(l4, C, "c", 0, 110);
            h.check(l4.commControl(Comm.GATE, Comm.selector(1), S, 1) == 1, "ref s");
            h.check(l4.commControl(Comm.GATE, Comm.selector(2), C, 1) == 1, "ref c");
            // c's slot 5 names s; s's slot 7 names c (the root's distribution, by privileged map).
            h.check(l4.commControl(Comm.MAP, C, Comm.objectFpage(1, 0, Comm.SEND), Comm.selector(5)) == 1, "map to c");
            h.check(l4.commControl(Comm.MAP, S, Comm.objectFpage(2, 0, Comm.SEND), Comm.selector(7)) == 1, "map to s");
            h.expectError(l4, "map into no space", KernelError.INVALID_SPACE, 0,
                    () -> l4.commControl(Comm.MAP, tid(99), Comm.objectFpage(2, 0, Comm.SEND), Comm.selector(7)));
            h.expectError(l4, "map of a memory fpage", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.MAP, S, kola.abi.Fpage.of(0x1000, 12, 7), Comm.selector(7)));
            h.expectError(l4, "map to a bad selector", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.MAP, S, Comm.objectFpage(2, 0, Comm.SEND), 5));
        });
        h.module("s", l4 -> {
            long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
            seen.add("s got " + (from >>> 12) + " " + l4.mr(1));
        });
        h.module("c", l4 -> {
            sleep(l4, 1000);
            l4.setVirtualSender(Comm.selector(6)); // a wrong name: s's slot 6 does not name c
            seen.add("wrong name " + IpcError.kind(send(l4, Comm.selector(5), 1)));
            l4.setVirtualSender(Comm.selector(7));
            seen.add("right name " + send(l4, Comm.selector(5), 2));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("wrong name " + IpcError.NO_PARTNER, "s got 7 2", "right name 0"), seen);
    }

    /**
     * Found by {@code kola fuzz --comm capabilities --seed 5} (op 1140: "fuzz#5 slot 57: a
     * capability without rights"): a capability mapped or granted with rights that have none in
     * common with its own (a privileged MAP with rights 0, a map item of an object fpage with
     * rights 0, or with only the receive right from a capability without it) made a capability
     * without rights in the destination slot. As for memory, such a map or grant moves nothing:
     * the destination slot keeps what it held, and a grant leaves the source where it was.
     */
    @Test
    void aCapabilityMappedOrGrantedWithNoRightsInCommonMovesNothing() {
        KernelHarness h = harness(CommModel.CAPABILITIES);
        List<Object> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startTask(l4, C, "c", 0, 110);
            h.check(l4.commControl(Comm.GATE, Comm.selector(1), S, 9) == 1, "gate to s");
            h.check(l4.commControl(Comm.GATE, Comm.selector(2), C, 10) == 1, "gate to c");
            h.check(l4.commControl(Comm.MAP, C, Comm.objectFpage(1, 0, 0), Comm.selector(5)) == 1, "map with no rights");
            h.check(l4.commControl(Comm.MAP, C, Comm.objectFpage(1, 0, Comm.SEND | Comm.GRANT), Comm.selector(6)) == 1, "map");
            h.check(l4.commControl(Comm.MAP, C, Comm.objectFpage(2, 0, Comm.SEND | Comm.GRANT), Comm.selector(7)) == 1, "map");
            // Over a slot that holds a capability: a map with no rights leaves it there.
            h.check(l4.commControl(Comm.MAP, C, Comm.objectFpage(2, 0, 0), Comm.selector(6)) == 1, "map with no rights over slot 6");
        });
        h.module("s", l4 -> {
            l4.setBr(0, Items.acceptor(Comm.objectFpage(0, 5, 0), false));
            l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
            seen.add("s got " + MsgTag.typed(l4.mr(0)) + " typed words");
            for (int slot : new int[] {8, 9}) {
                seen.add("s slot " + slot + ": " + l4.commControl(Comm.LOOKUP, Comm.selector(slot), 0, 0));
            }
            l4.setMr(0, MsgTag.make(0, 0, 0));
            l4.ipc(Comm.REPLY, ThreadId.NIL, ZERO);
        });
        h.module("c", l4 -> {
            sleep(l4, 1000);
            for (int slot : new int[] {5, 6, 7}) {
                seen.add("c slot " + slot + ": " + l4.commControl(Comm.LOOKUP, Comm.selector(slot), 0, 0));
            }
            // Slot 7 (send and grant) mapped and granted to s with only the receive right: no rights in common.
            Items.putMap(l4, 1, Comm.objectFpage(7, 0, Comm.RECEIVE), Comm.selector(8));
            Items.putGrant(l4, 3, Comm.objectFpage(7, 0, Comm.RECEIVE), Comm.selector(9));
            l4.setMr(0, MsgTag.make(0, 0, 4));
            l4.ipc(Comm.selector(6), Comm.selector(6), NEVER);
            seen.add("call " + (MsgTag.failed(l4.mr(0)) ? "failed " + l4.errorCode() : "answered"));
            seen.add("c slot 7 after: " + l4.commControl(Comm.LOOKUP, Comm.selector(7), 0, 0));
        });
        h.run();
        h.assertNoFailures();
        int sendGrant = Comm.SEND | Comm.GRANT;
        assertEquals(List.of("c slot 5: 0", "c slot 6: " + sendGrant, "c slot 7: " + sendGrant, "s got 4 typed words",
                "s slot 8: 0", "s slot 9: 0", "call answered", "c slot 7 after: " + sendGrant), seen);
    }

    /**
     * Found by {@code kola fuzz --comm capabilities --seed 3} (op 156516: "fuzz#14 slot 274:
     * rights 4 exceed its parent's 3"): a capability granted with fewer rights than it had kept
     * the capabilities derived from it with their rights, more than their parent's now. As for
     * memory, a grant that takes rights takes them from everything derived from the capability.
     */
    @Test
    void aCapabilityGrantedWithFewerRightsTakesThemFromWhatWasDerivedFromIt() {
        KernelHarness h = harness(CommModel.CAPABILITIES);
        List<Object> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startTask(l4, C, "c", 0, 110);
            h.check(l4.commControl(Comm.GATE, Comm.selector(1), S, 9) == 1, "gate to s");
            h.check(l4.commControl(Comm.MAP, C, Comm.objectFpage(1, 0, Comm.SEND | Comm.GRANT), Comm.selector(6)) == 1, "map");
            h.check(l4.commControl(Comm.MAP, C, Comm.objectFpage(1, 0, Comm.SEND | Comm.GRANT), Comm.selector(7)) == 1, "map");
        });
        h.module("s", l4 -> {
            l4.setBr(0, Items.acceptor(Comm.objectFpage(0, 5, 0), false));
            l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
            seen.add("s got " + MsgTag.typed(l4.mr(0)) + " typed words");
            for (int slot : new int[] {8, 9}) {
                seen.add("s slot " + slot + ": " + l4.commControl(Comm.LOOKUP, Comm.selector(slot), 0, 0));
            }
            l4.setMr(0, MsgTag.make(0, 0, 0));
            l4.ipc(Comm.REPLY, ThreadId.NIL, ZERO);
        });
        h.module("c", l4 -> {
            sleep(l4, 1000);
            // Slot 7 mapped to s's slot 8 with send and grant, then granted to s's slot 9 with the grant right only.
            Items.putMap(l4, 1, Comm.objectFpage(7, 0, Comm.SEND | Comm.GRANT), Comm.selector(8));
            Items.putGrant(l4, 3, Comm.objectFpage(7, 0, Comm.GRANT), Comm.selector(9));
            l4.setMr(0, MsgTag.make(0, 0, 4));
            l4.ipc(Comm.selector(6), Comm.selector(6), NEVER);
            seen.add("call " + (MsgTag.failed(l4.mr(0)) ? "failed " + l4.errorCode() : "answered"));
            seen.add("c slot 7 after: " + l4.commControl(Comm.LOOKUP, Comm.selector(7), 0, 0));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("s got 4 typed words", "s slot 8: " + Comm.GRANT, "s slot 9: " + Comm.GRANT, "call answered",
                "c slot 7 after: 0"), seen);
    }

    /** Sleeps under the object-space models: a wait for a reply that never comes, with a timeout. */
    private static void sleep(L4 l4, long micros) {
        l4.ipc(ThreadId.NIL, Comm.REPLY, Timeout.pair(Timeout.NEVER, Timeout.relative(micros)));
    }

    private static long waitOn(L4 l4, long selector, long timeouts) {
        return waitOn(l4, ThreadId.NIL, selector, timeouts);
    }

    /** Sends to {@code to} (nil: nobody) and waits on {@code selector} in one Ipc: the bits, or minus the error kind. */
    private static long waitOn(L4 l4, long to, long selector, long timeouts) {
        long from = l4.ipc(to, selector, timeouts);
        return (l4.mr(0) & MsgTag.ERROR) != 0 ? -IpcError.kind(l4.errorCode()) : from == selector ? l4.mr(1) : -100;
    }

    @Test
    void notificationsCollectBitsSignalsNeverBlockAndRightsHold() {
        KernelHarness h = harness(CommModel.CAPABILITIES);
        List<Object> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startTask(l4, C, "c", 0, 90);
            h.check(l4.commControl(Comm.NOTIFICATION, Comm.selector(1), 0, 0) == 1, "notification");
            h.expectError(l4, "notification into an occupied slot", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.NOTIFICATION, Comm.selector(1), 0, 0));
            h.check(l4.commControl(Comm.MAP, S, Comm.objectFpage(1, 0, Comm.RECEIVE), Comm.selector(3)) == 1, "to s: wait only");
            h.check(l4.commControl(Comm.MAP, C, Comm.objectFpage(1, 0, Comm.SEND), Comm.selector(4)) == 1, "to c: signal only");
            // Signals before anyone waits: the bits accumulate.
            l4.setMr(0, MsgTag.make(0, 1, 0));
            l4.setMr(1, 1);
            l4.ipc(Comm.selector(1), ThreadId.NIL, NEVER);
            l4.setMr(1, 4);
            l4.ipc(Comm.selector(1), ThreadId.NIL, NEVER);
            seen.add("root signals " + ((l4.mr(0) & MsgTag.ERROR) == 0));
        });
        h.module("s", l4 -> {
            seen.add("s collects " + waitOn(l4, Comm.selector(3), NEVER));
            seen.add("s again, zero timeout " + waitOn(l4, Comm.selector(3), SEND_NEVER_RECEIVE_ZERO));
            seen.add("s cannot signal " + IpcError.kind(send(l4, Comm.selector(3), 8)));
            seen.add("s waits, c signals " + waitOn(l4, Comm.selector(3), NEVER));
        });
        h.module("c", l4 -> {
            seen.add("c cannot wait " + waitOn(l4, Comm.selector(4), NEVER));
            seen.add("c signals " + send(l4, Comm.selector(4), 0x30));
        });
        h.run();
        h.assertNoFailures();
        // The signal wakes s, which outranks c: s reports before c's send returns (it never blocked).
        assertEquals(List.of("root signals true", "s collects 5", "s again, zero timeout " + -IpcError.TIMEOUT,
                "s cannot signal " + IpcError.NO_PARTNER, "c cannot wait " + -IpcError.NO_PARTNER,
                "s waits, c signals " + 0x30, "c signals 0"), seen);
    }

    /**
     * A server that answers and then waits on a notification (reply-and-receive) made no call to
     * the client it answered: the client cannot reach it through REPLY while it waits there.
     */
    @Test
    void aReplyThenAWaitOnANotificationIsNoCallToTheAnsweredClient() {
        KernelHarness h = harness(CommModel.CAPABILITIES);
        List<Object> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startTask(l4, C, "c", 0, 90);
            giveGate(h, l4, Comm.SEND);
        });
        h.module("s", l4 -> {
            h.check(l4.commControl(Comm.NOTIFICATION, Comm.selector(5), 0, 0) == 1, "notification");
            l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
            l4.setMr(0, MsgTag.make(0, 1, 0));
            l4.setMr(1, l4.mr(1) + 1);
            seen.add("s waits on its notification: " + waitOn(l4, Comm.REPLY, Comm.selector(5), Timeout.pair(Timeout.NEVER,
                    Timeout.relative(2000))));
        });
        h.module("c", l4 -> {
            acceptCapabilities(l4);
            l4.setMr(0, MsgTag.make(0, 1, 0));
            l4.setMr(1, 5);
            l4.ipc(Comm.selector(8), Comm.selector(8), NEVER);
            seen.add("c got " + l4.mr(1));
            seen.add("c sends to REPLY: " + IpcError.kind(send(l4, Comm.REPLY, 99)));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("c got 6", "c sends to REPLY: " + IpcError.NO_PARTNER,
                "s waits on its notification: " + -IpcError.TIMEOUT), seen);
    }

    @Test
    void aWaitOnANotificationTakesNoMessageWhoseLabelEqualsItsSelector() {
        // Once a kernel bug (found by kola fuzz --comm capabilities): s waited on a notification
        // at selector 5, and a message through a gate labelled with that same word was taken by
        // the wait, leaving s ready but still queued on the notification (an invariant
        // violation; the harness checks the invariants after every kernel entry).
        KernelHarness h = harness(CommModel.CAPABILITIES);
        List<Object> seen = new ArrayList<>();
        long label = Comm.selector(5);
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 110);
            h.startTask(l4, C, "c", 0, 100);
            h.check(l4.commControl(Comm.GATE, Comm.selector(1), S, label) == 1, "gate to s");
            h.check(l4.commControl(Comm.MAP, C, Comm.objectFpage(1, 0, Comm.SEND), Comm.selector(8)) == 1, "gate to c");
            h.check(l4.commControl(Comm.NOTIFICATION, Comm.selector(3), 0, 0) == 1, "notification");
            h.check(l4.commControl(Comm.MAP, S, Comm.objectFpage(3, 0, Comm.RECEIVE), Comm.selector(5)) == 1, "to s");
            h.check(l4.commControl(Comm.MAP, C, Comm.objectFpage(3, 0, Comm.SEND), Comm.selector(9)) == 1, "to c");
        });
        h.module("s", l4 -> {
            seen.add("s waits on its notification: " + waitOn(l4, Comm.selector(5), NEVER));
            long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
            seen.add("s then receives " + Long.toHexString(from) + ":" + l4.mr(1));
        });
        h.module("c", l4 -> {
            seen.add("s " + h.state(S));
            l4.setMr(0, MsgTag.make(0, 1, 0));
            l4.setMr(1, 7);
            l4.ipc(Comm.selector(8), ThreadId.NIL, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
            seen.add("c, zero send timeout: " + ((l4.mr(0) & MsgTag.ERROR) != 0 ? IpcError.kind(l4.errorCode()) : 0));
            seen.add("s still " + h.state(S));
            seen.add("c signals " + send(l4, Comm.selector(9), 4));
            seen.add("c sent: " + send(l4, Comm.selector(8), 8));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("s receiving", "c, zero send timeout: " + IpcError.TIMEOUT, "s still receiving",
                "s waits on its notification: 4", "c signals 0", "s then receives " + Long.toHexString(label) + ":8",
                "c sent: 0"), seen);
    }

    @Test
    void anInterruptBoundToANotificationSignalsItUntilAcknowledged() {
        KernelHarness h = harness(CommModel.CAPABILITIES);
        List<Object> seen = new ArrayList<>();
        int line = kola.machine.Machine.TIMER_IRQ;
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.check(l4.commControl(Comm.NOTIFICATION, Comm.selector(1), 0, 0) == 1, "notification");
            h.expectError(l4, "bind with no bits", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.IRQ_BIND, line, Comm.selector(1), 0));
            h.expectError(l4, "bind a line that does not exist", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.IRQ_BIND, 999, Comm.selector(1), 1));
            h.expectError(l4, "bind to an empty slot", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.IRQ_BIND, line, Comm.selector(2), 1));
            h.check(l4.commControl(Comm.IRQ_BIND, line, Comm.selector(1), 0x100) == 1, "bind");
            h.check(l4.commControl(Comm.MAP, S, Comm.objectFpage(1, 0, Comm.RECEIVE), Comm.selector(3)) == 1, "to s");
            h.kernel.machine.timer().arm(h.kernel.clock.now() + 1000);
        });
        h.module("s", l4 -> {
            h.expectError(l4, "bind by an unprivileged task", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.commControl(Comm.IRQ_BIND, line, Comm.selector(3), 1));
            h.expectError(l4, "ack of a line bound elsewhere", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.commControl(Comm.IRQ_ACK, kola.machine.Machine.UART_IRQ, Comm.selector(3), 0));
            seen.add("interrupt " + Long.toHexString(waitOn(l4, Comm.selector(3), NEVER)));
            seen.add("ack " + l4.commControl(Comm.IRQ_ACK, line, Comm.selector(3), 0));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("interrupt 100", "ack 1"), seen);
    }

    @Test
    void revokingANotificationReleasesItsWaiter() {
        KernelHarness h = harness(CommModel.CAPABILITIES);
        List<Object> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.check(l4.commControl(Comm.NOTIFICATION, Comm.selector(1), 0, 0) == 1, "notification");
            h.check(l4.commControl(Comm.MAP, S, Comm.objectFpage(1, 0, Comm.RECEIVE), Comm.selector(3)) == 1, "to s");
            sleep(l4, 1000);
            l4.setMr(0, Comm.objectFpage(1, 0, Comm.RECEIVE | Comm.SEND | Comm.GRANT));
            l4.unmap(0x40);
            seen.add("objects left " + h.kernel.caps.objectCount());
        });
        h.module("s", l4 -> seen.add("s " + waitOn(l4, Comm.selector(3), NEVER)));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("objects left 0", "s " + -IpcError.CANCELLED), seen, "the root outranks s: it reports first");
    }

    @Test
    void aSavedReplyCapabilityAnswersLaterOnceAndOnlyTheCallerStillWaiting() {
        KernelHarness h = harness(CommModel.CAPABILITIES);
        List<Object> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startTask(l4, C, "c", 0, 110);
            giveGate(h, l4, Comm.SEND);
        });
        h.module("s", l4 -> {
            h.expectError(l4, "save with no call received", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.SAVE_REPLY, Comm.selector(9), 0, 0));
            l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
            long word = l4.mr(1);
            h.check(l4.commControl(Comm.SAVE_REPLY, Comm.selector(9), 0, 0) == 1, "save");
            seen.add("reply cap moved: plain reply " + IpcError.kind(send(l4, Comm.REPLY, 0)));
            sleep(l4, 500); // the answer waits
            seen.add("saved reply " + send(l4, Comm.selector(9), word * 10));
            seen.add("used up: slot holds " + l4.commControl(Comm.LOOKUP, Comm.selector(9), 0, 0));
        });
        h.module("c", l4 -> {
            acceptCapabilities(l4);
            l4.setMr(0, MsgTag.make(0, 1, 0));
            l4.setMr(1, 7);
            l4.ipc(Comm.selector(8), Comm.selector(8), NEVER);
            seen.add("c got " + l4.mr(1));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("reply cap moved: plain reply " + IpcError.NO_PARTNER, "c got 70", "saved reply 0",
                "used up: slot holds 0"), seen);
    }

    /**
     * A reply through the reply capability (or a saved one) whose string lies on a page its
     * sender has not touched must fault in the sender's own space first: the kernel sends the
     * fault and then redoes the send. The capability is used up only when the reply goes, so the
     * redone send still has it and the caller gets its reply. (It was used up before the
     * transfer: the redone reply found no partner, and the caller waited for ever. Found by
     * {@code kola fuzz --comm capabilities --seed 5}: the reply pairs' hang check.)
     */
    @Test
    void aReplyWhoseStringMustFaultInTheRepliersOwnSpaceStillReachesTheCaller() {
        KernelHarness h = harness(CommModel.CAPABILITIES);
        List<Object> seen = new ArrayList<>();
        h.sigma0(l4 -> { // maps the faulting page idempotently, answering through the reply capability
            while (true) {
                l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
                long tag = l4.mr(0);
                if (!MsgTag.failed(tag) && kola.abi.KernelLabels.isPageFault(MsgTag.label(tag))) {
                    long page = l4.mr(1) & -4096L;
                    Items.putMap(l4, 1, kola.abi.Fpage.of(page, 12, kola.abi.Fpage.RWX), page);
                    l4.setMr(0, MsgTag.make(0, 0, 2));
                    l4.ipc(Comm.REPLY, ThreadId.NIL, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
                }
            }
        });
        h.root(l4 -> {
            for (long[] t : new long[][] {{S, 100}, {C, 110}}) { // paged by sigma0
                String failure = KernelHarness.createTask(l4, t[0], KernelHarness.SIGMA0,
                        KernelHarness.ip(l4, t[0] == S ? "s" : "c", 0), (int) t[1]);
                h.check(failure == null, "task: " + failure);
            }
            giveGate(h, l4, Comm.SEND);
        });
        h.module("s", l4 -> {
            long[] replies = {Comm.REPLY, Comm.selector(9)};
            for (int i = 0; i < replies.length; i++) {
                l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
                if (replies[i] != Comm.REPLY) {
                    h.check(l4.commControl(Comm.SAVE_REPLY, replies[i], 0, 0) == 1, "save");
                }
                Items.putString(l4, 1, 0x0600_0000L + 0x1000L * i + 8, 40); // a page s never touched
                l4.setMr(0, MsgTag.make(0, 0, 2));
                l4.ipc(replies[i], ThreadId.NIL, NEVER);
                seen.add("s: " + (MsgTag.failed(l4.mr(0)) ? IpcError.describe(l4.errorCode()) : "replied"));
            }
            seen.add("s: the saved one used up, slot holds " + l4.commControl(Comm.LOOKUP, Comm.selector(9), 0, 0));
        });
        h.module("c", l4 -> {
            acceptCapabilities(l4);
            for (int i = 0; i < 2; i++) {
                l4.memory().store64(0x0610_0000L, -1); // c's buffer page is there: only s faults
                l4.setBr(0, Items.acceptor(kola.abi.Fpage.NIL, true));
                l4.setBr(1, Items.stringWord(64));
                l4.setBr(2, 0x0610_0000L);
                l4.setMr(0, MsgTag.make(0, 0, 0));
                l4.ipc(Comm.selector(8), Comm.selector(8), Timeout.pair(Timeout.NEVER, Timeout.relative(50_000)));
                seen.add("c: " + (MsgTag.failed(l4.mr(0)) ? IpcError.describe(l4.errorCode())
                        : "got " + MsgTag.typed(l4.mr(0)) + " typed words, buffer word " + l4.memory().load64(0x0610_0000L)));
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("c: got 2 typed words, buffer word 0", "s: replied", "c: got 2 typed words, buffer word 0",
                "s: replied", "s: the saved one used up, slot holds 0"), seen);
    }

    @Test
    void aBoundNotificationWakesAnOpenReceive() {
        KernelHarness h = harness(CommModel.CAPABILITIES);
        List<Object> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, S, "s", 0, 100);
            h.startTask(l4, C, "c", 0, 90);
            h.check(l4.commControl(Comm.NOTIFICATION, Comm.selector(1), 0, 0) == 1, "notification");
            h.check(l4.commControl(Comm.MAP, S, Comm.objectFpage(1, 0, Comm.RECEIVE), Comm.selector(3)) == 1, "to s");
            h.check(l4.commControl(Comm.MAP, C, Comm.objectFpage(1, 0, Comm.SEND), Comm.selector(4)) == 1, "to c");
        });
        h.module("s", l4 -> {
            h.expectError(l4, "bind what is no notification", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.commControl(Comm.BIND_NOTIFICATION, Comm.selector(5), 0, 0));
            h.check(l4.commControl(Comm.BIND_NOTIFICATION, Comm.selector(3), 0, 0) == 1, "bind");
            long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
            seen.add("open receive: " + (from == Comm.NOTIFIED) + " bits " + l4.mr(1));
            h.check(l4.commControl(Comm.BIND_NOTIFICATION, 0, 0, 0) == 1, "unbind");
            long again = l4.ipc(ThreadId.NIL, ThreadId.ANY, SEND_NEVER_RECEIVE_ZERO);
            seen.add("unbound: " + IpcError.kind(l4.errorCode()) + " " + (again == Comm.NOTIFIED));
        });
        h.module("c", l4 -> {
            seen.add("c signals " + send(l4, Comm.selector(4), 6));
            seen.add("c signals " + send(l4, Comm.selector(4), 1));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("open receive: true bits 6", "unbound: " + IpcError.TIMEOUT + " false", "c signals 0", "c signals 0"), seen);
    }

    /** The KIP says which model runs: in the task's view of it and in the frame's Kola word (Kip.COMM_MODEL_OFFSET). */
    @Test
    void theKipNamesTheModelInEverySpace() {
        for (CommModel model : CommModel.values()) {
            KernelHarness h = harness(model);
            List<Long> seen = new ArrayList<>();
            h.root(l4 -> h.startTask(l4, S, "s", 0, 100));
            h.module("s", l4 -> {
                seen.add((long) l4.kernelInterface().commModel());
                seen.add(l4.memory().load64(KernelHarness.KIP_BASE + kola.abi.Kip.COMM_MODEL_OFFSET));
                seen.add(l4.kernelInterface().capabilities() ? 1L : 0L);
            });
            h.run();
            h.assertNoFailures();
            long want = model.kipWord();
            assertEquals(List.of(want, want, model == CommModel.CAPABILITIES ? 1L : 0L), seen, model.label());
        }
    }
}
