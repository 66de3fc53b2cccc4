package org.implicitlayers.core.backend.jvm;

import java.util.Arrays;
import java.util.Locale;

/**
 * The shape of the GEMM micro-kernel and the cache blocking around it, chosen once at start-up from
 * the machine ({@link CpuInfo}) and the vector length.
 *
 * <p>The micro-kernel keeps a tile of C of {@code rows x vectors} vectors in registers, and for
 * each step of k loads {@code vectors} vectors of B and broadcasts one element of A at a time: it
 * needs {@code rows * vectors + vectors + 1} registers. A tile that does not fit spills an
 * accumulator to the stack on every step (the 4 x 4 tile, 21 registers, ran at a third of the speed
 * on AVX2's 16). The largest tested tile that fits is taken:
 *
 * <ul>
 *   <li>{@link Shape#R4_V4} (21 registers) where there are 32: AVX-512, also at 256 bits ({@code
 *       -XX:MaxVectorSize=32}), and AArch64;
 *   <li>{@link Shape#R6_V2} (15 registers) where there are 16: AVX2 (the shape of BLIS's Haswell
 *       kernel), compiled by JDK 17's C2;
 *   <li>{@link Shape#R6_V2_ROW_PANELS} where there are 16 and a later JDK compiles the kernels: JDK
 *       25's C2 schedules a third broadcast of A ahead of the multiply-adds of the one before in
 *       the 6 x 2 loops, which needs 17 registers, and keeps an accumulator on the stack: every
 *       step of k then waits on a store and a reload (AVX2 on a Zen 4, two threads: GEMM 1024 at
 *       79-86 GFLOP/s against 140-185 on JDK 17). The row-panel kernel, with a load fence before
 *       every broadcast, compiles cleanly on both JDKs; the other 6 x 2 kernels did not (fences in
 *       the column-panel kernel cost JDK 17 half its speed), so every other path takes the 4 x 2
 *       tile ({@link Shape#R4_V2}, 11 registers). JDK versions between 17 and 25 were not measured
 *       and take this plan too.
 * </ul>
 *
 * A 6 x 4 tile (29 registers) was not taken: in some runs C2 compiled it without its vector
 * intrinsics, 15x slower, where the 4 x 4 tile compiled reliably.
 *
 * <p>Blocking: B is packed in strips {@code vectors} vectors wide and {@link #kc()} rows deep, so
 * that a strip fills the L1 data cache once ({@code kc = L1d / strip row bytes}, 64 to 256 rows);
 * rows of A are taken {@link #mc()} at a time, an A block of {@code mc x kc} using at most a
 * sixteenth of L2, so it stays there while every strip passes.
 *
 * <p>System properties override the choice, for measurements and for the tests, which run every
 * shape on every machine: {@code implicit.gemm.kernel} ({@code 4x4} or {@code 6x2}), {@code
 * implicit.gemm.kc}, {@code implicit.gemm.mc}, {@code implicit.gemm.packA}. The plans with 4 x 2
 * tiles run the 6 x 2 tile's float64 kernels (all are two vectors wide).
 *
 * @param shape the micro-kernel's tile
 * @param kc rows of B per packed block
 * @param mc rows of A per block, a multiple of {@code shape.rows()}
 * @param packA whether A is first copied for the micro-kernel, so that it reads both operands at
 *     constant strides: taken for the 6 x 2 tile, not for the 4 x 4 (AVX-512: sdf-bunny 68-70
 *     ms/iter in place against 81-87 packed). A row-major A is copied row by row into row panels of
 *     constant stride (an array copy per row); a transposed A into interleaved panels of the tile's
 *     rows. In the AVX2 setting the row panels raised the 1024 / 2048 / 4096 x 256 x 256 GEMMs from
 *     115 / 136 / 141 to 179 / 191 / 205 GFLOP/s (one sitting) against the interleaved panels.
 * @param reason why this plan, for {@code info}
 */
public record GemmPlan(Shape shape, int kc, int mc, boolean packA, String reason) {
    /** The tested micro-kernel tiles: rows of C by vectors of C. */
    public enum Shape {
        R4_V4(4, 4),
        R6_V2(6, 2),
        R4_V2(4, 2),
        /** 6 x 2 where A is in row panels (a row-major A), 4 x 2 on every other path. */
        R6_V2_ROW_PANELS(6, 2, "6x2rows");

        private final int rows;
        private final int vectors;
        private final String label;

        Shape(int rows, int vectors) {
            this(rows, vectors, rows + "x" + vectors);
        }

        Shape(int rows, int vectors, String label) {
            this.rows = rows;
            this.vectors = vectors;
            this.label = label;
        }

        public int rows() {
            return rows;
        }

        public int vectors() {
            return vectors;
        }

        /** Vector registers the tile needs: accumulators, one row of B, one broadcast of A. */
        public int registersNeeded() {
            return rows * vectors + vectors + 1;
        }

        /** "4x4", "6x2", "4x2", "6x2rows". */
        public String label() {
            return label;
        }

        static Shape parse(String s, String where) {
            for (Shape sh : values()) {
                if (sh.label().equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return sh;
                }
            }
            throw new IllegalArgumentException(
                    where
                            + ": unknown GEMM kernel '"
                            + s
                            + "'; expected one of "
                            + Arrays.stream(values()).map(Shape::label).toList());
        }
    }

    public GemmPlan {
        if (shape == null || kc < 1 || mc < shape.rows() || mc % shape.rows() != 0) {
            throw new IllegalArgumentException(
                    "GemmPlan: kc >= 1 and mc a positive multiple of the kernel's rows expected, got "
                            + shape
                            + ", kc "
                            + kc
                            + ", mc "
                            + mc);
        }
    }

    /**
     * The plan for {@code cpu} with vectors of {@code lanes} floats, before any override, for the
     * JDK this JVM is ({@link Runtime.Version#feature()}).
     */
    public static GemmPlan choose(CpuInfo cpu, int lanes) {
        return choose(cpu, lanes, Runtime.version().feature());
    }

    /** {@link #choose} for the kernels compiled by JDK {@code jdk}'s C2. */
    public static GemmPlan choose(CpuInfo cpu, int lanes, int jdk) {
        Shape best = null;
        for (Shape s : Shape.values()) {
            if (s.registersNeeded() <= cpu.registers()
                    && (best == null || s.rows() * s.vectors() > best.rows() * best.vectors())) {
                best = s;
            }
        }
        if (best == null) {
            best = Shape.R6_V2;
        }
        String why =
                best.label()
                        + " tile ("
                        + best.registersNeeded()
                        + " of "
                        + cpu.registers()
                        + " registers)";
        if (best == Shape.R6_V2 && jdk > LAST_JDK_6X2) {
            best = Shape.R6_V2_ROW_PANELS;
            why =
                    "6x2 tile in row panels, 4x2 elsewhere ("
                            + cpu.registers()
                            + " registers): JDK "
                            + jdk
                            + "'s C2 spills the other 6x2 loops";
        }
        return blocked(best, cpu, lanes, why);
    }

    /** The last JDK whose C2 was seen to compile the 6 x 2 loops without a spill (see above). */
    static final int LAST_JDK_6X2 = 17;

    /** {@code shape} with the blocking that {@code cpu}'s caches give it. */
    public static GemmPlan blocked(Shape shape, CpuInfo cpu, int lanes, String reason) {
        int stripRowBytes = shape.vectors() * lanes * Float.BYTES;
        int kc = Integer.highestOneBit(Math.max(1, cpu.l1dBytes() / stripRowBytes));
        kc = Math.max(64, Math.min(256, kc));
        int mc = cpu.l2Bytes() / 16 / (kc * Float.BYTES);
        mc = Math.max(8 * shape.rows(), Math.min(240, mc)) / shape.rows() * shape.rows();
        return new GemmPlan(shape, kc, mc, shape.vectors() == 2, reason);
    }

    /** {@link #choose} with the system properties' overrides applied (errors name the property). */
    public static GemmPlan fromProperties(CpuInfo cpu, int lanes) {
        GemmPlan p = choose(cpu, lanes);
        String k = System.getProperty("implicit.gemm.kernel");
        if (k != null && !k.isBlank()) {
            p =
                    blocked(
                            Shape.parse(k, "-Dimplicit.gemm.kernel"),
                            cpu,
                            lanes,
                            "set by -Dimplicit.gemm.kernel=" + k.trim());
        }
        int kc = intProperty("implicit.gemm.kc", p.kc());
        int mc = intProperty("implicit.gemm.mc", p.mc());
        String pa = System.getProperty("implicit.gemm.packA");
        boolean packA =
                pa == null || pa.isBlank() ? p.packA() : parseBoolean(pa, "-Dimplicit.gemm.packA");
        if (kc != p.kc() || mc != p.mc() || packA != p.packA()) {
            if (mc < p.shape().rows() || mc % p.shape().rows() != 0 || kc < 1) {
                throw new IllegalArgumentException(
                        "-Dimplicit.gemm.kc/mc: kc >= 1 and mc a positive multiple of "
                                + p.shape().rows()
                                + " (the "
                                + p.shape().label()
                                + " kernel's rows) expected, got kc "
                                + kc
                                + ", mc "
                                + mc);
            }
            p = new GemmPlan(p.shape(), kc, mc, packA, p.reason() + ", blocking set by property");
        }
        return p;
    }

    private static boolean parseBoolean(String v, String where) {
        String t = v.trim().toLowerCase(Locale.ROOT);
        if (!t.equals("true") && !t.equals("false")) {
            throw new IllegalArgumentException(where + ": true or false expected, got '" + v + "'");
        }
        return t.equals("true");
    }

    private static int intProperty(String name, int dflt) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "-D" + name + ": an integer expected, got '" + v + "'", e);
        }
    }

    /** "6x2 kernel, kc 256, mc 60 (6x2 tile (15 of 16 registers))". */
    @Override
    public String toString() {
        return shape.label()
                + " kernel, kc "
                + kc
                + ", mc "
                + mc
                + (packA ? ", A packed" : "")
                + " ("
                + reason
                + ")";
    }
}
