package dev.banger.image.build;

import dev.banger.common.fs.Sha256;
import dev.banger.common.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a Debian image is built from (IMG-2): a suite, packages and a mirror. Its
 * hash keys the cached base tree, so the same recipe bootstraps once per machine.
 */
public record Recipe(String suite, List<String> packages, String mirror) {
    /** What every banger image has: systemd (with dbus + logind, or the guest ignores the power button), sshd,
     * networking tools, git and curl, the guest agent's JRE, the kernel, busybox (the initramfs and the lean
     * boot's init) and socat (the agent's vsock relay under Firecracker). */
    public static final List<String> BASE_PACKAGES = List.of("systemd-sysv", "udev", "dbus", "libpam-systemd",
            "openssh-server", "iproute2", "ca-certificates", "curl", "git", "openjdk-17-jre-headless",
            "linux-image-cloud-amd64", "busybox-static", "socat");
    private static final Pattern SUITE = Pattern.compile("[a-z]{2,20}");
    private static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]{1,80}");
    private static final Pattern MIRROR = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?");

    /** Parses {@code debian:SUITE} plus extra packages; the mirror must be an http(s) URL. */
    public static Recipe of(String from, List<String> extraPackages, String mirror) {
        if (from == null || !from.startsWith("debian:") || !SUITE.matcher(from.substring(7)).matches()) {
            throw new InvalidArgumentException("--from must be debian:SUITE (e.g. debian:bookworm), got '" + from + "'");
        }
        for (String p : extraPackages) {
            if (!PACKAGE.matcher(p).matches()) {
                throw new InvalidArgumentException("not a Debian package name: '" + p + "'");
            }
        }
        if (mirror == null || !MIRROR.matcher(mirror).matches()) {
            throw new InvalidArgumentException("--mirror must be an http(s) URL, got '" + mirror + "'");
        }
        TreeSet<String> all = new TreeSet<>(BASE_PACKAGES);
        all.addAll(extraPackages);
        return new Recipe(from.substring(7), new ArrayList<>(all), mirror.replaceAll("/+$", ""));
    }

    /** Keys the cached mmdebstrap tree: only what changes its contents. */
    public String baseHash() {
        return Sha256.hex("banger-base-v1\n" + suite + "\n" + mirror + "\n" + String.join(",", packages));
    }

}
