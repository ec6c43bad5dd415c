package org.xlogminer.catalog;

/**
 * The SQL a capture runs, one set-based query per kind of row (never one query per table), for
 * PostgreSQL 13 to 18. Every query reads only the catalogs and a few functions that need no
 * privilege beyond LOGIN: pg_class, pg_namespace, pg_index, pg_inherits, pg_attribute, pg_type,
 * pg_range, pg_enum, pg_database, pg_control_system(), pg_control_checkpoint(), pg_relation_filenode(),
 * pg_current_wal_insert_lsn() and pg_walfile_name().
 */
final class CatalogQueries {

    private CatalogQueries() {
    }

    /** The relations a snapshot holds: heap-bearing kinds, minus other sessions' temp schemas. */
    static final String RELATION_FILTER = "c.relkind IN ('r', 'p', 'm', 't') AND NOT pg_is_other_temp_schema(c.relnamespace)";

    /**
     * Settings for the capture transaction only ({@code SET LOCAL}): names qualified unless in
     * pg_catalog (so format_type gives "public.mood"), and text forms of missing values that read
     * back the same anywhere (ISO dates in UTC, shortest exact floats, hex bytea).
     */
    static final String[] LOCAL_SETTINGS = {
        "SET LOCAL search_path = pg_catalog",
        "SET LOCAL DateStyle = 'ISO, MDY'",
        "SET LOCAL IntervalStyle = postgres",
        "SET LOCAL TimeZone = 'UTC'",
        "SET LOCAL extra_float_digits = 1",
        "SET LOCAL bytea_output = hex",
    };

    /**
     * The first query of the transaction, so the one that takes its snapshot: read the LSN in the
     * same statement. On a standby (recovery) the LSN is the last replayed one and the timeline the
     * last restartpoint's; on a primary the timeline is the one of the segment being written.
     */
    static final String HEADER = """
        SELECT current_setting('transaction_read_only') AS read_only,
               current_setting('transaction_isolation') AS isolation,
               s.system_identifier::text AS system_identifier,
               current_setting('server_version_num')::int AS version_num,
               current_setting('server_version') AS version,
               d.oid::int8 AS database_oid,
               d.datname AS database_name,
               d.dattablespace::int8 AS database_tablespace,
               pg_is_in_recovery() AS in_recovery,
               (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
                     ELSE pg_current_wal_insert_lsn() END)::text AS lsn,
               CASE WHEN pg_is_in_recovery() THEN NULL
                    ELSE pg_walfile_name(pg_current_wal_insert_lsn()) END AS walfile,
               (SELECT timeline_id FROM pg_control_checkpoint()) AS checkpoint_timeline,
               now() AS captured_at
          FROM pg_control_system() s, pg_database d
         WHERE d.datname = current_database()
        """;

    /**
     * Relations. The xmin system columns (xid, cast through text) of the rows that define each
     * relation give its {@link TableInfo#catalogXmin()}, with its attributes' (read by
     * {@link #ATTRIBUTES}). The relfilenode is pg_class.relfilenode as the transaction's snapshot sees it, and
     * pg_relation_filenode() (the relation mapper) only for mapped catalogs, whose relfilenode is 0:
     * the function reads the latest catalog state, not the snapshot, so for ordinary relations
     * rewritten after the snapshot it would name the new file. Relations without storage get 0.
     * A partition (relispartition) has its one pg_inherits row, naming the table it is a partition
     * of; an inheritance child's rows are not read (it is no partition: parent 0).
     */
    static final String RELATIONS = """
        SELECT c.oid::int8 AS oid, n.nspname, c.relname, c.relkind::text AS relkind,
               (CASE WHEN c.relfilenode <> 0 THEN c.relfilenode
                     ELSE COALESCE(pg_relation_filenode(c.oid), 0) END)::int8 AS relfilenode,
               (CASE WHEN c.reltablespace = 0 THEN d.dattablespace ELSE c.reltablespace END)::int8 AS tablespace,
               c.relpersistence::text AS persistence, c.reltoastrelid::int8 AS toastrelid,
               c.relreplident::text AS replident, c.reltuples::float8 AS reltuples,
               pk.indkey::text AS pk_key, pk.indnkeyatts AS pk_nkey,
               ri.indkey::text AS ri_key, ri.indnkeyatts AS ri_nkey,
               COALESCE(inh.inhparent, 0)::int8 AS partition_parent,
               c.xmin::text::int8 AS class_xmin, n.xmin::text::int8 AS namespace_xmin,
               rt.xmin::text::int8 AS type_xmin, pk.xmin::text::int8 AS pk_xmin, ri.xmin::text::int8 AS ri_xmin
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_type rt ON rt.oid = c.reltype
         CROSS JOIN (SELECT dattablespace FROM pg_database WHERE datname = current_database()) d
          LEFT JOIN pg_index pk ON pk.indrelid = c.oid AND pk.indisprimary
          LEFT JOIN pg_index ri ON ri.indrelid = c.oid AND ri.indisreplident
          LEFT JOIN pg_inherits inh ON c.relispartition AND inh.inhrelid = c.oid AND inh.inhseqno = 1
         WHERE %s
         ORDER BY c.oid
        """.formatted(RELATION_FILTER);

    /**
     * The columns every attribute query returns, in order. The missing value is the text form of
     * attmissingval's only element: array_to_string() calls the element type's own output
     * function, whatever its array delimiter (box uses ';') or nesting (an int[] column's element
     * is itself an array), which re-parsing the array's text as text[] would get wrong. A NULL
     * element (never stored by PostgreSQL, checked anyway) prints as {NULL} and gives SQL NULL.
     */
    private static final String ATTRIBUTE_COLUMNS = """
        a.attrelid::int8 AS attrelid, a.attnum, a.attname, a.atttypid::int8 AS atttypid, a.atttypmod,
               a.attlen, a.attbyval, a.attalign::text AS attalign, a.attstorage::text AS attstorage,
               a.attnotnull, a.attisdropped, a.atthasmissing,
               CASE WHEN a.atthasmissing AND a.attmissingval::text <> '{NULL}'
                    THEN array_to_string(a.attmissingval, ',') END AS missing,
               a.attgenerated::text AS attgenerated, a.attidentity::text AS attidentity,
               a.xmin::text::int8 AS xmin""";

    /** Attributes (attnum &gt; 0, dropped ones included) of every captured relation. */
    static final String ATTRIBUTES = """
        SELECT %s
          FROM pg_attribute a
          JOIN pg_class c ON c.oid = a.attrelid
         WHERE a.attnum > 0 AND %s
         ORDER BY a.attrelid, a.attnum
        """.formatted(ATTRIBUTE_COLUMNS, RELATION_FILTER);

    /** Attributes of composite types' relations; parameter: an oid[] literal of typrelids. */
    static final String COMPOSITE_ATTRIBUTES = """
        SELECT %s
          FROM pg_attribute a
         WHERE a.attrelid = ANY (?::oid[]) AND a.attnum > 0
         ORDER BY a.attrelid, a.attnum
        """.formatted(ATTRIBUTE_COLUMNS);

    /** Every schema's name by OID (other sessions' temporary schemas included: pg_class rows may name them). */
    static final String NAMESPACES = "SELECT n.oid::int8 AS oid, n.nspname FROM pg_namespace n ORDER BY n.oid";

    /** Enum labels; parameter: an oid[] literal of enum type OIDs. */
    static final String ENUM_LABELS = """
        SELECT e.enumtypid::int8 AS enumtypid, e.oid::int8 AS oid, e.enumlabel
          FROM pg_enum e
         WHERE e.enumtypid = ANY (?::oid[])
         ORDER BY e.enumtypid, e.enumsortorder
        """;

    /**
     * Every type a captured column uses and, transitively, their element types, domain base
     * types, range subtypes (multiranges' range types on 14+) and composite attributes' types,
     * in one recursive query.
     */
    static String types(int major) {
        boolean multiranges = major >= 14;
        return """
            WITH RECURSIVE used(oid) AS (
                SELECT DISTINCT a.atttypid
                  FROM pg_attribute a
                  JOIN pg_class c ON c.oid = a.attrelid
                 WHERE a.attnum > 0 AND a.atttypid <> 0 AND %s
              UNION
                SELECT x.oid
                  FROM used u
                  JOIN pg_type t ON t.oid = u.oid
                 CROSS JOIN LATERAL (
                        SELECT t.typelem WHERE t.typelem <> 0
                        UNION ALL SELECT t.typbasetype WHERE t.typbasetype <> 0
                        UNION ALL SELECT r.rngsubtype FROM pg_range r WHERE r.rngtypid = t.oid
                        %s
                        UNION ALL SELECT ca.atttypid FROM pg_attribute ca
                                   WHERE t.typrelid <> 0 AND ca.attrelid = t.typrelid
                                     AND ca.attnum > 0 AND ca.atttypid <> 0
                       ) x(oid)
            )
            SELECT t.oid::int8 AS oid, n.nspname, t.typname, format_type(t.oid, NULL) AS sql_name,
                   t.typtype::text AS typtype, t.typcategory::text AS typcategory, t.typlen, t.typbyval,
                   t.typalign::text AS typalign, t.typelem::int8 AS typelem, t.typarray::int8 AS typarray,
                   t.typbasetype::int8 AS typbasetype, t.typtypmod, t.typrelid::int8 AS typrelid,
                   COALESCE(r.rngsubtype, %s 0)::int8 AS range_subtype
              FROM used u
              JOIN pg_type t ON t.oid = u.oid
              JOIN pg_namespace n ON n.oid = t.typnamespace
              LEFT JOIN pg_range r ON r.rngtypid = t.oid
              %s
             ORDER BY t.oid
            """.formatted(RELATION_FILTER,
                multiranges ? "UNION ALL SELECT r.rngtypid FROM pg_range r WHERE r.rngmultitypid = t.oid" : "",
                multiranges ? "mr.rngtypid," : "",
                multiranges ? "LEFT JOIN pg_range mr ON mr.rngmultitypid = t.oid" : "");
    }
}
