package kola.bench;

import java.io.OutputStream;
import java.util.List;
import kola.bench.ping.PingPong;
import kola.kernel.ClasspathClasses;
import kola.kernel.Image;
import kola.kernel.KernelConfig;
import kola.machine.Machine;
import kola.system.RootTask;
import kola.system.Sigma0;

/**
 * The IPC round trip with the sandbox on: sigma0, the root task, and a server and a client that
 * are both sandboxed tasks ({@link PingPong}: verified, metered, classes per space), as
 * {@code ./kola} runs every program. Sandboxed code cannot read a host clock, so the host times
 * the kernel from outside: after the client's warm-up, {@code n} round trips are {@code 2n}
 * kernel entries (the client's Call, the server's ReplyWait), and the time {@link
 * kola.kernel.Kernel#run(long)} takes for them is the figure. The client checks every reply and
 * the measurement fails if it said anything but {@code ready}.
 */
public final class SandboxedIpc {
    private final BenchSystem sys;

    /** Boots the system and runs it until the client has made its warm-up calls. */
    public SandboxedIpc() {
        Image image = new Image(List.of(
                Image.Module.ofClasses("sigma0", new ClasspathClasses(Sigma0.class), 255, List.of()),
                Image.Module.ofClasses("roottask", new ClasspathClasses(RootTask.class), 255, List.of()),
                Image.Module.ofClasses("server", new ClasspathClasses(PingPong.class), BenchSystem.PRIORITY,
                        List.of("server")),
                Image.Module.ofClasses("client", new ClasspathClasses(PingPong.class), BenchSystem.PRIORITY,
                        List.of())));
        sys = new BenchSystem("sandboxed IPC", new Machine.Config(64L << 20, 256, null, OutputStream.nullOutputStream()),
                KernelConfig.defaults().withTimeslice(BenchSystem.LONG_SLICE_MICROS), image, new BenchSystem.Probe());
        sys.runUntil(() -> sys.console().contains("client: ready"), 100L * PingPong.WARMUP_CALLS);
        check();
    }

    /** Runs {@code n} round trips; returns the host ns they took. */
    public long roundTrips(long n) {
        long start = System.nanoTime();
        sys.step(2 * n);
        long elapsed = System.nanoTime() - start;
        check();
        return elapsed;
    }

    /** Kernel entries made so far. */
    long traps() {
        return sys.traps();
    }

    private void check() {
        String console = sys.console();
        String said = console.replaceAll("(?m)^kernel: Kola,.*\\n?", "").replace("client: ready\n", "").strip();
        if (!said.isEmpty() || !console.contains("client: ready")) {
            throw sys.failure("the sandboxed ping-pong said: " + said);
        }
    }

    /**
     * A ping-pong that boots one system on first use and runs every later measurement on it. A
     * sandboxed task's classes are defined anew in each system, so a fresh system per round would
     * time the JIT compiling them again; a system that runs for long is what this figure is about.
     */
    public static SideBySide.PingPong reused() {
        SandboxedIpc[] system = new SandboxedIpc[1];
        return n -> {
            if (system[0] == null) {
                system[0] = new SandboxedIpc();
            }
            return system[0].roundTrips(n);
        };
    }
}
