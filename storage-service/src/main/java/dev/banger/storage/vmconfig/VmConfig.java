package dev.banger.storage.vmconfig;

import java.util.List;
import java.util.Map;

/** What a VM needs to know at boot (STO-2) and the host identity it inherits (STO-3). */
public record VmConfig(
        String vmId,
        String hostname,
        String guestIp,
        String gateway,
        int prefixLength,
        List<String> dnsServers,
        List<String> authorizedKeys,
        String agentToken,
        String gitUserName,
        String gitUserEmail,
        Map<String, byte[]> agentAuthFiles) {
}
