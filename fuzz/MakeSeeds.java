import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes deterministic random seed inputs for a fuzz test's Inputs directory:
 * {@code java fuzz/MakeSeeds.java DIR SEED COUNT MIN_BYTES MAX_BYTES} writes DIR/seed-0 ..
 * DIR/seed-(COUNT-1), random bytes from a SplittableRandom seeded with SEED, of lengths spread
 * from MIN_BYTES to MAX_BYTES. The same arguments always write the same files.
 */
public class MakeSeeds {
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: java fuzz/MakeSeeds.java DIR SEED COUNT MIN_BYTES MAX_BYTES");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        SplittableRandom random = new SplittableRandom(Long.decode(args[1]));
        int count = Integer.parseInt(args[2]);
        int min = Integer.parseInt(args[3]);
        int max = Integer.parseInt(args[4]);
        for (int i = 0; i < count; i++) {
            int length = count == 1 ? max : min + (int) ((long) (max - min) * i / (count - 1));
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            Files.write(dir.resolve("seed-" + i), bytes);
        }
    }
}
