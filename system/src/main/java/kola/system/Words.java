package kola.system;

import java.nio.charset.StandardCharsets;
import kola.abi.L4;
import kola.abi.MsgTag;

/**
 * Text in message registers, for the system's text protocols: MR1 holds the byte length and
 * MR2.. the bytes, eight per word, little-endian. One message carries at most {@link #MAX_BYTES}.
 */
public final class Words {
    /** The most bytes one message carries: 62 words after the length. */
    public static final int MAX_BYTES = (MsgTag.MAX_WORDS - 1) * 8;

    private Words() {
    }

    /**
     * Puts {@code bytes[off..off+len)} (len ≤ {@link #MAX_BYTES}) into MR1.. and returns the
     * untyped word count to put in the tag.
     */
    public static int put(L4 l4, byte[] bytes, int off, int len) {
        if (len < 0 || len > MAX_BYTES) {
            throw new IllegalArgumentException("at most " + MAX_BYTES + " bytes per message, not " + len);
        }
        l4.setMr(1, len);
        int words = (len + 7) / 8;
        for (int w = 0; w < words; w++) {
            long v = 0;
            for (int b = 0; b < 8 && w * 8 + b < len; b++) {
                v |= (bytes[off + w * 8 + b] & 0xFFL) << (8 * b);
            }
            l4.setMr(2 + w, v);
        }
        return 1 + words;
    }

    /** Puts a string's UTF-8 bytes (at most {@link #MAX_BYTES}) into MR1..; returns the untyped count. */
    public static int put(L4 l4, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return put(l4, bytes, 0, Math.min(bytes.length, MAX_BYTES));
    }

    /**
     * The bytes of a received message whose tag says {@code untyped} words, or null when the
     * words are malformed (a length that does not match the word count).
     */
    public static byte[] get(L4 l4, int untyped) {
        if (untyped < 1) {
            return null;
        }
        long len = l4.mr(1);
        if (len < 0 || len > MAX_BYTES || (len + 7) / 8 != untyped - 1) {
            return null;
        }
        byte[] out = new byte[(int) len];
        for (int i = 0; i < len; i++) {
            out[i] = (byte) (l4.mr(2 + i / 8) >>> (8 * (i % 8)));
        }
        return out;
    }

    /** {@link #get} as UTF-8 text, or null. */
    public static String getString(L4 l4, int untyped) {
        byte[] b = get(l4, untyped);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
