package dev.banger.cli.update;

import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A release's version, X.Y.Z with an optional pre-release tag; "v1.2.3" is read as 1.2.3. */
public record ReleaseVersion(int major, int minor, int patch, String pre) implements Comparable<ReleaseVersion> {
    private static final Pattern FORM = Pattern.compile("v?(\\d{1,6})\\.(\\d{1,6})\\.(\\d{1,6})(?:-([0-9A-Za-z.]{1,40}))?");

    public static ReleaseVersion parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new UserError(ErrorKind.BAD_REQUEST, "'" + text + "' is not a release version (X.Y.Z or vX.Y.Z)");
        }
        return new ReleaseVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), m.group(4) == null ? "" : m.group(4));
    }

    /** Without a pre-release tag: what `update` picks when no --to is given. */
    public boolean stable() {
        return pre.isEmpty();
    }

    @Override
    public int compareTo(ReleaseVersion o) {
        int c = Integer.compare(major, o.major);
        c = c != 0 ? c : Integer.compare(minor, o.minor);
        c = c != 0 ? c : Integer.compare(patch, o.patch);
        if (c != 0 || pre.equals(o.pre)) {
            return c;
        }
        return pre.isEmpty() ? 1 : o.pre.isEmpty() ? -1 : pre.compareTo(o.pre); // 1.0.0-rc.1 < 1.0.0
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (pre.isEmpty() ? "" : "-" + pre);
    }
}
