package kola.machine;

import java.util.ArrayList;
import java.util.List;

/** A test device that remembers every access and answers reads with a fixed value. */
final class RecordingDevice implements MmioDevice {

    record Access(boolean write, long offset, int size, long value) {
    }

    final List<Access> accesses = new ArrayList<>();
    long readValue;

    RecordingDevice(long readValue) {
        this.readValue = readValue;
    }

    @Override
    public long read(long offset, int sizeBytes) {
        accesses.add(new Access(false, offset, sizeBytes, 0));
        return readValue;
    }

    @Override
    public void write(long offset, int sizeBytes, long value) {
        accesses.add(new Access(true, offset, sizeBytes, value));
    }
}
