package org.implicitlayers.sdf.mesh;

import java.util.Arrays;

/** Arrays grown as values arrive (readers never allocate what a header promises up front). */
public final class Growable {
    private Growable() {}

    public static final class Doubles {
        private double[] a = new double[256];
        private int n;

        public void add(double x) {
            if (n == a.length) {
                a = Arrays.copyOf(a, 2 * n);
            }
            a[n++] = x;
        }

        public int size() {
            return n;
        }

        public double get(int i) {
            return a[i];
        }

        public double[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    public static final class Ints {
        private int[] a = new int[256];
        private int n;

        public void add(int x) {
            if (n == a.length) {
                a = Arrays.copyOf(a, 2 * n);
            }
            a[n++] = x;
        }

        public int size() {
            return n;
        }

        public int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
