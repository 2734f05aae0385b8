package kola.bench;

/** Checks the JMH benchmarks make at the end of a trial, so that a broken system cannot pass as fast. */
final class JmhChecks {
    private JmhChecks() {
    }

    /**
     * Throws unless {@code actual} lies within {@code slack} of {@code expected} (the operations a
     * session completed against those its invocations asked for; the slack covers the operation
     * in flight at the start).
     */
    static void near(String what, long actual, long expected, long slack) {
        if (Math.abs(actual - expected) > slack) {
            throw new IllegalStateException(what + ": " + actual + " completed, " + expected + " asked for");
        }
    }
}
