package dev.banger.image.build;

import dev.banger.common.fs.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Copies a base root tree (a tar) into the image's tar, adding banger's guest files
 * and making it fit to be copied many times: no SSH host keys (each VM generates its
 * own on first boot) and an empty /etc/machine-id (IMG-2).
 */
public final class GuestOverlay {
    /** Guest files, by path in the image, and whether they are executable. */
    public record GuestFile(String path, byte[] content, boolean executable) {
    }

    static final List<String> UNITS = List.of("banger-config.service", "banger-hostkeys.service",
            "banger-agent.service", "banger-control.service");
    static final List<String> RESOURCES = List.of("etc/fstab", "etc/inittab", "usr/local/sbin/banger-config",
            "usr/local/sbin/banger-init", "usr/local/sbin/banger-boot", "usr/local/sbin/banger-agent",
            "usr/local/sbin/banger-on-connect", "usr/local/sbin/banger-vsock-relay", "usr/local/sbin/banger-session",
            "usr/local/sbin/banger-control",
            "usr/local/sbin/poweroff", "etc/ssh/sshd_config.d/banger.conf",
            "etc/systemd/system/banger-config.service", "etc/systemd/system/banger-hostkeys.service",
            "etc/systemd/system/banger-agent.service", "etc/systemd/system/banger-control.service");

    private GuestOverlay() {
    }

    /** banger's guest files: the resources under guest/ and the agent jar. */
    public static List<GuestFile> guestFiles(Path agentJar) throws IOException {
        List<GuestFile> files = new java.util.ArrayList<>();
        for (String r : RESOURCES) {
            try (InputStream in = GuestOverlay.class.getResourceAsStream("/guest/" + r)) {
                if (in == null) {
                    throw new IllegalStateException("missing guest resource " + r);
                }
                files.add(new GuestFile(r, in.readAllBytes(), r.contains("/sbin/")));
            }
        }
        // One script for all three: it acts on the name it was called by.
        GuestFile poweroff = files.stream().filter(f -> f.path().endsWith("/poweroff")).findFirst().orElseThrow();
        files.add(new GuestFile("usr/local/sbin/reboot", poweroff.content(), true));
        files.add(new GuestFile("usr/local/sbin/halt", poweroff.content(), true));
        files.add(new GuestFile("opt/banger/guest-agent.jar", Files.readAllBytes(agentJar), false));
        return files;
    }

    /** A hash of the guest files: part of the image's recipe hash. */
    public static String hash(List<GuestFile> files) {
        StringBuilder s = new StringBuilder("banger-guest-v1\n");
        for (GuestFile f : files) {
            s.append(f.path()).append(' ').append(f.executable()).append(' ')
                    .append(Sha256.hex(new String(f.content(), StandardCharsets.ISO_8859_1))).append('\n');
        }
        return Sha256.hex(s.toString());
    }

    public static void write(Path baseTar, List<GuestFile> files, Path outTar) throws IOException {
        write(baseTar, files, List.of(), outTar);
    }

    /** The same, with the entries of each layer tar (a preset's npm tools) added at the end. */
    public static void write(Path baseTar, List<GuestFile> files, List<Path> layers, Path outTar) throws IOException {
        Map<String, GuestFile> replace = new LinkedHashMap<>();
        files.forEach(f -> replace.put(f.path(), f));
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(baseTar));
                OutputStream raw = Files.newOutputStream(outTar);
                TarArchiveOutputStream out = new TarArchiveOutputStream(raw, StandardCharsets.UTF_8.name())) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                String path = strip(e.getName());
                if (path.startsWith("etc/ssh/ssh_host_") || replace.containsKey(path)) {
                    continue;
                }
                if (path.equals("etc/machine-id")) {
                    // A new entry: the reader skips the old one's data by the old entry's size.
                    TarArchiveEntry empty = new TarArchiveEntry(e.getName());
                    empty.setMode(e.getMode());
                    empty.setIds((int) e.getLongUserId(), (int) e.getLongGroupId());
                    empty.setModTime(e.getModTime());
                    out.putArchiveEntry(empty);
                    out.closeArchiveEntry();
                    continue;
                }
                out.putArchiveEntry(e);
                if (e.isFile()) {
                    in.transferTo(out);
                }
                out.closeArchiveEntry();
            }
            directory(out, "opt/banger/");
            for (GuestFile f : files) {
                TarArchiveEntry e = new TarArchiveEntry("./" + f.path());
                e.setMode(f.executable() ? 0100755 : 0100644);
                e.setSize(f.content().length);
                e.setIds(0, 0);
                out.putArchiveEntry(e);
                out.write(f.content());
                out.closeArchiveEntry();
            }
            // systemctl enable, written out: multi-user.target wants each unit.
            for (String unit : UNITS) {
                TarArchiveEntry link = new TarArchiveEntry("./etc/systemd/system/multi-user.target.wants/" + unit,
                        TarConstants.LF_SYMLINK);
                link.setLinkName("/etc/systemd/system/" + unit);
                link.setIds(0, 0);
                out.putArchiveEntry(link);
                out.closeArchiveEntry();
            }
            for (Path layer : layers) {
                try (TarArchiveInputStream l = new TarArchiveInputStream(Files.newInputStream(layer))) {
                    for (TarArchiveEntry e = l.getNextEntry(); e != null; e = l.getNextEntry()) {
                        out.putArchiveEntry(e);
                        if (e.isFile()) {
                            l.transferTo(out);
                        }
                        out.closeArchiveEntry();
                    }
                }
            }
            out.finish();
        }
    }

    private static void directory(TarArchiveOutputStream out, String path) throws IOException {
        TarArchiveEntry d = new TarArchiveEntry("./" + path);
        d.setMode(040755);
        d.setIds(0, 0);
        out.putArchiveEntry(d);
        out.closeArchiveEntry();
    }

    static String strip(String name) {
        return name.startsWith("./") ? name.substring(2) : name;
    }
}
