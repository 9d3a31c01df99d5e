package dev.banger.net.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON that iproute2 (`ip -j`) and nftables (`nft -j`) print, read back: the kernel
 * is the net service's record. Also how a name goes into an nft argv.
 */
public final class ToolJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolJson() {
    }

    /** Output of `ip -j ...`: an array (empty output is an empty array). */
    public static JsonNode ip(String output) {
        return parse(output.isBlank() ? "[]" : output, "iproute2");
    }

    /** The items of `nft -j list ...` output. */
    public static JsonNode nftItems(String output) {
        return parse(output, "nft").path("nftables");
    }

    /** A name or comment as one nft token (interface names and tags hold no quotes: inputs are checked). */
    public static String quoted(String s) {
        return "\"" + s + "\"";
    }

    private static JsonNode parse(String json, String tool) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + tool + " output", e);
        }
    }
}
