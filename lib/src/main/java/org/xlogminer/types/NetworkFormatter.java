package org.xlogminer.types;

import java.nio.ByteBuffer;

import org.xlogminer.tuple.TupleFormatException;

/**
 * {@code inet}, {@code cidr} ({@code inet_struct} of {@code utils/inet.h} after the varlena header:
 * family u8 (2 = PGSQL_AF_INET, 3 = PGSQL_AF_INET6), bits u8, then 4 or 16 address bytes), and
 * {@code macaddr} (6 bytes), {@code macaddr8} (8 bytes).
 *
 * <p>Text as {@code network_out()} / {@code pg_inet_net_ntop()}: IPv4 as four decimal octets; IPv6 as
 * lower-case hex groups with the longest run (of at least two, first one on ties) of zero groups
 * written {@code ::}, and an IPv4 tail for {@code ::a.b.c.d} and {@code ::ffff:a.b.c.d}; then
 * {@code /bits} unless bits is the full width, except that cidr always shows it. MAC addresses as
 * {@code 08:00:2b:01:02:03}.
 */
final class NetworkFormatter extends TypeFormatter {

    enum Kind { INET, CIDR, MACADDR, MACADDR8 }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final Kind kind;

    NetworkFormatter(String castType, Kind kind) {
        super(castType);
        this.kind = kind;
    }

    @Override
    public void appendText(StringBuilder out, ByteBuffer buf, int off, int len) {
        if (kind == Kind.MACADDR || kind == Kind.MACADDR8) {
            int n = kind == Kind.MACADDR ? 6 : 8;
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    out.append(':');
                }
                int b = buf.get(off + i) & 0xFF;
                out.append(HEX[b >> 4]).append(HEX[b & 0xF]);
            }
            return;
        }
        int family = len < 2 ? -1 : buf.get(off) & 0xFF;
        if (len < 2 + (family == 2 ? 4 : 16)) { // family, bits, then 4 (IPv4) or 16 (IPv6) address bytes
            throw new TupleFormatException("inet/cidr datum of " + len + " bytes is too short for family " + family
                + " offset=" + off);
        }
        int bits = buf.get(off + 1) & 0xFF;
        int addr = off + 2;
        int width;
        if (family == 2) {
            width = 32;
            for (int i = 0; i < 4; i++) {
                if (i > 0) {
                    out.append('.');
                }
                out.append(buf.get(addr + i) & 0xFF);
            }
        } else {
            width = 128;
            appendIpv6(out, buf, addr);
        }
        if (bits != width || kind == Kind.CIDR) {
            out.append('/').append(bits);
        }
    }

    private static void appendIpv6(StringBuilder out, ByteBuffer buf, int addr) {
        int bestBase = -1;
        int bestLen = 0;
        int curBase = -1;
        int curLen = 0;
        for (int i = 0; i < 8; i++) {
            if (word(buf, addr, i) == 0) {
                if (curBase == -1) {
                    curBase = i;
                    curLen = 1;
                } else {
                    curLen++;
                }
            } else if (curBase != -1) {
                if (bestBase == -1 || curLen > bestLen) {
                    bestBase = curBase;
                    bestLen = curLen;
                }
                curBase = -1;
            }
        }
        if (curBase != -1 && (bestBase == -1 || curLen > bestLen)) {
            bestBase = curBase;
            bestLen = curLen;
        }
        if (bestBase != -1 && bestLen < 2) {
            bestBase = -1;
        }
        for (int i = 0; i < 8; i++) {
            if (bestBase != -1 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    out.append(':');
                }
                continue;
            }
            if (i != 0) {
                out.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || bestLen == 7 && word(buf, addr, 7) != 0x0001
                    || bestLen == 5 && word(buf, addr, 5) == 0xffff)) {
                for (int k = 12; k < 16; k++) {
                    if (k > 12) {
                        out.append('.');
                    }
                    out.append(buf.get(addr + k) & 0xFF);
                }
                return;
            }
            int w = word(buf, addr, i);
            boolean started = false;
            for (int shift = 12; shift >= 0; shift -= 4) {
                int nib = (w >> shift) & 0xF;
                if (nib != 0 || started || shift == 0) {
                    out.append(HEX[nib]);
                    started = true;
                }
            }
        }
        if (bestBase != -1 && bestBase + bestLen == 8) {
            out.append(':');
        }
    }

    private static int word(ByteBuffer buf, int addr, int i) {
        return ((buf.get(addr + 2 * i) & 0xFF) << 8) | (buf.get(addr + 2 * i + 1) & 0xFF);
    }

    @Override
    boolean outputMayContainQuote() {
        return false;
    }
}
