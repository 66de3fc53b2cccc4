package org.implicitlayers.core;

import java.util.List;
import java.util.function.Supplier;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.core.backend.jvm.JvmBackend;

/**
 * The backends every op test runs on: here the Vector API kernels and the plain loops; the system
 * property {@code implicitlayers.test.backends} (a comma-separated list) replaces them, and
 * core-nd4j runs these tests with it set to "nd4j".
 */
final class TestBackends {
    static final JvmBackend VECTOR = JvmBackend.vector();
    static final JvmBackend SCALAR = JvmBackend.scalar();
    private static final List<String> NAMES =
            List.of(System.getProperty("implicitlayers.test.backends", "vector,scalar").split(","));

    private TestBackends() {}

    static List<Backend> all() {
        return NAMES.stream().map(TestBackends::byName).toList();
    }

    static List<String> names() {
        return NAMES;
    }

    static Backend byName(String name) {
        switch (name) {
            case "vector":
                return VECTOR;
            case "scalar":
                return SCALAR;
            default:
                return Backends.byName(name);
        }
    }

    /** Runs body with new tensors created on backend b. */
    static <T> T on(Backend b, Supplier<T> body) {
        Backend prev = Backends.current();
        Backends.setCurrent(b);
        try {
            return body.get();
        } finally {
            Backends.setCurrent(prev);
        }
    }

    static void on(Backend b, Runnable body) {
        on(
                b,
                () -> {
                    body.run();
                    return null;
                });
    }

    static double[] randn(Rng rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        org.junit.jupiter.api.Assertions.assertEquals(
                expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a)) {
                continue;
            }
            if (!(Math.abs(e - a) <= tol * Math.max(1.0, Math.abs(e)))) {
                org.junit.jupiter.api.Assertions.fail(
                        what + ": element " + i + " expected " + e + " but was " + a);
            }
        }
    }
}
