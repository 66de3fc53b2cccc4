package org.implicitlayers.ritz.problem;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.objecthunter.exp4j.ExpressionBuilder;
import net.objecthunter.exp4j.function.Function;
import net.objecthunter.exp4j.function.Functions;
import net.objecthunter.exp4j.operator.Operator;
import net.objecthunter.exp4j.shuntingyard.ShuntingYard;
import net.objecthunter.exp4j.tokenizer.FunctionToken;
import net.objecthunter.exp4j.tokenizer.NumberToken;
import net.objecthunter.exp4j.tokenizer.OperatorToken;
import net.objecthunter.exp4j.tokenizer.Token;
import net.objecthunter.exp4j.tokenizer.VariableToken;
import org.implicitlayers.core.Tensor;

/**
 * A formula in the coordinates, parsed by exp4j and evaluated on all sample points at once with
 * tensor operations: the result is differentiable, so exact solutions give exact gradients (for the
 * H1 error) by autodiff.
 *
 * <p>Coordinates: x1..xn in any dimension; x, y, z up to 3-D. Polar coordinates in 2-D: r = |x| and
 * theta = atan2(y, x) in (-pi, pi] (the cut along the negative x axis). Spherical coordinates in
 * 3-D (ISO 80000-2): r = |x|, theta = the polar angle from the z axis in [0, pi], phi = the azimuth
 * atan2(y, x) in (-pi, pi].
 *
 * <p>Functions: sin cos tan exp log sqrt abs tanh sinh cosh atan pow(a, b) min(a,b) max(a,b)
 * atan2(y, x) heaviside(a); constants pi and e; operators + - * / ^ and unary minus. Other
 * functions exp4j knows (asin, floor, ...) are refused when the formula is parsed, with their
 * position: they have no tensor form here.
 */
public final class Expression {
    private static final List<String> FUNCTIONS =
            List.of(
                    "sin",
                    "cos",
                    "tan",
                    "exp",
                    "log",
                    "sqrt",
                    "abs",
                    "tanh",
                    "sinh",
                    "cosh",
                    "atan",
                    "pow",
                    "min",
                    "max",
                    "atan2",
                    "heaviside");

    private final String source;
    private final Token[] rpn;
    private final int dim;

    private Expression(String source, Token[] rpn, int dim) {
        this.source = source;
        this.rpn = rpn;
        this.dim = dim;
    }

    /** Coordinate names available in dimension d. */
    public static Set<String> variables(int d) {
        Set<String> v = new HashSet<>();
        String[] xyz = {"x", "y", "z"};
        for (int i = 0; i < d; i++) {
            v.add("x" + (i + 1));
            if (d <= 3) {
                v.add(xyz[i]);
            }
        }
        if (d == 2 || d == 3) {
            v.add("r");
            v.add("theta");
        }
        if (d == 3) {
            v.add("phi");
        }
        v.add("pi");
        v.add("e");
        return v;
    }

    private static Map<String, Function> extraFunctions() {
        Map<String, Function> m = new HashMap<>();
        m.put(
                "min",
                new Function("min", 2) {
                    public double apply(double... a) {
                        return Math.min(a[0], a[1]);
                    }
                });
        m.put(
                "max",
                new Function("max", 2) {
                    public double apply(double... a) {
                        return Math.max(a[0], a[1]);
                    }
                });
        m.put(
                "atan2",
                new Function("atan2", 2) {
                    public double apply(double... a) {
                        return Math.atan2(a[0], a[1]);
                    }
                });
        m.put(
                "heaviside",
                new Function("heaviside", 1) {
                    public double apply(double... a) {
                        return a[0] > 0 ? 1 : 0;
                    }
                });
        m.put("tanh", Functions.getBuiltinFunction("tanh"));
        return m;
    }

    /**
     * Parses {@code source} for dimension d. A syntax error or an unknown name is an
     * IllegalArgumentException that quotes the formula, gives the position and says what was
     * expected.
     */
    public static Expression parse(String source, int d) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException(
                    "empty formula: expected an expression in "
                            + new java.util.TreeSet<>(variables(d)));
        }
        Set<String> vars = variables(d);
        Map<String, Function> fns = extraFunctions();
        Token[] rpn;
        try {
            net.objecthunter.exp4j.Expression e =
                    new ExpressionBuilder(source)
                            .variables(vars)
                            .functions(List.copyOf(fns.values()))
                            .implicitMultiplication(false)
                            .build();
            Set<String> all = new HashSet<>(vars);
            var result = e.validate(false);
            if (!result.isValid()) {
                throw new IllegalArgumentException(String.join("; ", result.getErrors()));
            }
            rpn =
                    ShuntingYard.convertToRPN(
                            source, fns, new HashMap<String, Operator>(), all, false);
        } catch (IllegalArgumentException | java.util.EmptyStackException e) {
            throw new IllegalArgumentException(
                    "formula '"
                            + source
                            + "': "
                            + explain(e.getMessage(), source)
                            + " (known names: "
                            + new java.util.TreeSet<>(vars)
                            + "; functions: "
                            + FUNCTIONS
                            + ")",
                    e);
        }
        for (Token t : rpn) {
            if (t instanceof FunctionToken ft && !FUNCTIONS.contains(ft.getFunction().getName())) {
                String name = ft.getFunction().getName();
                java.util.regex.Matcher m =
                        java.util.regex.Pattern.compile("\\b" + name + "\\s*\\(").matcher(source);
                int pos = m.find() ? m.start() : 0;
                throw new IllegalArgumentException(
                        "formula '"
                                + source
                                + "': function '"
                                + name
                                + "' at position "
                                + pos
                                + " has no tensor form here; expected one of "
                                + FUNCTIONS
                                + "\n    "
                                + source
                                + "\n    "
                                + " ".repeat(pos)
                                + "^");
            }
        }
        return new Expression(source, rpn, d);
    }

    /**
     * exp4j gives a position for unknown names but not for unbalanced parentheses or misplaced
     * operators and operands: find those here, and point at the place with a caret.
     */
    static String explain(String msg, String source) {
        if (msg == null) {
            msg = "incomplete expression";
        }
        int pos = -1;
        String expected = null;
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("position (\\d+)|pos (\\d+)").matcher(msg);
        if (m.find()) {
            pos = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
        } else if (msg.contains("parenthes") || !balanced(source)) {
            int open;
            java.util.Deque<Integer> opens = new java.util.ArrayDeque<>();
            for (int i = 0; i < source.length(); i++) {
                char c = source.charAt(i);
                if (c == '(') {
                    opens.push(i);
                } else if (c == ')') {
                    if (opens.isEmpty()) {
                        pos = i;
                        expected = "an opening '(' before this ')'";
                        break;
                    }
                    opens.pop();
                }
            }
            if (pos < 0 && !opens.isEmpty()) {
                open = opens.pop();
                pos = source.length();
                expected = "')' to close the '(' at position " + open;
            }
        } else if (msg.contains("operator")
                || msg.contains("operand")
                || msg.contains("incomplete")) {
            // The first place where an operator follows an operator (or ends the formula), or an
            // operand follows an operand.
            String ops = "+-*/^";
            char last = 0;
            int lastPos = -1;
            boolean lastOperand = false;
            for (int i = 0; i < source.length(); i++) {
                char c = source.charAt(i);
                if (Character.isWhitespace(c)) {
                    continue;
                }
                boolean operand = Character.isLetterOrDigit(c) || c == '.' || c == '_';
                boolean op = ops.indexOf(c) >= 0;
                if (op && last != 0 && ops.indexOf(last) >= 0 && "*/^".indexOf(c) >= 0) {
                    pos = i;
                    expected = "an operand after '" + last + "' at position " + lastPos;
                    break;
                }
                if (operand && lastOperand && lastPos < i - 1) {
                    pos = i;
                    expected = "an operator between the two operands";
                    break;
                }
                lastOperand = operand || c == ')';
                last = c;
                lastPos = i;
            }
            if (pos < 0 && last != 0 && ops.indexOf(last) >= 0) {
                pos = source.length();
                expected = "an operand after the final '" + last + "'";
            }
        }
        if (pos < 0) {
            return msg;
        }
        return msg
                + (expected == null ? "" : "; at position " + pos + " expected " + expected)
                + "\n    "
                + source
                + "\n    "
                + " ".repeat(Math.max(0, Math.min(pos, source.length())))
                + "^";
    }

    private static boolean balanced(String source) {
        int depth = 0;
        for (int i = 0; i < source.length(); i++) {
            depth += source.charAt(i) == '(' ? 1 : source.charAt(i) == ')' ? -1 : 0;
            if (depth < 0) {
                return false;
            }
        }
        return depth == 0;
    }

    public String source() {
        return source;
    }

    /** Evaluates at the points x [n, d]; returns [n, 1]. Differentiable in x. */
    public Tensor evaluate(Tensor x) {
        Map<String, Tensor> env = new HashMap<>();
        // Constants stay Java doubles until they meet a tensor, so "2*pi^2" costs no tensor
        // operation.
        Deque<Object> stack = new ArrayDeque<>();
        for (Token t : rpn) {
            if (t instanceof NumberToken) {
                stack.push(((NumberToken) t).getValue());
            } else if (t instanceof VariableToken) {
                String name = ((VariableToken) t).getName();
                if (name.equals("pi")) {
                    stack.push(Math.PI);
                } else if (name.equals("e")) {
                    stack.push(Math.E);
                } else {
                    stack.push(variable(name, x, env));
                }
            } else if (t instanceof OperatorToken) {
                Operator op = ((OperatorToken) t).getOperator();
                if (op.getNumOperands() == 1) {
                    Object a = stack.pop();
                    boolean minus = op.getSymbol().equals("-");
                    stack.push(
                            !minus
                                    ? a
                                    : a instanceof Double
                                            ? (Object) (-(Double) a)
                                            : ((Tensor) a).neg());
                } else {
                    Object b = stack.pop(), a = stack.pop();
                    stack.push(binary(op.getSymbol(), a, b));
                }
            } else if (t instanceof FunctionToken) {
                Function f = ((FunctionToken) t).getFunction();
                Object[] args = new Object[f.getNumArguments()];
                boolean allConstant = true;
                for (int i = args.length - 1; i >= 0; i--) {
                    args[i] = stack.pop();
                    allConstant &= args[i] instanceof Double;
                }
                if (allConstant) {
                    double[] v = new double[args.length];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (Double) args[i];
                    }
                    stack.push(f.apply(v));
                } else {
                    Tensor[] ts = new Tensor[args.length];
                    for (int i = 0; i < ts.length; i++) {
                        ts[i] =
                                args[i] instanceof Tensor
                                        ? (Tensor) args[i]
                                        : constant(x, (Double) args[i]);
                    }
                    stack.push(apply(f.getName(), ts));
                }
            }
        }
        Object r = stack.pop();
        return r instanceof Tensor ? (Tensor) r : constant(x, (Double) r);
    }

    private static Tensor constant(Tensor x, double v) {
        return Tensor.full(x.dtype(), v, x.shape(0), 1).to(x.backend());
    }

    /** Coordinates, and r and theta in 2-D, computed only when the formula uses them. */
    private Tensor variable(String name, Tensor x, Map<String, Tensor> env) {
        Tensor v = env.get(name);
        if (v != null) {
            return v;
        }
        String[] xyz = {"x", "y", "z"};
        if (name.equals("r") || name.equals("theta") || name.equals("phi")) {
            Tensor px = variable("x", x, env), py = variable("y", x, env);
            Tensor rxy2 = px.square().add(py.square());
            if (dim == 3) {
                Tensor pz = variable("z", x, env);
                v =
                        name.equals("r")
                                ? rxy2.add(pz.square()).add(1e-30).sqrt()
                                : name.equals("theta")
                                        ? atan2(rxy2.add(1e-30).sqrt(), pz)
                                        : atan2(py, px);
            } else {
                v = name.equals("r") ? rxy2.add(1e-30).sqrt() : atan2(py, px);
            }
        } else {
            int i = -1;
            for (int k = 0; k < 3 && dim <= 3; k++) {
                if (xyz[k].equals(name)) {
                    i = k;
                }
            }
            if (i < 0) {
                i = Integer.parseInt(name.substring(1)) - 1;
            }
            v = x.slice(1, i, i + 1);
        }
        env.put(name, v);
        return v;
    }

    private static Object binary(String op, Object a, Object b) {
        if (a instanceof Double && b instanceof Double) {
            double x = (Double) a, y = (Double) b;
            switch (op) {
                case "+":
                    return x + y;
                case "-":
                    return x - y;
                case "*":
                    return x * y;
                case "/":
                    return x / y;
                case "^":
                    return Math.pow(x, y);
                default:
                    throw new IllegalArgumentException("operator '" + op + "' is not supported");
            }
        }
        if (b instanceof Double) {
            Tensor x = (Tensor) a;
            double y = (Double) b;
            switch (op) {
                case "+":
                    return x.add(y);
                case "-":
                    return x.sub(y);
                case "*":
                    return x.mul(y);
                case "/":
                    return x.div(y);
                case "^":
                    return x.pow(y);
                default:
                    throw new IllegalArgumentException("operator '" + op + "' is not supported");
            }
        }
        if (a instanceof Double) {
            double x = (Double) a;
            Tensor y = (Tensor) b;
            switch (op) {
                case "+":
                    return y.add(x);
                case "-":
                    return y.neg().add(x);
                case "*":
                    return y.mul(x);
                case "/":
                    return y.pow(-1.0).mul(x);
                case "^":
                    return y.mul(Math.log(x)).exp();
                default:
                    throw new IllegalArgumentException("operator '" + op + "' is not supported");
            }
        }
        Tensor x = (Tensor) a, y = (Tensor) b;
        switch (op) {
            case "+":
                return x.add(y);
            case "-":
                return x.sub(y);
            case "*":
                return x.mul(y);
            case "/":
                return x.div(y);
            case "^":
                return x.pow(y);
            default:
                throw new IllegalArgumentException("operator '" + op + "' is not supported");
        }
    }

    /** atan2(y, x), with the backward rule (x dy - y dx) / (x^2 + y^2) in differentiable ops. */
    private static final class Atan2 extends org.implicitlayers.core.CustomFunction {
        Atan2() {
            super("atan2");
        }

        @Override
        protected Tensor forward(Tensor[] in) {
            double[] y = in[0].toDoubleArray(), x = in[1].toDoubleArray();
            double[] out = new double[y.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.atan2(y[i], x[i]);
            }
            return Tensor.of(in[0].dtype(), out, in[0].shape()).to(in[0].backend());
        }

        @Override
        protected Tensor[] backward(Tensor g, Tensor out, Tensor[] in, boolean[] needs) {
            Tensor y = in[0], x = in[1];
            // The tiny shift leaves every other point alone and makes the derivative at the origin
            // 0, not 0/0.
            Tensor r2 = x.square().add(y.square()).add(1e-300);
            return new Tensor[] {
                needs[0] ? g.mul(x).div(r2) : null, needs[1] ? g.mul(y).div(r2).neg() : null
            };
        }
    }

    /** atan2(y, x) elementwise, in (-pi, pi], differentiable to any order (0 at the origin). */
    public static Tensor atan2(Tensor y, Tensor x) {
        return new Atan2().apply(y, x);
    }

    private Tensor apply(String name, Tensor[] a) {
        switch (name) {
            case "sin":
                return a[0].sin();
            case "cos":
                return a[0].cos();
            case "tan":
                return a[0].sin().div(a[0].cos());
            case "exp":
                return a[0].exp();
            case "log":
                return a[0].log();
            case "sqrt":
                return a[0].sqrt();
            case "abs":
                return a[0].abs();
            case "tanh":
                return a[0].tanh();
            case "sinh":
                return a[0].exp().sub(a[0].neg().exp()).mul(0.5);
            case "cosh":
                return a[0].exp().add(a[0].neg().exp()).mul(0.5);
            case "pow":
                return a[0].pow(a[1]);
            case "atan":
                return atan2(a[0], Tensor.onesLike(a[0]));
            case "min":
                return a[0].minimum(a[1]);
            case "max":
                return a[0].maximum(a[1]);
            case "atan2":
                return atan2(a[0], a[1]);
            case "heaviside":
                return a[0].gt(Tensor.zerosLike(a[0]));
            default:
                // Fall back to exp4j's scalar definition, point by point (no derivative).
                throw new IllegalArgumentException(
                        "formula '"
                                + source
                                + "': function '"
                                + name
                                + "' cannot be evaluated on tensors; available: "
                                + FUNCTIONS);
        }
    }

    @Override
    public String toString() {
        return source;
    }
}
