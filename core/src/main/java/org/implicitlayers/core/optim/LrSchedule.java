package org.implicitlayers.core.optim;

/** A learning rate as a function of the step index (0-based). */
@FunctionalInterface
public interface LrSchedule {
    /** The learning rate at a step (from 0). */
    double at(long step);

    /** The same rate at every step. */
    static LrSchedule constant(double lr) {
        return step -> lr;
    }

    /** lr * gamma^floor(step / every), as torch's StepLR. */
    static LrSchedule stepDecay(double lr, long every, double gamma) {
        if (every <= 0) {
            throw new IllegalArgumentException("stepDecay: 'every' must be > 0, got " + every);
        }
        return step -> lr * Math.pow(gamma, step / every);
    }

    /** lr * gamma^step, as torch's ExponentialLR. */
    static LrSchedule exponential(double lr, double gamma) {
        return step -> lr * Math.pow(gamma, step);
    }

    /**
     * Linear warm-up from 0 to lr over {@code warmup} steps, then a cosine from lr down to {@code
     * minLr} at {@code total} steps (Loshchilov and Hutter 2017, without restarts).
     */
    static LrSchedule cosine(double lr, long warmup, long total, double minLr) {
        if (total <= warmup) {
            throw new IllegalArgumentException(
                    "cosine: total steps " + total + " must exceed warm-up " + warmup);
        }
        return step -> {
            if (step < warmup) {
                return lr * (step + 1) / warmup;
            }
            double progress = Math.min(1.0, (double) (step - warmup) / (total - warmup));
            return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * progress));
        };
    }
}
