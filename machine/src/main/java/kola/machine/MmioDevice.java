package kola.machine;

/**
 * A device whose registers are mapped into the physical address space (memory-mapped I/O).
 *
 * <p>{@link PhysicalMemory} routes every load and store that falls into the device's region here,
 * with the offset from the region's base. An access is 1, 2, 4 or 8 bytes wide. Devices never
 * throw for a bad offset or value: user-level drivers reach them through mapped pages, and a
 * wrong access must not become a kernel exception. Undefined registers read as zero and ignore
 * writes.
 */
public interface MmioDevice {

    /**
     * Reads the register at {@code offset}.
     *
     * @param offset    byte offset from the base of the device's region
     * @param sizeBytes width of the access: 1, 2, 4 or 8
     * @return the value; the memory truncates it to the access width
     */
    long read(long offset, int sizeBytes);

    /**
     * Writes {@code value} to the register at {@code offset}.
     *
     * @param offset    byte offset from the base of the device's region
     * @param sizeBytes width of the access: 1, 2, 4 or 8
     * @param value     the value, truncated to the access width
     */
    void write(long offset, int sizeBytes, long value);
}
