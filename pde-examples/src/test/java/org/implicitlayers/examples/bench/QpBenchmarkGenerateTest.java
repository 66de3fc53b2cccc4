package org.implicitlayers.examples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.EigenDecompositionSymmetric;

/**
 * The generated batch is the reference's family: its shapes, Q symmetric with every eigenvalue >=
 * 0.1, fixed by the seed.
 */
class QpBenchmarkGenerateTest {
    @Property(tries = 20)
    void qIsSymmetricWithSpectrumAboveATenth(
            @ForAll @IntRange(min = 1, max = 6) int batch,
            @ForAll @IntRange(min = 2, max = 9) int n,
            @ForAll @IntRange(min = 0, max = 12) int m,
            @ForAll long seed) {
        int pe = n / 2;
        QpBenchmark.Data d = QpBenchmark.generate(batch, n, m, pe, seed);
        assertEquals(batch, d.batch());
        assertEquals(n, d.n());
        assertEquals(m, d.m());
        assertEquals(pe, d.pe());
        assertArrayEquals(new int[] {batch, n}, d.w().shape());
        double[] q = d.q().toDoubleArray();
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(q[i * n + j], q[j * n + i], 1e-12);
                a[i][j] = q[i * n + j];
            }
        }
        double[] eig =
                new EigenDecompositionSymmetric(new Array2DRowRealMatrix(a)).getEigenvalues();
        double min = Arrays.stream(eig).min().getAsDouble();
        assertTrue(min >= 0.1 - 1e-12, "smallest eigenvalue " + min);
    }

    @Property(tries = 10)
    void theSeedDeterminesTheBatch(@ForAll long seed) {
        double[] h = QpBenchmark.generate(3, 5, 4, 2, seed).h().toDoubleArray();
        assertArrayEquals(h, QpBenchmark.generate(3, 5, 4, 2, seed).h().toDoubleArray());
        assertFalse(
                Arrays.equals(h, QpBenchmark.generate(3, 5, 4, 2, seed + 1).h().toDoubleArray()));
    }
}
