package kola.system.fuzz;

import java.util.List;
import java.util.SplittableRandom;
import kola.abi.Program;
import kola.system.DefaultImage;
import kola.system.Pager;
import kola.system.PingServer;
import kola.system.Sigma0;

/**
 * The boot modules of a fuzzed system (issue #6): Kola's sigma0, the fuzz root task
 * ({@link FuzzRoot}), the fuzz task program ({@link FuzzTask}), two of Kola's own system
 * programs for the fuzz threads to talk to and be paged by: the user-level {@link Pager} and the
 * {@link PingServer}, and a fragile program whose constructor throws from its second instance on
 * (the kernel constructs programs inside ThreadControl). Each address space gets a fresh program
 * instance whose random source is the next split of one {@link SplittableRandom} seeded with the
 * plan's seed; spaces are started in the same order in every run with the same seed, so they get
 * the same seeds.
 */
public final class FuzzImage {
    /** Index of the fuzz task module in the image. */
    public static final int FUZZ_MODULE = 2;
    /** Name of the module whose constructor throws from its second instance on. */
    public static final String FRAGILE = "fragile";

    private FuzzImage() {
    }

    /** The modules for {@code plan}, in boot order, with checks nobody counts. */
    public static List<DefaultImage.Entry> modules(FuzzPlan plan) {
        return modules(plan, FuzzChecks.IGNORED);
    }

    /** The modules for {@code plan}, in boot order; the fuzz programs report failed checks to {@code checks}. */
    public static List<DefaultImage.Entry> modules(FuzzPlan plan, FuzzChecks checks) {
        SplittableRandom seeds = new SplittableRandom(plan.seed());
        int[] fragile = new int[1];
        return List.of(
                new DefaultImage.Entry("sigma0", Sigma0::new, 255),
                new DefaultImage.Entry("roottask", () -> new FuzzRoot(plan, seeds.nextLong(), checks), 255),
                new DefaultImage.Entry("fuzz", () -> new FuzzTask(plan, seeds.nextLong(), checks), 100),
                new DefaultImage.Entry("pager", Pager::new, 200),
                new DefaultImage.Entry("ping", PingServer::new, 120),
                new DefaultImage.Entry(FRAGILE, () -> fragile(++fragile[0]), 100));
    }

    /** The fragile program: its first instance idles in receives, every later construction throws. */
    private static Program fragile(int instance) {
        if (instance > 1) {
            throw new IllegalStateException("fuzz: the fragile program's constructor throws (instance " + instance + ")");
        }
        return l4 -> {
            while (true) {
                l4.ipc(kola.abi.ThreadId.NIL, kola.abi.ThreadId.ANY,
                        kola.abi.Timeout.pair(kola.abi.Timeout.NEVER, kola.abi.Timeout.relative(1000)));
            }
        };
    }
}
