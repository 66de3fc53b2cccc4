package org.implicitlayers.ritz;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Activation;
import org.implicitlayers.core.nn.Init;
import org.implicitlayers.core.nn.Linear;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.nn.ResidualBlock;
import org.implicitlayers.core.nn.Sequential;
import org.junit.jupiter.api.Test;

/**
 * The output bias that the re-centring after L-BFGS shifts is found by the network's structure, not
 * by a parameter's name.
 */
class OutputBiasTest {
    private static final Tensor X = Tensor.of(DType.FLOAT64, new double[] {0.3, -0.2}, 1, 2);

    @Test
    void theBiasOfTheLastLinearLayerOfAResNetAndOfAnMlp() {
        Rng rng = Rng.seeded(1);
        Linear out = new Linear(8, 1, rng, DType.FLOAT64);
        Module resnet =
                new Sequential(
                        new Linear(2, 8, rng, DType.FLOAT64),
                        new ResidualBlock(
                                8,
                                Activation.parse("tanh"),
                                Init.pytorchDefault(),
                                rng,
                                DType.FLOAT64),
                        out);
        assertSame(out.bias(), RitzSolver.outputBias(resnet, X));
        Mlp mlp =
                Mlp.builder(2, 8, 8, 1)
                        .activation(Activation.parse("tanh"))
                        .dtype(DType.FLOAT64)
                        .build(rng);
        assertSame(mlp.layer(mlp.depth() - 1).bias(), RitzSolver.outputBias(mlp, X));
    }

    @Test
    void noneWhenTheLastLinearLayerIsNotTheOutput() {
        Rng rng = Rng.seeded(2);
        // An activation after the last layer: shifting its bias does not shift the output by as
        // much.
        Module squashed =
                new Sequential(
                        new Linear(2, 8, rng, DType.FLOAT64),
                        Activation.parse("tanh"),
                        new Linear(8, 1, rng, DType.FLOAT64),
                        Activation.parse("tanh"));
        assertNull(RitzSolver.outputBias(squashed, X));
        // Several outputs, or no bias.
        assertNull(
                RitzSolver.outputBias(new Linear(2, 3, rng, DType.FLOAT64), X.to(DType.FLOAT64)));
        assertNull(
                RitzSolver.outputBias(
                        new Linear(2, 1, false, Init.pytorchDefault(), rng, DType.FLOAT64), X));
    }
}
