package kola.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import kola.kernel.CommExperiment;
import kola.kernel.KmemExperiment;
import kola.kernel.TimeExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kola experiment comm}: the paper's comparisons, measured (docs/EXPERIMENTS.md). */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Runs one of the paper's experiments under every model and prints a table (or JSON lines).%n"
                + "  comm   communication control (paper section 4.1): IPCs and cycles per message across a%n"
                + "         protection boundary, threads found by scanning, Shapiro's silent client, a covert channel%n"
                + "         through the thread-id space, a monitor interposed without the client's knowledge%n"
                + "  kmem   kernel memory (paper section 4.2): a hog's denial of service, and who pays for a%n"
                + "         server's maps into a client, under each model%n"
                + "  time   temporal partitioning (paper section 3.1): a periodic task's deadline misses, worst%n"
                + "         latency and jitter beside a hostile partition under priorities, budgets and domains;%n"
                + "         cache, TLB and switch-timing covert channels between domains, and the cost of each%n"
                + "         counter-measure (flush, partition, pad)")
final class ExperimentCommand implements Callable<Integer> {
    @Parameters(paramLabel = "EXPERIMENT", description = "comm, kmem or time")
    String experiment;

    @Option(names = "--json", description = "JSON lines: {\"experiment\":...,\"model\":...,\"metric\":...,\"value\":...,\"unit\":...}")
    boolean json;

    @Option(names = "--messages", paramLabel = "N", description = "Client messages per model (default 2000).")
    int messages = 2000;

    @Override
    public Integer call() {
        if (!experiment.equals("comm") && !experiment.equals("kmem") && !experiment.equals("time")) {
            System.err.println("kola experiment: unknown experiment '" + experiment + "' (one of: comm, kmem, time)");
            return 2;
        }
        if (messages < 1 || messages > 1_000_000) {
            System.err.println("kola experiment: --messages " + messages + ": must be 1..1000000");
            return 2;
        }
        List<CommExperiment.Row> rows = switch (experiment) {
            case "comm" -> CommExperiment.run(messages);
            case "kmem" -> KmemExperiment.run();
            default -> TimeExperiment.run();
        };
        if (json) {
            for (CommExperiment.Row r : rows) {
                System.out.printf(Locale.ROOT, "{\"experiment\":\"%s\",\"model\":\"%s\",\"metric\":\"%s\",\"value\":%s,\"unit\":\"%s\"}%n",
                        experiment, r.model(), r.metric(), format(r.value()), r.unit());
            }
            return 0;
        }
        List<String> metrics = rows.stream().map(CommExperiment.Row::metric).distinct().toList();
        List<String> models = rows.stream().map(CommExperiment.Row::model).distinct().toList();
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-16s", "model"));
        for (String m : metrics) {
            head.append(String.format(Locale.ROOT, " %" + width(m) + "s", m));
        }
        System.out.println(head);
        for (String model : models) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-16s", model));
            for (String m : metrics) {
                double v = rows.stream().filter(r -> r.model().equals(model) && r.metric().equals(m))
                        .mapToDouble(CommExperiment.Row::value).findFirst().orElse(Double.NaN);
                line.append(String.format(Locale.ROOT, " %" + width(m) + "s", format(v)));
            }
            System.out.println(line);
        }
        return 0;
    }

    /** A column's width: 32, or for the many narrow columns of {@code time} the metric's name. */
    private int width(String metric) {
        return experiment.equals("time") ? Math.max(6, metric.length()) : 32;
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
