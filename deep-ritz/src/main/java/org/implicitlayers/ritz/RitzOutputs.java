package org.implicitlayers.ritz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.train.OutputSet;
import org.implicitlayers.plot.Contours;
import org.implicitlayers.plot.Figures;
import org.implicitlayers.plot.Grid2;
import org.implicitlayers.plot.GridFiles;
import org.implicitlayers.plot.HeatMap;
import org.implicitlayers.plot.LossCurve;
import org.implicitlayers.ritz.domain.Domain;

/**
 * The files of a Deep Ritz / PINN run, the same whoever ran it ({@code implicit ritz}, the PDE
 * workbench's export, a sweep's run):
 *
 * <ul>
 *   <li>{@code problem.json}: the problem and the options it was solved with (a problem file);
 *   <li>{@code params.npz}: the trained network;
 *   <li>{@code metrics.csv} and {@code eval.csv}: the training loss and the evaluations ({@link
 *       org.implicitlayers.core.train.CsvMetricsLog});
 *   <li>{@code curves.<ext>}: the loss and the evaluations against step;
 *   <li>in the plane: {@code solution.vtk} and {@code solution.csv} (u, and u_exact and the error
 *       when the exact solution is known) on a 201 x 201 grid, and {@code solution.<ext>} and
 *       {@code error.<ext>} (heat maps);
 *   <li>otherwise {@code solution.csv} at 4096 points inside the domain; in 3-D {@code
 *       solution.vtk} on a 41^3 grid; from 3-D up, heat maps {@code slice_xy.<ext>} (and {@code
 *       error_xy.<ext>}) of planes through the centre.
 * </ul>
 *
 * The figures are written in the format of {@link Figures} ({@code <ext>}: png, svg or pdf).
 */
public final class RitzOutputs {
    /** The names of the training logs (written during the run, in its folder or another). */
    public static final String METRICS = "metrics.csv", EVAL = "eval.csv";

    /** Grid nodes per side of the 2-D outputs. */
    public static final int GRID = 201;

    private static final ObjectMapper JSON = new ObjectMapper();

    private RitzOutputs() {}

    /**
     * Writes the run's files into {@code files} (committed by the caller).
     *
     * @param solver the solver after its run (its network, problem and options)
     * @param problem the problem file as given (kept as it is), or null to write the one of the
     *     solver's problem and options
     * @param logs the folder where the run wrote {@value #METRICS} and {@value #EVAL}; copied into
     *     the set when it is not the set's folder
     * @return the names of the files, in the order written (those already in place included)
     */
    public static List<String> write(
            RitzSolver solver, ObjectNode problem, Path logs, OutputSet files, Figures figures)
            throws IOException {
        List<String> names = new ArrayList<>();
        ObjectNode json =
                problem != null
                        ? problem
                        : ProblemFile.toJson(new ProblemSpec(solver.problem(), solver.options()));
        Files.writeString(
                files.path("problem.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        names.add("problem.json");
        Npz.write(files.path("params.npz"), solver.network().stateDict());
        names.add("params.npz");
        Path metrics = logs.resolve(METRICS), eval = logs.resolve(EVAL);
        for (String log : List.of(METRICS, EVAL)) {
            Path from = logs.resolve(log);
            if (!Files.isRegularFile(from)) {
                throw new IOException(from + ": the training log was not written");
            }
            if (!from.toAbsolutePath()
                    .normalize()
                    .equals(files.finalPath(log).toAbsolutePath().normalize())) {
                Files.copy(from, files.path(log), StandardCopyOption.REPLACE_EXISTING);
            }
            names.add(log);
        }
        String name = solver.problem().name();
        String curves = figures.fileName("curves");
        LossCurve.write(metrics, eval, figures, files.path(curves), name + ": training");
        names.add(curves);
        Domain domain = solver.problem().domain();
        if (domain.dim() == 2) {
            names.addAll(
                    writePlane(SolutionGrid.sample(solver, GRID), domain, name, files, figures));
        } else {
            names.addAll(writeOther(solver, name, files, figures));
        }
        return names;
    }

    private static List<String> writePlane(
            SolutionGrid g, Domain domain, String name, OutputSet files, Figures figures)
            throws IOException {
        List<String> names = new ArrayList<>();
        boolean exact = g.exact() != null;
        String[] fieldNames = exact ? new String[] {"u", "u_exact", "error"} : new String[] {"u"};
        double[][][] fields =
                exact ? new double[][][] {g.u(), g.exact(), g.error()} : new double[][][] {g.u()};
        GridFiles.writeVtk(files.path("solution.vtk"), name, g.xs(), g.ys(), fieldNames, fields);
        GridFiles.writeCsv(files.path("solution.csv"), g.xs(), g.ys(), fieldNames, fields);
        names.addAll(List.of("solution.vtk", "solution.csv"));
        Contours.Region region = (x, y) -> domain.contains(new double[] {x, y});
        String solution = figures.fileName("solution");
        figures.writeFitted(
                HeatMap.of(new Grid2(g.xs(), g.ys(), g.u()))
                        .title(name + ": network solution")
                        .valueLabel("u")
                        .outlineOf(region)
                        .chart(),
                files.path(solution),
                620);
        names.add(solution);
        if (exact) {
            String error = figures.fileName("error");
            figures.writeFitted(
                    HeatMap.of(new Grid2(g.xs(), g.ys(), g.error()))
                            .diverging()
                            .title(name + ": pointwise error")
                            .valueLabel("u \u2212 u_exact")
                            .outlineOf(region)
                            .chart(),
                    files.path(error),
                    620);
            names.add(error);
        }
        return names;
    }

    /**
     * Outputs of a 1-D or 3-D and higher problem: solution.csv at 4096 Sobol points inside the
     * domain (the 2-D columns, one coordinate column per dimension); in 3-D, solution.vtk on the
     * 41^3 grid of the bounding box (NaN outside) and heat maps of u and of the error on the three
     * planes through its centre; above 3-D, heat maps on the (x1, x2) plane through the centre.
     */
    private static List<String> writeOther(
            RitzSolver solver, String name, OutputSet files, Figures figures) throws IOException {
        List<String> names = new ArrayList<>();
        int d = solver.problem().domain().dim();
        SolutionSamples.Points pts = SolutionSamples.atPoints(solver, 4096);
        String[] coords = new String[d];
        for (int c = 0; c < d; c++) {
            coords[c] = d <= 3 ? new String[] {"x", "y", "z"}[c] : "x" + (c + 1);
        }
        boolean exact = pts.exact() != null;
        GridFiles.writePointsCsv(
                files.path("solution.csv"),
                coords,
                pts.points(),
                exact ? new String[] {"u", "u_exact", "error"} : new String[] {"u"},
                exact
                        ? new double[][] {pts.u(), pts.exact(), pts.error()}
                        : new double[][] {pts.u()});
        names.add("solution.csv");
        if (d < 3) {
            return names;
        }
        if (d == 3) {
            SolutionSamples.Volume v = SolutionSamples.volume(solver, 41);
            GridFiles.writeVtk(
                    files.path("solution.vtk"),
                    name,
                    v.xs(),
                    v.ys(),
                    v.zs(),
                    exact ? new String[] {"u", "u_exact", "error"} : new String[] {"u"},
                    exact
                            ? new double[][][][] {v.u(), v.exact(), v.error()}
                            : new double[][][][] {v.u()});
            names.add("solution.vtk");
        }
        int[][] planes = d == 3 ? new int[][] {{0, 1}, {0, 2}, {1, 2}} : new int[][] {{0, 1}};
        for (int[] pl : planes) {
            SolutionGrid g = SolutionSamples.slice(solver, 121, pl[0], pl[1]);
            String tag = coords[pl[0]] + coords[pl[1]];
            String where =
                    d == 3
                            ? coords[3 - pl[0] - pl[1]] + " at the centre"
                            : "the other coordinates at the centre";
            String slice = figures.fileName("slice_" + tag);
            figures.writeFitted(
                    HeatMap.of(new Grid2(g.xs(), g.ys(), g.u()))
                            .title(name + ": u on the " + tag + " plane, " + where)
                            .axes(coords[pl[0]], coords[pl[1]])
                            .valueLabel("u")
                            .chart(),
                    files.path(slice),
                    620);
            names.add(slice);
            if (exact) {
                String error = figures.fileName("error_" + tag);
                figures.writeFitted(
                        HeatMap.of(new Grid2(g.xs(), g.ys(), g.error()))
                                .diverging()
                                .title(name + ": error on the " + tag + " plane, " + where)
                                .axes(coords[pl[0]], coords[pl[1]])
                                .valueLabel("u \u2212 u_exact")
                                .chart(),
                        files.path(error),
                        620);
                names.add(error);
            }
        }
        return names;
    }
}
