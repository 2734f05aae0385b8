package kola.bench;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.machine.Machine;
import kola.system.DefaultImage;

/**
 * Boot time: host time from nothing (no machine, no kernel) to the shell's prompt
 * {@value #PROMPT} on the UART, for the default image (sigma0, root task, name server, UART and
 * timer drivers, console, shell: {@code DefaultImage.modules(List.of())}, as {@code kola run}
 * boots it) with a console input that ends at once. The clock starts before the
 * {@link Machine} is built and stops when the UART transmits the prompt's last byte (a
 * {@link PromptWatcher} on the UART's host output). The run then goes on until the shell has read
 * the end of input and the system is idle, which is checked: the shell's banner and prompt were
 * printed and the kernel reported no halted thread.
 */
final class BootBench {
    static final String PROMPT = "kola> ";
    /** The default machine's RAM. */
    static final long DEFAULT_RAM = Machine.Config.DEFAULT_RAM_BYTES;
    /** The big machine's RAM: 64 GiB. */
    static final long BIG_RAM = 64L << 30;

    private BootBench() {
    }

    /** One boot: host ns to the prompt, and to the end of the run. */
    record Boot(long ramBytes, long nanosToPrompt, long nanosTotal, long traps) {
    }

    /** The default image, built as the command line builds it ({@code cli/Images.of}). */
    static Image defaultImage(boolean sandboxed) {
        return SystemImages.of(DefaultImage.modules(List.of()), sandboxed);
    }

    /** Boots the default image on a machine of {@code ramBytes} with the default kernel configuration. */
    static Boot boot(long ramBytes) {
        return boot(ramBytes, true);
    }

    /** Boots the default image, its programs sandboxed (as {@code ./kola} runs them) or as the host loaded them. */
    static Boot boot(long ramBytes, boolean sandboxed) {
        ByteArrayOutputStream kernelConsole = new ByteArrayOutputStream();
        long start = System.nanoTime();
        PromptWatcher uart = new PromptWatcher();
        Machine machine = new Machine(new Machine.Config(ramBytes, 256, InputStream.nullInputStream(), uart));
        Kernel kernel = new Kernel(machine, KernelConfig.defaults(), defaultImage(sandboxed),
                new PrintStream(kernelConsole, true, StandardCharsets.UTF_8));
        Kernel.RunResult r = kernel.run();
        long end = System.nanoTime();
        String out = uart.text();
        String kernelText = kernelConsole.toString(StandardCharsets.UTF_8);
        if (uart.promptAt == 0 || !out.contains("Kola shell.") || kernelText.contains("halted")) {
            throw new IllegalStateException("boot of " + (ramBytes >> 20) + " MiB: no shell prompt (UART: "
                    + out.strip().replace('\n', '|') + "; kernel: " + kernelText.strip().replace('\n', '|') + ")");
        }
        return new Boot(ramBytes, uart.promptAt - start, end - start, r.traps());
    }

    /** The UART's host output: keeps the text and notes when the prompt first appears. */
    static final class PromptWatcher extends OutputStream {
        private static final byte[] WANTED = PROMPT.getBytes(StandardCharsets.US_ASCII);
        private final ByteArrayOutputStream text = new ByteArrayOutputStream();
        private int matched;
        long promptAt;

        @Override
        public void write(int b) {
            text.write(b);
            if (promptAt != 0) {
                return;
            }
            // "kola> " has no proper prefix that is also a suffix: a mismatch restarts the match.
            if ((byte) b == WANTED[matched]) {
                matched++;
            } else {
                matched = (byte) b == WANTED[0] ? 1 : 0;
            }
            if (matched == WANTED.length) {
                promptAt = System.nanoTime();
            }
        }

        String text() {
            return text.toString(StandardCharsets.UTF_8);
        }
    }
}
