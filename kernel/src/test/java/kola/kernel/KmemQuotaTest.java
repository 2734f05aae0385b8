package kola.kernel;

import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kola.abi.Comm;
import kola.abi.KernelError;
import kola.abi.Kmem;
import kola.abi.L4;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import org.junit.jupiter.api.Test;

/**
 * Kernel memory under the central pool and under hierarchical quotas (paper section 4.2): the
 * denial of service the pool allows, the quota that stops it, who pays for a thread, and the
 * refusals of KmemControl.
 */
class KmemQuotaTest {
    static final long HOG = tid(3);
    static final long VICTIM = tid(4);
    static final long POOL = 128 << 10;

    /** Objects until refused: notifications in the caller's own object space. */
    private static int hog(L4 l4) {
        int got = 0;
        for (int slot = 1; slot < Comm.SLOTS; slot++) {
            if (l4.commControl(Comm.NOTIFICATION, Comm.selector(slot), 0, 0) == 0) {
                return l4.errorCode() == KernelError.OUT_OF_MEMORY ? got : -1;
            }
            got++;
        }
        return got;
    }

    private static void sleep(L4 l4, long micros) {
        l4.ipc(ThreadId.NIL, Comm.REPLY, Timeout.pair(Timeout.NEVER, Timeout.relative(micros)));
    }

    private List<String> denialOfService(KmemModel model) {
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withKernelMemory(POOL)
                .withComm(CommModel.CAPABILITIES).withKmem(model));
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, HOG, "hog", 0, 100);
            h.startTask(l4, VICTIM, "victim", 0, 90);
            h.check(l4.kmemControl(HOG, Kmem.UNCHANGED) == 1, "read");
            long held = l4.ret(Kmem.OUT_HELD);
            h.check(l4.kmemControl(HOG, held + 16 * 1024) == 1, "quota");
        });
        h.module("hog", l4 -> {
            // The room the hog has: what its quota leaves, or what the central pool has left.
            Space space = h.kernel.threads.lookup(HOG).space;
            long[] pool = h.kernel.kernelMemory();
            long room = model == KmemModel.QUOTA ? space.quota - space.subtreeBytes : pool[1] - pool[0];
            // Its first notification brings its object space (the slot table); each one takes a
            // notification and the capability naming it, until the next would not fit.
            long fit = (room - ObjectSpace.BYTES) / (Notification.BYTES + CapNode.BYTES);
            int got = hog(l4);
            seen.add("hog got " + (got == fit ? "what fit" : got + " of " + fit) + ", then refused");
        });
        h.module("victim", l4 -> {
            sleep(l4, 1000);
            seen.add("victim " + (l4.commControl(Comm.NOTIFICATION, Comm.selector(1), 0, 0) == 1 ? "ok"
                    : KernelError.describe(l4.errorCode())));
        });
        h.run();
        h.assertNoFailures();
        Space hog = h.kernel.threads.lookup(HOG).space;
        if (model == KmemModel.QUOTA) {
            assertTrue(hog.subtreeBytes <= hog.quota && hog.subtreeBytes + 80 > hog.quota, hog.subtreeBytes + " of " + hog.quota);
        }
        assertEquals(List.of(), h.kernel.checkInvariants());
        return seen;
    }

    @Test
    void underTheCentralPoolTheHogStarvesTheVictim() {
        assertEquals(List.of("hog got what fit, then refused", "victim " + KernelError.describe(KernelError.OUT_OF_MEMORY)),
                denialOfService(KmemModel.POOL));
    }

    @Test
    void underQuotasTheHogMeetsItsOwnLimitAndTheVictimGoesOn() {
        assertEquals(List.of("hog got what fit, then refused", "victim ok"), denialOfService(KmemModel.QUOTA));
    }

    @Test
    void underQuotasAThreadIsChargedToTheSpaceItLivesIn() {
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withKmem(KmemModel.QUOTA));
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.check(h.createActivated(l4, HOG), "hog");
            h.check(h.createActivated(l4, VICTIM), "victim");
            l4.kmemControl(HOG, Kmem.UNCHANGED);
            long held = l4.ret(Kmem.OUT_HELD);
            h.check(l4.kmemControl(HOG, held + 2 * kola.kernel.Tcb.BYTES) == 1, "room for two threads");
            long rootBefore = h.kernel.threads.lookup(l4.myGlobalId()).space.kernelBytes[KernelObject.TCB.ordinal()];
            for (int i = 0; i < 3; i++) {
                long rc = l4.threadControl(tid(10 + i), HOG, l4.myGlobalId(), ThreadId.NIL, KernelHarness.UTCB + (i + 1) * 1024L);
                seen.add("thread " + i + " in the hog's space: " + (rc == 1 ? "ok" : KernelError.describe(l4.errorCode())));
            }
            seen.add("thread in the victim's space: " + (l4.threadControl(tid(20), VICTIM, l4.myGlobalId(), ThreadId.NIL,
                    KernelHarness.UTCB + 1024) == 1 ? "ok" : KernelError.describe(l4.errorCode())));
            long rootAfter = h.kernel.threads.lookup(l4.myGlobalId()).space.kernelBytes[KernelObject.TCB.ordinal()];
            seen.add("the root task paid " + (rootAfter - rootBefore));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("thread 0 in the hog's space: ok", "thread 1 in the hog's space: ok",
                "thread 2 in the hog's space: " + KernelError.describe(KernelError.OUT_OF_MEMORY),
                "thread in the victim's space: ok", "the root task paid 0"), seen);
    }

    @Test
    void kmemControlRefusesBadInputAndChangesNothing() {
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withKmem(KmemModel.QUOTA));
        h.root(l4 -> {
            h.startTask(l4, HOG, "hog", 0, 100);
            h.check(h.createActivated(l4, VICTIM), "victim");
            h.expectError(l4, "no such space", KernelError.INVALID_SPACE, 0, () -> l4.kmemControl(tid(99), 4096));
            h.expectError(l4, "a quota below -2", KernelError.INVALID_PARAMETER, 0, () -> l4.kmemControl(VICTIM, -3));
            h.expectError(l4, "a quota below what it holds", KernelError.INVALID_PARAMETER, 0, () -> l4.kmemControl(VICTIM, 1));
            h.check(l4.kmemControl(VICTIM, Kmem.UNCHANGED) == 1 && l4.ret(Kmem.OUT_QUOTA) == Kmem.UNLIMITED, "unlimited at first");
            long held = l4.ret(Kmem.OUT_HELD);
            h.check(held == h.kernel.threads.lookup(VICTIM).space.kernelBytesTotal(), "held is what it is charged: " + held);
        });
        h.module("hog", l4 -> {
            h.expectError(l4, "another space's quota, unprivileged", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.kmemControl(VICTIM, Kmem.UNLIMITED));
            h.expectError(l4, "another space's figures, unprivileged", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.kmemControl(VICTIM, Kmem.UNCHANGED));
            h.expectError(l4, "its own quota, unprivileged", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.kmemControl(HOG, Kmem.UNLIMITED));
            h.check(l4.kmemControl(HOG, Kmem.UNCHANGED) == 1
                    && l4.ret(Kmem.OUT_HELD) == h.kernel.threads.lookup(HOG).space.kernelBytesTotal()
                    && l4.ret(Kmem.OUT_QUOTA) == Kmem.UNLIMITED, "its own figures: held " + l4.ret(Kmem.OUT_HELD)
                    + ", quota " + l4.ret(Kmem.OUT_QUOTA));
        });
        h.run();
        h.assertNoFailures();
    }
}
