package org.implicitlayers.core;

/** One recorded operation on the tape: its name, its inputs and its backward rule. */
final class Node {
    final String op;
    final Tensor[] inputs;
    final BackwardRule rule;

    Node(String op, Tensor[] inputs, BackwardRule rule) {
        this.op = op;
        this.inputs = inputs;
        this.rule = rule;
    }
}
