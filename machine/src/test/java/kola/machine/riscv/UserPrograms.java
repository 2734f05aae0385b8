package kola.machine.riscv;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Builds the RISC-V programs of {@code user/} ({@code make -C user}) for the tests that run them,
 * once per test JVM, when the cross compiler is installed; without it, a missing compiler fails
 * the build only if {@code KOLA_REQUIRE_RISCV=1} (as {@code .ci/run} sets it).
 */
final class UserPrograms {
    static final Path USER = Path.of("..", "user");
    private static Boolean built;

    private UserPrograms() {
    }

    /** Builds them if it can; whether {@code user/build} is there to use. */
    static synchronized boolean build() {
        if (built != null) {
            return built;
        }
        String path = System.getenv("PATH");
        boolean compiler = path != null && Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "riscv64-unknown-elf-gcc")));
        if (!compiler) {
            if ("1".equals(System.getenv("KOLA_REQUIRE_RISCV"))) {
                throw new AssertionError("KOLA_REQUIRE_RISCV=1 but riscv64-unknown-elf-gcc is not installed");
            }
            return built = Files.isDirectory(USER.resolve("build"));
        }
        try {
            Process make = new ProcessBuilder("make", "-s", "-C", USER.toString(), "-j2").redirectErrorStream(true).start();
            String out = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!make.waitFor(5, TimeUnit.MINUTES) || make.exitValue() != 0) {
                throw new AssertionError("make -C user failed:\n" + out);
            }
        } catch (java.io.IOException e) {
            throw new AssertionError("make -C user: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("make -C user interrupted", e);
        }
        return built = true;
    }
}
