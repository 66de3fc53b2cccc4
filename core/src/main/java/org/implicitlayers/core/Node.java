package org.implicitlayers.core;

/**
 * One recorded operation on the tape: its name, its inputs and its backward rule. A backward pass
 * that does not retain the graph releases the rule (and with it the values the rule captured).
 */
final class Node {
    final String op;
    final Tensor[] inputs;
    BackwardRule rule;

    Node(String op, Tensor[] inputs, BackwardRule rule) {
        this.op = op;
        this.inputs = inputs;
        this.rule = rule;
    }

    void release() {
        rule = null;
    }
}
