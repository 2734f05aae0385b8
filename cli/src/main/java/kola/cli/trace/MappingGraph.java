package kola.cli.trace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kola.kernel.Kernel;

/**
 * The mapping database as a Graphviz digraph (paper section 2, figure 1; DESIGN.md, "Memory"):
 * one cluster per address space holding its mappings, an edge from each mapping to the mappings
 * derived from it (map or grant), labelled with the rights the child has, and an edge from
 * physical memory to each root (sigma0's own mappings). Consecutive pages of consecutive frames
 * with the same rights, memory attribute and parent run are drawn as one node, as in {@link
 * kola.kernel.MappingDump}, so that large mappings stay readable; a node whose pages have a memory
 * attribute other than the default (MemoryControl) shows it after the rights ({@code NC}, {@code IO}).
 */
public final class MappingGraph {
    private MappingGraph() {
    }

    /** One node: a run of pages in one space. */
    private record Run(String id, List<Kernel.Mapping> all) {
        Kernel.Mapping first() {
            return all.get(0);
        }

        Kernel.Mapping last() {
            return all.get(all.size() - 1);
        }

        int pages() {
            return all.size();
        }
    }

    /**
     * The DOT of {@code mappings} ({@link Kernel#mappings()}) of {@code spaces}, titled
     * {@code title}; with {@code frame} ≥ 0 only the mappings of that frame (its whole tree).
     */
    public static String dot(List<Kernel.Mapping> mappings, List<Kernel.SpaceInfo> spaces, long frame, String title) {
        List<Kernel.Mapping> shown = frame < 0 ? mappings : mappings.stream().filter(m -> m.pfn() == frame).toList();
        Map<Integer, List<Run>> runs = new HashMap<>();
        Map<String, String> pageToNode = new HashMap<>();
        Map<Integer, List<Kernel.Mapping>> bySpace = new HashMap<>();
        for (Kernel.Mapping m : shown) {
            bySpace.computeIfAbsent(m.asid(), k -> new ArrayList<>()).add(m);
        }
        for (Kernel.SpaceInfo s : spaces) {
            List<Kernel.Mapping> mine = bySpace.getOrDefault(s.asid(), List.of());
            List<Run> out = new ArrayList<>();
            int i = 0;
            while (i < mine.size()) {
                int j = i + 1;
                while (frame < 0 && j < mine.size() && continues(mine.get(j - 1), mine.get(j))) {
                    j++;
                }
                Run r = new Run("m" + s.asid() + "_" + Long.toHexString(mine.get(i).va()), mine.subList(i, j));
                for (int k = i; k < j; k++) {
                    pageToNode.put(key(s.asid(), mine.get(k).va()), r.id());
                }
                out.add(r);
                i = j;
            }
            runs.put(s.asid(), out);
        }
        StringBuilder d = new StringBuilder();
        d.append("digraph mappings {\n");
        d.append("  label=").append(Dot.quote(title)).append(";\n");
        d.append("  labelloc=t;\n  rankdir=LR;\n  fontname=\"Helvetica\";\n");
        d.append("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#fdf6e3\", fontname=\"Helvetica\", fontsize=10];\n");
        d.append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
        Set<String> frames = new LinkedHashSet<>();
        List<String> edges = new ArrayList<>();
        for (Kernel.SpaceInfo s : spaces) {
            List<Run> mine = runs.get(s.asid());
            if (mine.isEmpty() && frame >= 0) {
                continue;
            }
            d.append("  subgraph ").append(Dot.quote("cluster_space_" + s.asid())).append(" {\n");
            d.append("    label=").append(Dot.quote(s.name() + " (asid " + s.asid() + ")")).append(";\n");
            d.append("    style=rounded;\n    color=\"#888888\";\n");
            if (mine.isEmpty()) {
                d.append("    ").append(Dot.quote("empty_" + s.asid()))
                        .append(" [label=\"no mappings\", shape=plaintext, style=\"\"];\n");
            }
            for (Run r : mine) {
                d.append("    ").append(Dot.quote(r.id())).append(" [label=").append(Dot.quote(label(r))).append("];\n");
                Kernel.Mapping m = r.first();
                if (m.parentAsid() < 0) {
                    String f = "f" + Long.toHexString(m.pfn());
                    frames.add(f + "\t" + frames(r));
                    edges.add(Dot.quote(f) + " -> " + Dot.quote(r.id()) + " [style=dashed, label=" + Dot.quote(rights(m)) + "]");
                } else {
                    Set<String> parents = new LinkedHashSet<>();
                    for (Kernel.Mapping p : r.all()) {
                        String parent = pageToNode.get(key(p.parentAsid(), p.parentVa()));
                        parents.add(parent != null ? parent : "missing_" + p.parentAsid() + "_" + Long.toHexString(p.parentVa()));
                    }
                    for (String parent : parents) {
                        edges.add(Dot.quote(parent) + " -> " + Dot.quote(r.id()) + " [label=" + Dot.quote(rights(m)) + "]");
                    }
                }
            }
            d.append("  }\n");
        }
        if (!frames.isEmpty() || frame >= 0) {
            d.append("  subgraph \"cluster_physical\" {\n    label=\"physical memory\";\n    style=dashed;\n    color=\"#888888\";\n");
            if (frames.isEmpty()) {
                d.append("    ").append(Dot.quote("f" + Long.toHexString(frame))).append(" [label=")
                        .append(Dot.quote("frame 0x" + Long.toHexString(frame) + "\n(not mapped)"))
                        .append(", shape=box3d, fillcolor=\"#e8e8e8\"];\n");
            }
            for (String f : frames) {
                String[] parts = f.split("\t");
                d.append("    ").append(Dot.quote(parts[0])).append(" [label=").append(Dot.quote(parts[1]))
                        .append(", shape=box3d, fillcolor=\"#e8e8e8\"];\n");
            }
            d.append("  }\n");
        }
        for (String e : edges) {
            if (e.startsWith("\"missing_")) {
                String id = e.substring(0, e.indexOf(" -> "));
                d.append("  ").append(id).append(" [label=\"(parent not shown)\", shape=plaintext, style=\"\"];\n");
            }
        }
        for (String e : edges) {
            d.append("  ").append(e).append(";\n");
        }
        d.append("}\n");
        return d.toString();
    }

    private static String key(int asid, long va) {
        return asid + ":" + va;
    }

    private static String rights(Kernel.Mapping m) {
        return EventText.rights(m.rights());
    }

    private static String label(Run r) {
        Kernel.Mapping m = r.first();
        String va = r.pages() == 1 ? EventText.hex(m.va())
                : EventText.hex(m.va()) + "-" + EventText.hex(r.last().va() + 0xFFF) + " (" + r.pages() + " pages)";
        return va + "\n" + frames(r) + "\n" + rights(m) + (m.attributeName().isEmpty() ? "" : " " + m.attributeName());
    }

    private static String frames(Run r) {
        return r.pages() == 1 ? "frame " + EventText.hex(r.first().pfn())
                : "frames " + EventText.hex(r.first().pfn()) + "-" + EventText.hex(r.last().pfn());
    }

    private static boolean continues(Kernel.Mapping a, Kernel.Mapping b) {
        return b.va() == a.va() + 4096 && b.pfn() == a.pfn() + 1 && b.rights() == a.rights() && b.attribute() == a.attribute()
                && b.parentAsid() == a.parentAsid() && (a.parentAsid() < 0 || b.parentVa() == a.parentVa() + 4096);
    }
}
