package kola.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every JMH benchmark of Kola shares (JMH reads a benchmark class's annotations from its
 * superclasses too): nanoseconds per operation, one fork, three warm-up and five measured
 * iterations of a second, and the forked JVM's flags. These are {@code ./kola}'s flags that the
 * kernel's figures depend on: the export continuations need (to the class path, where JMH runs),
 * its collector and thread stack size, and {@code Cpu.schedule} kept a compiled method of its own
 * (left to the order of compilations, the JIT sometimes inlines it into the kernel loop, and every
 * round trip of that process runs about 30 ns slower; BENCHMARKS.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xss2m",
        "-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,kola.kernel.Cpu::schedule"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
abstract class KolaBenchmark {
}
