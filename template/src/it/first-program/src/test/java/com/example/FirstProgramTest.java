package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.implicitlayers.core.Backends;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.junit.jupiter.api.Test;

class FirstProgramTest {
    @Test
    void theVectorKernelsRunUnderSurefire() {
        assertTrue(Backends.jvm().kernelName().startsWith("vector"), Backends.jvm().toString());
    }

    @Test
    void theSecondDerivativeOfASineIsExact() {
        Tensor x = Tensor.of(new double[] {0.3}, 1).requiringGrad();
        Tensor du = Grad.of(x.sin().sum(), x, true);
        assertEquals(-Math.sin(0.3), Grad.of(du.sum(), x, false).item(), 1e-15);
    }
}
