package dev.banger.cli.system;

import dev.banger.cli.daemon.Service;
import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import dev.banger.cli.update.Installation;
import dev.banger.cli.update.SystemdServices;
import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.CommandRunner;
import dev.banger.common.fs.FileTrees;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * OPS-3: `system install` and `system uninstall`. Says what it writes and why; running it
 * again rewrites nothing that is already right. systemctl is only called when
 * {@code manage} is true (false: a root for packagers and tests, files only).
 */
public final class SystemInstaller {
    private static final Duration SYSTEMCTL = Duration.ofSeconds(120);
    private final SystemLayout layout;
    private final CommandRunner runner;
    private final boolean manage;
    private final PrintStream out;

    public SystemInstaller(SystemLayout layout, CommandRunner runner, boolean manage, PrintStream out) {
        this.layout = layout;
        this.runner = runner;
        this.manage = manage;
        this.out = out;
    }

    public void install(Installation installation, Owner owner, Path java) throws IOException {
        Path current = installation.lib().resolve("current");
        boolean kvm = runner.run(List.of("getent", "group", "kvm"), Duration.ofSeconds(10)).ok();
        SystemUnits.Host host = new SystemUnits.Host(java, owner.name(), owner.uid(), owner.gid(), current, layout, kvm);
        boolean changed = false;
        for (Service s : Service.values()) {
            changed |= write(layout.unit(SystemUnits.name(s)), SystemUnits.render(s, host), "rw-r--r--",
                    "the " + s.shortName() + " service's unit (" + (s == Service.NET || s == Service.STORAGE
                            ? "root, hardened" : "as " + owner.name()) + ")");
        }
        changed |= write(layout.tmpfiles(), SystemUnits.tmpfiles(host), "rw-r--r--",
                layout.runDir() + " for the sockets, made at every boot");
        for (Path dir : List.of(layout.stateDir(), layout.cacheDir())) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir);
                out.println("made " + dir + " (" + (dir.equals(layout.stateDir()) ? "VMs, disks, the store"
                        : "downloads and bootstrapped trees") + "), owned by " + owner.name());
            }
            own(dir, owner);
        }
        // The owner's services read /etc/banger/config.properties: the directory must let them in.
        Files.createDirectories(layout.etcDir());
        if (!PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.etcDir())).equals("rwxr-xr-x")) {
            Files.setPosixFilePermissions(layout.etcDir(), PosixFilePermissions.fromString("rwxr-xr-x"));
            out.println("made " + layout.etcDir() + " readable (0755): the services read its config.properties");
        }
        InstallRecord before = InstallRecord.read(layout.installRecord()).orElse(null);
        InstallRecord record = new InstallRecord(installation.current().toString(), owner.name(),
                before == null ? installation.lib().getParent().getParent().toString() : before.prefix(),
                installation.lib().toString(), Instant.now().toString(), owner.uid(), true);
        write(layout.installRecord(), record.json(), "rw-r--r--", "install metadata: version, owner, paths");
        if (!manage) {
            return;
        }
        systemctl("systemd-tmpfiles", "--create", layout.tmpfiles().toString());
        systemctl("systemctl", "daemon-reload");
        List<String> units = SystemdServices.UNITS;
        systemctl(concat(List.of("systemctl", "enable"), units));
        // Changed units take effect by a restart; unchanged running ones are left alone.
        systemctl(concat(List.of("systemctl", changed ? "restart" : "start"), units));
        new SystemdServices(runner, layout.unitDir(), layout.runDir().resolve("orchestrator.sock")).awaitUp(
                Instant.now().minusSeconds(changed ? 0 : 86_400 * 365));
        out.println("banger " + record.version() + " runs as system services for " + owner.name()
                + "; sockets in " + layout.runDir());
    }

    /** Removes units, binaries and metadata; keeps the state (VMs' disks) unless purge. */
    public void uninstall(java.util.Optional<Path> lib, java.util.Optional<Path> binLink, boolean purge)
            throws IOException {
        if (manage && layout.servicesInstalled()) {
            systemctl(concat(List.of("systemctl", "disable", "--now"), SystemdServices.UNITS));
        }
        for (Service s : Service.values()) {
            remove(layout.unit(SystemUnits.name(s)));
        }
        remove(layout.tmpfiles());
        if (manage) {
            systemctl("systemctl", "daemon-reload");
        }
        binLink.ifPresent(this::remove);
        lib.ifPresent(this::remove);
        remove(layout.installRecord());
        remove(layout.runDir());
        if (purge) {
            remove(layout.stateDir());
            remove(layout.cacheDir());
            remove(layout.etcDir());
        } else {
            out.println("kept " + layout.stateDir() + " (VMs' disks and the store; --purge removes them)");
        }
    }

    private boolean write(Path file, String content, String mode, String why) throws IOException {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.readString(file).equals(content)) {
            out.println("unchanged " + file);
            return false;
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".new");
        Files.deleteIfExists(tmp);
        Files.writeString(tmp, content);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        out.println("wrote " + file + " (" + why + ")");
        return true;
    }

    private void remove(Path p) {
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            FileTrees.deleteTree(p);
            out.println("removed " + p);
        }
    }

    private static void own(Path dir, Owner owner) throws IOException {
        Files.setAttribute(dir, "unix:uid", owner.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(dir, "unix:gid", owner.gid(), LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
    }

    private void systemctl(String... argv) {
        systemctl(Arrays.asList(argv));
    }

    private void systemctl(List<String> argv) {
        CommandResult r = runner.run(argv, SYSTEMCTL);
        if (!r.ok()) {
            throw new UserError(ErrorKind.FAILED_PRECONDITION, String.join(" ", argv) + " failed: "
                    + (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip());
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
