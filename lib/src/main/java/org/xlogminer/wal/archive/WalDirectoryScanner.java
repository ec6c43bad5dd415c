package org.xlogminer.wal.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Predicate;

import org.xlogminer.wal.WalFormatException;

/**
 * Finds the segment files of one {@code --wal-dir} and tells how each is stored. It reads the
 * directory and, below it, the layouts archivers use:
 * <ul>
 *   <li>a pg_wal directory or a flat archive: segments directly in it (its {@code archive_status}
 *       is passed over);
 *   <li>a Barman server's {@code wals/}: one sub-directory per first 16 digits of the names;
 *   <li>a pgBackRest stanza's archive, {@code <repo>/archive/<stanza>}: {@code <version>-<id>/<first
 *       16 digits>/<segment>-<sha1>[.ext]}.
 * </ul>
 * Timeline history files ({@link HistoryFile}) are found in the same places. Files whose names
 * are not those of segments ({@link SegmentFile}) or history files are skipped without a word; the
 * first bytes of the others decide their {@link Compression}.
 *
 * <p>Stateless; thread-safe.
 */
public final class WalDirectoryScanner {

    /** How an OpenSSL-encrypted file starts (its salt follows). */
    private static final byte[] ENCRYPTED = "Salted__".getBytes(StandardCharsets.US_ASCII);

    /** The directory itself, a Barman hash directory, a pgBackRest version directory and its hash directory. */
    private static final int MAX_DEPTH = 3;

    private WalDirectoryScanner() {
    }

    /** The segment files in and below {@code directory}, in no particular order. */
    public static List<SegmentFile> scan(Path directory) throws IOException {
        List<SegmentFile> found = new ArrayList<>();
        scan(directory, found, new ArrayList<>());
        return found;
    }

    /**
     * Adds the segment files and the history files in and below {@code directory}, in no particular
     * order. A pgBackRest repository (or its {@code archive/}) with one stanza, or a Barman home with
     * one server, is read as that stanza's archive or that server's directory.
     *
     * @throws WalFormatException when it is a repository of several stanzas or a home of several
     *                            servers (their clusters are not to be mixed), naming them
     */
    public static void scan(Path directory, List<SegmentFile> found, List<HistoryFile> histories) throws IOException {
        Path root = archiveOf(directory);
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), MAX_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return dir.getFileName() != null && dir.getFileName().toString().equals("archive_status")
                    ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (attrs.isRegularFile() && SegmentFile.isSegmentFileName(name)) {
                    found.add(SegmentFile.parse(file, compressionOf(file)));
                } else if (attrs.isRegularFile() && HistoryFile.isHistoryFileName(name)) {
                    histories.add(HistoryFile.parse(file, compressionOf(file)));
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Where the archive of one cluster is in {@code directory}: itself, or for a pgBackRest
     * repository or its {@code archive/} the one stanza's directory (which holds
     * {@code archive.info}), or for a Barman home the one server's directory (which holds
     * {@code wals/}).
     */
    private static Path archiveOf(Path directory) throws IOException {
        if (Files.exists(directory.resolve("archive.info")) || Files.isDirectory(directory.resolve("wals"))) {
            return directory;
        }
        for (Path archive : List.of(directory.resolve("archive"), directory)) {
            List<Path> stanzas = children(archive, d -> Files.exists(d.resolve("archive.info")));
            if (!stanzas.isEmpty()) {
                return one(directory, stanzas, "a pgBackRest repository of the stanzas", archive);
            }
        }
        List<Path> servers = children(directory, d -> Files.isDirectory(d.resolve("wals")));
        return servers.isEmpty() ? directory : one(directory, servers, "a Barman home of the servers", directory);
    }

    private static List<Path> children(Path dir, Predicate<Path> test) throws IOException {
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, Files::isDirectory)) {
                for (Path d : s) {
                    if (test.test(d)) {
                        out.add(d);
                    }
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static Path one(Path directory, List<Path> choices, String what, Path parent) {
        if (choices.size() == 1) {
            return choices.get(0);
        }
        throw new WalFormatException(directory + " is " + what + " " + choices.stream()
            .map(p -> p.getFileName().toString()).toList() + ": give --wal-dir " + parent
            + "/<name> of the cluster to mine", null, 0);
    }

    /**
     * The compression the file's first bytes show.
     *
     * @throws WalFormatException naming the file when it is encrypted: OpenSSL's {@code Salted__}
     *                            header, which a pgBackRest repository with a {@code repo1-cipher-type}
     *                            writes; without the passphrase it would be taken for a damaged segment
     */
    static Compression compressionOf(Path file) throws IOException {
        byte[] head = new byte[Compression.MAGIC_BYTES];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = SegmentInflater.readFully(in, head);
        }
        if (n >= ENCRYPTED.length && Arrays.equals(head, 0, ENCRYPTED.length, ENCRYPTED, 0, ENCRYPTED.length)) {
            throw new WalFormatException(file + " is encrypted (as a pgBackRest repository with repo1-cipher-type "
                + "writes it): it cannot be read without the passphrase; restore the segments with pgbackrest "
                + "archive-get into a directory and mine that", file.getFileName().toString(), 0);
        }
        return Compression.detect(head, n);
    }
}
