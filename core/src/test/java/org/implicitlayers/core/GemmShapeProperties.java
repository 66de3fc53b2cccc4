package org.implicitlayers.core;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Every GEMM kernel shape and A layout on random sizes, against the triple loop (see {@link
 * GemmShapesTest}).
 */
class GemmShapeProperties {
    @Property(tries = 60)
    void randomSizesOnEveryShape(
            @ForAll @IntRange(min = 1, max = 150) int m,
            @ForAll @IntRange(min = 1, max = 300) int n,
            @ForAll @IntRange(min = 1, max = 300) int k,
            @ForAll boolean ta,
            @ForAll @IntRange(min = 0, max = 7) int plan) {
        GemmShapesTest.check(
                GemmShapesTest.BACKENDS.get(plan), m, n, k, ta, false, m * 7L + n * 3L + k);
    }
}
