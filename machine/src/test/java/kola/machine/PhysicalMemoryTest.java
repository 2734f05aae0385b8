package kola.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PhysicalMemoryTest {

    private static final long GIB = 1L << 30;
    private static final int PAGE = PhysicalMemory.PAGE_SIZE;
    private static final int[] SIZES = {1, 2, 4, 8};

    @Test
    void sixtyFourGibibytesConstructAtOnceAndReadAsZero() {
        new PhysicalMemory(PAGE).store64(0, 1);
        long start = System.nanoTime();
        PhysicalMemory mem = new PhysicalMemory(64 * GIB);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMillis < 100, "construction took " + elapsedMillis + " ms");
        assertEquals(64 * GIB, mem.ramBytes());
        assertEquals(64 * GIB / PAGE, mem.frames());
        assertEquals(0, mem.backedFrames());
        assertEquals(0, mem.load64(0));
        assertEquals(0, mem.load64(64 * GIB - 8));
        assertEquals(0, mem.load8(37 * GIB + 5));
        assertEquals(0, mem.load32(33 * GIB + PAGE - 2));
        assertEquals(0, mem.backedFrames());
    }

    @Test
    void largestMemoryIsAccepted() {
        PhysicalMemory mem = new PhysicalMemory(PhysicalMemory.MAX_RAM_BYTES);
        mem.store64(PhysicalMemory.MAX_RAM_BYTES - 8, 42);
        assertEquals(42, mem.load64(PhysicalMemory.MAX_RAM_BYTES - 8));
        assertEquals(1, mem.backedFrames());
    }

    @Test
    void badSizesAreRejected() {
        for (long bytes : new long[] {0, -PAGE, PAGE + 1, 100, PhysicalMemory.MAX_RAM_BYTES + PAGE, Long.MIN_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PhysicalMemory(bytes));
            assertTrue(e.getMessage().contains("multiple of 4096"), e.getMessage());
        }
    }

    @Test
    void firstNonZeroStoreBacksTheFrame() {
        PhysicalMemory mem = new PhysicalMemory(16 * PAGE);
        mem.store64(3 * PAGE, 0);
        mem.write(4 * PAGE, new byte[100], 0, 100);
        assertEquals(0, mem.backedFrames());
        mem.store8(3 * PAGE + 7, 1);
        assertEquals(1, mem.backedFrames());
        mem.store8(3 * PAGE + 8, 1);
        assertEquals(1, mem.backedFrames());
    }

    @Test
    void everySizeAtEveryAlignmentRoundTripsLittleEndian() {
        PhysicalMemory mem = new PhysicalMemory(4 * PAGE);
        Random random = new Random(1);
        for (long base : new long[] {0, PAGE - 16, 2 * PAGE - 8, 4 * PAGE - 24}) {
            for (int misalign = 0; misalign < 16; misalign++) {
                for (int size : SIZES) {
                    long pa = base + misalign;
                    if (pa + size > mem.ramBytes()) {
                        continue;
                    }
                    long value = random.nextLong();
                    long before = mem.load8(pa - 1 < 0 ? pa : pa - 1);
                    store(mem, size, pa, value);
                    assertEquals(truncate(value, size), load(mem, size, pa), "size " + size + " at " + pa);
                    for (int i = 0; i < size; i++) {
                        assertEquals((value >>> (8 * i)) & 0xFF, mem.load8(pa + i), "byte " + i);
                    }
                    if (pa > 0) {
                        assertEquals(before, mem.load8(pa - 1), "byte before untouched");
                    }
                }
            }
        }
    }

    @Test
    void narrowLoadsZeroExtend() {
        PhysicalMemory mem = new PhysicalMemory(PAGE);
        mem.store64(0, -1L);
        assertEquals(0xFF, mem.load8(0));
        assertEquals(0xFFFF, mem.load16(0));
        assertEquals(0xFFFF_FFFFL, mem.load32(0));
        assertEquals(-1L, mem.load64(0));
    }

    @Test
    void frameCrossingAccessSpansTwoFrames() {
        PhysicalMemory mem = new PhysicalMemory(2 * PAGE);
        mem.store64(PAGE - 3, 0x1122_3344_5566_7788L);
        assertEquals(0x88, mem.load8(PAGE - 3));
        assertEquals(0x66, mem.load8(PAGE - 1));
        assertEquals(0x55, mem.load8(PAGE));
        assertEquals(0x11, mem.load8(PAGE + 4));
        assertEquals(0x5566_7788L, mem.load32(PAGE - 3));
        assertEquals(0x5566, mem.load16(PAGE - 1));
        assertEquals(2, mem.backedFrames());
    }

    @Test
    void bulkCopiesCrossFrames() {
        PhysicalMemory mem = new PhysicalMemory(4 * PAGE);
        byte[] data = new byte[2 * PAGE + 100];
        new Random(2).nextBytes(data);
        mem.write(PAGE - 50, data, 0, data.length);
        byte[] back = new byte[data.length + 20];
        mem.read(PAGE - 50, back, 10, data.length);
        byte[] slice = java.util.Arrays.copyOfRange(back, 10, 10 + data.length);
        assertArrayEquals(data, slice);
        assertEquals(data[0] & 0xFF, mem.load8(PAGE - 50));
        assertEquals(data[PAGE] & 0xFF, mem.load8(2 * PAGE - 50));
    }

    @Test
    void bulkReadOfUnbackedMemoryYieldsZeroes() {
        PhysicalMemory mem = new PhysicalMemory(4 * PAGE);
        byte[] back = new byte[PAGE + 10];
        java.util.Arrays.fill(back, (byte) 7);
        mem.read(PAGE / 2, back, 0, back.length);
        assertArrayEquals(new byte[PAGE + 10], back);
        assertEquals(0, mem.backedFrames());
    }

    @Test
    void bulkCopiesRejectBadRanges() {
        PhysicalMemory mem = new PhysicalMemory(2 * PAGE);
        byte[] buf = new byte[16];
        assertThrows(IllegalArgumentException.class, () -> mem.read(2 * PAGE - 8, buf, 0, 16));
        assertThrows(IllegalArgumentException.class, () -> mem.write(-8, buf, 0, 16));
        assertThrows(IndexOutOfBoundsException.class, () -> mem.read(0, buf, 8, 16));
        mem.attach(4 * PAGE, PAGE, new RecordingDevice(0));
        assertThrows(IllegalArgumentException.class, () -> mem.read(4 * PAGE, buf, 0, 8));
    }

    @Test
    void loadsAndStoresAllocateNothingOnceBacked() {
        PhysicalMemory mem = new PhysicalMemory(4 * PAGE);
        long allocated = Allocations.of(() -> {
            for (int i = 0; i < 100_000; i++) {
                long pa = (i * 8L + i % 3) % (4 * PAGE - 8);
                mem.store64(pa, i + 1);
                mem.store32(pa, i + 1);
                mem.store16(pa, i + 1);
                mem.store8(pa, i + 1);
                if (mem.load64(pa) == 0 && mem.load32(pa) == 0 && mem.load16(pa) == 0 && mem.load8(pa) == 0) {
                    throw new AssertionError();
                }
            }
        });
        assertTrue(allocated < Allocations.NOISE_BYTES, allocated + " bytes allocated by 800000 accesses");
    }

    @Test
    void zeroFrameDropsTheBacking() {
        PhysicalMemory mem = new PhysicalMemory(4 * PAGE);
        mem.store64(2 * PAGE + 8, 99);
        assertEquals(1, mem.backedFrames());
        mem.zeroFrame(2);
        assertEquals(0, mem.backedFrames());
        assertEquals(0, mem.load64(2 * PAGE + 8));
        mem.zeroFrame(2);
        mem.zeroFrame(3);
        assertEquals(0, mem.backedFrames());
        assertThrows(IllegalArgumentException.class, () -> mem.zeroFrame(4));
        assertThrows(IllegalArgumentException.class, () -> mem.zeroFrame(-1));
    }

    @Test
    void addressesOutsideRamAndDevicesAreRejected() {
        PhysicalMemory mem = new PhysicalMemory(2 * PAGE);
        mem.attach(4 * PAGE, PAGE, new RecordingDevice(0));
        for (long pa : new long[] {-1, Long.MIN_VALUE, 2 * PAGE, 3 * PAGE, 5 * PAGE, Long.MAX_VALUE}) {
            for (int size : SIZES) {
                assertThrows(IllegalArgumentException.class, () -> load(mem, size, pa), "load at " + pa);
                assertThrows(IllegalArgumentException.class, () -> store(mem, size, pa, 1), "store at " + pa);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> mem.load64(2 * PAGE - 4), "crossing RAM's end");
        assertThrows(IllegalArgumentException.class, () -> mem.store32(2 * PAGE - 2, 0), "crossing RAM's end");
        assertFalse(mem.isRam(-1));
        assertFalse(mem.isRam(2 * PAGE));
        assertTrue(mem.isRam(2 * PAGE - 1));
        assertFalse(mem.isDevice(2 * PAGE));
    }

    @Test
    void deviceAccessesReachTheDeviceWithOffsetAndWidth() {
        PhysicalMemory mem = new PhysicalMemory(2 * PAGE);
        RecordingDevice dev = new RecordingDevice(0x1122_3344_5566_7788L);
        mem.attach("rec", 8 * PAGE, 2 * PAGE, dev);
        assertTrue(mem.isDevice(8 * PAGE));
        assertTrue(mem.isDevice(10 * PAGE - 1));
        assertFalse(mem.isDevice(10 * PAGE));
        assertFalse(mem.isRam(8 * PAGE));

        assertEquals(0x88, mem.load8(8 * PAGE + 3));
        assertEquals(0x7788, mem.load16(8 * PAGE + PAGE));
        assertEquals(0x5566_7788L, mem.load32(8 * PAGE + 16));
        assertEquals(0x1122_3344_5566_7788L, mem.load64(8 * PAGE + 24));
        mem.store8(8 * PAGE + 1, 0x1FF);
        mem.store16(8 * PAGE + 2, 0x12345);
        mem.store32(8 * PAGE + 4, -1L);
        mem.store64(8 * PAGE + 8, -2L);

        assertEquals(List.of(
                new RecordingDevice.Access(false, 3, 1, 0),
                new RecordingDevice.Access(false, PAGE, 2, 0),
                new RecordingDevice.Access(false, 16, 4, 0),
                new RecordingDevice.Access(false, 24, 8, 0),
                new RecordingDevice.Access(true, 1, 1, 0xFF),
                new RecordingDevice.Access(true, 2, 2, 0x2345),
                new RecordingDevice.Access(true, 4, 4, 0xFFFF_FFFFL),
                new RecordingDevice.Access(true, 8, 8, -2L)), dev.accesses);
        assertThrows(IllegalArgumentException.class, () -> mem.load64(10 * PAGE - 4), "crossing the device's end");
    }

    @Test
    void devicesAreListedInAddressOrder() {
        PhysicalMemory mem = new PhysicalMemory(PAGE);
        RecordingDevice a = new RecordingDevice(1);
        RecordingDevice b = new RecordingDevice(2);
        mem.attach("b", 10 * PAGE, PAGE, b);
        mem.attach("a", 2 * PAGE, PAGE, a);
        mem.attach(5 * PAGE, PAGE, new RecordingDevice(3));
        List<DeviceRegion> regions = mem.devices();
        assertEquals(List.of("a", "RecordingDevice", "b"), regions.stream().map(DeviceRegion::name).toList());
        assertEquals(new DeviceRegion("a", 2 * PAGE, PAGE, a), regions.get(0));
        assertEquals(2, mem.load64(10 * PAGE));
        assertEquals(1, mem.load64(2 * PAGE));
        assertThrows(UnsupportedOperationException.class, () -> regions.clear());
    }

    @Test
    void badDeviceRegionsAreRejected() {
        PhysicalMemory mem = new PhysicalMemory(4 * PAGE);
        RecordingDevice dev = new RecordingDevice(0);
        mem.attach("first", 8 * PAGE, 2 * PAGE, dev);
        assertThrows(IllegalArgumentException.class, () -> mem.attach(3 * PAGE, PAGE, dev), "inside RAM");
        assertThrows(IllegalArgumentException.class, () -> mem.attach(4 * PAGE + 8, PAGE, dev), "unaligned base");
        assertThrows(IllegalArgumentException.class, () -> mem.attach(5 * PAGE, 100, dev), "unaligned size");
        assertThrows(IllegalArgumentException.class, () -> mem.attach(5 * PAGE, 0, dev), "empty");
        assertThrows(IllegalArgumentException.class, () -> mem.attach(-PAGE, PAGE, dev), "negative");
        assertThrows(IllegalArgumentException.class, () -> mem.attach(Long.MAX_VALUE & -PAGE, 2 * PAGE, dev), "wraps");
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class, () -> mem.attach(9 * PAGE, PAGE, dev));
        assertTrue(overlap.getMessage().contains("first"), overlap.getMessage());
        assertThrows(IllegalArgumentException.class, () -> mem.attach(7 * PAGE, 2 * PAGE, dev), "overlaps the start");
        assertThrows(NullPointerException.class, () -> mem.attach(20 * PAGE, PAGE, null));
        mem.attach(10 * PAGE, PAGE, dev);
        mem.attach(4 * PAGE, 4 * PAGE, dev);
        assertEquals(3, mem.devices().size());
    }

    static void store(PhysicalMemory mem, int size, long pa, long value) {
        switch (size) {
            case 1 -> mem.store8(pa, value);
            case 2 -> mem.store16(pa, value);
            case 4 -> mem.store32(pa, value);
            default -> mem.store64(pa, value);
        }
    }

    static long load(PhysicalMemory mem, int size, long pa) {
        return switch (size) {
            case 1 -> mem.load8(pa);
            case 2 -> mem.load16(pa);
            case 4 -> mem.load32(pa);
            default -> mem.load64(pa);
        };
    }

    @Test
    void watchedFrameIsReportedOnceOnItsNextChange() {
        PhysicalMemory mem = new PhysicalMemory(16L * PAGE);
        List<Long> heard = new java.util.ArrayList<>();
        mem.addFrameWatcher(heard::add);
        mem.store64(3L * PAGE, 1);
        assertEquals(List.of(), heard, "nothing is watched");
        mem.watchFrame(3);
        mem.watchFrame(3);
        assertTrue(mem.isWatched(3));
        assertFalse(mem.isWatched(4));
        mem.store8(4L * PAGE, 1);
        mem.store16(3L * PAGE + 2, 7);
        assertEquals(List.of(3L), heard);
        assertFalse(mem.isWatched(3), "a report ends the watch");
        mem.store32(3L * PAGE, 9);
        assertEquals(List.of(3L), heard);
        for (int size : SIZES) {
            mem.watchFrame(5);
            switch (size) {
                case 1 -> mem.store8(5L * PAGE, 0);
                case 2 -> mem.store16(5L * PAGE, 0);
                case 4 -> mem.store32(5L * PAGE, 0);
                default -> mem.store64(5L * PAGE, 0);
            }
        }
        mem.watchFrame(6);
        mem.watchFrame(7);
        mem.write(7L * PAGE - 2, new byte[] {1, 2, 3, 4}, 0, 4); // crosses from frame 6 into 7
        mem.watchFrame(3);
        mem.zeroFrame(3);
        mem.watchFrame(8);
        mem.zeroFrame(8); // not backed: nothing changes
        assertEquals(List.of(3L, 5L, 5L, 5L, 5L, 6L, 7L, 3L), heard);
        assertTrue(mem.isWatched(8));
        assertThrows(IllegalArgumentException.class, () -> mem.watchFrame(16));
        assertFalse(mem.isWatched(-1));
    }

    @Test
    void frameArrayForStoreBacksTheFrame() {
        PhysicalMemory mem = new PhysicalMemory(4L * PAGE);
        assertEquals(null, mem.frameArray(2));
        byte[] frame = mem.frameArrayForStore(2);
        assertEquals(1, mem.backedFrames());
        frame[5] = 9;
        assertEquals(9, mem.load8(2L * PAGE + 5));
        assertEquals(frame, mem.frameArrayForStore(2));
        assertEquals(null, mem.frameArrayForStore(4));
    }

    static long truncate(long value, int size) {
        return size == 8 ? value : value & ((1L << (8 * size)) - 1);
    }
}
