package org.implicitlayers.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.implicit.sparse.SparseCoding;
import org.implicitlayers.plot.Curves;
import org.implicitlayers.plot.Figures;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Gregor and LeCun (2010): LISTA with K learned layers predicts the optimal sparse code about as
 * well as ISTA after many more iterations. Codes of synthetic signals (a random dictionary, 3
 * active atoms) are computed to convergence by ISTA; LISTA networks with K = 1, 2, 5, 10 layers are
 * trained to predict them; for each K, the number of ISTA iterations reaching the same error is
 * found.
 */
@Command(
        name = "lista",
        description =
                "Learned ISTA against ISTA: how many ISTA iterations does a K-layer LISTA replace?")
final class ListaCommand implements Callable<Integer> {
    @Option(
            names = "--steps",
            defaultValue = "600",
            description = "Adam steps per LISTA network (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--out",
            defaultValue = "out/lista",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    static Tensor signals(Rng rng, Tensor d, int batch, int m) {
        double[] codes = new double[batch * m];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < 3; k++) {
                codes[b * m + rng.nextInt(m)] = rng.nextGaussian();
            }
        }
        return Tensor.of(DType.FLOAT32, codes, batch, m).matmul(d, false, true);
    }

    @CommandLine.Mixin FigureOptions figureOptions;

    @Override
    public Integer call() throws Exception {
        Figures figures = figureOptions.figures();
        JvmBackend.setThreads(2);
        Files.createDirectories(out);
        int n = 30, m = 60, batch = 512;
        double alpha = 0.1;
        Rng rng = Rng.seeded(3);
        Tensor d = SparseCoding.dictionary(rng, DType.FLOAT32, n, m);
        double l = SparseCoding.lipschitz(d);
        Tensor yTrain = signals(rng, d, batch, m), yTest = signals(rng, d, batch, m);
        Tensor zTrain, zTest;
        try (Grad.Scope g = Grad.noGrad()) {
            zTrain = SparseCoding.ista(d, yTrain, alpha, l, 3000);
            zTest = SparseCoding.ista(d, yTest, alpha, l, 3000);
        }
        // ISTA's error against the converged codes, iteration by iteration (test set).
        List<Double> istaIt = new ArrayList<>(), istaErr = new ArrayList<>();
        try (Grad.Scope g = Grad.noGrad()) {
            Tensor z = Tensor.zeros(DType.FLOAT32, batch, m);
            Tensor theta = Tensor.scalar(DType.FLOAT32, alpha / l);
            Tensor dty = yTest.matmul(d).div(l);
            for (int k = 1; k <= 2000; k++) {
                z =
                        SparseCoding.softThreshold(
                                z.sub(z.matmul(d, false, true).matmul(d).div(l)).add(dty), theta);
                istaErr.add(z.sub(zTest).square().mean().item());
            }
        }
        System.out.printf(
                "Dictionary %dx%d (unit columns), codes with 3 active atoms, alpha %.2g; targets: ISTA to 3000 iterations%n",
                n, m, alpha);
        System.out.println(
                "  K   LISTA-K error   ISTA-K error   ISTA iterations for LISTA-K's error   ratio");
        List<Double> lk = new ArrayList<>(), le = new ArrayList<>();
        for (int k : new int[] {1, 2, 5, 10}) {
            SparseCoding.Lista lista = new SparseCoding.Lista(d, alpha, k);
            Adam adam = new Adam(lista.parameters(), 2e-3);
            for (int s = 0; s < steps; s++) {
                adam.zeroGrad();
                lista.forward(yTrain).sub(zTrain).square().mean().backward();
                adam.step();
            }
            double err;
            try (Grad.Scope g = Grad.noGrad()) {
                err = lista.forward(yTest).sub(zTest).square().mean().item();
            }
            int match = -1;
            for (int i = 0; i < istaErr.size(); i++) {
                if (istaErr.get(i) <= err) {
                    match = i + 1;
                    break;
                }
            }
            lk.add((double) k);
            le.add(err);
            System.out.printf(
                    Locale.ROOT,
                    "%3d   %13.4e   %12.4e   %36s   %5s%n",
                    k,
                    err,
                    istaErr.get(k - 1),
                    match < 0 ? "> 2000" : Integer.toString(match),
                    match < 0
                            ? ">" + 2000 / k
                            : String.format(Locale.ROOT, "%.0fx", (double) match / k));
        }
        // ISTA reaches its own converged codes exactly at some point: a log axis shows the positive
        // errors only.
        List<Double> plotErr = new ArrayList<>();
        for (int i = 0; i < istaErr.size() && istaErr.get(i) > 0; i++) {
            istaIt.add(i + 1.0);
            plotErr.add(istaErr.get(i));
        }
        double[] ix = istaIt.stream().mapToDouble(Double::doubleValue).toArray(),
                iy = plotErr.stream().mapToDouble(Double::doubleValue).toArray();
        double[] lx = lk.stream().mapToDouble(Double::doubleValue).toArray(),
                ly = le.stream().mapToDouble(Double::doubleValue).toArray();
        figures.write(
                Curves.chart(
                        "Sparse coding error: ISTA iterations vs LISTA layers",
                        "iterations / layers",
                        true,
                        List.of(
                                new Curves.Panel(
                                        "mean squared error to the optimal code",
                                        Curves.Scale.LOG,
                                        List.of(
                                                Curves.Series.line("ISTA", ix, iy),
                                                Curves.Series.points("LISTA (trained)", lx, ly))))),
                out.resolve(figures.fileName("lista")),
                800,
                520);
        System.out.println("wrote " + out.resolve(figures.fileName("lista")));
        return 0;
    }
}
