package org.implicitlayers.sdf.io;

import java.util.Arrays;

/** Arrays grown as values arrive, so that a header's promised count is never allocated up front. */
final class Growable {
    private Growable() {
    }

    static final class Doubles {
        private double[] a = new double[256];
        private int n;

        void add(double x) {
            if (n == a.length) {
                a = Arrays.copyOf(a, 2 * n);
            }
            a[n++] = x;
        }

        int size() {
            return n;
        }

        double[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    static final class Ints {
        private int[] a = new int[256];
        private int n;

        void add(int x) {
            if (n == a.length) {
                a = Arrays.copyOf(a, 2 * n);
            }
            a[n++] = x;
        }

        int size() {
            return n;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
