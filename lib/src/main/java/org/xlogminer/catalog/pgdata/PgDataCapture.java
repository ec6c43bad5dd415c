package org.xlogminer.catalog.pgdata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.pgdata.PgDataException.Kind;
import org.xlogminer.catalog.pgdata.StoredRows.AttributeRow;
import org.xlogminer.catalog.pgdata.StoredRows.ClassRow;
import org.xlogminer.catalog.pgdata.StoredRows.DatabaseRow;
import org.xlogminer.catalog.pgdata.StoredRows.EnumRow;
import org.xlogminer.catalog.pgdata.StoredRows.IndexRow;
import org.xlogminer.catalog.pgdata.StoredRows.RangeRow;
import org.xlogminer.catalog.pgdata.StoredRows.TypeRow;
import org.xlogminer.wal.Lsn;

/**
 * Captures a {@link CatalogSnapshot} without a server, from the files of a stopped cluster's data
 * directory, a plain-format base backup, or the {@code base.tar} (plain or compressed) of a
 * tar-format one: the same snapshot the JDBC capture gives, read from pg_control, the relation
 * mapper files, the heap files of the system catalogs and the commit log. See docs/catalog.md
 * ("Without a server").
 *
 * <p>Order of reading: the small files (PG_VERSION, backup_label, global/, pg_xact/, each
 * database's map); then pg_attribute of the first database (to read pg_database's layout); then the
 * chosen database's catalogs. A tar archive is read through once for all of them, the catalogs kept
 * under the names initdb gives them ({@link #isInitialCatalogFile}); a catalog rewritten since, or a
 * database in another tablespace's tar, costs further reads. Stateless.
 */
public final class PgDataCapture {

    static final long PG_CLASS = 1259, PG_ATTRIBUTE = 1249, PG_TYPE = 1247, PG_NAMESPACE = 2615, PG_ENUM = 3501,
        PG_INDEX = 2610, PG_RANGE = 3541, PG_DATABASE = 1262, PG_INHERITS = 2611, DEFAULT_TABLESPACE = 1663;

    /**
     * A snapshot and what the capture wants its user to know.
     *
     * @param warnings one line each: an unclean shutdown, transactions not settled in the files, ...
     */
    public record Result(CatalogSnapshot snapshot, List<String> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    private PgDataCapture() {
    }

    /**
     * Captures the catalog of one database.
     *
     * @param path     a data directory, a directory holding base.tar (plain or compressed), or such a
     *                 tar file
     * @param database the database's name; null for the only database that is neither a template
     *                 nor {@code postgres}, else {@code postgres}
     * @throws PgDataException what is wrong with the files or the arguments, naming the file
     * @throws IOException     when a file cannot be read
     */
    public static Result capture(Path path, String database) throws IOException {
        List<String> warnings = new ArrayList<>();
        try (PgDataFiles files = PgDataFiles.open(path)) {
            return new Result(capture(files, database, warnings::add), warnings);
        }
    }

    static CatalogSnapshot capture(PgDataFiles files, String database, Consumer<String> warnings) throws IOException {
        files.prefetch(n -> n.equals("PG_VERSION") || n.equals("backup_label") || n.equals("postmaster.pid")
            || n.startsWith("global/") || n.startsWith("pg_xact/") || n.startsWith("pg_multixact/")
            || n.startsWith("base/") && (n.endsWith("/pg_filenode.map") || isInitialCatalogFile(n)));
        int major = major(files);
        byte[] control = files.read("global/pg_control");
        if (control == null) {
            throw new PgDataException(Kind.NOT_A_DATA_DIRECTORY, files.describe(), "no global/pg_control");
        }
        ControlFile cf = ControlFile.parse(control, major, "global/pg_control");
        byte[] labelBytes = files.read("backup_label");
        BackupLabel label = labelBytes == null ? null
            : BackupLabel.parse(new String(labelBytes, StandardCharsets.UTF_8), "backup_label");
        if (label == null && files.read("postmaster.pid") != null) {
            warnings.accept("postmaster.pid exists: if a server is running on this directory, its files change while "
                + "they are read and its latest changes may be in its memory only; stop it first");
        }
        if (label == null && !cf.shutDownCleanly()) {
            warnings.accept("the cluster was not shut down cleanly (pg_control says \"" + cf.stateName()
                + "\"): changes after the REDO of its last checkpoint (" + Lsn.format(cf.redo())
                + ") may be in the WAL only; start and stop it cleanly first if it can be");
        }
        Map<Long, Long> sharedMap = RelMapFile.parse(required(files, "global/pg_filenode.map"), major,
            "global/pg_filenode.map");
        TupleVisibility visibility = new TupleVisibility(new CommitLog(files, cf.oldestXid()),
            new MultiXacts(files, cf.nextMulti(), cf.nextMultiOffset()));
        CatalogReader reader = new CatalogReader(files, visibility, warnings);

        // pg_database's layout comes from a database's pg_attribute: the first database's
        List<Long> databases = databaseDirectories(files);
        if (databases.isEmpty()) {
            throw new PgDataException(Kind.NOT_A_DATA_DIRECTORY, files.describe(), "no database in base/");
        }
        long first = databases.get(0);
        String firstDir = "base/" + first;
        Map<Long, Long> firstMap = RelMapFile.parse(required(files, firstDir + "/pg_filenode.map"), major,
            firstDir + "/pg_filenode.map");
        String pgDatabaseFile = "global/" + mapped(sharedMap, PG_DATABASE, "global/pg_filenode.map");
        List<AttributeRow> firstAttributes = reader.attributes(major, firstDir + "/"
            + mapped(firstMap, PG_ATTRIBUTE, firstDir + "/pg_filenode.map"));
        List<DatabaseRow> dbs = new ArrayList<>();
        reader.scan(CatalogReader.layouts(firstAttributes, Set.of(PG_DATABASE)).get(PG_DATABASE), pgDatabaseFile,
            (t, r) -> dbs.add(DatabaseRow.of(t, r)));
        DatabaseRow db = DatabaseChoice.choose(dbs, database, files.describe());
        String dir = databaseDirectory(files, db, major);
        Map<Long, Long> map = RelMapFile.parse(required(files, dir + "/pg_filenode.map"), major,
            dir + "/pg_filenode.map");
        Function<Long, String> mappedFile = oid -> dir + "/" + mapped(map, oid, dir + "/pg_filenode.map");
        // the catalogs that are not mapped are usually still in the file their OID names
        List<String> wanted = new ArrayList<>(List.of(mappedFile.apply(PG_CLASS), mappedFile.apply(PG_ATTRIBUTE),
            mappedFile.apply(PG_TYPE)));
        for (long oid : new long[] {PG_NAMESPACE, PG_ENUM, PG_INDEX, PG_RANGE, PG_INHERITS}) {
            wanted.add(dir + "/" + oid);
        }
        reader.prefetchRelations(wanted);
        List<AttributeRow> attributes = first == db.oid() ? firstAttributes
            : reader.attributes(major, mappedFile.apply(PG_ATTRIBUTE));
        Map<Long, CatalogTable> layouts = CatalogReader.layouts(attributes,
            Set.of(PG_CLASS, PG_TYPE, PG_NAMESPACE, PG_ENUM, PG_INDEX, PG_RANGE, PG_INHERITS));
        List<ClassRow> classes = new ArrayList<>();
        reader.scan(layouts.get(PG_CLASS), mappedFile.apply(PG_CLASS), (t, r) -> classes.add(ClassRow.of(t, r)));
        Map<Long, String> files2 = new HashMap<>();
        for (ClassRow c : classes) {
            if (c.oid() == PG_NAMESPACE || c.oid() == PG_ENUM || c.oid() == PG_INDEX || c.oid() == PG_RANGE
                || c.oid() == PG_INHERITS) {
                files2.put(c.oid(), dir + "/" + (c.relfilenode() != 0 ? c.relfilenode()
                    : mapped(map, c.oid(), dir + "/pg_filenode.map")));
            }
        }
        reader.prefetchRelations(files2.values());
        List<TypeRow> types = new ArrayList<>();
        reader.scan(layouts.get(PG_TYPE), mappedFile.apply(PG_TYPE), (t, r) -> types.add(TypeRow.of(t, r)));
        Map<Long, String> namespaces = new HashMap<>();
        Map<Long, Long> namespaceXmins = new HashMap<>();
        reader.scan(layouts.get(PG_NAMESPACE), catalogFile(files2, PG_NAMESPACE), (t, r) -> {
            namespaces.put(r.oid(t.column("oid")), r.name(t.column("nspname")));
            namespaceXmins.put(r.oid(t.column("oid")), r.xmin());
        });
        List<EnumRow> enums = new ArrayList<>();
        reader.scan(layouts.get(PG_ENUM), catalogFile(files2, PG_ENUM), (t, r) -> enums.add(EnumRow.of(t, r)));
        List<IndexRow> indexes = new ArrayList<>();
        reader.scan(layouts.get(PG_INDEX), catalogFile(files2, PG_INDEX), (t, r) -> indexes.add(IndexRow.of(t, r)));
        List<RangeRow> ranges = new ArrayList<>();
        reader.scan(layouts.get(PG_RANGE), catalogFile(files2, PG_RANGE), (t, r) -> ranges.add(RangeRow.of(t, r)));
        // a partition's one pg_inherits row (inhseqno 1) names its parent; only partitions' are kept later
        Map<Long, Long> parents = new HashMap<>();
        reader.scan(layouts.get(PG_INHERITS), catalogFile(files2, PG_INHERITS), (t, r) -> {
            if (r.int4(t.column("inhseqno")) == 1) {
                parents.put(r.oid(t.column("inhrelid")), r.oid(t.column("inhparent")));
            }
        });

        SnapshotAssembler.Result parts = new SnapshotAssembler(new SnapshotAssembler.Rows(classes, attributes, types,
            namespaces, enums, indexes, ranges, parents, namespaceXmins), major, warnings).assemble(db.tablespace(), map, sharedMap);
        reportUnsettled(visibility, label, warnings);
        long lsn = label != null ? label.startLsn() : cf.redo();
        int timeline = label != null ? label.startTimeline() : cf.timeline();
        Instant at = label != null && label.startTime() != null ? label.startTime()
            : Instant.ofEpochSecond(cf.checkpointTime());
        return new CatalogSnapshot(cf.systemIdentifier(), major * 10000, Integer.toString(major), db.oid(), db.name(),
            db.tablespace(), timeline, lsn, at, parts.tables(), parts.types(), parts.namespaces());
    }

    private static String catalogFile(Map<Long, String> files, long oid) {
        String f = files.get(oid);
        if (f == null) {
            throw new PgDataException(Kind.CORRUPT, "pg_class", "has no live row of system catalog " + oid);
        }
        return f;
    }

    private static void reportUnsettled(TupleVisibility v, BackupLabel label, Consumer<String> warnings) {
        if (!v.unsettled().isEmpty()) {
            warnings.accept("transaction(s) " + v.unsettled() + " had not ended in pg_xact"
                + (label != null ? " when the backup copied it" : " (prepared, or the cluster stopped uncleanly)")
                + ": their catalog changes are taken as not committed; if they committed, the WAL after "
                + Lsn.format(label != null ? label.startLsn() : 0) + " has them");
        }
        if (v.multixactUnknown() > 0) {
            warnings.accept(v.multixactUnknown() + " catalog row version(s) have a MultiXact xmax whose members were "
                + "not all written to pg_multixact: taken as not deleted");
        }
    }

    private static int major(PgDataFiles files) throws IOException {
        byte[] v = files.read("PG_VERSION");
        if (v == null) {
            throw new PgDataException(Kind.NOT_A_DATA_DIRECTORY, files.describe(), "no PG_VERSION");
        }
        String text = new String(v, StandardCharsets.US_ASCII).trim();
        try {
            int major = Integer.parseInt(text);
            if (major < 13 || major > 18) {
                throw new PgDataException(Kind.UNSUPPORTED, "PG_VERSION", "PostgreSQL " + text
                    + " is not supported (13 to 18)");
            }
            return major;
        } catch (NumberFormatException e) {
            throw new PgDataException(Kind.UNSUPPORTED, "PG_VERSION", "unknown version \"" + text + "\"");
        }
    }

    static byte[] required(PgDataFiles files, String path) throws IOException {
        byte[] b = files.read(path);
        if (b == null) {
            throw new PgDataException(Kind.NOT_A_DATA_DIRECTORY, files.describe(), "no " + path);
        }
        return b;
    }

    private static long mapped(Map<Long, Long> map, long oid, String file) {
        Long f = map.get(oid);
        if (f == null) {
            throw new PgDataException(Kind.CORRUPT, file, "does not map catalog " + oid);
        }
        return f;
    }

    /**
     * Where the database's files are: {@code base/OID}, or for a database created in another
     * tablespace {@code pg_tblspc/SPC/PG_major_catversion/OID} (the link to the tablespace's
     * location in a data directory, the tablespace's own tar beside a tar-format backup's).
     */
    private static String databaseDirectory(PgDataFiles files, DatabaseRow db, int major) throws IOException {
        if (db.tablespace() == DEFAULT_TABLESPACE) {
            return "base/" + db.oid();
        }
        String spc = "pg_tblspc/" + db.tablespace();
        String prefix = "PG_" + major + "_";
        for (String name : files.list(spc)) {
            if (name.startsWith(prefix)) {
                return spc + "/" + name + "/" + db.oid();
            }
        }
        throw new PgDataException(Kind.NOT_A_DATA_DIRECTORY, files.describe(), "database " + db.name()
            + " lives in tablespace " + db.tablespace() + ", but " + spc + " has no " + prefix
            + "* directory (a tar-format backup keeps it in " + db.tablespace() + ".tar beside base.tar)");
    }

    /** The OIDs of the catalogs read from a database's directory, as text. */
    private static final Set<String> CATALOG_OIDS = Set.of(Long.toString(PG_CLASS), Long.toString(PG_ATTRIBUTE),
        Long.toString(PG_TYPE), Long.toString(PG_NAMESPACE), Long.toString(PG_ENUM), Long.toString(PG_INDEX),
        Long.toString(PG_RANGE), Long.toString(PG_INHERITS));

    /**
     * Whether {@code path} is a file (or a further 1 GB segment) of a catalog read here, under the
     * name initdb gives it (its OID: a catalog keeps it unless rewritten, by VACUUM FULL say): kept in
     * the first read of a tar, for every database, so that the capture reads it through once, not once
     * more for the first database's pg_attribute and once for the chosen database's catalogs.
     */
    static boolean isInitialCatalogFile(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.indexOf('.');
        return CATALOG_OIDS.contains(dot < 0 ? name : name.substring(0, dot))
            && (dot < 0 || name.substring(dot + 1).matches("[0-9]{1,5}"));
    }

    private static List<Long> databaseDirectories(PgDataFiles files) throws IOException {
        List<Long> oids = new ArrayList<>();
        for (String n : files.list("base")) {
            if (n.matches("[0-9]{1,10}")) {
                oids.add(Long.parseLong(n));
            }
        }
        oids.sort(Long::compare);
        return oids;
    }
}
