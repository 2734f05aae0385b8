package kola.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProgramTest {
    @Test
    void aProgramIsALambdaThatMayThrowCheckedExceptions() throws Exception {
        assertTrue(Program.class.isAnnotationPresent(FunctionalInterface.class));
        int[] ran = {0};
        Program p = l4 -> ran[0]++;
        p.run(null);
        assertEquals(1, ran[0]);
        Program q = l4 -> {
            throw new java.io.IOException("checked");
        };
        assertThrows(java.io.IOException.class, () -> q.run(null));
    }
}
