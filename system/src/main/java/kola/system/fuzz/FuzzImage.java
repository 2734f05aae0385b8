package kola.system.fuzz;

import java.util.List;
import java.util.SplittableRandom;
import kola.system.DefaultImage;
import kola.system.Pager;
import kola.system.PingServer;
import kola.system.Sigma0;

/**
 * The boot modules of a fuzzed system (issue #6): Kola's sigma0, the fuzz root task
 * ({@link FuzzRoot}), the fuzz task program ({@link FuzzTask}), and two of Kola's own system
 * programs for the fuzz threads to talk to and be paged by: the user-level {@link Pager} and the
 * {@link PingServer}. Each address space gets a fresh program instance whose random source is the
 * next split of one {@link SplittableRandom} seeded with the plan's seed; spaces are started in
 * the same order in every run with the same seed, so they get the same seeds.
 */
public final class FuzzImage {
    /** Index of the fuzz task module in the image. */
    public static final int FUZZ_MODULE = 2;

    private FuzzImage() {
    }

    /** The modules for {@code plan}, in boot order. */
    public static List<DefaultImage.Entry> modules(FuzzPlan plan) {
        SplittableRandom seeds = new SplittableRandom(plan.seed());
        return List.of(
                new DefaultImage.Entry("sigma0", Sigma0::new, 255),
                new DefaultImage.Entry("roottask", () -> new FuzzRoot(plan, seeds.nextLong()), 255),
                new DefaultImage.Entry("fuzz", () -> new FuzzTask(plan, seeds.nextLong()), 100),
                new DefaultImage.Entry("pager", Pager::new, 200),
                new DefaultImage.Entry("ping", PingServer::new, 120));
    }
}
