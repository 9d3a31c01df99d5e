package dev.banger.net.link;

/** One network interface as `ip -d -j link show` reports it. */
public record Link(String name, String kind, String master, String alias, boolean up, boolean isolated,
        String tapOwner) {
}
