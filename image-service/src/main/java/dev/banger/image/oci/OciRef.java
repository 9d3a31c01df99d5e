package dev.banger.image.oci;

import dev.banger.common.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * An OCI image reference, HOST[:PORT]/REPO[:TAG|@sha256:DIGEST], or an OCI image
 * layout directory (an absolute path). The registry host is taken literally; an
 * endpoint for a host can be configured (banger.oci.endpoint."HOST").
 */
public record OciRef(String registry, String repository, String reference, Path layout) {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?");
    private static final Pattern REPO = Pattern.compile("[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    /** Whether a pull ref is an OCI reference rather than a catalog name. */
    public static boolean looksLikeOci(String ref) {
        return ref.contains("/") || ref.contains(":");
    }

    public static OciRef parse(String ref) {
        if (ref.startsWith("/")) {
            Path layout = Path.of(ref).normalize();
            if (layout.getFileName() == null) {
                throw new InvalidArgumentException("an OCI layout must be a directory below /, got '" + ref + "'");
            }
            return new OciRef(null, null, null, layout);
        }
        int slash = ref.indexOf('/');
        if (slash <= 0) {
            throw new InvalidArgumentException("an OCI reference is HOST/REPOSITORY[:TAG|@DIGEST] or an absolute layout"
                    + " path, got '" + ref + "'");
        }
        String host = ref.substring(0, slash);
        String rest = ref.substring(slash + 1);
        String repo;
        String reference;
        int at = rest.indexOf('@');
        int colon = rest.lastIndexOf(':');
        if (at >= 0) {
            repo = rest.substring(0, at);
            reference = rest.substring(at + 1);
            if (!DIGEST.matcher(reference).matches()) {
                throw new InvalidArgumentException("bad digest in '" + ref + "'");
            }
        } else if (colon > rest.lastIndexOf('/')) {
            repo = rest.substring(0, colon);
            reference = rest.substring(colon + 1);
            if (!TAG.matcher(reference).matches()) {
                throw new InvalidArgumentException("bad tag in '" + ref + "'");
            }
        } else {
            repo = rest;
            reference = "latest";
        }
        if (!HOST.matcher(host).matches() || !REPO.matcher(repo).matches()) {
            throw new InvalidArgumentException("not an OCI reference: '" + ref + "'");
        }
        return new OciRef(host, repo, reference, null);
    }

    public boolean isLayout() {
        return layout != null;
    }

    /** A default image name: the repository's last part and the tag, e.g. debian-bookworm. */
    public String defaultName() {
        if (isLayout()) {
            return layout.getFileName().toString().toLowerCase().replaceAll("[^a-z0-9._-]", "-");
        }
        String last = repository.substring(repository.lastIndexOf('/') + 1);
        String tag = reference.startsWith("sha256:") ? reference.substring(7, 19) : reference.toLowerCase();
        return (last + "-" + tag).replaceAll("[^a-z0-9._-]", "-");
    }

    /** Loopback registries may be plain http (a local test registry); anything else is https. */
    public boolean loopback() {
        String h = registry.replaceAll(":[0-9]+$", "");
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]");
    }
}
