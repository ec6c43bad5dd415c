package org.xlogminer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xlogminer.TestData;

/** The command-line contract: usage errors exit 2 with a message on stderr, data only on stdout. */
class MainTest {

    @TempDir
    Path tmp;

    @Test
    void aRunBuildsOnlyTheSubcommandItNamesAndHelpListsThemAll() {
        java.io.PrintWriter w = new java.io.PrintWriter(java.io.Writer.nullWriter());
        assertEquals(java.util.Set.of("stats"), Main.commandLine(CommandOutput.of(w), w, "stats").getSubcommands().keySet());
        assertEquals(java.util.Set.of("mine", "stats", "records", "catalog", "check-undo", "history", "follow", "index"),
            Main.commandLine(CommandOutput.of(w), w, "--help").getSubcommands().keySet());
        assertEquals(8, Main.commandLine(CommandOutput.of(w), w, "nope").getSubcommands().size());
        CliRun help = CliRun.of("--help");
        assertEquals(0, help.exitCode());
        assertEquals(java.util.List.of("mine", "stats", "records", "catalog", "check-undo", "history", "follow", "index"), CliRun.commandsListed(help.stdout()),
            help.stdout());
        CliRun typo = CliRun.of("stat");
        assertEquals(2, typo.exitCode());
    }

    @Test
    void noSubcommandPrintsUsageAndExits2() {
        CliRun run = CliRun.of();
        assertEquals(2, run.exitCode());
        assertEquals(java.util.List.of("mine", "stats", "records", "catalog", "check-undo", "history", "follow", "index"), CliRun.commandsListed(run.stderr()),
            run.stderr());
        assertTrue(run.stdout().isEmpty());
    }

    @Test
    void checkUndoNeedsADatabaseAndHistoryAKey() {
        CliRun check = CliRun.of("check-undo", "--wal-dir", tmp.toString(), "--catalog", "c.json");
        assertEquals(2, check.exitCode());
        assertTrue(check.stderr().contains("--jdbc-url"), check.stderr());
        CliRun history = CliRun.of("history", "--wal-dir", tmp.toString(), "--catalog", "c.json", "--table", "public.t");
        assertEquals(2, history.exitCode());
        assertTrue(history.stderr().contains("--key"), history.stderr());
        CliRun noValue = CliRun.of("history", "--wal-dir", tmp.toString(), "--catalog", "c.json", "--table", "public.t",
            "--key", "id");
        assertEquals(2, noValue.exitCode());
        assertTrue(noValue.stderr().contains("--key id: expected COLUMN=VALUE"), noValue.stderr());
    }

    @Test
    void badLsnIsAUsageError() {
        CliRun run = CliRun.of("records", "--wal-dir", tmp.toString(), "--from-lsn", "16/B374D84G");
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("not an LSN"), run.stderr());
    }

    @Test
    void missingWalDirIsAUsageError() {
        assertEquals(2, CliRun.of("records").exitCode());
        CliRun run = CliRun.of("records", "--wal-dir", tmp.resolve("nope").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("is not a directory"), run.stderr());
    }

    @Test
    void emptyDirectoryIsIncompleteWal() {
        CliRun run = CliRun.of("records", "--wal-dir", tmp.toString());
        assertEquals(3, run.exitCode());
        assertEquals(1, run.stderrLines().size(), run.stderr());
        assertTrue(run.stderr().startsWith("xlogminer: error: no WAL segment files in "), run.stderr());
    }

    @Test
    void readsTheShippedTestdata() throws Exception {
        Path wal = TestData.accountsUpdateWal();
        String[] range = Files.readAllLines(TestData.dir("pg15-accounts-update").resolve("range.txt")).stream()
            .map(l -> l.split(" ")[1]).toArray(String[]::new);
        CliRun run = CliRun.of("records", "--wal-dir", wal.toString(), "--from-lsn", range[0], "--to-lsn", range[1]);
        assertEquals(0, run.exitCode(), run.toString());
        long updates = run.stdoutLines().stream().map(l -> l.split(" "))
            .filter(f -> f[3].equals("Heap") && f[4].replace("+INIT", "").matches("(HOT_)?UPDATE")).count();
        assertEquals(50, updates, "one heap update per account");
        assertTrue(run.stdoutLines().get(run.stdoutLines().size() - 1).contains("Transaction COMMIT"));
    }

    @Test
    void anIndexThatIsNotOneIsAUsageError() throws Exception {
        Path wal = TestData.accountsUpdateWal();
        Path catalog = TestData.dir("pg15-accounts-update").resolve("catalog.json");
        Path notIndex = Files.writeString(tmp.resolve("index.jsonl"), "{\"something\":\"else\"}\n");
        for (Path index : java.util.List.of(notIndex, tmp.resolve("missing.jsonl"))) {
            CliRun run = CliRun.of("stats", "--wal-dir", wal.toString(), "--catalog", catalog.toString(),
                "--from-time", "2000-01-01 00:00:00", "--index", index.toString());
            assertEquals(2, run.exitCode(), run.toString());
            assertTrue(run.stderr().startsWith("--index") && run.stderr().contains(index.toString()), run.stderr());
        }
    }

    @Test
    void versionExits0() {
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.exitCode());
        assertTrue(run.stdout().startsWith("xlogminer "));
    }
}
