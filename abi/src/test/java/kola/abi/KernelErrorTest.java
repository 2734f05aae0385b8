package kola.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KernelErrorTest {
    @Test
    void codesAreX2AndDistinct() {
        int[] codes = {KernelError.OK, KernelError.NO_PRIVILEGE, KernelError.INVALID_THREAD, KernelError.INVALID_SPACE,
            KernelError.INVALID_SCHEDULER, KernelError.INVALID_PARAMETER, KernelError.INVALID_UTCB,
            KernelError.INVALID_KIP_AREA, KernelError.OUT_OF_MEMORY};
        for (int i = 0; i < codes.length; i++) {
            assertEquals(i, codes[i], "X.2 numbers the errors 0..8 in this order");
        }
    }

    @Test
    void describeEveryCode() {
        Set<String> names = new HashSet<>();
        for (int c = 0; c <= 8; c++) {
            names.add(KernelError.describe(c));
        }
        assertEquals(9, names.size());
        assertEquals("no privilege", KernelError.describe(KernelError.NO_PRIVILEGE));
        assertEquals("out of memory", KernelError.describe(KernelError.OUT_OF_MEMORY));
        assertEquals("error 9", KernelError.describe(9));
        assertEquals("error -1", KernelError.describe(-1));
    }
}
