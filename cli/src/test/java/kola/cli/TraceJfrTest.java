package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import kola.cli.trace.JfrListener;
import kola.kernel.Kernel;
import kola.kernel.KernelEvents;
import kola.machine.CostModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel events arrive in a JFR recording as kola.* events, one per kernel event. */
class TraceJfrTest {

    @Test
    void aRecordingHoldsOneKolaEventPerKernelEvent(@TempDir Path dir) throws Exception {
        Kernel kernel = TraceExportTest.kernel("fig5", TraceExportTest.nowhere());
        Map<Integer, Long> counts = new HashMap<>();
        List<Long> faultTimes = new java.util.ArrayList<>();
        JfrListener jfr = new JfrListener(kernel);
        Path file = dir.resolve("fig5.jfr");
        try (Recording r = new Recording()) {
            r.enable("kola.IpcTransfer");
            r.enable("kola.PageFault");
            r.enable("kola.Switch");
            r.enable("kola.Map");
            r.start();
            kernel.setEventListener((type, time, a, b, c) -> {
                counts.merge(type, 1L, Long::sum);
                if (type == KernelEvents.FAULT) {
                    faultTimes.add(time);
                }
                jfr.event(type, time, a, b, c);
            });
            kernel.run();
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Map<String, Long> byName = new HashMap<>();
        for (RecordedEvent e : events) {
            byName.merge(e.getEventType().getName(), 1L, Long::sum);
        }
        assertEquals(counts.get(KernelEvents.TRANSFER), byName.get("kola.IpcTransfer"));
        assertEquals(counts.get(KernelEvents.FAULT), byName.get("kola.PageFault"));
        assertEquals(counts.get(KernelEvents.SWITCH), byName.get("kola.Switch"));
        assertEquals(counts.get(KernelEvents.MAP), byName.get("kola.Map"));
        RecordedEvent fault = events.stream().filter(e -> e.getEventType().getName().equals("kola.PageFault")).findFirst()
                .orElseThrow();
        assertEquals("client 45.1", fault.getString("thread"));
        // The first fault's simulated time, in ns: cycles at 1 GHz.
        assertEquals(faultTimes.get(0) * 1000 / CostModel.CYCLES_PER_MICROSECOND,
                fault.getDuration("simulatedTime").toNanos());
        assertTrue(events.stream().filter(e -> e.getEventType().getName().equals("kola.IpcTransfer"))
                .anyMatch(e -> e.getString("message").startsWith("page fault")));
    }

    @Test
    void withoutARecordingTheListenerEmitsNothingAndCostsLittle() {
        Kernel kernel = TraceExportTest.kernel("fig1", TraceExportTest.nowhere());
        kernel.setEventListener(new JfrListener(kernel));
        Kernel.RunResult r = kernel.run();
        // The listener only observes: the run is the run without it, event for event (the hash).
        assertEquals(TraceExportTest.kernel("fig1", TraceExportTest.nowhere()).run(), r);
    }
}
