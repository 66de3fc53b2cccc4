package org.implicitlayers.plot;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/**
 * A logarithmic axis that always has readable, labelled ticks: powers of ten (with unlabelled minor
 * ticks at 2..9) over several decades; 1, 2 and 5 times powers of ten over one to three decades;
 * and evenly spaced values with {@link TickFormat} labels when the range stays within a decade
 * (where JFreeChart's own log axis shows no number at all).
 */
public final class LogTicksAxis extends LogAxis {
    private static final long serialVersionUID = 1L;

    public LogTicksAxis(String label) {
        super(label);
        setSmallestValue(1e-300);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public List refreshTicks(
            Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
        boolean vertical = RectangleEdge.isLeftOrRight(edge);
        TextAnchor anchor =
                vertical
                        ? (edge == RectangleEdge.LEFT
                                ? TextAnchor.CENTER_RIGHT
                                : TextAnchor.CENTER_LEFT)
                        : (edge == RectangleEdge.TOP
                                ? TextAnchor.BOTTOM_CENTER
                                : TextAnchor.TOP_CENTER);
        List ticks = new ArrayList();
        for (double[] t : ticks(getLowerBound(), getUpperBound())) {
            boolean major = t[1] > 0;
            String label = !major ? "" : t.length > 3 ? power(t[0]) : label(t[0], t[2]);
            ticks.add(
                    new NumberTick(
                            major ? TickType.MAJOR : TickType.MINOR,
                            t[0],
                            label,
                            anchor,
                            anchor,
                            0.0));
        }
        return ticks;
    }

    /**
     * Tick positions for the range [lo, hi] (both positive): rows {value, 1 if labelled else 0,
     * spacing used for the label's digits[, 1 when labelled as a power of ten]}.
     */
    static List<double[]> ticks(double lo, double hi) {
        List<double[]> out = new ArrayList<>();
        if (!(lo > 0) || !(hi > lo)) {
            return out;
        }
        double decades = Math.log10(hi / lo);
        int e0 = (int) Math.floor(Math.log10(lo)), e1 = (int) Math.ceil(Math.log10(hi));
        if (decades >= 3) {
            int every = Math.max(1, (int) Math.ceil(decades / 8));
            for (int e = e0; e <= e1; e++) {
                double p = Math.pow(10, e);
                if (in(p, lo, hi)) {
                    // Over several decades every label is a power of ten, written as one: 10⁻³, 1,
                    // 10³.
                    out.add(new double[] {p, e % every == 0 ? 1 : 0, p, 1});
                }
                for (int m = 2; m <= 9 && every == 1; m++) {
                    if (in(m * p, lo, hi)) {
                        out.add(new double[] {m * p, 0, p});
                    }
                }
            }
        } else if (decades >= 0.9) {
            for (int e = e0; e <= e1; e++) {
                double p = Math.pow(10, e);
                for (int m = 1; m <= 9; m++) {
                    if (in(m * p, lo, hi)) {
                        boolean labelled = m == 1 || m == 2 || m == 5;
                        out.add(new double[] {m * p, labelled ? 1 : 0, p});
                    }
                }
            }
        } else {
            // About a decade or less: every mantissa 1..9 labelled, or evenly spaced values when
            // fewer than three of those fall in the range.
            for (int e = e0; e <= e1; e++) {
                double p = Math.pow(10, e);
                for (int m = 1; m <= 9; m++) {
                    if (in(m * p, lo, hi)) {
                        out.add(new double[] {m * p, 1, p});
                    }
                }
            }
            if (out.size() < 3) {
                out.clear();
                NiceTickUnits units = new NiceTickUnits();
                double step = units.getCeilingTickUnit((hi - lo) / 6).getSize();
                for (double v = Math.ceil(lo / step) * step; v <= hi * (1 + 1e-12); v += step) {
                    if (v > 0) {
                        out.add(new double[] {v, 1, step});
                    }
                }
            }
        }
        return out;
    }

    private static boolean in(double v, double lo, double hi) {
        return v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12);
    }

    /** 10^e as "10ᵉ", with 1 and 10 written plainly. */
    private static String power(double v) {
        int e = (int) Math.rint(Math.log10(v));
        return e == 0 ? "1" : e == 1 ? "10" : "10" + TickFormat.superscript(e);
    }

    /** A power of ten as 10³ or 10⁻², otherwise the value with the digits its spacing needs. */
    private static String label(double v, double spacing) {
        double e = Math.log10(v);
        if (Math.abs(e - Math.rint(e)) < 1e-9 && (e < -3 || e > 4)) {
            return "10" + TickFormat.superscript((int) Math.rint(e));
        }
        return TickFormat.format(v, spacing);
    }
}
