package org.implicitlayers.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {
    @TempDir Path dir;

    @Test
    void roundTripKeepsValuesShapesAndDtypesExactly() throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.randn(Rng.seeded(1), DType.FLOAT32, 3, 4, 5));
        m.put("b", Tensor.randn(Rng.seeded(2), DType.FLOAT64, 7));
        m.put("scalar", Tensor.scalar(DType.FLOAT64, 2.5));
        Path f = dir.resolve("p.npz");
        Npz.write(f, m);
        Npz.Contents c = Npz.read(f);
        assertEquals(m.keySet(), c.tensors().keySet());
        for (String k : m.keySet()) {
            assertEquals(m.get(k).dtype(), c.tensors().get(k).dtype(), k);
            assertArrayEquals(m.get(k).shape(), c.tensors().get(k).shape(), k);
            assertArrayEquals(m.get(k).toDoubleArray(), c.tensors().get(k).toDoubleArray(), 0.0, k);
        }
    }

    @Test
    void aFileWrittenByNumPyLoads() throws Exception {
        // Made by numpy.savez: a = arange(6, float32).reshape(2,3) * 0.5; b = [[1,2],[3,4]]
        // big-endian float64;
        // c = arange(6.).reshape(2,3) in Fortran order; d = [1, 2, 3] int64.
        Path f = Path.of(getClass().getResource("/written-by-numpy.npz").toURI());
        Map<String, Tensor> t = Npz.read(f).tensors();
        assertEquals(DType.FLOAT32, t.get("a").dtype());
        assertArrayEquals(new int[] {2, 3}, t.get("a").shape());
        assertArrayEquals(new double[] {0, 0.5, 1, 1.5, 2, 2.5}, t.get("a").toDoubleArray(), 0);
        assertArrayEquals(new double[] {1, 2, 3, 4}, t.get("b").toDoubleArray(), 0);
        assertArrayEquals(new int[] {2, 3}, t.get("c").shape());
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, t.get("c").toDoubleArray(), 0);
        assertArrayEquals(new double[] {1, 2, 3}, t.get("d").toDoubleArray(), 0);
    }

    @Test
    void truncatedAndCorruptFilesNameTheFile() throws IOException {
        Path f = dir.resolve("x.npz");
        Npz.write(f, Map.of("w", Tensor.randn(Rng.seeded(3), DType.FLOAT64, 100)));
        byte[] all = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.npz");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        IOException e = assertThrows(IOException.class, () -> Npz.read(cut));
        assertTrue(e.getMessage().contains("cut.npz"), e.getMessage());
        Path flipped = dir.resolve("flipped.npz");
        byte[] bad = all.clone();
        bad[200] ^= 0x5a; // inside the stored array data: the CRC check fails
        Files.write(flipped, bad);
        IOException e2 = assertThrows(IOException.class, () -> Npz.read(flipped));
        assertTrue(
                e2.getMessage().contains("flipped.npz") && e2.getMessage().contains("w.npy"),
                e2.getMessage());
    }
}
