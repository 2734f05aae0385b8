package kola.cli.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.MemoryAddress;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The kernel event stream ({@link kola.kernel.KernelEvents}) as JDK Flight Recorder events, one
 * class per event type, all in the category "Kola" and named {@code kola.*}, so that a recording
 * opens in JDK Mission Control (Event Browser, category Kola) or prints with
 * {@code jfr print --categories Kola run.jfr}. {@link JfrListener} emits them. Each carries the
 * simulated time ({@code simulatedTime}, from the kernel's cycle clock) beside JFR's own wall-clock
 * timestamp; threads are named as in the traces ({@code A 43.1}). No stack traces: the Java stack
 * of the kernel loop says nothing about the simulated system.
 */
public final class KolaJfrEvents {
    private KolaJfrEvents() {
    }

    /** What every Kola event has: the simulated time. */
    @StackTrace(false)
    abstract static class KolaEvent extends Event {
        @Label("Simulated time")
        @Description("The kernel's cycle clock at the event, as time since boot")
        @Timespan(Timespan.NANOSECONDS)
        long simulatedTime;
    }


    /** The CPU went from one thread to another (0: idle). */
    @Name("kola.Switch")
    @Label("Thread switch")
    @Category({"Kola", "Scheduling"})
    @Description("The CPU went from one thread to another (0: idle).")
    public static final class Switch extends KolaEvent {
        @Label("Previous thread")
        String previous;
        @Label("Next thread")
        String next;
    }

    /** A message went from a sender to a receiver (L4 X.2 IPC). */
    @Name("kola.IpcTransfer")
    @Label("IPC transfer")
    @Category({"Kola", "IPC"})
    @Description("A message went from a sender to a receiver (L4 X.2 IPC).")
    public static final class IpcTransfer extends KolaEvent {
        @Label("Sender")
        String sender;
        @Label("Receiver")
        String receiver;
        @Label("Message")
        String message;
        @Label("Label")
        long label;
        @Label("Untyped words")
        int untyped;
        @Label("Typed words")
        int typed;
    }

    /** The kernel sends a message on a thread's behalf: page-fault or exception IPC. */
    @Name("kola.KernelIpc")
    @Label("Kernel-made IPC")
    @Category({"Kola", "IPC"})
    @Description("The kernel sends a message on a thread's behalf: page-fault or exception IPC.")
    public static final class KernelIpc extends KolaEvent {
        @Label("Thread")
        String thread;
        @Label("Message")
        String message;
    }

    /** A blocked IPC timed out. */
    @Name("kola.IpcTimeout")
    @Label("IPC timeout")
    @Category({"Kola", "IPC"})
    @Description("A blocked IPC timed out.")
    public static final class IpcTimeout extends KolaEvent {
        @Label("Thread")
        String thread;
        @Label("Error")
        long error;
    }

    /** A blocked IPC was cancelled or aborted. */
    @Name("kola.IpcCancel")
    @Label("IPC cancelled")
    @Category({"Kola", "IPC"})
    @Description("A blocked IPC was cancelled or aborted.")
    public static final class IpcCancel extends KolaEvent {
        @Label("Thread")
        String thread;
        @Label("Error")
        long error;
    }

    /** A memory access found no usable mapping. */
    @Name("kola.PageFault")
    @Label("Page fault")
    @Category({"Kola", "Memory"})
    @Description("A memory access found no usable mapping.")
    public static final class PageFault extends KolaEvent {
        @Label("Thread")
        String thread;
        @MemoryAddress
        @Label("Address")
        long address;
        @Label("Access")
        String access;
    }

    /** A map or grant item was transferred (the mapping database grew or a node moved). */
    @Name("kola.Map")
    @Label("Map or grant")
    @Category({"Kola", "Memory"})
    @Description("A map or grant item was transferred (the mapping database grew or a node moved).")
    public static final class Map extends KolaEvent {
        @Label("Sender")
        String sender;
        @Label("Receiver")
        String receiver;
        @MemoryAddress
        @Label("Destination base")
        long destination;
        @Label("Grant")
        boolean grant;
    }

    /** A thread unmapped (or flushed) an fpage and every mapping derived from it. */
    @Name("kola.Unmap")
    @Label("Unmap")
    @Category({"Kola", "Memory"})
    @Description("A thread unmapped (or flushed) an fpage and every mapping derived from it.")
    public static final class Unmap extends KolaEvent {
        @Label("Thread")
        String thread;
        @Label("Fpage")
        String fpage;
        @Label("Flush")
        boolean flush;
    }

    /** An interrupt line fired and goes to its handler as IPC. */
    @Name("kola.Interrupt")
    @Label("Interrupt")
    @Category({"Kola", "Devices"})
    @Description("An interrupt line fired and goes to its handler as IPC.")
    public static final class Interrupt extends KolaEvent {
        @Label("Line")
        long line;
        @Label("Handler")
        String handler;
    }

    /** A thread entered the kernel for something other than IPC. */
    @Name("kola.SystemCall")
    @Label("System call")
    @Category({"Kola", "Scheduling"})
    @Description("A thread entered the kernel for something other than IPC.")
    public static final class SystemCall extends KolaEvent {
        @Label("Thread")
        String thread;
        @Label("Call")
        String call;
    }

    /** A thread's program ended, threw, or the kernel halted it. */
    @Name("kola.Halt")
    @Label("Thread halt")
    @Category({"Kola", "Lifecycle"})
    @Description("A thread's program ended, threw, or the kernel halted it.")
    public static final class Halt extends KolaEvent {
        @Label("Thread")
        String thread;
        @Label("How")
        String how;
    }

    /** ThreadControl created a thread. */
    @Name("kola.ThreadCreate")
    @Label("Thread created")
    @Category({"Kola", "Lifecycle"})
    @Description("ThreadControl created a thread.")
    public static final class ThreadCreate extends KolaEvent {
        @Label("Thread")
        String thread;
        @Label("Address space")
        int asid;
    }

    /** ThreadControl deleted a thread. */
    @Name("kola.ThreadDelete")
    @Label("Thread deleted")
    @Category({"Kola", "Lifecycle"})
    @Description("ThreadControl deleted a thread.")
    public static final class ThreadDelete extends KolaEvent {
        @Label("Thread")
        String thread;
        @Label("Address space")
        int asid;
    }

    /** An address space was created. */
    @Name("kola.SpaceCreate")
    @Label("Space created")
    @Category({"Kola", "Lifecycle"})
    @Description("An address space was created.")
    public static final class SpaceCreate extends KolaEvent {
        @Label("Address space")
        int asid;
    }

    /** An address space was deleted. */
    @Name("kola.SpaceDelete")
    @Label("Space deleted")
    @Category({"Kola", "Lifecycle"})
    @Description("An address space was deleted.")
    public static final class SpaceDelete extends KolaEvent {
        @Label("Address space")
        int asid;
        @Label("Name")
        String name;
    }
}
