/**
 * Grid outputs for other tools: VTK for ParaView and CSV.
 */
package org.implicitlayers.examples.output;
