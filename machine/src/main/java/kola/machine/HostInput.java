package kola.machine;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The host side of the serial line: a daemon thread ("kola-uart-rx") that reads a host stream into
 * a bounded buffer, so that the kernel loop never blocks on host input. When the buffer is full the
 * reader thread waits (back-pressure on the host stream) instead of dropping bytes. A read error
 * counts as the end of input. The thread starts on first use.
 */
final class HostInput {

    static final String THREAD_NAME = "kola-uart-rx";
    private static final int CAPACITY = 64 * 1024;
    private static final int READ_CHUNK = 4096;

    private final InputStream in;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmptyOrEnded = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final byte[] ring = new byte[CAPACITY];
    private int head;
    private int count;
    private boolean eof;
    private boolean started;

    HostInput(InputStream in) {
        this.in = in;
    }

    /** Takes the next byte without blocking: the byte, or -1 if none has arrived yet. */
    int take() {
        start();
        lock.lock();
        try {
            if (count == 0) {
                return -1;
            }
            int b = ring[head] & 0xFF;
            head = (head + 1) % CAPACITY;
            count--;
            notFull.signal();
            return b;
        } finally {
            lock.unlock();
        }
    }

    /** Tells whether the host stream ended and every byte was taken. */
    boolean ended() {
        start();
        lock.lock();
        try {
            return eof && count == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeoutNanos} for a byte or the end of input; tells whether either is there. */
    boolean await(long timeoutNanos) {
        start();
        lock.lock();
        try {
            long left = timeoutNanos;
            while (count == 0 && !eof && left > 0) {
                left = notEmptyOrEnded.awaitNanos(left);
            }
            return count > 0 || eof;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return count > 0 || eof;
        } finally {
            lock.unlock();
        }
    }

    private void start() {
        lock.lock();
        try {
            if (started) {
                return;
            }
            started = true;
        } finally {
            lock.unlock();
        }
        Thread.ofPlatform().name(THREAD_NAME).daemon(true).start(this::run);
    }

    private void run() {
        byte[] chunk = new byte[READ_CHUNK];
        try {
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                for (int i = 0; i < n; i++) {
                    put(chunk[i]);
                }
            }
        } catch (IOException | InterruptedException e) {
            // The line is gone; to the machine this is the end of input.
        } finally {
            lock.lock();
            try {
                eof = true;
                notEmptyOrEnded.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void put(byte b) throws InterruptedException {
        lock.lock();
        try {
            while (count == CAPACITY) {
                notFull.await();
            }
            ring[(head + count) % CAPACITY] = b;
            count++;
            notEmptyOrEnded.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
