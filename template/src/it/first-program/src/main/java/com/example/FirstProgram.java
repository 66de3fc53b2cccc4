package com.example;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Losses;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.optim.Adam;

/** Fits u(x) = sin(pi x) on [-1, 1] with a small network, then compares u'' with -pi^2 sin(pi x). */
public final class FirstProgram {
    public static void main(String[] args) {
        Rng rng = Rng.seeded(0);                                             // one seed: the same run every time
        Mlp net = Mlp.builder(1, 32, 32, 1).build(rng);                      // tanh, PyTorch's init, float32
        Adam adam = new Adam(net.parameters(), 1e-2);
        System.out.println(net);

        Tensor x = Tensor.linspace(DType.FLOAT32, -1, 1, 128).unsqueeze(1);  // [128, 1]
        Tensor y = x.mul(Math.PI).sin();
        for (int step = 1; step <= 1500; step++) {
            Tensor loss = Losses.mse(net.forward(x), y);
            adam.zeroGrad();
            loss.backward();
            adam.step();
            if (step % 500 == 0) {
                System.out.printf("step %d  loss %.2e%n", step, loss.item());
            }
        }

        // Second derivatives by reverse mode, twice: the first gradient keeps its graph.
        Tensor p = Tensor.of(new float[][] {{-0.5f}, {0.25f}}).requiringGrad();  // [2, 1]
        Tensor u = net.forward(p);
        Tensor du = Grad.of(u.sum(), p, true);
        Tensor d2u = Grad.of(du.sum(), p, false);
        Tensor exact = p.detach().mul(Math.PI).sin().mul(-Math.PI * Math.PI);
        System.out.println("u''   = " + d2u);
        System.out.println("exact = " + exact);
    }
}
