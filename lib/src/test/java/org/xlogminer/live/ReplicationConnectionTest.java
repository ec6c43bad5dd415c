package org.xlogminer.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The replication connection's URL: the host an ordinary session chose, without targetServerType. */
class ReplicationConnectionTest {

    @Test
    void replacesTheHostListAndDropsTargetServerType() {
        assertEquals("jdbc:postgresql://10.0.0.2:5433/shop?user=a",
            ReplicationConnection.replaceHosts("jdbc:postgresql://h1:5432,h2:5433/shop?targetServerType=primary&user=a",
                "10.0.0.2", 5433));
        assertEquals("jdbc:postgresql://h2:5432/shop?user=a",
            ReplicationConnection.replaceHosts("jdbc:postgresql://h1,h2/shop?user=a&targetServerType=primary", "h2", 5432));
        assertEquals("jdbc:postgresql://h2:5432/shop",
            ReplicationConnection.replaceHosts("jdbc:postgresql://h1,h2/shop?targetServerType=primary", "h2", 5432));
        assertEquals("jdbc:postgresql://[::1]:5432/",
            ReplicationConnection.replaceHosts("jdbc:postgresql://h1,h2/", "::1", 5432));
    }
}
