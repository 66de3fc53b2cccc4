package org.implicitlayers.sdf.fit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.core.train.CancelRequest;
import org.implicitlayers.core.train.RunContext;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.sdf.io.NormalEstimation;
import org.implicitlayers.sdf.io.Normalization;
import org.implicitlayers.sdf.io.PointCloud;
import org.implicitlayers.sdf.mesh.GridSampler;
import org.implicitlayers.sdf.mesh.MarchingCubes;
import org.implicitlayers.sdf.mesh.Mesh;
import org.implicitlayers.sdf.mesh.Shapes;
import org.implicitlayers.sdf.mesh.SurfaceMetrics;
import org.implicitlayers.sdf.net.IgrNetwork;
import org.implicitlayers.sdf.net.SdfNetwork;
import org.implicitlayers.sdf.net.SirenNetwork;

/**
 * The pipeline from a point cloud to a fitted SDF, a mesh and metrics: normalise the cloud to the
 * unit ball (remembered), estimate normals when it has none ({@link NormalEstimation}), train an
 * {@link IgrNetwork} on the {@link IgrLoss} (or a {@link SirenNetwork} on the {@link SirenLoss})
 * with Adam through core's {@link Trainer} (checkpoints, resume, callbacks for progress and metric
 * logs), sample the field on a grid, extract the zero level set with {@link MarchingCubes}, and
 * compare the mesh with the input points.
 */
public final class SdfFit {
    /**
     * Options.
     *
     * @param steps Adam steps (2000)
     * @param learningRate Adam's learning rate (1e-3)
     * @param network the architecture
     * @param loss the loss and its batch
     * @param grid grid sampling for extraction
     * @param metricSamples mesh samples for the metrics (100,000)
     * @param fThreshold F-score distance, normalised units (0.01)
     * @param seed seed of the initialisation and the batches (0)
     * @param checkpoint checkpoint file, or null
     * @param checkpointEvery steps between checkpoints (0: at the end and on cancel only)
     * @param resume continue from the checkpoint when present
     * @param normalNeighbours neighbours for estimating missing normals (10); 0 fits a bare cloud
     *     without the normal term
     * @param model which network and loss: {@link Igr} (the default) or {@link Siren}
     */
    public record Options(
            int steps,
            double learningRate,
            IgrNetwork.Options network,
            IgrLoss loss,
            GridSampler.Options grid,
            int metricSamples,
            double fThreshold,
            long seed,
            Path checkpoint,
            long checkpointEvery,
            boolean resume,
            int normalNeighbours,
            Model model) {
        public Options {
            if (steps < 0
                    || !(learningRate > 0)
                    || metricSamples < 1
                    || !(fThreshold > 0)
                    || checkpointEvery < 0
                    || normalNeighbours < 0
                    || normalNeighbours == 1
                    || normalNeighbours == 2
                    || model == null) {
                throw new IllegalArgumentException(
                        "SdfFit: need steps >= 0, learningRate > 0, metricSamples >= 1, fThreshold > 0;"
                                + " normalNeighbours 0 or >= 3; got "
                                + steps
                                + ", "
                                + learningRate
                                + ", "
                                + metricSamples
                                + ", "
                                + fThreshold
                                + ", "
                                + normalNeighbours);
            }
        }

        /**
         * The benchmark's settings: 2000 steps of Adam at 1e-3, 3-256x4-1, batch 2048 + 2048, 128^3
         * grid.
         */
        public static Options defaults() {
            return new Options(
                    2000,
                    1e-3,
                    IgrNetwork.Options.defaults(),
                    IgrLoss.defaults(),
                    GridSampler.Options.defaults(),
                    100_000,
                    0.01,
                    0,
                    null,
                    0,
                    false,
                    10,
                    new Igr());
        }

        public Options withSteps(int s) {
            return new Options(
                    s,
                    learningRate,
                    network,
                    loss,
                    grid,
                    metricSamples,
                    fThreshold,
                    seed,
                    checkpoint,
                    checkpointEvery,
                    resume,
                    normalNeighbours,
                    model);
        }

        public Options withNetwork(IgrNetwork.Options n) {
            return new Options(
                    steps,
                    learningRate,
                    n,
                    loss,
                    grid,
                    metricSamples,
                    fThreshold,
                    seed,
                    checkpoint,
                    checkpointEvery,
                    resume,
                    normalNeighbours,
                    model);
        }

        public Options withLoss(IgrLoss l) {
            return new Options(
                    steps,
                    learningRate,
                    network,
                    l,
                    grid,
                    metricSamples,
                    fThreshold,
                    seed,
                    checkpoint,
                    checkpointEvery,
                    resume,
                    normalNeighbours,
                    model);
        }

        public Options withGrid(GridSampler.Options g) {
            return new Options(
                    steps,
                    learningRate,
                    network,
                    loss,
                    g,
                    metricSamples,
                    fThreshold,
                    seed,
                    checkpoint,
                    checkpointEvery,
                    resume,
                    normalNeighbours,
                    model);
        }

        public Options withSeed(long s) {
            return new Options(
                    steps,
                    learningRate,
                    network,
                    loss,
                    grid,
                    metricSamples,
                    fThreshold,
                    s,
                    checkpoint,
                    checkpointEvery,
                    resume,
                    normalNeighbours,
                    model);
        }

        public Options withLearningRate(double lr) {
            return new Options(
                    steps,
                    lr,
                    network,
                    loss,
                    grid,
                    metricSamples,
                    fThreshold,
                    seed,
                    checkpoint,
                    checkpointEvery,
                    resume,
                    normalNeighbours,
                    model);
        }

        public Options withMetricSamples(int n) {
            return new Options(
                    steps,
                    learningRate,
                    network,
                    loss,
                    grid,
                    n,
                    fThreshold,
                    seed,
                    checkpoint,
                    checkpointEvery,
                    resume,
                    normalNeighbours,
                    model);
        }

        public Options withNormalNeighbours(int k) {
            return new Options(
                    steps,
                    learningRate,
                    network,
                    loss,
                    grid,
                    metricSamples,
                    fThreshold,
                    seed,
                    checkpoint,
                    checkpointEvery,
                    resume,
                    k,
                    model);
        }

        /**
         * With a {@link Siren} network and loss of this omega0 (the IGR network's width and depth,
         * the loss's batch).
         */
        public Options withSiren(double omega0) {
            return withModel(new Siren(omega0));
        }

        /** With another model. */
        public Options withModel(Model m) {
            return new Options(
                    steps,
                    learningRate,
                    network,
                    loss,
                    grid,
                    metricSamples,
                    fThreshold,
                    seed,
                    checkpoint,
                    checkpointEvery,
                    resume,
                    normalNeighbours,
                    m);
        }

        public Options withCheckpoint(Path file, long every, boolean resumeIfPresent) {
            return new Options(
                    steps,
                    learningRate,
                    network,
                    loss,
                    grid,
                    metricSamples,
                    fThreshold,
                    seed,
                    file,
                    every,
                    resumeIfPresent,
                    normalNeighbours,
                    model);
        }
    }

    /** The network and loss a fit trains: a choice that carries its own settings. */
    public sealed interface Model permits Igr, Siren {}

    /**
     * The IGR network ({@link IgrNetwork}, softplus, geometric initialisation) on the {@link
     * IgrLoss} (Gropp et al. 2020).
     */
    public record Igr() implements Model {}

    /**
     * A {@link SirenNetwork} of the IGR network's width and depth on the {@link SirenLoss} with the
     * same batch (Sitzmann et al. 2020).
     *
     * @param omega0 the first layer's frequency factor (30 in the paper), &gt; 0
     */
    public record Siren(double omega0) implements Model {
        /** Validates omega0. */
        public Siren {
            if (!(omega0 > 0) || Double.isInfinite(omega0)) {
                throw new IllegalArgumentException(
                        "SIREN omega0: expected a positive number, got " + omega0);
            }
        }
    }

    /**
     * What an extraction produced.
     *
     * @param mesh the mesh in the input's units
     * @param normalizedMesh the mesh in normalised units
     * @param sampling the grid and how it was sampled
     * @param extractSeconds marching cubes time
     */
    public record Extraction(
            Mesh mesh, Mesh normalizedMesh, GridSampler.Result sampling, double extractSeconds) {}

    private SdfFit() {}

    /** Trains a model on {@code cloud} (input units); callbacks see every step. */
    public static SdfModel train(PointCloud cloud, Options o, List<TrainingCallback> callbacks)
            throws IOException {
        return fit(cloud, o, callbacks, new CancelRequest()).model();
    }

    /** A trained model and how its training ended (cancelled or not, last step, resumed from). */
    public record Fitted(SdfModel model, Trainer.Result result) {}

    /**
     * Trains a model on {@code cloud} as the job {@code run}: its checkpoint file and resume flag
     * (replacing those of {@code o}), its callbacks, and its cancel request: {@link
     * RunContext#cancel()} from another thread (an interrupt handler, a Cancel button) stops the
     * fit after the current step; it writes its checkpoint and returns with {@code
     * result().cancelled()}. A run cancelled before the fit starts takes no step.
     */
    public static Fitted fit(PointCloud cloud, Options o, RunContext run) throws IOException {
        return fit(cloud, o, run.callbacks(), run.cancelRequest(), run);
    }

    /**
     * Trains a model on {@code cloud} with the checkpoint settings of {@code o}; {@code cancel}
     * stops it after the current step when {@link CancelRequest#cancel()} is called from another
     * thread, before or during the fit.
     */
    public static Fitted fit(
            PointCloud cloud, Options o, List<TrainingCallback> callbacks, CancelRequest cancel)
            throws IOException {
        return fit(cloud, o, callbacks, cancel, null);
    }

    private static Fitted fit(
            PointCloud cloud,
            Options o,
            List<TrainingCallback> callbacks,
            CancelRequest cancel,
            RunContext run)
            throws IOException {
        Normalization norm = Normalization.unitBall(cloud.points());
        PointCloud unit = cloud.normalized(norm);
        if (!unit.hasNormals() && o.normalNeighbours() > 0) {
            unit = unit.withNormals(NormalEstimation.estimate(unit.points(), o.normalNeighbours()));
        }
        PointCloud data = unit;
        Rng rng = Rng.seeded(o.seed());
        DType dt = o.network().dtype();
        SdfNetwork net;
        Trainer.LossFunction lossFn;
        if (o.model() instanceof Siren sm) {
            SirenNetwork siren =
                    new SirenNetwork(
                            o.network().width(), o.network().depth(), sm.omega0(), dt, rng);
            SirenLoss sl = SirenLoss.defaults().withBatch(o.loss().batch());
            net = siren;
            lossFn = (step, r) -> sl.evaluate(siren, data, r, dt);
        } else {
            IgrNetwork igr = new IgrNetwork(o.network(), rng);
            net = igr;
            lossFn = (step, r) -> o.loss().evaluate(igr, data, r, dt).total();
        }
        Adam adam = new Adam(net.module().parameters(), o.learningRate());
        Trainer.Options to =
                Trainer.Options.defaults()
                        .withSteps(o.steps())
                        .withCheckpointEvery(o.checkpointEvery())
                        .withCheckpoint(o.checkpoint())
                        .withResume(o.resume());
        Trainer.Builder b =
                Trainer.builder(net.module(), adam, rng)
                        .loss(lossFn)
                        .options(run == null ? to : run.trainerOptions(to));
        for (TrainingCallback cb : callbacks) {
            b.callback(cb);
        }
        Trainer t = b.build();
        cancel.accept(t);
        Trainer.Result r = t.run();
        return new Fitted(new SdfModel(net, norm), r);
    }

    /** Samples the model's field on the grid and extracts its zero level set. */
    public static Extraction extract(SdfModel model, GridSampler.Options grid) {
        GridSampler.Result s = GridSampler.sample(model.normalizedField(), grid);
        long t0 = System.nanoTime();
        Mesh unit = MarchingCubes.extract(s.grid(), 0);
        double mc = (System.nanoTime() - t0) / 1e9;
        Normalization n = model.normalization();
        return new Extraction(unit.mapVertices(n::invert), unit, s, mc);
    }

    /**
     * Metrics of an extracted mesh against the input cloud, in normalised units (and the Chamfer
     * and Hausdorff distances also in input units), plus, for an analytic shape given in normalised
     * units, the mean |f - sdf| of the fitted field near the surface, in input units.
     */
    public static Map<String, Double> metrics(
            SdfModel model, Extraction e, PointCloud cloud, Options o, Shapes.Shape truth) {
        Map<String, Double> m = new LinkedHashMap<>();
        Normalization n = model.normalization();
        PointCloud unit = cloud.normalized(n);
        m.put("mesh_vertices", (double) e.normalizedMesh().vertexCount());
        m.put("mesh_faces", (double) e.normalizedMesh().faceCount());
        if (e.normalizedMesh().faceCount() == 0) {
            return m;
        }
        Rng rng = Rng.seeded(o.seed());
        double[] sn = new double[3 * o.metricSamples()];
        double[] s = SurfaceMetrics.sample(e.normalizedMesh(), o.metricSamples(), rng, sn);
        SurfaceMetrics.Result r =
                SurfaceMetrics.compare(s, sn, unit.points(), unit.normals(), o.fThreshold());
        m.put("chamfer", r.chamfer());
        m.put("hausdorff", r.hausdorff());
        m.put("chamfer_input_units", n.invertLength(r.chamfer()));
        m.put("hausdorff_input_units", n.invertLength(r.hausdorff()));
        if (!Double.isNaN(r.normalConsistency())) {
            m.put("normal_consistency", r.normalConsistency());
        }
        m.put("f_score", r.fScore());
        m.put("f_threshold", r.threshold());
        if (truth != null) {
            m.put(
                    "sdf_mae_near_surface_input_units",
                    sdfErrorNearSurface(model, cloud, truth, rng));
        }
        return m;
    }

    /**
     * Mean |f(y) - sdf(y)| in input units over y = input point + noise of std 0.05 normalised
     * units, where f is the fitted field mapped back to input units and sdf the exact one.
     */
    static double sdfErrorNearSurface(
            SdfModel model, PointCloud cloud, Shapes.Shape truth, Rng rng) {
        int n = 4096;
        double sigma = model.normalization().invertLength(0.05);
        double[] y = new double[3 * n];
        for (int i = 0; i < n; i++) {
            int j = rng.nextInt(cloud.size());
            for (int a = 0; a < 3; a++) {
                y[3 * i + a] = cloud.coord(j, a) + sigma * rng.nextGaussian();
            }
        }
        float[] f = new float[n];
        model.field().evaluate(y, n, f);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.abs(f[i] - truth.distance(y[3 * i], y[3 * i + 1], y[3 * i + 2]));
        }
        return s / n;
    }
}
