package org.xlogminer.types;

import java.nio.ByteBuffer;

/**
 * Domains: stored and printed as their base type; the literal is the base type's output text quoted
 * and cast to the domain, so that the domain's constraints apply as on input.
 */
final class DomainFormatter extends TypeFormatter {

    private final ValueFormatter base;

    DomainFormatter(String castType, ValueFormatter base) {
        super(castType);
        this.base = base;
    }

    @Override
    public boolean threadSafe() {
        return base.threadSafe();
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        base.appendText(out, buf, off, len);
    }
}
