package org.implicitlayers.ode.solver;

import java.util.List;
import java.util.Locale;

/**
 * The explicit Runge-Kutta methods, each as its Butcher tableau. Fixed step: Euler, midpoint, Heun,
 * the classical RK4 and Kutta's 3/8 rule. Adaptive, with an embedded error estimate:
 * Bogacki-Shampine 3(2), Dormand-Prince 5(4), Tsitouras 5(4), Dormand-Prince 8(5,3).
 */
public final class Tableaus {
    private Tableaus() {}

    private static double[][] rows(double[]... r) {
        return r;
    }

    private static double[] v(double... x) {
        return x;
    }

    private static double[] minus(double[] b, double[] bhat) {
        double[] e = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            e[i] = b[i] - bhat[i];
        }
        return e;
    }

    /** Forward Euler, order 1. */
    public static final ButcherTableau EULER =
            new ButcherTableau(
                    "euler", 1, 0, v(0), rows(v()), v(1), null, null, DenseOutput.hermite(false));

    /** Explicit midpoint rule, order 2. */
    public static final ButcherTableau MIDPOINT =
            new ButcherTableau(
                    "midpoint",
                    2,
                    0,
                    v(0, 0.5),
                    rows(v(), v(0.5)),
                    v(0, 1),
                    null,
                    null,
                    DenseOutput.hermite(false));

    /** Heun's method (explicit trapezoidal rule), order 2. */
    public static final ButcherTableau HEUN =
            new ButcherTableau(
                    "heun",
                    2,
                    0,
                    v(0, 1),
                    rows(v(), v(1)),
                    v(0.5, 0.5),
                    null,
                    null,
                    DenseOutput.hermite(false));

    /** The classical fourth-order Runge-Kutta method (Kutta 1901). */
    public static final ButcherTableau RK4 =
            new ButcherTableau(
                    "rk4",
                    4,
                    0,
                    v(0, 0.5, 0.5, 1),
                    rows(v(), v(0.5), v(0, 0.5), v(0, 0, 1)),
                    v(1 / 6.0, 1 / 3.0, 1 / 3.0, 1 / 6.0),
                    null,
                    null,
                    DenseOutput.hermite(false));

    /** Kutta's 3/8 rule, order 4. */
    public static final ButcherTableau RK38 =
            new ButcherTableau(
                    "rk38",
                    4,
                    0,
                    v(0, 1 / 3.0, 2 / 3.0, 1),
                    rows(v(), v(1 / 3.0), v(-1 / 3.0, 1), v(1, -1, 1)),
                    v(1 / 8.0, 3 / 8.0, 3 / 8.0, 1 / 8.0),
                    null,
                    null,
                    DenseOutput.hermite(false));

    /** Bogacki and Shampine (1989), A 3(2) pair of Runge-Kutta formulas; FSAL. */
    public static final ButcherTableau BOSH3;

    /** Dormand and Prince (1980) 5(4), with Shampine's (1986) dense output; FSAL. */
    public static final ButcherTableau DOPRI5;

    /**
     * Tsitouras (2011), Runge-Kutta pairs of order 5(4) satisfying only the first column
     * simplifying assumption; FSAL, with its own interpolant.
     */
    public static final ButcherTableau TSIT5;

    /**
     * Dormand and Prince 8(5,3) as in Hairer's DOP853 (Hairer, Norsett and Wanner, Solving ODEs I,
     * II.10): twelve stages and an FSAL evaluation; the error combines a fifth- and a third-order
     * estimate. Dense output: cubic Hermite only (third order; DOP853's own seventh-order
     * interpolant needs three more stages and is not implemented), so between steps it is far less
     * accurate than the steps themselves: request output times sparingly or use dopri5/tsit5 for
     * dense output.
     */
    public static final ButcherTableau DOPRI8;

    static {
        double[] b3 = v(2 / 9.0, 1 / 3.0, 4 / 9.0, 0);
        BOSH3 =
                new ButcherTableau(
                        "bosh3",
                        3,
                        2,
                        v(0, 0.5, 0.75, 1),
                        rows(v(), v(0.5), v(0, 0.75), v(2 / 9.0, 1 / 3.0, 4 / 9.0)),
                        b3,
                        minus(b3, v(7 / 24.0, 1 / 4.0, 1 / 3.0, 1 / 8.0)),
                        null,
                        DenseOutput.hermite(true));

        double[] b5 = v(35 / 384.0, 0, 500 / 1113.0, 125 / 192.0, -2187 / 6784.0, 11 / 84.0, 0);
        double[] mid =
                v(
                        6025192743.0 / 30085553152.0 / 2,
                        0,
                        51252292925.0 / 65400821598.0 / 2,
                        -2691868925.0 / 45128329728.0 / 2,
                        187940372067.0 / 1594534317056.0 / 2,
                        -1776094331.0 / 19743644256.0 / 2,
                        11237099.0 / 235043384.0 / 2);
        DOPRI5 =
                new ButcherTableau(
                        "dopri5",
                        5,
                        4,
                        v(0, 1 / 5.0, 3 / 10.0, 4 / 5.0, 8 / 9.0, 1, 1),
                        rows(
                                v(),
                                v(1 / 5.0),
                                v(3 / 40.0, 9 / 40.0),
                                v(44 / 45.0, -56 / 15.0, 32 / 9.0),
                                v(19372 / 6561.0, -25360 / 2187.0, 64448 / 6561.0, -212 / 729.0),
                                v(
                                        9017 / 3168.0,
                                        -355 / 33.0,
                                        46732 / 5247.0,
                                        49 / 176.0,
                                        -5103 / 18656.0),
                                v(
                                        35 / 384.0,
                                        0,
                                        500 / 1113.0,
                                        125 / 192.0,
                                        -2187 / 6784.0,
                                        11 / 84.0)),
                        b5,
                        minus(
                                b5,
                                v(
                                        5179 / 57600.0,
                                        0,
                                        7571 / 16695.0,
                                        393 / 640.0,
                                        -92097 / 339200.0,
                                        187 / 2100.0,
                                        1 / 40.0)),
                        null,
                        DenseOutput.quarticWithMidpoint(mid));

        // Tsitouras (2011), Table 1 (coefficients as published, to double precision).
        double[] bt =
                v(
                        0.09646076681806522951816731316512876,
                        0.01,
                        0.4798896504144995747752495322905965,
                        1.379008574103741893192274821856873,
                        -3.290069515436080679901047585711364,
                        2.324710524099773982415355918398766,
                        0);
        double[] bth =
                v(
                        0.09468075576583945807478876255758922,
                        0.009183565540343253096776363936645314,
                        0.4877705284247615707855642599631228,
                        1.234297566930478985655109673884238,
                        -2.707712349983525454881109975059322,
                        1.866628418170587035753719399566211,
                        1 / 66.0);
        TSIT5 =
                new ButcherTableau(
                        "tsit5",
                        5,
                        4,
                        v(0, 0.161, 0.327, 0.9, 0.9800255409045096857298102862870246, 1, 1),
                        rows(
                                v(),
                                v(0.161),
                                v(
                                        -0.008480655492356988544426874250230775,
                                        0.3354806554923569885444268742502308),
                                v(
                                        2.897153057105493432130432594192939,
                                        -6.359448489975074843148159912383826,
                                        4.362295432869581411017727318190887),
                                v(
                                        5.325864828439256604428877920840511,
                                        -11.74888356406282787774717033978577,
                                        7.495539342889836208304604784564358,
                                        -0.09249506636175524925650207933207192),
                                v(
                                        5.861455442946420028659251486982648,
                                        -12.92096931784710929170611868178336,
                                        8.159367898576158643180400794539253,
                                        -0.07158497328140099722453054252582974,
                                        -0.02826905039406838290900305721271224),
                                v(bt[0], bt[1], bt[2], bt[3], bt[4], bt[5])),
                        bt,
                        minus(bt, bth),
                        null,
                        DenseOutput.tsitouras());

        // DOP853 (Hairer's code; the same values as Hipparchus' DormandPrince853Integrator, checked
        // by a test).
        double[] b8 =
                v(
                        0.054293734116568765,
                        0,
                        0,
                        0,
                        0,
                        4.450312892752409,
                        1.8915178993145003,
                        -5.801203960010585,
                        0.3111643669578199,
                        -0.1521609496625161,
                        0.20136540080403034,
                        0.04471061572777259,
                        0);
        double[] c8 =
                v(
                        0,
                        0.05260015195876774,
                        0.0789002279381516,
                        0.1183503419072274,
                        0.28164965809277265,
                        0.3333333333333333,
                        0.25,
                        0.3076923076923077,
                        0.6512820512820513,
                        0.6,
                        0.8571428571428571,
                        1.0,
                        1.0);
        double[][] a8 =
                rows(
                        v(),
                        v(0.05260015195876774),
                        v(0.0197250569845379, 0.0591751709536137),
                        v(0.02958758547680685, 0.0, 0.08876275643042056),
                        v(0.24136513415926666, 0.0, -0.884549479328286, 0.9248340032617919),
                        v(0.037037037037037035, 0.0, 0.0, 0.1708286087294739, 0.12546768756682242),
                        v(
                                0.037109375,
                                0.0,
                                0.0,
                                0.17025221101954402,
                                0.060216538980455966,
                                -0.017578125),
                        v(
                                0.03709200011850479,
                                0.0,
                                0.0,
                                0.17038392571223998,
                                0.1072620304463733,
                                -0.015319437748624402,
                                0.008273789163814023),
                        v(
                                0.6241109587160757,
                                0.0,
                                0.0,
                                -3.360892629446941,
                                -0.8682193468417261,
                                27.59209969944671,
                                20.154067550477894,
                                -43.48988418106996),
                        v(
                                0.47766253643826434,
                                0.0,
                                0.0,
                                -2.4881146199716677,
                                -0.5902908268368431,
                                21.230051448181193,
                                15.279233632882423,
                                -33.28821096898486,
                                -0.020331201708508627),
                        v(
                                -0.9371424300859873,
                                0.0,
                                0.0,
                                5.186372428844064,
                                1.09143734899673,
                                -8.149787010746927,
                                -18.52006565999696,
                                22.739487099350505,
                                2.4936055526796523,
                                -3.0467644718982196),
                        v(
                                2.273310147516538,
                                0.0,
                                0.0,
                                -10.53449546673725,
                                -2.000872058224863,
                                -17.9589318631188,
                                27.94888452941996,
                                -2.8589982771350235,
                                -8.87285693353063,
                                12.360567175794303,
                                0.6433927460157636),
                        java.util.Arrays.copyOf(b8, 12));
        double[] e5 =
                v(
                        0.01312004499419488,
                        0,
                        0,
                        0,
                        0,
                        -1.2251564463762044,
                        -0.4957589496572502,
                        1.6643771824549864,
                        -0.35032884874997366,
                        0.3341791187130175,
                        0.08192320648511571,
                        -0.022355307863886294,
                        0);
        double[] e3 =
                v(
                        -0.18980075407240762,
                        0,
                        0,
                        0,
                        0,
                        4.450312892752409,
                        1.8915178993145003,
                        -5.801203960010585,
                        -0.42268232132379197,
                        -0.1521609496625161,
                        0.20136540080403034,
                        0.022651792198360825,
                        0);
        DOPRI8 = new ButcherTableau("dopri8", 8, 7, c8, a8, b8, e5, e3, DenseOutput.hermite(true));
    }

    /**
     * Backward (implicit) Euler, order 1, L-stable; fixed step. Written with an explicit first
     * stage f(t, y) (used by the dense output only) and the implicit stage z = y + h f(t + h, z).
     */
    public static final ButcherTableau BACKWARD_EULER =
            new ButcherTableau(
                    "backward-euler",
                    1,
                    0,
                    v(0, 1),
                    rows(v(), v(0)),
                    v(0, 1),
                    null,
                    null,
                    DenseOutput.hermite(true),
                    v(0, 1));

    /**
     * Kvaerno (2004), Singly diagonally implicit Runge-Kutta methods with an explicit first stage:
     * the 3(2) pair, L-stable and stiffly accurate, four stages (the first explicit, three with
     * gamma = 0.43586652150), embedded second-order solution; cubic Hermite dense output.
     */
    public static final ButcherTableau KVAERNO3;

    static {
        double g = 0.43586652150;
        double a31 = (-4 * g * g + 6 * g - 1) / (4 * g);
        double a32 = (-2 * g + 1) / (4 * g);
        double a41 = (6 * g - 1) / (12 * g);
        double a42 = -1 / ((24 * g - 12) * g);
        double a43 = (-6 * g * g + 6 * g - 1) / (6 * g - 3);
        double[] b = v(a41, a42, a43, g);
        KVAERNO3 =
                new ButcherTableau(
                        "kvaerno3",
                        3,
                        2,
                        v(0, 2 * g, 1, 1),
                        rows(v(), v(g), v(a31, a32), v(a41, a42, a43)),
                        b,
                        minus(b, v(a31, a32, g, 0)),
                        null,
                        DenseOutput.hermite(true),
                        v(0, g, g, g));
    }

    /** Every method: fixed-step explicit ones, adaptive explicit ones, then the implicit ones. */
    public static List<ButcherTableau> all() {
        return List.of(
                EULER,
                MIDPOINT,
                HEUN,
                RK4,
                RK38,
                BOSH3,
                DOPRI5,
                TSIT5,
                DOPRI8,
                BACKWARD_EULER,
                KVAERNO3);
    }

    /**
     * A method by its name (case-insensitive): euler, midpoint, heun, rk4, rk38, bosh3, dopri5,
     * tsit5, dopri8, backward-euler, kvaerno3.
     */
    public static ButcherTableau byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (ButcherTableau t : all()) {
            if (t.name().equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "unknown ODE method '"
                        + name
                        + "'; expected one of "
                        + all().stream().map(ButcherTableau::name).toList());
    }
}
