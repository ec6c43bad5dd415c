package org.xlogminer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ScriptWriterTimeTest {

    private static final DateTimeFormatter PATTERN =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    @Test
    void commitTimesAreWrittenAsTheFormatterWritesThem() {
        SplittableRandom random = new SplittableRandom(42);
        long min = Instant.parse("0500-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(min, max + 1), random.nextInt(1_000_000_000));
            StringBuilder sb = new StringBuilder();
            ScriptWriter.appendTime(sb, t);
            assertEquals(PATTERN.format(t), sb.toString(), t.toString());
        }
        for (String s : new String[] {"2000-01-01T00:00:00Z", "1970-01-01T00:00:00.000001Z", "2026-11-21T23:59:59.999999999Z",
            "1999-12-31T23:59:59.5Z", "2024-02-29T12:00:00Z"}) {
            StringBuilder sb = new StringBuilder();
            ScriptWriter.appendTime(sb, Instant.parse(s));
            assertEquals(PATTERN.format(Instant.parse(s)), sb.toString());
        }
    }
}
