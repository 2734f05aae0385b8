package kola.cli.trace;

import kola.abi.Fpage;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.kernel.Kernel;
import kola.kernel.KernelEvents;
import kola.machine.CostModel;

/**
 * Emits the kernel event stream as JFR events ({@link KolaJfrEvents}). Each event is built only
 * when its type is enabled in a running recording ({@code isEnabled()}: with no recording, or with
 * the type disabled, the cost is that check on an object the JIT does not even allocate), so the
 * listener can stay attached. Start a recording with
 * {@code KOLA_JAVA_OPTS="-XX:StartFlightRecording=filename=run.jfr" ./kola demo fig1 --jfr}, or let
 * the command start one with {@code --jfr=run.jfr}.
 */
public final class JfrListener implements KernelEvents.Listener {
    private final TraceNames names;

    /** A listener that names threads with the help of {@code kernel}'s snapshots (may be null). */
    public JfrListener(Kernel kernel) {
        this.names = new TraceNames(kernel);
    }

    private static long nanos(long cycles) {
        return cycles * 1000 / CostModel.CYCLES_PER_MICROSECOND;
    }

    @Override
    public void event(int type, long time, long a, long b, long c) {
        names.learn(type, a, b);
        switch (type) {
            case KernelEvents.SWITCH -> {
                var e = new KolaJfrEvents.Switch();
                if (e.isEnabled()) {
                    e.simulatedTime = nanos(time);
                    e.previous = names.thread(a);
                    e.next = names.thread(b);
                    e.commit();
                }
            }
            case KernelEvents.TRANSFER -> {
                var e = new KolaJfrEvents.IpcTransfer();
                if (e.isEnabled()) {
                    e.simulatedTime = nanos(time);
                    e.sender = names.thread(a);
                    e.receiver = names.thread(b);
                    e.message = EventText.label(c);
                    e.label = MsgTag.label(c);
                    e.untyped = MsgTag.untyped(c);
                    e.typed = MsgTag.typed(c);
                    e.commit();
                }
            }
            case KernelEvents.KERNEL_IPC -> {
                var e = new KolaJfrEvents.KernelIpc();
                if (e.isEnabled()) {
                    e.simulatedTime = nanos(time);
                    e.thread = names.thread(a);
                    e.message = EventText.label(b);
                    e.commit();
                }
            }
            case KernelEvents.TIMEOUT -> {
                var e = new KolaJfrEvents.IpcTimeout();
                if (e.isEnabled()) {
                    e.simulatedTime = nanos(time);
                    e.thread = names.thread(a);
                    e.error = b;
                    e.commit();
                }
            }
            case KernelEvents.CANCEL -> {
                var e = new KolaJfrEvents.IpcCancel();
                if (e.isEnabled()) {
                    e.simulatedTime = nanos(time);
                    e.thread = names.thread(a);
                    e.error = b;
                    e.commit();
                }
            }
            case KernelEvents.FAULT -> {
                var e = new KolaJfrEvents.PageFault();
                if (e.isEnabled()) {
                    e.simulatedTime = nanos(time);
                    e.thread = names.thread(a);
                    e.address = b;
                    e.access = EventText.rights(c);
                    e.commit();
                }
            }
            case KernelEvents.MAP -> {
                var e = new KolaJfrEvents.Map();
                if (e.isEnabled()) {
                    e.simulatedTime = nanos(time);
                    e.sender = names.thread(a);
                    e.receiver = names.thread(b);
                    e.destination = c & ~1L;
                    e.grant = (c & 1) != 0;
                    e.commit();
                }
            }
            case KernelEvents.UNMAP -> {
                var e = new KolaJfrEvents.Unmap();
                if (e.isEnabled()) {
                    e.simulatedTime = nanos(time);
                    e.thread = names.thread(a);
                    e.fpage = Fpage.toString(b);
                    e.flush = c != 0;
                    e.commit();
                }
            }
            case KernelEvents.INTERRUPT -> {
                var e = new KolaJfrEvents.Interrupt();
                if (e.isEnabled()) {
                    e.simulatedTime = nanos(time);
                    e.line = a;
                    e.handler = names.thread(b);
                    e.commit();
                }
            }
            case KernelEvents.TRAP -> {
                var e = new KolaJfrEvents.SystemCall();
                if (e.isEnabled()) {
                    e.simulatedTime = nanos(time);
                    e.thread = names.thread(a);
                    e.call = EventText.trap(b);
                    e.commit();
                }
            }
            case KernelEvents.HALT -> {
                var e = new KolaJfrEvents.Halt();
                if (e.isEnabled()) {
                    e.simulatedTime = nanos(time);
                    e.thread = names.thread(a);
                    e.how = EventText.halt(b);
                    e.commit();
                }
            }
            case KernelEvents.THREAD_CREATE -> {
                var e = new KolaJfrEvents.ThreadCreate();
                if (e.isEnabled()) {
                    e.simulatedTime = nanos(time);
                    e.thread = ThreadId.toString(a);
                    e.asid = (int) b;
                    e.commit();
                }
            }
            case KernelEvents.THREAD_DELETE -> {
                var e = new KolaJfrEvents.ThreadDelete();
                if (e.isEnabled()) {
                    e.simulatedTime = nanos(time);
                    e.thread = names.thread(a);
                    e.asid = (int) b;
                    e.commit();
                }
            }
            case KernelEvents.SPACE_CREATE -> {
                var e = new KolaJfrEvents.SpaceCreate();
                if (e.isEnabled()) {
                    e.simulatedTime = nanos(time);
                    e.asid = (int) a;
                    e.commit();
                }
            }
            case KernelEvents.SPACE_DELETE -> {
                var e = new KolaJfrEvents.SpaceDelete();
                if (e.isEnabled()) {
                    e.simulatedTime = nanos(time);
                    e.asid = (int) a;
                    e.name = names.space((int) a);
                    e.commit();
                }
            }
            default -> { }
        }
    }
}
