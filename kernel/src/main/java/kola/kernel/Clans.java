package kola.kernel;

/**
 * Communication model {@code clans}: clans &amp; chiefs (Liedtke; paper section 4.1). Every space
 * has a chief, fixed before it runs (CommControl {@code CHIEF}); the spaces with the same chief
 * are a clan (spaces without one form the outermost clan). IPC within a clan, and from a chief
 * into its own clan, is direct. IPC that crosses a clan boundary goes one boundary at a time: to
 * the chief of the clan nested in the sender's clan that contains the destination if there is
 * one, else out to the sender's own chief. Each chief sees the original sender and the intended
 * receiver and, as the paper allows, may forward as the sender when sender and destination lie
 * on different sides of a boundary it heads. In general a message takes at least three IPCs:
 * sender, its chief, the destination's chief, destination.
 */
final class Clans extends ThreadIdModel {
    Clans(ThreadTable threads) {
        super(threads);
    }

    @Override
    boolean control(Tcb sender, Tcb dest, Route out) {
        Space a = sender.space;
        Space z = dest.space;
        for (long i = 0, n = chainBound(); i < n && z != null; i++) {
            Space c = z.chief;
            if (c == a || c == a.chief) {
                // z is in the sender's clan, or in the clan it heads: deliver if z is the
                // destination, else cross into the clan z heads through z's chief thread.
                return z == dest.space ? out.deliver(dest, sender.id) : via(z.chiefThread, sender, dest, out);
            }
            z = c;
        }
        return a.chief != null && via(a.chief.chiefThread, sender, dest, out);
    }

    @Override
    boolean onPath(Tcb actual, Tcb virtual, Tcb dest) {
        Space chief = actual.space;
        long bound = chainBound();
        return virtual.space.chief != dest.space.chief && (heads(chief, virtual.space, bound) || heads(chief, dest.space, bound));
    }

    /** Whether {@code chief} is a chief above {@code s}, looking at most {@code bound} chiefs up. */
    static boolean heads(Space chief, Space s, long bound) {
        Space c = s.chief;
        for (long i = 0; i < bound && c != null; i++, c = c.chief) {
            if (c == chief) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String name() {
        return "clans";
    }
}
