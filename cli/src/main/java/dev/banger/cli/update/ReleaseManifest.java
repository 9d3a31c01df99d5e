package dev.banger.cli.update;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The release manifest (deploy/release writes it): every version with its artifacts,
 * and the latest stable one. Not signed itself: what counts is each version's signed
 * SHA256SUMS, which must agree with the hashes listed here.
 *
 * <pre>
 * {"schema": 1, "latest": "1.2.0",
 *  "versions": {"1.2.0": {"published": "...", "artifacts": [{"name": "banger-1.2.0-linux-amd64.tar.gz",
 *                                                          "size": 123, "sha256": "..."}]}}}
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReleaseManifest(int schema, String latest, Map<String, Release> versions) {
    public static final String PLATFORM = "linux-amd64";

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Release(String published, List<Artifact> artifacts) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Artifact(String name, long size, String sha256) {
    }

    public static ReleaseManifest parse(byte[] json, String source) {
        ReleaseManifest m;
        try {
            m = new ObjectMapper().readValue(json, ReleaseManifest.class);
        } catch (IOException e) {
            throw new UserError(ErrorKind.FAILED_PRECONDITION, source + " is not a release manifest: " + e.getMessage());
        }
        if (m.schema != 1 || m.versions == null || m.latest == null) {
            throw new UserError(ErrorKind.FAILED_PRECONDITION, source + " is not a release manifest of schema 1");
        }
        return m;
    }

    public ReleaseVersion latestStable() {
        return ReleaseVersion.parse(latest);
    }

    /** The distribution tarball of a version, or a NOT_FOUND that lists what there is. */
    public Artifact distribution(ReleaseVersion v) {
        Release r = versions.get(v.toString());
        if (r == null) {
            throw new UserError(ErrorKind.NOT_FOUND, "there is no release " + v + " (releases: " + versions.keySet()
                    .stream().map(ReleaseVersion::parse).sorted().map(Object::toString).collect(Collectors.joining(", "))
                    + ")");
        }
        String name = archiveName(v);
        Optional<Artifact> a = r.artifacts() == null ? Optional.empty()
                : r.artifacts().stream().filter(x -> name.equals(x.name())).findFirst();
        return a.orElseThrow(() -> new UserError(ErrorKind.NOT_FOUND, "release " + v + " has no " + name));
    }

    public static String archiveName(ReleaseVersion v) {
        return "banger-" + v + "-" + PLATFORM + ".tar.gz";
    }
}
