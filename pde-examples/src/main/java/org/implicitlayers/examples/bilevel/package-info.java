/** Data and problem families of the bilevel examples: a shipped tabular data set, sine-wave regression tasks. */
package org.implicitlayers.examples.bilevel;
