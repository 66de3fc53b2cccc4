package org.implicitlayers.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Hostile input and interrupted runs, as a user meets them on the command line. */
class HostileInputTest {
    @TempDir Path dir;

    /** Runs the tool in this JVM; returns exit code, stdout and stderr. */
    private static String[] run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = ImplicitCli.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new String[] {
            Integer.toString(rc),
            o.toString(StandardCharsets.UTF_8),
            e.toString(StandardCharsets.UTF_8)
        };
    }

    /** The tool in a child JVM (so that it can be signalled). */
    private Process child(Path log, String... args) throws IOException {
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "--add-modules",
                                "jdk.incubator.vector",
                                "-cp",
                                System.getProperty("java.class.path"),
                                ImplicitCli.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /**
     * Runs the tool in a child JVM until {@code file} holds {@code minBytes}, sends SIGTERM, waits
     * for it to exit; returns its log.
     */
    private String sigtermOnce(String name, Path file, long minBytes, String... args)
            throws Exception {
        Path log = dir.resolve(name + ".log");
        Process p = child(log, args);
        try {
            waitFor(file, minBytes);
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        return Files.readString(log);
    }

    private static void waitFor(Path file, long minBytes) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!(Files.exists(file) && Files.size(file) >= minBytes)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(file) && Files.size(file) >= minBytes, file + " written");
    }

    /** A small 1-D problem (fast steps, no grid outputs): -u'' = pi^2 sin(pi x), u = sin(pi x). */
    private Path small() throws IOException {
        Path f = dir.resolve("small.json");
        Files.writeString(
                f,
                "{\"name\": \"small\", \"domain\": {\"type\": \"interval\", \"a\": 0, \"b\": 1}, "
                        + "\"pde\": {\"f\": \"pi^2*sin(pi*x)\"}, \"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}], "
                        + "\"exact\": \"sin(pi*x)\", \"network\": {\"type\": \"mlp\", \"width\": 8, \"depth\": 1}, "
                        + "\"sampling\": {\"interior\": 64, \"boundary\": 2}, \"eval_every\": 10}");
        return f;
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void everySubCommandAcceptsHelp() {
        List<String> paths = new ArrayList<>();
        collect(new CommandLine(new ImplicitCli()), List.of(), paths);
        assertTrue(paths.size() > 8, paths.toString());
        for (String p : paths) {
            List<String> args = new ArrayList<>(List.of(p.split(" ")));
            args.add("--help");
            String[] r = run(args.toArray(String[]::new));
            assertEquals("0", r[0], p + " --help: " + r[2]);
            assertTrue(r[1].contains("Usage:"), p + " --help prints its usage: " + r[1] + r[2]);
        }
    }

    @Test
    void topLevelHelpListsEveryCommandIncludingThoseTheLauncherStartsElsewhere() {
        String[] r = run("--help");
        assertEquals("0", r[0], r[2]);
        // bin/implicit dispatches these to other modules; the rest are this tool's sub-commands.
        for (String c :
                List.of(
                        "ritz",
                        "deq",
                        "qp",
                        "lista",
                        "sdf",
                        "demo",
                        "train-demo",
                        "node",
                        "bench",
                        "info",
                        "gui",
                        "jshell",
                        "sweep")) {
            assertTrue(
                    r[1].lines().anyMatch(l -> l.trim().startsWith(c + " ")),
                    c + " listed in: " + r[1]);
        }
        // Reached through this class path instead of bin/implicit, they say how to start them.
        r = run("gui", "--demo", "poisson");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("bin/implicit gui"), r[2]);
    }

    /** info names the GEMM plan and how much of k one 6 x 2 kernel loop takes under this JVM. */
    @Test
    void infoDescribesTheGemmPlanAndTheKernelLoop() {
        String[] r = run("info", "--no-self-test");
        assertEquals("0", r[0], r[2]);
        int step = org.implicitlayers.core.backend.jvm.JvmBackend.gemmKStep();
        String want =
                "gemm k per 6x2 kernel loop: "
                        + (step == Integer.MAX_VALUE ? "all (" : step + " (");
        assertTrue(r[1].lines().anyMatch(l -> l.startsWith(want)), want + " in: " + r[1]);
        assertTrue(r[1].lines().anyMatch(l -> l.startsWith("gemm: ")), r[1]);
    }

    private static void collect(CommandLine cl, List<String> prefix, List<String> out) {
        cl.getSubcommands()
                .forEach(
                        (name, sub) -> {
                            if (name.equals("help")) {
                                return;
                            }
                            List<String> p = new ArrayList<>(prefix);
                            p.add(name);
                            out.add(String.join(" ", p));
                            collect(sub, p, out);
                        });
    }

    @Test
    void refusedSettingsCreateNoOutputFolder() throws IOException {
        Path o = dir.resolve("exact");
        String[] r =
                run(
                        "ritz",
                        Path.of("..", "examples", "annulus-robin.json").toString(),
                        "--bc",
                        "exact",
                        "--out",
                        o.toString());
        assertEquals("1", r[0]);
        assertTrue(
                r[2].contains("bc 'exact' imposes Dirichlet data") && r[2].contains("robin"), r[2]);
        assertFalse(Files.exists(o), "no output folder");

        Path f = dir.resolve("escape.json");
        Files.writeString(
                f,
                "{\"name\": \"../../escaped\", \"domain\": {\"type\": \"interval\", \"a\": 0, \"b\": 1}, \"pde\": {\"f\": \"1\"}, "
                        + "\"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}]}");
        r = run("ritz", f.toString(), "--steps", "2");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains(f + ": name: expected a plain name"), r[2]);
        assertEquals(List.of("escape.json"), names(dir));
    }

    @Test
    void resumingAnotherProblemsCheckpointIsRefusedAndChangesNothing() throws IOException {
        Path o = dir.resolve("square");
        String[] r =
                run("ritz", "poisson-square", "--steps", "20", "--quiet", "--out", o.toString());
        assertEquals("0", r[0], r[2]);
        byte[] ckpt = Files.readAllBytes(o.resolve("checkpoint.npz"));
        byte[] params = Files.readAllBytes(o.resolve("params.npz"));
        for (String[] other :
                new String[][] {{"poisson-disk"}, {"poisson-square", "--method", "pinn"}}) {
            List<String> args = new ArrayList<>(List.of("ritz"));
            args.addAll(List.of(other));
            args.addAll(List.of("--steps", "40", "--quiet", "--resume", "--out", o.toString()));
            r = run(args.toArray(new String[0]));
            assertEquals("1", r[0], String.join(" ", other) + ": " + r[1] + r[2]);
            assertTrue(
                    r[2].contains("belongs to another run") && r[2].contains("poisson-square"),
                    r[2]);
            assertArrayEquals(
                    ckpt, Files.readAllBytes(o.resolve("checkpoint.npz")), "checkpoint untouched");
            assertArrayEquals(
                    params, Files.readAllBytes(o.resolve("params.npz")), "outputs untouched");
        }
        // The same problem with more steps continues.
        r =
                run(
                        "ritz",
                        "poisson-square",
                        "--steps",
                        "30",
                        "--quiet",
                        "--resume",
                        "--out",
                        o.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("done: 30 steps"), r[1]);
    }

    @Test
    void theFilesListedAreTheFilesWrittenAndLbfgsIsInTheLogs() throws IOException {
        Path o = dir.resolve("eigen");
        String[] r = run("ritz", "eigen-square", "--steps", "5", "--quiet", "--out", o.toString());
        assertEquals("0", r[0], r[2]);
        String wrote = r[1].lines().filter(l -> l.startsWith("wrote ")).findFirst().orElseThrow();
        String listed = wrote.substring(wrote.indexOf('{') + 1, wrote.indexOf('}'));
        List<String> files = new ArrayList<>(List.of(listed.split(", ")));
        assertFalse(
                files.contains("error.png"), "no error map without an exact solution: " + wrote);
        assertEquals(
                files.stream().sorted().toList(),
                names(o),
                "listed = written, no lock or temporary files");

        Path p = dir.resolve("lbfgs");
        r =
                run(
                        "ritz",
                        small().toString(),
                        "--steps",
                        "20",
                        "--lbfgs",
                        "5",
                        "--quiet",
                        "--out",
                        p.toString());
        assertEquals("0", r[0], r[2]);
        List<String> eval = Files.readAllLines(p.resolve("eval.csv"));
        long last = Long.parseLong(eval.get(eval.size() - 1).split(",")[0]);
        assertTrue(last > 20, "the evaluation after L-BFGS is in eval.csv: " + eval);
        List<String> steps = Files.readAllLines(p.resolve("metrics.csv"));
        assertEquals(
                last,
                Long.parseLong(steps.get(steps.size() - 1).split(",")[0]),
                "and its loss in metrics.csv");
    }

    @Test
    void aThreeDimensionalRunWritesAVolumeSlicesAndPoints() throws IOException {
        Path f = dir.resolve("ball3.json");
        Files.writeString(
                f,
                "{\"name\": \"ball3\", \"domain\": {\"type\": \"ball\", \"center\": [0, 0, 0], \"radius\": 1}, "
                        + "\"pde\": {\"f\": \"6\"}, \"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}], \"exact\": \"1 - x^2 - y^2 - z^2\", "
                        + "\"network\": {\"type\": \"mlp\", \"width\": 8, \"depth\": 1}, \"optimizer\": {\"steps\": 3}}");
        Path o = dir.resolve("ball3");
        String[] r = run("ritz", f.toString(), "--quiet", "--out", o.toString());
        assertEquals("0", r[0], r[2]);
        String wrote = r[1].lines().filter(l -> l.startsWith("wrote ")).findFirst().orElseThrow();
        List<String> files =
                List.of(wrote.substring(wrote.indexOf('{') + 1, wrote.indexOf('}')).split(", "));
        assertEquals(files.stream().sorted().toList(), names(o), "listed = written");
        assertTrue(
                files.containsAll(
                        List.of(
                                "solution.vtk",
                                "solution.csv",
                                "slice_xy.png",
                                "error_xz.png",
                                "slice_yz.png")),
                wrote);
        List<String> csv = Files.readAllLines(o.resolve("solution.csv"));
        assertEquals("x,y,z,u,u_exact,error", csv.get(0));
        assertEquals(4097, csv.size());
        assertTrue(Files.readString(o.resolve("solution.vtk")).contains("DIMENSIONS 41 41 41"));
    }

    @Test
    void optimizerEngdRunsInFloat64AndSaysSo() throws IOException {
        Path o = dir.resolve("engd");
        String[] r =
                run(
                        "ritz",
                        "poisson-square",
                        "--optimizer",
                        "engd",
                        "--steps",
                        "3",
                        "--quiet",
                        "--out",
                        o.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(
                r[1].contains("pinn loss")
                        && r[1].contains("(501 parameters, float64); ENGD 3 steps"),
                r[1]);
        assertTrue(r[1].contains("done: 3 steps"), r[1]);
        r =
                run(
                        "ritz",
                        "poisson-square",
                        "--optimizer",
                        "engd",
                        "--dtype",
                        "float32",
                        "--steps",
                        "3",
                        "--quiet",
                        "--out",
                        o.toString());
        assertEquals("2", r[0], r[1]);
        assertTrue(r[2].contains("dtype: expected float64 with optimizer 'engd'"), r[2]);
        r = run("ritz", "poisson-square", "--optimizer", "lbfgs", "--out", o.toString());
        assertTrue(r[2].contains("--optimizer: expected one of 'adam', 'engd', got 'lbfgs'"), r[2]);
    }

    @Test
    void aSecondTrainDemoInTheFolderOfARunningOneTouchesNothingAndSigtermKeepsTheWork()
            throws Exception {
        Path o = dir.resolve("td");
        Process first =
                child(
                        dir.resolve("first.log"),
                        "train-demo",
                        "--steps",
                        "1000000",
                        "--checkpoint-every",
                        "50",
                        "--out",
                        o.toString());
        try {
            waitFor(o.resolve("checkpoint.npz"), 1);
            String[] r = run("train-demo", "--steps", "10", "--out", o.toString());
            assertEquals("1", r[0]);
            assertTrue(r[2].contains("another training run is using this checkpoint"), r[2]);
            assertTrue(
                    Files.exists(o.resolve("checkpoint.npz")),
                    "the running run's checkpoint is still there");
            first.destroy(); // SIGTERM
            assertTrue(first.waitFor(60, TimeUnit.SECONDS));
        } finally {
            first.destroyForcibly();
        }
        String log = Files.readString(dir.resolve("first.log"));
        assertTrue(log.contains("stopped at step"), log);
        long step = Checkpoint.load(o.resolve("checkpoint.npz")).step();
        assertTrue(step > 0 && step < 1_000_000, "checkpoint at the step it stopped: " + step);
        assertTrue(
                Npz.read(o.resolve("params.npz")).tensors().containsKey("layers.0.weight"),
                "parameters written on the way out");
        assertFalse(Files.exists(o.resolve("checkpoint.npz.lock")), "no lock file left");
    }

    @Test
    void sigtermStopsRitzWithACheckpointThatResumes() throws Exception {
        Path o = dir.resolve("ritz");
        Path problem = small();
        String log =
                sigtermOnce(
                        "ritz",
                        o.resolve("metrics.csv"),
                        200, // a few logged steps
                        "ritz",
                        problem.toString(),
                        "--steps",
                        "1000000",
                        "--quiet",
                        "--out",
                        o.toString());
        assertTrue(log.contains("interrupted at step"), log);
        long step = Checkpoint.load(o.resolve("checkpoint.npz")).step();
        assertTrue(step > 0, "checkpoint written on SIGTERM, not only every 1000 steps: " + step);
        assertTrue(
                Files.exists(o.resolve("params.npz")) && Files.exists(o.resolve("curves.png")),
                names(o).toString());
        assertFalse(Files.exists(o.resolve("checkpoint.npz.lock")));
        byte[] saved = Files.readAllBytes(o.resolve("checkpoint.npz"));
        String[] r =
                run(
                        "ritz",
                        problem.toString(),
                        "--steps",
                        Long.toString(step + 5),
                        "--quiet",
                        "--resume",
                        "--out",
                        o.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("done: " + (step + 5) + " steps"), r[1]);
        assertFalse(
                java.util.Arrays.equals(saved, Files.readAllBytes(o.resolve("checkpoint.npz"))),
                "the resumed run went on");
        assertArrayEquals(
                new long[] {step + 5},
                new long[] {Checkpoint.load(o.resolve("checkpoint.npz")).step()});
        // Each step's rows once, in both logs, across the stop and the resume.
        for (String log2 : List.of("metrics.csv", "eval.csv")) {
            List<String> rows = Files.readAllLines(o.resolve(log2));
            List<String> keys =
                    rows.stream()
                            .skip(1)
                            .map(
                                    l ->
                                            log2.equals("eval.csv")
                                                    ? l.substring(0, l.lastIndexOf(','))
                                                    : l.split(",")[0])
                            .toList();
            assertEquals(
                    keys.size(),
                    new java.util.HashSet<>(keys).size(),
                    log2 + " has a row twice: " + rows);
        }
    }

    @Test
    void sigtermStopsAnSdfFitWithACheckpointAndModelThatResume() throws Exception {
        Path o = dir.resolve("sdf");
        String log =
                sigtermOnce(
                        "sdf",
                        o.resolve("metrics.csv"),
                        400, // some logged steps (every 10)
                        "sdf",
                        "fit",
                        "sphere",
                        "--steps",
                        "1000000",
                        "--width",
                        "32",
                        "--depth",
                        "2",
                        "--batch",
                        "256",
                        "--points",
                        "1000",
                        "--quiet",
                        "--out",
                        o.toString());
        assertTrue(log.contains("stopped at step"), log);
        long step = Checkpoint.load(o.resolve("checkpoint.npz")).step();
        assertTrue(step > 10, "checkpoint at the step it stopped, not only every 500: " + step);
        assertTrue(Files.exists(o.resolve("model.npz")), names(o).toString());
        assertFalse(Files.exists(o.resolve("checkpoint.npz.lock")), "no lock file left");
        List<String> logged = Files.readAllLines(o.resolve("metrics.csv"));
        // Logged every 10 steps, and the step it stopped at.
        assertEquals(
                step,
                Long.parseLong(logged.get(logged.size() - 1).split(",")[0]),
                "the log reaches the checkpoint's step");
        String[] r =
                run(
                        "sdf",
                        "fit",
                        "sphere",
                        "--steps",
                        Long.toString(step + 5),
                        "--width",
                        "32",
                        "--depth",
                        "2",
                        "--batch",
                        "256",
                        "--points",
                        "1000",
                        "--resolution",
                        "24",
                        "--samples",
                        "2000",
                        "--picture-size",
                        "32",
                        "--quiet",
                        "--resume",
                        "--out",
                        o.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(
                step + 5,
                Checkpoint.load(o.resolve("checkpoint.npz")).step(),
                "the resumed run went on to its last step");
    }

    @Test
    void sigtermStopsANodeFitWithItsCheckpointAndOutputs() throws Exception {
        StringBuilder csv = new StringBuilder("t,x,v\n");
        for (int i = 0; i < 30; i++) {
            double t = 0.2 * i;
            csv.append(
                    String.format(
                            java.util.Locale.ROOT,
                            "%.2f,%.6f,%.6f%n",
                            t,
                            Math.exp(-0.1 * t) * Math.cos(t),
                            -Math.exp(-0.1 * t) * Math.sin(t)));
        }
        Path data = Files.writeString(dir.resolve("osc.csv"), csv);
        Path o = dir.resolve("nodefit");
        String log =
                sigtermOnce(
                        "nodefit",
                        o.resolve("metrics.csv"),
                        600, // some logged steps
                        "node",
                        "fit",
                        data.toString(),
                        "--steps",
                        "1000000",
                        "--hidden",
                        "16",
                        "--out",
                        o.toString());
        assertTrue(log.contains("stopped at step"), log);
        long step = Checkpoint.load(o.resolve("checkpoint.npz")).step();
        assertTrue(step > 0, "checkpoint at the step it stopped, not only every 200: " + step);
        assertTrue(
                Files.exists(o.resolve("fitted.csv")) && Files.exists(o.resolve("params.npz")),
                names(o).toString());
        assertFalse(Files.exists(o.resolve("checkpoint.npz.lock")), "no lock file left");
    }

    @Test
    void aSecondNodeJobIntoTheFolderOfARunningOneIsRefusedAndDeletesNothing() throws Exception {
        Path o = dir.resolve("spiral");
        String[] first =
                run(
                        "node",
                        "spiral",
                        "--iters",
                        "3",
                        "--eval-every",
                        "1000",
                        "--quiet",
                        "--out",
                        o.toString());
        assertEquals("0", first[0], first[2]);
        byte[] ckpt = Files.readAllBytes(o.resolve("checkpoint.npz"));
        // A long job resumes from it (and writes no new checkpoint for 30 s: steps and time are far
        // off) ...
        Process p =
                child(
                        dir.resolve("long.log"),
                        "node",
                        "spiral",
                        "--iters",
                        "1000000",
                        "--eval-every",
                        "100000",
                        "--resume",
                        "--quiet",
                        "--out",
                        o.toString());
        try {
            waitFor(o.resolve("checkpoint.npz.lock"), 0);
            // ... and a fresh job (which would start by removing the checkpoint) and a fit are
            // started into its folder.
            for (String[] args :
                    List.of(
                            new String[] {"node", "spiral", "--iters", "5", "--out", o.toString()},
                            new String[] {
                                "node",
                                "fit",
                                "../examples/damped-oscillator.csv",
                                "--steps",
                                "5",
                                "--out",
                                o.toString()
                            },
                            new String[] {"node", "cnf", "--steps", "5", "--out", o.toString()})) {
                String[] r = run(args);
                assertEquals("1", r[0], String.join(" ", args) + ": " + r[1] + r[2]);
                assertTrue(
                        r[2].contains("another training run") && r[2].contains(o.toString()), r[2]);
                assertTrue(p.isAlive(), "the first job still runs");
                assertArrayEquals(
                        ckpt,
                        Files.readAllBytes(o.resolve("checkpoint.npz")),
                        "the running job's checkpoint is untouched");
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void nodeSpiralWithNoStepsListsOnlyWhatItWrote() throws Exception {
        Path o = dir.resolve("zero");
        String[] r = run("node", "spiral", "--iters", "0", "--quiet", "--out", o.toString());
        assertEquals("0", r[0], r[2]);
        String wrote = r[1].lines().filter(l -> l.startsWith("wrote ")).findFirst().orElseThrow();
        assertFalse(wrote.contains("checkpoint"), wrote);
        List<String> listed =
                List.of(wrote.substring(wrote.indexOf('{') + 1, wrote.indexOf('}')).split(", "));
        assertEquals(
                listed.stream().sorted().toList(),
                names(o),
                "the files listed are the files in the folder");
    }

    @Test
    void sigtermStopsANodeSpiralSayingWhereAndHowToContinue() throws Exception {
        Path o = dir.resolve("spiral-term");
        String log =
                sigtermOnce(
                        "spiral-term",
                        o.resolve("metrics.csv"),
                        600,
                        "node",
                        "spiral",
                        "--iters",
                        "1000000",
                        "--eval-every",
                        "100000",
                        "--quiet",
                        "--out",
                        o.toString());
        long step = Checkpoint.load(o.resolve("checkpoint.npz")).step();
        assertTrue(step > 0, "a checkpoint at the step it stopped: " + step);
        assertTrue(log.contains("at step " + step + "; continue with --resume"), log);
        assertTrue(
                Files.exists(o.resolve("params.npz")) && Files.exists(o.resolve("phase.png")),
                names(o).toString());
        assertFalse(Files.exists(o.resolve("checkpoint.npz.lock")), "no lock file left");
    }

    @Test
    void sdfFitRefusesAGridTooLargeBeforeTrainingAndSuggestsTheNearestBuiltIn() throws Exception {
        Path o = dir.resolve("huge");
        long t0 = System.nanoTime();
        String[] r = run("sdf", "fit", "sphere", "--resolution", "100000", "--out", o.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("--resolution 100000") && r[2].contains("1290"), r[2]);
        // A grid that fits in an array but not in this JVM's memory (on a machine with less than
        // about 80 GB of heap).
        if (Runtime.getRuntime().maxMemory()
                < org.implicitlayers.sdf.mesh.GridSampler.Options.bytesNeeded(1200)) {
            r = run("sdf", "fit", "sphere", "--resolution", "1200", "--out", o.toString());
            assertEquals("1", r[0]);
            assertTrue(
                    r[2].contains("--resolution 1200 needs about 20.7 GB")
                            && r[2].contains("this JVM may use"),
                    r[2]);
        }
        assertTrue((System.nanoTime() - t0) / 1e9 < 20, "refused before any training");
        assertFalse(Files.exists(o), "no output folder");
        r = run("sdf", "fit", "toruss", "--out", o.toString());
        assertEquals("1", r[0]);
        assertTrue(
                r[2].contains("toruss: no such file") && r[2].contains("Did you mean torus?"),
                r[2]);
        r = run("ritz", "poison-square", "--out", o.toString());
        assertEquals("2", r[0], "a usage error, as picocli reports them");
        assertTrue(
                r[2].contains("unknown problem 'poison-square'")
                        && r[2].contains("Did you mean poisson-square?"),
                r[2]);
        assertFalse(Files.exists(o), "no output folder");
        assertEquals(
                null,
                Suggestion.nearest("cube", List.of("sphere", "torus", "box", "bunny")),
                "nothing near: no guess");
        assertEquals(3, Suggestion.distance("kitten", "sitting"));
    }

    @Test
    void sdfFitNamesTheOptionOrTheFileNotTheClassThatRefusesIt() throws Exception {
        Path o = dir.resolve("named");
        String[] r = run("sdf", "fit", "sphere", "--batch", "1", "--out", o.toString());
        assertEquals("1", r[0]);
        assertTrue(
                r[2].contains("--batch: expected at least 2, got 1") && !r[2].contains("IgrLoss"),
                r[2]);
        r = run("sdf", "fit", "sphere", "--lr", "0", "--out", o.toString());
        assertTrue(r[2].contains("--lr: expected a positive learning rate"), r[2]);
        Path huge =
                Files.writeString(
                        dir.resolve("huge.xyz"), "0 0 0\n1e200 0 0\n0 1e200 0\n0 0 1e200\n");
        r = run("sdf", "fit", huge.toString(), "--out", o.toString());
        assertEquals("1", r[0]);
        assertTrue(
                r[2].contains(huge + ": the points cannot be scaled to the unit ball")
                        && !r[2].contains("Normalization"),
                r[2]);
        assertFalse(Files.exists(o), "no output folder");
    }

    @Test
    void nodeFitOfAFolderNamesThePathAndLeavesNoOutputFolder() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("series-folder"));
        Path o = dir.resolve("fit-out");
        String[] r = run("node", "fit", folder.toString(), "--out", o.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains(folder + ": is a folder"), r[2]);
        assertFalse(Files.exists(o));
    }
}
