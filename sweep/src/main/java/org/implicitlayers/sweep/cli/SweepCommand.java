package org.implicitlayers.sweep.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.implicitlayers.sweep.Ranking;
import org.implicitlayers.sweep.ResultTable;
import org.implicitlayers.sweep.RunStatus;
import org.implicitlayers.sweep.Sweep;
import org.implicitlayers.sweep.SweepPlot;
import org.implicitlayers.sweep.SweepRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs a sweep file on Spark and writes the result table, the plot and the summary. */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description = {
            "Run a parameter sweep of solver runs on Apache Spark (in-process local[*] by default).",
            "Writes DIR/results.csv, DIR/results.parquet, DIR/<metric>.png and each run's outputs under DIR/runs/<id>/.",
            "Running it again skips the runs whose results exist."
        })
final class SweepCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The sweep file (JSON).")
    Path file;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Output folder (default: out/sweep/<sweep name>).")
    Path out;

    @Option(
            names = "--master",
            description =
                    "Spark master: local[N], local[*], spark://host:7077, k8s://... "
                            + "(default: the spark.master property when set, as by spark-submit, else local[*]).")
    String master;

    @Option(
            names = "--conf",
            paramLabel = "KEY=VALUE",
            description = "A Spark setting (repeatable).")
    List<String> conf = new ArrayList<>();

    @Option(
            names = "--metric",
            description =
                    "The metric that ranks the runs and is plotted (default: the sweep file's, else rel_l2).")
    String metric;

    @Option(
            names = "--top",
            defaultValue = "5",
            description = "How many of the best runs to print (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(
            names = "--retry-failed",
            description = "Run again the runs whose stored result is a failure.")
    boolean retryFailed;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        // The count and an estimate first, at once: listing and checking every run of a large sweep
        // takes a while.
        Sweep.Plan plan = Sweep.plan(file);
        err.printf(
                "%s: %d runs over %s%n",
                plan.name(), plan.count(), String.join(", ", plan.axisNames()));
        err.println(
                estimate(
                        plan,
                        master != null ? master : System.getProperty("spark.master", "local[*]")));
        if (plan.count() > 10_000) {
            err.printf("checking the %d runs' problems...%n", plan.count());
        }
        Sweep sweep = Sweep.load(file);
        String metricName = metric != null ? metric : sweep.metric();
        Path dir = out != null ? out : Path.of("out", "sweep", sweep.name());
        Files.createDirectories(dir);
        SparkSession spark = session(sweep.name());
        try {
            err.printf(
                    "Spark %s, master %s, %d task slots%n",
                    spark.version(),
                    spark.sparkContext().master(),
                    spark.sparkContext().defaultParallelism());
            ConsoleProgress progress = new ConsoleProgress(err);
            SweepRunner.Outcome o =
                    SweepRunner.run(
                            spark, sweep, dir, new SweepRunner.Options(retryFailed), progress);
            progress.finish();
            ResultTable table = ResultTable.of(sweep, o.results());
            table.writeCsv(dir.resolve("results.csv"));
            table.writeParquet(spark, dir.resolve("results.parquet"));
            List<String> wrote = new ArrayList<>(List.of("results.csv", "results.parquet/"));
            if (table.metrics().contains(metricName)) {
                SweepPlot.write(dir.resolve(metricName + ".png"), sweep, table, metricName);
                wrote.add(metricName + ".png");
            }
            summary(System.out, sweep, table, o, metricName);
            System.out.println(
                    "wrote " + dir + "/{" + String.join(", ", wrote) + "} and runs/<id>/");
            return 0;
        } finally {
            spark.stop();
        }
    }

    /**
     * One line: the time of one run of the base problem (a few timed steps, scaled to its steps;
     * the time limit when lower) times the runs, over the task slots that the master gives
     * (local[N]: N, local[*] or none: this machine's processors; a cluster: unknown, then per
     * slot).
     */
    static String estimate(Sweep.Plan plan, String m) {
        double one;
        try {
            one = plan.kind().estimateSeconds(plan.firstProblem());
        } catch (IllegalArgumentException e) {
            one = Double.NaN; // the first run's problem is refused: the check that follows
            // names the field
        }
        if (Double.isNaN(one)) {
            return "estimate: unknown (the run time of this kind cannot be told in advance)";
        }
        if (plan.timeLimitSeconds() > 0) {
            one = Math.min(one, plan.timeLimitSeconds());
        }
        java.util.regex.Matcher local =
                java.util.regex.Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?\\]|local").matcher(m);
        int slots = 0;
        if (local.matches()) {
            slots =
                    local.group(1) == null
                            ? 1
                            : local.group(1).equals("*")
                                    ? Runtime.getRuntime().availableProcessors()
                                    : Integer.parseInt(local.group(1));
        }
        double total = one * plan.count();
        return slots > 0
                ? String.format(
                        Locale.ROOT,
                        "estimate: about %s per run of the base problem (its training steps, timed briefly), "
                                + "%s for the %d runs on %d task slots",
                        duration(one),
                        duration(total / slots),
                        plan.count(),
                        slots)
                : String.format(
                        Locale.ROOT,
                        "estimate: about %s per run of the base problem (its training steps, timed briefly), "
                                + "%s of task time in all, divided by the cluster's task slots",
                        duration(one),
                        duration(total));
    }

    /** A duration in the unit that reads best: "0.42 s", "12 min", "5.3 h", "41 days". */
    static String duration(double s) {
        return s < 60
                ? String.format(Locale.ROOT, "%.2g s", s)
                : s < 7200
                        ? String.format(Locale.ROOT, "%.0f min", s / 60)
                        : s < 172_800
                                ? String.format(Locale.ROOT, "%.1f h", s / 3600)
                                : String.format(Locale.ROOT, "%.0f days", s / 86_400);
    }

    private SparkSession session(String name) {
        SparkSession.Builder b =
                SparkSession.builder()
                        .appName("implicit sweep " + name)
                        .config("spark.ui.showConsoleProgress", "false");
        if (master != null) {
            b.master(master);
        } else if (System.getProperty("spark.master") == null) {
            b.master("local[*]");
        }
        boolean ui = false;
        for (String kv : conf) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--conf: expected KEY=VALUE, got '" + kv + "'");
            }
            b.config(kv.substring(0, eq), kv.substring(eq + 1));
            ui |= kv.startsWith("spark.ui.enabled=");
        }
        if (!ui && System.getProperty("spark.ui.enabled") == null) {
            b.config("spark.ui.enabled", "false");
        }
        return b.getOrCreate();
    }

    private void summary(
            PrintStream out,
            Sweep sweep,
            ResultTable table,
            SweepRunner.Outcome o,
            String metricName) {
        long failed = o.failed();
        out.printf(
                Locale.ROOT,
                "%d runs: %d ok, %d failed; %d ran now in %s, %d finished before%n",
                o.results().size(),
                o.results().size() - failed,
                failed,
                o.results().size() - o.skipped(),
                ConsoleProgress.clock(o.elapsedSeconds()),
                o.skipped());
        if (!table.metrics().contains(metricName)) {
            out.println(
                    "no run reports the metric '"
                            + metricName
                            + "'"
                            + (table.metrics().isEmpty()
                                    ? ""
                                    : "; they report " + table.metrics()));
        } else {
            List<Object[]> best = Ranking.best(table, metricName, sweep.minimize(), top);
            out.printf(
                    "best %d by %s (%s):%n",
                    best.size(), metricName, sweep.minimize() ? "smallest" : "largest");
            List<String> cols = new ArrayList<>(List.of("id"));
            cols.addAll(table.axes());
            cols.add(metricName);
            for (String m : table.metrics()) {
                if (!m.equals(metricName)) {
                    cols.add(m);
                }
            }
            cols.add("wall_s");
            printTable(out, table, cols, best);
        }
        int shown = 0;
        int status = table.column("status"), error = table.column("error"), id = table.column("id");
        for (Object[] r : table.rows()) {
            if (!RunStatus.OK.label().equals(r[status]) && shown++ < 5) {
                out.printf("failed %s (%s): %s%n", r[id], r[status], r[error]);
            }
        }
        if (shown > 5) {
            out.printf("... and %d more failed runs: see results.csv%n", shown - 5);
        }
    }

    private static void printTable(
            PrintStream out, ResultTable table, List<String> cols, List<Object[]> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(cols.toArray(new String[0]));
        for (Object[] r : rows) {
            String[] c = new String[cols.size()];
            for (int i = 0; i < c.length; i++) {
                Object v = r[table.column(cols.get(i))];
                boolean metric = table.metrics().contains(cols.get(i));
                c[i] =
                        v == null
                                ? "-"
                                : v instanceof Double d && (metric || cols.get(i).endsWith("_s"))
                                        ? String.format(Locale.ROOT, metric ? "%.4g" : "%.2f", d)
                                        : v.toString();
            }
            cells.add(c);
        }
        int[] w = new int[cols.size()];
        for (String[] c : cells) {
            for (int i = 0; i < c.length; i++) {
                w[i] = Math.max(w[i], c[i].length());
            }
        }
        for (String[] c : cells) {
            StringBuilder b = new StringBuilder(" ");
            for (int i = 0; i < c.length; i++) {
                b.append(' ').append(String.format("%-" + w[i] + "s", c[i]));
            }
            out.println(b.toString().stripTrailing());
        }
    }
}
