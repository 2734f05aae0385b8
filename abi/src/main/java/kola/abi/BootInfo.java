package kola.abi;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * X.2's generic boot information, in the binary layout of L4Ka::Pistachio's {@code l4/bootinfo.h}
 * (64-bit words, little-endian): what the boot loader tells the root task about the boot modules.
 * X.2 leaves BootInfo's meaning to the boot loader ("may be used to pass information from the boot
 * loader to the root server"); Pistachio's kickstart writes this structure into a page of its own
 * and puts its physical address in the KIP's BootInfo word, and so does Kola's kernel at boot.
 *
 * <p>The structure: a header of eight words (magic {@link #MAGIC}, version {@link #VERSION}, the
 * size in bytes of the whole structure, the offset of the first record, the number of records,
 * three reserved words), then the records, each starting with type, version and the offset of the
 * next record from this one. Kola writes one {@link #TYPE_MODULE} record (version 1) per boot
 * module, in the image's order: start and size of the module's bytes in physical memory (a RISC-V
 * module: the pages of its loaded segments, the region of its 0x3E memory descriptor; a Java
 * module has none: 0 and 0), and the offset of its command line from the record: the module's
 * name and its arguments, separated by single spaces, ending with a zero byte. Each record takes
 * its six words and its command line, padded to a whole word; the last one's offset of the next
 * record points just past it, as kickstart's does.
 *
 * <p>The structure lies in {@link #pages} whole pages of its own in RAM, covered by one memory
 * descriptor of type 0xE with subtype 1 (Pistachio's {@code bootloader_memdesc_init_table}, read
 * as 0x1E), given out by sigma0 only when asked for by address. It has at most {@link #MAX_BYTES}
 * bytes: an image whose names and arguments need more is refused at boot.
 *
 * <p>{@link #read} parses it back from memory, checking every offset against the size it
 * announces: a page someone wrote over reads as invalid (null), never past its bytes.
 *
 * @param size    the structure's size in bytes
 * @param modules its module records, in order
 */
public record BootInfo(long size, List<Module> modules) {
    /** The magic, in the first word; it also tells the endianness. */
    public static final long MAGIC = 0x14b0021dL;
    /** The structure's version. */
    public static final long VERSION = 1;
    /** The header's offsets: magic, version, size, first entry, number of entries (then three reserved words). */
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int SIZE_OFFSET = 16;
    public static final int FIRST_ENTRY_OFFSET = 24;
    public static final int NUM_ENTRIES_OFFSET = 32;
    /** The header's size, eight words: the offset of the first record. */
    public static final int HEADER_BYTES = 64;
    /** A record's offsets: type, version, offset of the next record. */
    public static final int RECORD_TYPE = 0;
    public static final int RECORD_VERSION = 8;
    public static final int RECORD_OFFSET_NEXT = 16;
    /** A module record's own offsets: start, size, command-line offset. */
    public static final int MODULE_START = 24;
    public static final int MODULE_SIZE = 32;
    public static final int MODULE_CMDLINE_OFFSET = 40;
    /** A module record without its command line: six words. */
    public static final int MODULE_RECORD_BYTES = 48;
    /** Record types (Pistachio's {@code L4_BootInfo_Module}, {@code L4_BootInfo_SimpleExec}...). */
    public static final long TYPE_MODULE = 0x0001;
    public static final long TYPE_SIMPLE_EXEC = 0x0002;
    public static final long TYPE_EFI_TABLES = 0x0101;
    public static final long TYPE_MULTIBOOT = 0x0102;
    /** The version of the module records Kola writes. */
    public static final long MODULE_VERSION = 1;
    /** The most the structure may take: 16 pages. */
    public static final int MAX_BYTES = 16 * 4096;

    private static final int PAGE = 4096;

    public BootInfo {
        modules = List.copyOf(modules);
    }

    /**
     * A module record: {@code size} bytes at physical address {@code start} (0 and 0 for a module
     * with no bytes in memory) and its command line.
     */
    public record Module(long start, long size, String cmdline) {
    }

    /** The command line of a module: its name and arguments, separated by single spaces. */
    public static String cmdline(String name, List<String> args) {
        StringBuilder s = new StringBuilder(name);
        for (String a : args) {
            s.append(' ').append(a);
        }
        return s.toString();
    }

    /** The pages {@code bytes} of structure take. */
    public static long pages(long bytes) {
        return (bytes + PAGE - 1) / PAGE;
    }

    /**
     * The structure's bytes for {@code modules}, in Pistachio's layout. A command line is written
     * as its UTF-8 bytes; a zero byte in it ends it there for a C reader.
     *
     * @throws IllegalArgumentException if it would be longer than {@link #MAX_BYTES} (one line
     *                                  saying so)
     */
    public static byte[] encode(List<Module> modules) {
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        long size = HEADER_BYTES;
        for (Module m : modules) {
            byte[] line = m.cmdline().getBytes(StandardCharsets.UTF_8);
            long bytes = MODULE_RECORD_BYTES + (line.length + 1 + 7 & ~7L);
            size += bytes;
            if (size > MAX_BYTES) {
                break;
            }
            ByteBuffer r = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
            r.putLong(RECORD_TYPE, TYPE_MODULE).putLong(RECORD_VERSION, MODULE_VERSION).putLong(RECORD_OFFSET_NEXT, bytes)
                    .putLong(MODULE_START, m.start()).putLong(MODULE_SIZE, m.size())
                    .putLong(MODULE_CMDLINE_OFFSET, MODULE_RECORD_BYTES);
            r.put(MODULE_RECORD_BYTES, line);
            records.writeBytes(r.array());
        }
        if (size > MAX_BYTES) {
            long total = HEADER_BYTES;
            for (Module m : modules) {
                total += MODULE_RECORD_BYTES + (m.cmdline().getBytes(StandardCharsets.UTF_8).length + 1 + 7 & ~7L);
            }
            throw new IllegalArgumentException("the boot information for " + modules.size() + " boot modules (their names and"
                    + " arguments: " + total + " bytes) does not fit its " + MAX_BYTES / 1024 + " KiB");
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        h.putLong(MAGIC_OFFSET, MAGIC).putLong(VERSION_OFFSET, VERSION).putLong(SIZE_OFFSET, size)
                .putLong(FIRST_ENTRY_OFFSET, HEADER_BYTES).putLong(NUM_ENTRIES_OFFSET, modules.size());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.array());
        out.writeBytes(records.toByteArray());
        return out.toByteArray();
    }

    /**
     * The structure at virtual address {@code va} of {@code memory} (where its pages are mapped),
     * or null if it is not a valid one: not the magic and version, a size below the header or
     * above {@link #MAX_BYTES}, or a record or command line that runs past the size. Records of
     * other types are skipped. Each word is read once.
     */
    public static BootInfo read(Memory memory, long va) {
        if (memory.load64(va + MAGIC_OFFSET) != MAGIC || memory.load64(va + VERSION_OFFSET) != VERSION) {
            return null;
        }
        long size = memory.load64(va + SIZE_OFFSET);
        if (size < HEADER_BYTES || size > MAX_BYTES) {
            return null;
        }
        byte[] b = new byte[(int) size];
        memory.read(va, b, 0, b.length);
        ByteBuffer w = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long at = w.getLong(FIRST_ENTRY_OFFSET);
        long entries = w.getLong(NUM_ENTRIES_OFFSET);
        if (entries < 0 || entries > size / (RECORD_OFFSET_NEXT + 8)) {
            return null;
        }
        List<Module> modules = new ArrayList<>();
        for (long i = 0; i < entries; i++) {
            if (at < HEADER_BYTES || at > size - (RECORD_OFFSET_NEXT + 8) || (at & 7) != 0) {
                return null;
            }
            int r = (int) at;
            long type = w.getLong(r + RECORD_TYPE);
            long next = w.getLong(r + RECORD_OFFSET_NEXT);
            if (next < RECORD_OFFSET_NEXT + 8 || next > size - at) {
                return null;
            }
            if (type == TYPE_MODULE) {
                if (next < MODULE_RECORD_BYTES) {
                    return null;
                }
                long cmd = w.getLong(r + MODULE_CMDLINE_OFFSET);
                String line = null;
                if (cmd != 0) {
                    if (cmd < 0 || cmd >= size - at) {
                        return null;
                    }
                    int from = (int) (at + cmd);
                    int end = from;
                    while (end < size && b[end] != 0) {
                        end++;
                    }
                    if (end == size) {
                        return null; // no zero byte before the end
                    }
                    line = new String(b, from, end - from, StandardCharsets.UTF_8);
                }
                modules.add(new Module(w.getLong(r + MODULE_START), w.getLong(r + MODULE_SIZE), line));
            }
            at += next;
        }
        return new BootInfo(size, modules);
    }
}
