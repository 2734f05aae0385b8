package kola.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Configuration;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import kola.cli.trace.ChromeTrace;
import kola.cli.trace.JfrListener;
import kola.cli.trace.Listeners;
import kola.kernel.Kernel;
import kola.kernel.KernelEvents;
import picocli.CommandLine.Option;

/**
 * Tracing options shared by the commands that run a system ({@code run}, {@code demo}, ...):
 * {@code --trace FILE} (a Perfetto / Chrome trace, {@link ChromeTrace}) and {@code --jfr[=FILE]}
 * (JFR events, {@link JfrListener}). Without them no listener is attached and the kernel's event
 * stream costs its one null check. See docs/TRACING.md.
 */
final class TraceOptions {
    @Option(names = "--trace", paramLabel = "FILE",
            description = "Write a trace of the run (Trace Event JSON) to FILE; open it in https://ui.perfetto.dev or chrome://tracing.")
    Path trace;

    @Option(names = "--trace-limit", paramLabel = "N",
            description = "Trace at most N kernel events, then cut the trace (default: ${DEFAULT-VALUE}).")
    long traceLimit = ChromeTrace.DEFAULT_LIMIT;

    @Option(names = "--jfr", arity = "0..1", paramLabel = "FILE", fallbackValue = "",
            description = "Emit the kernel events as JFR events (category Kola): with FILE, into a recording this command starts and "
                    + "writes to FILE; without, into the JVM's recording (KOLA_JAVA_OPTS=\"-XX:StartFlightRecording=filename=run.jfr\").")
    String jfr;

    /** Attaches the listeners {@code options} (may be null) ask for to {@code kernel}. */
    static Session attach(TraceOptions options, Kernel kernel) throws IOException {
        return attach(options, kernel, null);
    }

    /** Like {@link #attach(TraceOptions, Kernel)}, with {@code watch} (may be null) listening too. */
    static Session attach(TraceOptions options, Kernel kernel, KernelEvents.Listener watch) throws IOException {
        Session s = new Session(kernel);
        List<KernelEvents.Listener> listeners = new ArrayList<>();
        if (watch != null) {
            listeners.add(watch);
        }
        try {
            if (options == null) {
                options = new TraceOptions();
            }
            if (options.trace != null) {
                s.tracePath = options.trace;
                try {
                    s.trace = ChromeTrace.toFile(options.trace, kernel, options.traceLimit);
                } catch (IOException e) {
                    throw new IOException("--trace " + options.trace + ": cannot write: " + Problems.why(e), e);
                }
                listeners.add(s.trace);
            }
            if (options.jfr != null) {
                if (!options.jfr.isEmpty()) {
                    try {
                        s.jfrPath = Path.of(options.jfr);
                    } catch (java.nio.file.InvalidPathException e) {
                        throw new IOException("--jfr " + options.jfr + ": not a path: " + e.getReason(), e);
                    }
                    s.recording = new Recording(Configuration.getConfiguration("default"));
                    s.recording.setName("kola");
                    try {
                        s.recording.setDestination(s.jfrPath);
                    } catch (IOException e) {
                        throw new IOException("--jfr " + options.jfr + ": cannot write: " + Problems.why(e), e);
                    }
                    s.recording.start();
                } else if (FlightRecorder.getFlightRecorder().getRecordings().isEmpty()) {
                    s.notes.add("jfr: no JFR recording is running, so the Kola events go nowhere: give --jfr=FILE, or run with "
                            + "KOLA_JAVA_OPTS=\"-XX:StartFlightRecording=filename=run.jfr\"");
                }
                listeners.add(new JfrListener(kernel));
            }
        } catch (IOException | ParseException | RuntimeException e) {
            s.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        if (!listeners.isEmpty()) {
            kernel.setEventListener(Listeners.all(listeners));
            s.attached = true;
        }
        return s;
    }

    /** The listeners of one run; closing it detaches them and finishes the files. */
    static final class Session implements AutoCloseable {
        private final Kernel kernel;
        private final List<String> notes = new ArrayList<>();
        private ChromeTrace trace;
        private Path tracePath;
        private Recording recording;
        private Path jfrPath;
        private boolean attached;
        private boolean closed;

        private Session(Kernel kernel) {
            this.kernel = kernel;
        }

        /** Finishes the files now and returns what to tell the user (lines, possibly none). */
        String finish() throws IOException {
            close();
            StringBuilder b = new StringBuilder();
            for (String note : notes) {
                b.append(note).append(System.lineSeparator());
            }
            if (trace != null) {
                long[] n = trace.counts();
                b.append(String.format("trace: %s: %d slices, %d IPC flows, %d instants%s; open it in https://ui.perfetto.dev%n",
                        tracePath, n[0], n[1], n[2], trace.truncated() ? " (cut at the --trace-limit)" : ""));
            }
            if (jfrPath != null) {
                b.append(String.format("jfr: %s; open it in JDK Mission Control, or: jfr print --categories Kola %s%n",
                        jfrPath, jfrPath));
            }
            return b.toString();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (attached) {
                kernel.setEventListener(null);
            }
            try {
                if (trace != null) {
                    trace.close();
                }
            } catch (IOException e) {
                throw new IOException("--trace " + tracePath + ": cannot finish: " + Problems.why(e), e);
            } finally {
                if (recording != null) {
                    if (recording.getState() == jdk.jfr.RecordingState.RUNNING) {
                        recording.stop(); // writes the file
                    }
                    recording.close();
                }
            }
        }
    }
}
