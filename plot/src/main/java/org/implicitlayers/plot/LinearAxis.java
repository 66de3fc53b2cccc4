package org.implicitlayers.plot;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.ui.RectangleEdge;

/**
 * A linear axis with at most a few ticks (JFreeChart packs them as densely as the labels allow),
 * spacings 1, 2, 2.5, 5 times a power of ten, and short labels: a power of ten common to all labels
 * goes into the axis label as "(×10⁻⁴)".
 */
public final class LinearAxis extends NumberAxis {
    private static final long serialVersionUID = 1L;
    private final int maxTicks;

    /**
     * @param label the axis label, to which the common power of ten is appended
     * @param lo, hi the range the axis will show (for the common power of ten)
     * @param maxTicks the most ticks to show
     */
    public LinearAxis(String label, double lo, double hi, int maxTicks) {
        super(label + TickFormat.unitSuffix(TickFormat.commonExponent(lo, hi)));
        this.maxTicks = maxTicks;
        setStandardTickUnits(new NiceTickUnits(TickFormat.commonExponent(lo, hi)));
        setAutoRangeIncludesZero(false);
        setMinorTickCount(0);
    }

    @Override
    protected void selectAutoTickUnit(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
        super.selectAutoTickUnit(g2, dataArea, edge);
        double least = getRange().getLength() / maxTicks;
        if (getTickUnit().getSize() < least) {
            setTickUnit(
                    (NumberTickUnit) getStandardTickUnits().getCeilingTickUnit(least),
                    false,
                    false);
        }
    }
}
