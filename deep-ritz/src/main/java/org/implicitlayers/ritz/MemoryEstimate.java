package org.implicitlayers.ritz;

import java.util.Locale;
import org.implicitlayers.core.DType;

/**
 * A rough upper estimate of the memory one training step of a solve needs, so that point counts
 * that cannot fit are refused when the settings are read, naming the field and the limit, instead
 * of ending in an OutOfMemoryError (or an int overflow) during training.
 *
 * <p>The Ritz and PINN losses differentiate the network's gradient again, so the tape holds about
 * {@value #TENSORS_PER_LAYER} tensors of [points, width] per layer; L-BFGS works on four times the
 * per-step point counts, adaptive refinement scores eight times the interior count.
 */
public final class MemoryEstimate {
    /**
     * Tensors of [points, width] kept per layer by a double-backward step (measured order of
     * magnitude, rounded up).
     */
    static final int TENSORS_PER_LAYER = 16;

    private MemoryEstimate() {}

    /** Bytes one training step of {@code o} on a domain of dimension {@code dim} needs, roughly. */
    public static double bytesPerStep(int dim, RitzOptions o) {
        RitzOptions.Sampling s = o.sampling();
        double points = (double) s.interior() + s.boundary();
        if (o.optimizer().lbfgs() > 0) {
            points *= 4;
        }
        if (s.rarEvery() > 0) {
            points =
                    Math.max(points, 8.0 * s.interior())
                            + (double) s.rarPoints() * (o.optimizer().steps() / s.rarEvery());
        }
        RitzOptions.Network n = o.network();
        int layers = (n.type() == RitzOptions.NetworkType.RESNET ? 2 * n.depth() : n.depth()) + 2;
        double width = Math.max(n.width(), dim);
        return points
                * width
                * layers
                * TENSORS_PER_LAYER
                * (o.run().dtype() == DType.FLOAT64 ? 8 : 4);
    }

    /**
     * Refuses settings whose step would need more than 80% of {@code availableBytes}.
     *
     * @throws IllegalArgumentException naming sampling.interior, the estimate and the largest count
     *     that fits
     */
    public static void require(int dim, RitzOptions o, long availableBytes) {
        RitzOptions.Sampling s = o.sampling();
        if ((long) s.interior() * 8 > Integer.MAX_VALUE
                || (long) s.boundary() * 8 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "sampling.%s: %d points is beyond what one run can index; "
                                    + "expected at most %d",
                            s.interior() > s.boundary() ? "interior" : "boundary",
                            Math.max(s.interior(), s.boundary()),
                            Integer.MAX_VALUE / 8));
        }
        double need = bytesPerStep(dim, o), limit = 0.8 * availableBytes;
        if (need > limit) {
            long fits = (long) Math.floor(s.interior() * limit / need);
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "sampling.interior: %d interior and %d boundary points need about %s per training step with this network "
                                    + "(width %d, depth %d, %s); this JVM may use %s (raise it with -Xmx): at most about %d interior points fit",
                            s.interior(),
                            s.boundary(),
                            human(need),
                            o.network().width(),
                            o.network().depth(),
                            o.run().dtype(),
                            human(availableBytes),
                            fits));
        }
    }

    static String human(double bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB", "PB"};
        int u = 0;
        while (bytes >= 1000 && u < units.length - 1) {
            bytes /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", bytes, units[u]);
    }
}
