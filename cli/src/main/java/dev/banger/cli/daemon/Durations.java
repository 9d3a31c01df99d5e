package dev.banger.cli.daemon;

import java.time.Duration;

/** Short human durations for tables: 45s, 3m12s, 5h02m, 2d3h. */
public final class Durations {
    private Durations() {
    }

    /** 90s, 30m, 2h, 1d (a number and one unit); what names the flag in the error. */
    public static Duration parse(String text, String what) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,6})([smhd])").matcher(text.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new dev.banger.cli.output.UserError(dev.banger.cli.output.ErrorKind.BAD_REQUEST, what
                    + " must be a duration like 90s, 30m, 2h or 1d, got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    public static String human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        }
        if (s < 86400) {
            return (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
        }
        return (s / 86400) + "d" + ((s % 86400) / 3600) + "h";
    }
}
