package org.implicitlayers.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.implicitlayers.sdf.io.BuiltinClouds;
import org.implicitlayers.sdf.io.GeometryReader;
import org.implicitlayers.sdf.io.ShapeData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sdf commands as a user runs them, on a small network and grid. */
class SdfCommandTest {
    @TempDir Path dir;

    private static String[] run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = ImplicitCli.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new String[] {
            Integer.toString(code),
            out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8)
        };
    }

    @Test
    void fitWritesMeshGridMetricsAndPicturesThenMeshRenderAndEvalReuseTheModel() throws Exception {
        Path out = dir.resolve("torus");
        String[] r =
                run(
                        "sdf",
                        "fit",
                        "torus",
                        "--steps",
                        "150",
                        "--width",
                        "48",
                        "--depth",
                        "3",
                        "--batch",
                        "512",
                        "--resolution",
                        "40",
                        "--points",
                        "2000",
                        "--samples",
                        "20000",
                        "--picture-size",
                        "160",
                        "--quiet",
                        "--out",
                        out.toString());
        assertEquals("0", r[0], r[2]);
        for (String f :
                List.of(
                        "model.npz",
                        "mesh.obj",
                        "mesh.ply",
                        "mesh.stl",
                        "sdf.vtk",
                        "sdf.npy",
                        "metrics.csv",
                        "metrics.json")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        BufferedImage slices = javax.imageio.ImageIO.read(out.resolve("slices.png").toFile());
        BufferedImage render = javax.imageio.ImageIO.read(out.resolve("render.png").toFile());
        assertNotNull(slices);
        assertNotNull(render);
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertTrue(m.get("chamfer").asDouble() < 0.05, "a torus after 150 steps: " + m);
        assertTrue(m.get("sdf_mae_near_surface_input_units").asDouble() < 0.05, m.toString());
        // The written meshes read back alike.
        ShapeData obj = GeometryReader.read(out.resolve("mesh.obj")),
                ply = GeometryReader.read(out.resolve("mesh.ply"));
        assertEquals(obj.faces().length, ply.faces().length);
        assertEquals(m.get("mesh_faces").asInt(), ply.faces().length / 3);
        assertEquals(
                ply.faces().length / 3,
                GeometryReader.read(out.resolve("mesh.stl")).faces().length / 3);
        // The .npy header promises the grid.
        String npy =
                new String(
                        Files.readAllBytes(out.resolve("sdf.npy")),
                        0,
                        128,
                        StandardCharsets.ISO_8859_1);
        assertTrue(npy.contains("'shape': (40, 40, 40)"), npy);
        // The grid files are in the cloud's units, like the meshes: the box [-1.1, 1.1]^3 of the
        // unit ball
        // around the torus (outer radius 0.85) starts near -1.1 * 0.85, and the VTK header says so.
        double ox = m.get("grid_origin").get(0).asDouble();
        assertTrue(ox > -1.0 && ox < -0.88, "grid origin in input units: " + m);
        String vtk =
                new String(
                        Files.readAllBytes(out.resolve("sdf.vtk")),
                        0,
                        200,
                        StandardCharsets.ISO_8859_1);
        assertTrue(vtk.contains("ORIGIN " + ox + " "), vtk);
        assertTrue(vtk.contains("SPACING " + m.get("grid_spacing").get(0).asDouble() + " "), vtk);
        assertTrue(
                m.get("mesh_faces").isIntegralNumber() && m.get("mesh_vertices").isIntegralNumber(),
                "counts are integers: " + m);

        Path model = out.resolve("model.npz");
        String[] mesh =
                run(
                        "sdf",
                        "mesh",
                        model.toString(),
                        "--resolution",
                        "40",
                        "--out",
                        dir.resolve("m.ply").toString());
        assertEquals("0", mesh[0], mesh[2]);
        assertEquals(
                ply.faces().length,
                GeometryReader.read(dir.resolve("m.ply")).faces().length,
                "same model, same grid, same mesh");
        // The torus turns about z: seen with z up, its tube crosses the centre of the picture.
        String[] ren =
                run(
                        "sdf",
                        "render",
                        model.toString(),
                        "--size",
                        "48",
                        "--up",
                        "z",
                        "--out",
                        dir.resolve("r.png").toString());
        assertEquals("0", ren[0], ren[2]);
        BufferedImage img = javax.imageio.ImageIO.read(dir.resolve("r.png").toFile());
        assertEquals(48, img.getWidth());
        assertTrue(
                img.getRGB(24, 24) != img.getRGB(0, 0),
                "the torus is seen at the centre, background at the corner");
        String[] ev =
                run(
                        "sdf",
                        "eval",
                        model.toString(),
                        "torus",
                        "--resolution",
                        "40",
                        "--points",
                        "2000",
                        "--values",
                        dir.resolve("f.csv").toString());
        assertEquals("0", ev[0], ev[2]);
        JsonNode e = new ObjectMapper().readTree(ev[1]);
        assertTrue(e.get("mean_abs_f_input_units").asDouble() < 0.05, ev[1]);
        assertEquals(2001, Files.readAllLines(dir.resolve("f.csv")).size());
    }

    @Test
    void sirenModelsFitSaveAndMeshLikeIgrOnes() throws Exception {
        Path out = dir.resolve("siren");
        String[] r =
                run(
                        "sdf",
                        "fit",
                        "sphere",
                        "--model",
                        "siren",
                        "--lr",
                        "1e-3",
                        "--steps",
                        "150",
                        "--width",
                        "32",
                        "--depth",
                        "2",
                        "--batch",
                        "256",
                        "--resolution",
                        "32",
                        "--points",
                        "1000",
                        "--samples",
                        "5000",
                        "--picture-size",
                        "64",
                        "--quiet",
                        "--out",
                        out.toString());
        assertEquals("0", r[0], r[2]);
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        // After 150 steps SIREN fits the data closely but may still carry spurious sheets far from
        // it (a known trait of short SIREN runs), so only the error near the surface is asserted.
        assertTrue(m.get("sdf_mae_near_surface_input_units").asDouble() < 0.05, m.toString());
        String[] mesh =
                run(
                        "sdf",
                        "mesh",
                        out.resolve("model.npz").toString(),
                        "--resolution",
                        "32",
                        "--out",
                        dir.resolve("s.obj").toString());
        assertEquals("0", mesh[0], mesh[2]);
        assertEquals(
                m.get("mesh_faces").asInt(),
                GeometryReader.read(dir.resolve("s.obj")).faces().length / 3);
    }

    @Test
    void aBadCloudIsOneClearMessage() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.xyz"), "0 0 0\n1 2\n");
        String[] r =
                run(
                        "sdf",
                        "fit",
                        bad.toString(),
                        "--steps",
                        "1",
                        "--out",
                        dir.resolve("o").toString());
        assertEquals("1", r[0]);
        assertTrue(
                r[2].contains("bad.xyz:2: expected 3 numbers like the first point, found 2"), r[2]);
    }

    @Test
    void cloudsThatCannotDescribeASurfaceAreRefusedBeforeAnythingIsWritten() throws Exception {
        Path same = Files.writeString(dir.resolve("same.xyz"), "1 2 3\n".repeat(5));
        Path colours =
                Files.writeString(
                        dir.resolve("colours.xyz"),
                        "0 0 0 255 0 0\n1 0 0 0 255 0\n0 1 0 0 0 255\n0 0 1 128 128 128\n");
        Path zero =
                Files.writeString(
                        dir.resolve("zero.xyzn"), "0 0 0 0 0 1\n1 0 0 0 0 0\n0 1 0 0 0 1\n");
        Path folder = Files.createDirectories(dir.resolve("folder"));
        String[][] cases = {
            {same.toString(), "same.xyz: all 5 points coincide"},
            {
                colours.toString(),
                "colours.xyz: the normals are not unit vectors (median length 255)"
            },
            {zero.toString(), "zero.xyzn: point 2 has a zero normal"},
            {folder.toString(), "folder: is a folder; expected a point cloud file"},
            {
                dir.resolve("nothing.ply").toString(),
                "nothing.ply: no such file; expected a point cloud file (.ply, .obj, .off, .stl, .xyz, .xyzn)"
                        + " or a built-in shape (sphere, torus, box, bunny)"
            }
        };
        for (String[] c : cases) {
            Path o = dir.resolve("out-" + Path.of(c[0]).getFileName());
            String[] r = run("sdf", "fit", c[0], "--steps", "1", "--out", o.toString());
            assertEquals("1", r[0], c[0] + ": " + r[2]);
            assertTrue(r[2].contains(c[1]), r[2]);
            assertTrue(!Files.exists(o), "no output folder for a refused cloud: " + o);
        }
        String[] ok =
                run(
                        "sdf",
                        "fit",
                        colours.toString(),
                        "--ignore-normals",
                        "--steps",
                        "2",
                        "--width",
                        "8",
                        "--depth",
                        "1",
                        "--batch",
                        "8",
                        "--resolution",
                        "8",
                        "--samples",
                        "100",
                        "--picture-size",
                        "16",
                        "--quiet",
                        "--out",
                        dir.resolve("c").toString());
        assertEquals("0", ok[0], "--ignore-normals estimates them instead: " + ok[2]);
        String[] jpg =
                run(
                        "sdf",
                        "render",
                        dir.resolve("c").resolve("model.npz").toString(),
                        "--out",
                        dir.resolve("r.jpg").toString());
        assertEquals("1", jpg[0]);
        assertTrue(
                jpg[2].contains(
                        "the render is written as PNG (--figure-format); name the file *.png"),
                jpg[2]);
    }

    @Test
    void bunnyBenchPrintsItsFields() throws Exception {
        Assumptions.assumeTrue(BuiltinClouds.bunnyFile().isPresent(), "bunny data not here");
        String[] r = run("bench", "sdf-bunny", "--iters", "20", "--no-dense");
        assertEquals("0", r[0], r[2]);
        JsonNode j = new ObjectMapper().readTree(r[1].trim());
        for (String f :
                List.of(
                        "ms_per_iter",
                        "grid_eval_s",
                        "marching_cubes_s",
                        "chamfer",
                        "mesh_vertices",
                        "mesh_faces")) {
            assertTrue(j.get(f).asDouble() > 0, f + " in " + r[1]);
        }
    }
}
