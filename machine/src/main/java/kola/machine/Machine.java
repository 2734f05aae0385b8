package kola.machine;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * The simulated machine: RAM, cycle clock, TLB and MMU, optionally a memory {@link Cache},
 * interrupt controller, timer and UART, wired together. It is the whole of the hardware the kernel sees.
 *
 * <p>Physical address map: RAM from 0 to {@code ramBytes}; device registers, one page each, from
 * {@link #deviceBase()} = {@code ramBytes} rounded up to {@value #DEVICE_ALIGNMENT} bytes:
 * <table>
 *   <caption>Devices</caption>
 *   <tr><th>address</th><th>device</th><th>interrupt line</th></tr>
 *   <tr><td>{@code deviceBase() + }{@value #UART_OFFSET}</td><td>{@link Uart}</td><td>{@value #UART_IRQ}</td></tr>
 *   <tr><td>{@code deviceBase() + }{@value #TIMER_OFFSET}</td><td>{@link Timer}</td><td>{@value #TIMER_IRQ}</td></tr>
 *   <tr><td>{@code deviceBase() + }{@value #PIC_OFFSET}</td><td>{@link InterruptController}</td><td>-</td></tr>
 * </table>
 */
public final class Machine {

    /** Device registers start at RAM's end rounded up to this alignment: 1 GiB, one Sv39 gigapage. */
    public static final long DEVICE_ALIGNMENT = 1L << 30;
    /** Offset of the UART's register page from {@link #deviceBase()}. */
    public static final long UART_OFFSET = 0x0000;
    /** Offset of the timer's register page from {@link #deviceBase()}. */
    public static final long TIMER_OFFSET = 0x1000;
    /** Offset of the interrupt controller's register page from {@link #deviceBase()}. */
    public static final long PIC_OFFSET = 0x2000;
    /** Size of each device's register region: one page. */
    public static final long DEVICE_REGION_SIZE = PhysicalMemory.PAGE_SIZE;

    /** Interrupt line of the timer. */
    public static final int TIMER_IRQ = 1;
    /** Interrupt line of the UART. */
    public static final int UART_IRQ = 2;
    /** Number of interrupt lines. */
    public static final int LINES = 32;

    /**
     * How to build a machine.
     *
     * @param ramBytes   RAM size, a positive multiple of the page size
     * @param tlbEntries TLB entries, a positive power of two
     * @param uartIn     host input of the UART, or null for none
     * @param uartOut    host output of the UART, or null to discard
     * @param cache      the geometry of the memory cache, or null for none (DESIGN.md,
     *                   "Micro-architecture cost model"): without one, every access that hits
     *                   the TLB costs {@link CostModel#MEMORY_ACCESS}
     */
    public record Config(long ramBytes, int tlbEntries, InputStream uartIn, OutputStream uartOut, Cache.Geometry cache) {

        /** A machine without a memory cache. */
        public Config(long ramBytes, int tlbEntries, InputStream uartIn, OutputStream uartOut) {
            this(ramBytes, tlbEntries, uartIn, uartOut, null);
        }

        /** RAM of {@link #defaults()}: 256 MiB. */
        public static final long DEFAULT_RAM_BYTES = 256L << 20;

        /** 256 MiB of RAM, a 256-entry TLB, no UART input, UART output to {@link System#out}, no memory cache. */
        public static Config defaults() {
            return new Config(DEFAULT_RAM_BYTES, Tlb.DEFAULT_ENTRIES, null, System.out);
        }

        /** Returns this configuration with {@code ramBytes} of RAM. */
        public Config withRamBytes(long ramBytes) {
            return new Config(ramBytes, tlbEntries, uartIn, uartOut, cache);
        }

        /** Returns this configuration with the UART connected to {@code in} and {@code out}. */
        public Config withUart(InputStream in, OutputStream out) {
            return new Config(ramBytes, tlbEntries, in, out, cache);
        }

        /** Returns this configuration with a memory cache of {@code geometry} (null: none). */
        public Config withCache(Cache.Geometry geometry) {
            return new Config(ramBytes, tlbEntries, uartIn, uartOut, geometry);
        }
    }

    private final PhysicalMemory memory;
    private final CycleClock clock;
    private final Tlb tlb;
    private final Cache cache;
    private final Mmu mmu;
    private final InterruptController pic;
    private final Timer timer;
    private final Uart uart;
    private final long deviceBase;

    /**
     * Builds a machine.
     *
     * @throws IllegalArgumentException if the RAM size or TLB size is not acceptable
     */
    public Machine(Config config) {
        memory = new PhysicalMemory(config.ramBytes());
        clock = new CycleClock();
        tlb = new Tlb(config.tlbEntries());
        cache = config.cache() == null ? null : new Cache(config.cache());
        mmu = new Mmu(memory, tlb, clock, cache);
        pic = new InterruptController(LINES);
        timer = new Timer(clock, pic, TIMER_IRQ);
        uart = new Uart(pic, UART_IRQ, config.uartIn(), config.uartOut());
        deviceBase = (config.ramBytes() + DEVICE_ALIGNMENT - 1) & -DEVICE_ALIGNMENT;
        memory.attach("uart", uartBase(), DEVICE_REGION_SIZE, uart);
        memory.attach("timer", timerBase(), DEVICE_REGION_SIZE, timer);
        memory.attach("pic", picBase(), DEVICE_REGION_SIZE, pic);
    }

    /** Returns the physical memory. */
    public PhysicalMemory memory() {
        return memory;
    }

    /** Returns the cycle clock. */
    public CycleClock clock() {
        return clock;
    }

    /** Returns the TLB. */
    public Tlb tlb() {
        return tlb;
    }

    /**
     * Returns the memory cache every user access goes through, or null if the machine has none
     * (the default).
     */
    public Cache cache() {
        return cache;
    }

    /** Returns the MMU. */
    public Mmu mmu() {
        return mmu;
    }

    /** Returns the interrupt controller. */
    public InterruptController pic() {
        return pic;
    }

    /** Returns the timer. */
    public Timer timer() {
        return timer;
    }

    /** Returns the UART. */
    public Uart uart() {
        return uart;
    }

    /** Returns the first physical address of device registers: RAM's end rounded up to 1 GiB. */
    public long deviceBase() {
        return deviceBase;
    }

    /** Returns the physical address of the UART's registers. */
    public long uartBase() {
        return deviceBase + UART_OFFSET;
    }

    /** Returns the physical address of the timer's registers. */
    public long timerBase() {
        return deviceBase + TIMER_OFFSET;
    }

    /** Returns the physical address of the interrupt controller's registers. */
    public long picBase() {
        return deviceBase + PIC_OFFSET;
    }

    /** Lets the devices catch up with the clock and the host: fires a due timer, receives UART input. */
    public void pollDevices() {
        timer.poll();
        uart.poll();
    }

    /** Returns the cycle at which a device will next raise an interrupt by itself: the timer's deadline, or {@link Long#MAX_VALUE}. */
    public long nextDeviceDeadline() {
        return timer.deadline();
    }
}
