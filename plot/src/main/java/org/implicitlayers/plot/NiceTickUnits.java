package org.implicitlayers.plot;

import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickUnit;
import org.jfree.chart.axis.TickUnitSource;

/**
 * Tick spacings 1, 2, 2.5 and 5 times a power of ten, each labelled by a {@link TickFormat} with
 * just the digits it needs. JFreeChart's axes pick the smallest spacing whose labels do not
 * collide.
 */
public final class NiceTickUnits implements TickUnitSource {
    private static final double[] MANTISSAS = {1, 2, 2.5, 5};

    private final int common;

    /** Labels with the digits their spacing needs. */
    public NiceTickUnits() {
        this(0);
    }

    /** Labels in units of 10^common (see {@link TickFormat#commonExponent}). */
    public NiceTickUnits(int common) {
        this.common = common;
    }

    @Override
    public TickUnit getLargerTickUnit(TickUnit unit) {
        return getCeilingTickUnit(unit.getSize() * 1.0001);
    }

    @Override
    public TickUnit getCeilingTickUnit(TickUnit unit) {
        return getCeilingTickUnit(unit.getSize());
    }

    @Override
    public TickUnit getCeilingTickUnit(double size) {
        if (!(size > 0) || Double.isInfinite(size)) {
            return unit(1);
        }
        int e = (int) Math.floor(Math.log10(size));
        for (int k = 0; k < 2; k++, e++) {
            for (double m : MANTISSAS) {
                double s = m * Math.pow(10, e);
                if (s >= size * (1 - 1e-9)) {
                    return unit(s);
                }
            }
        }
        return unit(Math.pow(10, e));
    }

    private NumberTickUnit unit(double size) {
        return new NumberTickUnit(size, new TickFormat(size, common));
    }
}
