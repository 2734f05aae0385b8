package kola.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import kola.bench.ping.PingPong;
import kola.kernel.ClasspathClasses;
import kola.kernel.TaskVerifier;
import org.junit.jupiter.api.Test;

class SandboxedIpcTest {

    @Test
    void thePingPongTaskPassesTheSandboxsVerification() {
        assertNull(TaskVerifier.refusal("ping", new ClasspathClasses(PingPong.class)));
    }

    @Test
    void roundTripsAreTwoKernelEntriesEachAndEveryReplyChecked() {
        SandboxedIpc ipc = new SandboxedIpc();
        long before = ipc.traps();
        ipc.roundTrips(1_000);
        assertEquals(before + 2_000, ipc.traps());
        ipc.roundTrips(10);
        assertEquals(before + 2_020, ipc.traps());
    }
}
