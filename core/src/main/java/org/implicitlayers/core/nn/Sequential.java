package org.implicitlayers.core.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;

/**
 * Modules and parameter-free maps applied in order; sub-modules are named by position ("0", "1",
 * ...).
 */
public final class Sequential extends Module {
    private final List<UnaryOperator<Tensor>> steps = new ArrayList<>();

    /** Each element is a {@link Module} or a parameter-free map such as an {@link Activation}. */
    public Sequential(Object... layers) {
        int i = 0;
        for (Object l : layers) {
            if (l instanceof Module) {
                Module m = child(Integer.toString(i), (Module) l);
                steps.add(m::forward);
            } else if (l instanceof UnaryOperator) {
                @SuppressWarnings("unchecked")
                UnaryOperator<Tensor> f = (UnaryOperator<Tensor>) l;
                steps.add(f);
            } else {
                throw new IllegalArgumentException(
                        "Sequential: element " + i + " is neither a Module nor a map: " + l);
            }
            i++;
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (UnaryOperator<Tensor> s : steps) {
            h = s.apply(h);
        }
        return h;
    }
}
