package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code --comm MODEL} and {@code kola experiment comm}: the choices, the refusals, the JSON rows. */
class CommOptionTest {
    @Test
    void anUnknownModelIsOneLineNamingTheChoices() {
        ImageFileTest.Cli r = ImageFileTest.kola("demo", "ipc", "--comm", "telepathy");
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("unknown communication model 'telepathy'") && r.err().contains("capabilities"), r.err());
    }

    @Test
    void virtualThreadsRefuseTheBuiltInSystemsWhichNameThreadsByIdOrCapability() {
        for (List<String> args : List.of(List.of("run", "--comm", "virtual-threads"), List.of("demo", "fig5", "--comm", "virtual-threads"))) {
            ImageFileTest.Cli r = ImageFileTest.kola(args.toArray(String[]::new));
            assertEquals(2, r.code(), args.toString());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains("names IPC partners by global thread id"), r.err());
        }
    }

    @Test
    void theDemoRunsUnderTheThreadIdModelsWithTheSameTrace() {
        String hash = null;
        for (String model : List.of("global-ids", "clans", "redirection", "redirectors", "pclans")) {
            ImageFileTest.Cli r = ImageFileTest.kola("demo", "ipc", "--trace-hash", "--comm", model);
            assertEquals(0, r.code(), model + ": " + r.err());
            String h = r.out().lines().filter(l -> l.startsWith("trace-hash:")).findFirst().orElseThrow();
            // No chief, policy, pclan or redirector is set: every model delivers exactly as global ids do.
            if (hash == null) {
                hash = h;
            }
            assertEquals(hash, h, model);
        }
    }

    @Test
    void theExperimentPrintsOneJsonRowPerModelAndMetric() throws Exception {
        ImageFileTest.Cli r = ImageFileTest.kola("experiment", "comm", "--json", "--messages", "20");
        assertEquals(0, r.code(), r.err());
        ObjectMapper json = new ObjectMapper();
        Set<String> seen = new HashSet<>();
        for (String line : r.out().lines().toList()) {
            JsonNode row = json.readTree(line);
            assertEquals("comm", row.get("experiment").asText());
            seen.add(row.get("model").asText() + "/" + row.get("metric").asText());
            if (row.get("metric").asText().equals("ipcs-per-message")) {
                double want = switch (row.get("model").asText()) {
                    case "clans" -> 3;
                    case "redirection", "redirectors", "pclans" -> 2;
                    default -> 1;
                };
                assertEquals(want, row.get("value").asDouble(), line);
            }
        }
        // Nine metrics per model, and two more (the monitor's IPCs and cycles) where a monitor can be interposed.
        assertEquals(7 * 9 + 6 * 2, seen.size(), r.out());
        ImageFileTest.Cli bad = ImageFileTest.kola("experiment", "space");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown experiment 'space'"), bad.err());
        ImageFileTest.Cli none = ImageFileTest.kola("experiment", "comm", "--messages", "0");
        assertEquals(2, none.code());
    }

    @Test
    void theKmemExperimentShowsTheVictimRefusedOnlyUnderThePool() throws Exception {
        ImageFileTest.Cli r = ImageFileTest.kola("experiment", "kmem", "--json");
        assertEquals(0, r.code(), r.err());
        ObjectMapper json = new ObjectMapper();
        Set<String> refused = new HashSet<>();
        for (String line : r.out().lines().toList()) {
            JsonNode row = json.readTree(line);
            assertEquals("kmem", row.get("experiment").asText());
            if (row.get("metric").asText().equals("victim-refused") && row.get("value").asInt() == 1) {
                refused.add(row.get("model").asText());
            }
        }
        assertEquals(Set.of("pool"), refused, r.out());
    }

    @Test
    void theTimeExperimentGivesItsRowsAsJsonLines() throws Exception {
        ImageFileTest.Cli r = ImageFileTest.kola("experiment", "time", "--json");
        assertEquals(0, r.code(), r.err());
        ObjectMapper json = new ObjectMapper();
        java.util.Map<String, Double> v = new java.util.HashMap<>();
        for (String line : r.out().lines().toList()) {
            JsonNode row = json.readTree(line);
            assertEquals("time", row.get("experiment").asText());
            v.put(row.get("model").asText() + " " + row.get("metric").asText(), row.get("value").asDouble());
        }
        // Three schedulers by three hostile workloads by three figures; five counter-measures by five.
        assertEquals(3 * 3 * 3 + 5 * 5, v.size(), r.out());
        assertEquals(20.0, v.get("priorities spin-deadline-misses"));
        assertEquals(0.0, v.get("domains spin-deadline-misses"));
        assertEquals(0.0, v.get("flush+pad cache-channel"));
    }

    @Test
    void anUnknownKernelMemoryModelIsOneLine() {
        ImageFileTest.Cli r = ImageFileTest.kola("demo", "ipc", "--kmem", "magic");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown kernel-memory model 'magic'"), r.err());
        ImageFileTest.Cli ok = ImageFileTest.kola("demo", "ipc", "--kmem", "quota");
        assertEquals(0, ok.code(), ok.err());
    }

    @Test
    void anImageNamesItsModelsAndABadNameIsOneLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String modules = "modules:\n  - {name: sigma0, program: Sigma0}\n  - {name: roottask, program: RootTask}\n";
        for (String bad : List.of("comm: telepathy\n", "kmem: magic\n", "comm: [capabilities]\n")) {
            java.nio.file.Path image = java.nio.file.Files.writeString(dir.resolve("bad.yaml"), bad + modules);
            ImageFileTest.Cli r = ImageFileTest.kola("run", image.toString());
            assertEquals(2, r.code(), bad);
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains(image.toString()) && r.err().contains("unknown"), r.err());
        }
        java.nio.file.Path good = java.nio.file.Files.writeString(dir.resolve("good.yaml"), "comm: capabilities\nkmem: quota\n" + modules);
        ImageFileTest.Cli r = ImageFileTest.kola("run", good.toString());
        assertEquals(0, r.code(), r.err());
    }
}
