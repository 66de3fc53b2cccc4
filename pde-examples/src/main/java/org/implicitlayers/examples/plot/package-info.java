/** PNG figures: heat maps with colour bars, loss and error curves, phase plots. */
package org.implicitlayers.examples.plot;
