package kola.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code kola bench}: side-by-side benchmarks in one process. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run side-by-side benchmarks.")
final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
