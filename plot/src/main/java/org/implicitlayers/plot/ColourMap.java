package org.implicitlayers.plot;

import java.awt.Color;
import java.awt.Paint;
import org.jfree.chart.renderer.PaintScale;

/**
 * Colour maps: perceptually uniform sequential maps for values and a diverging map, white at its
 * centre, for signed quantities such as errors (used with a range symmetric about zero, so the sign
 * and the zero level can be read off).
 */
public enum ColourMap {
    /** Sequential, dark blue to yellow (matplotlib's viridis, sampled at 9 points). */
    VIRIDIS(
            0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c, 0x28ae80, 0x5ec962, 0xaadc32,
            0xfde725),
    /**
     * Diverging, blue (negative) through white to red (positive) (ColorBrewer RdBu, 11 classes,
     * reversed).
     */
    BLUE_WHITE_RED(
            0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582,
            0xd6604d, 0xb2182b, 0x67001f),
    /** Sequential grey for backgrounds behind coloured data. */
    GREYS(0xffffff, 0xd9d9d9, 0x969696, 0x525252, 0x000000);

    private final int[] rgb;

    ColourMap(int... rgb) {
        this.rgb = rgb;
    }

    /** True for the maps meant for signed data centred at zero. */
    public boolean diverging() {
        return this == BLUE_WHITE_RED;
    }

    /** The colour at t in [0, 1] (clamped), linear between the anchors. */
    public Color at(double t) {
        double c = Math.max(0, Math.min(1, Double.isNaN(t) ? 0 : t)) * (rgb.length - 1);
        int i = Math.min((int) c, rgb.length - 2);
        double f = c - i;
        int a = rgb[i], b = rgb[i + 1];
        return new Color(mix(a >> 16, b >> 16, f), mix(a >> 8, b >> 8, f), mix(a, b, f));
    }

    /** ARGB of {@link #at}, fully opaque. */
    public int argb(double t) {
        return at(t).getRGB();
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round((a & 0xff) * (1 - f) + (b & 0xff) * f);
    }

    /** A JFreeChart paint scale mapping [lo, hi] onto this map (transparent for NaN). */
    public PaintScale scale(double lo, double hi) {
        return new Scale(this, lo, hi);
    }

    private record Scale(ColourMap map, double lo, double hi) implements PaintScale {
        @Override
        public double getLowerBound() {
            return lo;
        }

        @Override
        public double getUpperBound() {
            return hi;
        }

        @Override
        public Paint getPaint(double value) {
            return Double.isNaN(value) ? new Color(0, 0, 0, 0) : map.at((value - lo) / (hi - lo));
        }
    }
}
