package kola.machine;

import java.util.Objects;

/**
 * A range of physical addresses occupied by a device's registers, as placed by
 * {@link PhysicalMemory#attach(String, long, long, MmioDevice)}.
 *
 * @param name   a name for listings and traces
 * @param base   first physical address, page aligned
 * @param size   length in bytes, a positive multiple of the page size
 * @param device the device that serves loads and stores in the range
 */
public record DeviceRegion(String name, long base, long size, MmioDevice device) {

    /** Checks the fields are present; alignment and placement are checked by the memory. */
    public DeviceRegion {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(device, "device");
    }

    /** Returns the first physical address after the region. */
    public long end() {
        return base + size;
    }

    /** Tells whether physical address {@code pa} lies in the region. */
    public boolean contains(long pa) {
        return pa >= base && pa - base < size;
    }
}
