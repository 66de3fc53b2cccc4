package org.implicitlayers.core;

/**
 * NumPy-style text of a tensor: nested brackets, one row per line, values right-aligned to a
 * common width, long axes of large tensors summarised with "...".
 */
final class TensorFormat {
    /** Above this many elements, axes longer than {@code 2 * EDGE} show only their ends. */
    private static final int SUMMARY_THRESHOLD = 1000;
    private static final int EDGE = 3;
    private static final String PREFIX = "tensor(";

    private TensorFormat() {
    }

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder(PREFIX);
        if (t.numel() > 0 || t.rank() == 0) {
            double[] v = t.toDoubleArray();
            boolean summarise = t.numel() > SUMMARY_THRESHOLD;
            boolean f32 = t.dtype() == DType.FLOAT32;
            int[] shape = t.shape();
            int width = 0;
            for (double x : v) {
                width = Math.max(width, (f32 ? Float.toString((float) x) : Double.toString(x)).length());
            }
            nest(sb, v, shape, 0, 0, width, f32, summarise);
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

    private static void nest(StringBuilder sb, double[] v, int[] shape, int axis, int offset, int width, boolean f32,
                             boolean summarise) {
        if (axis == shape.length) {
            String c = f32 ? Float.toString((float) v[offset]) : Double.toString(v[offset]);
            sb.append(" ".repeat(width - c.length())).append(c);
            return;
        }
        int n = shape[axis];
        int stride = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            stride *= shape[d];
        }
        boolean cut = summarise && n > 2 * EDGE;
        String indent = " ".repeat(PREFIX.length() + axis + 1);
        String newlines = "\n".repeat(Math.max(1, shape.length - axis - 1));
        String sep = axis == shape.length - 1 ? ", " : "," + newlines + indent;
        sb.append('[');
        boolean first = true;
        for (int i = 0; i < n; i++) {
            if (cut && i == EDGE) {
                sb.append(sep).append("...");
                i = n - EDGE;
            }
            if (!first) {
                sb.append(sep);
            }
            first = false;
            nest(sb, v, shape, axis + 1, offset + i * stride, width, f32, summarise);
        }
        sb.append(']');
    }
}
