package org.implicitlayers.implicit.convex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Random LPs and SOCPs (with equalities, orthants and one or two second-order cones), and an
 * infeasible and an unbounded program, solved once by CVXOPT's conelp (cvxopt_fixtures.py beside
 * the fixture file): the same solutions, multipliers and statuses.
 */
class CvxoptFixturesTest {
    record Fixture(
            String name,
            ConeSolver.Status status,
            int n,
            Cones cones,
            Map<String, double[]> data) {}

    static List<Fixture> read() throws Exception {
        List<Fixture> out = new ArrayList<>();
        try (BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(
                                CvxoptFixturesTest.class.getResourceAsStream("cvxopt-fixtures.txt"),
                                StandardCharsets.UTF_8))) {
            String line;
            Fixture cur = null;
            while ((line = r.readLine()) != null) {
                String[] f = line.trim().split(" ");
                if (f[0].equals("problem")) {
                    int[] socs =
                            Arrays.stream(Arrays.copyOfRange(f, 6, f.length))
                                    .mapToInt(Integer::parseInt)
                                    .toArray();
                    cur =
                            new Fixture(
                                    f[1],
                                    ConeSolver.Status.valueOf(f[2]),
                                    Integer.parseInt(f[3]),
                                    new Cones(Integer.parseInt(f[4]), Integer.parseInt(f[5]), socs),
                                    new HashMap<>());
                    out.add(cur);
                } else {
                    cur.data()
                            .put(
                                    f[0],
                                    Arrays.stream(Arrays.copyOfRange(f, 1, f.length))
                                            .mapToDouble(Double::parseDouble)
                                            .toArray());
                }
            }
        }
        return out;
    }

    @Test
    void solutionsMultipliersAndStatusesMatchCvxopt() throws Exception {
        List<Fixture> fs = read();
        assertEquals(13, fs.size());
        for (Fixture f : fs) {
            Map<String, double[]> d = f.data();
            ConeSolver.Solution s =
                    ConeSolver.solve(
                            d.get("A"),
                            d.get("b"),
                            d.get("c"),
                            f.n(),
                            f.cones(),
                            ConeSolver.Options.defaults());
            assertEquals(f.status(), s.status(), f.name());
            if (f.status() == ConeSolver.Status.OPTIMAL) {
                // CVXOPT stops at 1e-10..1e-8 on its own measures (it refuses tighter ones with a
                // domain error), and a
                // solution is more sensitive than the objective: the optimal values agree to 1e-8,
                // the points to 2e-5.
                double objRef = ConeSolver.dot(d.get("c"), d.get("x")),
                        obj = ConeSolver.dot(d.get("c"), s.x());
                assertEquals(objRef, obj, 1e-8 * (1 + Math.abs(objRef)), f.name() + " objective");
                double scale = 1 + Arrays.stream(d.get("x")).map(Math::abs).max().orElse(0);
                assertArrayEquals(d.get("x"), s.x(), 2e-5 * scale, f.name() + " x");
                double yscale = 1 + Arrays.stream(d.get("y")).map(Math::abs).max().orElse(0);
                assertArrayEquals(d.get("y"), s.y(), 2e-5 * yscale, f.name() + " y");
            } else if (f.status() == ConeSolver.Status.INFEASIBLE) {
                // A certificate: A'y = 0, b'y = -1, y in K*.
                double[] aty = new double[f.n()];
                double by = 0;
                for (int i = 0; i < f.cones().rows(); i++) {
                    for (int j = 0; j < f.n(); j++) {
                        aty[j] += d.get("A")[i * f.n() + j] * s.y()[i];
                    }
                    by += d.get("b")[i] * s.y()[i];
                }
                assertEquals(-1, by, 1e-9, f.name());
                assertTrue(
                        ConeSolver.norm(aty) < 1e-6, f.name() + " A'y = " + Arrays.toString(aty));
            }
        }
    }
}
