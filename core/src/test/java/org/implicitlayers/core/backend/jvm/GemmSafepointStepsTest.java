package org.implicitlayers.core.backend.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.implicitlayers.core.Backends;
import org.implicitlayers.core.ChildJvm;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.backend.Backend;
import org.junit.jupiter.api.Test;

/**
 * Under G1 the 6 x 2 micro-kernels take k in steps of {@link VectorKernels#KSTEP} (loops short
 * enough to keep no safepoint poll); under the parallel collector, all of k in one loop. Both give
 * the same bits: checked in two child JVMs, one per collector, on products deep enough for several
 * steps (row panels, interleaved panels, A in place), with the 6 x 2 plan forced.
 */
class GemmSafepointStepsTest {
    @Test
    void theStepFollowsTheJvmsShortLoopLimit() {
        assertEquals(Integer.MAX_VALUE, VectorKernels.kStep(Integer.MAX_VALUE));
        assertEquals(64, VectorKernels.kStep(100));
        assertEquals(40, VectorKernels.kStep(40));
    }

    /** Child JVM: prints its step and a digest of the products' bits. */
    public static final class Probe {
        public static void main(String[] args) {
            CpuInfo cpu = CpuInfo.current();
            int lanes = JvmBackend.vectorFloatLanes();
            long digest = 1;
            for (boolean packA : new boolean[] {true, false}) {
                GemmPlan own = GemmPlan.blocked(GemmPlan.Shape.R6_V2, cpu, lanes, "test");
                Backend be =
                        JvmBackend.vector(
                                new GemmPlan(GemmPlan.Shape.R6_V2, own.kc(), own.mc(), packA, "t"));
                Backend previous = Backends.current();
                Backends.setCurrent(be);
                try {
                    Rng rng = Rng.seeded(5);
                    Tensor a = Tensor.randn(rng, DType.FLOAT32, 61, 300);
                    Tensor b = Tensor.randn(rng, DType.FLOAT32, 300, 4 * lanes + 3);
                    Tensor w = Tensor.randn(rng, DType.FLOAT32, 2 * lanes, 300);
                    List<Tensor> ys = new ArrayList<>();
                    ys.add(a.matmul(b));
                    ys.add(Tensor.linear(a, w, Tensor.randn(rng, DType.FLOAT32, 2 * lanes)));
                    ys.add(a.transpose().mul(1.0).matmul(b, true, false));
                    for (Tensor y : ys) {
                        for (float v : y.toFloatArray()) {
                            digest = digest * 1_000_003L + Float.floatToRawIntBits(v);
                        }
                    }
                } finally {
                    Backends.setCurrent(previous);
                }
            }
            System.out.println("kstep " + VectorKernels.KSTEP + " digest " + digest);
        }
    }

    private static String child(String gc) throws Exception {
        String out = ChildJvm.run(Probe.class, 120, "--add-modules", "jdk.incubator.vector", gc);
        String last = ChildJvm.lastLine(out);
        assertTrue(last.startsWith("kstep "), out);
        return last;
    }

    @Test
    void stepsOfKGiveTheBitsOfOneLoop() throws Exception {
        String g1 = child("-XX:+UseG1GC"), parallel = child("-XX:+UseParallelGC");
        assertTrue(g1.startsWith("kstep 64 "), g1);
        assertTrue(parallel.startsWith("kstep " + Integer.MAX_VALUE + " "), parallel);
        assertEquals(
                parallel.substring(parallel.indexOf(" digest")),
                g1.substring(g1.indexOf(" digest")));
    }
}
