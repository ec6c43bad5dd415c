package org.xlogminer.cli;

import java.util.ArrayList;
import java.util.List;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT as a request to stop, for {@code follow}: the command finishes the transaction
 * it is writing, saves its state and exits 0, instead of the JVM's default of dying mid-write.
 * (Through {@code sun.misc.Signal}, in the JDK's jdk.unsupported module: a shutdown hook could not
 * let the command choose its exit code.)
 */
final class StopSignals {

    private StopSignals() {
    }

    /** Handles both signals with {@code stop}; returns what puts the previous handlers back. */
    static Runnable install(Runnable stop) {
        List<Signal> signals = new ArrayList<>();
        List<SignalHandler> previous = new ArrayList<>();
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal s = new Signal(name);
                previous.add(Signal.handle(s, sig -> stop.run()));
                signals.add(s);
            } catch (IllegalArgumentException e) {
                // not a signal on this platform, or the JVM keeps it (-Xrs): the default stays
            }
        }
        return () -> {
            for (int i = 0; i < signals.size(); i++) {
                Signal.handle(signals.get(i), previous.get(i));
            }
        };
    }
}
