package org.implicitlayers.ode.cnf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.ode.Gradient;
import org.implicitlayers.ode.OdeSolve;

/**
 * Trains a {@link ContinuousFlow} by maximum likelihood on fresh samples of a {@link ToyDensity}
 * each step (Adam).
 */
public final class FlowTraining {
    /**
     * Options; start from {@link #defaults()} and change what differs with the withers.
     *
     * @param density the toy density (default two moons)
     * @param steps Adam steps (default 400)
     * @param batch samples per step (default 256)
     * @param hidden width of the hidden layers (default 32)
     * @param lr learning rate (default 5e-3)
     * @param hutchinson Hutchinson's trace estimator instead of the exact trace (default false)
     * @param gradient how the solves are differentiated (default {@link Gradient#adjoint()})
     * @param tol solver rtol = atol (default 1e-5)
     * @param seed seed (default 0)
     * @param checkpoint checkpoint file, or null (the default) for none
     * @param resume continue from the checkpoint (default false)
     */
    public record Options(
            ToyDensity density,
            int steps,
            int batch,
            int hidden,
            double lr,
            boolean hutchinson,
            Gradient gradient,
            double tol,
            long seed,
            Path checkpoint,
            boolean resume) {
        public Options {
            if (density == null || gradient == null) {
                throw new IllegalArgumentException(
                        "flow training: density and gradient must be set");
            }
            if (steps < 0 || batch < 1 || hidden < 1 || !(lr > 0) || !(tol > 0)) {
                throw new IllegalArgumentException(
                        "flow training: expected steps >= 0, batch >= 1, hidden >= 1, lr > 0, tol > 0");
            }
        }

        public static Options defaults() {
            return new Options(
                    ToyDensity.TWO_MOONS,
                    400,
                    256,
                    32,
                    5e-3,
                    false,
                    Gradient.adjoint(),
                    1e-5,
                    0,
                    null,
                    false);
        }

        public Options withDensity(ToyDensity v) {
            return new Options(
                    v,
                    steps,
                    batch,
                    hidden,
                    lr,
                    hutchinson,
                    gradient,
                    tol,
                    seed,
                    checkpoint,
                    resume);
        }

        public Options withSteps(int v) {
            return new Options(
                    density,
                    v,
                    batch,
                    hidden,
                    lr,
                    hutchinson,
                    gradient,
                    tol,
                    seed,
                    checkpoint,
                    resume);
        }

        public Options withBatch(int v) {
            return new Options(
                    density,
                    steps,
                    v,
                    hidden,
                    lr,
                    hutchinson,
                    gradient,
                    tol,
                    seed,
                    checkpoint,
                    resume);
        }

        public Options withHidden(int v) {
            return new Options(
                    density,
                    steps,
                    batch,
                    v,
                    lr,
                    hutchinson,
                    gradient,
                    tol,
                    seed,
                    checkpoint,
                    resume);
        }

        public Options withLr(double v) {
            return new Options(
                    density,
                    steps,
                    batch,
                    hidden,
                    v,
                    hutchinson,
                    gradient,
                    tol,
                    seed,
                    checkpoint,
                    resume);
        }

        public Options withHutchinson(boolean v) {
            return new Options(
                    density, steps, batch, hidden, lr, v, gradient, tol, seed, checkpoint, resume);
        }

        public Options withGradient(Gradient v) {
            return new Options(
                    density,
                    steps,
                    batch,
                    hidden,
                    lr,
                    hutchinson,
                    v,
                    tol,
                    seed,
                    checkpoint,
                    resume);
        }

        public Options withTol(double v) {
            return new Options(
                    density,
                    steps,
                    batch,
                    hidden,
                    lr,
                    hutchinson,
                    gradient,
                    v,
                    seed,
                    checkpoint,
                    resume);
        }

        public Options withSeed(long v) {
            return new Options(
                    density,
                    steps,
                    batch,
                    hidden,
                    lr,
                    hutchinson,
                    gradient,
                    tol,
                    v,
                    checkpoint,
                    resume);
        }

        public Options withCheckpoint(Path v) {
            return new Options(
                    density, steps, batch, hidden, lr, hutchinson, gradient, tol, seed, v, resume);
        }

        public Options withResume(boolean v) {
            return new Options(
                    density,
                    steps,
                    batch,
                    hidden,
                    lr,
                    hutchinson,
                    gradient,
                    tol,
                    seed,
                    checkpoint,
                    v);
        }
    }

    private final Options options;
    private final ContinuousFlow flow;
    private final Rng rng;

    public FlowTraining(Options o) {
        this.options = o;
        this.rng = Rng.seeded(o.seed());
        this.flow =
                new ContinuousFlow(
                        o.hidden(),
                        o.hutchinson(),
                        OdeSolve.Options.defaults()
                                .withTolerances(o.tol(), o.tol())
                                .withGradient(o.gradient()),
                        rng,
                        DType.FLOAT32);
    }

    public ContinuousFlow flow() {
        return flow;
    }

    /** Mean log-likelihood of n fresh samples (exact trace, no tape). */
    public double heldOutLogLikelihood(int n, long seed) {
        try (Grad.Scope ignored = Grad.noGrad()) {
            return flow.logDensity(
                            options.density().sample(Rng.seeded(seed), n, DType.FLOAT32), null)
                    .mean()
                    .item();
        }
    }

    private final org.implicitlayers.core.train.CancelRequest cancel =
            new org.implicitlayers.core.train.CancelRequest();

    /**
     * Stops a running (or the next) training after its current step, with a checkpoint when one is
     * configured; safe from any thread.
     */
    public void cancel() {
        cancel.cancel();
    }

    /** Runs the training; the loss is the negative mean log-likelihood of each step's batch. */
    public Trainer.Result run(List<TrainingCallback> callbacks) throws IOException {
        Adam adam = new Adam(flow.parameters(), options.lr());
        Trainer.Builder b =
                Trainer.builder(flow, adam, rng)
                        .loss(
                                (step, r) ->
                                        flow.logDensity(
                                                        options.density()
                                                                .sample(
                                                                        r,
                                                                        options.batch(),
                                                                        DType.FLOAT32),
                                                        r)
                                                .mean()
                                                .neg())
                        .evaluator(
                                step ->
                                        Map.of(
                                                "held_out_log_likelihood",
                                                heldOutLogLikelihood(1024, 12345)))
                        .options(
                                Trainer.Options.defaults()
                                        .withSteps(options.steps())
                                        .withEvalEvery(50)
                                        .withCheckpointEvery(100)
                                        .withCheckpoint(options.checkpoint())
                                        .withResume(options.resume()));
        for (TrainingCallback cb : callbacks) {
            b.callback(cb);
        }
        Trainer t = b.build();
        cancel.accept(t);
        return t.run();
    }
}
