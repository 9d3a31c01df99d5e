package dev.banger.net.rpc;

import dev.banger.common.ip.Ipv4Cidr;
import dev.banger.common.exec.ProcessRunner;

import dev.banger.net.NetInputs;
import dev.banger.net.NetService;
import dev.banger.net.NetSettings;
import dev.banger.common.rpc.ServiceHost;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
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

    @Produces
    @ApplicationScoped
    NetService netService() {
        netns.ifPresent(NetInputs::requireNetnsName);
        NetSettings settings = new NetSettings(bridge, Ipv4Cidr.parse(gateway), poolSize,
                ownerUid.orElseGet(ServiceHost::currentUid), netns, natBackend);
        List<String> prefix = netns.map(ns -> List.of("ip", "netns", "exec", ns)).orElse(List.of());
        return new NetService(settings, new ProcessRunner(prefix));
    }

    void close(@Disposes NetService service) {
        service.close();
    }
}
