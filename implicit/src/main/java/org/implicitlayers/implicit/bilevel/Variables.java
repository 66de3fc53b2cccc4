package org.implicitlayers.implicit.bilevel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Shapes;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.nn.Parameter;

/**
 * The inner variables w of a bilevel problem, seen by the solvers as one flat vector [n]: either a
 * tensor of some shape ({@link #tensor}) or all parameters of a {@link Module} ({@link
 * #parameters}), concatenated in {@link Module#parameters()} order. The problem's functions receive
 * w in its own form: the tensor in its shape, or, for a module, the flat vector while the module's
 * parameters are bound to views of it ({@link Module#withValues}), so that {@code net.forward(...)}
 * inside the function is differentiable in w.
 */
public abstract sealed class Variables permits Variables.OfTensor, Variables.OfModule {
    private Variables() {}

    /** A tensor of the given shape and dtype as the inner variable. */
    public static Variables tensor(DType dtype, int... shape) {
        return new OfTensor(dtype, shape);
    }

    /** A tensor of {@code like}'s shape and dtype as the inner variable. */
    public static Variables tensorLike(Tensor like) {
        return new OfTensor(like.dtype(), like.shape());
    }

    /**
     * All parameters of {@code module} as the inner variable (they must share one dtype). After a
     * solve, {@link Bilevel#solve} leaves the inner solution in them.
     */
    public static Variables parameters(Module module) {
        return new OfModule(module);
    }

    /** The number of scalars n. */
    public abstract int size();

    /** The dtype of w. */
    public abstract DType dtype();

    /**
     * Applies {@code body} to w in the form the problem's functions take, given the flat vector
     * {@code flat} [n] (which may be on the tape).
     */
    public abstract <T> T bind(Tensor flat, Function<Tensor, T> body);

    /**
     * The current values as a flat vector [n] (detached): the module's parameters, or zeros for a
     * tensor variable (which holds no values of its own).
     */
    public abstract Tensor current();

    /**
     * Stores a solution (flat [n]): sets the module's parameters; nothing for a tensor variable.
     */
    public abstract void assign(Tensor flat);

    /**
     * {@code w} of any shape with n elements, as a detached flat vector of this dtype; else an
     * error naming {@code what}.
     */
    Tensor flatten(Tensor w, String what) {
        if (w.numel() != size()) {
            throw new IllegalArgumentException(
                    "bilevel: "
                            + what
                            + " has "
                            + w.numel()
                            + " elements "
                            + Shapes.str(w.shape())
                            + ", the inner variables have "
                            + size());
        }
        return w.detach().reshape(size()).to(dtype());
    }

    /** A tensor variable. */
    static final class OfTensor extends Variables {
        private final DType dtype;
        private final int[] shape;
        private final int size;

        OfTensor(DType dtype, int[] shape) {
            this.dtype = dtype;
            this.shape = shape.clone();
            int n = 1;
            for (int s : shape) {
                if (s < 1) {
                    throw new IllegalArgumentException(
                            "bilevel: a tensor variable needs positive extents, got "
                                    + Shapes.str(shape));
                }
                n *= s;
            }
            this.size = n;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public DType dtype() {
            return dtype;
        }

        @Override
        public <T> T bind(Tensor flat, Function<Tensor, T> body) {
            return body.apply(flat.reshape(shape));
        }

        @Override
        public Tensor current() {
            return Tensor.zeros(dtype, size);
        }

        @Override
        public void assign(Tensor flat) {}
    }

    /** A module's parameters. */
    static final class OfModule extends Variables {
        private final Module module;
        private final List<Parameter> params;
        private final int size;
        private final DType dtype;

        OfModule(Module module) {
            this.module = module;
            this.params = new ArrayList<>(module.parameters().values());
            if (params.isEmpty()) {
                throw new IllegalArgumentException(
                        "bilevel: the module "
                                + module.getClass().getSimpleName()
                                + " has no parameters");
            }
            this.dtype = params.get(0).value().dtype();
            int n = 0;
            for (Parameter p : params) {
                if (p.value().dtype() != dtype) {
                    throw new IllegalArgumentException(
                            "bilevel: the module's parameters mix dtypes "
                                    + dtype
                                    + " and "
                                    + p.value().dtype()
                                    + "; convert them to one");
                }
                n += p.numel();
            }
            this.size = n;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public DType dtype() {
            return dtype;
        }

        @Override
        public <T> T bind(Tensor flat, Function<Tensor, T> body) {
            List<Tensor> views = new ArrayList<>(params.size());
            int off = 0;
            for (Parameter p : params) {
                views.add(flat.slice(0, off, off + p.numel()).reshape(p.shape()));
                off += p.numel();
            }
            return module.withValues(views, () -> body.apply(flat));
        }

        @Override
        public Tensor current() {
            Tensor[] parts = new Tensor[params.size()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = params.get(i).value().detach().reshape(-1);
            }
            return Tensor.concat(0, parts);
        }

        @Override
        public void assign(Tensor flat) {
            try (Grad.Scope ignored = Grad.noGrad()) {
                int off = 0;
                for (Parameter p : params) {
                    p.set(flat.slice(0, off, off + p.numel()).reshape(p.shape()).detach());
                    off += p.numel();
                }
            }
        }

        @Override
        public String toString() {
            return "parameters of "
                    + module.getClass().getSimpleName()
                    + " ("
                    + size
                    + ": "
                    + Arrays.toString(module.parameters().keySet().toArray())
                    + ")";
        }
    }
}
