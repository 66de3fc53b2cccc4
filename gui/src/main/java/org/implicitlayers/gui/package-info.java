/**
 * The JavaFX desktop application. Not yet implemented.
 */
package org.implicitlayers.gui;
