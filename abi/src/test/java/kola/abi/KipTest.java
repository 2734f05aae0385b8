package kola.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KipTest {
    static Kip kip(List<Kip.BootModule> modules) {
        return new Kip(Kip.API_VERSION_X2, List.of(new Kip.MemoryDescriptor(Kip.MemoryDescriptor.Type.CONVENTIONAL, 0, 1 << 20)),
                32, 64, 1 << 22, 10, 12, 12, 32, 1000, modules);
    }

    @Test
    void magicIsL4MicroKernelLittleEndian() {
        assertEquals('L', Kip.MAGIC & 0xFF);
        assertEquals('4', Kip.MAGIC >>> 8 & 0xFF);
        assertEquals(0xE6, Kip.MAGIC >>> 16 & 0xFF);
        assertEquals('K', Kip.MAGIC >>> 24 & 0xFF);
        assertEquals(0x84, Kip.API_VERSION_X2);
    }

    @Test
    void wellKnownThreads() {
        Kip k = kip(List.of());
        assertEquals(ThreadId.global(64, 1), k.sigma0());
        assertEquals(ThreadId.global(66, 1), k.rootTask());
        assertEquals(ThreadId.global(3, 1), k.interruptThread(3));
    }

    @Test
    void bootModules() {
        Kip.BootModule a = new Kip.BootModule(2, "a", 3L << 32, 100, List.of("x"));
        Kip k = kip(List.of(a));
        assertEquals(a, k.module("a"));
        assertNull(k.module("b"));
        assertEquals((3L << 32) + 5, a.entry(5));
        assertEquals(3L << 32, a.entry(0));
    }

    @Test
    void listsAreImmutableCopies() {
        List<Kip.BootModule> modules = new ArrayList<>();
        modules.add(new Kip.BootModule(0, "m", 1L << 32, 1, new ArrayList<>(List.of("arg"))));
        Kip k = kip(modules);
        modules.clear();
        assertEquals(1, k.bootModules().size());
        assertThrows(UnsupportedOperationException.class, () -> k.bootModules().clear());
        assertThrows(UnsupportedOperationException.class, () -> k.memory().clear());
        assertThrows(UnsupportedOperationException.class, () -> k.bootModules().get(0).args().clear());
        List<Kip.BootModule> withNull = new ArrayList<>();
        withNull.add(null);
        assertThrows(NullPointerException.class, () -> kip(withNull));
    }

    @Test
    void standardAreasAreValidAndApart() {
        assertTrue(Fpage.isValid(Kip.STANDARD_KIP_AREA));
        assertEquals(12, Fpage.sizeLog2(Kip.STANDARD_KIP_AREA));
        assertTrue(Fpage.isValid(Kip.STANDARD_UTCB_AREA));
        assertEquals(20, Fpage.sizeLog2(Kip.STANDARD_UTCB_AREA));
        assertFalse(Fpage.overlaps(Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA));
        assertEquals(0, Fpage.rights(Kip.STANDARD_KIP_AREA));
    }
}
