package kola.abi;

import com.code_intelligence.jazzer.agent.AgentInstaller;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.driver.FuzzedDataProviderImpl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a fuzz test's property over many random inputs drawn from a fixed seed: the same cases in
 * every build, more of them than the stored inputs a {@code @FuzzTest} replays. Each case is a
 * random byte array read through Jazzer's own {@link FuzzedDataProvider}, exactly as the fuzzer
 * reads its inputs, so a failing case is written to {@code target/failing-inputs/} and can be kept
 * as a regression input by copying it into the fuzz test's {@code Inputs} directory.
 *
 * <p>These runs belong to the regression build: in a coverage-guided run ({@code JAZZER_FUZZ} set)
 * they are skipped, so that nothing but the fuzz test installs Jazzer's agent.
 */
final class RandomInputs {
    @FunctionalInterface
    interface Property {
        void check(FuzzedDataProvider data) throws Exception;
    }

    private RandomInputs() {
    }

    /** Checks {@code property} on {@code cases} random inputs of up to {@code maxBytes} bytes from {@code seed}. */
    static void check(String name, long seed, int cases, int maxBytes, Property property) throws Exception {
        check(name, seed, cases, 0, maxBytes, property);
    }

    /** Checks {@code property} on {@code cases} random inputs of {@code minBytes} to {@code maxBytes} bytes from {@code seed}. */
    static void check(String name, long seed, int cases, int minBytes, int maxBytes, Property property) throws Exception {
        String fuzzing = System.getenv("JAZZER_FUZZ");
        Assumptions.assumeTrue(fuzzing == null || fuzzing.isEmpty() || fuzzing.equals("0"),
                "seeded random inputs are for regression runs, not for fuzzing");
        // Jazzer's data provider lives partly on the boot class path, which its installer sets up
        // (without instrumenting anything), as a @FuzzTest's first run does.
        AgentInstaller.install(false);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < cases; i++) {
            byte[] input = new byte[random.nextInt(minBytes, maxBytes + 1)];
            random.nextBytes(input);
            try (FuzzedDataProviderImpl data = FuzzedDataProviderImpl.withJavaData(input)) {
                property.check(data);
            } catch (Exception | AssertionError e) {
                throw new AssertionError("case " + i + " of seed " + seed + " failed; its input is in "
                        + save(name, i, input), e);
            }
        }
    }

    private static Path save(String name, int i, byte[] input) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "failing-inputs"));
            return Files.write(dir.resolve(name + "-case-" + i), input).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
