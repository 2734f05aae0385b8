package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The communication experiment's outcomes: the paper's IPC counts, scanning, Shapiro's silent client. */
class CommExperimentTest {
    @Test
    void everyModelGivesThePapersFigures() {
        List<CommExperiment.Row> rows = CommExperiment.run(50);
        Map<String, Double> v = rows.stream().collect(Collectors.toMap(r -> r.model() + " " + r.metric(), CommExperiment.Row::value));
        Map<String, Double> ipcs = Map.of("global-ids", 1.0, "clans", 3.0, "redirection", 2.0, "redirectors", 2.0,
                "pclans", 2.0, "virtual-threads", 1.0, "capabilities", 1.0);
        for (var e : ipcs.entrySet()) {
            assertEquals(e.getValue(), v.get(e.getKey() + " ipcs-per-message"), e.getKey());
            boolean objects = e.getKey().equals("virtual-threads") || e.getKey().equals("capabilities");
            // sigma0, the root task, server, client, monitor and the scanner itself: all guessable by id.
            assertEquals(objects ? 0.0 : 6.0, v.get(e.getKey() + " threads-found-by-scanning"), e.getKey());
            assertEquals(e.getKey().equals("capabilities") ? 0.0 : 1.0, v.get(e.getKey() + " server-blocked-by-silent-client"), e.getKey());
        }
        Map<String, Double> monitorIpcs = Map.of("clans", 6.0, "redirection", 3.0, "redirectors", 3.0, "pclans", 4.0,
                "virtual-threads", 4.0, "capabilities", 4.0);
        for (var e : ipcs.entrySet()) {
            boolean objects = e.getKey().equals("virtual-threads") || e.getKey().equals("capabilities");
            // The sender makes a thread id exist or not per slot; a receiver given nothing reads it only by id.
            assertEquals(objects ? 0.0 : 997.2, v.get(e.getKey() + " covert-channel-bits-per-second"), e.getKey());
            assertEquals(e.getKey().equals("global-ids") ? 0.0 : 1.0, v.get(e.getKey() + " monitor-interposable"), e.getKey());
            assertEquals(monitorIpcs.get(e.getKey()), v.get(e.getKey() + " monitor-ipcs-per-round-trip"), e.getKey());
            // Shapiro's second attack holds under every model: only a transfer timeout bounds the wait.
            assertEquals(1.0, v.get(e.getKey() + " server-blocked-by-silent-pager"), e.getKey());
            assertEquals(0.0, v.get(e.getKey() + " server-blocked-by-silent-pager-with-xfer-timeout"), e.getKey());
        }
        assertEquals(0.0, CommExperiment.mutualInformation(0xF0F0, 0, 16), 1e-12, "a constant reading learns nothing");
        assertEquals(1.0, CommExperiment.mutualInformation(0xF0F0, 0xF0F0, 16), 1e-12, "a perfect balanced channel: one bit per slot");
        assertEquals(1.0, CommExperiment.mutualInformation(0xF0F0, ~0xF0F0L, 16), 1e-12, "an inverted one is as good");
        assertEquals(v.get("global-ids cycles-per-message"), v.get("capabilities cycles-per-message"), "a gate costs no simulated cycle more");
    }
}
