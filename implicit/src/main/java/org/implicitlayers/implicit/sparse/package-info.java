/**
 * Sparse coding by ISTA and its unrolled, learned form LISTA (Gregor and LeCun 2010), the
 * comparison point for implicit layers.
 */
package org.implicitlayers.implicit.sparse;
