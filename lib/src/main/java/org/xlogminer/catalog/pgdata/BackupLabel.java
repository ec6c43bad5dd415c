package org.xlogminer.catalog.pgdata;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.xlogminer.catalog.pgdata.PgDataException.Kind;
import org.xlogminer.wal.Lsn;

/**
 * The {@code backup_label} a base backup holds (written by {@code do_pg_backup_stop} /
 * {@code build_backup_content} in xlogbackup.c): where the WAL that makes the copy consistent
 * starts, on which timeline, and when. Lines of {@code KEY: value}:
 * {@code START WAL LOCATION: 0/2000028 (file 000000010000000000000002)},
 * {@code START TIMELINE: 1}, {@code START TIME: 2026-12-07 04:42:23 UTC}.
 *
 * @param startLsn      START WAL LOCATION: the REDO of the backup's checkpoint
 * @param startTimeline START TIMELINE
 * @param startTime     START TIME, or null when it does not parse
 */
public record BackupLabel(long startLsn, int startTimeline, Instant startTime) {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");

    /**
     * Reads the text of a backup_label.
     *
     * @throws PgDataException CORRUPT when START WAL LOCATION or START TIMELINE is missing or bad
     */
    public static BackupLabel parse(String text, String file) {
        String lsn = null;
        String timeline = null;
        String time = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("START WAL LOCATION: ")) {
                String rest = line.substring(20).strip(); // "0/2000028 (file 000000010000000000000002)"
                int space = rest.indexOf(' ');
                lsn = space < 0 ? rest : rest.substring(0, space);
            } else if (line.startsWith("START TIMELINE: ")) {
                timeline = line.substring(16).trim();
            } else if (line.startsWith("START TIME: ")) {
                time = line.substring(12).trim();
            }
        }
        if (lsn == null || timeline == null) {
            throw new PgDataException(Kind.CORRUPT, file, "no " + (lsn == null ? "START WAL LOCATION" : "START TIMELINE")
                + " line");
        }
        try {
            Instant at = null;
            if (time != null) {
                try {
                    at = ZonedDateTime.parse(time, TIME).toInstant();
                } catch (DateTimeParseException e) {
                    at = null;
                }
            }
            return new BackupLabel(Lsn.parse(lsn).value(), Integer.parseInt(timeline), at);
        } catch (IllegalArgumentException e) {
            throw new PgDataException(Kind.CORRUPT, file, "unreadable START WAL LOCATION or START TIMELINE: "
                + e.getMessage(), e);
        }
    }
}
