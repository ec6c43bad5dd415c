package org.xlogminer.testkit;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The servers this JVM started and has not closed yet, which a JVM shutdown hook closes (a test that
 * forgot to, or a JVM ended by SIGTERM or Ctrl-C). Servers of a JVM killed with SIGKILL are cleaned up
 * by {@link ServerDirectory} instead. Thread-safe.
 */
final class LiveServers {

    private static final System.Logger LOG = System.getLogger("org.xlogminer.testkit");
    private static final Set<PgServer> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOK_INSTALLED = new AtomicBoolean();

    private LiveServers() {
    }

    /** Adds {@code server}, installing the shutdown hook with the first one. */
    static void add(PgServer server) {
        if (HOOK_INSTALLED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(LiveServers::closeAll, "xlogminer-testkit-shutdown"));
        }
        LIVE.add(server);
    }

    /** Removes {@code server} (it closed). */
    static void remove(PgServer server) {
        LIVE.remove(server);
    }

    private static void closeAll() {
        for (PgServer s : List.copyOf(LIVE)) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot stop " + s + ": " + e);
            }
        }
    }
}
