package dev.banger.net.rpc;

import dev.banger.common.ip.Ipv4Cidr;
import dev.banger.common.exec.ProcessRunner;

import dev.banger.net.NetInputs;
import dev.banger.net.NetService;
import dev.banger.net.NetSettings;
import dev.banger.common.rpc.ServiceHost;
import dev.banger.common.testhook.StepPause;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import dev.banger.common.exec.CommandResult;
import dev.banger.net.names.HostNames;
import dev.banger.net.names.NameMethod;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Builds the NetService from configuration. */
@ApplicationScoped
public class NetServiceProducer {
    @ConfigProperty(name = "banger.net.bridge", defaultValue = "banger0")
    String bridge;
    @ConfigProperty(name = "banger.net.gateway", defaultValue = "172.16.0.1/24")
    String gateway;
    @ConfigProperty(name = "banger.net.tap-pool-size", defaultValue = "2")
    int poolSize;
    @ConfigProperty(name = "banger.owner-uid")
    Optional<Integer> ownerUid;
    /** Tests and the smoke harness run everything inside a namespace they created. */
    @ConfigProperty(name = "banger.net.netns")
    Optional<String> netns;
    /** auto (nftables if present, else iptables), nftables or iptables. */
    @ConfigProperty(name = "banger.net.nat", defaultValue = "auto")
    String natBackend;

    /** Crash tests only: net:STEP where a call waits to be killed (StepPause), and its marker file. */
    @ConfigProperty(name = "banger.test.pause-at")
    Optional<String> pauseAt;
    @ConfigProperty(name = "banger.test.pause-marker")
    Optional<Path> pauseMarker;

    /** auto, resolved, hosts-file or off: how the host learns NAME.vm (NET-4). */
    @ConfigProperty(name = "banger.net.names", defaultValue = "auto")
    String names;

    @Produces
    @ApplicationScoped
    HostNames hostNames() {
        ProcessRunner runner = runner();
        NameMethod method = HostNames.choose(NameMethod.fromLabel(names),
                Path.of("/run/systemd/resolve/io.systemd.Resolve"));
        // Started under `ip netns exec NS` (the smoke harness): that namespace's hosts file.
        Optional<String> ns = netns.isPresent() ? netns : currentNetns(runner);
        return new HostNames(method, bridge, Ipv4Cidr.parse(gateway), HostNames.hostsFileFor(ns), Path.of("/etc/hosts"),
                runner);
    }

    /** Every command of this service: inside the configured namespace when there is one. */
    private ProcessRunner runner() {
        return new ProcessRunner(netns.map(ns -> List.of("ip", "netns", "exec", ns)).orElse(List.of()));
    }

    private static Optional<String> currentNetns(ProcessRunner runner) {
        CommandResult r = runner.run(List.of("ip", "netns", "identify"));
        String name = r.ok() ? r.stdout().strip() : "";
        return name.isEmpty() || name.contains("\n") ? Optional.empty() : Optional.of(NetInputs.requireNetnsName(name));
    }

    @Produces
    @ApplicationScoped
    NetService netService() {
        netns.ifPresent(NetInputs::requireNetnsName);
        NetSettings settings = new NetSettings(bridge, Ipv4Cidr.parse(gateway), poolSize,
                ownerUid.orElseGet(ServiceHost::currentUid), netns, natBackend);
        NetService service = new NetService(settings, runner());
        service.pauseAt(StepPause.configured(pauseAt, pauseMarker));
        return service;
    }

    void close(@Disposes NetService service) {
        service.close();
    }
}
