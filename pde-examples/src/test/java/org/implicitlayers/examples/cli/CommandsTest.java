package org.implicitlayers.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.implicitlayers.core.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line tool as a user runs it: outputs exist, parse and say what they should. */
class CommandsTest {
    @TempDir Path dir;

    private static String captureStdout(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void trainDemoWritesItsOutputsAndResumes() throws Exception {
        Path out = dir.resolve("td");
        String s1 =
                captureStdout(
                        () ->
                                assertEquals(
                                        0,
                                        ImplicitCli.execute(
                                                "train-demo",
                                                "--steps",
                                                "300",
                                                "--out",
                                                out.toString())));
        assertTrue(s1.contains("done: 300 steps"), s1);
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(301, rows.size());
        assertNotNull(
                javax.imageio.ImageIO.read(out.resolve("loss.png").toFile()), "a readable PNG");
        assertTrue(Npz.read(out.resolve("params.npz")).tensors().containsKey("layers.0.weight"));
        String s2 =
                captureStdout(
                        () ->
                                assertEquals(
                                        0,
                                        ImplicitCli.execute(
                                                "train-demo",
                                                "--steps",
                                                "450",
                                                "--resume",
                                                "--out",
                                                out.toString())));
        assertTrue(s2.contains("resumed from step 300"), s2);
        assertEquals(451, Files.readAllLines(out.resolve("metrics.csv")).size());
    }

    @Test
    void microBenchPrintsOneJsonLineWithItsFields() throws Exception {
        String s =
                captureStdout(
                        () ->
                                assertEquals(
                                        0,
                                        ImplicitCli.execute(
                                                "bench",
                                                "micro",
                                                "--iters",
                                                "3",
                                                "--warmup",
                                                "1",
                                                "--train-steps",
                                                "5",
                                                "--threads",
                                                "1")));
        String[] lines = s.trim().split("\n");
        assertEquals(1, lines.length, s);
        JsonNode j = new ObjectMapper().readTree(lines[0]);
        for (String f :
                List.of(
                        "fwd_nograd_us",
                        "fwd_tape_us",
                        "fwd_bwd_us",
                        "ritz_pattern_us",
                        "gemm_gflops_1024",
                        "gemm_gflops_2048",
                        "peak_rss_mb")) {
            assertTrue(j.get(f).asDouble() > 0, f + " in " + s);
        }
        assertEquals("micro", j.get("benchmark").asText());
    }

    @Test
    void demoChecksDerivatives() {
        String s =
                captureStdout(() -> assertEquals(0, ImplicitCli.execute("demo", "--steps", "600")));
        assertTrue(s.contains("largest error of u'"), s);
    }

    @Test
    void ritzSolvesABuiltInProblemAndWritesItsOutputs() throws Exception {
        Path out = dir.resolve("ritz");
        String s =
                captureStdout(
                        () ->
                                assertEquals(
                                        0,
                                        ImplicitCli.execute(
                                                "ritz",
                                                "poisson-disk",
                                                "--steps",
                                                "200",
                                                "--quiet",
                                                "--out",
                                                out.toString())));
        assertTrue(s.contains("rel_l2"), s);
        for (String f :
                List.of(
                        "metrics.csv",
                        "eval.csv",
                        "curves.png",
                        "params.npz",
                        "solution.png",
                        "error.png",
                        "solution.vtk",
                        "solution.csv")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertNotNull(javax.imageio.ImageIO.read(out.resolve("solution.png").toFile()));
        List<String> vtk = Files.readAllLines(out.resolve("solution.vtk"));
        assertEquals("DIMENSIONS 201 201 1", vtk.get(4));
        // Points outside the disk are NaN in the VTK file and absent from the CSV.
        assertTrue(vtk.contains("nan"));
        List<String> csv = Files.readAllLines(out.resolve("solution.csv"));
        assertEquals("x,y,u,u_exact,error", csv.get(0));
        for (String row : csv.subList(1, csv.size())) {
            String[] v = row.split(",");
            double x = Double.parseDouble(v[0]), y = Double.parseDouble(v[1]);
            assertTrue(x * x + y * y < 1, row);
            assertEquals(1 - x * x - y * y, Double.parseDouble(v[3]), 1e-6, row);
        }
    }

    @Test
    void aBadProblemFileGivesOneClearMessage() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"domain\": {\"type\": \"ball\", \"radius\": 1}}");
        PrintStream oldErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(1, ImplicitCli.execute("ritz", bad.toString()));
        } finally {
            System.setErr(oldErr);
        }
        String err = buf.toString(StandardCharsets.UTF_8);
        assertTrue(
                err.contains("bad.json")
                        && err.contains("domain.center: missing")
                        && !err.contains("\tat "),
                err);
    }

    @Test
    void ritzWritesItsFiguresAsSvgOrPdfBesideTheDataFiles() throws Exception {
        Path svg = dir.resolve("ritz-svg");
        captureStdout(
                () ->
                        assertEquals(
                                0,
                                ImplicitCli.execute(
                                        "ritz",
                                        "poisson-square",
                                        "--steps",
                                        "20",
                                        "--quiet",
                                        "--figure-format",
                                        "svg",
                                        "--out",
                                        svg.toString())));
        for (String f : List.of("solution.svg", "error.svg", "curves.svg")) {
            javax.xml.parsers.DocumentBuilderFactory xf =
                    javax.xml.parsers.DocumentBuilderFactory.newInstance();
            xf.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            org.w3c.dom.Element root =
                    xf.newDocumentBuilder().parse(svg.resolve(f).toFile()).getDocumentElement();
            assertEquals("svg", root.getTagName(), f);
        }
        for (String f :
                List.of(
                        "solution.vtk",
                        "solution.csv",
                        "params.npz",
                        "problem.json",
                        "metrics.csv",
                        "eval.csv")) {
            assertTrue(Files.size(svg.resolve(f)) > 0, f);
        }
        assertTrue(!Files.exists(svg.resolve("solution.png")), "no PNG beside the SVG");
        Path pdf = dir.resolve("ritz-pdf");
        captureStdout(
                () ->
                        assertEquals(
                                0,
                                ImplicitCli.execute(
                                        "ritz",
                                        "poisson-square",
                                        "--steps",
                                        "20",
                                        "--quiet",
                                        "--figure-format",
                                        "pdf",
                                        "--figure-size",
                                        "360x300",
                                        "--out",
                                        pdf.toString())));
        try (org.apache.pdfbox.pdmodel.PDDocument d =
                org.apache.pdfbox.Loader.loadPDF(pdf.resolve("curves.pdf").toFile())) {
            assertEquals(360, d.getPage(0).getMediaBox().getWidth(), 1e-3);
            assertEquals(300, d.getPage(0).getMediaBox().getHeight(), 1e-3);
        }
        try (org.apache.pdfbox.pdmodel.PDDocument d =
                org.apache.pdfbox.Loader.loadPDF(pdf.resolve("solution.pdf").toFile())) {
            assertEquals(
                    360,
                    d.getPage(0).getMediaBox().getWidth(),
                    1e-3,
                    "a map keeps its aspect: the width is the one asked for");
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(
                    2,
                    ImplicitCli.execute(
                            "ritz",
                            "--figure-format",
                            "jpg",
                            "--out",
                            dir.resolve("never").toString()));
        } finally {
            System.setErr(oldErr);
        }
        assertTrue(
                buf.toString(StandardCharsets.UTF_8)
                        .contains("--figure-format: expected png, svg or pdf, got 'jpg'"),
                buf.toString());
        assertTrue(!Files.exists(dir.resolve("never")), "refused before the output folder exists");
    }

    @Test
    void ritzPoissonBenchPrintsItsFields() throws Exception {
        String s =
                captureStdout(
                        () ->
                                assertEquals(
                                        0,
                                        ImplicitCli.execute(
                                                "bench",
                                                "ritz-poisson",
                                                "--iters",
                                                "250",
                                                "--threads",
                                                "1")));
        JsonNode j = new ObjectMapper().readTree(s.trim());
        assertTrue(j.get("ms_per_iter").asDouble() > 0 && j.get("rel_l2").asDouble() > 0, s);
        assertTrue(j.has("iter_to_5e-2") && j.has("iter_to_1e-2") && j.has("wall_s_to_1e-2"), s);
    }

    @Test
    void implicitLayerExamplesRunAndReportTheirFindings() throws Exception {
        String qp =
                captureStdout(() -> assertEquals(0, ImplicitCli.execute("qp", "--steps", "40")));
        // The QP layer and the closed-form projection train identically: same final loss.
        String[] lines = qp.split("\n");
        String lossQp = lines[2].trim().split("\\s+")[3],
                lossClosed = lines[3].trim().split("\\s+")[2];
        assertEquals(
                Double.parseDouble(lossClosed),
                Double.parseDouble(lossQp),
                2e-3 * Double.parseDouble(lossClosed),
                qp); // printed to 4 digits
        Path out = dir.resolve("deq");
        String deq =
                captureStdout(
                        () ->
                                assertEquals(
                                        0,
                                        ImplicitCli.execute(
                                                "deq",
                                                "--steps",
                                                "30",
                                                "--unrolled",
                                                "5",
                                                "--out",
                                                out.toString())));
        assertTrue(deq.contains("DEQ (implicit)") && deq.contains("unrolled x5"), deq);
        assertTrue(Files.size(out.resolve("decision.png")) > 0);
        Path lista = dir.resolve("lista");
        String l =
                captureStdout(
                        () ->
                                assertEquals(
                                        0,
                                        ImplicitCli.execute(
                                                "lista",
                                                "--steps",
                                                "20",
                                                "--out",
                                                lista.toString())));
        assertTrue(l.contains("ISTA iterations for LISTA-K's error"), l);
        assertNotNull(
                javax.imageio.ImageIO.read(lista.resolve("lista.png").toFile()), "a readable PNG");
        String bench =
                captureStdout(
                        () ->
                                assertEquals(
                                        0,
                                        ImplicitCli.execute(
                                                "bench", "deq", "--iters", "3", "--threads", "1")));
        JsonNode j = new ObjectMapper().readTree(bench.trim());
        assertTrue(
                j.get("ms_per_step").asDouble() > 0 && j.get("grad_rel_err").asDouble() < 1e-6,
                bench);
    }

    /**
     * Every option does what it says or is refused: any --iters is honoured, and nd4j is refused
     * where a benchmark cannot run on it.
     */
    @Test
    void benchOptionsAreHonouredOrRefused() {
        BenchCommand.Common given = new BenchCommand.Common();
        new picocli.CommandLine(given).parseArgs("--iters", "300");
        assertEquals(300, given.iters(5000), "300 is a count like any other, not a sentinel");
        BenchCommand.Common absent = new BenchCommand.Common();
        new picocli.CommandLine(absent).parseArgs();
        assertEquals(5000, absent.iters(5000));
        assertEquals(2, ImplicitCli.execute("bench", "sdf-bunny", "--backend", "nd4j"));
        assertEquals(2, ImplicitCli.execute("bench", "node-spiral", "--backend", "nd4j"));
        assertEquals(2, ImplicitCli.execute("bench", "micro", "--iters", "0"));
        assertEquals(2, ImplicitCli.execute("bench", "ritz-poisson", "--best", "--iters", "10"));
    }

    /**
     * Every benchmark takes --threads (default 2, as docs/benchmarks.md compares at) through the
     * shared options.
     */
    @Test
    void everyBenchmarkTakesThreads() {
        picocli.CommandLine bench =
                new picocli.CommandLine(new ImplicitCli()).getSubcommands().get("bench");
        assertTrue(
                bench.getSubcommands().size() >= 8,
                "benchmarks: " + bench.getSubcommands().keySet());
        for (var e : bench.getSubcommands().entrySet()) {
            picocli.CommandLine.Model.OptionSpec t =
                    e.getValue().getCommandSpec().findOption("--threads");
            assertNotNull(t, "bench " + e.getKey() + " has --threads");
            assertEquals("2", t.defaultValue(), "bench " + e.getKey() + ": --threads default");
        }
    }
}
