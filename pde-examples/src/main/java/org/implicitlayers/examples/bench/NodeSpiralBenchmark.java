package org.implicitlayers.examples.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.ode.Gradient;
import org.implicitlayers.ode.spiral.SpiralProblem;
import org.implicitlayers.ode.spiral.SpiralTraining;

/**
 * The {@code node-spiral} benchmark (docs/benchmarks.md): torchdiffeq's ode_demo problem trained
 * for {@code iters} steps per gradient mode from the same seed. A short untimed run of each mode
 * first lets the JIT compile the solver; the timed run starts from fresh weights.
 */
public final class NodeSpiralBenchmark {
    private NodeSpiralBenchmark() {}

    public static List<Map<String, Object>> run(
            int iters, DType dtype, long seed, List<Gradient> modes, Consumer<String> progress)
            throws java.io.IOException {
        SpiralProblem problem = new SpiralProblem(dtype);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Gradient mode : modes) {
            SpiralTraining.Options base =
                    SpiralTraining.Options.defaults()
                            .withIters(iters)
                            .withGradient(mode)
                            .withDtype(dtype)
                            .withSeed(seed);
            new SpiralTraining(problem, base.withIters(Math.min(60, iters))).run(List.of());
            SpiralTraining training = new SpiralTraining(problem, base);
            TrainingCallback log =
                    new TrainingCallback() {
                        @Override
                        public void onEval(long step, Map<String, Double> metrics) {
                            progress.accept(
                                    String.format(
                                            "[%s] iter %04d | total loss %.6f",
                                            mode.name().toLowerCase(),
                                            step,
                                            metrics.get("full_l1")));
                        }
                    };
            SpiralTraining.Result r = training.run(List.of(log));
            double[] ms = r.steps().stream().mapToDouble(s -> 1e3 * s.seconds()).toArray();
            double[] nf =
                    r.steps().stream().mapToDouble(SpiralTraining.StepRecord::nfeForward).toArray();
            double[] nb =
                    r.steps().stream()
                            .mapToDouble(SpiralTraining.StepRecord::nfeBackward)
                            .toArray();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "node-spiral");
            m.put("mode", mode.name().toLowerCase());
            m.put("iters", iters);
            m.put("ms_per_iter", Stopwatch.median(ms));
            m.put("final_loss", r.finalLoss());
            m.put("nfe_forward", Stopwatch.median(nf));
            m.put("nfe_backward", Stopwatch.median(nb));
            m.put("train_seconds", java.util.Arrays.stream(ms).sum() / 1e3);
            out.add(m);
        }
        return out;
    }
}
