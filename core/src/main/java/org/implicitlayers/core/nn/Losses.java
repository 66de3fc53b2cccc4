package org.implicitlayers.core.nn;

import java.util.Arrays;
import org.implicitlayers.core.Tensor;

/**
 * Common training losses, written with differentiable tensor ops (so they differentiate to any
 * order).
 */
public final class Losses {
    private Losses() {}

    /**
     * Mean squared error, mean((prediction - target)^2) over all elements; shapes must be equal.
     */
    public static Tensor mse(Tensor prediction, Tensor target) {
        if (!Arrays.equals(prediction.shape(), target.shape())) {
            throw new IllegalArgumentException(
                    "mse: prediction "
                            + prediction.shapeString()
                            + " and target "
                            + target.shapeString()
                            + " differ in shape");
        }
        return prediction.sub(target).square().mean();
    }

    /**
     * Cross-entropy of class scores against class labels, averaged over the batch, as PyTorch's
     * {@code F.cross_entropy}: mean_i (logsumexp(logits_i) - logits_i[labels_i]).
     *
     * @param logits unnormalised scores [batch, classes]
     * @param labels the class of each sample, in [0, classes), length batch
     */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        if (logits.rank() != 2 || logits.shape(0) != labels.length) {
            throw new IllegalArgumentException(
                    "crossEntropy: expected logits [batch, classes] and one label per row, got logits "
                            + logits.shapeString()
                            + " and "
                            + labels.length
                            + " labels");
        }
        int classes = logits.shape(1);
        int[] flat = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IndexOutOfBoundsException(
                        "crossEntropy: label "
                                + labels[i]
                                + " of sample "
                                + i
                                + " is outside [0, "
                                + classes
                                + ")");
            }
            flat[i] = i * classes + labels[i];
        }
        return logits.logSoftmax(1).flatten().index(0, flat).mean().neg();
    }

    /**
     * Cross-entropy against class probabilities (soft labels), averaged over the batch: mean_i
     * (-sum_c target_ic log softmax(logits_i)_c).
     *
     * @param logits unnormalised scores [batch, classes]
     * @param target probabilities [batch, classes], each row summing to 1
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        if (logits.rank() != 2 || !Arrays.equals(logits.shape(), target.shape())) {
            throw new IllegalArgumentException(
                    "crossEntropy: expected logits and target of one shape [batch, classes], got "
                            + logits.shapeString()
                            + " and "
                            + target.shapeString());
        }
        return logits.logSoftmax(1).mul(target).sum(1).mean().neg();
    }
}
