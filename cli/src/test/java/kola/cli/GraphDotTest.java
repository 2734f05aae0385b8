package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kola.cli.trace.Dot;
import kola.cli.trace.IpcGraph;
import kola.cli.trace.MappingGraph;
import kola.kernel.Kernel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The Graphviz pictures: DOT that parses, with the mappings and messages of the run. */
class GraphDotTest {
    private static final String ID = "\"(?:[^\"\\\\]|\\\\.)*\"";
    private static final Pattern NODE = Pattern.compile("^\\s*(" + ID + ")\\s*\\[");
    private static final Pattern EDGE = Pattern.compile("^\\s*(" + ID + ")\\s*->\\s*(" + ID + ")");

    /** What a DOT text declares: nodes and edges (as "from -> to" of quoted ids). */
    record Parsed(Set<String> nodes, List<String> edges) {
    }

    /** Checks the DOT is well formed (one digraph, balanced braces and quotes, edges between declared nodes). */
    static Parsed parse(String dot) {
        assertTrue(dot.startsWith("digraph "), dot);
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < dot.length(); i++) {
            char c = dot.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                assertTrue(depth >= 0, "unbalanced } at " + i);
            }
        }
        assertFalse(quoted, "unterminated string");
        assertEquals(0, depth, "unbalanced braces");
        assertTrue(dot.strip().endsWith("}"));
        Set<String> nodes = new HashSet<>();
        List<String> edges = new java.util.ArrayList<>();
        for (String line : dot.split("\n")) {
            Matcher e = EDGE.matcher(line);
            if (e.find()) {
                edges.add(e.group(1) + " -> " + e.group(2));
                continue;
            }
            Matcher n = NODE.matcher(line);
            if (n.find()) {
                nodes.add(n.group(1));
            }
        }
        for (String edge : edges) {
            String[] ends = edge.split(" -> ");
            assertTrue(nodes.contains(ends[0]) && nodes.contains(ends[1]), "undeclared node in " + edge);
        }
        return new Parsed(nodes, edges);
    }

    @Test
    void fig1MappingsAtStep3ShowTheDerivationTree() {
        Kernel kernel = TraceExportTest.kernel("fig1", TraceExportTest.nowhere());
        GraphCommand.Snapshot snapshot = new GraphCommand.Snapshot(3);
        kernel.setEventListener(snapshot.listenerFor(kernel));
        kernel.run();
        String dot = MappingGraph.dot(snapshot.mappings, snapshot.spaces, -1, "fig1 step 3");
        Parsed p = parse(dot);
        // sigma0 → A and B; A → C (map) and A → B (D's grant moved the node, still derived from A)
        assertTrue(p.edges().contains("\"m1_1001000\" -> \"m3_10000\""), dot);
        assertTrue(p.edges().contains("\"m1_1001000\" -> \"m4_20000\""), dot);
        assertTrue(p.edges().contains("\"m3_10000\" -> \"m5_30000\""), dot);
        assertTrue(p.edges().contains("\"m3_10000\" -> \"m4_50000\""), dot);
        assertTrue(p.edges().contains("\"f1001\" -> \"m1_1001000\""), dot);
        assertEquals(5, p.edges().size(), dot);
        assertTrue(dot.contains("label=\"C (asid 5)\""), dot);
        assertTrue(dot.contains("rw-"), dot);
    }

    @Test
    void theMappingsOfOneFrameAtTheEnd() {
        Kernel kernel = TraceExportTest.kernel("fig1", TraceExportTest.nowhere());
        kernel.run();
        Parsed all = parse(MappingGraph.dot(kernel.mappings(), kernel.spaces(), -1, "end"));
        // after step 5 only sigma0's two pages and B's page from sigma0 remain (frames 0x1001 and
        // 0x1002: sigma0's any-pages start above the boot information's page at 0x1000)
        assertEquals(List.of("\"f1001\" -> \"m1_1001000\"", "\"m1_1001000\" -> \"m4_20000\""), all.edges());
        Parsed one = parse(MappingGraph.dot(kernel.mappings(), kernel.spaces(), 0x1002, "frame"));
        assertTrue(one.edges().contains("\"f1002\" -> \"m1_1002000\""), one.toString());
        assertTrue(one.edges().contains("\"m1_1002000\" -> \"m4_20000\""), one.toString());
        Parsed none = parse(MappingGraph.dot(kernel.mappings(), kernel.spaces(), 0x7777, "unmapped"));
        assertTrue(none.edges().isEmpty());
        assertTrue(none.nodes().contains("\"f7777\""));
    }

    /**
     * A page whose memory attribute is not the default (MemoryControl) shows it after its rights,
     * and a change of attribute ends a run of pages; default pages are labelled as before.
     */
    @Test
    void aPagesMemoryAttributeIsShownWhenItIsNotTheDefaultAndEndsARun() {
        List<Kernel.SpaceInfo> spaces = List.of(new Kernel.SpaceInfo(1, "sigma0", 1, true, 0),
                new Kernel.SpaceInfo(3, "root", 1, true, 0));
        List<Kernel.Mapping> mappings = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long va = 0x300_0000L + i * 0x1000L;
            int attribute = i < 2 ? (int) kola.abi.MemoryControl.NONCACHEABLE : i == 2 ? (int) kola.abi.MemoryControl.IO : 0;
            mappings.add(new Kernel.Mapping(1, "sigma0", va, va >>> 12, kola.abi.Fpage.RWX, -1, "", -1));
            mappings.add(new Kernel.Mapping(3, "root", va, va >>> 12, kola.abi.Fpage.RWX, 1, "sigma0", va, attribute));
        }
        String dot = MappingGraph.dot(mappings, spaces, -1, "attributes");
        Parsed p = parse(dot);
        assertEquals(List.of("\"f3000\" -> \"m1_3000000\"", "\"m1_3000000\" -> \"m3_3000000\"",
                "\"m1_3000000\" -> \"m3_3002000\"", "\"m1_3000000\" -> \"m3_3003000\""), p.edges());
        assertTrue(dot.contains("frames 0x3000-0x3001\\nrwx NC\""), dot);
        assertTrue(dot.contains("frame 0x3002\\nrwx IO\""), dot);
        assertTrue(dot.contains("frame 0x3003\\nrwx\""), dot);
        assertTrue(dot.contains("frames 0x3000-0x3003\\nrwx\""), dot); // sigma0's own run: one node, as before
    }

    @Test
    void ipcGraphCountsMessagesPerPair() {
        Kernel kernel = TraceExportTest.kernel("fig5", TraceExportTest.nowhere());
        IpcGraph graph = new IpcGraph(kernel);
        kernel.setEventListener(graph);
        kernel.run();
        String dot = graph.dot("fig5");
        Parsed p = parse(dot);
        assertEquals(graph.links(), p.edges().size());
        assertTrue(graph.pairs() > graph.links());
        assertEquals(34, graph.messages()); // (the last two: the client's exit to the root task, and its answer)
        // client → pager2: its page faults, and the replies that resolved them
        assertTrue(p.edges().contains("\"t45.1\" -> \"t44.1\""), dot);
        assertTrue(dot.contains("45.1 → 44.1: 5 messages (5 page faults)\\n44.1 → 45.1: 5 messages"), dot);
        assertTrue(dot.contains("label=\"client (asid 5)\\n45.1\""), dot);
        long total = 0;
        Matcher m = Pattern.compile("(\\d+) messages?").matcher(dot.substring(dot.indexOf('\n')));
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        assertEquals(34, total);
    }

    @Test
    void graphCommandWritesDotAndSvgWhenDotIsInstalled(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("fig1-mappings.dot");
        PrintStream saved = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            code = new CommandLine(new Main()).execute("graph", "mappings", "--demo", "fig1", "--at-kdb", "3", "-o", out.toString());
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code, printed.toString(StandardCharsets.UTF_8));
        parse(Files.readString(out));
        Path svg = dir.resolve("fig1-mappings.svg");
        assertEquals(Dot.executable().isPresent(), Files.exists(svg));
        Assumptions.assumeTrue(Dot.executable().isPresent(), "dot (Graphviz) is not installed");
        String text = Files.readString(svg);
        assertTrue(text.contains("<svg"), text);
        assertTrue(text.contains("sigma0 (asid 1)"), text);
    }

    @Test
    void dotRendersTheIpcGraphWhenInstalled(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Dot.executable().isPresent(), "dot (Graphviz) is not installed");
        Kernel kernel = TraceExportTest.kernel("fig1", TraceExportTest.nowhere());
        IpcGraph graph = new IpcGraph(kernel);
        kernel.setEventListener(graph);
        kernel.run();
        Path dot = dir.resolve("ipc.dot");
        Files.writeString(dot, graph.dot("fig1"));
        assertTrue(Dot.renderSvg(dot, dir.resolve("ipc.svg")));
        assertTrue(Files.readString(dir.resolve("ipc.svg")).contains("<svg"));
    }

    @Test
    void quotingEscapes() {
        assertEquals("\"a\\\"b\\\\c\\nd\"", Dot.quote("a\"b\\c\nd"));
    }
}
