package kola.machine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The physical address space: RAM made of 4 KiB frames from address 0 to {@link #ramBytes()}, and
 * device registers ({@link MmioDevice}) attached at addresses above RAM.
 *
 * <p>RAM is backed lazily so that a machine of many GiB boots at once: a two-level directory
 * (chunks of {@value #CHUNK_FRAMES} frames) whose frames are host {@code byte[]} arrays allocated
 * on the first store of a non-zero value. A never-written frame reads as zero and costs nothing;
 * {@link #zeroFrame(long)} drops a frame's backing again.
 *
 * <p>All accesses are little-endian, as on RISC-V. An access that is neither RAM nor device is a
 * kernel bug (the kernel passes only physical addresses it validated) and throws
 * {@link IllegalArgumentException}. The RAM fast path is one unsigned range compare, an
 * in-frame check and the array access; accesses that cross a frame boundary take a slow path.
 *
 * <p>Not thread-safe: confined to the host thread that runs the kernel loop.
 */
public final class PhysicalMemory {

    /** log2 of the frame size. */
    public static final int PAGE_SHIFT = 12;
    /** Size of a frame (and of a base page) in bytes: 4 KiB. */
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    /** Largest RAM a machine may have: 1 TiB, so that a frame number fits the directory's int indices. */
    public static final long MAX_RAM_BYTES = 1L << 40;

    static final int CHUNK_SHIFT = 12;
    static final int CHUNK_FRAMES = 1 << CHUNK_SHIFT;
    private static final long CHUNK_MASK = CHUNK_FRAMES - 1;
    private static final long OFFSET_MASK = PAGE_SIZE - 1;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long ramBytes;
    private final long frames;
    private final byte[][][] directory;
    private long backedFrames;
    private long dropped;
    private DeviceRegion[] devices = new DeviceRegion[0];
    private FrameWatcher[] watchers = new FrameWatcher[0];
    /** One bit per frame, allocated per chunk on first use: the frame is watched ({@link #watchFrame}). */
    private final long[][] watchBits;
    private long watchedFrames;

    /**
     * Creates RAM of {@code ramBytes} bytes, all zero, with no device attached.
     *
     * @throws IllegalArgumentException unless {@code ramBytes} is a positive multiple of
     *                                  {@link #PAGE_SIZE} and at most {@link #MAX_RAM_BYTES}
     */
    public PhysicalMemory(long ramBytes) {
        if (ramBytes <= 0 || ramBytes > MAX_RAM_BYTES || (ramBytes & OFFSET_MASK) != 0) {
            throw new IllegalArgumentException("RAM size must be a positive multiple of " + PAGE_SIZE
                    + " bytes and at most 2^40 bytes, got " + ramBytes);
        }
        this.ramBytes = ramBytes;
        this.frames = ramBytes >>> PAGE_SHIFT;
        this.directory = new byte[(int) ((frames + CHUNK_MASK) >>> CHUNK_SHIFT)][][];
        this.watchBits = new long[directory.length][];
    }

    /** Returns the size of RAM in bytes. */
    public long ramBytes() {
        return ramBytes;
    }

    /** Returns the number of RAM frames; valid frame numbers are 0 to {@code frames() - 1}. */
    public long frames() {
        return frames;
    }

    /** Returns how many frames currently have host memory behind them. */
    public long backedFrames() {
        return backedFrames;
    }

    /** Tells whether {@code pa} is a RAM address. */
    public boolean isRam(long pa) {
        return Long.compareUnsigned(pa, ramBytes) < 0;
    }

    /** Tells whether {@code pa} lies in an attached device's region. */
    public boolean isDevice(long pa) {
        return deviceAt(pa) != null;
    }

    // ---------------------------------------------------------------- loads

    /** Loads the byte at {@code pa}, zero-extended. */
    public int load8(long pa) {
        if (isRam(pa)) {
            byte[] frame = frameOrNull(pa >>> PAGE_SHIFT);
            return frame == null ? 0 : frame[(int) (pa & OFFSET_MASK)] & 0xFF;
        }
        return (int) loadDevice(pa, Byte.BYTES);
    }

    /** Loads the little-endian 16-bit value at {@code pa}, zero-extended. */
    public int load16(long pa) {
        if (isRam(pa) && (pa & OFFSET_MASK) <= PAGE_SIZE - Short.BYTES) {
            byte[] frame = frameOrNull(pa >>> PAGE_SHIFT);
            return frame == null ? 0 : (short) SHORT.get(frame, (int) (pa & OFFSET_MASK)) & 0xFFFF;
        }
        return (int) loadSlow(pa, Short.BYTES);
    }

    /** Loads the little-endian 32-bit value at {@code pa}, zero-extended. */
    public long load32(long pa) {
        if (isRam(pa) && (pa & OFFSET_MASK) <= PAGE_SIZE - Integer.BYTES) {
            byte[] frame = frameOrNull(pa >>> PAGE_SHIFT);
            return frame == null ? 0 : (int) INT.get(frame, (int) (pa & OFFSET_MASK)) & 0xFFFF_FFFFL;
        }
        return loadSlow(pa, Integer.BYTES);
    }

    /** Loads the little-endian 64-bit value at {@code pa}. */
    public long load64(long pa) {
        if (isRam(pa) && (pa & OFFSET_MASK) <= PAGE_SIZE - Long.BYTES) {
            byte[] frame = frameOrNull(pa >>> PAGE_SHIFT);
            return frame == null ? 0 : (long) LONG.get(frame, (int) (pa & OFFSET_MASK));
        }
        return loadSlow(pa, Long.BYTES);
    }

    // ---------------------------------------------------------------- stores

    /** Stores the low 8 bits of {@code value} at {@code pa}. */
    public void store8(long pa, long value) {
        if (isRam(pa)) {
            byte[] frame = frameForStore(pa >>> PAGE_SHIFT, value & 0xFF);
            if (frame != null) {
                frame[(int) (pa & OFFSET_MASK)] = (byte) value;
            }
            noteWrite(pa >>> PAGE_SHIFT);
            return;
        }
        storeDevice(pa, Byte.BYTES, value);
    }

    /** Stores the low 16 bits of {@code value} at {@code pa}, little-endian. */
    public void store16(long pa, long value) {
        if (isRam(pa) && (pa & OFFSET_MASK) <= PAGE_SIZE - Short.BYTES) {
            byte[] frame = frameForStore(pa >>> PAGE_SHIFT, value & 0xFFFF);
            if (frame != null) {
                SHORT.set(frame, (int) (pa & OFFSET_MASK), (short) value);
            }
            noteWrite(pa >>> PAGE_SHIFT);
            return;
        }
        storeSlow(pa, Short.BYTES, value);
    }

    /** Stores the low 32 bits of {@code value} at {@code pa}, little-endian. */
    public void store32(long pa, long value) {
        if (isRam(pa) && (pa & OFFSET_MASK) <= PAGE_SIZE - Integer.BYTES) {
            byte[] frame = frameForStore(pa >>> PAGE_SHIFT, value & 0xFFFF_FFFFL);
            if (frame != null) {
                INT.set(frame, (int) (pa & OFFSET_MASK), (int) value);
            }
            noteWrite(pa >>> PAGE_SHIFT);
            return;
        }
        storeSlow(pa, Integer.BYTES, value);
    }

    /** Stores {@code value} at {@code pa}, little-endian. */
    public void store64(long pa, long value) {
        if (isRam(pa) && (pa & OFFSET_MASK) <= PAGE_SIZE - Long.BYTES) {
            byte[] frame = frameForStore(pa >>> PAGE_SHIFT, value);
            if (frame != null) {
                LONG.set(frame, (int) (pa & OFFSET_MASK), value);
            }
            noteWrite(pa >>> PAGE_SHIFT);
            return;
        }
        storeSlow(pa, Long.BYTES, value);
    }

    // ---------------------------------------------------------------- bulk

    /**
     * Copies {@code len} bytes of RAM starting at {@code pa} into {@code dst[off..off+len)}.
     *
     * @throws IllegalArgumentException if the range is not entirely RAM (bulk copies never reach devices)
     */
    public void read(long pa, byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        checkRamRange(pa, len);
        while (len > 0) {
            int inFrame = (int) (pa & OFFSET_MASK);
            int n = Math.min(len, PAGE_SIZE - inFrame);
            byte[] frame = frameOrNull(pa >>> PAGE_SHIFT);
            if (frame == null) {
                Arrays.fill(dst, off, off + n, (byte) 0);
            } else {
                System.arraycopy(frame, inFrame, dst, off, n);
            }
            pa += n;
            off += n;
            len -= n;
        }
    }

    /**
     * Copies {@code src[off..off+len)} into RAM starting at {@code pa}.
     *
     * @throws IllegalArgumentException if the range is not entirely RAM (bulk copies never reach devices)
     */
    public void write(long pa, byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        checkRamRange(pa, len);
        while (len > 0) {
            int inFrame = (int) (pa & OFFSET_MASK);
            int n = Math.min(len, PAGE_SIZE - inFrame);
            long pfn = pa >>> PAGE_SHIFT;
            byte[] frame = frameOrNull(pfn);
            if (frame == null && !allZero(src, off, n)) {
                frame = backFrame(pfn);
            }
            if (frame != null) {
                System.arraycopy(src, off, frame, inFrame, n);
            }
            noteWrite(pfn);
            pa += n;
            off += n;
            len -= n;
        }
    }

    /**
     * Makes frame {@code pfn} read as zero again and releases its host memory.
     *
     * @throws IllegalArgumentException if {@code pfn} is not a RAM frame
     */
    public void zeroFrame(long pfn) {
        if (pfn < 0 || pfn >= frames) {
            throw new IllegalArgumentException("frame " + pfn + " is not in RAM (" + frames + " frames)");
        }
        byte[][] chunk = directory[(int) (pfn >>> CHUNK_SHIFT)];
        if (chunk != null && chunk[(int) (pfn & CHUNK_MASK)] != null) {
            chunk[(int) (pfn & CHUNK_MASK)] = null;
            backedFrames--;
            dropped++;
            noteWrite(pfn);
        }
    }

    /**
     * The host array behind RAM frame {@code pfn}, or null if the frame is not backed (it reads as
     * zero) or not RAM. For a translation cache in front of the MMU: the array stays the frame's
     * until {@link #droppedFrames()} changes.
     */
    public byte[] frameArray(long pfn) {
        return pfn >= 0 && pfn < frames ? frameOrNull(pfn) : null;
    }

    /**
     * Like {@link #frameArray} but backs an unbacked RAM frame first: for a translation cache that
     * is about to store into the frame. Null if {@code pfn} is not a RAM frame.
     */
    public byte[] frameArrayForStore(long pfn) {
        if (pfn < 0 || pfn >= frames) {
            return null;
        }
        byte[] frame = frameOrNull(pfn);
        return frame != null ? frame : backFrame(pfn);
    }

    /** How many times a frame's backing was dropped ({@link #zeroFrame}). */
    public long droppedFrames() {
        return dropped;
    }

    // ---------------------------------------------------------------- watching frames for code caches

    /**
     * Hears of changes to watched frames: a cache of something derived from a frame's contents
     * (a hart's decoded instructions) that must not outlive the contents.
     */
    @FunctionalInterface
    public interface FrameWatcher {
        /** The contents of watched frame {@code pfn} changed, or are about to; the frame is no longer watched. */
        void frameWritten(long pfn);
    }

    /** Adds {@code watcher}, to be told of every change to a watched frame. */
    public void addFrameWatcher(FrameWatcher watcher) {
        Objects.requireNonNull(watcher, "watcher");
        FrameWatcher[] all = Arrays.copyOf(watchers, watchers.length + 1);
        all[watchers.length] = watcher;
        watchers = all;
    }

    /**
     * Watches RAM frame {@code pfn}: the next store into it through this class ({@code store*},
     * {@link #write}, {@link #zeroFrame}) tells every {@link FrameWatcher} and ends the watch.
     * Stores made directly into a {@link #frameArray} are not seen: their maker keeps its own
     * caches coherent. While no frame is watched a store pays one field test.
     *
     * @throws IllegalArgumentException if {@code pfn} is not a RAM frame
     */
    public void watchFrame(long pfn) {
        if (pfn < 0 || pfn >= frames) {
            throw new IllegalArgumentException("frame " + pfn + " is not in RAM (" + frames + " frames)");
        }
        int c = (int) (pfn >>> CHUNK_SHIFT);
        long[] bits = watchBits[c];
        if (bits == null) {
            bits = new long[CHUNK_FRAMES / Long.SIZE];
            watchBits[c] = bits;
        }
        int i = (int) (pfn & CHUNK_MASK);
        if ((bits[i >>> 6] & (1L << i)) == 0) {
            bits[i >>> 6] |= 1L << i;
            watchedFrames++;
        }
    }

    /** Tells whether frame {@code pfn} is watched. */
    public boolean isWatched(long pfn) {
        if (pfn < 0 || pfn >= frames) {
            return false;
        }
        long[] bits = watchBits[(int) (pfn >>> CHUNK_SHIFT)];
        int i = (int) (pfn & CHUNK_MASK);
        return bits != null && (bits[i >>> 6] & (1L << i)) != 0;
    }

    private void noteWrite(long pfn) {
        if (watchedFrames != 0 && isWatched(pfn)) {
            int i = (int) (pfn & CHUNK_MASK);
            watchBits[(int) (pfn >>> CHUNK_SHIFT)][i >>> 6] &= ~(1L << i);
            watchedFrames--;
            for (FrameWatcher w : watchers) {
                w.frameWritten(pfn);
            }
        }
    }

    // ---------------------------------------------------------------- devices

    /** Attaches {@code device} under the name of its class; see {@link #attach(String, long, long, MmioDevice)}. */
    public void attach(long base, long size, MmioDevice device) {
        attach(Objects.requireNonNull(device, "device").getClass().getSimpleName(), base, size, device);
    }

    /**
     * Places {@code device}'s registers at physical addresses {@code [base, base + size)}.
     *
     * @throws IllegalArgumentException unless the region is page aligned, of positive size, at or above
     *                                  {@link #ramBytes()} and overlaps no other device
     */
    public void attach(String name, long base, long size, MmioDevice device) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(device, "device");
        if (size <= 0 || ((base | size) & OFFSET_MASK) != 0) {
            throw new IllegalArgumentException("device " + name + ": region must be page aligned with a positive size, got base 0x"
                    + Long.toHexString(base) + " size 0x" + Long.toHexString(size));
        }
        if (base < ramBytes || base + size < base) {
            throw new IllegalArgumentException("device " + name + ": region at 0x" + Long.toHexString(base)
                    + " must lie above RAM (which ends at 0x" + Long.toHexString(ramBytes) + ")");
        }
        for (DeviceRegion r : devices) {
            if (base < r.end() && r.base() < base + size) {
                throw new IllegalArgumentException("device " + name + ": region at 0x" + Long.toHexString(base)
                        + " overlaps device " + r.name() + " at 0x" + Long.toHexString(r.base()));
            }
        }
        List<DeviceRegion> all = new ArrayList<>(List.of(devices));
        all.add(new DeviceRegion(name, base, size, device));
        all.sort(Comparator.comparingLong(DeviceRegion::base));
        devices = all.toArray(DeviceRegion[]::new);
    }

    /** Returns the attached device regions in address order. */
    public List<DeviceRegion> devices() {
        return List.of(devices);
    }

    // ---------------------------------------------------------------- internals

    private byte[] frameOrNull(long pfn) {
        byte[][] chunk = directory[(int) (pfn >>> CHUNK_SHIFT)];
        return chunk == null ? null : chunk[(int) (pfn & CHUNK_MASK)];
    }

    /** Returns the frame to store into, or null when the frame is unbacked and the stored bits are zero. */
    private byte[] frameForStore(long pfn, long storedBits) {
        byte[] frame = frameOrNull(pfn);
        if (frame == null && storedBits != 0) {
            frame = backFrame(pfn);
        }
        return frame;
    }

    private byte[] backFrame(long pfn) {
        int chunkIndex = (int) (pfn >>> CHUNK_SHIFT);
        byte[][] chunk = directory[chunkIndex];
        if (chunk == null) {
            chunk = new byte[(int) Math.min(CHUNK_FRAMES, frames - ((long) chunkIndex << CHUNK_SHIFT))][];
            directory[chunkIndex] = chunk;
        }
        byte[] frame = new byte[PAGE_SIZE];
        chunk[(int) (pfn & CHUNK_MASK)] = frame;
        backedFrames++;
        return frame;
    }

    private static boolean allZero(byte[] src, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (src[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private boolean isRamRange(long pa, int size) {
        return pa >= 0 && pa <= ramBytes - size;
    }

    private void checkRamRange(long pa, int len) {
        if (!isRamRange(pa, len)) {
            throw new IllegalArgumentException("bulk copy of " + len + " bytes at 0x" + Long.toHexString(pa)
                    + " is not entirely in RAM (RAM ends at 0x" + Long.toHexString(ramBytes) + ")");
        }
    }

    /** A RAM access that crosses a frame boundary, or a device access. */
    private long loadSlow(long pa, int size) {
        if (!isRamRange(pa, size)) {
            return loadDevice(pa, size);
        }
        long value = 0;
        for (int i = 0; i < size; i++) {
            value |= (long) load8(pa + i) << (Byte.SIZE * i);
        }
        return value;
    }

    private void storeSlow(long pa, int size, long value) {
        if (!isRamRange(pa, size)) {
            storeDevice(pa, size, value);
            return;
        }
        for (int i = 0; i < size; i++) {
            store8(pa + i, value >>> (Byte.SIZE * i));
        }
    }

    private long loadDevice(long pa, int size) {
        DeviceRegion r = deviceFor(pa, size);
        return r.device().read(pa - r.base(), size) & widthMask(size);
    }

    private void storeDevice(long pa, int size, long value) {
        DeviceRegion r = deviceFor(pa, size);
        r.device().write(pa - r.base(), size, value & widthMask(size));
    }

    private DeviceRegion deviceFor(long pa, int size) {
        DeviceRegion r = deviceAt(pa);
        if (r == null || pa - r.base() > r.size() - size) {
            throw new IllegalArgumentException(size + "-byte access at physical address 0x" + Long.toHexString(pa)
                    + " is neither RAM (which ends at 0x" + Long.toHexString(ramBytes) + ") nor inside one device");
        }
        return r;
    }

    private DeviceRegion deviceAt(long pa) {
        for (DeviceRegion r : devices) {
            if (r.contains(pa)) {
                return r;
            }
        }
        return null;
    }

    private static long widthMask(int size) {
        return size == Long.BYTES ? -1L : (1L << (Byte.SIZE * size)) - 1;
    }

    @Override
    public String toString() {
        return "PhysicalMemory[" + ramBytes + " bytes, " + backedFrames + " frames backed, " + devices.length + " devices]";
    }
}
