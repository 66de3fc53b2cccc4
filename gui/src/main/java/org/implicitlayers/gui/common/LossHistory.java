package org.implicitlayers.gui.common;

import java.util.Arrays;

/**
 * Steps and losses of a run as they arrive, growing as needed (not thread-safe: one thread fills
 * and reads it).
 */
public final class LossHistory {
    private double[] steps = new double[256];
    private double[] losses = new double[256];
    private int size;

    /** Appends one step's loss. */
    public void add(double step, double loss) {
        if (size == steps.length) {
            steps = Arrays.copyOf(steps, 2 * size);
            losses = Arrays.copyOf(losses, 2 * size);
        }
        steps[size] = step;
        losses[size++] = loss;
    }

    /** Appends a batch of steps and their losses. */
    public void addAll(double[] s, double[] l) {
        for (int i = 0; i < s.length; i++) {
            add(s[i], l[i]);
        }
    }

    public void clear() {
        size = 0;
    }

    public int size() {
        return size;
    }

    /** A copy of the steps so far. */
    public double[] steps() {
        return Arrays.copyOf(steps, size);
    }

    /** A copy of the losses so far. */
    public double[] losses() {
        return Arrays.copyOf(losses, size);
    }
}
