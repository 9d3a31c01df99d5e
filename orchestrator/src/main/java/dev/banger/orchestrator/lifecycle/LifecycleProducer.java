package dev.banger.orchestrator.lifecycle;

import dev.banger.common.testhook.StepPause;
import dev.banger.common.exec.ProcessRunner;
import dev.banger.common.ip.Ipv4Cidr;
import dev.banger.orchestrator.identity.HostIdentity;
import dev.banger.orchestrator.ssh.GuestSsh;
import dev.banger.orchestrator.ssh.KnownHosts;
import dev.banger.orchestrator.ssh.SshKeys;
import dev.banger.orchestrator.store.SnapshotStore;
import dev.banger.orchestrator.store.VmStore;
import dev.banger.orchestrator.system.InternalServices;
import dev.banger.orchestrator.vmm.Accel;
import dev.banger.orchestrator.vmm.HostTsc;
import dev.banger.orchestrator.vmm.FirecrackerKernels;
import dev.banger.orchestrator.vmm.FirecrackerVmm;
import dev.banger.orchestrator.vmm.QemuVmm;
import dev.banger.orchestrator.vmm.SharedRamDir;
import dev.banger.orchestrator.vmm.Vmms;
import dev.banger.orchestrator.workspace.WorkspaceStore;
import dev.banger.orchestrator.workspace.Workspaces;
import dev.banger.common.vmm.KvmSupport;
import java.nio.file.Files;
import java.util.Arrays;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Builds the lifecycle from configuration: VM-1's defaults live here, not in the CLI. */
@ApplicationScoped
public class LifecycleProducer {
    @ConfigProperty(name = "banger.state-dir")
    Path stateDir;
    @ConfigProperty(name = "banger.net.gateway", defaultValue = "172.16.0.1/24")
    String gateway;
    @ConfigProperty(name = "banger.vm.vcpu", defaultValue = "2")
    int vcpu;
    @ConfigProperty(name = "banger.vm.memory-mib", defaultValue = "2048")
    int memoryMib;
    @ConfigProperty(name = "banger.vm.disk-bytes", defaultValue = "8589934592")
    long diskBytes;
    @ConfigProperty(name = "banger.vm.overlay-bytes", defaultValue = "8589934592")
    long overlayBytes;
    @ConfigProperty(name = "banger.vm.image", defaultValue = "default")
    String image;
    @ConfigProperty(name = "banger.vmm.accel", defaultValue = "auto")
    String accel;
    /** auto, firecracker or qemu (VmmChoice). */
    @ConfigProperty(name = "banger.vmm", defaultValue = "auto")
    String vmm;
    @ConfigProperty(name = "banger.vmm.firecracker-binary", defaultValue = "firecracker")
    String firecrackerBinary;
    /** Crash tests only: VERB:STEP where a verb waits to be killed (StepPause). */
    @ConfigProperty(name = "banger.test.pause-at")
    Optional<String> pauseAt;
    @ConfigProperty(name = "banger.test.pause-marker")
    Optional<Path> pauseMarker;

    @Produces
    @ApplicationScoped
    VmLifecycle lifecycle(VmStore store, InternalServices internal, SshKeys keys, KnownHosts known, GuestSsh ssh,
            SnapshotStore snapshots) {
        Path state = stateDir.toAbsolutePath();
        Vmms vmms = new Vmms(vmm, onPath(firecrackerBinary), KvmSupport.detect(), new FirecrackerKernels(),
                new QemuVmm(Accel.choose(accel), List.of(), HostTsc.detect(), new ProcessRunner(),
                        SharedRamDir.forState(state, dev.banger.common.rpc.ServiceHost.currentUid())),
                new FirecrackerVmm(firecrackerBinary, List.of()));
        VmLifecycle lifecycle = new VmLifecycle(store, new GrpcInfra(internal), vmms,
                ssh, keys, known, Ipv4Cidr.parse(gateway), state.resolve("vms"),
                new VmLifecycle.Defaults(vcpu, memoryMib, diskBytes, overlayBytes, image),
                new HostIdentity(new ProcessRunner(), home()), snapshots,
                new SnapshotFiles(state.resolve("snapshots"), new ProcessRunner()));
        lifecycle.pauseAt(StepPause.configured(pauseAt, pauseMarker, StepPause.markerIn(state)));
        return lifecycle;
    }

    /** $HOME, as the user's own tools see it; Java's user.home comes from the passwd entry instead. */
    static Path home() {
        String home = System.getenv("HOME");
        return Path.of(home == null || home.isEmpty() ? System.getProperty("user.home") : home);
    }

    static boolean onPath(String command) {
        if (command.contains("/")) {
            return Files.isExecutable(Path.of(command));
        }
        return Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, command)));
    }

    @Produces
    @ApplicationScoped
    KnownHosts knownHosts(SshKeys keys) {
        return new KnownHosts(keys.knownHosts());
    }

    @Produces
    @ApplicationScoped
    GuestSsh guestSsh(SshKeys keys, KnownHosts known) {
        return new GuestSsh(keys, known);
    }

    @Produces
    @ApplicationScoped
    Workspaces workspaces(GuestSsh ssh, WorkspaceStore store) {
        return new Workspaces(new ProcessRunner(), ssh, store);
    }

    @Produces
    @ApplicationScoped
    SshKeys sshKeys() {
        return new SshKeys(stateDir.toAbsolutePath(), new ProcessRunner());
    }
}
