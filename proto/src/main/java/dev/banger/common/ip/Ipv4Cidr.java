package dev.banger.common.ip;

import dev.banger.common.errors.InvalidArgumentException;

/** An IPv4 address with its prefix length, e.g. 172.16.0.1/24. */
public record Ipv4Cidr(int address, int prefix) {

    public static Ipv4Cidr parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new InvalidArgumentException("expected ADDRESS/PREFIX, got '" + cidr + "'");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("bad prefix length in '" + cidr + "'");
        }
        if (prefix < 8 || prefix > 30) {
            throw new InvalidArgumentException("prefix length must be 8..30, got " + prefix);
        }
        return new Ipv4Cidr(parseAddress(cidr.substring(0, slash)), prefix);
    }

    /** Strict dotted quad: four decimal parts 0..255, no leading zeros, nothing else. */
    public static int parseAddress(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw new InvalidArgumentException("not an IPv4 address: '" + s + "'");
        }
        int value = 0;
        for (String p : parts) {
            if (!p.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(p) > 255) {
                throw new InvalidArgumentException("not an IPv4 address: '" + s + "'");
            }
            value = (value << 8) | Integer.parseInt(p);
        }
        return value;
    }

    public static String format(int a) {
        return ((a >>> 24) & 255) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
    }

    public int mask() {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** Whether ip is a usable host address of this subnet other than this address itself. */
    public boolean hostInSubnet(int ip) {
        int network = address & mask();
        int broadcast = network | ~mask();
        return (ip & mask()) == network && ip != network && ip != broadcast && ip != address;
    }

    /**
     * The lowest guest address of this subnet not in used: the gateway, the network and
     * broadcast addresses are never handed out. Empty when the subnet is full.
     */
    public java.util.Optional<String> firstFree(java.util.Set<String> used) {
        int network = address & mask();
        int broadcast = network | ~mask();
        for (int a = network + 1; a < broadcast; a++) {
            if (a != address && !used.contains(format(a))) {
                return java.util.Optional.of(format(a));
            }
        }
        return java.util.Optional.empty();
    }

    public String addressText() {
        return format(address);
    }

    @Override
    public String toString() {
        return format(address) + "/" + prefix;
    }
}
