package org.xlogminer.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.xlogminer.catalog.CatalogJson;
import org.xlogminer.catalog.CatalogSnapshot;
import org.xlogminer.catalog.ColumnInfo;
import org.xlogminer.catalog.TableInfo;
import org.xlogminer.catalog.TypeInfo;
import org.xlogminer.decode.HeapRecordDecoder;
import org.xlogminer.decode.TupleRef;
import org.xlogminer.tuple.DeformedTuple;
import org.xlogminer.wal.WalVersion;
import org.xlogminer.wal.reader.BlockImages;
import org.xlogminer.wal.reader.MemorySegmentSource;
import org.xlogminer.wal.reader.WalReader;
import org.xlogminer.wal.reader.XLogRecordView;

/**
 * Writes the seed inputs of the fuzz targets from the real WAL and catalogs of {@code testdata/}
 * (cut to a few pages, records, pages and datums) into {@code src/test/resources}. Run from the
 * repository root once, when a target or testdata changes:
 *
 * <pre>
 * mvn -B -ntp -o -q -pl fuzz -am test-compile
 * java -cp "$(cat fuzz/target/classpath.txt):fuzz/target/test-classes" org.xlogminer.fuzz.SeedCorpus
 * </pre>
 *
 * (bench/fuzz.sh writes the class path file). Needs the gzip, bzip2, xz, lz4 and zstd tools.
 */
public final class SeedCorpus {

    private static final Path RESOURCES = Path.of("fuzz/src/test/resources/org/xlogminer");
    private static final String[] WAL = {"testdata/pg15-accounts-update", "testdata/pg15-accident-replica"};
    private static final int PAGE = 8192;

    private SeedCorpus() {
    }

    public static void main(String[] args) throws Exception {
        segments();
        records();
        compressed();
        names();
        catalogs();
        miner();
    }

    private static Path inputs(String pkg, String target, String method) throws IOException {
        Path dir = RESOURCES.resolve(pkg).resolve(target + "Inputs").resolve(method);
        Files.createDirectories(dir);
        return dir;
    }

    private static void write(Path dir, String name, byte[] bytes) throws IOException {
        Files.write(dir.resolve(name), bytes);
    }

    private static byte[] segment(String testdata) throws IOException {
        return Files.readAllBytes(Path.of(testdata, "pg_wal", "000000010000000000000006"));
    }

    /** The first 2, 4 and 8 pages of each real segment. */
    private static void segments() throws IOException {
        for (String method : new String[] {"segment", "segmentWithoutCrc"}) {
            Path dir = inputs("wal/reader", "WalSegmentFuzzTest", method);
            for (String wal : WAL) {
                byte[] seg = segment(wal);
                for (int pages : new int[] {2, 4, 8}) {
                    write(dir, "seed-" + Path.of(wal).getFileName() + "-" + pages + "-pages", Arrays.copyOf(seg, pages * PAGE));
                }
            }
        }
    }

    /**
     * Records: the first two of each resource manager and type, the first ten with images; the
     * pages of the user tables restored from images; the datums of their logged tuples.
     */
    private static void records() throws IOException {
        Path recordDir = inputs("wal/reader", "WalRecordFuzzTest", "record");
        Path pageDir = inputs("page", "HeapPageFuzzTest", "page");
        Path datumDir = inputs("types", "DatumFuzzTest", "format");
        FuzzCatalog catalog = FuzzCatalog.get();
        List<Long> types = org.xlogminer.types.DatumFuzzSeeds.types();
        Map<String, Integer> perType = new LinkedHashMap<>();
        Set<String> datums = new HashSet<>();
        BlockImages images = new BlockImages();
        HeapRecordDecoder heap = new HeapRecordDecoder();
        byte[] page = new byte[PAGE];
        int withImages = 0;
        int pages = 0;
        for (String wal : WAL) {
            // the targets' catalog is that of pg15-accident-replica: its tables' tuples only from its WAL
            boolean fromCatalog = wal.endsWith("accident-replica");
            MemorySegmentSource source = MemorySegmentSource.load(Path.of(wal, "pg_wal"));
            try (WalReader reader = WalReader.builder(source).build()) {
                XLogRecordView r;
                while ((r = reader.next()) != null) {
                    boolean image = false;
                    for (int i = 0; i < r.blockCount(); i++) {
                        image |= r.hasImage(i);
                        int t = fromCatalog ? tableIndex(catalog, r.relNumber(i)) : -1;
                        if (r.hasImage(i) && t >= 0 && pages < 12) {
                            images.restore(r, i, page);
                            byte[] in = new byte[1 + PAGE];
                            in[0] = (byte) t;
                            System.arraycopy(page, 0, in, 1, PAGE);
                            write(pageDir, "seed-page-" + Long.toHexString(r.lsn()) + "-" + i, in);
                            pages++;
                        }
                    }
                    String kind = r.rmid() + "-" + r.info();
                    int seen = perType.merge(kind, 1, Integer::sum);
                    if (seen <= 2 || image && withImages++ < 10) {
                        byte[] copy = r.copyBytes();
                        byte[] in = new byte[1 + copy.length];
                        in[0] = (byte) WalVersion.PG15.ordinal();
                        System.arraycopy(copy, 0, in, 1, copy.length);
                        write(recordDir, "seed-" + Long.toHexString(r.lsn()), in);
                    }
                    if (fromCatalog && heap.wrap(r) && heap.newBlockIndex() >= 0) {
                        int t = tableIndex(catalog, r.relNumber(heap.newBlockIndex()));
                        if (fromCatalog && t >= 0) {
                            datums(catalog.tables().get(t), heap, types, datums, datumDir);
                        }
                    }
                }
            }
        }
    }

    private static int tableIndex(FuzzCatalog catalog, long relfilenode) {
        for (int t = 0; t < catalog.tables().size(); t++) {
            if (catalog.tables().get(t).info().relfilenode() == relfilenode) {
                return t;
            }
        }
        return -1;
    }

    private static void datums(FuzzCatalog.Table table, HeapRecordDecoder heap, List<Long> types, Set<String> seen,
                               Path dir) throws IOException {
        if (heap.op() == HeapRecordDecoder.Op.MULTI_INSERT) {
            while (heap.nextTuple()) {
                datums(table, heap.newTuple(), types, seen, dir);
            }
        } else if (heap.prefixLength() == 0 && heap.suffixLength() == 0) { // else: not a whole tuple
            datums(table, heap.newTuple(), types, seen, dir);
        }
    }

    private static void datums(FuzzCatalog.Table table, TupleRef ref, List<Long> types, Set<String> seen, Path dir)
            throws IOException {
        if (!ref.present()) {
            return;
        }
        DeformedTuple d = table.deformer().deform(ref.buffer(), ref.offset(), ref.length(), ref.infomask2(),
            ref.infomask(), ref.hoff());
        for (int i = 0; i < d.columnCount(); i++) {
            if (!d.isPresent(i) || d.attlen(i) == -1 && !d.isInlineUncompressed(i)) {
                continue;
            }
            ColumnInfo c = table.info().columns().get(i);
            int index = types.indexOf(c.typeOid());
            byte[] in = new byte[2 + d.payloadLength(i)];
            in[0] = (byte) (index >> 8);
            in[1] = (byte) index;
            d.buffer().get(d.payloadOffset(i), in, 2, d.payloadLength(i));
            if (seen.size() < 40 && seen.add(HexFormat.of().formatHex(in))) {
                write(dir, "seed-" + c.name() + "-" + seen.size(), in);
            }
        }
    }

    /**
     * The mining target's WAL: the first 0/638000 bytes of the accident-replica segment (to the end
     * of its accident); its seed: the three pages the input replaces.
     */
    private static void miner() throws IOException {
        byte[] head = Arrays.copyOf(segment(WAL[1]), org.xlogminer.mine.MinerFuzzSeeds.AT + org.xlogminer.mine.MinerFuzzSeeds.ROOM);
        Files.write(RESOURCES.resolve("fuzz/accident-replica-head.wal"), head);
        write(inputs("mine", "MinerFuzzTest", "mine"), "seed-accident-pages",
            Arrays.copyOfRange(head, org.xlogminer.mine.MinerFuzzSeeds.AT, head.length));
    }

    /** The first page of a real segment, plain and as each compression tool writes it. */
    private static void compressed() throws IOException, InterruptedException {
        Path dir = inputs("wal/archive", "CompressedSegmentFuzzTest", "inflate");
        byte[] plain = Arrays.copyOf(segment(WAL[0]), PAGE);
        write(dir, "seed-plain", plain);
        Path tmp = Files.createTempFile("xlogminer-seed", "");
        Files.write(tmp, plain);
        Map<String, List<String>> tools = new LinkedHashMap<>();
        tools.put("gzip", List.of("gzip", "-c"));
        tools.put("bzip2", List.of("bzip2", "-c"));
        tools.put("xz", List.of("xz", "-c"));
        tools.put("lz4", List.of("lz4", "-c", "-q"));
        tools.put("lz4-linked", List.of("lz4", "-BD", "-c", "-q"));
        tools.put("zstd", List.of("zstd", "-c", "-q"));
        for (Map.Entry<String, List<String>> t : tools.entrySet()) {
            List<String> cmd = new ArrayList<>(t.getValue());
            cmd.add(tmp.toString());
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new IOException(cmd + " failed");
            }
            write(dir, "seed-" + t.getKey(), out);
        }
        Files.delete(tmp);
    }

    /** File names of the layouts the scanner reads, and files it skips, each with its first bytes. */
    private static void names() throws IOException, NoSuchAlgorithmException {
        Path dir = inputs("wal/archive", "SegmentFileNameFuzzTest", "scan");
        byte[] seg = segment(WAL[0]);
        String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(seg));
        byte[] head = Arrays.copyOf(seg, 16);
        Path compressed = RESOURCES.resolve("wal/archive/CompressedSegmentFuzzTestInputs/inflate");
        byte[] gz = Arrays.copyOf(Files.readAllBytes(compressed.resolve("seed-gzip")), 16);
        byte[] zst = Arrays.copyOf(Files.readAllBytes(compressed.resolve("seed-zstd")), 16);
        byte[] lz4 = Arrays.copyOf(Files.readAllBytes(compressed.resolve("seed-lz4")), 16);
        String seg6 = "000000010000000000000006";
        Map<String, byte[]> names = new LinkedHashMap<>();
        names.put(seg6, head);
        names.put(seg6 + ".partial", head);
        names.put(seg6 + ".gz", gz);
        names.put("0000000100000000/" + seg6 + ".zst", zst);
        names.put("15-1/0000000100000000/" + seg6 + "-" + sha1 + ".lz4", lz4);
        names.put("15-1/0000000100000000/" + seg6 + "-" + sha1, head);
        names.put(seg6 + ".00000028.backup", "START WAL LOCATION: 0/6000028".getBytes(StandardCharsets.US_ASCII));
        names.put("00000002.history", "1\t0/6000100\tno recovery target specified\n".getBytes(StandardCharsets.US_ASCII));
        names.put("archive_status/" + seg6 + ".done", new byte[0]);
        int n = 0;
        for (Map.Entry<String, byte[]> e : names.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] in = new byte[name.length + 1 + e.getValue().length];
            System.arraycopy(name, 0, in, 0, name.length);
            System.arraycopy(e.getValue(), 0, in, name.length + 1, e.getValue().length);
            write(dir, "seed-" + (++n), in);
        }
    }

    /**
     * The real catalogs, whole, and cut to the user tables and the types they use (written by
     * {@link CatalogJson}, so still a catalog): a small seed the fuzzer mutates quickly.
     */
    private static void catalogs() throws IOException {
        Path dir = inputs("catalog", "CatalogJsonFuzzTest", "read");
        for (String wal : WAL) {
            Path file = Path.of(wal, "catalog.json");
            write(dir, "seed-" + Path.of(wal).getFileName(), Files.readAllBytes(file));
            CatalogSnapshot s = CatalogJson.read(file);
            List<TableInfo> tables = s.tables().stream().filter(t -> t.schema().equals("public")).toList();
            Map<Long, TypeInfo> types = new LinkedHashMap<>();
            for (TableInfo t : tables) {
                for (ColumnInfo c : t.columns()) {
                    TypeInfo ti = s.types().get(c.typeOid());
                    if (ti != null) {
                        types.put(ti.oid(), ti);
                    }
                }
            }
            CatalogSnapshot cut = new CatalogSnapshot(s.systemIdentifier(), s.serverVersionNum(), s.serverVersion(),
                s.databaseOid(), s.databaseName(), s.defaultTablespace(), s.timeline(), s.captureLsn(), s.capturedAt(),
                tables, types, s.namespaces());
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            CatalogJson.write(cut, out);
            write(dir, "seed-" + Path.of(wal).getFileName() + "-user-tables", out.toByteArray());
        }
    }
}
