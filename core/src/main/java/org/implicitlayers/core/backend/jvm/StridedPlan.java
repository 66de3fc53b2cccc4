package org.implicitlayers.core.backend.jvm;

/**
 * How to walk an output of some shape while reading operands with their own strides (0 along
 * broadcast axes). Adjacent axes that are contiguous for every operand are merged, so the walk is
 * {@code rows} runs of {@code inner} elements: the output run of row r starts at {@code r * inner};
 * operand j's run starts at {@code offsets[j][r]} and advances by {@code innerStride[j]}.
 */
final class StridedPlan {
    final int rows;
    final int inner;
    final int[][] offsets;
    final int[] innerStride;

    private StridedPlan(int rows, int inner, int[][] offsets, int[] innerStride) {
        this.rows = rows;
        this.inner = inner;
        this.offsets = offsets;
        this.innerStride = innerStride;
    }

    /**
     * Row-major strides of {@code shape}, aligned to the rank of {@code out}, 0 where broadcast.
     */
    static int[] broadcastStrides(int[] shape, int[] out) {
        int r = out.length, off = r - shape.length;
        int[] s = new int[r];
        int stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d + off] = shape[d] == 1 && out[d + off] != 1 ? 0 : stride;
            stride *= shape[d];
        }
        return s;
    }

    static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = stride;
            stride *= shape[d];
        }
        return s;
    }

    /** A plan for {@code out} with one stride vector per operand (each of out's rank). */
    static StridedPlan of(int[] out, int[]... strides) {
        int ops = strides.length;
        // Drop size-1 axes, then merge axis d into d+1 where every operand is contiguous across
        // them.
        int[] dims = new int[out.length];
        int[][] st = new int[ops][out.length];
        int rank = 0;
        for (int d = 0; d < out.length; d++) {
            if (out[d] == 1) {
                continue;
            }
            if (rank > 0) {
                boolean merge = true;
                for (int j = 0; j < ops && merge; j++) {
                    merge = st[j][rank - 1] == strides[j][d] * out[d];
                }
                if (merge) {
                    dims[rank - 1] *= out[d];
                    for (int j = 0; j < ops; j++) {
                        st[j][rank - 1] = strides[j][d];
                    }
                    continue;
                }
            }
            dims[rank] = out[d];
            for (int j = 0; j < ops; j++) {
                st[j][rank] = strides[j][d];
            }
            rank++;
        }
        if (rank == 0) {
            int[][] offsets = new int[ops][1];
            return new StridedPlan(1, 1, offsets, new int[ops]);
        }
        int inner = dims[rank - 1];
        int rows = 1;
        for (int d = 0; d < rank - 1; d++) {
            rows *= dims[d];
        }
        int[] innerStride = new int[ops];
        int[][] offsets = new int[ops][rows];
        for (int j = 0; j < ops; j++) {
            innerStride[j] = st[j][rank - 1];
        }
        int[] idx = new int[Math.max(rank - 1, 0)];
        int[] cur = new int[ops];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < ops; j++) {
                offsets[j][r] = cur[j];
            }
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                for (int j = 0; j < ops; j++) {
                    cur[j] += st[j][d];
                }
                if (idx[d] < dims[d]) {
                    break;
                }
                for (int j = 0; j < ops; j++) {
                    cur[j] -= st[j][d] * dims[d];
                }
                idx[d] = 0;
            }
        }
        return new StridedPlan(rows, inner, offsets, innerStride);
    }
}
