package kola.cli.trace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import kola.abi.KernelLabels;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.kernel.Kernel;
import kola.kernel.KernelEvents;

/**
 * Who talked to whom: counts the messages of each (sender, receiver) pair from the TRANSFER
 * events of a run and draws them as a Graphviz digraph: one node per thread (grouped in a
 * cluster when its space has several), one edge per pair of threads that talked, labelled with
 * the message count each way and how many of those were kernel-protocol messages (page fault,
 * interrupt, sigma0 request, exception); dashed when all were. Memory: one
 * counter per pair and one entry per thread.
 */
public final class IpcGraph implements KernelEvents.Listener {
    private final TraceNames names;
    private final Set<Long> threads = new LinkedHashSet<>();
    private final Map<Pair, Edge> edges = new LinkedHashMap<>();
    private long messages;

    private record Pair(long from, long to) {
    }

    /** The messages of one pair: how many, and how many of each kernel protocol. */
    private static final class Edge {
        long messages;
        final Map<String, Long> kinds = new TreeMap<>();

        long kernelMade() {
            long sum = 0;
            for (long k : kinds.values()) {
                sum += k;
            }
            return sum;
        }

        /** {@code 5 messages (5 page faults)}. */
        String describe() {
            StringBuilder b = new StringBuilder().append(messages).append(messages == 1 ? " message" : " messages");
            List<String> parts = new ArrayList<>();
            for (var k : kinds.entrySet()) {
                long n = k.getValue();
                parts.add(n + " " + (n == 1 || k.getKey().equals("refused") ? k.getKey() : k.getKey() + "s"));
            }
            if (!parts.isEmpty()) {
                b.append(" (").append(String.join(", ", parts)).append(')');
            }
            return b.toString();
        }
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
            Edge e = edges.computeIfAbsent(new Pair(a, b), p -> new Edge());
            e.messages++;
            if (KernelLabels.isKernelLabel(MsgTag.label(c))) {
                e.kinds.merge(EventText.isPageFault(c) ? "page fault" : EventText.label(c), 1L, Long::sum);
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

    /** The number of edges drawn: pairs of threads that talked, either way. */
    public int links() {
        Set<Pair> seen = new java.util.HashSet<>();
        for (Pair p : edges.keySet()) {
            seen.add(p.from() <= p.to() ? p : new Pair(p.to(), p.from()));
        }
        return seen.size();
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
            String space = names.space(asid) + (asid >= 0 ? " (asid " + asid + ")" : "");
            boolean cluster = e.getValue().size() > 1;
            String indent = cluster ? "    " : "  ";
            if (cluster) {
                d.append("  subgraph ").append(Dot.quote("cluster_space_" + asid)).append(" {\n");
                d.append("    label=").append(Dot.quote(space)).append(";\n");
                d.append("    style=rounded;\n    color=\"#888888\";\n");
            }
            for (long t : e.getValue()) {
                String id = TraceNames.isInterrupt(t) ? names.thread(t) : ThreadId.toString(t);
                d.append(indent).append(node(t)).append(" [label=").append(Dot.quote(cluster ? id : space + "\n" + id))
                        .append("];\n");
            }
            if (cluster) {
                d.append("  }\n");
            }
        }
        Set<Pair> drawn = new java.util.HashSet<>();
        for (var e : edges.entrySet()) {
            Pair pair = e.getKey();
            if (!drawn.add(pair)) {
                continue;
            }
            Pair back = new Pair(pair.to(), pair.from());
            Edge there = e.getValue();
            Edge reply = pair.from() != pair.to() ? edges.get(back) : null;
            String label;
            long n = there.messages;
            boolean dashed = there.kernelMade() == n;
            if (reply != null) {
                drawn.add(back);
                label = ThreadId.toString(pair.from()) + " → " + ThreadId.toString(pair.to()) + ": " + there.describe()
                        + "\n" + ThreadId.toString(pair.to()) + " → " + ThreadId.toString(pair.from()) + ": " + reply.describe();
                n += reply.messages;
                dashed &= reply.kernelMade() == reply.messages;
            } else {
                label = there.describe();
            }
            double width = 1 + Math.log10(n) * 1.5;
            d.append("  ").append(node(pair.from())).append(" -> ").append(node(pair.to()))
                    .append(" [label=").append(Dot.quote(label))
                    .append(String.format(java.util.Locale.ROOT, ", penwidth=%.1f", width))
                    .append(reply != null ? ", dir=both" : "")
                    .append(dashed ? ", style=dashed" : "").append("];\n");
        }
        d.append("}\n");
        return d.toString();
    }

    private static String node(long thread) {
        return Dot.quote("t" + ThreadId.toString(thread));
    }
}
