package org.implicitlayers.core;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * NumPy-style text of a tensor, following {@code numpy.array2string}'s defaults except for a
 * shorter precision: nested brackets, one row per line, at most {@value #PRECISION} digits after
 * the point ("maxprec": fewer when every value needs fewer, integral values as {@code 1.}),
 * scientific notation when the values span more than three decades, reach 1e8 or go below 1e-4,
 * every value padded to a common width, rows wrapped at {@value #LINE_WIDTH} characters, and long
 * axes of tensors over {@value #SUMMARY_THRESHOLD} elements summarised with "...".
 */
final class TensorFormat {
    /** Above this many elements, axes longer than {@code 2 * EDGE} show only their ends. */
    private static final int SUMMARY_THRESHOLD = 1000;

    private static final int EDGE = 3;

    /** Most digits after the point (positional) or in the mantissa's fraction (scientific). */
    private static final int PRECISION = 4;

    private static final int LINE_WIDTH = 75;
    private static final String PREFIX = "tensor(";

    private TensorFormat() {}

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder(PREFIX);
        if (t.numel() > 0 || t.rank() == 0) {
            double[] v = t.toDoubleArray();
            int[] shape = t.shape();
            boolean summarise = t.numel() > SUMMARY_THRESHOLD;
            String[] text =
                    Numbers.of(v, shownIndices(shape, summarise), t.dtype() == DType.FLOAT32).texts;
            nest(sb, text, shape, 0, 0, summarise);
        } else {
            sb.append("[]");
        }
        sb.append(", ").append(t.dtype()).append(Shapes.str(t.shape()));
        if (!"jvm".equals(t.backend().name())) {
            sb.append('@').append(t.backend().name());
        }
        if (t.requiresGrad()) {
            sb.append(", requiresGrad");
        }
        if (t.op() != null) {
            sb.append(", op=").append(t.op());
        }
        return sb.append(')').toString();
    }

    /** Which flat indices are printed (all, or the ends of each long axis when summarising). */
    private static boolean[] shownIndices(int[] shape, boolean summarise) {
        int n = Shapes.numel(shape);
        boolean[] shown = new boolean[n];
        if (!summarise) {
            java.util.Arrays.fill(shown, true);
            return shown;
        }
        int[] idx = new int[shape.length];
        for (int flat = 0; flat < n; flat++) {
            int rem = flat;
            boolean ok = true;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
                if (shape[d] > 2 * EDGE && idx[d] >= EDGE && idx[d] < shape[d] - EDGE) {
                    ok = false;
                }
            }
            shown[flat] = ok;
        }
        return shown;
    }

    private static void nest(
            StringBuilder sb, String[] text, int[] shape, int axis, int offset, boolean summarise) {
        if (axis == shape.length) {
            sb.append(text[offset]);
            return;
        }
        int n = shape[axis];
        int stride = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            stride *= shape[d];
        }
        boolean cut = summarise && n > 2 * EDGE;
        String indent = " ".repeat(PREFIX.length() + axis + 1);
        boolean last = axis == shape.length - 1;
        String sep = last ? ", " : "," + "\n".repeat(Math.max(1, shape.length - axis - 1)) + indent;
        sb.append('[');
        boolean first = true;
        for (int i = 0; i < n; i++) {
            if (cut && i == EDGE) {
                append(sb, sep, "...", last, indent);
                i = n - EDGE;
            }
            if (!first) {
                if (last) {
                    append(sb, sep, text[offset + i * stride], true, indent);
                    continue;
                }
                sb.append(sep);
            }
            first = false;
            nest(sb, text, shape, axis + 1, offset + i * stride, summarise);
        }
        sb.append(']');
    }

    /**
     * Appends separator and item, breaking the row when it would pass the line width (the closing
     * brackets need room too).
     */
    private static void append(
            StringBuilder sb, String sep, String item, boolean row, String indent) {
        if (row) {
            int column = sb.length() - sb.lastIndexOf("\n") - 1;
            if (column + sep.length() + item.length() + 1 > LINE_WIDTH) {
                sb.append(",\n").append(indent).append(item);
                return;
            }
        }
        sb.append(sep).append(item);
    }

    /** The printed values, all of one width. */
    private static final class Numbers {
        final String[] texts;

        private Numbers(String[] texts) {
            this.texts = texts;
        }

        static Numbers of(double[] v, boolean[] shown, boolean f32) {
            double max = 0;
            double min = Double.POSITIVE_INFINITY;
            for (int i = 0; i < v.length; i++) {
                double a = Math.abs(v[i]);
                if (shown[i] && Double.isFinite(a) && a > 0) {
                    max = Math.max(max, a);
                    min = Math.min(min, a);
                }
            }
            boolean sci = max > 0 && (max >= 1e8 || min < 1e-4 || max / min > 1e3);
            String[] intPart = new String[v.length];
            String[] frac = new String[v.length];
            String[] exp = new String[v.length];
            int intWidth = 0;
            int fracWidth = 0;
            int expWidth = 2;
            for (int i = 0; i < v.length; i++) {
                if (!shown[i] || !Double.isFinite(v[i])) {
                    continue;
                }
                // The shortest text that reads back as the value: float32 values as floats (0.1,
                // not 0.10000000149).
                BigDecimal d =
                        new BigDecimal(f32 ? Float.toString((float) v[i]) : Double.toString(v[i]));
                String plain;
                if (sci) {
                    int e = 0;
                    if (d.signum() != 0) {
                        d = d.round(new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN));
                        e = d.precision() - d.scale() - 1;
                        d = d.movePointLeft(e);
                    }
                    exp[i] = Integer.toString(Math.abs(e));
                    exp[i] = (e < 0 ? "-" : "+") + exp[i];
                    expWidth = Math.max(expWidth, exp[i].length() - 1);
                    plain = d.stripTrailingZeros().toPlainString();
                } else {
                    plain =
                            d.setScale(PRECISION, RoundingMode.HALF_EVEN)
                                    .stripTrailingZeros()
                                    .toPlainString();
                }
                if (v[i] < 0 && !plain.startsWith("-")) {
                    plain = "-" + plain; // -0.00001 rounded to -0: NumPy keeps the sign
                } else if (v[i] == 0 && 1 / v[i] < 0) {
                    plain = "-" + plain;
                }
                int dot = plain.indexOf('.');
                intPart[i] = dot < 0 ? plain : plain.substring(0, dot);
                frac[i] = dot < 0 ? "" : plain.substring(dot + 1);
                intWidth = Math.max(intWidth, intPart[i].length());
                fracWidth = Math.max(fracWidth, frac[i].length());
            }
            String[] out = new String[v.length];
            int width = 0;
            for (int i = 0; i < v.length; i++) {
                if (!shown[i]) {
                    continue;
                }
                if (!Double.isFinite(v[i])) {
                    out[i] = Double.isNaN(v[i]) ? "nan" : v[i] > 0 ? "inf" : "-inf";
                } else if (sci) {
                    // Scientific: every mantissa with the same number of digits (zeros appended),
                    // exponents of equal length.
                    String e =
                            exp[i].charAt(0)
                                    + "0".repeat(expWidth - exp[i].length() + 1)
                                    + exp[i].substring(1);
                    out[i] =
                            intPart[i]
                                    + "."
                                    + frac[i]
                                    + "0".repeat(fracWidth - frac[i].length())
                                    + "e"
                                    + e;
                } else {
                    // Positional ("maxprec"): integer parts right-aligned, fractions left-aligned
                    // and padded with spaces.
                    out[i] =
                            " ".repeat(intWidth - intPart[i].length())
                                    + intPart[i]
                                    + "."
                                    + frac[i]
                                    + " ".repeat(fracWidth - frac[i].length());
                }
                width = Math.max(width, out[i].length());
            }
            for (int i = 0; i < v.length; i++) {
                if (out[i] != null && out[i].length() < width) {
                    out[i] = " ".repeat(width - out[i].length()) + out[i];
                }
            }
            return new Numbers(out);
        }
    }
}
