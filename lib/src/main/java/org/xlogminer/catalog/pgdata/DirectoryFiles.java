package org.xlogminer.catalog.pgdata;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A data directory on disk (symbolic links, as pg_tblspc's, followed). Files are read when asked for. */
final class DirectoryFiles implements PgDataFiles {

    private final Path root;

    DirectoryFiles(Path root) {
        this.root = root;
    }

    @Override
    public String describe() {
        return root.toString();
    }

    @Override
    public byte[] read(String path) throws IOException {
        Path p = root.resolve(path);
        if (!Files.isRegularFile(p)) {
            return null;
        }
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public List<String> list(String dir) throws IOException {
        Path d = dir.isEmpty() ? root : root.resolve(dir);
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(d)) {
            return names;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
            for (Path p : s) {
                names.add(p.getFileName().toString());
            }
        }
        Collections.sort(names);
        return names;
    }

    @Override
    public void close() {
    }
}
