package kola.abi;

/**
 * MemoryControl and ProcessorControl (L4 X.2, the two privileged calls that set how the machine
 * treats memory and the processor): their words on Kola.
 *
 * <p><b>Memory attributes.</b> X.2 leaves their values to the architecture, 0 being the default.
 * Kola's machine is RISC-V with the Svpbmt extension, and an attribute is a page's memory type
 * there (the PBMT field, bits 61..62 of its leaf): {@link #DEFAULT} (0, PMA: RAM is cacheable),
 * {@link #NONCACHEABLE} (1, NC: non-cacheable, idempotent main memory) and {@link #IO} (2, IO:
 * non-cacheable, non-idempotent). Any other value is an invalid parameter. On a machine with a
 * memory cache an access to an NC or IO page bypasses the cache and costs a trip to memory; on
 * one without, every access costs the same and the attribute is only kept.
 *
 * <p><b>MemoryControl(control, attribute0..3)</b>: k = control's low 6 bits (any other bit is an
 * invalid parameter), fpages in MR0..MRk; the low 2 bits of each fpage (where its w and x rights
 * would be) choose which of attribute0..3 it gets. The attribute is set on every page the
 * caller's address space holds in the fpage (the complete fpage: all of them); pages it does not
 * hold are skipped, as are the nil fpage and the kernel's KIP and UTCB pages. It is a property of
 * the caller's mapping: a page mapped or granted on from it gets the default in the receiver's
 * space, rights changes keep it, and it goes with the mapping. Every fpage and attribute is
 * checked before any is set; a malformed fpage (an object fpage included) or an attribute out of
 * range fails the call with {@link KernelError#INVALID_PARAMETER} and nothing changes. A later
 * fpage that overlaps an earlier one sets its pages again. Privileged: other callers get
 * {@link KernelError#NO_PRIVILEGE}. Returns 1, or 0 on failure.
 *
 * <p><b>ProcessorControl(ProcessorNo, InternalFrequency, ExternalFrequency, voltage)</b>: the
 * machine has one processor, 0. InternalFrequency (kHz, 1 to 1000000) is its rate: the work the
 * cost model charges in cycles takes time at that rate, while time (timeouts, time slices,
 * SystemClock) runs on at the 1 GHz time base, its ExternalFrequency; the KIP's processor
 * descriptor shows the rate. The time base cannot change and the machine has no voltage. 0 or
 * {@link #UNCHANGED} (all ones) leaves a parameter as it is, and so does its current value; a
 * change of the external frequency or the voltage, a rate out of range or another processor
 * fails with {@link KernelError#INVALID_PARAMETER} and changes nothing. Privileged, as
 * MemoryControl. Returns 1, or 0 on failure.
 */
public final class MemoryControl {
    /** The default memory attribute (X.2 {@code L4_DefaultMemory}): Svpbmt PMA, cacheable RAM. */
    public static final long DEFAULT = 0;
    /** Svpbmt NC: non-cacheable, idempotent memory (accesses bypass the cache). */
    public static final long NONCACHEABLE = 1;
    /** Svpbmt IO: non-cacheable, non-idempotent memory (accesses bypass the cache). */
    public static final long IO = 2;
    /** The highest valid attribute. */
    public static final long MAX_ATTRIBUTE = IO;
    /** The bits of MemoryControl's control word: k, the last MR holding an fpage. */
    public static final long K_MASK = 0x3F;
    /** A ProcessorControl parameter that leaves its setting as it is (0 does too). */
    public static final long UNCHANGED = -1L;

    private MemoryControl() {
    }

    /** The attribute index (0..3) an fpage word selects: its low 2 bits. */
    public static int attributeIndex(long fpage) {
        return (int) (fpage & 3);
    }
}
