package kola.machine.riscv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compiled blocks change nothing: every program of {@code user/build/isa} and the start of every
 * one of {@code user/build/bench} (when built) runs in
 * lock step with and without block compilation, in slices of several sizes, and every stop shows
 * the same cause, pc, instret, registers, tval and simulated time.
 */
class HartBlockTest {

    static List<Path> programs() throws IOException {
        List<Path> out = new ArrayList<>();
        UserPrograms.build();
        for (String d : new String[] {"isa", "bench"}) {
            Path dir = Path.of("..", "user", "build", d);
            if (Files.isDirectory(dir)) {
                try (var s = Files.list(dir)) {
                    s.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().contains(".")).sorted().forEach(out::add);
                }
            }
        }
        if (out.isEmpty()) {
            out.add(null);
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("programs")
    void compiledAndInterpretedAgree(Path program) throws IOException {
        Assumptions.assumeTrue(program != null, "user/build/isa not built");
        byte[] file = Files.readAllBytes(program);
        for (long slice : new long[] {1, 3, 7, 64, 1000, 100_000}) {
            RiscvSystem a = new RiscvSystem();
            RiscvSystem b = new RiscvSystem();
            b.hart.compileBlocks = false;
            HartState sa = a.load(file);
            HartState sb = b.load(file);
            // The benchmarks run for a billion instructions: their first few million will do.
            long limit = slice < 64 ? 200_000 : 3_000_000;
            for (int round = 0; round < 1_000_000 && sa.instret < limit; round++) {
                int ca = a.run(sa, slice);
                int cb = b.run(sb, slice);
                String where = program.getFileName() + " slice " + slice + " round " + round;
                assertEquals(cb, ca, where);
                assertEquals(sb.pc, sa.pc, where);
                assertEquals(sb.instret, sa.instret, where);
                assertArrayEquals(sb.x, sa.x, where);
                assertEquals(b.hart.tval(), a.hart.tval(), where);
                assertEquals(b.clock.now(), a.clock.now(), where);
                if (ca == Cause.BUDGET) {
                    continue;
                }
                if (ca != Cause.ECALL || sa.x[Asm.A7] == RiscvSystem.SYS_EXIT) {
                    break;
                }
                if (sa.x[Asm.A7] == RiscvSystem.SYS_WRITE) {
                    sa.x[Asm.A0] = sa.x[Asm.A2];
                    sb.x[Asm.A0] = sb.x[Asm.A2];
                } else {
                    sa.x[Asm.A0] = -38;
                    sb.x[Asm.A0] = -38;
                }
                sa.pc += 4;
                sb.pc += 4;
            }
        }
    }
}
