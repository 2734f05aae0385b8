package kola.bench;

import java.util.SplittableRandom;
import java.util.function.LongUnaryOperator;

/**
 * A probe of the host's state for code that leans on branch prediction, timed beside the IPC
 * round trips ({@code host-branch-probe} in {@code kola bench ipc}): 128 small functions, each a
 * class of its own, called through one interface in a fixed order of {@value #ORDER_LENGTH}, so
 * that every call is an indirect call to one of 128 targets whose sequence the predictors learn,
 * and a quarter of them branch on the value as well.
 *
 * <p>Some hosts run in two states that alternate over seconds to minutes: in one, code like this
 * and like the JDK's continuation switches runs about a quarter slower than in the other (Kola's
 * kernel path more), while arithmetic and loads from the first-level cache run at the same speed
 * (BENCHMARKS.md). The probe's rounds say which state the rounds of the rows beside them met; it
 * involves no kernel and has no target.
 */
final class BranchProbe {
    /** Length of the fixed order of calls, repeated. */
    static final int ORDER_LENGTH = 4096;
    /** The seed of the order. */
    private static final long SEED = 0x4b6f6c61L;

    private static final LongUnaryOperator[] FUNCTIONS = {
        x -> x + 3, x -> x ^ (x >>> 2), x -> x * 7 + 193, x -> (x & 8) == 0 ? x + 11 : x - 197,
        x -> x + 13, x -> x ^ (x >>> 6), x -> x * 19 + 223, x -> (x & 128) == 0 ? x + 23 : x - 227,
        x -> x + 29, x -> x ^ (x >>> 10), x -> x * 37 + 239, x -> (x & 2048) == 0 ? x + 41 : x - 241,
        x -> x + 43, x -> x ^ (x >>> 14), x -> x * 53 + 263, x -> (x & 8) == 0 ? x + 59 : x - 269,
        x -> x + 61, x -> x ^ (x >>> 18), x -> x * 71 + 281, x -> (x & 128) == 0 ? x + 73 : x - 283,
        x -> x + 79, x -> x ^ (x >>> 22), x -> x * 89 + 311, x -> (x & 2048) == 0 ? x + 97 : x - 313,
        x -> x + 101, x -> x ^ (x >>> 26), x -> x * 107 + 337, x -> (x & 8) == 0 ? x + 109 : x - 347,
        x -> x + 113, x -> x ^ (x >>> 30), x -> x * 131 + 359, x -> (x & 128) == 0 ? x + 137 : x - 367,
        x -> x + 139, x -> x ^ (x >>> 3), x -> x * 151 + 383, x -> (x & 2048) == 0 ? x + 157 : x - 389,
        x -> x + 163, x -> x ^ (x >>> 7), x -> x * 173 + 409, x -> (x & 8) == 0 ? x + 179 : x - 419,
        x -> x + 181, x -> x ^ (x >>> 11), x -> x * 193 + 433, x -> (x & 128) == 0 ? x + 197 : x - 439,
        x -> x + 199, x -> x ^ (x >>> 15), x -> x * 223 + 457, x -> (x & 2048) == 0 ? x + 227 : x - 461,
        x -> x + 229, x -> x ^ (x >>> 19), x -> x * 239 + 479, x -> (x & 8) == 0 ? x + 241 : x - 487,
        x -> x + 251, x -> x ^ (x >>> 23), x -> x * 263 + 503, x -> (x & 128) == 0 ? x + 269 : x - 509,
        x -> x + 271, x -> x ^ (x >>> 27), x -> x * 281 + 541, x -> (x & 2048) == 0 ? x + 283 : x - 547,
        x -> x + 293, x -> x ^ (x >>> 31), x -> x * 311 + 569, x -> (x & 8) == 0 ? x + 313 : x - 571,
        x -> x + 317, x -> x ^ (x >>> 4), x -> x * 337 + 593, x -> (x & 128) == 0 ? x + 347 : x - 599,
        x -> x + 349, x -> x ^ (x >>> 8), x -> x * 359 + 613, x -> (x & 2048) == 0 ? x + 367 : x - 617,
        x -> x + 373, x -> x ^ (x >>> 12), x -> x * 383 + 641, x -> (x & 8) == 0 ? x + 389 : x - 643,
        x -> x + 397, x -> x ^ (x >>> 16), x -> x * 409 + 659, x -> (x & 128) == 0 ? x + 419 : x - 661,
        x -> x + 421, x -> x ^ (x >>> 20), x -> x * 433 + 683, x -> (x & 2048) == 0 ? x + 439 : x - 691,
        x -> x + 443, x -> x ^ (x >>> 24), x -> x * 457 + 719, x -> (x & 8) == 0 ? x + 461 : x - 727,
        x -> x + 463, x -> x ^ (x >>> 28), x -> x * 479 + 743, x -> (x & 128) == 0 ? x + 487 : x - 751,
        x -> x + 491, x -> x ^ (x >>> 1), x -> x * 503 + 769, x -> (x & 2048) == 0 ? x + 509 : x - 773,
        x -> x + 521, x -> x ^ (x >>> 5), x -> x * 541 + 809, x -> (x & 8) == 0 ? x + 547 : x - 811,
        x -> x + 557, x -> x ^ (x >>> 9), x -> x * 569 + 827, x -> (x & 128) == 0 ? x + 571 : x - 829,
        x -> x + 577, x -> x ^ (x >>> 13), x -> x * 593 + 857, x -> (x & 2048) == 0 ? x + 599 : x - 859,
        x -> x + 601, x -> x ^ (x >>> 17), x -> x * 613 + 881, x -> (x & 8) == 0 ? x + 617 : x - 883,
        x -> x + 619, x -> x ^ (x >>> 21), x -> x * 641 + 911, x -> (x & 128) == 0 ? x + 643 : x - 919,
        x -> x + 647, x -> x ^ (x >>> 25), x -> x * 659 + 941, x -> (x & 2048) == 0 ? x + 661 : x - 947,
        x -> x + 673, x -> x ^ (x >>> 29), x -> x * 683 + 971, x -> (x & 8) == 0 ? x + 691 : x - 977,
        x -> x + 701, x -> x ^ (x >>> 2), x -> x * 719 + 997, x -> (x & 128) == 0 ? x + 727 : x - 1009,
    };

    /** The order of the calls: indices into {@link #FUNCTIONS}. */
    static final byte[] ORDER = order();

    /** The value the last run ended with (so that the JIT cannot drop the calls). */
    private static long last;

    private BranchProbe() {
    }

    private static byte[] order() {
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] order = new byte[ORDER_LENGTH];
        for (int i = 0; i < order.length; i++) {
            order[i] = (byte) random.nextInt(FUNCTIONS.length);
        }
        return order;
    }

    /** The value after {@code n} calls from 1, as {@link #run} computes it, computed again without timing. */
    static long valueAfter(long n) {
        long x = 1;
        for (long i = 0; i < n; i++) {
            x = FUNCTIONS[ORDER[(int) (i % ORDER_LENGTH)]].applyAsLong(x);
        }
        return x;
    }

    /** Makes {@code n} calls and returns the host nanoseconds they took. */
    static long run(long n) {
        LongUnaryOperator[] functions = FUNCTIONS;
        byte[] order = ORDER;
        long x = 1;
        long start = System.nanoTime();
        for (long i = 0; i < n; i++) {
            x = functions[order[(int) (i & (ORDER_LENGTH - 1))]].applyAsLong(x);
        }
        long elapsed = System.nanoTime() - start;
        last = x;
        return elapsed;
    }

    /** The value the last {@link #run} ended with. */
    static long last() {
        return last;
    }

    /** The number of functions the calls go to. */
    static int functions() {
        return FUNCTIONS.length;
    }
}
