package org.implicitlayers.core.train;

import java.nio.file.Path;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.nn.Activation;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.core.optim.LrSchedule;

/**
 * A small training run in its own JVM, for the kill-and-resume test: fits sin(3x) cos(2y) from
 * minibatches drawn from the run's generator, checkpointing every 3 steps and resuming from the
 * checkpoint when it exists. Arguments: checkpoint file, output npz, steps, milliseconds per step.
 */
public final class ResumeChild {
    public static void main(String[] args) throws Exception {
        Path ckpt = Path.of(args[0]), out = Path.of(args[1]);
        long steps = Long.parseLong(args[2]);
        long sleep = Long.parseLong(args[3]);
        Rng rng = Rng.seeded(7);
        Mlp net =
                Mlp.builder(2, 16, 16, 1)
                        .activation(Activation.tanh())
                        .dtype(DType.FLOAT32)
                        .build(rng);
        Adam adam = new Adam(net.parameters(), 1e-2);
        Trainer t =
                Trainer.builder(net, adam, rng)
                        .loss(
                                (step, r) -> {
                                    Tensor x = Tensor.rand(r, DType.FLOAT32, 64, 2).mul(2).sub(1);
                                    Tensor y =
                                            x.select(1, 0)
                                                    .mul(3)
                                                    .sin()
                                                    .mul(x.select(1, 1).mul(2).cos())
                                                    .reshape(64, 1);
                                    return net.forward(x).sub(y).square().mean();
                                })
                        .schedule(LrSchedule.cosine(1e-2, 5, steps, 1e-4))
                        .options(
                                Trainer.Options.defaults()
                                        .withSteps(steps)
                                        .withCheckpointEvery(3)
                                        .withCheckpoint(ckpt)
                                        .withResume(true))
                        .callback(
                                new TrainingCallback() {
                                    @Override
                                    public void onStep(Trainer.StepInfo info) {
                                        try {
                                            Thread.sleep(sleep);
                                        } catch (InterruptedException e) {
                                            Thread.currentThread().interrupt();
                                        }
                                    }
                                })
                        .build();
        Trainer.Result r = t.run();
        Npz.write(out, net.stateDict());
        System.out.println("done " + r.lastStep() + " resumedFrom " + r.resumedFrom());
    }

    private ResumeChild() {}

    static Map<String, Tensor> read(Path p) throws java.io.IOException {
        return Npz.read(p).tensors();
    }
}
