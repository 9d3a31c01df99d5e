package dev.banger.net;

import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.ip.Ipv4Cidr;
import java.util.regex.Pattern;

/**
 * Validation of everything a caller hands the (root) net service. A bad value is
 * refused before any command runs, so bad input changes nothing.
 */
public final class NetInputs {
    /** VM ids are the orchestrator's: lowercase letters and digits, 1-32 of them. */
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");
    private static final Pattern NETNS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private NetInputs() {
    }

    public static String requireInterfaceName(String name, String what) {
        if (name == null || !IFNAME.matcher(name).matches()) {
            throw new InvalidArgumentException(what + " must be a network interface name (1-15 of A-Z a-z 0-9 _ . -),"
                    + " got '" + name + "'");
        }
        return name;
    }

    public static String requireNetnsName(String name) {
        if (name == null || !NETNS.matcher(name).matches()) {
            throw new InvalidArgumentException("banger.net.netns must be a namespace name (1-64 of A-Z a-z 0-9 _ . -),"
                    + " got '" + name + "'");
        }
        return name;
    }

    /** A guest address must be a host address of the bridge's subnet, not the bridge's own. */
    public static int requireGuestIp(String ip, Ipv4Cidr gateway) {
        int a = Ipv4Cidr.parseAddress(ip == null ? "" : ip);
        if (!gateway.hostInSubnet(a)) {
            throw new InvalidArgumentException("guest_ip " + ip + " is not a guest address of " + gateway);
        }
        return a;
    }
}
