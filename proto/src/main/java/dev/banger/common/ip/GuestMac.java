package dev.banger.common.ip;

import dev.banger.common.errors.InvalidArgumentException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A VM's MAC address: stable, derived from its id, in QEMU's locally administered
 * 52:54:00 range. The VMM gives it to the guest and the net service allows only it
 * on the VM's TAP (SEC-3), so both take it from here.
 */
public final class GuestMac {
    private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");

    private GuestMac() {
    }

    public static String forVm(String vmId) {
        int h = vmId.hashCode();
        HexFormat hex = HexFormat.of();
        return "52:54:00:" + hex.toHexDigits((byte) (h >>> 16)) + ":" + hex.toHexDigits((byte) (h >>> 8)) + ":"
                + hex.toHexDigits((byte) h);
    }

    /** A unicast MAC in lowercase colon form, or an IllegalArgumentException. */
    public static String require(String mac) {
        if (mac == null || !MAC.matcher(mac).matches() || (Integer.parseInt(mac.substring(0, 2), 16) & 1) != 0) {
            throw new InvalidArgumentException("mac must be a unicast address like 52:54:00:12:34:56, got '" + mac + "'");
        }
        return mac;
    }
}
