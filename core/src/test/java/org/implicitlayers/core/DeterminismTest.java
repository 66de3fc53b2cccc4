package org.implicitlayers.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The vector kernels give the same bits before and after the JIT compiles them, so a run resumed in
 * a fresh JVM reproduces the uninterrupted one. (The Vector API's own EXP/TANH/... operations do
 * not: compiled code calls SVML, interpreted code Math.) Checked in a child JVM, where the first
 * call is truly cold.
 */
class DeterminismTest {
    /** Each operation separately: a last-bit difference must not be hidden by a later sum. */
    static double[] run(Tensor x) {
        Tensor[] ys = {
            x.tanh(),
            x.exp(),
            x.sigmoid(),
            x.softplus(3),
            x.sin(),
            x.cos(),
            x.abs().add(0.1).log(),
            x.abs().add(0.5).pow(-1.0),
            x.square().sum(new int[] {1}, true),
            x.matmul(x, false, true),
            x.sum()
        };
        int n = 0;
        for (Tensor y : ys) {
            n += y.numel();
        }
        double[] all = new double[n];
        int o = 0;
        for (Tensor y : ys) {
            double[] v = y.toDoubleArray();
            System.arraycopy(v, 0, all, o, v.length);
            o += v.length;
        }
        return all;
    }

    /**
     * Child JVM: prints how many elements differ between the first (cold) and a warmed-up
     * evaluation.
     */
    public static final class Probe {
        public static void main(String[] args) {
            Tensor x = Tensor.randn(Rng.seeded(77), DType.FLOAT32, 64, 37).mul(3);
            double[] cold = run(x);
            for (int i = 0; i < 5000; i++) {
                run(x);
            }
            double[] warm = run(x);
            int diff = 0;
            for (int i = 0; i < cold.length; i++) {
                diff +=
                        Double.doubleToLongBits(cold[i]) != Double.doubleToLongBits(warm[i])
                                ? 1
                                : 0;
            }
            System.out.println("differing " + diff + " of " + cold.length);
        }
    }

    @Test
    void kernelsGiveTheSameBitsColdAndWarm() throws Exception {
        String out = ChildJvm.run(Probe.class, 120, "--add-modules", "jdk.incubator.vector");
        assertTrue(out.matches("(?s).*differing 0 of \\d+"), out);
    }
}
