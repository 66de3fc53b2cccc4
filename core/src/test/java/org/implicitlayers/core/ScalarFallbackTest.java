package org.implicitlayers.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.junit.jupiter.api.Test;

/**
 * On a JVM without the Vector API module the JVM backend falls back to plain loops and still
 * computes.
 */
class ScalarFallbackTest {
    /** Entry point of the child JVM: prints the kernel name and a small product. */
    public static final class Probe {
        public static void main(String[] args) {
            Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor c = a.matmul(a, false, true).tanh().sum();
            System.out.println(Backends.jvm().kernelName() + " " + c.item());
        }
    }

    @Test
    void withoutTheVectorModuleTheScalarKernelsRun() throws Exception {
        String out = ChildJvm.run(Probe.class, 60);
        String last = ChildJvm.lastLine(out);
        // A A^T = [[14, 32], [32, 77]]: every entry saturates tanh to 1 within 1e-12.
        assertEquals("scalar", last.split(" ")[0], out);
        assertEquals(4.0, Double.parseDouble(last.split(" ")[1]), 1e-9, out);
        assertTrue(
                JvmBackend.create().kernelName().startsWith("vector"), "this JVM has the module");
        assertEquals(
                1,
                out.lines().count(),
                "nothing but the probe's line on the console (slf4j-nop binding): " + out);
    }
}
