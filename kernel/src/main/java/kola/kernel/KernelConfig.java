package kola.kernel;

import kola.abi.Schedule;

/**
 * Boot-time parameters of the kernel. Every field has a default ({@link #defaults()}); the
 * {@code with*} methods derive a changed copy.
 *
 * @param kernelMemoryBytes the central kernel-memory pool reserved at boot (L4's fixed pool, paper section 4.2)
 * @param threadNumberLimit one more than the highest thread number the kernel accepts
 * @param timesliceMicros   the default time slice, in simulated microseconds
 * @param defaultPriority   the priority of a newly created thread (X.2 leaves it to the kernel; Pistachio uses 100)
 * @param bootPriority      the priority of sigma0 and the root task
 * @param comm              the communication-control model (paper section 4.1)
 * @param kmem              the kernel-memory model (paper section 4.2)
 * @param fastPath          whether IPC takes its fast path for the call and the reply-and-wait it can
 *                          (on by default; off only to check that the general path does the same)
 */
public record KernelConfig(long kernelMemoryBytes, long threadNumberLimit, long timesliceMicros,
                           int defaultPriority, int bootPriority, CommModel comm, KmemModel kmem,
                           boolean fastPath) {

    public KernelConfig {
        if (kernelMemoryBytes < 64 * 1024 || kernelMemoryBytes % 4096 != 0) {
            throw new IllegalArgumentException("kernel memory must be a multiple of 4 KiB and at least 64 KiB, not "
                    + kernelMemoryBytes);
        }
        if (threadNumberLimit <= Kernel.USER_BASE + 3 || threadNumberLimit > 1L << 32) {
            throw new IllegalArgumentException("thread number limit out of range: " + threadNumberLimit);
        }
        if (timesliceMicros <= 0) {
            throw new IllegalArgumentException("time slice must be positive: " + timesliceMicros);
        }
        java.util.Objects.requireNonNull(comm, "comm");
        java.util.Objects.requireNonNull(kmem, "kmem");
        if (defaultPriority < 0 || defaultPriority > Schedule.MAX_PRIORITY
                || bootPriority < 0 || bootPriority > Schedule.MAX_PRIORITY) {
            throw new IllegalArgumentException("priorities lie in 0..255");
        }
    }

    /** 16 MiB of kernel memory, 2^22 thread numbers, 10 ms slices, priority 100, boot tasks at 255. */
    public static KernelConfig defaults() {
        return new KernelConfig(16L << 20, 1L << 22, 10_000, 100, Schedule.MAX_PRIORITY, CommModel.GLOBAL_IDS, KmemModel.PRECISE, true);
    }

    /** This configuration with another kernel-memory pool size. */
    public KernelConfig withKernelMemory(long bytes) {
        return new KernelConfig(bytes, threadNumberLimit, timesliceMicros, defaultPriority, bootPriority, comm, kmem, fastPath);
    }

    /** This configuration with another thread number limit. */
    public KernelConfig withThreadNumberLimit(long limit) {
        return new KernelConfig(kernelMemoryBytes, limit, timesliceMicros, defaultPriority, bootPriority, comm, kmem, fastPath);
    }

    /** This configuration with another default time slice. */
    public KernelConfig withTimeslice(long micros) {
        return new KernelConfig(kernelMemoryBytes, threadNumberLimit, micros, defaultPriority, bootPriority, comm, kmem, fastPath);
    }

    /** This configuration with another communication model. */
    public KernelConfig withComm(CommModel model) {
        return new KernelConfig(kernelMemoryBytes, threadNumberLimit, timesliceMicros, defaultPriority, bootPriority, model, kmem, fastPath);
    }

    /** This configuration with another kernel-memory model. */
    public KernelConfig withKmem(KmemModel model) {
        return new KernelConfig(kernelMemoryBytes, threadNumberLimit, timesliceMicros, defaultPriority, bootPriority, comm, model, fastPath);
    }

    /** This configuration with IPC's fast path on or off. */
    public KernelConfig withFastPath(boolean on) {
        return new KernelConfig(kernelMemoryBytes, threadNumberLimit, timesliceMicros, defaultPriority, bootPriority, comm, kmem, on);
    }
}
