package kola.cli.trace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import kola.abi.ThreadId;
import kola.kernel.Kernel;
import kola.kernel.KernelEvents;

/**
 * Who talked to whom: counts the messages of each (sender, receiver) pair from the TRANSFER
 * events of a run and draws them as a Graphviz digraph, threads grouped by address space, one
 * edge per pair labelled with its message count (and how many were page-fault, interrupt or
 * other kernel-protocol messages). Memory: one counter per pair and one entry per thread.
 */
public final class IpcGraph implements KernelEvents.Listener {
    private final TraceNames names;
    private final Set<Long> threads = new LinkedHashSet<>();
    private final Map<Pair, long[]> edges = new LinkedHashMap<>();
    private long messages;

    private record Pair(long from, long to) {
    }

    /** A graph that names threads with the help of {@code kernel}'s snapshots (may be null). */
    public IpcGraph(Kernel kernel) {
        this.names = new TraceNames(kernel);
    }

    @Override
    public void event(int type, long time, long a, long b, long c) {
        names.learn(type, a, b);
        if (type == KernelEvents.THREAD_CREATE) {
            threads.add(a);
        } else if (type == KernelEvents.TRANSFER) {
            threads.add(a);
            threads.add(b);
            long[] n = edges.computeIfAbsent(new Pair(a, b), p -> new long[3]);
            n[0]++;
            if (EventText.isPageFault(c)) {
                n[1]++;
            } else if (EventText.label(c).equals("interrupt")) {
                n[2]++;
            }
            messages++;
        }
    }

    /** The number of messages counted. */
    public long messages() {
        return messages;
    }

    /** The number of (sender, receiver) pairs that exchanged at least one message. */
    public int pairs() {
        return edges.size();
    }

    /** The graph in DOT, titled {@code title}. */
    public String dot(String title) {
        names.refresh();
        Map<Integer, List<Long>> bySpace = new TreeMap<>();
        for (long t : threads) {
            bySpace.computeIfAbsent(names.asidOf(t), k -> new ArrayList<>()).add(t);
        }
        StringBuilder d = new StringBuilder();
        d.append("digraph ipc {\n");
        d.append("  label=").append(Dot.quote(title)).append(";\n");
        d.append("  labelloc=t;\n  rankdir=LR;\n  fontname=\"Helvetica\";\n");
        d.append("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef3fb\", fontname=\"Helvetica\", fontsize=11];\n");
        d.append("  edge [fontname=\"Helvetica\", fontsize=10, color=\"#3465a4\"];\n");
        for (var e : bySpace.entrySet()) {
            int asid = e.getKey();
            d.append("  subgraph ").append(Dot.quote("cluster_space_" + asid)).append(" {\n");
            d.append("    label=").append(Dot.quote(names.space(asid) + (asid >= 0 ? " (asid " + asid + ")" : ""))).append(";\n");
            d.append("    style=rounded;\n    color=\"#888888\";\n");
            for (long t : e.getValue()) {
                String label = TraceNames.isInterrupt(t) ? names.thread(t) : ThreadId.toString(t);
                d.append("    ").append(node(t)).append(" [label=").append(Dot.quote(label)).append("];\n");
            }
            d.append("  }\n");
        }
        for (var e : edges.entrySet()) {
            long[] n = e.getValue();
            StringBuilder label = new StringBuilder().append(n[0]).append(n[0] == 1 ? " message" : " messages");
            List<String> kinds = new ArrayList<>();
            if (n[1] > 0) {
                kinds.add(n[1] + " page fault" + (n[1] == 1 ? "" : "s"));
            }
            if (n[2] > 0) {
                kinds.add(n[2] + " interrupt" + (n[2] == 1 ? "" : "s"));
            }
            if (!kinds.isEmpty()) {
                label.append("\n(").append(String.join(", ", kinds)).append(')');
            }
            double width = 1 + Math.log10(n[0]) * 1.5;
            d.append("  ").append(node(e.getKey().from())).append(" -> ").append(node(e.getKey().to()))
                    .append(" [label=").append(Dot.quote(label.toString()))
                    .append(String.format(java.util.Locale.ROOT, ", penwidth=%.1f", width))
                    .append(n[1] == n[0] ? ", style=dashed" : "").append("];\n");
        }
        d.append("}\n");
        return d.toString();
    }

    private static String node(long thread) {
        return Dot.quote("t" + ThreadId.toString(thread));
    }
}
