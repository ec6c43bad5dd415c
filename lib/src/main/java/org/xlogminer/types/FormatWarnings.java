package org.xlogminer.types;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Warnings raised while choosing formatters, one per type at most (a type xlogminer cannot decode,
 * an enum value without a label): the caller reads them and reports them where it reports
 * diagnostics. Nothing is logged. Thread-safe.
 */
public final class FormatWarnings {

    private final Map<Long, String> byType = new LinkedHashMap<>();

    /** Records {@code message} for {@code typeOid} unless that type already has a warning. */
    public synchronized void warnOnce(long typeOid, String message) {
        byType.putIfAbsent(typeOid, message);
    }

    /** True when a warning for this type was recorded. */
    public synchronized boolean has(long typeOid) {
        return byType.containsKey(typeOid);
    }

    /** The warnings in the order they were first raised. */
    public synchronized List<String> messages() {
        return new ArrayList<>(byType.values());
    }

    /** True when there is none. */
    public synchronized boolean isEmpty() {
        return byType.isEmpty();
    }

    @Override
    public synchronized String toString() {
        return byType.values().toString();
    }
}
