package org.xlogminer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import org.xlogminer.mine.Miner;

/**
 * A progress bar on stderr, in MB of WAL read, shown only when stderr is a terminal (so scripts and
 * redirected runs see nothing of it). Polls the miner's position from its own thread.
 */
final class Progress implements AutoCloseable {

    private final ProgressBar bar;
    private final ScheduledExecutorService poll;

    private Progress(ProgressBar bar, ScheduledExecutorService poll) {
        this.bar = bar;
        this.poll = poll;
    }

    /** A bar for the miner when stderr is a terminal, else a no-op. */
    static Progress of(Miner miner, String task) {
        if (!stderrIsTerminal()) {
            return new Progress(null, null);
        }
        long start = miner.startPosition();
        long total = Math.max(1, (miner.endPosition() - start) >> 20);
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" MB", 1)
            .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
            .setUpdateIntervalMillis(500).continuousUpdate().build();
        ScheduledExecutorService poll = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "xlogminer-progress");
            t.setDaemon(true);
            return t;
        });
        poll.scheduleAtFixedRate(() -> bar.stepTo(Math.min(total, (miner.position() - start) >> 20)), 0, 250,
            TimeUnit.MILLISECONDS);
        return new Progress(bar, poll);
    }

    /** On Linux: whether file descriptor 2 is a terminal device. */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/2"));
            String t = target.toString();
            return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (poll != null) {
            poll.shutdownNow();
            bar.stepTo(bar.getMax());
            bar.close();
        }
    }
}
