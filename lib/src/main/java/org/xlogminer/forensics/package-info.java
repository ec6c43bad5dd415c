/**
 * Forensics over mined changes: whether UNDO of a selection still applies to the database as it is
 * now ({@link org.xlogminer.forensics.UndoCheck}, {@link org.xlogminer.forensics.UndoCheckQuery}),
 * and the history of one row ({@link org.xlogminer.forensics.RowHistory}). Above {@code render} in
 * the layering: it uses the renderer's idea of a table's key and of which types have {@code =}.
 */
package org.xlogminer.forensics;
