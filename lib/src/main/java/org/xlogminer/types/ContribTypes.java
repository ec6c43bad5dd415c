package org.xlogminer.types;

import org.xlogminer.catalog.TypeInfo;

/**
 * The contrib extension types xlogminer decodes: {@code citext} (stored as text), {@code hstore} and
 * {@code ltree}. Their OIDs are assigned at {@code CREATE EXTENSION}, so they are recognised in the
 * snapshot's pg_type row: a base type ({@code typtype 'b'}) of variable length ({@code typlen -1}),
 * int-aligned, with the extension's name and type category ({@code S} for citext, {@code U} for the
 * others), in whatever schema the extension was installed. Any other extension type has no formatter
 * and stays undecodable. Stateless.
 */
final class ContribTypes {

    private ContribTypes() {
    }

    /** The formatter of a contrib type, or null when {@code t} is not one of them. */
    static ValueFormatter forType(TypeInfo t) {
        if (t.kind() != 'b' || t.len() != -1 || t.align() != 'i') {
            return null;
        }
        switch (t.name()) {
            case "citext":
                return t.category() == 'S' ? new TextFormatter(t.sqlName(), false) : null;
            case "hstore":
                return t.category() == 'U' ? new HstoreFormatter(t.sqlName()) : null;
            case "ltree":
                return t.category() == 'U' ? new LtreeFormatter(t.sqlName()) : null;
            default:
                return null;
        }
    }
}
