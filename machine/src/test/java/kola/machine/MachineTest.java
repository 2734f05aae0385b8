package kola.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MachineTest {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    @Test
    void defaultsAreASmallMachineOnTheConsole() {
        Machine.Config config = Machine.Config.defaults();
        assertEquals(256 * MIB, config.ramBytes());
        assertEquals(256, config.tlbEntries());
        assertEquals(null, config.uartIn());
        assertEquals(System.out, config.uartOut());
        Machine machine = new Machine(config);
        assertEquals(256 * MIB, machine.memory().ramBytes());
        assertEquals(256, machine.tlb().entries());
        assertEquals(0, machine.clock().now());
        assertEquals(Machine.LINES, machine.pic().lines());
        assertEquals(machine.memory(), machine.mmu().memory());
        assertEquals(machine.tlb(), machine.mmu().tlb());
        assertEquals(Machine.TIMER_IRQ, machine.timer().line());
        assertEquals(Machine.UART_IRQ, machine.uart().line());
    }

    @Test
    void theCacheIsOffByDefaultAndOnWhenConfigured() {
        Machine plain = new Machine(Machine.Config.defaults().withUart(null, null));
        assertEquals(null, plain.cache());
        assertEquals(null, plain.mmu().cache());
        Machine.Config config = Machine.Config.defaults().withCache(new Cache.Geometry(256, 4, 64)).withRamBytes(64 * MIB)
                .withUart(null, null);
        assertEquals(new Cache.Geometry(256, 4, 64), config.cache(), "kept by the other with- methods");
        Machine cached = new Machine(config);
        assertEquals(new Cache.Geometry(256, 4, 64), cached.cache().geometry());
        assertEquals(cached.cache(), cached.mmu().cache());
        assertEquals(0, cached.cache().validLines());
        assertEquals(4, cached.cache().colours());
        assertEquals(null, new Machine(config.withCache(null).withUart(null, null)).cache());
        assertThrows(IllegalArgumentException.class, () -> config.withCache(new Cache.Geometry(256, 3, 64)));
    }

    @Test
    void devicesSitOnePageEachAboveRamRoundedToAGibibyte() {
        Machine machine = new Machine(Machine.Config.defaults().withRamBytes(256 * MIB));
        assertEquals(GIB, machine.deviceBase());
        assertEquals(GIB, machine.uartBase());
        assertEquals(GIB + 0x1000, machine.timerBase());
        assertEquals(GIB + 0x2000, machine.picBase());
        List<DeviceRegion> devices = machine.memory().devices();
        assertEquals(List.of("uart", "timer", "pic"), devices.stream().map(DeviceRegion::name).toList());
        assertEquals(machine.uart(), devices.get(0).device());
        assertEquals(2 * GIB, new Machine(Machine.Config.defaults().withRamBytes(GIB + 4096)).deviceBase());
        assertEquals(GIB, new Machine(Machine.Config.defaults().withRamBytes(GIB)).deviceBase());
    }

    @Test
    void deviceRegistersAreReachedThroughPhysicalMemory() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Machine machine = new Machine(Machine.Config.defaults().withUart(null, out));
        PhysicalMemory mem = machine.memory();
        for (char c : "hi\n".toCharArray()) {
            mem.store8(machine.uartBase() + Uart.REG_DATA, c);
        }
        assertEquals("hi\n", out.toString(StandardCharsets.US_ASCII));
        machine.clock().advance(77);
        assertEquals(77, mem.load64(machine.timerBase() + Timer.REG_NOW));
        mem.store64(machine.timerBase() + Timer.REG_DEADLINE, 100);
        assertEquals(100, machine.nextDeviceDeadline());
        mem.store64(machine.picBase() + InterruptController.REG_MASK_CLEAR, 1L << Machine.TIMER_IRQ);
        assertFalse(machine.pic().isMasked(Machine.TIMER_IRQ));
    }

    @Test
    void pollingFiresTheTimer() {
        Machine machine = new Machine(Machine.Config.defaults().withUart(null, null));
        assertEquals(Long.MAX_VALUE, machine.nextDeviceDeadline());
        machine.timer().arm(1000);
        machine.pic().unmask(Machine.TIMER_IRQ);
        machine.pollDevices();
        assertEquals(-1, machine.pic().nextPending());
        machine.clock().advanceTo(machine.nextDeviceDeadline());
        machine.pollDevices();
        assertEquals(Machine.TIMER_IRQ, machine.pic().nextPending());
        assertEquals(Long.MAX_VALUE, machine.nextDeviceDeadline());
    }

    @Test
    void pollingReceivesUartInput() {
        Machine machine = new Machine(Machine.Config.defaults()
                .withUart(new java.io.ByteArrayInputStream(new byte[] {'q'}), null));
        machine.pic().unmask(Machine.UART_IRQ);
        assertTrue(machine.uart().awaitInput(java.util.concurrent.TimeUnit.SECONDS.toNanos(1)));
        machine.pollDevices();
        assertEquals(Machine.UART_IRQ, machine.pic().nextPending());
        assertEquals('q', machine.memory().load64(machine.uartBase() + Uart.REG_DATA));
    }

    @Test
    void badConfigurationsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Machine(Machine.Config.defaults().withRamBytes(1000)));
        assertThrows(IllegalArgumentException.class,
                () -> new Machine(new Machine.Config(256 * MIB, 100, null, null)));
    }
}
