package kola.kernel;

import static kola.kernel.StringItemTest.readBytes;
import static kola.kernel.StringItemTest.writeBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import kola.abi.Fpage;
import kola.abi.IpcError;
import kola.abi.Items;
import kola.abi.MsgTag;
import kola.kernel.AddressSpaceHarness.Transfer;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever the layout of compound strings and compound buffers (substrings of any
 * length, zero included, across page boundaries; items joined by c; buffers chained by C), the
 * receiver's buffers hold exactly the concatenated bytes of each string, scattered over its
 * buffer's substrings in order, and nothing else changes; a string longer than its buffer fails
 * both partners with message overflow at X.2's offset and moves nothing. The expected result is
 * computed by a plain model of X.2's scatter.
 */
class StringScatterPropertyTest {
    static final int CASES = 100;
    static final long SRC = 0x0400_0000L;
    static final long DST = 0x0500_0000L;

    /** One item of a string or a buffer: its substrings' length and addresses. */
    record Item(int length, long[] addresses) {
        @Override
        public String toString() {
            return addresses.length + " x " + length + " at " + Arrays.stream(addresses).mapToObj(Long::toHexString).toList();
        }
    }

    /** A random layout: for each string, its send items and its buffer items. */
    record Layout(List<List<Item>> strings, List<List<Item>> buffers) {
        int typedWords() {
            return words(strings);
        }

        int bufferRegisters() {
            return words(buffers);
        }

        static int words(List<List<Item>> runs) {
            int n = 0;
            for (List<Item> run : runs) {
                for (Item i : run) {
                    n += 1 + i.addresses.length;
                }
            }
            return n;
        }

        static long bytes(List<Item> run) {
            long n = 0;
            for (Item i : run) {
                n += (long) i.length * i.addresses.length;
            }
            return n;
        }
    }

    /** Places ranges one after another with random gaps (so that some cross page boundaries). */
    static final class Cursor {
        long next;
        final Random rnd;

        Cursor(long base, Random rnd) {
            this.next = base;
            this.rnd = rnd;
        }

        long place(int length) {
            long at = next + rnd.nextInt(rnd.nextBoolean() ? 64 : 5000);
            next = at + length;
            return at;
        }
    }

    static List<Item> items(Random rnd, Cursor c, int maxItems, int maxSubstrings, int maxLength) {
        List<Item> run = new ArrayList<>();
        int n = 1 + rnd.nextInt(maxItems);
        for (int i = 0; i < n; i++) {
            int length = rnd.nextInt(5) == 0 ? 0 : rnd.nextInt(maxLength + 1);
            long[] addresses = new long[1 + rnd.nextInt(maxSubstrings)];
            for (int k = 0; k < addresses.length; k++) {
                addresses[k] = c.place(length);
            }
            run.add(new Item(length, addresses));
        }
        return run;
    }

    static Layout layout(Random rnd) {
        while (true) {
            Cursor src = new Cursor(SRC, rnd);
            Cursor dst = new Cursor(DST, rnd);
            List<List<Item>> strings = new ArrayList<>();
            List<List<Item>> buffers = new ArrayList<>();
            int k = 1 + rnd.nextInt(3);
            for (int s = 0; s < k; s++) {
                List<Item> string = items(rnd, src, 3, 4, 200);
                strings.add(string);
                long need = Layout.bytes(string);
                List<Item> buffer;
                do {
                    buffer = items(rnd, dst, 3, 3, 300);
                } while (Layout.bytes(buffer) < need && rnd.nextInt(6) != 0); // now and then one too small
                buffers.add(buffer);
            }
            Layout l = new Layout(strings, buffers);
            if (l.typedWords() <= 61 && 1 + l.bufferRegisters() <= 33) {
                return l;
            }
        }
    }

    /** The message's typed words: each string's items, c on all but its last. */
    static long[] message(Layout l) {
        long[] w = new long[l.typedWords()];
        int j = 0;
        for (List<Item> string : l.strings) {
            for (int i = 0; i < string.size(); i++) {
                Item it = string.get(i);
                w[j++] = Items.stringWord(it.length, it.addresses.length, i + 1 < string.size());
                for (long a : it.addresses) {
                    w[j++] = a;
                }
            }
        }
        return w;
    }

    /** BR0..: strings accepted, each buffer's items (c on all but its last), C on every buffer's first item but the last buffer's. */
    static long[] bufferRegisters(Layout l) {
        long[] b = new long[1 + l.bufferRegisters()];
        b[0] = Items.acceptor(Fpage.NIL, true);
        int j = 1;
        for (int s = 0; s < l.buffers.size(); s++) {
            List<Item> buffer = l.buffers.get(s);
            for (int i = 0; i < buffer.size(); i++) {
                Item it = buffer.get(i);
                b[j++] = Items.stringWord(it.length, it.addresses.length, i + 1 < buffer.size())
                        | (i == 0 && s + 1 < l.buffers.size() ? Items.MORE : 0);
                for (long a : it.addresses) {
                    b[j++] = a;
                }
            }
        }
        return b;
    }

    @Test
    void randomCompoundLayoutsMoveExactlyTheConcatenatedBytes() {
        Random rnd = new Random(0x5C47_7E2L);
        int[] outcomes = new int[2];
        new AddressSpaceHarness("A", "B").script(b -> {
            for (int n = 0; n < CASES; n++) {
                Layout l = layout(rnd);
                String what = "case " + n + ": " + l;
                // Every source substring gets fresh random bytes; every receive substring an old pattern.
                List<byte[]> sent = new ArrayList<>();
                for (List<Item> string : l.strings) {
                    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                    for (Item it : string) {
                        for (long a : it.addresses) {
                            byte[] d = new byte[it.length];
                            rnd.nextBytes(d);
                            if (d.length > 0) {
                                writeBytes(b, "A", a, d);
                            }
                            all.writeBytes(d);
                        }
                    }
                    sent.add(all.toByteArray());
                }
                List<byte[]> old = new ArrayList<>();
                for (List<Item> buffer : l.buffers) {
                    for (Item it : buffer) {
                        for (long a : it.addresses) {
                            byte[] d = new byte[it.length];
                            rnd.nextBytes(d);
                            if (d.length > 0) {
                                writeBytes(b, "B", a, d);
                            }
                            old.add(d);
                        }
                    }
                }
                // The model: the first string that does not fit fails the message at the bytes before its overflow.
                long offset = 0;
                boolean fits = true;
                for (int s = 0; s < l.strings.size() && fits; s++) {
                    long need = Layout.bytes(l.strings.get(s));
                    long room = Layout.bytes(l.buffers.get(s));
                    fits = need <= room;
                    offset += Math.min(need, room);
                }
                long[] words = message(l);
                Transfer t = b.transfer("A", "B", bufferRegisters(l), MsgTag.make(0x5C, 0, words.length), words);
                b.inv(what);
                if (fits) {
                    assertTrue(t.ok(), what + " -> " + t);
                    outcomes[0]++;
                } else {
                    assertEquals(IpcError.code(IpcError.MESSAGE_OVERFLOW, false) | offset << IpcError.OFFSET_SHIFT,
                            t.sendError(), what);
                    assertEquals(IpcError.code(IpcError.MESSAGE_OVERFLOW, true) | offset << IpcError.OFFSET_SHIFT,
                            t.receiveError(), what);
                    outcomes[1]++;
                }
                // What each receive substring must hold now: its string's next bytes (if the message moved), then the old ones.
                int o = 0;
                for (int s = 0; s < l.buffers.size(); s++) {
                    byte[] string = sent.get(s);
                    int at = 0;
                    for (Item it : l.buffers.get(s)) {
                        for (long a : it.addresses) {
                            byte[] expect = old.get(o++).clone();
                            if (fits) {
                                int n1 = Math.min(expect.length, string.length - at);
                                System.arraycopy(string, at, expect, 0, n1);
                                at += n1;
                            }
                            if (expect.length > 0) {
                                assertArrayEquals(expect, readBytes(b, "B", a, expect.length),
                                        what + ": substring at 0x" + Long.toHexString(a));
                            }
                        }
                    }
                }
            }
        }).run(20_000_000);
        assertTrue(outcomes[0] >= CASES / 2 && outcomes[1] >= 3, "both outcomes occur: " + Arrays.toString(outcomes));
    }
}
