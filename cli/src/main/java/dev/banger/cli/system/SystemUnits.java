package dev.banger.cli.system;

import dev.banger.cli.daemon.Service;
import dev.banger.cli.daemon.ServiceCommandLine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The systemd units of `system install` (OPS-3), from the same command lines dev mode
 * runs: the orchestrator and the image service as the owner; the net and storage
 * services as root, hardened, with only banger's paths writable and only the
 * capabilities their work needs (none loads kernel modules).
 */
public final class SystemUnits {
    /** What a unit needs to know about the host it is written for. */
    public record Host(Path java, String owner, int ownerUid, int ownerGid, Path current, SystemLayout layout,
            boolean kvmGroup) {
    }

    private SystemUnits() {
    }

    public static String name(Service s) {
        return "banger-" + s.shortName() + ".service";
    }

    public static String render(Service s, Host h) {
        Path jar = h.current().resolve(s.module()).resolve("quarkus-run.jar");
        // deploy/release names it guest-agent.jar, so the path stays right across updates.
        Optional<Path> agent = s == Service.IMAGE ? Optional.of(h.current().resolve("guest-agent/guest-agent.jar"))
                : Optional.empty();
        List<String> argv = new ArrayList<>();
        for (String a : ServiceCommandLine.command(s, h.java(), jar, h.layout().paths(), h.ownerUid(), List.of(),
                agent)) {
            // Under systemd, stdout is the journal.
            argv.add(a.startsWith("-Dbanger.log-file=") ? "-Dbanger.log-file=journal" : a);
        }
        StringBuilder u = new StringBuilder();
        u.append("# Written by banger system install; `banger system uninstall` removes it.\n");
        u.append("[Unit]\nDescription=").append(description(s)).append("\nAfter=network.target\n");
        if (s == Service.ORCHESTRATOR) {
            String others = List.of(Service.NET, Service.STORAGE, Service.IMAGE).stream().map(SystemUnits::name)
                    .collect(Collectors.joining(" "));
            u.append("Wants=").append(others).append("\nAfter=").append(others).append('\n');
        }
        u.append("\n[Service]\nType=simple\n");
        boolean root = s == Service.NET || s == Service.STORAGE;
        if (root) {
            // In the owner's group: /run/banger is the owner's (0770), and these keep no CAP_DAC_OVERRIDE to get in.
            u.append("User=root\nSupplementaryGroups=").append(h.ownerGid()).append('\n');
        } else {
            u.append("User=").append(h.owner()).append("\nGroup=").append(h.ownerGid()).append('\n');
        }
        u.append("ExecStart=").append(argv.stream().map(SystemUnits::quote).collect(Collectors.joining(" ")))
                .append('\n');
        u.append("Restart=on-failure\nRestartSec=2\n");
        u.append("# Settings come from /etc/banger/config.properties and the owner's config file.\n");
        if (s == Service.ORCHESTRATOR) {
            u.append("# The VMMs it starts are its children and outlive its restarts (VM-8): only the main\n")
                    .append("# process is signalled, and nothing left in the cgroup is killed.\n")
                    .append("KillMode=process\nSendSIGKILL=no\n");
        }
        u.append("NoNewPrivileges=yes\nPrivateTmp=yes\nProtectSystem=strict\nProtectControlGroups=yes\n")
                .append("RestrictSUIDSGID=yes\nLockPersonality=yes\n");
        u.append("ReadWritePaths=").append(h.layout().runDir()).append(' ').append(h.layout().stateDir())
                .append(' ').append(h.layout().cacheDir());
        if (s == Service.NET) {
            u.append(" /etc/hosts"); // the .vm names where no systemd-resolved runs (NET-4)
        }
        u.append('\n');
        if (s == Service.NET) {
            u.append("# The bridge, TAPs, isolation and NAT rules, ip_forward; the socket handed to the owner.\n")
                    .append("CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_CHOWN CAP_FOWNER\n")
                    .append("ProtectKernelModules=yes\n");
        } else if (s == Service.STORAGE) {
            u.append("# Loop devices; every file operation runs as the owner through setpriv (SEC-2).\n")
                    .append("CapabilityBoundingSet=CAP_SYS_ADMIN CAP_DAC_OVERRIDE CAP_CHOWN CAP_FOWNER CAP_SETUID")
                    .append(" CAP_SETGID\nProtectKernelModules=yes\n");
        } else {
            u.append("ProtectHome=read-only\nCapabilityBoundingSet=\n");
            if (s == Service.ORCHESTRATOR && h.kvmGroup()) {
                u.append("SupplementaryGroups=kvm\n"); // /dev/kvm for the VMMs it starts
            }
        }
        u.append("\n[Install]\nWantedBy=multi-user.target\n");
        return u.toString();
    }

    /** /run/banger: the owner's and its group's (the root services are in it), made at boot before any unit needs it. */
    public static String tmpfiles(Host h) {
        return "# Written by banger system install.\nd " + h.layout().runDir() + " 0770 " + h.owner() + " "
                + h.ownerGid() + " -\n";
    }

    private static String description(Service s) {
        return switch (s) {
            case NET -> "banger net-service (bridge, TAPs, isolation, NAT; root)";
            case STORAGE -> "banger storage-service (root and work disks; root)";
            case IMAGE -> "banger image-service (images and kernels)";
            case ORCHESTRATOR -> "banger orchestrator (VMs, DNS, the API the CLI talks to)";
        };
    }

    /** systemd's own quoting: an argument with a space or a quote in double quotes, escaped. */
    static String quote(String arg) {
        if (!arg.isEmpty() && arg.chars().noneMatch(c -> c == ' ' || c == '"' || c == '\'' || c == '\\' || c == '%'
                || c == '$' || c == ';')) {
            return arg;
        }
        return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%").replace("$", "$$") + "\"";
    }
}
