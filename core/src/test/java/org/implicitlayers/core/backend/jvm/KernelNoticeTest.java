package org.implicitlayers.core.backend.jvm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The message logged on first use names the kernels and, for the fallback, the remedy. */
class KernelNoticeTest {
    @Test
    void theFallbackNoticeSaysHowToGetTheVectorKernels() {
        String m = JvmBackend.kernelNotice("scalar", true);
        assertTrue(
                m.contains("scalar kernels")
                        && m.contains("--add-modules jdk.incubator.vector")
                        && m.contains("Surefire")
                        && m.contains("exec-maven-plugin"),
                m);
    }

    @Test
    void theVectorNoticeNamesTheKernelsAndThreadsOnly() {
        String m = JvmBackend.kernelNotice("vector(512-bit)", false);
        assertTrue(m.contains("vector(512-bit) kernels") && m.contains("kernel threads"), m);
        assertFalse(m.contains("--add-modules"), m);
    }
}
