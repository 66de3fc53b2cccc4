package org.implicitlayers.plot;

import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Locale;

/**
 * Tick labels with as many digits as the tick spacing needs and no more: {@code 0.25}, {@code
 * 1500}, {@code 2.5×10⁻⁵}; zero is {@code 0}, negatives carry a true minus sign. Spacings below
 * 10<sup>-3</sup> or from 10<sup>5</sup> use powers of ten.
 */
public final class TickFormat extends NumberFormat {
    private static final long serialVersionUID = 1L;
    private static final String SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    private final double size;
    private final int exponent;
    private final double scale;

    /**
     * @param size the spacing between neighbouring ticks (positive)
     */
    public TickFormat(double size) {
        this(size, 0);
    }

    /**
     * Labels in units of 10^common (the axis label then carries "×10^common").
     *
     * @param size the spacing between neighbouring ticks (positive)
     * @param common the exponent divided out of every label
     */
    public TickFormat(double size, int common) {
        this.scale = Math.pow(10, common);
        this.size = size / scale;
        this.exponent = (int) Math.floor(Math.log10(this.size) + 1e-9);
    }

    /**
     * The power of ten to divide out of an axis over [lo, hi] so that its labels stay short: 0 when
     * the larger magnitude lies in [10^-3, 10^5), else its exponent.
     */
    public static int commonExponent(double lo, double hi) {
        double m = Math.max(Math.abs(lo), Math.abs(hi));
        if (!(m > 0) || Double.isInfinite(m) || (m >= 1e-3 && m < 1e5)) {
            return 0;
        }
        return (int) Math.floor(Math.log10(m) + 1e-9);
    }

    /** " (×10⁻⁴)" for a common exponent of -4, "" for 0. */
    public static String unitSuffix(int common) {
        return common == 0 ? "" : " (×10" + superscript(common) + ")";
    }

    /** A value to three significant digits without trailing zeros: 27, 0.0123, 1.5×10⁻⁵. */
    public static String compact(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v == 0 ? "0" : Double.toString(v);
        }
        int e = (int) Math.floor(Math.log10(Math.abs(v)) + 1e-12);
        String s =
                Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5
                        ? (v < 0 ? "\u2212" : "")
                                + String.format(
                                        Locale.ROOT, "%." + Math.max(0, 2 - e) + "f", Math.abs(v))
                        : format(v, Math.pow(10, e - 2));
        return s.replaceFirst("(\\.\\d*?)0+(?=$|×)", "$1").replaceFirst("\\.(?=$|×)", "");
    }

    /** Formats one value given the tick spacing it belongs to. */
    public static String format(double value, double size) {
        return new TickFormat(size).format(value);
    }

    @Override
    public StringBuffer format(double v, StringBuffer out, FieldPosition pos) {
        return out.append(label(v));
    }

    @Override
    public StringBuffer format(long v, StringBuffer out, FieldPosition pos) {
        return out.append(label(v));
    }

    @Override
    public Number parse(String source, ParsePosition pos) {
        throw new UnsupportedOperationException("tick labels are not parsed");
    }

    private String label(double value) {
        double v = value / scale;
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        if (Math.abs(v) < 1e-9 * size) {
            return "0";
        }
        String s;
        if (exponent >= -3 && exponent < 5 && Math.abs(v) < 1e6) {
            s =
                    String.format(
                            Locale.ROOT,
                            "%." + Math.max(0, -exponent + extraDigit()) + "f",
                            Math.abs(v));
        } else {
            int e = (int) Math.floor(Math.log10(Math.abs(v)) + 1e-9);
            double m = Math.abs(v) / Math.pow(10, e);
            int digits = Math.max(0, e - exponent + extraDigit());
            String ms = String.format(Locale.ROOT, "%." + digits + "f", m);
            if (ms.startsWith("10")) {
                // rounding carried into the next power
                e++;
                ms = String.format(Locale.ROOT, "%." + digits + "f", m / 10);
            }
            s = (ms.equals("1") ? "" : ms + "×") + "10" + superscript(e);
        }
        return (v < 0 ? "\u2212" : "") + s;
    }

    /** Spacings such as 0.25 or 2.5 need one digit more than their power of ten. */
    private int extraDigit() {
        double m = size / Math.pow(10, exponent);
        return Math.abs(m - Math.rint(m)) > 1e-6 ? 1 : 0;
    }

    /** The exponent written in superscript digits ("⁻³"). */
    public static String superscript(int e) {
        StringBuilder b = new StringBuilder(e < 0 ? "\u207b" : "");
        for (char c : Integer.toString(Math.abs(e)).toCharArray()) {
            b.append(SUPERSCRIPTS.charAt(c - '0'));
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TickFormat t && t.size == size && t.scale == scale;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(size);
    }
}
